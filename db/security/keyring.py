"""The keyring beside an encrypted database: the database key sealed for each user.

`rabta.db` is encrypted with a random 256-bit key that no one types. `rabta.db.keys`
holds, for each user who may sign in, an envelope: an X25519 key pair whose private
half is encrypted (AES-256-GCM) under a key derived from the user's password
(argon2id), and the database key sealed to the public half. So

- a sign-in unlocks the database with the user's own password;
- adding a user or resetting a password seals the key once more (no re-encryption);
- rotating the key seals the new key to every user's public half, without their
  passwords, and a removed user's old envelope no longer opens anything.

The keyring also counts failed sign-ins (the database cannot record them: a wrong
password cannot open it) and keeps them until the next sign-in writes them to the audit;
every change to it happens under a file lock (`Keyring.changed`), so attempts made at
once are all counted. It numbers its saves (`generation`) and the failed attempts ever
made (`attempts`), which the database notes at each sign-in, so a keyring copied back or
stripped of its failures is noticed. A name no one has is kept only as a slow salted
digest (a password typed into the user box is never stored). It holds no personal
data. Without it, or without any user's password, the data cannot be read: that is the
point.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from filelock import FileLock

from db.foundations.engine import connect_sqlite_file
from db.foundations.errors import SQLITE_ERRORS, DatabaseUnavailable
from db.security.passwords import derive_key
from db.security.signing_keys import lock_with, unlock_with

KEYRING_SUFFIX = ".keys"
FORMAT = "rabta-keyring/1"
_RAW = serialization.Encoding.Raw
_SEAL_INFO = b"rabta database key"
LOCK_WAIT_SECONDS = 60  # a sign-in waits this long for others made at the same moment


def keyring_path(database_path: Path | str) -> Path:
    """Where the keyring of a database file lives: beside it, named after it."""
    database_path = Path(database_path)
    return database_path.with_name(database_path.name + KEYRING_SUFFIX)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _public_bytes(public: X25519PublicKey) -> bytes:
    return public.public_bytes(_RAW, serialization.PublicFormat.Raw)


def _seal(database_key: bytes, public_raw: bytes) -> str:
    """The database key readable only with the private key of `public_raw`."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw = _public_bytes(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_raw))
    wrapping = HKDF(
        hashes.SHA256(), 32, salt=None, info=_SEAL_INFO + ephemeral_raw + public_raw
    ).derive(shared)
    nonce = secrets.token_bytes(12)
    return _b64(ephemeral_raw + nonce + AESGCM(wrapping).encrypt(nonce, database_key, None))


def _unseal(sealed: str, private: X25519PrivateKey) -> bytes:
    data = _unb64(sealed)
    ephemeral_raw, nonce, ciphertext = data[:32], data[32:44], data[44:]
    public_raw = _public_bytes(private.public_key())
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_raw))
    wrapping = HKDF(
        hashes.SHA256(), 32, salt=None, info=_SEAL_INFO + ephemeral_raw + public_raw
    ).derive(shared)
    return AESGCM(wrapping).decrypt(nonce, ciphertext, None)


