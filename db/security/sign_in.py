"""Signing in: the only way to an Actor. A password opens the database (its key, when the
file is encrypted) and names the person; five wrong ones lock the account for a while.

An encrypted SQLite file is opened by the key its keyring (db/security/keyring.py) gives
the user's password; failed attempts are counted in the keyring, because a wrong password
cannot open the database, and written to the audit at the next sign-in. A plain file
from an earlier Rabta, and a PostgreSQL server, check the user's argon2id hash and count
failures in the user row.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select

from db.database_file.migrate import OpenedDatabase, open_database
from db.foundations.actor import Actor
from db.foundations.clock import utc_now
from db.foundations.engine import (
    forget_database_key,
    is_sqlite,
    key_kept_on_failure,
    remember_database_key,
    shown_location,
)
from db.foundations.errors import (
    DatabaseUnavailable,
    EmptyDatabaseFile,
    RabtaError,
    ValidationError,
)
from db.foundations.models import User, UserRole
from db.security.keyring import Keyring, key_that_opens, keyring_path
from db.security.passwords import check_new_password, hash_password, password_matches
from db.store.audit import record_audit
from db.store.unit_of_work import session
from db.store.users import actor_of, check_username

LOCK_AFTER_FAILURES = 5
CREATING_SUFFIX = ".creating"
LONGEST_LOCK = timedelta(hours=1)
WRONG = "The username or password is wrong."
MUST_CHANGE = "An administrator set your password: choose your own before you go on."
_KEPT_UNAUDITED = 1000


class SignInRefused(RabtaError):
    """The sign-in did not succeed; `str()` says why in one sentence."""


@dataclass(frozen=True)
class SignedIn:
    """An open, up-to-date database and the person who signed in to it."""

    opened: OpenedDatabase
    actor: Actor
    must_change_password: bool


def lock_duration(failures: int) -> timedelta | None:
    """How long an account stays locked after this many failures in a row: one minute at
    the fifth, doubling with each further one, at most an hour."""
    if failures < LOCK_AFTER_FAILURES:
        return None
    return min(timedelta(minutes=2 ** (failures - LOCK_AFTER_FAILURES)), LONGEST_LOCK)


def _locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, int((until - now).total_seconds() + 59) // 60)
    return (
        f"This account is locked after {LOCK_AFTER_FAILURES} wrong passwords; try again in "
        f"{minutes} minute{'s' if minutes != 1 else ''} or ask an administrator."
    )


def is_encrypted(location: str) -> bool:
    """True for a SQLite file that has a keyring beside it (encrypted by Rabta)."""
    return is_sqlite(location) and keyring_path(location).exists()


def _typed_username(username: object) -> str:
    if not isinstance(username, str) or not username.strip():
        raise SignInRefused("Type your username.")
    return username.strip().lower()[:64]


def needs_first_administrator(location: str) -> bool:
    """True when no one can sign in yet: a new (missing or empty) file, or a database from
    an earlier Rabta, or a new server database, whose users have no passwords."""
    if is_sqlite(location):
        settle_interrupted_creation(location)
        path = Path(location)
        if is_encrypted(location):
            return False
        if not path.exists() or path.stat().st_size == 0:
            return True
    opened = open_database(location, create_missing=False)
    try:
        with Session(opened.engine) as s:
            has_password = s.exec(
                select(User.id).where(User.password_hash.is_not(None), User.active).limit(1)
            ).first()
        return has_password is None
    finally:
        opened.engine.dispose()


def create_first_administrator(
    location: str,
    username: str,
    display_name: str,
    password: str,
    *,
    initialise_empty_file: bool = False,
) -> SignedIn:
    """Make the installation's first administrator and sign them in.

    A new SQLite file is created encrypted, its random key sealed for this administrator
    alone: without their password (or another user's, added later) it cannot be read. A
    database from an earlier Rabta keeps its data: the administrator is added (or an
    existing account of that name gets the password and the role) and the file stays
    plain until they choose to encrypt it. Refused once anyone can sign in.
    """
    username = check_username(username)
    check_new_password(password)
    if not isinstance(display_name, str) or not display_name.strip():
        raise ValidationError({"display_name": "Type the administrator's full name."})
    if not needs_first_administrator(location):
        raise SignInRefused(
            f"{shown_location(location)} already has an administrator; sign in instead."
        )
    path = Path(location) if is_sqlite(location) else None
    new_file = path is not None and (not path.exists() or path.stat().st_size == 0)
    if new_file and path is not None:
        if path.exists() and not initialise_empty_file:
            raise EmptyDatabaseFile(
                f"{path} is an empty file, not a Rabta database; "
                "open it in the window to make it a new database."
            )
        key = _create_encrypted(path, username, display_name, password)
        with key_kept_on_failure(location):
            remember_database_key(location, key)
            opened = open_database(location, create_missing=False)
        with Session(opened.engine) as s:
            user = s.exec(select(User).where(User.username == username)).one()
            return SignedIn(opened, actor_of(user), must_change_password=False)
    opened = open_database(location, create_missing=True)
    try:
        with session(opened.engine) as s:
            actor = _make_administrator(s, username, display_name, password)
    except BaseException:
        opened.engine.dispose()
        raise
    return SignedIn(opened, actor, must_change_password=False)


def _make_administrator(s, username: str, display_name: str, password: str) -> Actor:
    user = s.exec(select(User).where(User.username == username)).first()
    if user is None:
        user = User(username=username, display_name=display_name.strip(), role="admin")
    user.role = UserRole.ADMIN
    user.display_name = display_name.strip()[:200]
    user.password_hash = hash_password(password)
    user.active = True
    user.must_change_password = False
    s.add(user)
    s.flush()
    actor = actor_of(user)
    record_audit(s, actor, "first_administrator", "user", user.id, None, user.uid)
    return actor


def _staged(path: Path) -> Path:
    return path.with_name(path.name + CREATING_SUFFIX)


def _create_encrypted(path: Path, username: str, display_name: str, password: str) -> bytes:
    """Make the new encrypted file and its keyring as a pair: both are written under a
    staging name, then the database and its keyring are moved into place, so a process
    killed at any moment leaves either nothing or a pair that opens
    (`settle_interrupted_creation` finishes the last step or clears the leftovers)."""
    settle_interrupted_creation(str(path))
    staged = _staged(path)
    key = secrets.token_bytes(32)
    remember_database_key(str(staged), key)
    try:
        opened = open_database(str(staged), create_missing=True)
        try:
            with session(opened.engine) as s:
                _make_administrator(s, username, display_name, password)
        finally:
            opened.engine.dispose()  # the last connection closed: the log written in
        if _log_left(staged):
            raise DatabaseUnavailable(f"{staged} kept a write-ahead log; try again.")
        keyring = Keyring(keyring_path(staged))
        keyring.admit(username, password, key)
        keyring.save()
    except BaseException:
        _clear_staged(path)
        raise
    finally:
        forget_database_key(str(staged))
    if path.exists():
        path.unlink()  # an empty file: SQLCipher writes its own first page
    staged.replace(path)
    keyring_path(staged).replace(keyring_path(path))
    return key


def _log_left(path: Path) -> bool:
    log = Path(f"{path}-wal")
    return log.exists() and log.stat().st_size > 0


def _clear_staged(path: Path) -> None:
    staged = _staged(path)
    for leftover in (staged, Path(f"{staged}-wal"), Path(f"{staged}-shm"), keyring_path(staged)):
        leftover.unlink(missing_ok=True)


def settle_interrupted_creation(location: str) -> None:
    """After a process was killed while creating a new encrypted file: move its keyring
    into place when the database had already been moved (the pair is whole), else clear
    the staged leftovers (nothing was made; the file is new again)."""
    if not is_sqlite(location):
        return
    path = Path(location)
    staged = _staged(path)
    staged_keys = keyring_path(staged)
    finished_but_keys = staged_keys.exists() and not staged.exists() and path.exists()
    if finished_but_keys and not keyring_path(path).exists():
        staged_keys.replace(keyring_path(path))
        return
    if staged.exists() or staged_keys.exists():
        _clear_staged(path)


def sign_in(
    location: str, username: str, password: str, *, now: datetime | None = None
) -> SignedIn:
    """Open the database as this user, or raise SignInRefused with the reason.

    Every attempt is audited: a failure at once where the database can be written, else
    (an encrypted file a wrong password cannot open) at the next successful sign-in.
    """
    username = _typed_username(username)
    if not isinstance(password, str) or not password:
        raise SignInRefused("Type your password.")
    now = now or utc_now()
    settle_interrupted_creation(location)
    if is_encrypted(location):
        return _sign_in_encrypted(location, username, password, now)
    return _sign_in_plain(location, username, password, now)


def _sign_in_encrypted(location: str, username: str, password: str, now: datetime) -> SignedIn:
    keyring = Keyring.load(location)
    counted = keyring.failures.get(username, {})
    locked_until = counted.get("locked_until")
    if locked_until and datetime.fromisoformat(locked_until) > now:
        _remember_attempt(keyring, username, "sign_in_refused_locked", now)
        keyring.save()
        raise SignInRefused(_locked_message(datetime.fromisoformat(locked_until), now))
    keys = keyring.open_keys(username, password)
    if keys is None:
        if username in keyring.envelopes:
            failures = int(counted.get("count", 0)) + 1
            duration = lock_duration(failures)
            keyring.failures[username] = {
                "count": failures,
                "locked_until": (now + duration).isoformat() if duration else None,
            }
        _remember_attempt(keyring, username, "sign_in_failed", now)
        keyring.save()
        raise SignInRefused(WRONG)
    key = key_that_opens(Path(location), keys)
    with key_kept_on_failure(location):
        remember_database_key(location, key)
        opened = open_database(location, create_missing=False)
        with session(opened.engine) as s:
            user = s.exec(select(User).where(User.username == username)).first()
            if user is None or not user.active:
                raise SignInRefused("This account is deactivated; ask an administrator.")
            actor = actor_of(user)
            for attempt in keyring.unaudited:
                record_audit(
                    s,
                    Actor(id=None, username=attempt["username"][:64]),
                    attempt["action"],
                    "user",
                    None,
                    {"attempted_at": (None, attempt["at"])},
                )
            record_audit(s, actor, "sign_in", "user", user.id, None, user.uid)
            must_change = user.must_change_password
    keyring.unaudited.clear()
    keyring.failures.pop(username, None)
    keyring.save()
    return SignedIn(opened, actor, must_change)


def _remember_attempt(keyring: Keyring, username: str, action: str, now: datetime) -> None:
    keyring.unaudited.append({"username": username, "action": action, "at": now.isoformat()})
    del keyring.unaudited[:-_KEPT_UNAUDITED]


def _sign_in_plain(location: str, username: str, password: str, now: datetime) -> SignedIn:
    opened = open_database(location, create_missing=False)
    refusal: str | None = None
    try:
        with session(opened.engine) as s:
            user = s.exec(select(User).where(User.username == username)).first()
            anyone = s.exec(select(User.id).where(User.password_hash.is_not(None))).first()
            if anyone is None:
                refusal = (
                    f"No one can sign in to {shown_location(location)} yet: open it in the "
                    "window to create its administrator."
                )
            elif user is None or not user.password_hash:
                record_audit(
                    s, Actor(id=None, username=username), "sign_in_failed", "user", None, None
                )
                refusal = WRONG
            elif user.locked_until is not None and _aware(user.locked_until) > now:
                record_audit(s, actor_of(user), "sign_in_refused_locked", "user", user.id)
                refusal = _locked_message(_aware(user.locked_until), now)
            elif not password_matches(user.password_hash, password):
                user.failed_sign_ins += 1
                duration = lock_duration(user.failed_sign_ins)
                user.locked_until = now + duration if duration else None
                s.add(user)
                record_audit(s, actor_of(user), "sign_in_failed", "user", user.id)
                refusal = WRONG
            elif not user.active:
                record_audit(s, actor_of(user), "sign_in_refused_inactive", "user", user.id)
                refusal = "This account is deactivated; ask an administrator."
            else:
                user.failed_sign_ins = 0
                user.locked_until = None
                s.add(user)
                record_audit(s, actor_of(user), "sign_in", "user", user.id, None, user.uid)
                actor, must_change = actor_of(user), user.must_change_password
    except BaseException:
        opened.engine.dispose()
        raise
    if refusal is not None:
        opened.engine.dispose()
        raise SignInRefused(refusal)
    return SignedIn(opened, actor, must_change)


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
