"""The office mail server's password, kept sealed in the keys file under a key derived
from the database key: whoever can open the encrypted database can send its
invitations, and the password is never in the settings nor in the database itself. A
plain file or a server keeps none (the password is given when sending)."""

from __future__ import annotations

import base64
import binascii
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from db.foundations.engine import database_key
from db.foundations.errors import ValidationError
from db.security.keyring import Keyring, keyring_path

_PURPOSE = b"rabta mail password"


def _key(database_key_bytes: bytes) -> bytes:
    return HKDF(SHA256(), 32, salt=None, info=_PURPOSE).derive(database_key_bytes)


def seal_mail_password(database_key_bytes: bytes, password: str) -> str:
    """The password sealed under the database key (nonce + ciphertext, base64)."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_key(database_key_bytes)).encrypt(nonce, password.encode("utf-8"), _PURPOSE)
    return base64.b64encode(nonce + sealed).decode("ascii")


def open_mail_password(database_key_bytes: bytes, sealed: str) -> str | None:
    """The password `seal_mail_password` sealed, or None when this key does not open it."""
    try:
        data = base64.b64decode(sealed, validate=True)
        plain = AESGCM(_key(database_key_bytes)).decrypt(data[:12], data[12:], _PURPOSE)
        return plain.decode("utf-8")
    except (InvalidTag, ValueError, binascii.Error):
        return None


def keep_mail_password(location: str, password: str) -> None:
    """Keep the mail server's password sealed in the database's keys file (an encrypted
    file that is open in this program); refused in a sentence for any other."""
    key = database_key(location)
    if key is None or not keyring_path(location).exists():
        raise ValidationError(
            {
                "password": "Only an encrypted database file keeps the mail password; on a "
                "plain file or a server, give it each time invitations are sent."
            }
        )
    with Keyring.changed(location) as keyring:
        keyring.mail_password = seal_mail_password(key, password) if password else ""


def kept_mail_password(location: str) -> str | None:
    """The mail password the keys file keeps for this open database, or None."""
    key = database_key(location)
    if key is None or not keyring_path(location).exists():
        return None
    sealed = Keyring.load(location).mail_password
    return open_mail_password(key, sealed) if sealed else None


def reseal_mail_password(keyring: Keyring, old_key: bytes, new_key: bytes) -> None:
    """After the database key changes: the kept password sealed under the new key."""
    if not keyring.mail_password:
        return
    password = open_mail_password(old_key, keyring.mail_password)
    keyring.mail_password = seal_mail_password(new_key, password) if password else ""
