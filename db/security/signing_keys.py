"""A user's audit signing key kept under their password: made whenever a password is
set, its public half registered in the chain by the entry that sets the password, its
private half sealed (argon2id, AES-256-GCM) in the user's row and, on an encrypted file,
in their keyring envelope too (opened there with no second derivation)."""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from db.foundations.models import User
from db.foundations.signing import (
    key_from_bytes,
    new_signing_key,
    private_bytes,
    public_text,
    reading_key_of,
    reading_public_text,
)
from db.security.passwords import derive_key


def _purpose(username: str) -> bytes:
    return username.encode("utf-8") + b"\0rabta signing key"


def lock_with(wrapping: bytes, username: str, key: Ed25519PrivateKey) -> str:
    """The private half encrypted under an already derived key (nonce + ciphertext)."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(wrapping).encrypt(nonce, private_bytes(key), _purpose(username))
    return base64.b64encode(nonce + sealed).decode("ascii")


def unlock_with(wrapping: bytes, username: str, locked: str) -> Ed25519PrivateKey | None:
    """The private half `lock_with` sealed, or None when the key does not open it."""
    try:
        data = base64.b64decode(locked, validate=True)
        raw = AESGCM(wrapping).decrypt(data[:12], data[12:], _purpose(username))
        return key_from_bytes(raw)
    except (InvalidTag, ValueError, binascii.Error):
        return None


def seal_signing_key(key: Ed25519PrivateKey, username: str, password: str) -> str:
    """The private half sealed under the password (salt + nonce + ciphertext)."""
    salt = secrets.token_bytes(16)
    locked = lock_with(derive_key(password, salt), username, key)
    return base64.b64encode(salt).decode("ascii") + ":" + locked


def open_signing_key(sealed: str | None, username: str, password: str) -> Ed25519PrivateKey | None:
    """The private half `seal_signing_key` sealed, or None (none kept, wrong password)."""
    if not sealed or ":" not in sealed:
        return None
    salt_text, locked = sealed.split(":", 1)
    try:
        salt = base64.b64decode(salt_text, validate=True)
    except (ValueError, binascii.Error):
        return None
    return unlock_with(derive_key(password, salt), username, locked)


def give_signing_key(user: User, password: str) -> tuple[Ed25519PrivateKey, dict[str, Any]]:
    """A new signing key for `user`: its public half on their row, its private half
    sealed there under `password`; return the key and the change that registers its
    public half and the public half of the reading key that goes with it (the audit
    entry that sets the password carries it)."""
    key = new_signing_key()
    reading = reading_public_text(reading_key_of(key))
    registered = {
        "signing_key": (user.signing_key, public_text(key)),
        "reading_key": (user.reading_key, reading),
    }
    user.signing_key = public_text(key)
    user.reading_key = reading
    user.signing_secret = seal_signing_key(key, user.username, password)
    return key, registered
