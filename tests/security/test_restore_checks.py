"""A restore that keeps its word: a backup is opened and checked with its key before
anything moves, so damaged or foreign files are refused and the database stays as it
was; a database in use is never swapped; its unsaved write-ahead log is never lost; and
the database cannot be restored onto itself."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, select

from db import store
from db.database_file.backups import take_backup
from db.database_file.restore import restore_backup
from db.foundations.engine import connect_sqlite_file, forget_database_key
from db.foundations.errors import DatabaseUnavailable
from db.foundations.models import Contact
from db.security.keyring import Keyring, keyring_path
from db.security.sign_in import create_first_administrator, sign_in
from db.store.contacts import create_contact

PASSWORD = "correct horse battery"


class Installation:
    """An encrypted database with one administrator, one contact and one backup."""

    def __init__(self, folder: Path):
        self.path = folder / "rabta.db"
        admin = create_first_administrator(str(self.path), "admin", "Admin", PASSWORD)
        self.actor = admin.actor
        with store.session(admin.opened.engine) as s:
            create_contact(s, admin.actor, {"given_name": "Before", "family_name": "Backup"})
        self.backup = take_backup(str(self.path), kind="manual")
        with store.session(admin.opened.engine) as s:
            create_contact(s, admin.actor, {"given_name": "After", "family_name": "Backup"})
        admin.opened.engine.dispose()
        self.envelopes_before = Keyring.load(self.path).envelopes

    def names(self) -> set[str]:
        """The contacts the live database holds, opened as a person would."""
        signed_in = sign_in(str(self.path), "admin", PASSWORD)
        try:
            with Session(signed_in.opened.engine) as s:
                return set(s.exec(select(Contact.given_name)))
        finally:
            signed_in.opened.engine.dispose()

    def assert_unchanged(self) -> None:
        assert self.names() == {"Before", "After"}
        assert Keyring.load(self.path).envelopes == self.envelopes_before
        assert not list(self.path.parent.glob("*-replaced.db"))
        assert not list(self.path.parent.glob("*.restoring*"))


@pytest.fixture
def installation(tmp_path):
    made = Installation(tmp_path)
    yield made
    forget_database_key(str(made.path))


def _damaged_copy(installation: Installation, how: str) -> Path:
    source = installation.backup
    target = source.with_name(f"damaged-{how}.db")
    data = bytearray(source.read_bytes())
    keys = keyring_path(source)
    if how == "truncated":
        data = data[: len(data) // 2]
    elif how == "page overwritten":
        data[4096 * 2 : 4096 * 3] = bytes(random.Random(3).randbytes(4096))
    elif how == "bit flipped":
        data[4096 + 1000] ^= 0x10
    elif how == "random bytes":
        data = bytearray(random.Random(5).randbytes(len(data)))
    elif how == "empty":
        data = bytearray()
    elif how == "another program's file":
        other = sqlite3.connect(target)
        other.execute("CREATE TABLE recipes (name TEXT)")
        other.commit()
        other.close()
        return target
    elif how == "foreign keyring":
        stranger = create_first_administrator(
            str(target.with_name("stranger.db")), "admin", "Admin", PASSWORD
        )
        stranger.opened.engine.dispose()
        forget_database_key(str(target.with_name("stranger.db")))
        keys = keyring_path(target.with_name("stranger.db"))
    target.write_bytes(bytes(data))
    shutil.copyfile(keys, keyring_path(target))
    return target


DAMAGE = [
    "truncated",
    "page overwritten",
    "bit flipped",
    "random bytes",
    "empty",
    "another program's file",
    "foreign keyring",
]


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_or_foreign_backup_is_refused_and_nothing_moves(installation, how):
    damaged = _damaged_copy(installation, how)
    with pytest.raises(DatabaseUnavailable, match=r"cannot be|not a Rabta|do not open|damaged"):
        restore_backup(installation.actor, str(installation.path), damaged, password=PASSWORD)
    installation.assert_unchanged()


def test_a_good_backup_is_restored_with_its_counts(installation):
    restored = restore_backup(
        installation.actor, str(installation.path), installation.backup, password=PASSWORD
    )
    assert restored.counts["contact"] == 1 and restored.audit_entries == 2  # made, added
    assert installation.names() == {"Before"}
    assert keyring_path(restored.kept).exists()


def test_a_wrong_password_opens_no_backup(installation):
    with pytest.raises(DatabaseUnavailable, match="do not open with admin's password"):
        restore_backup(
            installation.actor, str(installation.path), installation.backup, password="wrong!"
        )
    installation.assert_unchanged()


def test_the_database_is_not_its_own_backup(installation):
    for itself in (installation.path, keyring_path(installation.path)):
        with pytest.raises(DatabaseUnavailable, match="database itself"):
            restore_backup(installation.actor, str(installation.path), itself, password=PASSWORD)
    installation.assert_unchanged()


def test_a_database_open_elsewhere_is_not_replaced(installation):
    signed_in = sign_in(str(installation.path), "admin", PASSWORD)
    try:
        with Session(signed_in.opened.engine) as s:  # a window that has read from it
            s.exec(select(Contact.id)).all()
            with pytest.raises(DatabaseUnavailable, match="open in another Rabta window"):
                restore_backup(
                    installation.actor,
                    str(installation.path),
                    installation.backup,
                    password=PASSWORD,
                )
    finally:
        signed_in.opened.engine.dispose()
    installation.assert_unchanged()


WRITE_AND_DIE = """
import os, sys
from db.foundations.engine import connect_sqlite_file
connection = connect_sqlite_file(sys.argv[1], key=bytes.fromhex(sys.argv[2]))
connection.execute("PRAGMA wal_autocheckpoint = 0")
connection.execute(
    "UPDATE contact SET given_name = 'Committed In The Log' WHERE given_name = 'After'"
)
os._exit(0)  # killed: the committed change is in the -wal file only
"""


def test_a_change_left_in_the_write_ahead_log_is_kept_with_the_replaced_file(installation):
    path = installation.path
    signed_in = sign_in(str(path), "admin", PASSWORD)
    key = Keyring.load(path).open_keys("admin", PASSWORD)[0]
    signed_in.opened.engine.dispose()
    subprocess.run(
        [sys.executable, "-c", WRITE_AND_DIE, str(path), key.hex()],
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert Path(f"{path}-wal").stat().st_size > 0
    restored = restore_backup(installation.actor, str(path), installation.backup, password=PASSWORD)
    kept = connect_sqlite_file(restored.kept, key=key)
    try:
        names = {row[0] for row in kept.execute("SELECT given_name FROM contact")}
    finally:
        kept.close()
    assert "Committed In The Log" in names
