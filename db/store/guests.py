"""The guest list of a program event: people invited (one by one, or through their
organizations), their replies and companions, their check-in at the door, and walk-ins
added there as new contacts.

Each guest has a code (db/rules/guest_codes.py), printed as a QR code on their
invitation and badge; a scanner at the door types it (db/queries/guests.py finds the
guest by code or by name). Everyone
who may change the event's program (its lead mission's officers, the commission's
staff, administrators) may change its guest list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from db.foundations.actor import Actor
from db.foundations.clock import utc_now
from db.foundations.errors import ValidationError
from db.foundations.models import (
    GUESTS_WHO_CAME,
    Affiliation,
    Contact,
    EventGuest,
    GuestStatus,
    Program,
    ProgramEvent,
)
from db.rules.guest_codes import new_guest_code
from db.rules.rows import get_record, record_id
from db.store.audit import record_audit
from db.store.contacts import create_contact
from db.store.engagements import log_engagement
from db.store.records import (
    apply_changes,
    expected_version,
    refuse_if_changed,
    saved_new_version,
)
from db.store.validation import FieldChecker

MAX_COMPANIONS = 20


@dataclass(frozen=True)
class CheckIn:
    """What checking a guest in did: `already` when they were checked in before, `at`."""

    guest_id: int
    name: str
    already: bool
    at: datetime


def _event_to_change(s: Session, actor: Actor, event_id: Any) -> ProgramEvent:
    """The event, if `actor` may change its guest list: one of a program of their own
    mission, not archived."""
    actor.require_write()
    event = get_record(s, ProgramEvent, event_id, "program event")
    program = s.get(Program, event.program_id)
    actor.require_mission(program.lead_mission_id if program else None, "program")
    if program is not None and program.archived_at is not None:
        raise ValidationError(
            {"event_id": f"The program {program.name} is archived; restore it first."}
        )
    return event


def _guest_to_change(s: Session, actor: Actor, guest_id: Any) -> EventGuest:
    guest = get_record(s, EventGuest, guest_id, "guest", to_change=True)
    _event_to_change(s, actor, guest.event_id)
    return guest


def invite_guests(
    s: Session,
    actor: Actor,
    event_id: int,
    contact_ids: Any = (),
    organization_ids: Any = (),
) -> list[int]:
    """Add people to an event's guest list: each contact named, and the current people
    of each organization named; those on the list already, archived or erased are left
    out. Return the ids of the contacts added (one audit entry names them all)."""
    event = _event_to_change(s, actor, event_id)
    contacts = _ids(contact_ids, "contact_ids", "Contact")
    organizations = _ids(organization_ids, "organization_ids", "Organization")
    if organizations:
        contacts |= set(
            s.exec(
                select(Affiliation.contact_id).where(
                    col(Affiliation.organization_id).in_(organizations),
                    col(Affiliation.end_date).is_(None),
                )
            ).all()
        )
    if not contacts:
        raise ValidationError({"contact_ids": "Choose the people or organizations to invite."})
    found = set(
        s.exec(
            select(Contact.id).where(
                col(Contact.id).in_(contacts),
                col(Contact.archived_at).is_(None),
                col(Contact.erased_at).is_(None),
            )
        ).all()
    )
    unknown = contacts - set(s.exec(select(Contact.id).where(col(Contact.id).in_(contacts))).all())
    if unknown:
        raise ValidationError(
            {"contact_ids": f"No contact has the id {min(unknown)}; nothing was added."}
        )
    listed = set(
        s.exec(
            select(EventGuest.contact_id).where(
                EventGuest.event_id == event.id, col(EventGuest.contact_id).in_(found)
            )
        ).all()
    )
    added = sorted(found - listed)
    for contact_id in added:
        s.add(EventGuest(event_id=event.id, contact_id=contact_id, code=new_guest_code()))
    if added:
        s.flush()
        record_audit(
            s,
            actor,
            "invite",
            "program_event",
            event.id,
            {"contact_ids": (None, added)},
            event.uid,
        )
    return added


def _ids(raw: Any, field: str, what: str) -> set[int]:
    if raw is None:
        return set()
    if not isinstance(raw, list | tuple | set | frozenset):
        raise ValidationError({field: f"The {what.lower()}s must be given as a list of ids."})
    return {record_id(value, field, what) for value in raw}


def set_guest_reply(s: Session, actor: Actor, guest_id: int, values: Mapping[str, Any]) -> None:
    """Record a guest's reply ("status": invited, accepted, tentative, declined or
    no_show) and how many come with them ("companions"); "version" refuses a save over
    a newer one."""
    values, version = expected_version(values)
    guest = _guest_to_change(s, actor, guest_id)
    refuse_if_changed(s, guest, version, "guest")
    check = FieldChecker(values, ("status", "companions"), partial=True)
    check.choice("status", GuestStatus)
    check.integer("companions", minimum=0, maximum=MAX_COMPANIONS)
    clean = check.done()
    if clean.get("status") in GUESTS_WHO_CAME:
        raise ValidationError(
            {"status": "A guest is marked as come by checking them in at the door."}
        )
    if guest.status in GUESTS_WHO_CAME and "status" in clean and clean["status"] != guest.status:
        raise ValidationError(
            {"status": "This guest has come to the event; their check-in stays as it is."}
        )
    changes = apply_changes(guest, clean)
    if changes:
        saved_new_version(guest)
        s.add(guest)
        record_audit(s, actor, "update", "event_guest", guest.id, changes, guest.uid)


def remove_guest(s: Session, actor: Actor, guest_id: int) -> None:
    """Take someone off an event's guest list (not once they have come)."""
    guest = _guest_to_change(s, actor, guest_id)
    if guest.status in GUESTS_WHO_CAME:
        raise ValidationError(
            {"guest_id": "This guest has come to the event; their check-in stays on the list."}
        )
    record_audit(
        s,
        actor,
        "remove",
        "event_guest",
        guest.id,
        {"contact_id": (guest.contact_id, None), "event_id": (guest.event_id, None)},
        guest.uid,
    )
    s.delete(guest)


