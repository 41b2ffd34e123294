"""Backups of a SQLite database: online copies through SQLite's backup API, encrypted
with the database's own key (its keyring copied beside each), taken at the first start
of each day, before every upgrade and on request, kept as 7 daily and 4 weekly copies
(restoring one: db/database_file/restore.py).

A backup is named after its database: `rabta.backup-20261124-093000-daily.db` with
`rabta.backup-20261124-093000-daily.db.keys` beside it when the database is encrypted.
"""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from db.foundations import clock
from db.foundations.actor import Actor
from db.foundations.engine import connect_sqlite_file, database_key, is_sqlite
from db.foundations.errors import SQLITE_ERRORS, DatabaseUnavailable
from db.foundations.private_files import make_private
from db.rules.settings import read_settings
from db.security.keyring import Keyring, keyring_path

KINDS = ("daily", "manual", "upgrade", "replaced")
KEEP_DAILY = 7
KEEP_WEEKLY = 4
STALE_PARTIAL_SECONDS = 3600
_NAME = re.compile(
    r"^(?P<stem>.+)\.backup-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?"
    r"(?:-(?P<kind>daily|manual|upgrade|replaced))?\.db$"
)
_COUNTED = ("organization", "contact", "engagement")


@dataclass(frozen=True)
class BackupFile:
    """One backup copy on disk."""

    path: Path
    taken_at: datetime
    kind: str
    size: int

    @property
    def encrypted(self) -> bool:
        """True when the copy has its keyring beside it (it opens with a password)."""
        return keyring_path(self.path).exists()


def _require_file(location: str) -> Path:
    if not is_sqlite(location):
        raise DatabaseUnavailable(
            "Rabta backs up SQLite files; back up a PostgreSQL registry with pg_dump on its server."
        )
    return Path(location)


def chain_head(connection) -> tuple[int, str] | None:
    """The newest audit entry's number and hash on a DB-API connection (None before
    the chain began, in a file of an earlier Rabta)."""
    try:
        row = connection.execute(
            "SELECT id, entry_hash FROM audit_entry ORDER BY id DESC LIMIT 1"
        ).fetchone()
    except SQLITE_ERRORS:
        return None
    return (int(row[0]), str(row[1])) if row and row[1] else None


def backup_folder(location: str, configured: str = "") -> Path:
    """Where backups of a database go: the folder set in Settings, else beside it."""
    return Path(configured).expanduser() if configured.strip() else _require_file(location).parent


def take_backup(
    location: str, folder: Path | None = None, *, kind: str = "manual", now: datetime | None = None
) -> Path:
    """Copy the database consistently while it is in use (readers and writers carry on)
    into the folder; return the copy's path. The copy is encrypted with the database's
    key, and the keyring as it is now goes beside it, so the copy opens with the
    passwords of today."""
    path = _require_file(location)
    if kind not in KINDS:
        raise ValueError(f"unknown backup kind {kind!r}")
    folder = folder or path.parent
    if not folder.is_dir():
        raise DatabaseUnavailable(
            f"The backup folder {folder} does not exist or is not reachable (a USB stick "
            "or network share that is not connected?)."
        )
    stamp = (now or clock.local_now()).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}.backup-{stamp}-{kind}.db"
    counter = 1
    while target.exists():
        counter += 1
        target = folder / f"{path.stem}.backup-{stamp}-{counter}-{kind}.db"
    key = database_key(str(path))
    partial = target.with_name(target.name + ".partial")
    try:
        source = connect_sqlite_file(path, read_only=True, key=key)
        try:
            copy = connect_sqlite_file(partial, key=key)
            try:
                source.backup(copy)
                # A copy in rollback-journal mode: reading it leaves no -wal or -shm beside it.
                copy.execute("PRAGMA journal_mode=DELETE").fetchone()
                head = chain_head(copy)
            finally:
                copy.close()
        finally:
            source.close()
        if keyring_path(path).exists():
            shutil.copyfile(keyring_path(path), keyring_path(target))
            keyring_path(target).chmod(0o600)
            if head is not None:  # a witness of the chain, readable without the key
                copied_keys = Keyring.load(target)
                copied_keys.audit_head = {
                    "id": head[0],
                    "hash": head[1],
                    "at": clock.utc_now().isoformat(),
                }
                copied_keys.save()
        make_private(partial)
        partial.replace(target)
    except (OSError, *SQLITE_ERRORS) as error:
        partial.unlink(missing_ok=True)
        keyring_path(target).unlink(missing_ok=True)
        raise DatabaseUnavailable(
            f"The backup to {folder} could not be written ({error}); the database is unchanged."
        ) from error
    return target


