"""python main.py contact: people's rights over their data (export, erase, review)."""

from __future__ import annotations

import argparse

from cli.sign_in import (
    signed_in_for,
)
from db.foundations import clock


def add_commands(commands, database: argparse.ArgumentParser) -> None:
    """Add these commands to the command line."""
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
    review = contact_actions.add_parser(
        "review",
        parents=[database],
        help="people held longer than the review period without an engagement (supervisors)",
    )

    export.set_defaults(handler=run_contact_export)
    erase.set_defaults(handler=run_contact_erase)
    review.set_defaults(handler=run_contact_review)


def run_contact_export(args: argparse.Namespace) -> int:
    """Write everything held about a person as a PDF, with its JSON beside it."""
    from db.foundations.labels import counted
    from reports.produce import produce_subject_access

    with signed_in_for(args) as signed_in:
        engine, actor = signed_in.opened.engine, signed_in.actor
        produced = produce_subject_access(engine, actor, args.contact_id, args.out)
    print(f"Wrote {produced.path} ({counted(produced.pages, 'page')}) and its JSON beside it.")
    return 0


def run_contact_review(args: argparse.Namespace) -> int:
    """List the people held longer than the review period without an engagement."""

    from sqlmodel import Session

    from db.foundations.labels import counted
    from db.queries.subject_access import contacts_due_for_review
    from db.rules.settings import read_settings

    with signed_in_for(args) as signed_in, Session(signed_in.opened.engine) as s:
        years = read_settings(s).review_after_years
        total, due = contacts_due_for_review(s, signed_in.actor, today=clock.today(), years=years)
    print(
        f"{counted(total, 'contact')} held with no engagement in the last {counted(years, 'year')}."
    )
    for row in due:
        last = row.last_engagement.isoformat() if row.last_engagement else "never"
        print(f"  [{row.contact_id}] {row.name} · last engagement {last}")
    return 0


def run_contact_erase(args: argparse.Namespace) -> int:
    """Erase a person's data at their request, after they confirm (or --yes)."""
    from db import store
    from db.store.erasure import erase_contact, erasure_summary

    with signed_in_for(args) as signed_in:
        if not args.yes:
            typed = input(
                f"Erase contact {args.contact_id}? This cannot be undone. "
                "Type the contact's number to confirm: "
            )
            if typed.strip() != str(args.contact_id):
                print("Nothing was erased.")
                return 1
        with store.session(signed_in.opened.engine) as s:
            erased = erase_contact(s, signed_in.actor, args.contact_id)
    print(erasure_summary(erased))
    return 0
