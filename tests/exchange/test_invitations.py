"""Invitations by email, through a real mail server started in the test (aiosmtpd): what
it receives (From, Reply-To, Date, Message-ID, a UTF-8 subject and body with Urdu, the
iCalendar invitation); a server that refuses every third message; one that drops the
connection mid-batch, and the batch resumed without sending anyone twice; a refused
login, a certificate this computer does not trust and a server that never answers, each
one sentence with nobody marked sent; the mail password kept sealed in the keys file."""

from __future__ import annotations

import datetime as dt
import email
import re
import socket
import ssl
import threading
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlmodel import Session, select

from db import store
from db.exchange import invitations
from db.exchange.invitations import send_invitations
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.errors import ValidationError
from db.foundations.models import AuditEntry, EventGuest
from db.store.contacts import create_contact
from db.store.guests import invite_guests
from db.store.programs import add_event, create_program
from db.store.settings import set_setting

SENDER = "events@consulate.example.org"


class Inbox:
    """What the test's mail server received; it refuses every `refuse_every`-th message
    and drops the connection at message `drop_at` (counted from 1) when told."""

    def __init__(self, refuse_every: int = 0, drop_at: int = 0):
        self.received: list[email.message.EmailMessage] = []
        self.refuse_every, self.drop_at, self.seen = refuse_every, drop_at, 0

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.drop_at and self.seen == self.drop_at:
            server.transport.close()
            return "421 closing"
        if self.refuse_every and self.seen % self.refuse_every == 0:
            return "550 5.1.1 Mailbox unavailable"
        self.received.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _serve(inbox: Inbox, **options) -> Controller:
    """The mail server on a free port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=free, **options)
    controller.start()
    return controller


@pytest.fixture
def reception(engine, geography):
    """A reception with six guests: four to be sent an invitation, one who asked not to
    be contacted and one with no email."""
    with store.session(engine) as s:
        people = [
            create_contact(
                s,
                SYSTEM_ACTOR,
                {
                    "given_name": name,
                    "family_name": "Qureshi",
                    "email": f"{name.lower()}@example.org",
                },
            )
            for name in ("Sana", "Bilal", "Hina", "Omar")
        ]
        people.append(
            create_contact(
                s,
                SYSTEM_ACTOR,
                {"given_name": "Nadia", "email": "nadia@example.org", "do_not_contact": True},
            )
        )
        people.append(create_contact(s, SYSTEM_ACTOR, {"given_name": "Kashif"}))
        program = create_program(
            s, SYSTEM_ACTOR, {"name": "Pakistan Day 2027", "kind": "cultural_festival"}
        )
        event = add_event(
            s,
            SYSTEM_ACTOR,
            program,
            {"date": "2027-03-23", "title": "Pakistan Day reception", "venue": "Embassy hall"},
        )
        invite_guests(s, SYSTEM_ACTOR, event, contact_ids=people)
    return event


def _mail_settings(engine, port: int, security: str = "none", user: str = "") -> None:
    with store.session(engine) as s:
        for key, value in (
            ("email_host", "127.0.0.1"),
            ("email_port", str(port)),
            ("email_security", security),
            ("email_user", user),
            ("email_sender", SENDER),
            ("email_reply_to", "protocol@consulate.example.org"),
            ("email_per_minute", "0"),
        ):
            set_setting(s, SYSTEM_ACTOR, key, value)


def _send_through(engine, event, inbox: Inbox, *, security="none", user="", password=None, **serve):
    """Invitations of `event` sent through a mail server started for them, then stopped."""
    controller = _serve(inbox, **serve)
    try:
        _mail_settings(engine, controller.port, security=security, user=user)
        return send_invitations(engine, SYSTEM_ACTOR, event, password)
    finally:
        controller.stop()


def _sent(engine, event) -> dict[str, EventGuest]:
    from db.foundations.models import Contact

    with Session(engine) as s:
        rows = s.exec(
            select(Contact.given_name, EventGuest)
            .join(EventGuest, EventGuest.contact_id == Contact.id)
            .where(EventGuest.event_id == event)
        ).all()
    return dict(rows)


def test_each_guest_receives_one_personal_invitation_in_both_languages(engine, reception):
    inbox = Inbox()
    sending = _send_through(engine, reception, inbox)
    assert (sending.sent, sending.refused, sending.left) == (4, 0, 0)
    assert sending.not_sent == {"asked not to be contacted": 1, "no email address": 1}
    assert sorted(m["To"] for m in inbox.received) == [
        "bilal@example.org",
        "hina@example.org",
        "omar@example.org",
        "sana@example.org",
    ]
    message = next(m for m in inbox.received if m["To"] == "sana@example.org")
    assert message["From"] == SENDER and message["Reply-To"] == "protocol@consulate.example.org"
    assert message["Date"] and message["Message-ID"].endswith("@consulate.example.org>")
    assert message["Subject"] == "Invitation: Pakistan Day reception, 23 March 2027 · دعوت نامہ"
    body = message.get_body(("plain",)).get_content()
    assert "Dear Sana Qureshi" in body and "محترم" in body and "RABTA-G-" in body
    (calendar,) = [part for part in message.iter_attachments()]
    assert calendar.get_content_type() == "text/calendar"
    ics = calendar.get_content()
    assert "METHOD:REQUEST" in ics and "ATTENDEE" in ics and "DTSTART;VALUE=DATE:20270323" in ics
    guests = _sent(engine, reception)
    assert guests["Sana"].message_id == message["Message-ID"]
    assert guests["Sana"].invitation_sent_at is not None
    assert guests["Nadia"].invitation_sent_at is None  # never sent anything
    with Session(engine) as s:
        batches = s.exec(select(AuditEntry).where(AuditEntry.action == "invitations_sent")).all()
    assert len(batches) == 1 and '"sent": [null, 4]' in batches[0].changes
    second = _send_through(engine, reception, Inbox())  # sent again: no one twice
    assert second.sent == 0 and second.not_sent["sent before"] == 4


def test_a_server_that_refuses_every_third_message(engine, reception):
    sending = _send_through(engine, reception, Inbox(refuse_every=3))
    assert (sending.sent, sending.refused) == (3, 1)
    guests = _sent(engine, reception)
    refused = [name for name, guest in guests.items() if guest.send_error]
    assert len(refused) == 1 and guests[refused[0]].send_error.startswith("550 5.1.1")
    assert guests[refused[0]].invitation_sent_at is None


def test_a_dropped_connection_stops_the_batch_and_the_next_sends_only_the_rest(engine, reception):
    first_inbox = Inbox(drop_at=3)
    first = _send_through(engine, reception, first_inbox)
    assert (first.sent, first.left) == (2, 2) and "dropped the connection" in first.stopped
    assert "The 2 left go out when you send again." in first.summary()
    second_inbox = Inbox()
    second = _send_through(engine, reception, second_inbox)
    assert second.sent == 2
    first_to = {m["To"] for m in first_inbox.received}
    second_to = {m["To"] for m in second_inbox.received}
    assert not first_to & second_to and len(first_to | second_to) == 4


def _nobody_marked(engine, reception) -> bool:
    return all(g.invitation_sent_at is None for g in _sent(engine, reception).values())


def test_a_refused_login_is_one_sentence_and_nobody_is_marked(engine, reception):
    def refuse(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False)

    with pytest.raises(ValidationError) as refused:
        _send_through(
            engine,
            reception,
            Inbox(),
            user="events",
            password="wrong password",
            authenticator=refuse,
            auth_require_tls=False,
        )
    assert re.fullmatch(
        r"The mail server 127\.0\.0\.1:\d+ refused the user events and its password\.",
        refused.value.errors["email"],
    )
    assert _nobody_marked(engine, reception)


def _untrusted_context(tmp_path) -> ssl.SSLContext:
    """A server's TLS context with a self-signed certificate no one trusts."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context


