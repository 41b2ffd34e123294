"""What every aggregate's store module does the same way: find, change, archive, restore."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, select

from db.foundations.actor import Actor
from db.foundations.clock import utc_now
from db.foundations.errors import StaleRecord, ValidationError
from db.rules.rows import get_record
from db.store.audit import record_audit


def expected_version(values: Mapping[str, Any]) -> tuple[dict[str, Any], int | None]:
    """The fields to change, and the version of the record the form read ("version"),
    if the caller gave one: a save over a newer version is refused, not merged."""
    if not isinstance(values, Mapping):
        return values, None
    fields = dict(values)
    version = fields.pop("version", None)
    if version is None:
        return fields, None
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValidationError({"version": "The record's version must be a whole number."})
    return fields, version


def refuse_if_changed(s: Session, record: Any, expected: int | None, what: str) -> None:
    """StaleRecord naming who saved `record` last, and when, if that was after the
    form read version `expected` of it."""
    if expected is None or record.version == expected:
        return
    from db.foundations.models import AuditEntry

    latest = s.exec(
        select(AuditEntry.username, AuditEntry.at)
        .where(AuditEntry.entity_type == what, AuditEntry.entity_id == record.id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    who, when = latest if latest else ("Someone", None)
    at = f" at {when.astimezone():%H:%M on %d %b %Y}" if when else ""
    raise StaleRecord(
        f"{who} changed this {what}{at}, after you opened it. Reload it to see their "
        "change, then make yours again."
    )


def saved_new_version(record: Any) -> None:
    """Count one more saved version of a record (after a change that was kept)."""
    record.version = (record.version or 1) + 1


def apply_changes(record: Any, clean: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set each cleaned field that differs on the record; return {field: (old, new)}."""
    changes: dict[str, tuple[Any, Any]] = {}
    for field, new in clean.items():
        old = getattr(record, field)
        if old != new:
            setattr(record, field, new)
            changes[field] = (old, new)
    if changes and hasattr(record, "updated_at"):
        record.updated_at = utc_now()
    return changes


def mission_of(s: Session, record: Any) -> int | None:
    """The mission a record belongs to, for the rule that officers change their own
    mission's records: an organization's or engagement's own, a program's lead mission,
    a contact's by their organizations or residence."""
    from sqlmodel import select

    from db.foundations.models import Contact
    from db.rules.contact_mission import contact_mission

    if isinstance(record, Contact):
        if record.id is None:
            return None
        return s.exec(select(contact_mission()).where(Contact.id == record.id)).first()
    if hasattr(record, "lead_mission_id"):
        return record.lead_mission_id
    return getattr(record, "mission_id", None)


def set_archived(
    s: Session, actor: Actor, model: type, entity_type: str, record_id: int, archived: bool
) -> bool:
    """Archive or restore one record; return False when it already was in that state."""
    actor.require_write()
    record = get_record(s, model, record_id, entity_type)
    actor.require_mission(mission_of(s, record), entity_type)
    if (record.archived_at is not None) == archived:
        return False
    old = record.archived_at
    record.archived_at = utc_now() if archived else None
    s.add(record)
    record_audit(
        s,
        actor,
        "archive" if archived else "restore",
        entity_type,
        record.id,
        {"archived_at": (old, record.archived_at)},
        getattr(record, "uid", None),
    )
    return True
