"""Erasing a person at their request: the row stays, their data goes.

The contact keeps its id, uid and links (so counts and engagements stay right) and reads
"Erased contact #id"; every personal field is emptied, their public roles and the titles
of their affiliations removed, their name, email and phone replaced by "[erased]" in the
text of the engagements they appear in, and every earlier audit value that held any of
these replaced by its digest, which the audit chain still verifies (db/rules/audit_chain.py).
The erasure itself is audited by field name only. Backups taken before keep the person
until they age out; the caller says so.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlalchemy import delete, or_, text
from sqlmodel import Session, col, select

from db.foundations.actor import Actor
from db.foundations.clock import utc_now
from db.foundations.errors import ValidationError
from db.foundations.models import (
    Affiliation,
    AuditEntry,
    Consent,
    Contact,
    ContactPublicRole,
    Engagement,
    EngagementContact,
    Generation,
)
from db.rules.audit_chain import is_redacted, redacted
from db.rules.record_fields import CONTACT_FIELDS
from db.rules.rows import get_record
from db.store.audit import record_audit
from db.store.contacts import public_roles_of

ERASED_TEXT = "[erased]"
# Engagement fields that may mention a person by name.
ENGAGEMENT_TEXT_FIELDS = ("subject", "summary", "outcome")
# What each personal field of an erased contact becomes.
EMPTIED: dict[str, object] = {
    **{field: "" for field in CONTACT_FIELDS},
    "region_code": None,
    "generation": Generation.UNKNOWN,
    "consent": Consent.UNKNOWN,
    "consent_date": None,
    "do_not_contact": True,
}


@dataclass(frozen=True)
class Erasure:
    """What an erasure changed, for the message that confirms it."""

    contact_id: int
    engagements_scrubbed: int
    audit_entries_redacted: int


def erased_name(contact_id: int) -> str:
    """What an erased contact is called everywhere."""
    return f"Erased contact #{contact_id}"


def _needles(contact: Contact) -> list[str]:
    """The values that identify the person, longest first, each at least 3 characters."""
    full = " ".join(p for p in (contact.given_name, contact.family_name) if p)
    values = {
        full,
        contact.name_urdu,
        contact.email,
        contact.phone,
        " ".join(p for p in (contact.honorific, full) if p),
    }
    if contact.family_name and len(contact.family_name) >= 3:
        values.add(f"{contact.given_name} {contact.family_name}".strip())
    return sorted((v for v in values if v and len(v) >= 3), key=len, reverse=True)


def _scrub(textual: str, needles: list[str]) -> str:
    for needle in needles:
        textual = re.sub(re.escape(needle), ERASED_TEXT, textual, flags=re.IGNORECASE)
    return textual


def erase_contact(s: Session, actor: Actor, contact_id: int) -> Erasure:
    """Erase a person's data at their request (administrators only); see the module."""
    actor.require_admin()
    contact = get_record(s, Contact, contact_id, "contact")
    if contact.erased_at is not None:
        raise ValidationError({"contact_id": f"Contact {contact.id} was erased already."})
    needles = _needles(contact)
    affiliation_ids = s.exec(
        select(Affiliation.id).where(Affiliation.contact_id == contact.id)
    ).all()
    emptied_fields = sorted(
        field for field, empty in EMPTIED.items() if getattr(contact, field) != empty
    )
    roles = public_roles_of(s, contact.id)

    scrubbed = 0
    engagement_ids = s.exec(
        select(EngagementContact.engagement_id).where(EngagementContact.contact_id == contact.id)
    ).all()
    for engagement in s.exec(select(Engagement).where(col(Engagement.id).in_(engagement_ids))):
        changed = {}
        for field in ENGAGEMENT_TEXT_FIELDS:
            before = getattr(engagement, field) or ""
            after = _scrub(before, needles)
            if after != before:
                setattr(engagement, field, after)
                changed[field] = True
        if changed:
            s.add(engagement)
            scrubbed += 1
            record_audit(
                s,
                actor,
                "erase_mentions",
                "engagement",
                engagement.id,
                {"fields": (None, sorted(changed))},
                engagement.uid,
            )

    for field, empty in EMPTIED.items():
        setattr(contact, field, empty)
    contact.given_name = erased_name(contact.id)
    contact.erased_at = contact.updated_at = utc_now()
    s.add(contact)
    s.exec(delete(ContactPublicRole).where(ContactPublicRole.contact_id == contact.id))
    for affiliation in s.exec(select(Affiliation).where(Affiliation.contact_id == contact.id)):
        affiliation.role_title = ""
        s.add(affiliation)
    s.flush()

    redactions = _redact_audit(s, contact.id, affiliation_ids, needles)
    record_audit(
        s,
        actor,
        "erase",
        "contact",
        contact.id,
        {"fields": (None, emptied_fields + (["public_roles"] if roles else []))},
        contact.uid,
    )
    _compact_search_index(s)
    return Erasure(contact.id, scrubbed, redactions)


def _redact_audit(
    s: Session, contact_id: int, affiliation_ids: list[int], needles: list[str]
) -> int:
    """Replace, in earlier audit entries, every value about the person by its digest: all
    values of their own entries and of their affiliations', and any value elsewhere that
    holds one of the needles. Return the number of entries changed."""
    own = (AuditEntry.entity_type == "contact") & (AuditEntry.entity_id == contact_id)
    theirs = (AuditEntry.entity_type == "affiliation") & col(AuditEntry.entity_id).in_(
        affiliation_ids
    )
    mentions = [col(AuditEntry.changes).contains(needle, autoescape=True) for needle in needles]
    lowered = [needle.lower() for needle in needles]
    changed = 0
    for entry in s.exec(select(AuditEntry).where(or_(own, theirs, *mentions))):
        whole = (entry.entity_type == "contact" and entry.entity_id == contact_id) or (
            entry.entity_type == "affiliation" and entry.entity_id in affiliation_ids
        )
        values = json.loads(entry.changes or "{}")
        redacted_values = {}
        for field, pair in values.items():
            items = pair if isinstance(pair, list) else [pair]
            new_items = [
                redacted(value)
                if not is_redacted(value)
                and value is not None
                and (
                    (whole and field not in ("organization_id", "contact_id", "archived_at"))
                    or any(n in json.dumps(value, ensure_ascii=False).lower() for n in lowered)
                )
                else value
                for value in items
            ]
            redacted_values[field] = new_items if isinstance(pair, list) else new_items[0]
        if redacted_values != values:
            s.exec(
                text("UPDATE audit_entry SET changes = :changes WHERE id = :id").bindparams(
                    changes=json.dumps(redacted_values, ensure_ascii=False, sort_keys=True),
                    id=entry.id,
                )
            )
            changed += 1
    return changed


def _compact_search_index(s: Session) -> None:
    """Merge the search index's segments so the erased words leave it too (FTS5 keeps a
    deleted row's tokens until its segments merge)."""
    if s.get_bind().dialect.name == "sqlite":
        for table in ("contact_fts", "engagement_fts"):
            s.exec(text(f"INSERT INTO {table}({table}) VALUES('optimize')"))
