"""Who runs a command and on which database: --db, --user and the password (from
--password-file, else asked on the terminal), and signing in for one command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from db.security.sign_in import SignedIn


def database_location(args: argparse.Namespace) -> str:
    from db.foundations.engine import resolve_database_location

    chosen = getattr(args, "path", None) or getattr(args, "command_db", None) or args.db
    return resolve_database_location(chosen)


def password_of(args: argparse.Namespace, *, new: bool = False) -> str:
    """The password from --password-file, else asked on the terminal (twice for a new one)."""
    import getpass

    from db.security.password_file import read_password_file

    if getattr(args, "typed_password", None):  # asked once per command
        return args.typed_password
    password_file = getattr(args, "password_file", None) or args.window_password_file
    if password_file:
        password = read_password_file(password_file)
    else:
        from db.foundations.errors import ValidationError

        try:
            password = getpass.getpass(f"Password for {username_of(args)}: ")
            if new and getpass.getpass("The same password again: ") != password:
                raise ValidationError({"password": "The two passwords differ."})
        except EOFError:
            raise ValidationError(
                {
                    "password": "No password was typed (the input ended); for unattended "
                    "use, give --password-file."
                }
            ) from None
    args.typed_password = password
    return password


def username_of(args: argparse.Namespace) -> str:
    from db.foundations.errors import ValidationError

    username = getattr(args, "user", None) or getattr(args, "window_user", None)
    if not username:
        raise ValidationError({"user": "Say who you are: add --user YOUR-USERNAME."})
    return username


@contextmanager
def signed_in_for(args: argparse.Namespace, location: str | None = None) -> Iterator[SignedIn]:
    """Sign in as --user for one command; the engine is disposed when the command ends."""
    from db.foundations.engine import forget_database_key
    from db.security.sign_in import MUST_CHANGE, SignInRefused, sign_in

    location = location or database_location(args)
    username = username_of(args)
    signed_in = sign_in(location, username, password_of(args))
    if signed_in.must_change_password:
        signed_in.opened.engine.dispose()
        forget_database_key(location)
        raise SignInRefused(f"{MUST_CHANGE} Sign in to the window once to choose it.")
    for warning in signed_in.warnings:
        print(f"rabta: {warning}", file=sys.stderr)
    try:
        yield signed_in
    finally:
        signed_in.opened.engine.dispose()
        forget_database_key(location)


@contextmanager
def administrator_for(
    args: argparse.Namespace, location: str, *, may_create: bool = False
) -> Iterator[SignedIn]:
    """Signed in as an administrator; with `may_create`, a new database (or one from an
    earlier Rabta, where no one had a password) gets --user as its first one."""
    from db.foundations.engine import forget_database_key
    from db.security.sign_in import create_first_administrator, needs_first_administrator

    if may_create and needs_first_administrator(location):
        username = username_of(args)
        signed_in = create_first_administrator(
            location, username, username, password_of(args, new=True)
        )  # an empty file stays refused: only the window makes one a database, after asking
        try:
            yield signed_in
        finally:
            signed_in.opened.engine.dispose()
            forget_database_key(location)
        return
    with signed_in_for(args, location) as signed_in:
        signed_in.actor.require_admin()  # before any work; the operation refuses too
        yield signed_in
