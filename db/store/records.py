"""What every aggregate's store module does the same way: find, change, archive, restore."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlmodel import Session

from db.errors import NotFound
from db.models import utc_now
from db.store.actor import Actor
from db.store.audit import record_audit

Record = TypeVar("Record")


def get_record(s: Session, model: type[Record], record_id: int, what: str) -> Record:
    """The row of `model` with this id, or NotFound naming `what` was missing."""
    record = s.get(model, record_id)
    if record is None:
        raise NotFound(f"There is no {what} with id {record_id}.")
    return record


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


def set_archived(
    s: Session, actor: Actor, model: type, entity_type: str, record_id: int, archived: bool
) -> bool:
    """Archive or restore one record; return False when it already was in that state."""
    actor.require_write()
    record = get_record(s, model, record_id, entity_type)
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
