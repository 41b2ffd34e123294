"""Reading the audit log: proving its chain intact, its head for printed reports, the
history of one record, and the filtered list supervisors read."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, text
from sqlmodel import Session, col, select

from db.foundations.actor import Actor
from db.foundations.errors import PermissionDenied
from db.foundations.labels import counted
from db.foundations.models import (
    AuditEntry,
    Contact,
    Engagement,
    Mission,
    Organization,
    Program,
    User,
)
from db.rules.audit_chain import (
    GENESIS,
    SEALED_COPY,
    ChainedFields,
    chain_pepper,
    entry_hash,
    is_redacted,
    opened_value,
)
from db.rules.audit_signatures import SignatureLedger, SignedFields
from db.rules.visibility import may_see_engagement, visible_engagements


@dataclass(frozen=True)
class ChainCheck:
    """What verifying the audit chain found."""

    entries: int
    head_id: int | None
    head_hash: str | None
    broken_at: int | None = None
    problem: str | None = None
    signed: int = 0  # signatures that hold
    unsigned_tail: int = 0  # entries after the last signature (witnesses protect them)
    self_introduced: tuple[str, ...] = ()  # users whose first key no administrator signed

    @property
    def intact(self) -> bool:
        """True when every entry follows the one before and matches its own hash."""
        return self.broken_at is None

    @property
    def signatures(self) -> str:
        """What the signatures say, in a sentence: how many hold, how many entries after
        the last one carry none, whose first key no administrator signed."""
        said = f"{counted(self.signed, 'signature')} {'holds' if self.signed == 1 else 'hold'}"
        if self.unsigned_tail:
            verb = "carries" if self.unsigned_tail == 1 else "carry"
            said += (
                f"; the last {counted(self.unsigned_tail, 'entry', 'entries')} (by Rabta "
                f"itself or by users with no key yet) {verb} none"
            )
        if self.self_introduced:
            said += (
                "; a first key no administrator signed (introduced by its owner at their "
                "first sign-in with signatures, or given by Rabta itself): "
                + ", ".join(self.self_introduced)
            )
        return said

    @property
    def head(self) -> str:
        """The chain head as printed on reports: entry number and a short hash."""
        if self.head_id is None:
            return "no entries"
        return f"entry {self.head_id} · {self.head_hash[:12]}"


def verify_audit_chain(s: Session, viewer: Actor, progress=None) -> ChainCheck:
    """Walk the whole audit log in order; name the first entry that was changed, removed
    or slipped in, or written in a user's name without their signature, and what
    differs (supervisors and administrators)."""
    _require_supervisor(viewer)
    _require_the_whole_chain(s)
    rows = s.exec(select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=5000))
    try:  # a server-side cursor on PostgreSQL: closed however the walk ends
        return _walk_chain(rows, progress, chain_pepper(s))
    finally:
        rows.close()


def _require_the_whole_chain(s: Session) -> None:
    """On a server, a person's own role reads no entry about a confidential engagement
    it may not see (migration 0020): refuse in a sentence rather than call the chain
    broken where it only hides entries."""
    if s.get_bind().dialect.name != "postgresql":
        return
    readable = s.exec(select(func.count()).select_from(AuditEntry)).one()
    whole = s.exec(text("SELECT count(*) FROM rabta_chain_links()")).one()[0]
    if readable != whole:
        raise PermissionDenied(
            f"This server role reads {readable:,} of the {whole:,} audit entries (the others "
            "are about confidential engagements it may not see): verifying the whole chain "
            "needs an administrator's role or the office's own connection."
        )


def _walk_chain(rows, progress, pepper: bytes | None) -> ChainCheck:
    previous_hash, previous_id, count = GENESIS, None, 0
    ledger = SignatureLedger()
    for entry in rows:
        count += 1
        if progress is not None and count % 20000 == 0:
            progress(count)
        fields = ChainedFields(
            id=entry.id,
            at=entry.at,
            user_id=entry.user_id,
            username=entry.username,
            action=entry.action,
            entity_type=entry.entity_type,
            entity_id=entry.entity_id,
            entity_uid=entry.entity_uid,
            changes=entry.changes,
            version=entry.chain_version,
        )
        if entry.previous_hash != previous_hash:
            after = f"entry {previous_id}" if previous_id is not None else "the start"
            return ChainCheck(
                count,
                previous_id,
                previous_hash,
                entry.id,
                f"entry {entry.id} does not follow {after}: an entry between them was removed "
                "or inserted, or its link was rewritten",
            )
        try:
            recomputed = entry_hash(fields, previous_hash, pepper)
        except (ValueError, TypeError):
            recomputed = None
        if recomputed != entry.entry_hash:
            return ChainCheck(
                count,
                previous_id,
                previous_hash,
                entry.id,
                f"entry {entry.id} ({entry.action} {entry.entity_type} #{entry.entity_id} by "
                f"{entry.username} at {entry.at:%Y-%m-%d %H:%M}) does not match its hash: "
                "who, when, what or a changed value was edited after it was written",
            )
        unsigned = ledger.check(_signed_fields(entry))
        if unsigned is not None:
            return ChainCheck(count, previous_id, previous_hash, entry.id, unsigned)
        previous_hash, previous_id = entry.entry_hash, entry.id
    uncovered = ledger.finish()
    if uncovered is not None:
        return ChainCheck(count, previous_id, previous_hash, previous_id, uncovered)
    return ChainCheck(
        count,
        previous_id,
        previous_hash if previous_id else None,
        signed=ledger.signed,
        unsigned_tail=ledger.unsigned_tail,
        self_introduced=tuple(ledger.self_introduced),
    )


def _signed_fields(entry: AuditEntry) -> SignedFields:
    return SignedFields(
        id=entry.id or 0,
        user_id=entry.user_id,
        username=entry.username,
        action=entry.action,
        entity_type=entry.entity_type,
        entity_id=entry.entity_id,
        changes=entry.changes,
        entry_hash=entry.entry_hash,
        signed_by=entry.signed_by,
        signature=entry.signature,
    )


def audit_chain_head(s: Session) -> str:
    """The newest entry's number and short hash (printed in report footers)."""
    last = s.exec(
        select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    if last is None or not last[1]:
        return "no entries"
    return f"entry {last[0]} · {last[1][:12]}"


@dataclass(frozen=True)
class FieldChange:
    """One field of one audit entry: from what to what."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryEntry:
    """One audited change to a record, as the History tab shows it."""

    id: int
    at: datetime
    username: str
    action: str
    changes: list[FieldChange]
    entity_type: str = ""
    entity_id: int | None = None


def field_changes(raw: str) -> list[FieldChange]:
    """The changed fields of an audit entry's JSON, erased values shown as "(erased)",
    sealed ones opened where this process holds their key."""
    try:
        parsed = json.loads(raw or "{}")
    except ValueError:
        return []
    found = []
    for field, values in sorted(parsed.items()):
        old, new = values if isinstance(values, list) and len(values) == 2 else (None, values)
        found.append(FieldChange(field, _shown(field, old), _shown(field, new)))
    return found


def _shown(field: str, value: Any) -> Any:
    """A value as the history shows it: confidential text opened with a held key (or a
    sentence saying it is sealed), an erased value as "(erased)"."""
    if is_redacted(value) and SEALED_COPY not in value:
        return "(erased)"
    return opened_value(value, field)


# Fields that hold another record's id, and the table whose name stands for it.
_REFERENCES = {
    "mission_id": "mission",
    "lead_mission_id": "mission",
    "officer_id": "user",
    "program_id": "program",
    "organization_id": "organization",
    "organization_ids": "organization",
    "contact_id": "contact",
    "contact_ids": "contact",
}


def _names_of(s: Session, table: str, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    if table == "mission":
        rows = s.exec(select(Mission.id, Mission.code).where(col(Mission.id).in_(ids)))
    elif table == "user":
        rows = s.exec(select(User.id, User.display_name).where(col(User.id).in_(ids)))
    elif table == "program":
        rows = s.exec(select(Program.id, Program.name).where(col(Program.id).in_(ids)))
    elif table == "organization":
        rows = s.exec(
            select(
                Organization.id,
                func.coalesce(func.nullif(Organization.acronym, ""), Organization.name),
            ).where(col(Organization.id).in_(ids))
        )
    else:
        full = Contact.given_name + " " + Contact.family_name
        rows = s.exec(select(Contact.id, full).where(col(Contact.id).in_(ids)))
    return {i: str(name).split(",")[0].strip() for i, name in rows if name and str(name).strip()}


def _history_entries(s: Session, rows) -> list[HistoryEntry]:
    """Audit rows as the History tab and the Audit page show them, records named."""
    return _with_names(
        s,
        [
            HistoryEntry(
                row.id,
                row.at,
                row.username,
                row.action,
                field_changes(row.changes),
                row.entity_type,
                row.entity_id,
            )
            for row in rows
        ],
    )


def _with_names(s: Session, entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """The entries with the ids of other records (a mission, an officer, a program, the
    organizations and people of an engagement) named as a person reads them: "HOU",
    "Nadia Jamil"; an id whose record has no name left stays a number."""
    wanted: dict[str, set[int]] = {}

    def ids_in(value: Any) -> list[int]:
        values = value if isinstance(value, list) else [value]
        return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]

    for entry in entries:
        for change in entry.changes:
            table = _REFERENCES.get(change.field)
            if table:
                wanted.setdefault(table, set()).update(ids_in(change.old) + ids_in(change.new))
    names = {table: _names_of(s, table, ids) for table, ids in wanted.items()}

    def named(field: str, value: Any) -> Any:
        table = _REFERENCES.get(field)
        if table is None or not ids_in(value):
            return value
        found = names.get(table, {})
        if isinstance(value, list):
            return [found.get(v, f"#{v}") if isinstance(v, int) else v for v in value]
        return found.get(value, f"#{value}")

    return [
        replace(
            entry,
            changes=[
                replace(c, old=named(c.field, c.old), new=named(c.field, c.new))
                for c in entry.changes
            ],
        )
        for entry in entries
    ]


def record_history(
    s: Session, viewer: Actor, entity_type: str, entity_id: int, limit: int = 500
) -> list[HistoryEntry]:
    """Who changed which field of one record from what to what, newest first. Everyone
    who may read the record may read its history."""
    if not isinstance(entity_type, str) or not isinstance(entity_id, int):
        return []
    if entity_type == "engagement":
        engagement = s.get(Engagement, entity_id)
        if engagement is None or not may_see_engagement(viewer, engagement):
            return []
    rows = s.exec(
        select(AuditEntry)
        .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
        .where(col(AuditEntry.action) != "read_out")
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return _history_entries(s, rows)


@dataclass(frozen=True)
class AuditFilter:
    """What the Audit page narrows the log to; empty fields do not narrow."""

    username: str = ""
    entity_type: str = ""
    entity_id: int | None = None
    action: str = ""
    since: date | None = None
    until: date | None = None


def _require_supervisor(viewer: Actor) -> None:
    if not viewer.supervises:
        raise PermissionDenied("Only supervisors and administrators may read the audit log.")


def _filtered(query, viewer: Actor, chosen: AuditFilter):
    if not viewer.sees_all_confidential:  # a mission's supervisor: not another's secrets
        query = query.where(
            or_(
                AuditEntry.entity_type != "engagement",
                col(AuditEntry.entity_id).in_(
                    select(Engagement.id).where(visible_engagements(viewer))
                ),
            )
        )
    if chosen.username:
        query = query.where(AuditEntry.username == chosen.username.strip().lower())
    if chosen.entity_type:
        query = query.where(AuditEntry.entity_type == chosen.entity_type)
    if chosen.entity_id is not None:
        query = query.where(AuditEntry.entity_id == chosen.entity_id)
    if chosen.action:
        query = query.where(AuditEntry.action == chosen.action)
    if chosen.since is not None:
        query = query.where(AuditEntry.at >= datetime.combine(chosen.since, time()))
    if chosen.until is not None:
        query = query.where(
            AuditEntry.at < datetime.combine(chosen.until + timedelta(days=1), time())
        )
    return query


def count_audit_entries(s: Session, viewer: Actor, chosen: AuditFilter) -> int:
    """How many audit entries match the filter (supervisors and administrators)."""
    _require_supervisor(viewer)
    return s.exec(_filtered(select(func.count()).select_from(AuditEntry), viewer, chosen)).one()


def list_audit_entries(
    s: Session, viewer: Actor, chosen: AuditFilter, *, offset: int = 0, limit: int = 200
) -> list[HistoryEntry]:
    """One page of matching audit entries, newest first (supervisors and administrators)."""
    _require_supervisor(viewer)
    rows = s.exec(
        _filtered(select(AuditEntry), viewer, chosen)
        .order_by(AuditEntry.id.desc())
        .offset(max(0, offset))
        .limit(max(1, min(limit, 1000)))
    )
    return _history_entries(s, rows)


def audit_filter_choices(s: Session, viewer: Actor) -> dict[str, list[str]]:
    """The usernames, record kinds and actions the log holds, for the filter boxes."""
    _require_supervisor(viewer)
    return {
        name: sorted(v for v in s.exec(select(column).distinct()) if v)
        for name, column in (
            ("username", AuditEntry.username),
            ("entity_type", AuditEntry.entity_type),
            ("action", AuditEntry.action),
        )
    }
