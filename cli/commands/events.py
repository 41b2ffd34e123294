"""python main.py event: program events and their guest lists, from the command line
(the same work as the window's guest list and check-in screen)."""

from __future__ import annotations

import argparse

from cli.sign_in import database_location, signed_in_for


def add_commands(commands, database: argparse.ArgumentParser) -> None:
    """Add these commands to the command line."""
    event = commands.add_parser("event", help="program events and their guest lists")
    actions = event.add_subparsers(dest="event_action", metavar="ACTION", required=True)
    listed = actions.add_parser(
        "list", parents=[database], help="every program event, with its guest list's counts"
    )
    listed.add_argument("--program", type=int, metavar="ID", help="one program's events only")
    guests = actions.add_parser(
        "guests",
        parents=[database],
        help="an event's guest list; with --add-contact or --add-organization, invite first",
    )
    guests.add_argument("event_id", type=int, metavar="EVENT", help="the event's number")
    guests.add_argument(
        "--add-contact", type=int, nargs="+", default=[], metavar="ID", help="people to invite"
    )
    guests.add_argument(
        "--add-organization",
        type=int,
        nargs="+",
        default=[],
        metavar="ID",
        help="organizations whose current people are invited",
    )
    checkin = actions.add_parser(
        "checkin", parents=[database], help="check a guest in by their code or their name"
    )
    checkin.add_argument("event_id", type=int, metavar="EVENT", help="the event's number")
    checkin.add_argument("typed", metavar="CODE-OR-NAME", help="the code scanned, or a name")
    invite = actions.add_parser(
        "invite",
        parents=[database],
        help="email the invitations not sent yet, through the office's mail server",
    )
    invite.add_argument("event_id", type=int, metavar="EVENT", help="the event's number")
    invite.add_argument("--dry-run", action="store_true", help="count them, send nothing")
    invite.add_argument(
        "--mail-password-file",
        metavar="FILE",
        help="the mail account's password, when the database keeps none (a plain file or a server)",
    )
    invite.set_defaults(handler=run_event_invite)
    sheet = actions.add_parser(
        "sheet", parents=[database], help="the event's sign-in sheet as a PDF"
    )
    sheet.add_argument("event_id", type=int, metavar="EVENT", help="the event's number")
    sheet.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write")
    badges = actions.add_parser(
        "badges", parents=[database], help="name badges with QR codes on label sheets, as a PDF"
    )
    badges.add_argument("event_id", type=int, metavar="EVENT", help="the event's number")
    badges.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write")
    badges.add_argument("--paper", choices=("a4", "letter"), default="a4", help="the label sheets")
    badges.add_argument(
        "--per-sheet", type=int, choices=(8, 10), default=8, help="badges to a sheet"
    )
    printed_list = actions.add_parser(
        "guest-list", parents=[database], help="the event's guest list by status, as a PDF"
    )
    printed_list.add_argument("event_id", type=int, metavar="EVENT", help="the event's number")
    printed_list.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write")
    printed_list.set_defaults(handler=run_event_guest_list)
    sheet.set_defaults(handler=run_event_sheet)
    badges.set_defaults(handler=run_event_badges)
    listed.set_defaults(handler=run_event_list)
    guests.set_defaults(handler=run_event_guests)
    checkin.set_defaults(handler=run_event_checkin)


def _counts(summary) -> str:
    from db.foundations.labels import label_of
    from db.foundations.models import GuestStatus

    parts = [
        f"{label_of(GuestStatus, status).lower()} {count:,}"
        for status, count in summary.by_status.items()
        if count
    ]
    if not parts:
        typed = f"{summary.attendance:,}" if summary.attendance is not None else "none"
        return f"no guest list (attendance {typed}, not counted from a list)"
    return ", ".join(parts) + f"; came {summary.came:,} with companions"


