"""Erasing a person at their request: the row stays, their data goes.

The contact keeps its id, uid and links (so counts and engagements stay right) and reads
"Erased contact #id"; every personal field is emptied, their public roles and the titles
of their affiliations removed, their name, email and phone replaced by "[erased]" in the
text of the engagements they appear in (a phone number however it was typed), and every
earlier audit value that held any of these replaced by its digest, which the audit chain
still verifies (db/rules/audit_chain.py). Duplicates merged into them are the same person:
they are erased too, and the merge journals that could undo those merges are emptied.
Read-outs about them (a subject-access export's file name) and searches for them are
redacted in the audit. Engagements whose text may still name them by family name alone
are listed for a person to review (another person may share it). The erasure itself is
audited by field name only. Backups taken before keep the person until they age out; the
caller says so.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import phonenumbers
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
    MergeRecord,
    Sensitivity,
)
from db.foundations.sealed_text import SEALED_MARK
from db.rules.audit_chain import REDACTED, SEALED_COPY, is_redacted, opened_value, redacted
from db.rules.record_fields import CONTACT_FIELDS
from db.rules.rows import get_record
from db.store.audit import record_audit
from db.store.contacts import public_roles_of
from db.store.pepper import database_pepper
from db.store.sealing import seal_engagement_texts

ERASED_TEXT = "[erased]"
ERASED_JOURNAL = "erased"  # a merge journal emptied by an erasure: the merge stays
# Audit entries about a contact as a whole: its own, and read-outs about it.
OWN_ENTRIES = ("contact", "subject_access")
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
    duplicates_erased: int = 0
    to_review: tuple[int, ...] = ()  # engagements that may name them by family name


def erasure_summary(erased: Erasure) -> str:
    """What an erasure did, in the sentences the window and the command line show."""
    said = (
        f"Erased contact #{erased.contact_id}"
        + (
            f" and {erased.duplicates_erased} duplicate(s) merged into them"
            if erased.duplicates_erased
            else ""
        )
        + f": {erased.engagements_scrubbed} engagement(s) no longer name them, "
        f"{erased.audit_entries_redacted} audit entr(y/ies) redacted."
    )
    if erased.to_review:
        listed = ", ".join(f"#{n}" for n in erased.to_review)
        said += (
            f" Review engagement(s) {listed}: their text holds the family name, which may "
            "still name the person (or someone else of that name)."
        )
    return said + " Backups taken before today still hold them until they age out."


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


def _phone_pattern(phone: str) -> re.Pattern | None:
    """The person's number however it was typed: its national digits (the country code
    optional) with any spaces, dashes, dots or brackets between them."""
    digits = re.sub(r"\D", "", phone or "")
    try:
        national = str(phonenumbers.parse(phone, None).national_number)
    except phonenumbers.NumberParseException:
        national = digits[-10:]
    if len(national) < 7:
        return None
    between = r"[\s\-().]*"
    return re.compile(r"(?:\+?\d{1,3}" + between + ")?" + between.join(map(re.escape, national)))


def _scrub(textual: str, needles: list[str], phones: list[re.Pattern]) -> str:
    for needle in needles:
        textual = re.sub(re.escape(needle), ERASED_TEXT, textual, flags=re.IGNORECASE)
    for phone in phones:
        textual = phone.sub(ERASED_TEXT, textual)
    return textual


def _the_same_person(s: Session, contact: Contact) -> list[Contact]:
    """The contact and every duplicate merged into it (and into those), by merge."""
    found, frontier = [contact], [contact.id]
    while frontier:
        merged = s.exec(select(Contact).where(col(Contact.merged_into_id).in_(frontier))).all()
        merged = [m for m in merged if all(m.id != f.id for f in found)]
        found += merged
        frontier = [m.id for m in merged]
    return found


def erase_contact(s: Session, actor: Actor, contact_id: int) -> Erasure:
    """Erase a person's data at their request (administrators only); see the module."""
    actor.require_admin()
    contact = get_record(s, Contact, contact_id, "contact")
    if contact.erased_at is not None:
        raise ValidationError({"contact_id": f"Contact {contact.id} was erased already."})
    people = _the_same_person(s, contact)
    ids = [p.id for p in people if p.id is not None]
    needles = sorted({n for p in people for n in _needles(p)}, key=len, reverse=True)
    phones = [pattern for p in people if (pattern := _phone_pattern(p.phone)) is not None]
    family_names = sorted({p.family_name for p in people if len(p.family_name or "") >= 3})
    affiliation_ids = s.exec(
        select(Affiliation.id).where(col(Affiliation.contact_id).in_(ids))
    ).all()
    emptied_fields = sorted(
        field for field, empty in EMPTIED.items() if getattr(contact, field) != empty
    )
    roles = public_roles_of(s, contact.id)

    scrubbed = 0
    engagement_ids = s.exec(
        select(EngagementContact.engagement_id).where(col(EngagementContact.contact_id).in_(ids))
    ).all()
    for engagement in s.exec(select(Engagement).where(col(Engagement.id).in_(engagement_ids))):
        changed = {}
        for field in ENGAGEMENT_TEXT_FIELDS:
            before = getattr(engagement, field) or ""
            after = _scrub(before, needles, phones)
            if after != before:
                setattr(engagement, field, after)
                changed[field] = True
        if changed:
            confidential = engagement.sensitivity == Sensitivity.CONFIDENTIAL
            seal_engagement_texts(s, engagement, was_confidential=confidential)
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

    for person in people:
        for field, empty in EMPTIED.items():
            setattr(person, field, empty)
        person.given_name = erased_name(person.id)
        person.erased_at = person.updated_at = utc_now()
        s.add(person)
        s.exec(delete(ContactPublicRole).where(ContactPublicRole.contact_id == person.id))
    for affiliation in s.exec(select(Affiliation).where(col(Affiliation.contact_id).in_(ids))):
        affiliation.role_title = ""
        s.add(affiliation)
    _empty_merge_journals(s, ids)
    s.flush()

    redactions = _redact_audit(s, ids, affiliation_ids, needles, family_names, phones)
    record_audit(
        s,
        actor,
        "erase",
        "contact",
        contact.id,
        {
            "fields": (None, emptied_fields + (["public_roles"] if roles else [])),
            "duplicates": (None, ids[1:]),
        },
        contact.uid,
    )
    _compact_search_index(s)
    return Erasure(contact.id, scrubbed, redactions, len(ids) - 1, _may_name(s, family_names))


