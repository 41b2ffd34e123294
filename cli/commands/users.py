"""python main.py user: a person's own role on a PostgreSQL server (administrators)."""

from __future__ import annotations

import argparse

from cli.sign_in import administrator_for, database_location


def add_commands(commands, database: argparse.ArgumentParser) -> None:
    """Add these commands to the command line."""
    user = commands.add_parser("user", help="a person's own role on the server")
    actions = user.add_subparsers(dest="user_action", metavar="ACTION", required=True)
    grant = actions.add_parser(
        "server-role",
        parents=[database],
        help="let a user connect to the server as their own role, held to Rabta's rules "
        "by the server (administrators)",
    )
    grant.add_argument("username", metavar="USERNAME", help="the Rabta user")
    grant.add_argument("--role", required=True, metavar="NAME", help="the database role")
    grant.add_argument(
        "--role-password-file",
        metavar="FILE",
        help="a file only you may read, holding the role's password (none: the server "
        "authenticates it by certificate or Kerberos)",
    )
    withdraw = actions.add_parser(
        "withdraw-server-role",
        parents=[database],
        help="stop a user's role from connecting (administrators)",
    )
    withdraw.add_argument("username", metavar="USERNAME", help="the Rabta user")
    grant.set_defaults(handler=run_grant_server_role)
    withdraw.set_defaults(handler=run_withdraw_server_role)


def run_grant_server_role(args: argparse.Namespace) -> int:
    """Make (or open) the user's role on the server and tie it to them."""
    from db import store
    from db.queries.users import user_id_named
    from db.security.password_file import read_password_file
    from db.store.server_roles import grant_server_sign_in

    password = read_password_file(args.role_password_file) if args.role_password_file else None
    location = database_location(args)
    with (
        administrator_for(args, location) as signed_in,
        store.session(signed_in.opened.engine) as s,
    ):
        user_id = user_id_named(s, args.username)
        grant_server_sign_in(s, signed_in.actor, user_id, args.role, password)
    how = "with the password given" if password else "authenticated by the server"
    print(f"{args.username} now connects as the role {args.role.strip().lower()} ({how}).")
    return 0


def run_withdraw_server_role(args: argparse.Namespace) -> int:
    """Stop the user's role from connecting."""
    from db import store
    from db.queries.users import user_id_named
    from db.store.server_roles import withdraw_server_sign_in

    location = database_location(args)
    with (
        administrator_for(args, location) as signed_in,
        store.session(signed_in.opened.engine) as s,
    ):
        withdraw_server_sign_in(s, signed_in.actor, user_id_named(s, args.username))
    print(f"{args.username}'s role on the server no longer connects.")
    return 0
