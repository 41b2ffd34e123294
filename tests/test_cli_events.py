"""`python main.py event` as a user runs it: list the events, invite people and an
organization's people, check a guest in by the code their badge carries, a second scan,
and a code of another event said in words (exit 2, nothing changed)."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from db import store
from db.database_file.migrate import open_database
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.models import Contact, EventGuest, Organization
from db.store.programs import add_event, create_program
from tests.conftest import TEST_PASSWORD, ensure_user
from tests.test_cli import password_file, rabta


def test_invite_list_and_check_in_from_the_command_line(tmp_path, demo_path):
    ensure_user(demo_path, "c.officer")
    opened = open_database(str(demo_path))
    with store.session(opened.engine) as s:
        program = create_program(
            s, SYSTEM_ACTOR, {"name": "Pakistan Day 2027", "kind": "cultural_festival"}
        )
        reception = add_event(
            s, SYSTEM_ACTOR, program, {"date": "2027-03-23", "title": "Reception"}
        )
        other = add_event(s, SYSTEM_ACTOR, program, {"date": "2027-03-24", "title": "Mela"})
        people = [str(i) for i in s.exec(select(Contact.id).order_by(Contact.id).limit(2)).all()]
        organization = str(s.exec(select(Organization.id).order_by(Organization.id)).first())
    opened.engine.dispose()
    signed = (
        "--db",
        str(demo_path),
        "--user",
        "c.officer",
        "--password-file",
        password_file(tmp_path, TEST_PASSWORD),
    )
    invited = rabta(
        "event",
        "guests",
        str(reception),
        "--add-contact",
        *people,
        "--add-organization",
        organization,
        *signed,
    )
    assert invited.returncode == 0, invited.stderr
    assert invited.stdout.startswith("Invited ")
    codes = re.findall(r"RABTA-G-[A-Z0-9]{8}", invited.stdout)
    assert len(codes) >= 2
    rabta("event", "guests", str(other), "--add-contact", people[0], *signed)
    listed = rabta("event", "list", *signed)
    assert (
        f"#{reception}  2027-03-23  Reception (Pakistan Day 2027): invited {len(codes)}"
        in listed.stdout
    )
    first = rabta("event", "checkin", str(reception), codes[0], *signed)
    assert first.returncode == 0 and ": checked in at " in first.stdout
    again = rabta("event", "checkin", str(reception), codes[0], *signed)
    assert again.returncode == 0 and "was already checked in at" in again.stdout
    reading = open_database(str(demo_path))
    with Session(reading.engine) as s:
        other_code = s.exec(select(EventGuest.code).where(EventGuest.event_id == other)).one()
    reading.engine.dispose()
    wrong = rabta("event", "checkin", str(reception), f"RABTA-G-{other_code}", *signed)
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert "This code is for Mela on 24 March 2027, not this event." in wrong.stderr


def test_the_mail_password_is_kept_sealed_and_invitations_go_out(tmp_path):
    """`settings email` keeps the mail password sealed in the keys file (not in the
    settings, not readable in the file), it survives a new database key, and `event
    invite` sends through it to a real mail server that checks it."""
    from aiosmtpd.smtp import AuthResult

    from db.foundations.engine import forget_database_key
    from db.security.keyring import keyring_path
    from tests.exchange.test_invitations import Inbox, _serve

    target = tmp_path / "rabta.db"
    signed = ("--db", str(target), "--user", "admin", "--password-file", password_file(tmp_path))
    assert rabta("demo", *signed).returncode == 0
    mail_password = tmp_path / "mail.txt"
    mail_password.write_text("s3cret mail password\n")
    mail_password.chmod(0o600)

    def only_the_right_password(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=auth_data.password == b"s3cret mail password")

    inbox = Inbox()
    controller = _serve(inbox, authenticator=only_the_right_password, auth_require_tls=False)
    try:
        kept = rabta(
            "settings", "email", "--host", "127.0.0.1", "--port", str(controller.port),
            "--security", "none", "--mail-user", "events", "--sender", "events@example.org",
            "--per-minute", "0", "--mail-password-file", str(mail_password), *signed,
        )  # fmt: skip
        assert kept.returncode == 0, kept.stderr
        assert "password kept sealed in the keys file" in kept.stdout
        assert "s3cret" not in keyring_path(target).read_text()
        rekeyed = rabta("rekey", *signed)  # a new database key
        assert rekeyed.returncode == 0, rekeyed.stderr
        listed = rabta("event", "list", *signed)
        (reception,) = re.findall(r"#(\d+)  \S+  Pakistan Day reception", listed.stdout)[:1]
        dry = rabta("event", "invite", reception, "--dry-run", *signed)
        assert dry.returncode == 0 and "invitations would be sent" in dry.stdout
        sent = rabta("event", "invite", reception, *signed)
    finally:
        controller.stop()
    assert sent.returncode == 0, sent.stderr + sent.stdout
    assert sent.stdout.splitlines()[-1].startswith("Invitations: ")
    assert len(inbox.received) == int(re.search(r"(\d+) sent", sent.stdout).group(1)) > 0
    forget_database_key(str(target))
    raw = (tmp_path / "rabta.db").read_bytes()
    assert b"s3cret" not in raw
