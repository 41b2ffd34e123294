"""An event's guest list as the desk and the door read it: each guest with their reply,
companions and check-in, why nothing may be sent to some, counts by status, and the
guest a scanned code or a typed name stands for."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlmodel import Session, col, select

from db.duplicates.names import canonical_name, name_skeleton
from db.foundations.actor import Actor
from db.foundations.errors import ValidationError
from db.foundations.models import (
    GUESTS_WHO_CAME,
    Affiliation,
    Contact,
    EventGuest,
    GuestStatus,
    Organization,
    Program,
    ProgramEvent,
)
from db.rules.guest_codes import code_typed, printed_code
from db.rules.settings import read_settings
from db.rules.visibility import withholds_contact_details


class GuestRow(NamedTuple):
    id: int
    contact_id: int
    name: str
    name_urdu: str
    organization: str
    email: str
    status: str
    companions: int
    checked_in_at: datetime | None
    code: str  # as printed in the QR code
    version: int
    not_sent: str  # why nothing may be sent to them ("" when it may)
    invitation_sent_at: datetime | None = None
    send_error: str = ""  # the mail server's refusal of their invitation


@dataclass(frozen=True)
class EventSummary:
    """An event with its guest list's counts: by status, and who came (checked in or
    walked in, with their companions)."""

    id: int
    program_id: int
    program: str
    date: date
    title: str
    venue: str
    city: str
    attendance: int | None  # typed by hand, for an event without a guest list
    by_status: dict[str, int]
    came: int

    @property
    def guests(self) -> int:
        """Everyone on the list."""
        return sum(self.by_status.values())


def _why_not_sent(contact: Contact) -> str:
    if contact.do_not_contact:
        return "asked not to be contacted"
    if withholds_contact_details(contact):
        return "refused consent"
    return ""


def guest_list(s: Session, viewer: Actor, event_id: int) -> list[GuestRow]:
    """Everyone on an event's guest list, by family name; the email of someone who
    refused consent or asked not to be contacted is withheld, and said why."""
    del viewer  # a guest list holds no confidential engagement: everyone may read it
    rows = s.exec(
        select(EventGuest, Contact)
        .join(Contact, col(Contact.id) == EventGuest.contact_id)
        .where(EventGuest.event_id == event_id)
        .order_by(col(Contact.family_name), col(Contact.given_name), col(EventGuest.id))
    ).all()
    organizations = _primary_organizations(s, [contact.id for _guest, contact in rows])
    listed = []
    for guest, contact in rows:
        not_sent = _why_not_sent(contact)
        listed.append(
            GuestRow(
                guest.id,
                contact.id,
                f"{contact.given_name} {contact.family_name}".strip(),
                contact.name_urdu,
                organizations.get(contact.id, ""),
                "" if not_sent else contact.email,
                guest.status,
                guest.companions,
                guest.checked_in_at,
                printed_code(guest.code),
                guest.version,
                not_sent,
                guest.invitation_sent_at,
                guest.send_error,
            )
        )
    return listed


def _primary_organizations(s: Session, contact_ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for start in range(0, len(contact_ids), 500):
        for contact_id, name, primary in s.exec(
            select(Affiliation.contact_id, Organization.name, Affiliation.is_primary)
            .join(Organization, col(Organization.id) == Affiliation.organization_id)
            .where(
                col(Affiliation.contact_id).in_(contact_ids[start : start + 500]),
                col(Affiliation.end_date).is_(None),
            )
            .order_by(col(Affiliation.is_primary).desc(), col(Affiliation.id))
        ).all():
            if contact_id not in found or primary:
                found.setdefault(contact_id, name)
    return found


def event_summary(s: Session, event_id: int) -> EventSummary:
    """An event and its guest list's counts."""
    event = s.get(ProgramEvent, event_id)
    if event is None:
        raise ValidationError({"event_id": f"No program event has the id {event_id}."})
    program = s.get(Program, event.program_id)
    counted: Counter[str] = Counter()
    came = 0
    for status, companions in s.exec(
        select(EventGuest.status, EventGuest.companions).where(EventGuest.event_id == event_id)
    ).all():
        counted[status] += 1
        if status in GUESTS_WHO_CAME:
            came += 1 + (companions or 0)
    return EventSummary(
        event.id,
        event.program_id,
        program.name if program else "",
        event.date,
        event.title,
        event.venue,
        event.city,
        event.attendance,
        {status.value: counted.get(status.value, 0) for status in GuestStatus},
        came,
    )


