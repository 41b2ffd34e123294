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
    from db.security.sign_in import SignedIn

from db.private_files import keep_new_files_private
from db.release import __version__

STARTED_AT = time.perf_counter()


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

    copy_to = commands.add_parser(
        "copy-to",
        parents=[database],
        help="copy the registry (administrators) into another database: a laptop's file "
        "into the commission's server or back; into one that holds records, by uid, newer "
        "copies winning and look-alike records listed for a person to decide",
    )
    copy_to.add_argument(
        "target", metavar="TARGET", help="a postgresql+psycopg:// URL or a file's path"
    )
    copy_to.add_argument(
        "--join-alike",
        action="store_true",
        help="treat each record listed as looking like one already there as that record",
    )

    upgrade = commands.add_parser(
        "upgrade",
        parents=[database],
        help="bring a shared registry on a server to this Rabta's schema, after a pg_dump "
        "(database administrators; a file upgrades itself when opened)",
    )
    upgrade.add_argument(
        "--backup-taken",
        action="store_true",
        help="a backup of the server's registry was taken by hand; do not run pg_dump",
    )

    audit = commands.add_parser("audit", help="the audit log")
    audit_actions = audit.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    audit_actions.add_parser(
        "verify",
        parents=[database],
        help="prove the audit chain intact, or name the first entry that was edited",
    )

    commands.add_parser("backup", parents=[database], help="take a backup now (administrators)")
    restore = commands.add_parser(
        "restore",
        parents=[database],
        help="replace the database by a backup, keeping the replaced file (administrators)",
    )
    restore.add_argument("backup_file", metavar="FILE", help="the backup to restore")
    commands.add_parser(
        "rekey",
        parents=[database],
        help="give the encrypted database a new key, sealed for every user (administrators)",
    )
    commands.add_parser(
        "encrypt",
        parents=[database],
        help="encrypt a database from an earlier Rabta; the plain file is kept until the "
        "encrypted copy verifies (administrators)",
    )

    contact = commands.add_parser("contact", help="people's rights over their data")
    contact_actions = contact.add_subparsers(dest="contact_action", metavar="ACTION", required=True)
    export = contact_actions.add_parser(
        "export",
        parents=[database],
        help="everything held about a person, as a PDF and JSON (administrators)",
    )
    export.add_argument("contact_id", type=int, metavar="ID", help="the contact's number")
    export.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write")
    erase = contact_actions.add_parser(
        "erase",
        parents=[database],
        help="erase a person's data at their request, keeping an anonymous row (administrators)",
    )
    erase.add_argument("contact_id", type=int, metavar="ID", help="the contact's number")
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    contact_actions.add_parser(
        "review",
        parents=[database],
        help="people held longer than the review period without an engagement (supervisors)",
    )

    export_list = commands.add_parser(
        "export",
        parents=[database],
        help="write a list to CSV, Excel (.xlsx), vCard (.vcf) or iCalendar (.ics)",
    )
    export_list.add_argument(
        "kind",
        choices=("organizations", "contacts", "affiliations", "engagements", "programs"),
        help="the list; engagements and programs as .ics hold open follow-ups and events",
    )
    export_list.add_argument("--out", required=True, metavar="FILE", help="where to write")
    export_list.add_argument(
        "--filter", default="", metavar="WORDS", help="only what these words find, as in a list"
    )
    export_list.add_argument(
        "--include-withheld",
        action="store_true",
        help="include people who asked not to be contacted or refused consent in a list of "
        "people (their email and phone stay withheld)",
    )

    import_file = commands.add_parser(
        "import",
        parents=[database],
        help="bring a CSV or Excel list into the registry, all rows or none",
    )
    import_file.add_argument("file", metavar="FILE", help="a .csv, .txt or .xlsx file")
    import_file.add_argument(
        "--as",
        dest="kind",
        required=True,
        choices=("organizations", "contacts", "engagements", "affiliations"),
        help="what the rows are",
    )
    import_file.add_argument(
        "--mapping", metavar="M.json", help="a saved mapping of columns to fields"
    )
    import_file.add_argument(
        "--save-mapping", metavar="M.json", help="keep the mapping used, to reuse"
    )
    import_file.add_argument(
        "--dry-run", action="store_true", help="check every row and write nothing"
    )
    import_file.add_argument(
        "--on-match",
        choices=("skip", "update", "add"),
        default="skip",
        help="rows that look like a record already there: skip them (default), update "
        "that record, or add them as new",
    )
    import_file.add_argument(
        "--keep-good-rows",
        action="store_true",
        help="import the rows without a problem and keep the others in FILE.problems.csv "
        "to fix (default: all rows or none)",
    )
    import_file.add_argument(
        "--mission",
        metavar="CODE",
        help="an engagement log's mission for every row (a consulate's own log)",
    )
    import_file.add_argument(
        "--officer",
        metavar="NAME",
        help="an engagement log's officer for every row (username or full name)",
    )
    import_file.add_argument(
        "--day-first",
        action="store_true",
        help="dates like 03/04/2026 are 3 April (default: March 4, as US offices write)",
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
    handover = kinds.add_parser(
        "handover",
        parents=[database],
        help="the handover dossier of an officer leaving a post, or of a mission",
    )
    leaving = handover.add_mutually_exclusive_group(required=True)
    leaving.add_argument("--officer", metavar="NAME", help="username or full name")
    leaving.add_argument("--mission", metavar="CODE", help="a mission code such as HOU")
    handover.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write")
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


def _password(args: argparse.Namespace, *, new: bool = False) -> str:
    """The password from --password-file, else asked on the terminal (twice for a new one)."""
    import getpass

    from db.security.password_file import read_password_file

    if getattr(args, "typed_password", None):  # asked once per command
        return args.typed_password
    password_file = getattr(args, "password_file", None) or args.window_password_file
    if password_file:
        password = read_password_file(password_file)
    else:
        from db.errors import ValidationError

        try:
            password = getpass.getpass(f"Password for {_username(args)}: ")
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


def _username(args: argparse.Namespace) -> str:
    from db.errors import ValidationError

    username = getattr(args, "user", None) or getattr(args, "window_user", None)
    if not username:
        raise ValidationError({"user": "Say who you are: add --user YOUR-USERNAME."})
    return username


@contextmanager
def _signed_in(args: argparse.Namespace, location: str | None = None) -> Iterator[SignedIn]:
    """Sign in as --user for one command; the engine is disposed when the command ends."""
    from db.engine import forget_database_key
    from db.security.sign_in import sign_in

    location = location or _location(args)
    username = _username(args)
    signed_in = sign_in(location, username, _password(args))
    try:
        yield signed_in
    finally:
        signed_in.opened.engine.dispose()
        forget_database_key(location)


@contextmanager
def _administrator(
    args: argparse.Namespace, location: str, *, may_create: bool = False
) -> Iterator[SignedIn]:
    """Signed in as an administrator; with `may_create`, a new database (or one from an
    earlier Rabta, where no one had a password) gets --user as its first one."""
    from db.engine import forget_database_key
    from db.errors import PermissionDenied
    from db.security.sign_in import create_first_administrator, needs_first_administrator

    if may_create and needs_first_administrator(location):
        username = _username(args)
        signed_in = create_first_administrator(
            location, username, username, _password(args, new=True)
        )  # an empty file stays refused: only the window makes one a database, after asking
        try:
            yield signed_in
        finally:
            signed_in.opened.engine.dispose()
            forget_database_key(location)
        return
    with _signed_in(args, location) as signed_in:
        if signed_in.actor.role != "admin":
            raise PermissionDenied(
                f"Only an administrator can do this; {signed_in.actor.username} is not one."
            )
        yield signed_in


def _run_demo(args: argparse.Namespace) -> int:
    from db.demo import load_demo
    from db.engine import shown_location

    location = _location(args)
    with _administrator(args, location, may_create=True) as signed_in:
        engine = signed_in.opened.engine
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
    from reports.produce import (
        produce_handover_dossier,
        produce_organization_brief,
        produce_quarterly_report,
    )

    with _signed_in(args) as signed_in:
        engine, actor = signed_in.opened.engine, signed_in.actor
        if args.report_kind == "quarterly":
            produced = produce_quarterly_report(
                engine,
                actor,
                args.quarter,
                args.out,
                mission=args.mission,
                include_confidential=args.include_confidential,
            )
        elif args.report_kind == "handover":
            produced = produce_handover_dossier(
                engine, actor, args.out, officer=args.officer, mission=args.mission
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


def _run_export(args: argparse.Namespace) -> int:
    from db.exchange.exports import default_filter, export_list

    with _signed_in(args) as signed_in:
        engine, actor = signed_in.opened.engine, signed_in.actor
        exported = export_list(
            engine,
            actor,
            args.kind,
            args.out,
            default_filter(args.kind, actor, args.filter),
            include_withheld=args.include_withheld,
        )
    print(
        f"Wrote {exported.rows:,} {'entries' if exported.format == 'icalendar' else 'rows'} "
        f"of {args.kind} to {exported.path}."
    )
    if exported.left_out:
        print(
            f"Left out {exported.left_out:,} people who asked not to be contacted or refused "
            "consent; --include-withheld includes them."
        )
    return 0


def _run_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from db.errors import ValidationError
    from db.exchange.imports import run_import, write_problem_file
    from db.exchange.mapping import load_mapping, suggest_mapping
    from db.exchange.sources import open_source
    from db.labels import counted

    source = open_source(args.file)
    if args.mapping:
        mapping = load_mapping(args.mapping, args.kind)
        mapping.day_first = mapping.day_first or args.day_first
    else:
        mapping = suggest_mapping(args.kind, source.headers, day_first=args.day_first)
    for name in ("mission", "officer"):
        if getattr(args, name):
            if args.kind != "engagements":
                raise ValidationError({name: f"--{name} gives every row of an engagement log."})
            mapping.every_row[name] = getattr(args, name)
    for header in source.headers:
        target = mapping.columns.get(header)
        print(f"  {header} → {target or '(left out)'}")
    if args.save_mapping:
        mapping.save(args.save_mapping)
        print(f"Kept the mapping in {args.save_mapping}.")
    with _signed_in(args) as signed_in:
        outcome = run_import(
            signed_in.opened.engine,
            signed_in.actor,
            source,
            mapping,
            commit=not args.dry_run,
            on_match=args.on_match,
            progress=lambda n: print(f"… {n:,} rows", flush=True),
            keep_good_rows=args.keep_good_rows,
        )
    for match in outcome.matches[:20]:
        print(
            f"Row {match.row} looks like {match.record!r} (#{match.record_id}, {match.why}): "
            f"{match.decision}."
        )
    if len(outcome.matches) > 20:
        print(f"… and {len(outcome.matches) - 20:,} more rows like records already there.")
    for warning in outcome.warnings[:20]:
        print(f"Row {warning.row}: {warning.reason}")
    if outcome.problems:
        for problem in outcome.problems[:20]:
            column = f", {problem.column}" if problem.column else ""
            print(f"{problem.where}{column}: {problem.reason}")
        problems_file = Path(args.file).with_name(Path(args.file).stem + ".problems.csv")
        written = write_problem_file(source, outcome, problems_file)
        refused = outcome.rows_with_problems
        if outcome.committed:
            print(
                f"Added {outcome.created:,} and updated "
                f"{counted(outcome.updated, args.kind[:-1], args.kind)}; "
                f"{counted(refused, 'row was', 'rows were')} left out and kept in "
                f"{problems_file} with what is wrong, to fix and import again."
            )
            return 1
        print(
            f"Nothing was imported: {refused:,} of {outcome.rows:,} rows "
            f"{'has a problem' if refused == 1 else 'have problems'}. "
            f"{'That row' if written == 1 else f'The {written:,} rows'} and what is wrong "
            f"{'with it' if written == 1 else 'with each'} are in {problems_file}; fix them "
            "there and import that file."
        )
        return 1
    verb = "Would add" if args.dry_run else "Added"
    print(
        f"{verb} {outcome.created:,} and {'would update' if args.dry_run else 'updated'} "
        f"{counted(outcome.updated, args.kind[:-1], args.kind)} from "
        f"{counted(outcome.rows, 'row')}; {outcome.skipped:,} skipped as already there."
        + (" Nothing was written (dry run)." if args.dry_run else "")
    )
    return 0


def _run_search(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from db import store
    from db.errors import ValidationError
    from db.search import count_matches, search
    from db.store.readouts import record_readout

    typed = " ".join(args.text)
    if any("\udc80" <= ch <= "\udcff" for ch in typed):
        raise ValidationError({"text": "The search text holds bytes that are not UTF-8 text."})
    with _signed_in(args) as signed_in:
        engine, actor = signed_in.opened.engine, signed_in.actor
        with Session(engine) as s:
            results = search(s, typed, viewer=actor)
            counts = count_matches(s, typed, viewer=actor)
        hits = [hit for found in results.values() for hit in found]
        if hits:  # names and emails are personal data: printing them is a read-out
            with store.session(engine) as s:
                record_readout(
                    s,
                    actor,
                    "search",
                    {"query": typed, "results": len(hits)},
                )
    if not hits:
        print(f"Nothing matches {typed!r}.")
        return 1
    for kind, found in results.items():
        if not found:
            continue
        print(f"{kind.title()}s ({counts[kind].of(len(found))})")
        for hit in found:
            print(f"  [{hit.id}] {hit.title}" + (f" · {hit.detail}" if hit.detail else ""))
        left_out = counts[kind].total - len(found)
        if left_out > 0 or counts[kind].more:
            more = "more than " if counts[kind].more else ""
            print(
                f"  … {more}{left_out:,} more left out; all of them: "
                f"rabta export {kind}s --filter {typed!r} --out FILE"
            )
    return 0


def _run_check(args: argparse.Namespace) -> int:
    from db.engine import shown_location
    from db.health import check_database, rebuild_search_index

    location = _location(args)
    with _administrator(args, location) as signed_in:
        engine = signed_in.opened.engine
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


def _run_copy_to(args: argparse.Namespace) -> int:
    from pathlib import Path

    from db.engine import is_sqlite, shown_location
    from db.errors import ValidationError
    from db.migrate import open_database
    from db.registry_copy import TargetHoldsRecords, copy_registry
    from db.security.sign_in import is_encrypted

    location = _location(args)
    target = args.target if "://" in args.target else str(Path(args.target).expanduser().resolve())
    if target in (location, str(Path(location).resolve())):
        raise ValidationError({"target": "The copy must go to another database than this one."})
    with _administrator(args, location) as signed_in:
        if is_sqlite(target) and Path(target).exists() and is_encrypted(target):
            with _administrator(args, target) as there:  # the same administrator there
                return _bring_records_in(args, signed_in, location, there.opened.engine, target)
        try:
            copied = copy_registry(
                signed_in.opened.engine, target, progress=lambda step: print(f"… {step}")
            )
        except TargetHoldsRecords:
            opened = open_database(target)
            try:
                return _bring_records_in(args, signed_in, location, opened.engine, target)
            finally:
                opened.engine.dispose()
    for table in copied.tables:
        print(f"  {table.name}: {table.rows:,} rows, sha256 {table.sha256[:12]}")
    print(
        f"Copied {copied.rows:,} rows from {shown_location(location)} into {copied.target}; "
        "every table was read back and matches."
    )
    if is_sqlite(target):
        print(
            "The new file is not encrypted yet: encrypt it now with "
            f"python main.py encrypt --db {target}"
        )
    return 0


def _bring_records_in(
    args: argparse.Namespace, signed_in, location: str, target_engine, target: str
) -> int:
    """copy-to into a registry that holds records: by uid, all or nothing."""
    from db.engine import shown_location
    from db.registry_merge import LookAlikesFound, bring_into

    print("… The target holds records: bringing these in by uid, newer copies winning.")
    try:
        brought = bring_into(
            signed_in.opened.engine,
            target_engine,
            shown_location(target),
            source_shown=shown_location(location),
            username=signed_in.actor.username,
            join_alike=args.join_alike,
            progress=lambda step: print(f"… {step}"),
        )
    except LookAlikesFound as refused:
        print("These records look like ones already there (same name or email, another uid):")
        for pair in refused.pairs:
            print(f"  {pair.table}: {pair.source}  ~  {pair.target} (#{pair.target_id} there)")
        print("To treat each listed pair as one record, copy again with --join-alike.")
        raise
    for table in brought.tables:
        if table.added or table.updated or table.joined:
            print(
                f"  {table.name}: {table.added:,} added, {table.updated:,} updated, "
                f"{table.joined:,} joined, {table.kept:,} kept"
            )
    print(
        f"Brought {brought.added:,} new and {brought.updated:,} newer rows from "
        f"{shown_location(location)} into {brought.target}; every row written was read back "
        "and matches. Users new to the target arrive deactivated: an administrator there "
        "lets them in."
    )
    return 0


def _run_upgrade(args: argparse.Namespace) -> int:
    """Upgrade the registry's schema. On a server this needs the database owner's role,
    not a Rabta sign-in: the people's users may live in the tables being upgraded."""
    from db.engine import shown_location
    from db.migrate import head_revision, open_database

    location = _location(args)
    opened = open_database(
        location,
        create_missing=False,
        upgrade_server=True,
        server_backup_taken=args.backup_taken,
    )
    opened.engine.dispose()
    shown = shown_location(location)
    if opened.upgraded_from is None:
        print(f"{shown} is at schema version {head_revision()}; there is nothing to upgrade.")
        return 0
    copy = f" The copy taken before is {opened.backup_path}." if opened.backup_path else ""
    print(
        f"Upgraded {shown} from schema version {opened.upgraded_from} to {head_revision()}." + copy
    )
    return 0


def _run_audit(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from db.queries.audit import verify_audit_chain

    with _signed_in(args) as signed_in:
        if not signed_in.actor.sees_confidential:
            from db.errors import PermissionDenied

            raise PermissionDenied("Only supervisors and administrators may verify the audit log.")
        with Session(signed_in.opened.engine) as s:
            chain = verify_audit_chain(s)
    if chain.intact:
        print(f"The audit chain is intact: {chain.entries:,} entries; the head is {chain.head}.")
        return 0
    print(f"The audit chain is broken: {chain.problem}.")
    print(f"Entries up to {chain.head} verify.")
    return 1


def _run_backup(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from db.backups import backup_folder, prune_backups, take_backup
    from db.store.settings import get_setting

    location = _location(args)
    with _administrator(args, location) as signed_in:
        with Session(signed_in.opened.engine) as s:
            folder = backup_folder(location, get_setting(s, "backup_folder"))
        path = take_backup(location, folder, kind="manual")
        prune_backups(location, folder)
    print(f"Backed up to {path} ({path.stat().st_size:,} bytes).")
    return 0


def _run_restore(args: argparse.Namespace) -> int:
    from db.backups import restore_backup
    from db.health import check_database
    from db.security.sign_in import sign_in

    location = _location(args)
    with _administrator(args, location) as signed_in:
        username = signed_in.actor.username
    kept = restore_backup(location, args.backup_file)
    print(f"Restored {args.backup_file}; the replaced database was kept as {kept}.")
    restored = sign_in(location, username, _password(args))
    try:
        report = check_database(restored.opened.engine)
    finally:
        restored.opened.engine.dispose()
    for line in report.problems + report.facts:
        print(line)
    if report.healthy:
        print(f"The restored {location} is whole: it opens and passes the check.")
    return 0 if report.healthy else 1


def _run_rekey(args: argparse.Namespace) -> int:
    from db.security.encryption import rotate_key

    location = _location(args)
    with _administrator(args, location) as signed_in:
        users = rotate_key(location, signed_in.opened.engine)
    print(f"The database has a new key, sealed for {users} user{'s' if users != 1 else ''}.")
    return 0


def _run_encrypt(args: argparse.Namespace) -> int:
    from db.labels import counted
    from db.security.encryption import encrypt_plain_database

    location = _location(args)
    with _administrator(args, location) as signed_in:
        username = signed_in.actor.username
        signed_in.opened.engine.dispose()
        converted = encrypt_plain_database(location, username, _password(args))
    print(
        f"{location} is encrypted now; "
        f"{counted(converted.backups, 'backup was', 'backups were')} encrypted too. "
        + (
            f"{counted(len(converted.need_password), 'user needs', 'users need')} a password "
            "reset by an "
            f"administrator before they can sign in: {', '.join(converted.need_password)}."
            if converted.need_password
            else ""
        )
    )
    return 0


def _run_contact(args: argparse.Namespace) -> int:
    from datetime import date

    from sqlmodel import Session

    from db import store
    from db.labels import counted
    from db.queries.subject_access import contacts_due_for_review
    from db.store.erasure import erase_contact
    from db.store.settings import get_setting
    from reports.produce import produce_subject_access

    with _signed_in(args) as signed_in:
        engine, actor = signed_in.opened.engine, signed_in.actor
        if args.contact_action == "export":
            produced = produce_subject_access(engine, actor, args.contact_id, args.out)
            print(
                f"Wrote {produced.path} ({counted(produced.pages, 'page')}) and its JSON beside it."
            )
            return 0
        if args.contact_action == "review":
            with Session(engine) as s:
                years = int(get_setting(s, "review_after_years"))
                total, due = contacts_due_for_review(s, actor, today=date.today(), years=years)
            print(
                f"{counted(total, 'contact')} held with no engagement in the last "
                f"{counted(years, 'year')}."
            )
            for row in due:
                last = row.last_engagement.isoformat() if row.last_engagement else "never"
                print(f"  [{row.contact_id}] {row.name} · last engagement {last}")
            return 0
        if not args.yes:
            typed = input(
                f"Erase contact {args.contact_id}? This cannot be undone. "
                "Type the contact's number to confirm: "
            )
            if typed.strip() != str(args.contact_id):
                print("Nothing was erased.")
                return 1
        with store.session(engine) as s:
            erased = erase_contact(s, actor, args.contact_id)
    print(
        f"Erased contact {erased.contact_id}: {erased.engagements_scrubbed} engagement(s) no "
        f"longer name them, {erased.audit_entries_redacted} audit entr(y/ies) redacted. "
        "Backups taken before today still hold them until they age out."
    )
    return 0


def run(argv: list[str] | None = None) -> int:
    """Parse the command line and run it; return the process exit code."""
    from sqlalchemy.exc import DBAPIError

    from db.errors import SQLITE_ERRORS, RabtaError, ValidationError, explain_database_error

    keep_new_files_private()
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
        if args.command == "upgrade":
            return _run_upgrade(args)
        if args.command == "copy-to":
            return _run_copy_to(args)
        if args.command == "audit":
            return _run_audit(args)
        if args.command == "contact":
            return _run_contact(args)
        if args.command in ("backup", "restore", "rekey", "encrypt", "export", "import"):
            return globals()[f"_run_{args.command}"](args)
        from desktop.data_first import import_database_libraries

        import_database_libraries()
        from desktop.app import run_window

        unattended = None
        if args.window_password_file:
            unattended = (_username(args), _password(args))
        return run_window(
            _location(args),
            username=args.window_user,
            unattended=unattended,
            startup_probe=args.startup_probe,
            started_at=STARTED_AT,
        )
    except ValidationError as error:
        for message in error.errors.values():
            print(f"rabta: {message}", file=sys.stderr)
        return 2
    except RabtaError as error:
        print(f"rabta: {error}", file=sys.stderr)
        return 2
    except (DBAPIError, *SQLITE_ERRORS) as error:
        explained = explain_database_error(error, _location(args))
        if explained is None:
            raise
        print(f"rabta: {explained}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(run())