def check_in(s: Session, actor: Actor, guest_id: int) -> CheckIn:
    """Check a guest in at the door (now); a second check-in changes nothing and says
    when the first was."""
    guest = _guest_to_change(s, actor, guest_id)
    contact = s.get(Contact, guest.contact_id)
    name = _name_of(contact)
    if guest.checked_in_at is not None:
        return CheckIn(guest.id, name, True, guest.checked_in_at)
    now = utc_now()
    old_status = guest.status
    guest.status = GuestStatus.ATTENDED
    guest.checked_in_at = now
    guest.checked_in_by = actor.id
    guest.updated_at = now
    saved_new_version(guest)
    s.add(guest)
    record_audit(
        s,
        actor,
        "check_in",
        "event_guest",
        guest.id,
        {"status": (old_status, guest.status), "checked_in_at": (None, now)},
        guest.uid,
    )
    return CheckIn(guest.id, name, False, now)


def add_walk_in(s: Session, actor: Actor, event_id: int, values: Mapping[str, Any]) -> CheckIn:
    """Someone who came without being on the list: a new contact (name, an email or a
    phone, and whether they consent to be kept in touch with), on the list as a walk-in,
    checked in now."""
    event = _event_to_change(s, actor, event_id)
    if not isinstance(values, Mapping):
        raise ValidationError({"given_name": "Give the walk-in's name."})
    email = values.get("email") or ""
    phone = values.get("phone") or ""
    if not (isinstance(email, str) and email.strip()) and not (
        isinstance(phone, str) and phone.strip()
    ):
        raise ValidationError({"email": "Give the walk-in's email or phone."})
    consent = values.get("consent")
    if not isinstance(consent, bool):
        raise ValidationError({"consent": "Say whether they agree to be kept in touch with."})
    contact_id = create_contact(
        s,
        actor,
        {
            "given_name": values.get("given_name"),
            "family_name": values.get("family_name") or "",
            "email": email,
            "phone": phone,
            "consent": "granted" if consent else "unknown",
            "consent_source": f"Walk-in at {event.title}"[:200] if consent else "",
        },
    )
    now = utc_now()
    guest = EventGuest(
        event_id=event.id,
        contact_id=contact_id,
        status=GuestStatus.WALK_IN,
        code=new_guest_code(),
        checked_in_at=now,
        checked_in_by=actor.id,
    )
    s.add(guest)
    s.flush()
    record_audit(
        s,
        actor,
        "walk_in",
        "event_guest",
        guest.id,
        {
            "event_id": (None, event.id),
            "contact_id": (None, contact_id),
            "checked_in_at": (None, now),
        },
        guest.uid,
    )
    return CheckIn(guest.id, _name_of(s.get(Contact, contact_id)), False, now)


