"""python main.py settings: the installation's settings that have a command of their own
(the mail server, for invitations)."""

from __future__ import annotations

import argparse

from cli.sign_in import administrator_for, database_location


def add_commands(commands, database: argparse.ArgumentParser) -> None:
    """Add these commands to the command line."""
    settings = commands.add_parser("settings", help="the installation's settings")
    actions = settings.add_subparsers(dest="settings_action", metavar="SETTING", required=True)
    email = actions.add_parser(
        "email",
        parents=[database],
        help="the office's mail server for invitations (administrators)",
    )
    email.add_argument("--host", required=True, help="the mail server, e.g. smtp.example.org")
    email.add_argument("--port", type=int, default=587, help="its port (587 for starttls)")
    email.add_argument(
        "--security", choices=("starttls", "ssl", "none"), default="starttls", help="the connection"
    )
    email.add_argument("--mail-user", default="", help="the mail account's user name")
    email.add_argument(
        "--mail-password-file",
        metavar="FILE",
        help="a file only you may read, holding the mail account's password (kept sealed "
        "in the keys file of an encrypted database, never in the settings)",
    )
    email.add_argument("--sender", required=True, help="the From address of invitations")
    email.add_argument("--reply-to", default="", help="where replies go, if not the sender")
    email.add_argument(
        "--per-minute",
        type=int,
        default=30,
        help="at most this many messages a minute (0: no limit)",
    )
    email.set_defaults(handler=run_settings_email)


def run_settings_email(args: argparse.Namespace) -> int:
    """Save the mail server's settings, and keep its password sealed."""
    from db import store
    from db.security.mail_password import keep_mail_password
    from db.security.password_file import read_password_file
    from db.store.settings import set_setting

    mail_password = read_password_file(args.mail_password_file) if args.mail_password_file else None
    location = database_location(args)
    with administrator_for(args, location) as signed_in:
        with store.session(signed_in.opened.engine) as s:
            for key, value in (
                ("email_host", args.host),
                ("email_port", str(args.port)),
                ("email_security", args.security),
                ("email_user", args.mail_user),
                ("email_sender", args.sender),
                ("email_reply_to", args.reply_to),
                ("email_per_minute", str(args.per_minute)),
            ):
                set_setting(s, signed_in.actor, key, value)
        if mail_password is not None:
            keep_mail_password(location, mail_password)
    kept = " and its password kept sealed in the keys file" if mail_password else ""
    print(f"Invitations go through {args.host}:{args.port} ({args.security}){kept}.")
    return 0
