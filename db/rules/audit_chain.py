"""The audit log as a hash chain: each entry's hash covers its content and the hash of
the entry before it, so no entry can be changed, removed or slipped in unnoticed.

The chain covers the *digests* of the changed values, not the values: erasing a person
replaces their values in old entries by `{"redacted": digest}` and the chain still
verifies. Version 1 digests are plain SHA-256, which can be undone for a short value by
trying names; version 2 (every entry written since signatures came) keys them with the
database's pepper (HMAC-SHA256), so an erased name cannot be guessed from its digest
without it. Each entry keeps its version: these formats are stored in every database;
change one only with a new version.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from db.foundations.sealed_text import opened

GENESIS = "0" * 64
CHAIN_VERSION = 2  # what new entries are written with
PEPPER_KEY = "security.pepper"  # the setting holding the database's pepper
_json_string = json.encoder.encode_basestring  # json.dumps(text, ensure_ascii=False)
REDACTED = "redacted"
# A redacted value may keep a sealed copy beside its digest: a confidential engagement's
# text from before sealing (db/store/sealing.py), readable only by those who hold its key.
SEALED_COPY = "sealed"


def value_digest(value: Any, pepper: bytes | None = None) -> str:
    """The digest of one changed value as the chain sees it: SHA-256 (version 1), or
    HMAC-SHA256 keyed by the database's pepper (version 2)."""
    if isinstance(value, str):  # what json.dumps writes for a string, without its overhead
        encoded = _json_string(value)
    elif value is None:
        encoded = "null"
    elif is_redacted(value):
        return str(value[REDACTED])
    else:
        encoded = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if pepper is not None:
        return hmac.new(pepper, encoded.encode("utf-8"), hashlib.sha256).hexdigest()
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def redacted(value: Any, pepper: bytes | None = None) -> dict[str, str]:
    """What an erased value becomes in an old audit entry: its digest (peppered in a
    version 2 entry), not the value."""
    return {REDACTED: value_digest(value, pepper)}


def chain_pepper(s) -> bytes | None:
    """The database's pepper (db/store/pepper.py makes it), or None while it has none."""
    from db.foundations.models import Setting

    row = s.get(Setting, PEPPER_KEY)
    return base64.b64decode(row.value) if row is not None and row.value else None


def is_redacted(value: Any) -> bool:
    """True for a value that erasure (or sealing) replaced by its digest."""
    return isinstance(value, dict) and REDACTED in value and set(value) <= {REDACTED, SEALED_COPY}


def opened_value(value: Any, field: str) -> Any:
    """An audit value as a reader sees it: sealed text opened with a held key (or the
    sentence saying it is sealed), a sealed copy beside a digest likewise."""
    if is_redacted(value) and SEALED_COPY in value:
        return opened(value[SEALED_COPY], field)
    return opened(value, field)


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
    version: int = 1


def entry_hash(fields: ChainedFields, previous_hash: str, pepper: bytes | None = None) -> str:
    """The hash of an entry given the hash of the one before it (and, for version 2,
    the database's pepper)."""
    changes = json.loads(fields.changes or "{}")
    if fields.version == 1:
        pepper = None
    elif fields.version != 2 or pepper is None:
        raise ValueError(f"audit chain version {fields.version} without its pepper")
    content = {
        "v": fields.version,
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
            field: [value_digest(value, pepper) for value in values]
            if isinstance(values, list)
            else value_digest(values, pepper)
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
