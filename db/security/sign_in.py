"""Signing in: the only way to an Actor. A password opens the database (its key, when the
file is encrypted) and names the person; five wrong ones lock the account for a while.

An encrypted SQLite file is opened by the key its keyring (db/security/keyring.py) gives
the user's password; failed attempts are counted in the keyring, because a wrong password
cannot open the database, and written to the audit at the next sign-in. A plain file
from an earlier Rabta, and a PostgreSQL server, check the user's argon2id hash and count
failures in the user row.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text
from sqlmodel import Session, col, select

from db.database_file.migrate import OpenedDatabase, open_database
from db.foundations.actor import SYSTEM_ACTOR, Actor
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
from db.foundations.models import AuditEntry, User, UserRole
from db.foundations.signing import Signer, public_text, reading_public_text
from db.rules.audit_chain import witness_agrees
from db.security.keyring import Keyring, key_that_opens, keyring_path
from db.security.passwords import (
    check_new_password,
    derive_key,
    hash_password,
    password_matches,
)
from db.security.signing_keys import give_signing_key, open_signing_key
from db.store.audit import record_audit
from db.store.pepper import peppered_digest
from db.store.sealing import admit_readers, forget_wraps_of, hold_sealing_keys, seal_unsealed
from db.store.unit_of_work import session
from db.store.users import actor_of, check_username

LOCK_AFTER_FAILURES = 5
CREATING_SUFFIX = ".creating"
LONGEST_LOCK = timedelta(hours=1)
WRONG = "The username or password is wrong."
CHAIN_DISAGREES = (
    "The audit log is not the one the keys file saw: entries were removed from its end or "
    "rewritten. `rabta audit verify` says where; tell an administrator."
)
UNKNOWN_NAME = "(a name no one has)"  # what the audit says of it: it may be a password
_KEPT_NAMES = 500

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
    warnings: tuple[str, ...] = ()  # what the sign-in found wrong with the keys file


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
        key, signing_key = _create_encrypted(path, username, display_name, password)
        with key_kept_on_failure(location):
            remember_database_key(location, key)
            opened = open_database(location, create_missing=False)
        with Session(opened.engine) as s:
            user = s.exec(select(User).where(User.username == username)).one()
            signer = Signer(user.id, signing_key)
            return SignedIn(opened, actor_of(user, signer), must_change_password=False)
    opened = open_database(location, create_missing=True)
    try:
        with session(opened.engine) as s:
            actor, _signing_key = _make_administrator(s, username, display_name, password)
    except BaseException:
        opened.engine.dispose()
        raise
    return SignedIn(opened, actor, must_change_password=False)


def _make_administrator(
    s, username: str, display_name: str, password: str
) -> tuple[Actor, Ed25519PrivateKey]:
    """The first administrator, with the signing key that is the root of the chain's
    trust: their first entry registers it, signed by itself."""
    user = s.exec(select(User).where(User.username == username)).first()
    if user is None:
        user = User(username=username, display_name=display_name.strip(), role="admin")
    user.role = UserRole.ADMIN
    user.display_name = display_name.strip()[:200]
    user.password_hash = hash_password(password)
    user.active = True
    user.must_change_password = False
    key, registered = give_signing_key(user, password)
    s.add(user)
    s.flush()
    actor = actor_of(user, Signer(user.id, key))
    record_audit(s, actor, "first_administrator", "user", user.id, registered, user.uid)
    take_up_sealing_keys(s, actor)  # a database from an earlier Rabta: its text sealed
    return actor, key


def _staged(path: Path) -> Path:
    return path.with_name(path.name + CREATING_SUFFIX)


def _create_encrypted(
    path: Path, username: str, display_name: str, password: str
) -> tuple[bytes, Ed25519PrivateKey]:
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
                _actor, signing_key = _make_administrator(s, username, display_name, password)
        finally:
            opened.engine.dispose()  # the last connection closed: the log written in
        if _log_left(staged):
            raise DatabaseUnavailable(f"{staged} kept a write-ahead log; try again.")
        keyring = Keyring(keyring_path(staged))
        keyring.admit(username, password, key, signing_key)
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
    return key, signing_key


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
    with Keyring.changed(location) as keyring:  # attempts made at once wait their turn
        outcome = _attempt(keyring, location, username, password, now)
    if isinstance(outcome, SignInRefused):
        raise outcome  # the keyring counting it is saved
    return outcome


def _attempt(
    keyring: Keyring, location: str, username: str, password: str, now: datetime
) -> SignedIn | SignInRefused:
    """One attempt on a locked keyring: the refusal to raise once it is saved, or the
    person signed in (their attempts audited, the keyring's count cleared)."""
    known = username in keyring.envelopes
    slot = keyring.unknown_name_slot(username)  # computed for every name: the same time
    if known:
        slot = username
    shown = username if known else UNKNOWN_NAME
    counted = keyring.failures.get(slot, {})
    locked_until = counted.get("locked_until")
    if locked_until and datetime.fromisoformat(locked_until) > now:
        _remember_attempt(keyring, shown, "sign_in_refused_locked", now)
        return SignInRefused(_locked_message(datetime.fromisoformat(locked_until), now))
    unlocked = keyring.envelopes[username].unlock(username, password) if known else None
    if not known:
        _as_long(password)
    if unlocked is None:
        failures = int(counted.get("count", 0)) + 1
        duration = lock_duration(failures)
        keyring.failures.pop(slot, None)
        keyring.failures[slot] = {
            "count": failures,
            "locked_until": (now + duration).isoformat() if duration else None,
        }
        while len(keyring.failures) > _KEPT_NAMES:  # the oldest names first
            keyring.failures.pop(next(iter(keyring.failures)))
        _remember_attempt(keyring, shown, "sign_in_failed", now)
        return SignInRefused(WRONG)
    keys, kept_signing_key = unlocked
    key = key_that_opens(Path(location), keys)
    with key_kept_on_failure(location):
        remember_database_key(location, key)
        opened = open_database(location, create_missing=False)
        try:
            with session(opened.engine) as s:
                user = s.exec(select(User).where(User.username == username)).first()
                if user is None or not user.active:
                    raise SignInRefused("This account is deactivated; ask an administrator.")
                actor = actor_of(user, _signer(s, user, password, kept_signing_key))
                take_up_sealing_keys(s, actor)
                warnings = _reconcile(s, keyring, actor.signer)
                witnessed = witness_agrees(s, keyring.audit_head)
                if not witnessed:
                    record_audit(
                        s,
                        replace(SYSTEM_ACTOR, signer=actor.signer),
                        "audit_chain_disagrees",
                        "database",
                        None,
                        {"witnessed_head": (None, keyring.audit_head)},
                    )
                    warnings.append(CHAIN_DISAGREES)
                if keyring.rotation_due and actor.may_administer:
                    warnings.append(rotation_due_sentence(keyring.rotation_due))
                record_audit(
                    s,
                    actor,
                    "sign_in",
                    "user",
                    user.id,
                    {
                        "keyring_generation": (None, keyring.generation + 1),
                        "keyring_attempts": (None, keyring.attempts),
                    },
                    user.uid,
                )
                must_change = user.must_change_password
        except BaseException:
            opened.engine.dispose()
            raise
    keyring.unaudited.clear()
    keyring.trimmed = 0
    keyring.failures.pop(slot, None)
    if witnessed:  # else the head it saw stays, as evidence
        keyring.audit_head = _audit_head(opened.engine, now)  # a witness of the chain
    return SignedIn(opened, actor, must_change, tuple(warnings))


def _audit_head(engine, now: datetime) -> dict[str, object]:
    with Session(engine) as s:
        head = s.exec(
            select(AuditEntry.id, AuditEntry.entry_hash)
            .order_by(col(AuditEntry.id).desc())
            .limit(1)
        ).first()
    if head is None or not head[1]:
        return {}
    return {"id": head[0], "hash": head[1], "at": now.isoformat()}


def rotation_due_sentence(deactivated: list[str]) -> str:
    """What an administrator is told while a deactivated user's old copy of the keys
    file would still open the database."""
    names = ", ".join(deactivated)
    return (
        f"The database key must be changed: {names} "
        f"{'was' if len(deactivated) == 1 else 'were'} deactivated since it last changed, "
        "and a copy of the keys file kept from before still opens the database. Change it "
        "in Settings > Users (Change the database key) or with `rabta rekey`."
    )


def _as_long(password: str) -> None:
    """Spend on a name no one has the time a real envelope takes, and open nothing."""
    derive_key(password, b"rabta-no-such-user")
    return None


def _reconcile(s: Session, keyring: Keyring, signer: Signer | None) -> list[str]:
    """Write the attempts the keyring kept to the audit, and compare the keyring with
    the database's own record of it (made at the last sign-in): a keyring older than
    that record, or one missing attempts it had counted, is audited and said. The
    entries are Rabta's own, signed by the person signing in."""
    system = replace(SYSTEM_ACTOR, signer=signer)
    for attempt in keyring.unaudited:
        record_audit(
            s,
            Actor(id=None, username=str(attempt["username"])[:64], signer=signer),
            attempt["action"],
            "user",
            None,
            {"attempted_at": (None, attempt["at"])},
        )
    warnings: list[str] = []
    recorded = _keyring_record(s)
    if recorded is None:
        return warnings
    generation, attempts = recorded
    if keyring.generation < generation or keyring.attempts < attempts:
        record_audit(
            s,
            system,
            "keyring_older_than_database",
            "user",
            None,
            {"keyring_generation": (generation, keyring.generation)},
        )
        warnings.append(
            f"The keys file is older than the database's own record of it (its save "
            f"{keyring.generation:,}; the database saw save {generation:,}): someone may "
            "have copied an older one back to undo failed sign-ins. Tell an administrator."
        )
        return warnings
    numbered = {int(a["n"]) for a in keyring.unaudited if "n" in a}
    missing = len(set(range(attempts + 1, keyring.attempts + 1)) - numbered) - keyring.trimmed
    if keyring.trimmed:
        record_audit(
            s,
            system,
            "sign_in_attempts_not_kept",
            "user",
            None,
            {"count": (None, keyring.trimmed)},
        )
    if missing > 0:
        record_audit(
            s, system, "sign_in_attempts_removed", "user", None, {"count": (None, missing)}
        )
        warnings.append(
            f"{missing:,} failed sign-in{'s were' if missing != 1 else ' was'} removed from the "
            "keys file since the last sign-in. Tell an administrator."
        )
    return warnings


def _keyring_record(s: Session) -> tuple[int, int] | None:
    """The keyring's save and attempt numbers the last encrypted sign-in noted."""
    changes = s.exec(
        select(AuditEntry.changes)
        .where(AuditEntry.action == "sign_in", col(AuditEntry.changes).contains("keyring_"))
        .order_by(col(AuditEntry.id).desc())
        .limit(1)
    ).first()
    if not changes:
        return None
    noted = json.loads(changes)
    try:
        return int(noted["keyring_generation"][1]), int(noted["keyring_attempts"][1])
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def _remember_attempt(keyring: Keyring, username: str, action: str, now: datetime) -> None:
    keyring.attempts += 1
    keyring.unaudited.append(
        {"username": username, "action": action, "at": now.isoformat(), "n": keyring.attempts}
    )
    if len(keyring.unaudited) > _KEPT_UNAUDITED:
        keyring.trimmed += len(keyring.unaudited) - _KEPT_UNAUDITED
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
                refusal = _unknown_name_refused(s, username, password, now)
            elif (connected_as := _someone_elses_role(s, user)) is not None:
                refusal = (
                    f"This connection to the server is {connected_as}'s own role, not "
                    f"{user.username}'s: sign in with your own connection (your service "
                    "file or certificate), or ask an administrator for a role."
                )
            elif user.locked_until is not None and _aware(user.locked_until) > now:
                record_audit(s, _on_behalf(user), "sign_in_refused_locked", "user", user.id)
                refusal = _locked_message(_aware(user.locked_until), now)
            elif not password_matches(user.password_hash, password):
                user.failed_sign_ins += 1
                duration = lock_duration(user.failed_sign_ins)
                user.locked_until = now + duration if duration else None
                s.add(user)
                record_audit(s, _on_behalf(user), "sign_in_failed", "user", user.id)
                refusal = WRONG
            elif not user.active:
                record_audit(s, _on_behalf(user), "sign_in_refused_inactive", "user", user.id)
                refusal = "This account is deactivated; ask an administrator."
            else:
                user.failed_sign_ins = 0
                user.locked_until = None
                s.add(user)
                actor = actor_of(user, _signer(s, user, password, None))
                take_up_sealing_keys(s, actor)
                record_audit(s, actor, "sign_in", "user", user.id, None, user.uid)
                must_change = user.must_change_password
    except BaseException:
        opened.engine.dispose()
        raise
    if refusal is not None:
        opened.engine.dispose()
        raise SignInRefused(refusal)
    return SignedIn(opened, actor, must_change)


def _someone_elses_role(s: Session, user: User) -> str | None:
    """On a server, when the connection is a person's own role (a member of rabta_user,
    migration 0020) that is not this user's: whose it is. The office's shared role and
    the owner are no one's: any Rabta user signs in through them."""
    if s.get_bind().dialect.name != "postgresql":
        return None
    connected = s.exec(
        text(
            "SELECT session_user, EXISTS (SELECT 1 FROM pg_auth_members m "
            "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member "
            "WHERE g.rolname = 'rabta_user' AND r.rolname = session_user)"
        )
    ).one()
    if not connected[1] or connected[0] == user.server_role:
        return None
    owner = s.exec(select(User.username).where(User.server_role == connected[0])).first()
    return owner or f"the server role {connected[0]}"


def _on_behalf(user: User) -> Actor:
    """Who writes a refused attempt on an account: Rabta itself (the person typing did
    not prove they are its owner, so the entry is not in the owner's name)."""
    return Actor(id=None, username=user.username)


def _signer(s: Session, user: User, password: str, kept: Ed25519PrivateKey | None) -> Signer:
    """The user's signing key: the one their envelope or their row keeps under this
    password when it is the key the chain registered for them; else a new one (a user
    from before signatures), introduced in the chain by an entry it signs itself."""
    if kept is not None and user.signing_key == public_text(kept):
        return _with_reading_key(s, user, Signer(user.id, kept))
    in_row = open_signing_key(user.signing_secret, user.username, password)
    if in_row is not None and user.signing_key == public_text(in_row):
        return _with_reading_key(s, user, Signer(user.id, in_row))
    if user.id is not None:
        forget_wraps_of(s, user.id)
    key, introduced = give_signing_key(user, password)
    s.add(user)
    signer = Signer(user.id, key)
    record_audit(s, actor_of(user, signer), "introduce_signing_key", "user", user.id, introduced)
    return signer


def _with_reading_key(s: Session, user: User, signer: Signer) -> Signer:
    """The signer, its reading key's public half on the user's row (a user from before
    sealing gets it at this sign-in, audited and signed like any change)."""
    public = reading_public_text(signer.reading_key)
    if user.reading_key != public:
        changes = {"reading_key": (user.reading_key, public)}
        if user.reading_key is not None and user.id is not None:
            forget_wraps_of(s, user.id)
        user.reading_key = public
        s.add(user)
        record_audit(s, actor_of(user, signer), "introduce_reading_key", "user", user.id, changes)
    return signer


def take_up_sealing_keys(s: Session, actor: Actor) -> None:
    """At sign-in: open the sealing keys wrapped to this person, wrap the ones they hold
    to those the rule allows who lack them, and, for an administrator, seal any
    confidential text still plain (db/store/sealing.py)."""
    hold_sealing_keys(s, actor.signer)
    seal_unsealed(s, actor)
    admit_readers(s, actor)


@cache
def _no_ones_hash() -> str:
    return hash_password("no one signs in with this")


def _unknown_name_refused(s: Session, typed: str, password: str, now: datetime) -> str:
    """The answer to a name no one has, exactly as a real one's: "wrong", then "locked"
    after five in an hour, in the same time. The audit keeps a peppered digest of the
    name, never the name (it may be a password typed into the wrong box)."""
    password_matches(_no_ones_hash(), password)  # the time a real check takes
    digest = peppered_digest(s, typed)
    since = now - LONGEST_LOCK
    earlier = s.exec(
        select(AuditEntry.at)
        .where(
            AuditEntry.username == UNKNOWN_NAME,
            AuditEntry.action == "sign_in_failed",
            AuditEntry.at >= since,
            col(AuditEntry.changes).contains(digest),
        )
        .order_by(col(AuditEntry.id).desc())
    ).all()
    duration = lock_duration(len(earlier))
    stranger = Actor(id=None, username=UNKNOWN_NAME)
    if duration is not None and earlier:
        until = _aware(earlier[0]) + duration
        if until > now:
            record_audit(
                s, stranger, "sign_in_refused_locked", "user", None, {"name": (None, digest)}
            )
            return _locked_message(until, now)
    record_audit(s, stranger, "sign_in_failed", "user", None, {"name": (None, digest)})
    return WRONG


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
