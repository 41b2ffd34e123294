"""Invitations to an event by email, through the office's own mail server: one
personal message per guest, in English and Urdu, with the event as an iCalendar
invitation attached. Each message is kept on its guest (sent at, message id) before the
next is sent, so a crash, a Cancel or a dropped connection resumes without sending
anyone twice; a refused message is kept on its guest with the server's reply; each
batch is one audit entry with its counts. People who asked not to be contacted, or
refused consent, are never sent anything."""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import Engine
from sqlmodel import Session

from db import store
from db.exchange.calendars import program_event_entry
from db.foundations.actor import Actor
from db.foundations.clock import utc_now
from db.foundations.errors import ValidationError
from db.foundations.models import GuestStatus, ProgramEvent
from db.queries.guests import EventSummary, GuestRow, event_summary, guest_list
from db.rules.settings import read_settings
from db.store.guests import record_invitation_refused, record_invitation_sent, record_invitations

TIMEOUT_SECONDS = 20
# Who is sent an invitation: everyone on the list who has not answered no and did not
# walk in.
INVITED = (GuestStatus.INVITED, GuestStatus.ACCEPTED, GuestStatus.TENTATIVE)


@dataclass(frozen=True)
class MailServer:
    """The office's mail server as Settings > Email describes it, with its password."""

    host: str
    port: int
    security: str  # starttls, ssl or none
    user: str
    password: str | None
    sender: str
    reply_to: str
    per_minute: int  # 0: no limit

    @property
    def pause(self) -> float:
        """Seconds between two messages, to keep to the rate set."""
        return 60 / self.per_minute if self.per_minute else 0.0


@dataclass
class Sending:
    """What a batch of invitations did."""

    sent: int = 0
    refused: int = 0
    left: int = 0  # still to send (a Cancel or a dropped connection stopped the batch)
    not_sent: dict[str, int] = field(default_factory=dict)  # why some were left out
    stopped: str = ""  # why the batch ended early, in a sentence

    def summary(self) -> str:
        """One sentence for the window and the command line."""
        said = [f"{self.sent:,} sent"]
        if self.refused:
            said.append(f"{self.refused:,} refused by the mail server (kept on each guest)")
        for why, count in sorted(self.not_sent.items()):
            said.append(f"{count:,} not sent: {why}")
        sentence = "Invitations: " + "; ".join(said) + "."
        if self.stopped:
            sentence += f" {self.stopped} The {self.left:,} left go out when you send again."
        return sentence


def mail_server(s: Session, password: str | None) -> MailServer:
    """The mail server of Settings > Email, or ValidationError saying what is missing."""
    settings = read_settings(s)
    if not settings.email_host or not settings.email_sender:
        raise ValidationError(
            {
                "email": "Set the mail server and the sender's address first (Settings > "
                "Email, or python main.py settings email)."
            }
        )
    return MailServer(
        settings.email_host,
        settings.email_port,
        settings.email_security,
        settings.email_user,
        password,
        settings.email_sender,
        settings.email_reply_to,
        settings.email_per_minute,
    )


def _to_send(guests: list[GuestRow], sending: Sending) -> list[GuestRow]:
    """The guests an invitation goes to now; the others counted by why not."""
    chosen = []
    for guest in guests:
        why = ""
        if guest.invitation_sent_at is not None:
            why = "sent before"
        elif guest.not_sent:
            why = guest.not_sent
        elif guest.status not in INVITED:
            why = "declined or came already"
        elif not guest.email:
            why = "no email address"
        if why:
            sending.not_sent[why] = sending.not_sent.get(why, 0) + 1
        else:
            chosen.append(guest)
    return chosen


def invitation(
    event: EventSummary, uid: str, guest: GuestRow, server: MailServer, installation: str
) -> EmailMessage:
    """One guest's invitation: a personal message in English and Urdu, with the event
    attached as an iCalendar invitation."""
    message = EmailMessage()
    message["From"] = server.sender
    message["To"] = guest.email
    if server.reply_to:
        message["Reply-To"] = server.reply_to
    message["Date"] = format_datetime(utc_now())
    message["Message-ID"] = make_msgid(domain=server.sender.rsplit("@", 1)[-1])
    message["Subject"] = f"Invitation: {event.title}, {event.date:%d %B %Y} · دعوت نامہ"
    place = ", ".join(part for part in (event.venue, event.city) if part)
    urdu_name = guest.name_urdu or guest.name
    message.set_content(
        f"Dear {guest.name},\n\n"
        f"{installation} is pleased to invite you to {event.title} on "
        f"{event.date:%A %d %B %Y}" + (f" at {place}" if place else "") + ".\n"
        "Please reply to this message to say whether you will come, and with how many "
        "guests. Your invitation code, printed on your badge at the door: "
        f"{guest.code}.\n\n"
        f"محترم {urdu_name}،\n\n"
        f"{installation} آپ کو {event.title} میں شرکت کی دعوت دیتا ہے، بتاریخ "
        f"{event.date:%d-%m-%Y}" + (f"، بمقام {place}" if place else "") + "۔\n"
        "براہ کرم اس پیغام کا جواب دے کر اپنی آمد کی اطلاع دیں۔\n\n"
        f"{installation}\n",
        charset="utf-8",
    )
    calendar = _calendar(event, uid, guest, server)
    message.add_attachment(
        calendar,
        subtype="calendar",
        filename="invitation.ics",
        params={"method": "REQUEST"},
    )
    return message


