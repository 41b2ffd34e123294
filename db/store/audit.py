"""Audit entries: one append-only row per change, written in the change's transaction."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from db.models import AuditEntry
from db.store.actor import Actor


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def record_audit(
    s: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: int | None,
    changes: dict[str, tuple[Any, Any]] | None = None,
    entity_uid: str | None = None,
) -> None:
    """Add the audit entry for one change; `changes` maps a field to (old, new)."""
    payload = {
        field: [_jsonable(old), _jsonable(new)] for field, (old, new) in (changes or {}).items()
    }
    s.add(
        AuditEntry(
            user_id=actor.id,
            username=actor.username,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            entity_uid=entity_uid,
            changes=json.dumps(payload, ensure_ascii=False, sort_keys=True),
        )
    )
