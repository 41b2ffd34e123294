"""The audit log as a hash chain: each entry's hash covers its content and the hash of
the entry before it, so no entry can be changed, removed or slipped in unnoticed.

The chain covers the *digests* of the changed values, not the values: erasing a person
replaces their values in old entries by `{"redacted": digest}` and the chain still
verifies. This format is stored in every database; change it only with a new version
and a migration that re-chains.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
_json_string = json.encoder.encode_basestring  # json.dumps(text, ensure_ascii=False)
REDACTED = "redacted"


def value_digest(value: Any) -> str:
    """The SHA-256 of one changed value as the chain sees it."""
    if isinstance(value, str):  # what json.dumps writes for a string, without its overhead
        encoded = _json_string(value)
    elif value is None:
        encoded = "null"
    elif isinstance(value, dict) and set(value) == {REDACTED}:
        return str(value[REDACTED])
    else:
        encoded = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def redacted(value: Any) -> dict[str, str]:
    """What an erased value becomes in an old audit entry: its digest, not the value."""
    return {REDACTED: value_digest(value)}


def is_redacted(value: Any) -> bool:
    """True for a value that erasure replaced by its digest."""
    return isinstance(value, dict) and set(value) == {REDACTED}


def _moment(at: datetime) -> str:
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


@dataclass(frozen=True)
class ChainedFields:
    """The parts of an audit entry the chain covers."""

    id: int
    at: datetime
    user_id: int | None
    username: str
    action: str
    entity_type: str
    entity_id: int | None
    entity_uid: str | None
    changes: str


def entry_hash(fields: ChainedFields, previous_hash: str) -> str:
    """The hash of an entry given the hash of the one before it."""
    changes = json.loads(fields.changes or "{}")
    content = {
        "v": 1,
        "previous": previous_hash,
        "id": fields.id,
        "at": _moment(fields.at),
        "user_id": fields.user_id,
        "username": fields.username,
        "action": fields.action,
        "entity_type": fields.entity_type,
        "entity_id": fields.entity_id,
        "entity_uid": fields.entity_uid,
        "changes": {
            field: [value_digest(value) for value in values]
            if isinstance(values, list)
            else value_digest(values)
            for field, values in changes.items()
        },
    }
    encoded = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def witness_agrees(s, head: dict) -> bool:
    """True when a witnessed head (`{"id", "hash"}`; empty: none yet) is in the chain
    as it was seen; a witness that disagrees is kept as evidence, never overwritten."""
    from sqlmodel import select

    from db.foundations.models import AuditEntry

    if not head:
        return True
    try:
        entry_id, seen_hash = int(head["id"]), str(head["hash"])
    except (KeyError, TypeError, ValueError):
        return False
    found = s.exec(select(AuditEntry.entry_hash).where(AuditEntry.id == entry_id)).first()
    return found == seen_hash
