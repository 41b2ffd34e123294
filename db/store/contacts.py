"""Contacts (people) and their affiliations with organizations."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, select

from db.errors import ValidationError
from db.models import (
    Affiliation,
    Consent,
    Contact,
    ContactPublicRole,
    Generation,
    Organization,
    PublicRole,
)
from db.store.actor import Actor
from db.store.audit import record_audit
from db.store.records import apply_changes, get_record, mission_of, record_id_of, set_archived
from db.store.settings import get_setting
from db.store.validation import FieldChecker

SCALAR_FIELDS = (
    "given_name",
    "family_name",
    "name_urdu",
    "honorific",
    "profession",
    "generation",
    "city",
    "region_code",
    "email",
    "phone",
    "preferred_language",
    "consent",
    "consent_date",
    "consent_source",
    "do_not_contact",
    "notes",
)
FIELDS = (*SCALAR_FIELDS, "created_at", "public_roles", "affiliations")
AFFILIATION_FIELDS = ("organization_id", "role_title", "is_primary", "start_date", "end_date")


def _is_arabic_script(text: str) -> bool:
    letters = [c for c in text if unicodedata.category(c).startswith("L")]
    return bool(letters) and all("ARABIC" in unicodedata.name(c, "") for c in letters)


def _check(
    s: Session, values: Mapping[str, Any], *, partial: bool, current: Contact | None = None
) -> dict[str, Any]:
    check = FieldChecker(values, FIELDS, partial=partial)
    check.text("given_name", required=True, max_length=100, label_text="Given name")
    check.text("family_name", max_length=100)
    check.text("name_urdu", max_length=200, label_text="Name in Urdu")
    if check.clean.get("name_urdu") and not _is_arabic_script(check.clean["name_urdu"]):
        check.fail("name_urdu", "The name in Urdu must be written in Urdu (Arabic) script.")
    check.text("honorific", max_length=30)
    check.text("profession", max_length=120)
    check.choice("generation", Generation)
    check.text("city", max_length=120)
    check.region(s)
    check.email("email")
    check.phone("phone", get_setting(s, "host_country"))
    check.text("preferred_language", max_length=35)
    check.choice("consent", Consent)
    check.day("consent_date", earliest=date(1990, 1, 1), latest=date.today())
    check.text("consent_source", max_length=200)
    check.flag("do_not_contact")
    check.text("notes", multiline=True)
    check.choices("public_roles", PublicRole)
    check.moment("created_at")
    email = check.clean.get("email")
    if email:
        same = s.exec(
            select(Contact.id).where(
                func.lower(Contact.email) == email.lower(), Contact.archived_at.is_(None)
            )
        ).first()
        if same is not None and (current is None or same != current.id):
            check.fail("email", f"Another contact already has the email {email}.")
    if "affiliations" in values:
        if current is not None:
            raise ValidationError(
                {"affiliations": "Affiliations are changed one by one, not with the contact."}
            )
        items = values["affiliations"] or ()
        if not isinstance(items, list | tuple):
            raise ValidationError({"affiliations": "Affiliations must be a list."})
        cleaned = []
        for index, item in enumerate(items):
            try:
                cleaned.append(_check_affiliation(s, item, partial=False))
            except ValidationError as error:
                check.fail("affiliations", f"Affiliation {index + 1}: {error}")
        check.clean["affiliations"] = cleaned
    for field in ("generation", "consent"):
        if check.clean.get(field) is None and field in check.clean:
            check.clean[field] = Generation.UNKNOWN if field == "generation" else Consent.UNKNOWN
    return check.done()


def _check_affiliation(s: Session, values: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    check = FieldChecker(values, AFFILIATION_FIELDS, partial=partial)
    check.reference(s, "organization_id", Organization, required=True, what="Organization")
    check.text("role_title", max_length=120)
    check.flag("is_primary")
    check.day("start_date", earliest=date(1900, 1, 1), latest=date.today())
    check.day("end_date", earliest=date(1900, 1, 1))
    start, end = check.clean.get("start_date"), check.clean.get("end_date")
    if start and end and end < start:
        check.fail("end_date", "The affiliation cannot end before it starts.")
    return check.done()


def create_contact(s: Session, actor: Actor, values: Mapping[str, Any]) -> int:
    """Add a person, with public roles and affiliations if given; return the id."""
    actor.require_write()
    clean = _check(s, values, partial=False)
    roles = clean.pop("public_roles", [])
    affiliations = clean.pop("affiliations", [])
    contact = Contact(**clean)
    s.add(contact)
    s.flush()
    _set_roles(s, contact.id, roles)
    changes = {k: (None, v) for k, v in clean.items() if v not in (None, "", False)}
    if roles:
        changes["public_roles"] = (None, roles)
    record_audit(s, actor, "create", "contact", contact.id, changes, contact.uid)
    for item in affiliations:
        _add_affiliation(s, actor, contact.id, item)
    actor.require_mission(mission_of(s, contact), "contact")
    return contact.id


def update_contact(s: Session, actor: Actor, contact_id: int, values: Mapping[str, Any]) -> None:
    """Change the given fields of a contact (affiliations have their own functions)."""
    actor.require_write()
    contact = get_record(s, Contact, contact_id, "contact")
    actor.require_mission(mission_of(s, contact), "contact")
    _refuse_erased(contact)
    clean = _check(s, values, partial=True, current=contact)
    roles = clean.pop("public_roles", None)
    changes = apply_changes(contact, clean)
    if roles is not None:
        old = public_roles_of(s, contact.id)
        if old != roles:
            _set_roles(s, contact.id, roles)
            changes["public_roles"] = (old, roles)
    if changes:
        s.add(contact)
        record_audit(s, actor, "update", "contact", contact.id, changes, contact.uid)


def _refuse_erased(contact: Contact) -> None:
    if contact.erased_at is not None:
        raise ValidationError(
            {"contact_id": f"Contact {contact.id} was erased at their request; add them anew."}
        )


def archive_contact(s: Session, actor: Actor, contact_id: int) -> bool:
    """Hide a contact from lists without losing them; False if archived already."""
    return set_archived(s, actor, Contact, "contact", contact_id, True)


def restore_contact(s: Session, actor: Actor, contact_id: int) -> bool:
    """Bring an archived contact back; False if they were not archived."""
    return set_archived(s, actor, Contact, "contact", contact_id, False)


def add_affiliation(s: Session, actor: Actor, contact_id: int, values: Mapping[str, Any]) -> int:
    """Record that a contact belongs to an organization; return the affiliation id."""
    actor.require_write()
    contact = get_record(s, Contact, contact_id, "contact")
    actor.require_mission(mission_of(s, contact), "contact")
    _refuse_erased(contact)
    return _add_affiliation(s, actor, contact.id, _check_affiliation(s, values, partial=False))


def update_affiliation(
    s: Session, actor: Actor, affiliation_id: int, values: Mapping[str, Any]
) -> None:
    """Change an affiliation's role, primary flag or dates."""
    actor.require_write()
    affiliation = get_record(s, Affiliation, affiliation_id, "affiliation")
    actor.require_mission(mission_of(s, s.get(Contact, affiliation.contact_id)), "contact")
    clean = _check_affiliation(s, values, partial=True)
    start = clean.get("start_date", affiliation.start_date)
    end = clean.get("end_date", affiliation.end_date)
    if start and end and end < start:
        raise ValidationError({"end_date": "The affiliation cannot end before it starts."})
    changes = apply_changes(affiliation, clean)
    if changes:
        if clean.get("is_primary"):
            _clear_other_primaries(s, affiliation)
        s.add(affiliation)
        record_audit(s, actor, "update", "affiliation", affiliation.id, changes)


