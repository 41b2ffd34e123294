"""Rabta's entry point: no command opens the window; commands run headless.

Kept light: Qt and the reporting code are imported only by the commands that need them,
so `--version`, `--help` and headless commands start fast.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

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
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation end to end in a temporary folder",
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

    demo = commands.add_parser(
        "demo", parents=[database], help="load the demo data into a new, empty database"
    )
    demo.add_argument(
        "--scale",
        choices=("small", "large"),
        default="small",
        help="small: the realistic demo; large: a commission-wide registry "
        "(10,000 organizations, 500,000 engagements) for speed tests",
    )

    search = commands.add_parser(
        "search", parents=[database], help="find organizations, contacts, engagements and programs"
    )
    search.add_argument("text", nargs="+", help="words to find; each matches as a prefix")

    check = commands.add_parser(
        "check",
        parents=[database],
        help="check a database: integrity, references, search index, newest records",
    )
    check.add_argument("path", nargs="?", metavar="DB", help="the database file to check")
    check.add_argument(
        "--rebuild-search-index",
        action="store_true",
        help="rebuild the full-text search index from the records it indexes",
    )

    report = commands.add_parser("report", help="write a PDF report")
    kinds = report.add_subparsers(dest="report_kind", metavar="REPORT", required=True)
    quarterly = kinds.add_parser(
        "quarterly", parents=[database], help="the quarterly outreach report"
    )
    quarterly.add_argument(
        "--quarter", required=True, help="2026Q3 (calendar) or FY2026-27Q1 (fiscal, July-June)"
    )
    quarterly.add_argument(
        "--mission", default="ALL", help="a mission code such as HOU; default: all missions"
    )
    brief = kinds.add_parser(
        "brief", parents=[database], help="a one- or two-page brief on one organization"
    )
    brief.add_argument("--org", required=True, help="acronym, name or uid, e.g. APPNA")
    for sub in (quarterly, brief):
        sub.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write")
        sub.add_argument(
            "--include-confidential",
            action="store_true",
            help="include confidential engagements (supervisors only)",
        )
    return parser


def _location(args: argparse.Namespace) -> str:
    from db.engine import resolve_database_location

    chosen = getattr(args, "path", None) or getattr(args, "command_db", None) or args.db
    return resolve_database_location(chosen)


@contextmanager
def _database(location: str, *, create_missing: bool = False) -> Iterator[Engine]:
    """The migrated database's engine for one command, disposed when the command ends.

    Only `demo` creates a database; every other command refuses a path with none.
    """
    from db.migrate import open_database

    opened = open_database(location, create_missing=create_missing)
    try:
        yield opened.engine
    finally:
        opened.engine.dispose()


def _login_actor(engine: Engine):
    """The acting user for this computer's login, planned without writing anything: the
    account of a new login is created with the command's first record."""
    import getpass

    from sqlmodel import Session

    from db.store.users import find_local_actor

    with Session(engine) as s:
        return find_local_actor(s, getpass.getuser())


def _run_demo(args: argparse.Namespace) -> int:
    from db.demo import load_demo
    from db.engine import shown_location

    location = _location(args)
    with _database(location, create_missing=True) as engine:
        if args.scale == "large":
            from db.demo_large import load_large_demo

            started = time.perf_counter()
            large = load_large_demo(engine, progress=lambda step: print(f"… {step}"))
            print(
                f"Built the large registry in {shown_location(location)} in "
                f"{time.perf_counter() - started:.0f} s:"
                f" {large.organizations:,} organizations, {large.contacts:,} contacts, "
                f"{large.affiliations:,} affiliations, {large.engagements:,} engagements, "
                f"{large.programs} programs, {large.measurements:,} measurements."
            )
            return 0
        summary = load_demo(engine)
    print(
        f"Loaded the demo data into {shown_location(location)}: {summary.missions} missions, "
        f"{summary.organizations} organizations, {summary.contacts} contacts, "
        f"{summary.engagements} engagements, {summary.programs} programs."
    )
    return 0


def _run_report(args: argparse.Namespace) -> int:
    from reports.produce import produce_organization_brief, produce_quarterly_report

    with _database(_location(args)) as engine:
        actor = _login_actor(engine)
        if args.report_kind == "quarterly":
            produced = produce_quarterly_report(
                engine,
                actor,
                args.quarter,
                args.out,
                mission=args.mission,
                include_confidential=args.include_confidential,
            )
        else:
            produced = produce_organization_brief(
                engine,
                actor,
                args.org,
                args.out,
                include_confidential=args.include_confidential,
            )
    print(
        f"Wrote {produced.path} ({produced.pages} page{'' if produced.pages == 1 else 's'}, "
        f"{produced.seconds:.2f} s): "
        f"{produced.title}."
    )
    return 0


def _run_search(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from db import store
    from db.errors import ValidationError
    from db.search import search
    from db.store.readouts import record_readout
    from db.store.users import enrol_local_actor

    typed = " ".join(args.text)
    if any("\udc80" <= ch <= "\udcff" for ch in typed):
        raise ValidationError({"text": "The search text holds bytes that are not UTF-8 text."})
    with _database(_location(args)) as engine:
        actor = _login_actor(engine)
        with Session(engine) as s:
            results = search(s, typed, viewer=actor)
        hits = [hit for found in results.values() for hit in found]
        if hits:  # names and emails are personal data: printing them is a read-out
            with store.session(engine) as s:
                record_readout(
                    s,
                    enrol_local_actor(s, actor),
                    "search",
                    {"query": typed, "results": len(hits)},
                )
    if not hits:
        print(f"Nothing matches {typed!r}.")
        return 1
    for kind, found in results.items():
        if not found:
            continue
        print(f"{kind.title()}s")
        for hit in found:
            print(f"  [{hit.id}] {hit.title}" + (f" · {hit.detail}" if hit.detail else ""))
    return 0


def _run_check(args: argparse.Namespace) -> int:
    from db.engine import shown_location
    from db.health import check_database, rebuild_search_index

    location = _location(args)
    with _database(location) as engine:
        if args.rebuild_search_index:
            rebuild_search_index(engine)
            print("Rebuilt the search index from the records.")
        report = check_database(engine)
    for problem in report.problems:
        print(f"Problem: {problem}")
    for fact in report.facts:
        print(fact)
    if report.healthy:
        print(
            f"{shown_location(location)} is whole: integrity, references and search index "
            "check out."
        )
        return 0
    return 1


def run(argv: list[str] | None = None) -> int:
    """Parse the command line and run it; return the process exit code."""
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    from db.errors import RabtaError, ValidationError, explain_database_error

    args = build_parser().parse_args(argv)
    try:
        if args.self_test:
            from reports.self_test import run_self_test

            return run_self_test(sys.stdout)
        if args.command == "demo":
            return _run_demo(args)
        if args.command == "report":
            return _run_report(args)
        if args.command == "search":
            return _run_search(args)
        if args.command == "check":
            return _run_check(args)
        from desktop.data_first import import_database_libraries

        import_database_libraries()
        from desktop.app import run_window

        return run_window(_location(args), startup_probe=args.startup_probe, started_at=STARTED_AT)
    except ValidationError as error:
        for message in error.errors.values():
            print(f"rabta: {message}", file=sys.stderr)
        return 2
    except RabtaError as error:
        print(f"rabta: {error}", file=sys.stderr)
        return 2
    except (DBAPIError, sqlite3.DatabaseError) as error:
        explained = explain_database_error(error, _location(args))
        if explained is None:
            raise
        print(f"rabta: {explained}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(run())
