"""Putting a backup in the database's place, only once the backup has proved whole.

A backup is copied beside the database first and opened there with its key: SQLite's
integrity check, the audit chain and an active administrator must all hold before
anything is moved, so a truncated, overwritten or foreign file is refused in a sentence
and the database stays as it was. The database being replaced must be free (no other
Rabta window or program has it open); its write-ahead log is checkpointed with its key
and moved along with it, never deleted, so a committed change is never lost.
"""

from __future__ import annotations

import shutil
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, func, select

from db.database_file.backups import record_counts
from db.database_file.witnesses import RESTORED
from db.foundations import clock
from db.foundations.actor import SYSTEM_ACTOR, Actor
from db.foundations.engine import (
    connect_sqlite_file,
    create_database_engine,
    database_key,
    forget_database_key,
    hold_alone,
    is_sqlite,
    remember_database_key,
)
from db.foundations.errors import SQLITE_ERRORS, DatabaseUnavailable
from db.foundations.models import User, UserRole
from db.foundations.private_files import make_private
from db.security.keyring import Keyring, key_that_opens, keyring_path

_SQLITE_HEADER = b"SQLite format 3\x00"
_NEEDED_TABLES = {"alembic_version", "user", "audit_entry", "organization"}


@dataclass(frozen=True)
class RestoredBackup:
    """What a restore did: where the replaced database was kept, and what the restored
    one holds."""

    kept: Path
    counts: dict[str, int] = field(default_factory=dict)
    audit_entries: int = 0


def restore_backup(
    actor: Actor, location: str, backup: Path | str, *, password: str, now: datetime | None = None
) -> RestoredBackup:
    """Replace the database by a backup (administrators, who type their password again:
    it opens the backup's own keyring). The backup is checked first, and refused with
    the reason when it does not open, is damaged, its audit chain is broken or no
    administrator could sign in to it; the replaced file (its keyring and write-ahead
    log with it) is kept as a "replaced" backup."""
    actor.require_admin()
    if not is_sqlite(location):
        raise DatabaseUnavailable(
            "Rabta restores SQLite files; restore a PostgreSQL registry with pg_restore."
        )
    path = Path(location)
    backup = Path(backup)
    if not backup.is_file():
        raise DatabaseUnavailable(f"There is no backup at {backup}.")
    if path.exists() and backup.resolve() == path.resolve():
        raise DatabaseUnavailable(
            f"{backup} is the database itself, not a backup of it; choose one of its backups."
        )
    if backup.resolve() in (keyring_path(path).resolve(), Path(f"{path}-wal").resolve()):
        raise DatabaseUnavailable(f"{backup} belongs to the database itself; choose a backup.")
    live_key = database_key(location)
    staged = path.with_name(path.name + ".restoring")
    staged_keys = keyring_path(staged)
    try:
        shutil.copyfile(backup, staged)
        make_private(staged)
        backup_keys = keyring_path(backup)
        if backup_keys.exists():
            shutil.copyfile(backup_keys, staged_keys)
            make_private(staged_keys)
        key = _backup_key(staged, backup, actor, password, live_key)
        checked = _checked_backup(staged, backup, key)
        stamp = f"{(now or clock.local_now()):%Y%m%d-%H%M%S}"
        kept = path.parent / f"{path.stem}.backup-{stamp}-replaced.db"
        if path.exists():
            _set_aside(path, kept, live_key)
        staged.replace(path)
        if staged_keys.exists():
            staged_keys.replace(keyring_path(path))
        _note_restore(actor, location, key, backup, kept)
    finally:
        for leftover in (staged, staged_keys, Path(f"{staged}-wal"), Path(f"{staged}-shm")):
            leftover.unlink(missing_ok=True)
    return RestoredBackup(kept, *checked)


def _note_restore(actor: Actor, location: str, key: bytes | None, backup: Path, kept: Path) -> None:
    """Write the restore into the restored chain: witnesses from before it saw the chain
    it replaced, not this one (db/database_file/witnesses.py)."""
    from db.database_file.migrate import open_database
    from db.store.audit import record_audit
    from db.store.unit_of_work import session

    if key is None:
        forget_database_key(location)
    else:
        remember_database_key(location, key)
    opened = open_database(location, create_missing=False)
    try:
        with session(opened.engine) as s:
            record_audit(
                s,
                actor,
                RESTORED,
                "database",
                None,
                {"backup": (None, backup.name), "replaced_kept_as": (None, kept.name)},
            )
    finally:
        opened.engine.dispose()