@dataclass(frozen=True)
class EventPrint:
    """What the printed sheets of an event show: the event, its guests, the marking."""

    event: EventSummary
    guests: list[GuestRow]
    installation_name: str
    marking: str


def event_print_data(s: Session, viewer: Actor, event_id: int) -> EventPrint:
    """An event and its guest list as the sign-in sheet and the badges print them."""
    settings = read_settings(s)
    return EventPrint(
        event_summary(s, event_id),
        guest_list(s, viewer, event_id),
        settings.installation_name,
        settings.marking(False),  # a guest list holds no confidential engagement
    )


def program_events(s: Session, program_id: int | None = None) -> list[EventSummary]:
    """Every program event (of one program), newest first, with its counts."""
    query = select(ProgramEvent.id).order_by(col(ProgramEvent.date).desc(), col(ProgramEvent.id))
    if program_id is not None:
        query = query.where(ProgramEvent.program_id == program_id)
    return [event_summary(s, event_id) for event_id in s.exec(query).all()]


def guest_at_the_door(s: Session, event_id: int, typed: str) -> int:
    """The guest of `event_id` a scanned code or a typed name stands for, or
    ValidationError saying in words why none is: a code of another event or of no one,
    a name no guest has, or one several guests share."""
    if not isinstance(typed, str) or not typed.strip():
        raise ValidationError({"typed": "Type a name or scan a code."})
    code = code_typed(typed)
    if code is not None:
        return _guest_by_code(s, event_id, code)
    return _guest_by_name(s, event_id, typed.strip())


def _guest_by_code(s: Session, event_id: int, code: str) -> int:
    found = s.exec(select(EventGuest).where(EventGuest.code == code)).first()
    if found is None:
        raise ValidationError({"typed": f"No guest has the code {printed_code(code)}."})
    if found.event_id != event_id:
        other = s.get(ProgramEvent, found.event_id)
        when = f"{other.title} on {other.date:%d %B %Y}" if other else "another event"
        raise ValidationError({"typed": f"This code is for {when}, not this event."})
    return found.id


def _guest_by_name(s: Session, event_id: int, typed: str) -> int:
    """The one guest whose name matches: the same name in the usual spelling, else the
    same consonants in either script (as the duplicate scan compares), else every word
    typed starting a word of their name."""
    guests = s.exec(
        select(EventGuest.id, Contact.given_name, Contact.family_name, Contact.name_urdu)
        .join(Contact, col(Contact.id) == EventGuest.contact_id)
        .where(EventGuest.event_id == event_id)
    ).all()
    wanted = canonical_name(typed)
    wanted_skeleton = name_skeleton(typed)
    wanted_words = wanted.split()

    def names(row) -> list[str]:
        return [n for n in (f"{row[1]} {row[2]}".strip(), row[3]) if n]

    def starts_every_word(name: str) -> bool:
        words = canonical_name(name).split()
        return bool(wanted_words) and all(
            any(word.startswith(typed_word) for word in words) for typed_word in wanted_words
        )

    for matches in (
        lambda name: canonical_name(name) == wanted,
        lambda name: bool(wanted_skeleton) and name_skeleton(name) == wanted_skeleton,
        starts_every_word,
    ):
        found = [row for row in guests if any(matches(name) for name in names(row))]
        if len(found) == 1:
            return found[0][0]
        if len(found) > 1:
            shown = ", ".join(sorted(names(row)[0] for row in found)[:5])
            raise ValidationError(
                {"typed": f"{len(found)} guests match “{typed}”: {shown}. Type more of the name."}
            )
    raise ValidationError(
        {"typed": f"No guest of this event is called “{typed}”; add them as a walk-in."}
    )
