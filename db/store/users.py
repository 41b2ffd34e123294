"""Users: who may sign in, with which role, at which mission, and their passwords.

Only administrators manage users. A password set by an administrator (a new account, a
reset) must be changed by its owner at the next sign-in. On an encrypted database each
password change also seals the database key for that user in the keyring beside it,
once the change is committed; a deactivated user's envelope is taken away.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from db.foundations.actor import Actor
from db.foundations.engine import database_key
from db.foundations.errors import PermissionDenied, ValidationError
from db.foundations.models import Mission, User, UserRole
from db.foundations.signing import Signer
from db.rules.rows import get_record
from db.security.keyring import Keyring, keyring_path
from db.security.passwords import check_new_password, hash_password, password_matches
from db.security.signing_keys import give_signing_key
from db.store.audit import record_audit
from db.store.records import apply_changes
from db.store.sealing import admit_readers, forget_wraps_of
from db.store.server_roles import close_server_role
from db.store.unit_of_work import after_commit
from db.store.validation import FieldChecker

FIELDS = ("username", "display_name", "role", "mission_id", "active")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


def check_username(username: object) -> str:
    """The username, lower-cased, if it is one Rabta accepts; else ValidationError."""
    if not isinstance(username, str) or not _USERNAME.match(username.strip().lower()):
        raise ValidationError(
            {"username": "A username is 2–64 letters, digits, dots, dashes or underscores."}
        )
    return username.strip().lower()


NEEDS_A_MISSION = (UserRole.OFFICER, UserRole.SUPERVISOR)
COMMISSION_WIDE = (
    "An officer or supervisor needs a mission. One with none changes every mission's "
    "records: choose Commission-wide only on purpose."
)


def _check(
    s: Session, values: Mapping[str, Any], *, partial: bool, current: User | None = None
) -> dict[str, Any]:
    check = FieldChecker(values, (*FIELDS, "password", "commission_wide"), partial=partial)
    check.text("username", required=True, max_length=64)
    check.text("display_name", required=True, max_length=200, label_text="Display name")
    check.choice("role", UserRole, required=True)
    check.reference(s, "mission_id", Mission, what="Mission")
    check.flag("active")
    check.flag("commission_wide")
    _require_a_mission_or_commission_wide(check, current)
    username = check.clean.get("username")
    if username is not None:
        username = username.lower()
        check.clean["username"] = username
        if not _USERNAME.match(username):
            check.fail(
                "username", "A username is 2–64 letters, digits, dots, dashes or underscores."
            )
        clash = s.exec(select(User.id).where(func.lower(User.username) == username)).first()
        if clash is not None and (current is None or clash != current.id):
            check.fail("username", f"The username {username} is taken.")
    clean = check.done()
    clean.pop("password", None)
    clean.pop("commission_wide", None)
    return clean


def _require_a_mission_or_commission_wide(check: FieldChecker, current: User | None) -> None:
    """An officer or supervisor without a mission may change every mission's records:
    the store takes that only when asked for in so many words (`commission_wide`), when
    the role or the mission is being set."""
    if "role" not in check.clean and "mission_id" not in check.clean:
        return
    role = check.clean.get("role", current.role if current else None)
    mission = check.clean.get("mission_id", current.mission_id if current else None)
    if role in NEEDS_A_MISSION and mission is None and not check.clean.get("commission_wide"):
        check.fail("mission_id", COMMISSION_WIDE)


def _keyring_of(s: Session) -> tuple[str, bytes] | None:
    """The database file and its key, when this session's database is encrypted."""
    bind = s.get_bind()
    if bind.dialect.name != "sqlite" or not bind.url.database:
        return None
    location = bind.url.database
    key = database_key(location)
    if key is None or not keyring_path(location).exists():
        return None
    return location, key


def _update_keyring_after_commit(s: Session, change: Callable[[Keyring, bytes], None]) -> None:
    found = _keyring_of(s)
    if found is None:
        return
    location, key = found

    def apply() -> None:
        with Keyring.changed(Path(location)) as keyring:
            change(keyring, key)

    after_commit(s, apply)


