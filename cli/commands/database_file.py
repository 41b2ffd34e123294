"""The database file's life from the terminal: check, upgrade, audit verify, backup, restore,
rekey and encrypt. Each operation refuses in db/ those who may not run it."""

from __future__ import annotations

import argparse

from cli.sign_in import (
    administrator_for,
    database_location,
    password_of,
    signed_in_for,
)


def add_commands(commands, database: argparse.ArgumentParser) -> None:
    """Add these commands to the command line."""
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
    verify = audit_actions.add_parser(
        "verify",
        parents=[database],
        help="prove the audit chain intact, or name the first entry that was edited",
    )

    backup = commands.add_parser(
        "backup", parents=[database], help="take a backup now (administrators)"
    )
    restore = commands.add_parser(
        "restore",
        parents=[database],
        help="replace the database by a backup, keeping the replaced file (administrators)",
    )
    restore.add_argument("backup_file", metavar="FILE", help="the backup to restore")
    rekey = commands.add_parser(
        "rekey",
        parents=[database],
        help="give the encrypted database a new key, sealed for every user (administrators)",
    )
    encrypt = commands.add_parser(
        "encrypt",
        parents=[database],
        help="encrypt a database from an earlier Rabta; the plain file is kept until the "
        "encrypted copy verifies (administrators)",
    )

    check.set_defaults(handler=run_check)
    upgrade.set_defaults(handler=run_upgrade)
    verify.set_defaults(handler=run_audit_verify)
    backup.set_defaults(handler=run_backup)
    restore.set_defaults(handler=run_restore)
    rekey.set_defaults(handler=run_rekey)
    encrypt.set_defaults(handler=run_encrypt)


def run_check(args: argparse.Namespace) -> int:
    from db.database_file.health import check_database, rebuild_search_index
    from db.foundations.engine import shown_location

    location = database_location(args)
    with administrator_for(args, location) as signed_in:
        engine = signed_in.opened.engine
        if args.rebuild_search_index:
            rebuild_search_index(engine, signed_in.actor)
            print("Rebuilt the search index from the records.")
        report = check_database(engine, signed_in.actor)
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


def run_upgrade(args: argparse.Namespace) -> int:
    """Upgrade the registry's schema. On a server this needs the database owner's role,
    not a Rabta sign-in: the people's users may live in the tables being upgraded."""
    from db.database_file.migrate import head_revision, open_database
    from db.foundations.engine import shown_location

    location = database_location(args)
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


def run_audit_verify(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from db.database_file.health import chain_witnesses
    from db.database_file.witnesses import of_this_timeline, witnessed_problem
    from db.queries.audit import verify_audit_chain

    with signed_in_for(args) as signed_in, Session(signed_in.opened.engine) as s:
        chain = verify_audit_chain(s, signed_in.actor)
        witnesses = of_this_timeline(s, chain_witnesses(s, signed_in.opened.engine))
        problem = witnessed_problem(s, witnesses) if chain.intact else None
    if not chain.intact:
        print(f"The audit chain is broken: {chain.problem}.")
        print(f"Entries up to {chain.head} verify.")
        return 1
    if problem is not None:
        print(f"The audit chain is not the one its witnesses saw: {problem}.")
        return 1
    print(f"The audit chain is intact: {chain.entries:,} entries; the head is {chain.head}.")
    print(f"  {chain.signatures[0].upper()}{chain.signatures[1:]}.")
    for witness in witnesses:
        print(f"  as {witness.source} saw it (entry {witness.entry_id:,})")
    return 0


def run_backup(args: argparse.Namespace) -> int:

    from db.database_file.backups import back_up

    location = database_location(args)
    with administrator_for(args, location) as signed_in:
        path = back_up(signed_in.actor, signed_in.opened.engine, location)
    assert path is not None  # a manual backup is always taken
    print(f"Backed up to {path} ({path.stat().st_size:,} bytes).")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from db.database_file.health import check_database
    from db.database_file.restore import restore_backup
    from db.security.sign_in import sign_in

    location = database_location(args)
    with administrator_for(args, location) as signed_in:
        actor = signed_in.actor
        signed_in.opened.engine.dispose()  # the file is free while the key is still held
        restored = restore_backup(actor, location, args.backup_file, password=password_of(args))
    counts = restored.counts
    print(
        f"Restored {args.backup_file}: {counts.get('organization', 0):,} organizations, "
        f"{counts.get('contact', 0):,} contacts, {counts.get('engagement', 0):,} engagements, "
        f"{restored.audit_entries:,} audit entries. The replaced database was kept as "
        f"{restored.kept}."
    )
    restored_in = sign_in(location, actor.username, password_of(args))
    try:
        report = check_database(restored_in.opened.engine, restored_in.actor)
    finally:
        restored_in.opened.engine.dispose()
    for line in report.problems + report.facts:
        print(line)
    if report.healthy:
        print(f"The restored {location} is whole: it opens and passes the check.")
    return 0 if report.healthy else 1


def run_rekey(args: argparse.Namespace) -> int:
    from db.security.encryption import rotate_key

    location = database_location(args)
    with administrator_for(args, location) as signed_in:
        users = rotate_key(signed_in.actor, location, signed_in.opened.engine)
    print(f"The database has a new key, sealed for {users} user{'s' if users != 1 else ''}.")
    return 0


def run_encrypt(args: argparse.Namespace) -> int:
    from db.foundations.labels import counted
    from db.security.encryption import encrypt_plain_database

    location = database_location(args)
    with administrator_for(args, location) as signed_in:
        signed_in.opened.engine.dispose()
        converted = encrypt_plain_database(signed_in.actor, location, password_of(args))
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