def _backup_key(
    staged: Path, backup: Path, actor: Actor, password: str, live_key: bytes | None
) -> bytes | None:
    """The key that opens the staged copy: none for a plain file, else one its own
    keyring gives the administrator's password (the database's key of that day)."""
    staged_keys = keyring_path(staged)
    if not staged_keys.exists():
        with staged.open("rb") as handle:
            if handle.read(16) != _SQLITE_HEADER:
                raise DatabaseUnavailable(
                    f"{backup.name} is not a Rabta backup: it is neither a database nor "
                    "encrypted with a keyring beside it. The database is unchanged."
                )
        return None
    try:
        keyring = Keyring.load(staged)
    except DatabaseUnavailable as error:
        raise DatabaseUnavailable(
            f"The keys beside {backup.name} are damaged; the backup cannot be opened and "
            "the database is unchanged."
        ) from error
    keys = keyring.open_keys(actor.username, password)
    if keys is None:
        raise DatabaseUnavailable(
            f"The keys beside {backup.name} do not open with {actor.username}'s password: "
            "the backup belongs to another database, or you had another password (or no "
            "account) on the day it was taken. The database is unchanged."
        )
    try:
        return key_that_opens(staged, keys)
    except DatabaseUnavailable as error:
        raise DatabaseUnavailable(
            f"{backup.name} does not open with the key its keyring holds: the file is "
            "damaged or was replaced. The database is unchanged."
        ) from error


def _checked_backup(staged: Path, backup: Path, key: bytes | None) -> tuple[dict[str, int], int]:
    """The staged copy's record counts and audit entries once it proves whole, else
    DatabaseUnavailable naming what is wrong."""
    refused = f"{backup.name} cannot be restored"
    try:
        connection = connect_sqlite_file(staged, read_only=True, key=key)
        try:
            verdict = [row[0] for row in connection.execute("PRAGMA integrity_check(20)")]
            if key is not None:  # every page's own checksum, free pages too
                verdict = [
                    f"page checksum: {row[0]}"
                    for row in connection.execute("PRAGMA cipher_integrity_check")
                ] or verdict
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        finally:
            connection.close()
    except SQLITE_ERRORS as error:
        raise DatabaseUnavailable(
            f"{refused}: it does not open as a database ({error}). The database is unchanged."
        ) from error
    if verdict != ["ok"]:
        raise DatabaseUnavailable(
            f"{refused}: SQLite finds it damaged ({verdict[0]}). The database is unchanged."
        )
    if not tables >= _NEEDED_TABLES:
        raise DatabaseUnavailable(
            f"{refused}: it is another program's database, not Rabta's. The database is unchanged."
        )
    from db.queries.audit import verify_audit_chain

    engine = create_database_engine(str(staged), key=key)
    try:
        with Session(engine) as s:
            chain = verify_audit_chain(s, SYSTEM_ACTOR)
            administrators = s.exec(
                select(func.count())
                .select_from(User)
                .where(User.role == UserRole.ADMIN, col(User.active).is_(True))
            ).one()
    except SQLITE_ERRORS as error:
        raise DatabaseUnavailable(
            f"{refused}: its tables cannot be read ({error}). The database is unchanged."
        ) from error
    finally:
        engine.dispose()
    if not chain.intact:
        raise DatabaseUnavailable(
            f"{refused}: its audit log was edited ({chain.problem}). The database is unchanged."
        )
    if not administrators:
        raise DatabaseUnavailable(
            f"{refused}: it has no active administrator, so no one could manage it. "
            "The database is unchanged."
        )
    counts = record_counts(staged, key) or {}
    settled = connect_sqlite_file(staged, key=key)
    try:  # back to one file, as backups are kept: its log written in, and gone
        settled.execute("PRAGMA journal_mode = DELETE").fetchone()
    finally:
        settled.close()
    return counts, chain.entries


def _set_aside(path: Path, kept: Path, key: bytes | None) -> None:
    """Move the database (its keyring and write-ahead log along) to `kept`, refusing
    while another connection has it open; its log is first checkpointed with its key."""
    connection = connect_sqlite_file(path, key=key)
    try:
        if hold_alone(connection, path):  # else damaged: kept as it is, its log beside it
            with suppress(*SQLITE_ERRORS):  # else the log moves along, unread but not lost
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        path.replace(kept)
        if keyring_path(path).exists():
            keyring_path(path).replace(keyring_path(kept))
        for suffix in ("-wal", "-shm"):
            side = Path(f"{path}{suffix}")
            if side.exists() and side.stat().st_size:
                side.replace(Path(f"{kept}{suffix}"))
    finally:
        connection.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)  # empty: everything is in `kept`
