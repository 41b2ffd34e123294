"""Every file Rabta writes (the database and its -wal and -shm, the keyring, backups,
exports, reports, subject-access files, copies, the log) is readable by its owner
only: on POSIX the process creates files with mode 600 (umask 077), and a file
written over an existing one is set to 600 as well. Windows keeps them private
through the user's profile folder."""

from __future__ import annotations

import os
from pathlib import Path

OWNER_ONLY = 0o600


def keep_new_files_private() -> None:
    """From now on, every file this process creates is its owner's alone, whoever
    creates it (SQLite, reportlab, openpyxl, logging)."""
    if os.name == "posix":
        os.umask(0o077)


def make_private(*paths: Path | str) -> None:
    """Set files Rabta wrote to owner-only (those that exist; others are skipped): a
    file written over an older one keeps the older one's mode otherwise."""
    if os.name != "posix":
        return
    for path in paths:
        if Path(path).exists():
            os.chmod(path, OWNER_ONLY)