def _set_password(
    s: Session, actor: Actor, user: User, password: str, *, must_change: bool
) -> dict[str, tuple[Any, Any]]:
    """Set the password and give the user a new audit signing key under it; return the
    change that registers the key's public half (the audit entry of this change)."""
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    user.failed_sign_ins = 0
    user.locked_until = None
    username = user.username
    if user.id is not None:
        forget_wraps_of(s, user.id)  # wrapped to the reading key that goes with the old one
    key, registered = give_signing_key(user, password)
    _update_keyring_after_commit(
        s, lambda ring, database_key: ring.admit(username, password, database_key, key)
    )
    signer = actor.signer
    if signer is not None and signer.user_id is not None and signer.user_id == user.id:
        after_commit(s, lambda: signer.use(key))  # their own next entries: the new key
    return registered


def create_user(s: Session, actor: Actor, values: Mapping[str, Any]) -> int:
    """Add a user account; return its id. With a "password", the user may sign in and
    must change it at the first sign-in."""
    actor.require_admin()
    password = values.get("password") if isinstance(values, Mapping) else None
    clean = _check(s, values, partial=False)
    if password is not None:
        check_new_password(password)
    user = User(**clean)
    changes: dict[str, tuple[Any, Any]] = {k: (None, v) for k, v in clean.items() if v is not None}
    if password is not None:
        changes.update(_set_password(s, actor, user, password, must_change=True))
    s.add(user)
    s.flush()
    record_audit(s, actor, "create", "user", user.id, changes, user.uid)
    admit_readers(s, actor)
    return user.id


def update_user(s: Session, actor: Actor, user_id: int, values: Mapping[str, Any]) -> None:
    """Change a user's name, role, mission or active flag. Deactivating takes away their
    way into an encrypted database; an administrator cannot deactivate or demote
    themselves (someone must be left to manage users)."""
    actor.require_admin()
    user = get_record(s, User, user_id, "user")
    if user.id == actor.id and isinstance(values, Mapping):
        _refuse_locking_oneself_out(values)
    clean = _check(s, values, partial=True, current=user)
    if user.id == actor.id:
        _refuse_locking_oneself_out(clean)
    changes = apply_changes(user, clean)
    if changes:
        s.add(user)
        record_audit(s, actor, "update", "user", user.id, changes, user.uid)
        s.flush()
        admit_readers(s, actor)
        if changes.get("active", (None, True))[1] is False:
            username = user.username
            _update_keyring_after_commit(s, lambda ring, _key: ring.remove(username))
            if user.server_role and s.get_bind().dialect.name == "postgresql":
                close_server_role(s, user.server_role)  # the server lets them in no more


def _refuse_locking_oneself_out(values: Mapping[str, Any]) -> None:
    if values.get("active") is False or values.get("role", UserRole.ADMIN) != UserRole.ADMIN:
        raise ValidationError(
            {"role": "You cannot deactivate or demote yourself; ask another administrator."}
        )


def reset_password(s: Session, actor: Actor, user_id: int, new_password: str) -> None:
    """An administrator sets a user's password; the user must change it at next sign-in."""
    actor.require_admin()
    user = get_record(s, User, user_id, "user")
    check_new_password(new_password)
    if not user.active:
        raise ValidationError({"password": "Reactivate the account before setting a password."})
    registered = _set_password(s, actor, user, new_password, must_change=True)
    s.add(user)
    record_audit(s, actor, "reset_password", "user", user.id, registered, user.uid)
    s.flush()
    admit_readers(s, actor)


def change_own_password(s: Session, actor: Actor, current_password: str, new_password: str) -> None:
    """The signed-in user replaces their password, proving the current one first."""
    if actor.id is None:
        raise PermissionDenied("Sign in to change your password.")
    user = get_record(s, User, actor.id, "user")
    if not password_matches(user.password_hash, current_password):
        raise ValidationError({"current_password": "The current password is wrong."})
    check_new_password(new_password, "new_password")
    if new_password == current_password:
        raise ValidationError({"new_password": "Choose a password different from the current one."})
    registered = _set_password(s, actor, user, new_password, must_change=False)
    s.add(user)
    record_audit(s, actor, "change_password", "user", user.id, registered, user.uid)
    s.flush()
    admit_readers(s, actor)


def actor_of(user: User, signer: Signer | None = None) -> Actor:
    """The Actor for a user row; with their signing key, the entries they write are
    signed."""
    return Actor(
        id=user.id,
        username=user.username,
        role=user.role,
        mission_id=user.mission_id,
        display_name=user.display_name,
        signer=signer,
    )
