"""Whole-database key operations (administrators, with no other Rabta open on the file):
encrypting a plain database from an earlier Rabta, and rotating the key of an encrypted
one. Both keep the data readable at every step: a new file or key is verified before the
old one is given up."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from db.database_file.backups import list_backups
from db.foundations.actor import Actor
from db.foundations.engine import (
    connect_sqlite_file,
    database_key,
    forget_database_key,
    hold_alone,
    remember_database_key,
    use_new_key,
)
from db.foundations.errors import SQLITE_ERRORS, DatabaseUnavailable
from db.foundations.private_files import make_private
from db.security.keyring import Keyring, keyring_path
from db.security.mail_password import reseal_mail_password


@dataclass(frozen=True)
class Encrypted:
    """What encrypting a plain database did."""

    backups: int
    need_password: list[str]


def _tables(connection, schema: str = "main") -> dict[str, int]:
    names = [
        row[0]
        for row in connection.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts_%'"
        )
    ]
    return {
        name: connection.execute(f'SELECT count(*) FROM {schema}."{name}"').fetchone()[0]
        for name in names
    }


def _export_encrypted(plain_path: Path, target: Path, key: bytes) -> None:
    """Write an encrypted copy of a plain file and prove it holds the same rows."""
    target.unlink(missing_ok=True)
    plain = connect_sqlite_file(plain_path, key=None)
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        plain.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(target),))
        plain.execute("SELECT sqlcipher_export('encrypted')")
        plain.execute("DETACH DATABASE encrypted")
        expected = _tables(plain)
    finally:
        plain.close()
    copy = connect_sqlite_file(target, key=key)
    try:
        whole = copy.execute("PRAGMA integrity_check").fetchone()[0]
        found = _tables(copy)
    finally:
        copy.close()
    if whole != "ok" or found != expected:
        target.unlink(missing_ok=True)
        raise DatabaseUnavailable(
            f"The encrypted copy of {plain_path} did not verify; the plain file is unchanged."
        )


def _require_file(location: str) -> None:
    """Refuse a server: its registry is not a file Rabta encrypts."""
    from db.foundations.engine import is_sqlite

    if not is_sqlite(location):
        raise DatabaseUnavailable(
            "Rabta encrypts the SQLite file on a laptop; a registry on a PostgreSQL server is "
            "protected by the server: connect with sslmode=verify-full and keep its disk "
            "encrypted (docs/deployment.md)."
        )


def encrypt_plain_database(actor: Actor, location: str, password: str) -> Encrypted:
    """Encrypt a plain database in place, for the administrator who signed in with this
    password: an encrypted copy is written and verified first, then replaces the plain
    file; plain backups beside it are encrypted the same way. Other users need a password
    reset by an administrator (their passwords are not known, so no key can be sealed for
    them); their names are returned."""
    actor.require_admin()
    username = actor.username
    _require_file(location)
    from sqlmodel import Session, select

    from db.foundations.engine import create_database_engine
    from db.foundations.models import User

    path = Path(location)
    if keyring_path(path).exists():
        raise DatabaseUnavailable(f"{path} is already encrypted.")
    engine = create_database_engine(location)
    try:
        with Session(engine) as s:
            others = [
                name
                for name in s.exec(
                    select(User.username).where(User.active, User.password_hash.is_not(None))
                )
                if name != username
            ]
    finally:
        engine.dispose()
    key = secrets.token_bytes(32)
    staged = path.with_name(path.name + ".encrypting")
    _export_encrypted(path, staged, key)
    keyring = Keyring(keyring_path(path))
    keyring.admit(username, password, key)
    plain_backups = [b.path for b in list_backups(location) if not b.encrypted]
    for backup in plain_backups:
        staged_backup = backup.with_name(backup.name + ".encrypting")
        _export_encrypted(backup, staged_backup, key)
    keyring.save()
    make_private(staged)
    os.replace(staged, path)
    for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        side.unlink(missing_ok=True)
    for backup in plain_backups:
        make_private(backup.with_name(backup.name + ".encrypting"))
        os.replace(backup.with_name(backup.name + ".encrypting"), backup)
        keyring.path = keyring_path(backup)
        keyring.save()
    return Encrypted(len(plain_backups), others)


def rotate_key(actor: Actor, location: str, engine: Engine) -> int:
    """Re-encrypt the database under a new random key and seal it for every user (their
    public keys suffice: no password is needed); return how many users hold it
    (administrators). Refused while another window or program has the file open. During
    the change the keyring holds both keys, so a failure at any point leaves a database
    that opens. Any copy of the keyring kept by a deactivated user opens nothing after."""
    actor.require_admin()
    _require_file(location)
    path = Path(location)
    old = database_key(location)
    if old is None or not keyring_path(path).exists():
        raise DatabaseUnavailable(f"{path} is not encrypted; `rabta encrypt` encrypts it.")
    new = secrets.token_bytes(32)
    engine.dispose()
    connection = connect_sqlite_file(path, key=old)
    try:
        if not hold_alone(connection, path):  # no other window keeps the old key in use
            raise DatabaseUnavailable(f"{path} does not open with its key; it is unchanged.")
        with Keyring.changed(path) as keyring:
            for envelope in keyring.envelopes.values():
                envelope.seal_also(new)
        connection.execute(f"PRAGMA rekey = \"x'{new.hex()}'\"")
    finally:
        connection.close()
    check = connect_sqlite_file(path, read_only=True, key=new)
    try:
        check.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except SQLITE_ERRORS as error:
        raise DatabaseUnavailable(
            f"{path} did not open with its new key; it still opens with the old one."
        ) from error
    finally:
        check.close()
    forget_database_key(location)
    remember_database_key(location, new)
    use_new_key(engine, new)
    with Keyring.changed(path) as keyring:
        for envelope in keyring.envelopes.values():
            envelope.keep_only_newest()
        keyring.rotation_due.clear()  # no copy kept by a deactivated user opens it now
        reseal_mail_password(keyring, old, new)
    return len(keyring.envelopes)