def _empty_merge_journals(s: Session, ids: list[int]) -> None:
    """The journals of merges among these contacts keep their values to undo them: those
    values go, and the merges can no longer be undone."""
    for record in s.exec(
        select(MergeRecord).where(
            MergeRecord.entity_type == "contact",
            or_(col(MergeRecord.survivor_id).in_(ids), col(MergeRecord.merged_id).in_(ids)),
        )
    ):
        record.journal = json.dumps({ERASED_JOURNAL: True, "moved": [], "removed": []})
        s.add(record)


def _may_name(s: Session, family_names: list[str]) -> tuple[int, ...]:
    """Live engagements whose text holds one of the family names as a word: they may
    still name the person (or someone else of that name), for a person to review."""
    if not family_names:
        return ()
    found = []
    words = [re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE) for name in family_names]
    candidates = s.exec(
        select(Engagement).where(
            or_(
                *(
                    col(getattr(Engagement, field)).contains(name, autoescape=True)
                    for field in ENGAGEMENT_TEXT_FIELDS
                    for name in family_names
                ),
                # sealed text is read here, opened, not searched in SQL
                Engagement.sensitivity == Sensitivity.CONFIDENTIAL,
            )
        )
    )
    for engagement in candidates:
        texts = " ".join(getattr(engagement, f) or "" for f in ENGAGEMENT_TEXT_FIELDS)
        if any(word.search(texts) for word in words):
            found.append(engagement.id)
    return tuple(sorted(found))