def back_up(
    actor: Actor,
    engine: Engine,
    location: str,
    *,
    kind: str = "manual",
    folder: Path | None = None,
) -> Path | None:
    """The whole backup step, as the window and the command line take it: into `folder`
    (by default the one set in Settings, else beside the database), then old copies
    pruned. A manual backup is for administrators; the daily one, taken for anyone
    signed in, is skipped (None) when today's copy exists already."""
    if kind != "daily":
        actor.require_admin()
    if folder is None:
        with Session(engine) as s:
            folder = backup_folder(location, read_settings(s).backup_folder)
    if kind == "daily" and not daily_backup_due(location, folder):
        return None
    taken = take_backup(location, folder, kind=kind)
    prune_backups(location, folder)
    return taken


def list_backups(location: str, folder: Path | None = None) -> list[BackupFile]:
    """The backups of this database in the folder (and beside it), newest first."""
    path = _require_file(location)
    folders = {folder or path.parent, path.parent}
    found: list[BackupFile] = []
    for place in folders:
        if not place.is_dir():
            continue
        for candidate in place.glob(f"{path.stem}.backup-*.db"):
            match = _NAME.match(candidate.name)
            if not match or match["stem"] != path.stem:
                continue
            found.append(
                BackupFile(
                    candidate,
                    datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S"),
                    match["kind"] or "upgrade",
                    candidate.stat().st_size,
                )
            )
    return sorted(found, key=lambda backup: (backup.taken_at, backup.path.name), reverse=True)


def record_counts(backup: Path, key: bytes | None) -> dict[str, int] | None:
    """How many organizations, contacts and engagements a backup holds; None if it does
    not open (damaged, or sealed with a key this session does not hold). Reading it
    writes nothing beside it."""
    try:
        connection = connect_sqlite_file(backup, key=key, untouched=True)
        try:
            return {
                table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in _COUNTED
            }
        finally:
            connection.close()
    except SQLITE_ERRORS:
        return None


def daily_backup_due(location: str, folder: Path | None = None, today: date | None = None) -> bool:
    """True when no daily backup of this database was taken today."""
    today = today or clock.today()
    return not any(
        backup.kind == "daily" and backup.taken_at.date() == today
        for backup in list_backups(location, folder)
    )


def prune_backups(location: str, folder: Path | None = None) -> list[Path]:
    """Delete daily backups beyond the newest of each of the last 7 days and the newest of
    each of the 4 weeks before, and copies left unfinished over an hour ago; manual,
    upgrade and replaced copies are kept. Returns what was deleted."""
    daily = [b for b in list_backups(location, folder) if b.kind == "daily"]
    keep: set[Path] = set()
    days: list[date] = []
    weeks: list[tuple[int, int]] = []
    for backup in daily:  # newest first
        day = backup.taken_at.date()
        week = day.isocalendar()[:2]
        if day not in days and len(days) < KEEP_DAILY:
            days.append(day)
            keep.add(backup.path)
        elif day not in days and week not in weeks and len(weeks) < KEEP_WEEKLY:
            if any(d.isocalendar()[:2] == week for d in days):
                continue
            weeks.append(week)
            keep.add(backup.path)
    removed = []
    database = _require_file(location)
    for leftover in (folder or database.parent).glob(f"{database.stem}.backup-*.db.partial*"):
        # A copy cut short when Rabta was killed mid-backup; an hour old, no one writes it.
        if time.time() - leftover.stat().st_mtime > STALE_PARTIAL_SECONDS:
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    for backup in daily:
        if backup.path not in keep:
            for side in (backup.path, Path(f"{backup.path}-wal"), Path(f"{backup.path}-shm")):
                side.unlink(missing_ok=True)
            keyring_path(backup.path).unlink(missing_ok=True)
            removed.append(backup.path)
    return removed
