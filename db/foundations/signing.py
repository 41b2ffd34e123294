"""Signatures on the audit chain: each user holds an Ed25519 key whose public half an
administrator registered in the chain itself, so an entry in a user's name that their
key did not sign is noticed (db/queries/audit.py verifies them).

A `Signer` is the private half of the signed-in user's key, held in memory only; the
store signs the last entry of every batch it writes with it, and that signature covers
the whole chain up to that entry. The private half is kept sealed under the user's
password (in their keyring envelope, or in their user row on a plain file or a server).
"""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_RAW = serialization.Encoding.Raw


class Signer:
    """The signed-in user's signing key. A password change swaps the key in place
    (`use`), so every Actor holding this signer signs with the new one from then on."""

    def __init__(self, user_id: int | None, key: Ed25519PrivateKey) -> None:
        self.user_id = user_id
        self._key = key

    def use(self, key: Ed25519PrivateKey) -> None:
        """Sign with `key` from now on (its public half was just registered)."""
        self._key = key

    def sign(self, entry_hash: str) -> str:
        """The signature of an entry's hash, as base64 text."""
        return base64.b64encode(self._key.sign(entry_hash.encode("ascii"))).decode("ascii")

    @property
    def public(self) -> str:
        """The public half of the key signing now."""
        return public_text(self._key)

    @property
    def reading_key(self) -> X25519PrivateKey:
        """The user's reading key (the sealing keys of what they may read are wrapped
        to its public half)."""
        return reading_key_of(self._key)


def new_signing_key() -> Ed25519PrivateKey:
    """A fresh Ed25519 key."""
    return Ed25519PrivateKey.generate()


def public_text(key: Ed25519PrivateKey) -> str:
    """The public half of a key as base64 text (what the chain registers)."""
    return base64.b64encode(
        key.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
    ).decode("ascii")


def private_bytes(key: Ed25519PrivateKey) -> bytes:
    """The raw private half, to be sealed under a password."""
    return key.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())


def reading_key_of(key: Ed25519PrivateKey) -> X25519PrivateKey:
    """The X25519 reading key that goes with a signing key: derived from its private
    half, so the one secret sealed under the password gives both."""
    raw = HKDF(SHA256(), 32, salt=None, info=b"rabta reading key").derive(private_bytes(key))
    return X25519PrivateKey.from_private_bytes(raw)


def reading_public_text(key: X25519PrivateKey) -> str:
    """The public half of a reading key as base64 text (kept in the user's row)."""
    return base64.b64encode(
        key.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
    ).decode("ascii")


def key_from_bytes(raw: bytes) -> Ed25519PrivateKey:
    """A key from its raw private half."""
    return Ed25519PrivateKey.from_private_bytes(raw)


def signature_holds(public: str, entry_hash: str, signature: str) -> bool:
    """True when `signature` is the key `public`'s signature of `entry_hash`."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public, validate=True))
        key.verify(base64.b64decode(signature, validate=True), entry_hash.encode("ascii"))
    except (InvalidSignature, ValueError, TypeError, binascii.Error, UnicodeEncodeError):
        return False
    return True
