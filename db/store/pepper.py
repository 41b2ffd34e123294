"""The database's own secret for digests of short texts (a name typed at sign-in that no
one has, erased values): an unsalted SHA-256 of a short name can be guessed by trying
names; a digest keyed by this random value, kept inside the database, cannot be without
it. Made on first use; never shown or exported."""

from __future__ import annotations

import base64
import hashlib
import secrets

from sqlmodel import Session

from db.foundations.models import Setting
from db.rules.audit_chain import PEPPER_KEY


def database_pepper(s: Session) -> bytes:
    """This database's pepper, made (in the caller's transaction) when it has none."""
    row = s.get(Setting, PEPPER_KEY)
    if row is None or not row.value:
        row = Setting(key=PEPPER_KEY, value=base64.b64encode(secrets.token_bytes(32)).decode())
        s.add(row)
        s.flush()
    return base64.b64decode(row.value)


def peppered_digest(s: Session, text: str) -> str:
    """A slow digest of `text` keyed by the database's pepper (scrypt), as hex."""
    return hashlib.scrypt(
        text.encode("utf-8"), salt=database_pepper(s), n=2**14, r=8, p=1, dklen=16
    ).hex()
