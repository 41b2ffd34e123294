"""Each person's own role on a PostgreSQL server: an administrator lets a Rabta user
connect as a database role (with a password, or a role the server authenticates by
certificate or Kerberos), and withdraws it. The role is a member of rabta_user (and of
rabta_admin for an administrator), which the server's row-level security holds to
Rabta's rules (migration 0020): psql with it reads and changes no more than Rabta would
let that person. The password never travels or is logged in clear: libpq turns it into
a SCRAM verifier on this machine.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from db.foundations.actor import Actor
from db.foundations.errors import PermissionDenied, ValidationError
from db.foundations.models import User, UserRole
from db.rules.rows import get_record
from db.security.passwords import check_new_password
from db.store.audit import record_audit

_ROLE_NAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,62}$")
NOT_A_SERVER = (
    "Only a registry on a PostgreSQL server has database roles; a file is protected by "
    "its encryption instead."
)
NO_CREATEROLE = (
    "The server refused: the role Rabta is connected as may not make or change database "
    "roles (it needs CREATEROLE). Ask the database administrator, or connect as the "
    "registry's owner."
)


def _require_server(s: Session) -> None:
    if s.get_bind().dialect.name != "postgresql":
        raise ValidationError({"server_role": NOT_A_SERVER})


def _quoted(s: Session, name: str) -> str:
    return s.get_bind().dialect.identifier_preparer.quote_identifier(name)


def _ddl(s: Session, statement: str) -> None:
    """A statement about roles, sent as written (no parameters: a verifier holds ':')."""
    s.connection().exec_driver_sql(statement)


def _verifier(s: Session, role: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of a password, made by libpq on this machine."""
    raw = s.connection().connection.dbapi_connection
    pgconn = raw.pgconn  # type: ignore[union-attr]
    return pgconn.encrypt_password(
        password.encode("utf-8"), role.encode("utf-8"), b"scram-sha-256"
    ).decode("ascii")


def grant_server_sign_in(
    s: Session, actor: Actor, user_id: int, role_name: str, password: str | None = None
) -> None:
    """Let a user connect to the server as `role_name` (made when the server has no such
    role; with `password`, it is set); administrators only."""
    actor.require_admin()
    _require_server(s)
    user = get_record(s, User, user_id, "user")
    if not user.active:
        raise ValidationError({"server_role": "Reactivate the account first."})
    name = role_name.strip().lower() if isinstance(role_name, str) else ""
    if not _ROLE_NAME.match(name):
        raise ValidationError(
            {"server_role": "A role name is 2–63 letters, digits, dots, dashes, @ or _."}
        )
    holder = s.exec(select(User.username).where(User.server_role == name, User.id != user.id))
    taken = holder.first()
    if taken is not None:
        raise ValidationError({"server_role": f"The role {name} is {taken}'s already."})
    if password is not None:
        check_new_password(password)
    role = _quoted(s, name)
    exists = (
        s.connection()
        .execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
        .first()
    )
    secret = f" PASSWORD '{_verifier(s, name, password)}'" if password is not None else ""
    try:
        with s.begin_nested():
            verb = "ALTER" if exists else "CREATE"
            _ddl(s, f"{verb} ROLE {role} LOGIN{secret}")
            _ddl(s, f"GRANT rabta_user TO {role}")
            if user.role == UserRole.ADMIN:
                _ddl(s, f"GRANT rabta_admin TO {role}")
            elif exists:
                _ddl(s, f"REVOKE rabta_admin FROM {role}")
    except DBAPIError as refused:
        if getattr(refused.orig, "sqlstate", "") == "42501":
            raise PermissionDenied(NO_CREATEROLE) from refused
        raise
    previous, user.server_role = user.server_role, name
    s.add(user)
    record_audit(
        s,
        actor,
        "grant_server_sign_in",
        "user",
        user.id,
        {"server_role": (previous, name), "password_set": (None, password is not None)},
        user.uid,
    )


def withdraw_server_sign_in(s: Session, actor: Actor, user_id: int) -> None:
    """Stop a user's role from connecting (NOLOGIN, out of rabta_user); administrators
    only. Deactivating a user does this too."""
    actor.require_admin()
    _require_server(s)
    user = get_record(s, User, user_id, "user")
    if not user.server_role:
        raise ValidationError({"server_role": f"{user.username} has no role on the server."})
    close_server_role(s, user.server_role)
    previous, user.server_role = user.server_role, None
    s.add(user)
    record_audit(
        s, actor, "withdraw_server_sign_in", "user", user.id, {"server_role": (previous, None)}
    )


def close_server_role(s: Session, name: str) -> None:
    """Stop the role `name` from connecting and take it out of rabta_user (its row-level
    rules would already give a deactivated user nothing to read in confidence)."""
    role = _quoted(s, name)
    try:
        with s.begin_nested():
            _ddl(s, f"ALTER ROLE {role} NOLOGIN")
            _ddl(s, f"REVOKE rabta_user FROM {role}")
            _ddl(s, f"REVOKE rabta_admin FROM {role}")
    except DBAPIError as refused:
        if getattr(refused.orig, "sqlstate", "") == "42501":
            raise PermissionDenied(NO_CREATEROLE) from refused
        raise