def run_event_list(args: argparse.Namespace) -> int:
    """Print each event with its guest list's counts."""
    from sqlmodel import Session

    from db.queries.guests import program_events

    with signed_in_for(args) as signed_in, Session(signed_in.opened.engine) as s:
        events = program_events(s, args.program)
    if not events:
        print("No program event yet.")
    for event in events:
        shown = f"#{event.id}  {event.date.isoformat()}  {event.title} ({event.program})"
        print(f"{shown}: {_counts(event)}")
    return 0


def run_event_guests(args: argparse.Namespace) -> int:
    """Invite the people and organizations given, then print the guest list."""
    from sqlmodel import Session

    from db import store
    from db.foundations.labels import label_of
    from db.foundations.models import GuestStatus
    from db.queries.guests import event_summary, guest_list
    from db.store.guests import invite_guests

    with signed_in_for(args) as signed_in:
        engine, actor = signed_in.opened.engine, signed_in.actor
        if args.add_contact or args.add_organization:
            with store.session(engine) as s:
                added = invite_guests(
                    s,
                    actor,
                    args.event_id,
                    contact_ids=args.add_contact,
                    organization_ids=args.add_organization,
                )
            print(f"Invited {len(added):,} (the others were on the list already).")
        with Session(engine) as s:
            rows = guest_list(s, actor, args.event_id)
            summary = event_summary(s, args.event_id)
    print(f"{summary.title}, {summary.date:%d %B %Y}: {_counts(summary)}")
    for row in rows:
        why = f"  (never sent anything: {row.not_sent})" if row.not_sent else ""
        print(f"  {row.code}  {label_of(GuestStatus, row.status):<10} {row.name}{why}")
    return 0


def run_event_checkin(args: argparse.Namespace) -> int:
    """Check a guest in, or say in words why the code or name finds no one."""
    from db import store
    from db.queries.guests import guest_at_the_door
    from db.store.guests import check_in

    with signed_in_for(args) as signed_in, store.session(signed_in.opened.engine) as s:
        guest_id = guest_at_the_door(s, args.event_id, args.typed)
        done = check_in(s, signed_in.actor, guest_id)
    from datetime import UTC

    moment = (done.at if done.at.tzinfo else done.at.replace(tzinfo=UTC)).astimezone()
    if done.already:
        print(f"{done.name} was already checked in at {moment:%H:%M}.")
    else:
        print(f"{done.name}: checked in at {moment:%H:%M}.")
    return 0


def _printed(args: argparse.Namespace, **how) -> int:
    from db.foundations.labels import counted
    from reports.produce import produce_event_sheet

    with signed_in_for(args) as signed_in:
        produced = produce_event_sheet(
            signed_in.opened.engine, signed_in.actor, args.event_id, args.out, **how
        )
    print(f"Wrote {produced.path} ({counted(produced.pages, 'page')}).")
    return 0


def run_event_sheet(args: argparse.Namespace) -> int:
    """Write the event's sign-in sheet."""
    return _printed(args, kind="sheet")


def run_event_guest_list(args: argparse.Namespace) -> int:
    """Write the event's guest list by status."""
    return _printed(args, kind="guests")


def run_event_badges(args: argparse.Namespace) -> int:
    """Write the event's name badges."""
    return _printed(args, kind="badges", paper=args.paper, per_sheet=args.per_sheet)


def run_event_invite(args: argparse.Namespace) -> int:
    """Send the event's invitations (or count them), saying what happened."""
    from db.exchange.invitations import send_invitations
    from db.security.mail_password import kept_mail_password
    from db.security.password_file import read_password_file

    with signed_in_for(args) as signed_in:
        location = database_location(args)
        password = (
            read_password_file(args.mail_password_file)
            if args.mail_password_file
            else kept_mail_password(location)
        )
        sending = send_invitations(
            signed_in.opened.engine,
            signed_in.actor,
            args.event_id,
            password,
            progress=lambda done, total: print(f"… {done:,} of {total:,}"),
            dry_run=args.dry_run,
        )
    if args.dry_run:
        print(f"{sending.left:,} invitations would be sent. " + sending.summary())
        return 0
    print(sending.summary())
    return 1 if sending.stopped or sending.refused else 0
