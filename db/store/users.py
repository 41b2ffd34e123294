"""Users: who may sign in, with which role, at which mission."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from db.errors import ValidationError
from db.models import Mission, User, UserRole
from db.store.actor import SYSTEM_ACTOR, Actor
from db.store.audit import record_audit
from db.store.records import apply_changes, get_record
from db.store.validation import FieldChecker, plain_text

FIELDS = ("username", "display_name", "role", "mission_id", "active")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


def _check(
    s: Session, values: Mapping[str, Any], *, partial: bool, current: User | None = None
) -> dict[str, Any]:
    check = FieldChecker(values, FIELDS, partial=partial)
    check.text("username", required=True, max_length=64)
    check.text("display_name", required=True, max_length=200, label_text="Display name")
    check.choice("role", UserRole, required=True)
    check.reference(s, "mission_id", Mission, what="Mission")
    check.flag("active")
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
    return check.done()


def create_user(s: Session, actor: Actor, values: Mapping[str, Any]) -> int:
    """Add a user account; return its id."""
    actor.require_admin()
    clean = _check(s, values, partial=False)
    user = User(**clean)
    s.add(user)
    s.flush()
    record_audit(
        s,
        actor,
        "create",
        "user",
        user.id,
        {k: (None, v) for k, v in clean.items() if v is not None},
        user.uid,
    )
    return user.id


def update_user(s: Session, actor: Actor, user_id: int, values: Mapping[str, Any]) -> None:
    """Change a user's name, role, mission or active flag."""
    actor.require_admin()
    user = get_record(s, User, user_id, "user")
    changes = apply_changes(user, _check(s, values, partial=True, current=user))
    if changes:
        s.add(user)
        record_audit(s, actor, "update", "user", user.id, changes, user.uid)


def actor_of(user: User) -> Actor:
    """The Actor for a user row."""
    return Actor(
        id=user.id,
        username=user.username,
        role=user.role,
        mission_id=user.mission_id,
        display_name=user.display_name,
    )


def _username_for_login(login_name: str) -> str:
    username = re.sub(r"[^a-z0-9._-]", "", login_name.lower()) or "officer"
    return username if len(username) >= 2 else f"{username}-user"


def find_local_actor(s: Session, login_name: str) -> Actor:
    """The acting user for this computer's login, without writing anything.

    A login not yet known gives an Actor with id None and the role its account would
    get (the first account of a database is an administrator; later ones are officers);
    `enrol_local_actor` creates that account in the transaction that first needs it.
    """
    if not isinstance(login_name, str):
        raise ValidationError({"login_name": "The login name must be text."})
    login_name = plain_text(login_name, "login_name", "The login name", max_length=64)
    username = _username_for_login(login_name)
    user = s.exec(select(User).where(User.username == username)).first()
    if user is not None:
        return actor_of(user)
    first = s.exec(select(User.id).limit(1)).first() is None
    return Actor(
        id=None,
        username=username,
        role=UserRole.ADMIN if first else UserRole.OFFICER,
        display_name=login_name or username,
    )


def enrol_local_actor(s: Session, actor: Actor) -> Actor:
    """The Actor of an account `find_local_actor` planned, created now if still missing."""
    user = s.exec(select(User).where(User.username == actor.username)).first()
    if user is None:
        user_id = create_user(
            s,
            SYSTEM_ACTOR,
            {
                "username": actor.username,
                "display_name": actor.display_name or actor.username,
                "role": actor.role,
            },
        )
        user = s.get(User, user_id)
    return actor_of(user)


def local_actor(s: Session, login_name: str) -> Actor:
    """The acting user for this computer's login, created on first use."""
    return enrol_local_actor(s, find_local_actor(s, login_name))
