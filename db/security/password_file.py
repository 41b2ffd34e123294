"""Passwords for unattended command-line use: read from a file only its owner can read,
never from an argument (arguments show in process lists and shell history)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from db.foundations.errors import RabtaError


class PasswordFileRefused(RabtaError):
    """The password file cannot be trusted or read; `str()` says why."""


def read_password_file(path: str | Path) -> str:
    """The password on the first line of a file that is the caller's own and that no
    one else may read or write; PasswordFileRefused otherwise."""
    path = Path(path).expanduser()
    try:
        facts = path.stat()
    except OSError as error:
        raise PasswordFileRefused(
            f"The password file {path} cannot be read ({error.strerror})."
        ) from error
    if not stat.S_ISREG(facts.st_mode):
        raise PasswordFileRefused(f"The password file {path} is not a file.")
    if hasattr(os, "getuid") and facts.st_uid != os.getuid():
        raise PasswordFileRefused(f"The password file {path} belongs to another user.")
    if facts.st_mode & 0o077:
        raise PasswordFileRefused(
            f"The password file {path} may be read by others; make it yours alone "
            f"(chmod 600 {path})."
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PasswordFileRefused(f"The password file {path} cannot be read as text.") from error
    text = text.removeprefix("\ufeff")  # a byte-order mark some editors write first
    password = text.splitlines()[0] if text else ""
    if not password:
        raise PasswordFileRefused(f"The password file {path} is empty.")
    return password