def _calendar(event: EventSummary, uid: str, guest: GuestRow, server: MailServer) -> str:
    from icalendar import Calendar, vCalAddress

    entry = program_event_entry(
        {
            "uid": uid,
            "date": event.date,
            "title": event.title,
            "program": event.program,
            "venue": event.venue,
            "city": event.city,
        }
    )
    entry.add("organizer", vCalAddress(f"mailto:{server.sender}"))
    attendee = vCalAddress(f"mailto:{guest.email}")
    attendee.params["cn"] = guest.name
    attendee.params["rsvp"] = "TRUE"
    entry.add("attendee", attendee)
    calendar = Calendar()
    calendar.add("prodid", "-//Rabta//Events desk//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    calendar.add_component(entry)
    return calendar.to_ical().decode("utf-8")


def _connected(server: MailServer) -> smtplib.SMTP:
    """A signed-in connection to the mail server, or ValidationError in one sentence
    (nobody is marked sent)."""
    where = f"{server.host}:{server.port}"
    try:
        return _signed_in_connection(server)
    except smtplib.SMTPAuthenticationError as error:
        raise ValidationError(
            {"email": f"The mail server {where} refused the user {server.user} and its password."}
        ) from error
    except ssl.SSLCertVerificationError as error:
        raise ValidationError(
            {
                "email": f"The mail server {where} showed a certificate this computer does "
                f"not trust ({error.verify_message}); nothing was sent."
            }
        ) from error
    except smtplib.SMTPServerDisconnected as error:
        if not isinstance(error.__context__, TimeoutError):  # smtplib's word for a timeout
            raise ValidationError(
                {"email": f"The mail server {where} closed the connection; nothing was sent."}
            ) from error
        raise ValidationError(
            {
                "email": f"The mail server {where} did not answer within "
                f"{TIMEOUT_SECONDS} s; nothing was sent."
            }
        ) from error
    except TimeoutError as error:
        raise ValidationError(
            {
                "email": f"The mail server {where} did not answer within "
                f"{TIMEOUT_SECONDS} s; nothing was sent."
            }
        ) from error
    except (smtplib.SMTPException, ssl.SSLError, OSError) as error:
        raise ValidationError(
            {"email": f"Could not reach the mail server {where} ({error}); nothing was sent."}
        ) from error


def _signed_in_connection(server: MailServer) -> smtplib.SMTP:
    """Connect (ssl, starttls or plain) and sign in; the connection is closed again when
    any step fails."""
    context = ssl.create_default_context()
    if server.security == "ssl":
        connection: smtplib.SMTP = smtplib.SMTP_SSL(
            server.host, server.port, timeout=TIMEOUT_SECONDS, context=context
        )
    else:
        connection = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
    try:
        if server.security == "starttls":
            connection.starttls(context=context)
        if server.user:
            connection.login(server.user, server.password or "")
    except BaseException:
        connection.close()
        raise
    return connection


def send_invitations(
    engine: Engine,
    actor: Actor,
    event_id: int,
    password: str | None,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    dry_run: bool = False,
) -> Sending:
    """Send the event's invitations not sent yet; with `dry_run`, only count them."""
    actor.require_write()
    sending = Sending()
    with Session(engine) as s:
        server = mail_server(s, password)
        event = event_summary(s, event_id)
        uid = s.get(ProgramEvent, event_id).uid
        guests = _to_send(guest_list(s, actor, event_id), sending)
        installation = read_settings(s).installation_name
    if dry_run or not guests:
        sending.left = len(guests) if dry_run else 0
        return sending
    connection = _connected(server)
    try:
        for number, guest in enumerate(guests):
            if cancelled():
                sending.left = len(guests) - number
                sending.stopped = "Cancelled."
                break
            message = invitation(event, uid, guest, server, installation)
            try:
                connection.send_message(message)
            except smtplib.SMTPResponseException as refused:
                reply = f"{refused.smtp_code} {refused.smtp_error.decode('utf-8', 'replace')}"
                with store.session(engine) as s:
                    record_invitation_refused(s, actor, guest.id, reply)
                sending.refused += 1
            except smtplib.SMTPRecipientsRefused as refused:
                code, text = next(iter(refused.recipients.values()))
                with store.session(engine) as s:
                    record_invitation_refused(
                        s, actor, guest.id, f"{code} {text.decode('utf-8', 'replace')}"
                    )
                sending.refused += 1
            except (smtplib.SMTPServerDisconnected, OSError):
                sending.left = len(guests) - number
                sending.stopped = "The mail server dropped the connection."
                break
            else:
                with store.session(engine) as s:
                    record_invitation_sent(s, actor, guest.id, message["Message-ID"])
                sending.sent += 1
            if progress is not None:
                progress(number + 1, len(guests))
            if server.pause and number + 1 < len(guests):
                time.sleep(server.pause)
    finally:
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()
        if sending.sent or sending.refused:
            with store.session(engine) as s:
                record_invitations(s, actor, event_id, sending.sent, sending.refused)
    return sending
