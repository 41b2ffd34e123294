"""Audit entries: one append-only row per change, written in the change's transaction,
each chained to the one before it (db/audit_chain.py)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from db.audit_chain import GENESIS, ChainedFields, entry_hash
from db.models import AuditEntry, utc_now
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
    if s.get_bind().dialect.name == "postgresql":  # one writer of the chain at a time
        s.exec(text("SELECT pg_advisory_xact_lock(4242001)"))
    last = s.exec(
        select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    fields = ChainedFields(
        id=(last[0] + 1) if last else 1,
        at=utc_now(),
        user_id=actor.id,
        username=actor.username,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        entity_uid=entity_uid,
        changes=json.dumps(payload, ensure_ascii=False, sort_keys=True),
    )
    previous = (last[1] or GENESIS) if last else GENESIS
    s.add(
        AuditEntry(**vars(fields), previous_hash=previous, entry_hash=entry_hash(fields, previous))
    )
    s.flush()
