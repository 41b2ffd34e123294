"""The command line: global options, and each group of commands from its own module
(cli/commands/), each subcommand naming its handler."""

from __future__ import annotations

import argparse

from cli.commands import (
    contacts,
    database_file,
    demo,
    events,
    exchange,
    registry_sync,
    reports,
    search,
    settings,
    users,
)
from db.foundations.release import __version__

# Each module adds its commands, in the order `--help` lists them.
COMMAND_GROUPS = (
    demo,
    search,
    database_file,
    registry_sync,
    contacts,
    events,
    settings,
    users,
    exchange,
    reports,
)


def build_parser() -> argparse.ArgumentParser:
    """The command line: global --db and --version, and one subcommand per headless task
    (each with `handler`, the function that runs it)."""
    parser = argparse.ArgumentParser(
        prog="rabta",
        description="Rabta: the diaspora engagement registry. With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"Rabta {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="database file (or a postgresql:// URL); default: $RABTA_DB, else the per-user file",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation end to end in a temporary folder",
    )
    parser.add_argument(
        "--user", metavar="NAME", dest="window_user", help="the username the window signs in as"
    )
    parser.add_argument(
        "--password-file",
        metavar="FILE",
        dest="window_password_file",
        help=argparse.SUPPRESS,  # unattended start (benchmarks): a file only you may read
    )
    parser.add_argument("--startup-probe", action="store_true", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    database = argparse.ArgumentParser(add_help=False)
    database.add_argument(
        "--db",
        metavar="PATH",
        dest="command_db",
        help="database file (overrides the --db before the command)",
    )
    database.add_argument(
        "--user", metavar="NAME", help="your username; the password is asked on the terminal"
    )
    database.add_argument(
        "--password-file",
        metavar="FILE",
        help="for unattended use: a file only you may read, holding the password",
    )
    for group in COMMAND_GROUPS:
        group.add_commands(commands, database)
    return parser