def test_a_certificate_this_computer_does_not_trust_stops_before_anything_is_sent(
    engine, reception, tmp_path
):
    with pytest.raises(ValidationError) as refused:
        _send_through(
            engine,
            reception,
            Inbox(),
            security="starttls",
            tls_context=_untrusted_context(tmp_path),
        )
    assert "showed a certificate this computer does not trust" in refused.value.errors["email"]
    assert _nobody_marked(engine, reception)


def test_a_server_that_never_answers_times_out_in_a_sentence(engine, reception, monkeypatch):
    monkeypatch.setattr(invitations, "TIMEOUT_SECONDS", 1)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    accepted: list[socket.socket] = []
    waiter = threading.Thread(target=lambda: accepted.append(silent.accept()[0]), daemon=True)
    waiter.start()
    try:
        _mail_settings(engine, silent.getsockname()[1])
        with pytest.raises(ValidationError) as refused:
            send_invitations(engine, SYSTEM_ACTOR, reception, None)
    finally:
        waiter.join(5)
        for connection in accepted:
            connection.close()
        silent.close()
    assert "did not answer within 1 s; nothing was sent." in refused.value.errors["email"]
    assert _nobody_marked(engine, reception)


def test_nothing_is_sent_before_the_mail_server_is_set(engine, reception):
    with pytest.raises(ValidationError, match="Set the mail server and the sender"):
        send_invitations(engine, SYSTEM_ACTOR, reception, None)
    with store.session(engine) as s, pytest.raises(ValidationError, match="not an email address"):
        set_setting(s, SYSTEM_ACTOR, "email_sender", "events at consulate")
