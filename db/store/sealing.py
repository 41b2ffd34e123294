"""The keys that seal confidential text, and who holds them.

One sealing key per officer and mission seals the text of that officer's confidential
engagements of that mission (never one key shared by every author): it is wrapped to
the reading key of each person the visibility rule lets read them (the officer, the
mission's supervisors, supervisors with no mission, administrators), and to no one
else. A reading key is X25519, derived from the user's signing key, so it is sealed
under their password with it (db/foundations/signing.py).

At sign-in a person's wraps are opened (`hold_sealing_keys`); whoever holds a key wraps
it to anyone the rule now allows who lacks it, and an administrator also removes the
wraps of those it no longer allows and seals text from before sealing
(`admit_readers`, `seal_unsealed`). Text whose allowed readers hold no reading key yet
stays plain until an administrator's sign-in seals it.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import and_, delete, or_
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select

from db.foundations.actor import Actor
from db.foundations.errors import PermissionDenied
from db.foundations.models import (
    AuditEntry,
    Engagement,
    SealingKey,
    SealingKeyReader,
    Sensitivity,
    Setting,
    User,
)
from db.foundations.sealed_text import (
    SEALED_MARK,
    SealedText,
    Unopened,
    held_key,
    held_uids,
    hold,
    holds,
    is_sealed,
    seal,
)
from db.foundations.signing import Signer
from db.rules.audit_chain import REDACTED, SEALED_COPY, chain_pepper, value_digest
from db.rules.visibility import reads_confidential_of

TEXT_FIELDS = ("subject", "summary", "outcome")
# Set while confidential text may be stored plain (migration 0021 sets it on a database
# that has confidential engagements; a write no allowed reader could open sets it), so
# that an administrator's sign-in looks for such text only when there may be some.
UNSEALED_KEY = "security.unsealed_text"
_BATCH = 500


def _wrap(key_uid: str, key: bytes, reader_public: str) -> str:
    """`key` wrapped to a reader's public reading key (ephemeral X25519, HKDF, AES-GCM)."""
    reader = X25519PublicKey.from_public_bytes(base64.b64decode(reader_public, validate=True))
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    wrapping = _wrapping_key(ephemeral.exchange(reader), key_uid, ephemeral_public)
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(wrapping).encrypt(nonce, key, key_uid.encode("ascii"))
    return base64.b64encode(ephemeral_public + nonce + sealed).decode("ascii")


def _unwrap(key_uid: str, wrapped: str, reading_key: X25519PrivateKey) -> bytes | None:
    """The key `_wrap` wrapped, or None when this reading key does not open it."""
    try:
        data = base64.b64decode(wrapped, validate=True)
        ephemeral_public, nonce, sealed = data[:32], data[32:44], data[44:]
        shared = reading_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        wrapping = _wrapping_key(shared, key_uid, ephemeral_public)
        return AESGCM(wrapping).decrypt(nonce, sealed, key_uid.encode("ascii"))
    except (InvalidTag, ValueError, binascii.Error):
        return None


def _wrapping_key(shared: bytes, key_uid: str, ephemeral_public: bytes) -> bytes:
    info = b"rabta sealing key\0" + key_uid.encode("ascii") + ephemeral_public
    return HKDF(SHA256(), 32, salt=None, info=info).derive(shared)


def _reader_row(
    key_id: int | None, key_uid: str, key: bytes, user_id: int | None, reading_key: str | None
) -> SealingKeyReader:
    """The row wrapping a key to one reader (both ids and the reading key are set: the
    rows come from the database, the readers' condition requires a reading key)."""
    return SealingKeyReader(
        sealing_key_id=int(key_id or 0),
        user_id=int(user_id or 0),
        wrapped=_wrap(key_uid, key, str(reading_key)),
    )


def hold_sealing_keys(s: Session, signer: Signer | None) -> int:
    """Open every sealing key wrapped to the signed-in user; return how many."""
    if signer is None or signer.user_id is None:
        return 0
    rows = s.exec(
        select(SealingKey.uid, SealingKeyReader.wrapped)
        .join(SealingKeyReader, col(SealingKeyReader.sealing_key_id) == SealingKey.id)
        .where(SealingKeyReader.user_id == signer.user_id)
    ).all()
    reading_key = signer.reading_key
    opened = 0
    for key_uid, wrapped in rows:
        key = _unwrap(key_uid, wrapped, reading_key)
        if key is not None:
            hold(key_uid, key)
            opened += 1
    return opened


