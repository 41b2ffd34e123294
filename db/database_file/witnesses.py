"""Witnesses of the audit chain: where its head (entry number and hash) was seen before,
kept outside the live chain so that a chain cut short or rewritten from some entry on is
noticed. The keys file notes the head at every sign-in, each backup carries the chain
as it was when it was taken (and an encrypted backup's keys file notes its head too),
and every printed report prints it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from db.database_file.backups import chain_head, list_backups
from db.foundations.engine import connect_sqlite_file, database_key, is_sqlite
from db.foundations.errors import SQLITE_ERRORS, DatabaseUnavailable
from db.security.keyring import Keyring, keyring_path

RESTORED = "restore_backup"  # the audit action a restore writes into the restored chain


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Witness:
    """One place that saw the chain's head: what it is, when, and the entry it saw."""

    source: str
    seen_at: datetime | None
    entry_id: int
    entry_hash: str


def audit_witnesses(location: str, backup_folder: Path | None = None) -> list[Witness]:
    """Every witness Rabta can find for a database file: its keys file and its backups
    (those the session's key opens, or whose keys file noted their head), newest first."""
    if not is_sqlite(location):
        return []
    found: list[Witness] = []
    if keyring_path(location).exists():
        found += _noted_in_keyring(Path(location), "the keys file")
    key = database_key(location)
    for backup in list_backups(location, backup_folder):
        source = f"a backup of {backup.taken_at:%d %b %Y %H:%M}"
        seen = _seen_in_backup(backup.path, key)
        if seen is not None:
            found.append(Witness(source, backup.taken_at.astimezone(UTC), *seen))
        elif keyring_path(backup.path).exists():
            found += _noted_in_keyring(backup.path, source)
    return sorted(found, key=lambda w: w.entry_id, reverse=True)


def _noted_in_keyring(database: Path, source: str) -> list[Witness]:
    try:
        head = Keyring.load(database).audit_head
    except DatabaseUnavailable:
        return []
    if not head:
        return []
    try:
        seen_at = _utc(datetime.fromisoformat(head["at"])) if head.get("at") else None
        return [Witness(source, seen_at, int(head["id"]), str(head["hash"]))]
    except (KeyError, TypeError, ValueError):
        return []


def _seen_in_backup(backup: Path, key: bytes | None) -> tuple[int, str] | None:
    try:
        connection = connect_sqlite_file(backup, key=key, untouched=True)
        try:
            return chain_head(connection)
        finally:
            connection.close()
    except SQLITE_ERRORS:
        return None


def of_this_timeline(s, witnesses: list[Witness]) -> list[Witness]:
    """The witnesses that saw this chain: not those from before the newest restore (they
    saw the chain it replaced)."""
    from sqlmodel import func, select

    from db.foundations.models import AuditEntry

    restored = s.exec(select(func.max(AuditEntry.at)).where(AuditEntry.action == RESTORED)).one()
    if restored is None:
        return witnesses
    return [w for w in witnesses if w.seen_at is not None and w.seen_at >= _utc(restored)]


def witnessed_problem(s, witnesses: list[Witness]) -> str | None:
    """How the live chain differs from the newest witness of its timeline it disagrees
    with (cut short: it ends before the entry a witness saw; rewritten: that entry's hash
    differs), or None when every witness's entry is in the chain as it was seen."""
    from sqlmodel import func, select

    from db.foundations.models import AuditEntry

    last = s.exec(select(func.max(AuditEntry.id))).one()
    for witness in of_this_timeline(s, witnesses):
        seen = f"{witness.source} saw {witness.entry_id:,}"
        hash_now = s.exec(
            select(AuditEntry.entry_hash).where(AuditEntry.id == witness.entry_id)
        ).first()
        if hash_now is None:
            if last is None or witness.entry_id > last:
                ends = f"ends at {last:,}" if last is not None else "is empty"
                return f"the chain {ends}; {seen}: entries were removed from its end"
            return f"entry {witness.entry_id:,} is missing; {seen}"
        if hash_now != witness.entry_hash:
            return (
                f"entry {witness.entry_id:,} is not the one {witness.source} saw: the chain "
                "was rewritten from there or before (its hashes recomputed)"
            )
    return None