@dataclass
class Envelope:
    """One user's way in: their key pair, the private half under their password."""

    salt: str
    public: str
    private: str
    sealed: list[str]
    signing: str = ""  # the user's audit signing key, under the same password

    @classmethod
    def create(
        cls,
        username: str,
        password: str,
        database_keys: list[bytes],
        signing_key: Ed25519PrivateKey | None = None,
    ) -> Envelope:
        """A new key pair for the user, sealed under their password, holding the keys
        (and their audit signing key, when given)."""
        private = X25519PrivateKey.generate()
        salt = secrets.token_bytes(16)
        nonce = secrets.token_bytes(12)
        private_raw = private.private_bytes(
            _RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        wrapping = derive_key(password, salt)
        locked = AESGCM(wrapping).encrypt(nonce, private_raw, username.encode("utf-8"))
        public_raw = _public_bytes(private.public_key())
        return cls(
            salt=_b64(salt),
            public=_b64(public_raw),
            private=_b64(nonce + locked),
            sealed=[_seal(key, public_raw) for key in database_keys],
            signing=lock_with(wrapping, username, signing_key) if signing_key else "",
        )

    def open(self, username: str, password: str) -> list[bytes] | None:
        """The database keys this envelope holds, or None when the password is wrong."""
        unlocked = self.unlock(username, password)
        return unlocked[0] if unlocked is not None else None

    def unlock(
        self, username: str, password: str
    ) -> tuple[list[bytes], Ed25519PrivateKey | None] | None:
        """The database keys and the signing key this envelope holds (None: it holds
        none), or None when the password is wrong."""
        try:
            data = _unb64(self.private)
            wrapping = derive_key(password, _unb64(self.salt))
            private_raw = AESGCM(wrapping).decrypt(data[:12], data[12:], username.encode("utf-8"))
        except (InvalidTag, ValueError):
            return None
        private = X25519PrivateKey.from_private_bytes(private_raw)
        signing = unlock_with(wrapping, username, self.signing) if self.signing else None
        return [_unseal(sealed, private) for sealed in self.sealed], signing

    def seal_also(self, database_key: bytes) -> None:
        """Let this envelope open a new database key too (first in line)."""
        self.sealed.insert(0, _seal(database_key, _unb64(self.public)))

    def keep_only_newest(self) -> None:
        """Drop every database key but the newest (after a key rotation finished)."""
        del self.sealed[1:]


@dataclass
class Keyring:
    """The envelopes, failed sign-ins and attempts not yet audited of one database."""

    path: Path
    envelopes: dict[str, Envelope] = field(default_factory=dict)
    failures: dict[str, dict[str, Any]] = field(default_factory=dict)
    unaudited: list[dict[str, Any]] = field(default_factory=list)
    generation: int = 0  # saves so far
    attempts: int = 0  # failed or refused sign-ins ever recorded
    trimmed: int = 0  # attempts past the kept number, since the last sign-in
    name_salt: str = ""  # for the digests of names no one has
    rotation_due: list[str] = field(default_factory=list)  # deactivated since the last key
    audit_head: dict[str, Any] = field(default_factory=dict)  # a witness: id, hash, at
    mail_password: str = ""  # the mail server's, sealed under the database key

    @classmethod
    @contextmanager
    def changed(cls, database_path: Path | str) -> Iterator[Keyring]:
        """The keyring loaded under its file lock and saved when the block ends without
        an error: no other process changes it in between."""
        held = _held_here()
        slot = str(keyring_path(database_path).resolve())
        with keyring_lock(database_path):
            held.add(slot)
            try:
                keyring = cls.load(database_path)
                yield keyring
                keyring.save()
            finally:
                held.discard(slot)

    def unknown_name_slot(self, typed: str) -> str:
        """Where failures of a name no one has are counted: a slow salted digest of it,
        never the name (it may be a password typed into the wrong box)."""
        if not self.name_salt:
            self.name_salt = _b64(secrets.token_bytes(16))
        digest = hashlib.scrypt(
            typed.encode("utf-8"), salt=_unb64(self.name_salt), n=2**14, r=8, p=1, dklen=16
        )
        return "?" + digest.hex()

    @classmethod
    def load(cls, database_path: Path | str) -> Keyring:
        """The keyring beside a database; DatabaseUnavailable when it is unreadable."""
        path = keyring_path(database_path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError("not a keyring")
            return cls(
                path=path,
                envelopes={
                    name: Envelope(**envelope) for name, envelope in data["envelopes"].items()
                },
                failures=dict(data.get("failures", {})),
                unaudited=list(data.get("unaudited", [])),
                generation=int(data.get("generation", 0)),
                attempts=int(data.get("attempts", 0)),
                trimmed=int(data.get("trimmed", 0)),
                name_salt=str(data.get("name_salt", "")),
                rotation_due=[str(name) for name in data.get("rotation_due", [])],
                audit_head=dict(data.get("audit_head") or {}),
                mail_password=str(data.get("mail_password", "")),
            )
        except FileNotFoundError as error:
            raise DatabaseUnavailable(
                f"The keys of {database_path} ({path.name}) are missing: the encrypted "
                "database cannot be opened without them. Restore the file from a backup."
            ) from error
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise DatabaseUnavailable(
                f"The keys of {database_path} ({path.name}) are damaged: the encrypted "
                "database cannot be opened. Restore the file from a backup."
            ) from error

    def save(self) -> None:
        """Write the keyring in one step (a new file moved into place), readable only by
        its owner; each save counts one more generation."""
        self.generation += 1
        data = {
            "format": FORMAT,
            "envelopes": {name: vars(envelope) for name, envelope in self.envelopes.items()},
            "failures": self.failures,
            "unaudited": self.unaudited,
            "generation": self.generation,
            "attempts": self.attempts,
            "trimmed": self.trimmed,
            "name_salt": self.name_salt,
            "rotation_due": self.rotation_due,
            "audit_head": self.audit_head,
            "mail_password": self.mail_password,
        }
        handle, temporary = tempfile.mkstemp(prefix=self.path.name, dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=1, sort_keys=True)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def open_keys(self, username: str, password: str) -> list[bytes] | None:
        """The database keys a user's password unlocks, or None (no such user, wrong password)."""
        envelope = self.envelopes.get(username)
        return envelope.open(username, password) if envelope is not None else None

    def admit(
        self,
        username: str,
        password: str,
        database_key: bytes,
        signing_key: Ed25519PrivateKey | None = None,
    ) -> None:
        """Give a user (new, or with a new password) an envelope holding the database key
        and, when given, their audit signing key."""
        self.envelopes[username] = Envelope.create(username, password, [database_key], signing_key)

    def remove(self, username: str) -> None:
        """Take a user's envelope away (deactivated). A copy of the keyring they may have
        kept still opens the database until its key changes: that is now due."""
        if self.envelopes.pop(username, None) is not None and username not in self.rotation_due:
            self.rotation_due.append(username)


_holding = threading.local()


def _held_here() -> set[str]:
    if not hasattr(_holding, "paths"):
        _holding.paths = set()
    return _holding.paths


def keyring_held_here(database_path: Path | str) -> bool:
    """True while this thread is inside `Keyring.changed` for this database (taking the
    lock again would wait on itself)."""
    return str(keyring_path(database_path).resolve()) in _held_here()


def keyring_lock(database_path: Path | str) -> FileLock:
    """The lock every change to a database's keyring is made under (a file beside it,
    readable by its owner only)."""
    lock = keyring_path(database_path).with_name(keyring_path(database_path).name + ".lock")
    return FileLock(str(lock), timeout=LOCK_WAIT_SECONDS, mode=0o600)


def key_that_opens(path: Path, keys: list[bytes]) -> bytes:
    """The first key that reads the file (after a key rotation an envelope holds two)."""
    for key in keys:
        try:
            connection = connect_sqlite_file(path, read_only=True, key=key)
            try:
                connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return key
            finally:
                connection.close()
        except SQLITE_ERRORS:
            continue
    raise DatabaseUnavailable(
        f"{path} does not open with the key its keyring holds: the file was replaced or "
        "damaged; restore it from a backup."
    )