def _sealing_key_for(s: Session, mission_id: int | None, officer_id: int | None) -> str | None:
    """A held key sealing `officer_id`'s confidential text of `mission_id`: one that
    exists, or a new one wrapped to everyone allowed; None while no one allowed holds
    a reading key (the text stays plain until an administrator seals it)."""
    existing = s.exec(
        select(SealingKey.uid).where(
            SealingKey.mission_id == mission_id, SealingKey.officer_id == officer_id
        )
    ).all()
    for key_uid in existing:
        if holds(key_uid):
            return key_uid
    readers = s.exec(
        select(User.id, User.reading_key).where(reads_confidential_of(mission_id, officer_id))
    ).all()
    if not readers:
        return None
    key, key_uid = secrets.token_bytes(32), secrets.token_hex(16)
    made = SealingKey(uid=key_uid, mission_id=mission_id, officer_id=officer_id)
    s.add(made)
    s.flush()
    for user_id, reading_key in readers:
        s.add(_reader_row(made.id, key_uid, key, user_id, reading_key))
    hold(key_uid, key)
    return key_uid


def seal_engagement_texts(
    s: Session,
    engagement: Engagement,
    *,
    was_confidential: bool,
    changes: dict[str, Any] | None = None,
    before: tuple[int | None, int | None] | None = None,
) -> None:
    """Before an engagement is written: its text sealed when it is confidential (under
    its officer's key for its mission), written plain when it no longer is; its text's
    values in `changes` (the audit entry) sealed too when either side was confidential
    (`before`: the mission and officer it had). Refused when the text is sealed under
    a key this process does not hold (it cannot be written back changed)."""
    confidential = engagement.sensitivity == Sensitivity.CONFIDENTIAL
    if not confidential and not was_confidential:
        return
    values = {field: getattr(engagement, field) for field in TEXT_FIELDS}
    if any(isinstance(value, Unopened) for value in values.values()):
        raise PermissionDenied(
            f"The text of engagement {engagement.id} is sealed under a key you do not hold "
            "yet; it is given to you at an administrator's next sign-in."
        )
    key_uid = (
        _sealing_key_for(s, engagement.mission_id, engagement.officer_id) if confidential else None
    )
    if confidential and key_uid is None:
        note_plain_text(s)
    for field, value in values.items():
        setattr(
            engagement, field, SealedText(str(value), key_uid, field) if key_uid else str(value)
        )
        flag_modified(engagement, field)
    if changes:
        audit_key = key_uid
        if audit_key is None and was_confidential:
            audit_key = _sealing_key_for(s, *(before or (None, None)))
        if audit_key is not None:
            for field in TEXT_FIELDS:
                if field in changes:
                    changes[field] = tuple(
                        seal(value, audit_key, field) if isinstance(value, str) and value else value
                        for value in changes[field]
                    )


def note_plain_text(s: Session) -> None:
    """Say that confidential text may be stored plain (written in bulk, brought from
    another registry, or with no allowed reader holding a reading key yet), for
    `seal_unsealed` to seal."""
    if s.get(Setting, UNSEALED_KEY) is None:
        s.add(Setting(key=UNSEALED_KEY, value="1"))
        s.flush()


def admit_readers(s: Session, actor: Actor) -> int:
    """Wrap every sealing key this process holds to each person the rule allows who
    lacks it (a new supervisor or administrator, a password reset); an administrator
    also takes the wraps of those it no longer allows. Return how many were wrapped."""
    uids = held_uids()
    if not uids:
        return 0
    missing = s.exec(
        select(SealingKey.id, SealingKey.uid, User.id, User.reading_key)
        .join(User, reads_confidential_of(SealingKey.mission_id, SealingKey.officer_id))
        .outerjoin(
            SealingKeyReader,
            and_(
                col(SealingKeyReader.sealing_key_id) == SealingKey.id,
                col(SealingKeyReader.user_id) == User.id,
            ),
        )
        .where(col(SealingKey.uid).in_(uids), col(SealingKeyReader.user_id).is_(None))
    ).all()
    for key_id, key_uid, user_id, reading_key in missing:
        key = held_key(key_uid)
        if key is not None:
            s.add(_reader_row(key_id, key_uid, key, user_id, reading_key))
    if actor.may_administer:
        allowed = (
            select(User.id)
            .where(reads_confidential_of(SealingKey.mission_id, SealingKey.officer_id))
            .where(User.id == SealingKeyReader.user_id)
            .where(SealingKey.id == SealingKeyReader.sealing_key_id)
        )
        s.exec(
            delete(SealingKeyReader)
            .where(~allowed.exists())
            .execution_options(synchronize_session=False)
        )
    s.flush()
    return len(missing)