def _name_of(contact: Contact | None) -> str:
    if contact is None:
        return ""
    return f"{contact.given_name} {contact.family_name}".strip()


def log_event(s: Session, actor: Actor, event_id: int) -> int:
    """ "Log the event": one engagement of kind event, on the event's day, naming every
    guest who came (checked in or walked in) and their organizations, so that briefs,
    handover dossiers, the Dashboard and the dormant list know who came; the event's
    attendance becomes the count from its list. Once only; return the engagement's id."""
    event = _event_to_change(s, actor, event_id)
    if event.engagement_id is not None:
        raise ValidationError(
            {"event_id": f"This event was logged already, as engagement {event.engagement_id}."}
        )
    came = s.exec(
        select(EventGuest.contact_id, EventGuest.status, EventGuest.companions).where(
            EventGuest.event_id == event.id, col(EventGuest.status).in_(GUESTS_WHO_CAME)
        )
    ).all()
    if not came:
        raise ValidationError(
            {"event_id": "No one has been checked in at this event yet; check guests in first."}
        )
    contact_ids = sorted({contact_id for contact_id, _status, _companions in came})
    organization_ids = sorted(
        set(
            s.exec(
                select(Affiliation.organization_id).where(
                    col(Affiliation.contact_id).in_(contact_ids),
                    col(Affiliation.end_date).is_(None),
                )
            ).all()
        )
    )
    walk_ins = sum(1 for _c, status, _n in came if status == GuestStatus.WALK_IN)
    counted = len(came) + sum(companions or 0 for _c, _s, companions in came)
    program = s.get(Program, event.program_id)
    engagement_id = log_engagement(
        s,
        actor,
        {
            "date": event.date,
            "kind": "event",
            "subject": event.title,
            "summary": (
                f"{len(came):,} guests came ({walk_ins:,} without an invitation), "
                f"{counted:,} people with their companions; counted from the guest list."
            ),
            "program_id": event.program_id,
            "mission_id": program.lead_mission_id if program else None,
            "organization_ids": organization_ids,
            "contact_ids": contact_ids,
        },
    )
    changes = {"engagement_id": (None, engagement_id), "attendance": (event.attendance, counted)}
    event.engagement_id = engagement_id
    event.attendance = counted
    s.add(event)
    record_audit(s, actor, "log_event", "program_event", event.id, changes, event.uid)
    return engagement_id


def record_invitation_sent(s: Session, actor: Actor, guest_id: int, message_id: str) -> None:
    """Keep on the guest that their invitation went out (now, with the message's id),
    before the next one is sent: a batch cut short resumes without them."""
    if not isinstance(message_id, str) or not message_id.strip():
        raise ValidationError({"message_id": "A sent message has its Message-ID."})
    guest = _guest_to_change(s, actor, guest_id)
    guest.invitation_sent_at = utc_now()
    guest.message_id = message_id[:255]
    guest.send_error = ""
    s.add(guest)


def record_invitation_refused(s: Session, actor: Actor, guest_id: int, reply: str) -> None:
    """Keep on the guest the mail server's refusal of their invitation."""
    if not isinstance(reply, str):
        raise ValidationError({"reply": "The mail server's reply is text."})
    guest = _guest_to_change(s, actor, guest_id)
    guest.send_error = reply[:500] or "refused by the mail server"
    s.add(guest)


def record_invitations(s: Session, actor: Actor, event_id: int, sent: int, refused: int) -> None:
    """One audit entry for a batch of invitations sent: how many went and how many the
    server refused (each guest keeps their own sent time or refusal)."""
    counts = FieldChecker({"sent": sent, "refused": refused}, ("sent", "refused"), partial=False)
    counts.integer("sent", minimum=0, maximum=1_000_000)
    counts.integer("refused", minimum=0, maximum=1_000_000)
    counts.done()
    event = _event_to_change(s, actor, event_id)
    record_audit(
        s,
        actor,
        "invitations_sent",
        "program_event",
        event.id,
        {"sent": (None, sent), "refused": (None, refused)},
        event.uid,
    )