def _redact_audit(
    s: Session,
    contact_ids: list[int],
    affiliation_ids: list[int],
    needles: list[str],
    family_names: list[str],
    phones: list[re.Pattern],
) -> int:
    """Replace, in earlier audit entries, every value about the person by its digest: all
    values of their own entries (and their duplicates'), of their affiliations' and of
    read-outs about them, any value elsewhere that holds one of the needles or their phone
    however typed, and any search that held their family name. Return the number of
    entries changed."""
    own = col(AuditEntry.entity_type).in_(OWN_ENTRIES) & col(AuditEntry.entity_id).in_(contact_ids)
    theirs = (AuditEntry.entity_type == "affiliation") & col(AuditEntry.entity_id).in_(
        affiliation_ids
    )
    mentions = [col(AuditEntry.changes).contains(needle, autoescape=True) for needle in needles]
    searched = [
        (AuditEntry.entity_type == "search")
        & col(AuditEntry.changes).contains(name, autoescape=True)
        for name in family_names
    ]
    # a confidential engagement's sealed text, opened here to be read
    sealed = (AuditEntry.entity_type == "engagement") & col(AuditEntry.changes).contains(
        json.dumps(SEALED_MARK)[1:-1], autoescape=True
    )
    dialled = [  # a phone's last two digits, then the whole number checked below
        col(AuditEntry.changes).contains(tail) for tail in {_last_digits(p) for p in phones}
    ]
    lowered = [needle.lower() for needle in needles]
    pepper = database_pepper(s)
    changed = 0
    for entry in s.exec(
        select(AuditEntry).where(or_(own, theirs, sealed, *mentions, *searched, *dialled))
    ):
        whole = (
            (entry.entity_type in OWN_ENTRIES and entry.entity_id in contact_ids)
            or (entry.entity_type == "affiliation" and entry.entity_id in affiliation_ids)
            or entry.entity_type == "search"
        )
        values = json.loads(entry.changes or "{}")
        keyed = pepper if entry.chain_version >= 2 else None  # as the entry was hashed
        redacted_values = {}
        for field, pair in values.items():
            items = pair if isinstance(pair, list) else [pair]
            whole_field = whole and field not in ("organization_id", "contact_id", "archived_at")
            new_items = [
                _erased_value(field, value, whole_field, lowered, phones, keyed) for value in items
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


def _erased_value(
    field: str,
    value: Any,
    whole: bool,
    lowered: list[str],
    phones: list[re.Pattern],
    pepper: bytes | None,
) -> Any:
    """One audit value after erasure: its digest when it is about the person (all of
    it, or text that names them, sealed text read opened); a sealed copy kept beside a
    digest goes when it names them."""
    if value is None:
        return value
    shown = json.dumps(opened_value(value, field), ensure_ascii=False)
    if is_redacted(value):
        if SEALED_COPY in value and _names_them(shown, lowered, phones):
            return {REDACTED: value[REDACTED]}
        return value
    if whole or _names_them(shown, lowered, phones):
        return redacted(value, pepper)
    return value


def _last_digits(phone: re.Pattern) -> str:
    return "".join(re.findall(r"\d", phone.pattern))[-2:]


def _names_them(textual: str, lowered: list[str], phones: list[re.Pattern]) -> bool:
    folded = textual.lower()
    return any(n in folded for n in lowered) or any(p.search(textual) for p in phones)


def _compact_search_index(s: Session) -> None:
    """Merge the search index's segments so the erased words leave it too (FTS5 keeps a
    deleted row's tokens until its segments merge)."""
    if s.get_bind().dialect.name == "sqlite":
        for table in ("contact_fts", "engagement_fts"):
            s.exec(text(f"INSERT INTO {table}({table}) VALUES('optimize')"))
