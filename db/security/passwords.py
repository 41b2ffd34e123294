"""Passwords: argon2id hashes for checking them, and keys derived from them.

A password is never stored; the hash (argon2-cffi's encoded form, with its own salt and
cost) proves a password right, and `derive_key` turns a password and a salt into the
32-byte key that unseals a user's share of the database key.
"""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import hash_secret_raw

from db.foundations.errors import ValidationError

MINIMUM_LENGTH = 10
MAXIMUM_LENGTH = 256
# RFC 9106's second recommended option: argon2id, 3 passes over 64 MiB, 4 lanes.
TIME_COST = 3
MEMORY_COST_KIB = 64 * 1024
PARALLELISM = 4

_hasher = PasswordHasher(
    time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM, type=Type.ID
)


def check_new_password(password: object, field: str = "password") -> str:
    """The password if it may be chosen, else ValidationError saying why."""
    if not isinstance(password, str):
        raise ValidationError({field: "The password must be text."})
    if len(password) < MINIMUM_LENGTH:
        raise ValidationError({field: f"A password needs at least {MINIMUM_LENGTH} characters."})
    if len(password) > MAXIMUM_LENGTH:
        raise ValidationError({field: f"A password has at most {MAXIMUM_LENGTH} characters."})
    if password.strip() != password or any(ord(ch) < 32 for ch in password):
        raise ValidationError(
            {field: "A password cannot start or end with a space or hold control characters."}
        )
    if any("\ud800" <= ch <= "\udfff" for ch in password):
        raise ValidationError({field: "The password holds characters that are not text."})
    return password


def hash_password(password: str) -> str:
    """The argon2id hash to store for a password."""
    return _hasher.hash(password)


def password_matches(stored_hash: str | None, password: object) -> bool:
    """True when the password is the one the stored hash was made from."""
    if not stored_hash or not isinstance(password, str):
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def derive_key(password: str, salt: bytes) -> bytes:
    """A 32-byte key from a password and a salt (argon2id, the hashing cost above)."""
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=TIME_COST,
        memory_cost=MEMORY_COST_KIB,
        parallelism=PARALLELISM,
        hash_len=32,
        type=Type.ID,
    )