def remove_affiliation(s: Session, actor: Actor, affiliation_id: int) -> None:
    """Delete an affiliation entered by mistake (to record that one ended, set end_date)."""
    actor.require_write()
    affiliation = get_record(s, Affiliation, affiliation_id, "affiliation")
    actor.require_mission(mission_of(s, s.get(Contact, affiliation.contact_id)), "contact")
    record_audit(
        s,
        actor,
        "delete",
        "affiliation",
        affiliation.id,
        {
            "contact_id": (affiliation.contact_id, None),
            "organization_id": (affiliation.organization_id, None),
            "role_title": (affiliation.role_title, None),
        },
    )
    s.delete(affiliation)


def public_roles_of(s: Session, contact_id: int) -> list[str]:
    """A contact's public roles, sorted."""
    key = record_id_of(contact_id, "contact")
    return sorted(
        s.exec(select(ContactPublicRole.role).where(ContactPublicRole.contact_id == key)).all()
    )


def _add_affiliation(s: Session, actor: Actor, contact_id: int, clean: dict[str, Any]) -> int:
    affiliation = Affiliation(contact_id=contact_id, **clean)
    s.add(affiliation)
    s.flush()
    if affiliation.is_primary:
        _clear_other_primaries(s, affiliation)
    record_audit(
        s,
        actor,
        "create",
        "affiliation",
        affiliation.id,
        {
            "contact_id": (None, contact_id),
            **{k: (None, v) for k, v in clean.items() if v not in (None, "", False)},
        },
    )
    return affiliation.id


def _clear_other_primaries(s: Session, affiliation: Affiliation) -> None:
    """Only one primary contact per organization."""
    others = s.exec(
        select(Affiliation).where(
            Affiliation.organization_id == affiliation.organization_id,
            Affiliation.id != affiliation.id,
            Affiliation.is_primary == True,  # noqa: E712
        )
    )
    for other in others:
        other.is_primary = False
        s.add(other)


def _set_roles(s: Session, contact_id: int, roles: Iterable[str]) -> None:
    s.exec(delete(ContactPublicRole).where(ContactPublicRole.contact_id == contact_id))
    for role in roles:
        s.add(ContactPublicRole(contact_id=contact_id, role=role))
