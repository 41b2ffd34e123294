"""python main.py copy-to: a registry copied into another database, or brought into one that
holds records."""

from __future__ import annotations

import argparse

from cli.sign_in import (
    administrator_for,
    database_location,
    password_of,
)


def add_commands(commands, database: argparse.ArgumentParser) -> None:
    """Add these commands to the command line."""
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
        "--plain",
        action="store_true",
        help="write a new file unencrypted (asks to confirm; with --yes, unattended)",
    )
    copy_to.add_argument("--yes", action="store_true", help="confirm --plain without asking")
    copy_to.add_argument(
        "--join-alike",
        action="store_true",
        help="treat each record listed as looking like one already there as that record",
    )

    copy_to.set_defaults(handler=run_copy_to)


def run_copy_to(args: argparse.Namespace) -> int:
    from pathlib import Path

    from db.database_file.migrate import open_database
    from db.foundations.engine import is_sqlite, shown_location
    from db.foundations.errors import ValidationError
    from db.registry_sync.copy import TargetHoldsRecords, copy_registry
    from db.security.sign_in import is_encrypted

    location = database_location(args)
    target = args.target if "://" in args.target else str(Path(args.target).expanduser().resolve())
    if target in (location, str(Path(location).resolve())):
        raise ValidationError({"target": "The copy must go to another database than this one."})
    with administrator_for(args, location) as signed_in:
        if is_sqlite(target) and Path(target).exists() and is_encrypted(target):
            with administrator_for(args, target) as there:  # the same administrator there
                return _bring_records_in(args, signed_in, location, there.opened.engine, target)
        if args.plain:
            _confirm_plain(args, target)
        try:
            copied = copy_registry(
                signed_in.actor,
                signed_in.opened.engine,
                target,
                progress=lambda step: print(f"… {step}"),
                plain=args.plain,
                password=password_of(args) if is_sqlite(target) and not args.plain else None,
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
    if is_sqlite(target) and args.plain:
        print(
            "The new file is not encrypted, as asked: encrypt it with "
            f"python main.py encrypt --db {target}"
        )
    elif is_sqlite(target):
        print("The new file is encrypted: the same users sign in to it with their passwords.")
    return 0


def _confirm_plain(args: argparse.Namespace, target: str) -> None:
    """A plain copy of the whole registry is written only on purpose."""
    from db.foundations.errors import ValidationError

    if args.yes:
        return
    try:
        typed = input(
            f"{target} will hold every record unencrypted, readable by anyone who has the "
            "file. Type PLAIN to go on: "
        )
    except EOFError:
        typed = ""
    if typed.strip() != "PLAIN":
        raise ValidationError({"plain": "Not confirmed; nothing was copied."})


def _bring_records_in(
    args: argparse.Namespace, signed_in, location: str, target_engine, target: str
) -> int:
    """copy-to into a registry that holds records: by uid, all or nothing."""
    from db.foundations.engine import shown_location
    from db.registry_sync.merge import LookAlikesFound, bring_into

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
