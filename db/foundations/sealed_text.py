"""Confidential text sealed in the file: an engagement's subject, summary and outcome
(and their values in the audit) are stored encrypted under a sealing key that only the
people the visibility rule allows hold, each under their own reading key
(db/store/sealing.py wraps and admits them). Whoever holds the database key, or a
copy of the file, reads ciphertext.

A stored sealed value is text: a record separator (U+001E, never in typed text), the
sealing key's uid and the AES-256-GCM nonce and ciphertext in base64. The keys this
process may open with are held in memory (`hold`, filled at sign-in); the column type
`SealableText` opens values on every read, ORM or Core (`Opened` text), and gives
`Unopened` text for a key this process does not hold; either, written back as read,
writes the sealed value unchanged.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

SEALED_MARK = "\x1e"
_VERSION = "s1:"
UNOPENED_TEXT = "Confidential: sealed for its officer, its mission's supervisors and administrators"

_held: dict[str, bytes] = {}


class SealedText(str):
    """Plain text to be stored sealed under the key `key_uid` (the store makes these for
    a confidential engagement's text; the column type seals them as they are written)."""

    key_uid: str
    field: str

    def __new__(cls, text: str, key_uid: str, field: str) -> SealedText:
        made = super().__new__(cls, text)
        made.key_uid = key_uid
        made.field = field
        return made

    def stored(self) -> str:
        """The sealed form written to the database (empty text stays empty, so "has an
        outcome" is still a question the database answers)."""
        return seal(str(self), self.key_uid, self.field) if self else ""


class Opened(str):
    """Sealed text as a holder of its key reads it: the plain text, which remembers its
    sealed form, so that a row read and written back whole (a copy of the registry)
    keeps its text sealed as it was."""

    stored_form: str

    def __new__(cls, text: str, stored_form: str) -> Opened:
        made = super().__new__(cls, text)
        made.stored_form = stored_form
        return made


class Unopened(str):
    """What a reader sees of text sealed under a key they do not hold: a sentence
    saying so; written back, it is the original sealed value, unchanged."""

    stored_form: str

    def __new__(cls, stored_form: str) -> Unopened:
        made = super().__new__(cls, UNOPENED_TEXT)
        made.stored_form = stored_form
        return made


def hold(key_uid: str, key: bytes) -> None:
    """Let this process open (and seal) text under the sealing key `key_uid`."""
    _held[key_uid] = key


def holds(key_uid: str) -> bool:
    """True when this process holds the sealing key `key_uid`."""
    return key_uid in _held


def held_key(key_uid: str) -> bytes | None:
    """The sealing key `key_uid`, when this process holds it."""
    return _held.get(key_uid)


def held_uids() -> list[str]:
    """The uids of every sealing key this process holds."""
    return list(_held)


def forget_all() -> None:
    """Drop every sealing key (at sign-out)."""
    _held.clear()


def is_sealed(value: object) -> bool:
    """True for a value stored sealed (as read raw, or kept in the audit)."""
    return isinstance(value, str) and value.startswith(SEALED_MARK)


def key_uid_of(stored: str) -> str | None:
    """The uid of the key a sealed value was sealed under."""
    if not is_sealed(stored) or not stored[1:].startswith(_VERSION):
        return None
    return stored[1 + len(_VERSION) :].split(":", 1)[0]


def seal(text: str, key_uid: str, field: str) -> str:
    """`text` sealed under the held key `key_uid`; `field` is bound into it, so a sealed
    subject cannot be passed off as a summary."""
    key = _held[key_uid]
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(key).encrypt(nonce, text.encode("utf-8"), field.encode("ascii"))
    return f"{SEALED_MARK}{_VERSION}{key_uid}:" + base64.b64encode(nonce + sealed).decode("ascii")


def opened(stored: Any, field: str) -> Any:
    """The plain text of a sealed value when this process holds its key; `Unopened`
    when it does not or the value was tampered with; anything else unchanged."""
    if not is_sealed(stored):
        return stored
    key_uid = key_uid_of(stored)
    key = _held.get(key_uid or "")
    if key is None:
        return Unopened(stored)
    try:
        data = base64.b64decode(stored.rsplit(":", 1)[1], validate=True)
        plain = AESGCM(key).decrypt(data[:12], data[12:], field.encode("ascii"))
        return Opened(plain.decode("utf-8"), stored)
    except (InvalidTag, ValueError, binascii.Error, IndexError):
        return Unopened(stored)


def stored_form(value: Any) -> Any:
    """What is written for `value`: sealed text sealed, text read from a sealed value
    (opened or not) as it was stored."""
    if isinstance(value, SealedText):
        return value.stored()
    if isinstance(value, Opened | Unopened):
        return value.stored_form
    return value


class SealableText(TypeDecorator):
    """A text column whose values may be stored sealed: sealed as `SealedText` is
    written, opened (or `Unopened`) as it is read."""

    impl = String
    cache_ok = True

    def __init__(self, field: str, length: int | None = None) -> None:
        super().__init__()
        self.field = field
        self.length = length

    def load_dialect_impl(self, dialect: Any) -> Any:
        """A text column; its length (kept by SQLite, which never enforces it) is not
        enforced on PostgreSQL, where a sealed value is longer than its text."""
        length = None if dialect.name == "postgresql" else self.length
        return dialect.type_descriptor(String(length))

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        """Seal text the store marked as sealed; keep unopened text as it was."""
        return stored_form(value)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        """Open a sealed value with a held key."""
        return opened(value, self.field)
