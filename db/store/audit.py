"""Audit entries: one append-only row per change, written in the change's transaction,
each chained to the one before it (db/rules/audit_chain.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import Session, select

from db.foundations.actor import Actor
from db.foundations.clock import utc_now
from db.foundations.models import AuditEntry
from db.rules.audit_chain import CHAIN_VERSION, GENESIS, ChainedFields, entry_hash
from db.store.pepper import database_pepper


@dataclass(frozen=True)
class AuditItem:
    """One change to audit: what was done to which record, and its fields' (old, new)."""

    action: str
    entity_type: str
    entity_id: int | None
    changes: dict[str, tuple[Any, Any]] | None = None
    entity_uid: str | None = None


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
    record_audits(s, actor, [AuditItem(action, entity_type, entity_id, changes, entity_uid)])


CHAIN_HEAD = "rabta_chain_head"  # the newest entry a unit of work wrote: (id, hash)


def _chain_head(s: Session) -> tuple[int, str | None] | None:
    """The newest entry's id and hash. On a server it is read through a function that
    sees every entry: a person's own role may not read entries about confidential
    engagements of others (migration 0020), yet must chain after them."""
    if s.get_bind().dialect.name == "postgresql":
        row = s.exec(text("SELECT id, entry_hash FROM rabta_chain_head()")).first()
        return (row[0], row[1]) if row is not None and row[0] is not None else None
    found = s.exec(
        select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    return (found[0], found[1]) if found is not None else None


def record_audits(s: Session, actor: Actor, items: Iterable[AuditItem]) -> None:
    """Add the audit entries of many changes by one actor, chained in the given order,
    in one statement; the last is signed with the actor's key when they hold one."""
    if s.get_bind().dialect.name == "postgresql":  # one writer of the chain at a time
        s.exec(text("SELECT pg_advisory_xact_lock(4242001)"))
    s.flush()
    last = _chain_head(s)
    next_id = (last[0] + 1) if last else 1
    previous = (last[1] or GENESIS) if last else GENESIS
    pepper = database_pepper(s)  # made under the chain's lock when the database has none
    rows = []
    for item in items:
        payload = {
            field: [_jsonable(old), _jsonable(new)]
            for field, (old, new) in (item.changes or {}).items()
        }
        fields = ChainedFields(
            id=next_id,
            at=utc_now(),
            user_id=actor.id,
            username=actor.username,
            action=item.action,
            entity_type=item.entity_type,
            entity_id=item.entity_id,
            entity_uid=item.entity_uid,
            changes=json.dumps(payload, ensure_ascii=False, sort_keys=True),
            version=CHAIN_VERSION,
        )
        digest = entry_hash(fields, previous, pepper)
        row = dict(vars(fields))
        row["chain_version"] = row.pop("version")
        rows.append(
            {
                **row,
                "previous_hash": previous,
                "entry_hash": digest,
                "signed_by": None,
                "signature": None,
            }
        )
        next_id, previous = next_id + 1, digest
    if rows and actor.signer is not None:  # the last entry's hash covers the batch
        rows[-1]["signed_by"] = actor.signer.user_id
        rows[-1]["signature"] = actor.signer.sign(rows[-1]["entry_hash"])
    if rows:
        s.execute(insert(AuditEntry.__table__), rows)
        s.info[CHAIN_HEAD] = (rows[-1]["id"], rows[-1]["entry_hash"])
