"""Rabta's entry point: no command opens the window; commands run headless.

Kept light: Qt and the reporting code are imported only by the commands that need them,
so `--version`, `--help` and headless commands start fast.
"""

from __future__ import annotations

import argparse
import sys
import time

STARTED_AT = time.perf_counter()
__version__ = "0.1.0"


def build_parser() -> argparse.ArgumentParser:
    """The command line: global --db and --version, and one subcommand per headless task."""
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
    parser.add_argument("--startup-probe", action="store_true", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", help="load the demo data into a new, empty database")
    demo.add_argument("--db", metavar="PATH", dest="command_db", help="database file to create")
    return parser


def _location(args: argparse.Namespace) -> str:
    from db.engine import resolve_database_location

    return resolve_database_location(getattr(args, "command_db", None) or args.db)


def _run_demo(args: argparse.Namespace) -> int:
    from db.demo import load_demo
    from db.migrate import open_database

    location = _location(args)
    opened = open_database(location)
    try:
        summary = load_demo(opened.engine)
    finally:
        opened.engine.dispose()
    print(
        f"Loaded the demo data into {location}: {summary.missions} missions, "
        f"{summary.organizations} organizations, {summary.contacts} contacts, "
        f"{summary.engagements} engagements, {summary.programs} programs."
    )
    return 0


def run(argv: list[str] | None = None) -> int:
    """Parse the command line and run it; return the process exit code."""
    from db.errors import RabtaError

    args = build_parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _run_demo(args)
        from desktop.app import run_window

        return run_window(_location(args), startup_probe=args.startup_probe, started_at=STARTED_AT)
    except RabtaError as error:
        print(f"rabta: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(run())