def forget_wraps_of(s: Session, user_id: int) -> None:
    """Take every wrap of a user whose reading key changes (a password reset): the
    keys are wrapped to their new reading key by whoever holds them next."""
    s.exec(
        delete(SealingKeyReader)
        .where(col(SealingKeyReader.user_id) == user_id)
        .execution_options(synchronize_session=False)
    )


def seal_unsealed(s: Session, actor: Actor) -> int:
    """Seal the text of confidential engagements still stored plain (from before
    sealing, or written while no allowed reader had a reading key), and their values in
    the audit (as a digest with a sealed copy, so the chain still holds). Run at an
    administrator's sign-in; return how many engagements were sealed."""
    flag = s.get(Setting, UNSEALED_KEY)
    if not actor.may_administer or flag is None:
        return 0
    plain = or_(
        *(
            and_(
                getattr(Engagement, field) != "",
                ~col(getattr(Engagement, field)).startswith(SEALED_MARK),
            )
            for field in TEXT_FIELDS
        )
    )
    ids = s.exec(
        select(Engagement.id).where(Engagement.sensitivity == Sensitivity.CONFIDENTIAL, plain)
    ).all()
    sealed = 0
    for start in range(0, len(ids), _BATCH):
        for engagement in s.exec(
            select(Engagement).where(col(Engagement.id).in_(ids[start : start + _BATCH]))
        ).all():
            seal_engagement_texts(s, engagement, was_confidential=True)
            s.add(engagement)
            sealed += 1
        s.flush()
    _seal_audit_values(s)
    still_plain = s.exec(
        select(Engagement.id)
        .where(Engagement.sensitivity == Sensitivity.CONFIDENTIAL, plain)
        .limit(1)
    ).first()
    if still_plain is None:
        s.delete(flag)
        s.flush()
    return sealed


def _seal_audit_values(s: Session) -> None:
    """Replace the plain text values of confidential engagements' audit entries by
    their digest with a sealed copy (the chain covers the digest, so it still holds)."""
    pepper = chain_pepper(s)
    keys = dict(
        s.exec(
            select(Engagement.id, SealingKey.uid)
            .join(
                SealingKey,
                and_(
                    col(SealingKey.mission_id) == Engagement.mission_id,
                    col(SealingKey.officer_id) == Engagement.officer_id,
                ),
            )
            .where(
                Engagement.sensitivity == Sensitivity.CONFIDENTIAL,
                col(SealingKey.uid).in_(held_uids() or [""]),
            )
        ).all()
    )
    if not keys:
        return
    entries = s.exec(
        select(AuditEntry).where(
            AuditEntry.entity_type == "engagement",
            col(AuditEntry.entity_id).in_(list(keys)),
            or_(*(col(AuditEntry.changes).contains(f'"{field}"') for field in TEXT_FIELDS)),
        )
    ).all()
    for entry in entries:
        changes = json.loads(entry.changes or "{}")
        version_pepper = pepper if entry.chain_version == 2 else None
        changed = False
        for field in TEXT_FIELDS:
            values = changes.get(field)
            if not isinstance(values, list):
                continue
            for i, value in enumerate(values):
                if isinstance(value, str) and value and not is_sealed(value):
                    values[i] = {
                        REDACTED: value_digest(value, version_pepper),
                        SEALED_COPY: seal(value, keys[entry.entity_id], field),
                    }
                    changed = True
        if changed:
            entry.changes = json.dumps(changes, ensure_ascii=False)
            s.add(entry)
    s.flush()
