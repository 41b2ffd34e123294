"""Contacts (people) and their affiliations with organizations."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, update
from sqlmodel import Session, select

from db.foundations import clock
from db.foundations.actor import Actor
from db.foundations.clock import utc_now
from db.foundations.errors import ValidationError
from db.foundations.models import (
    Affiliation,
    Consent,
    Contact,
    ContactPublicRole,
    Generation,
    Organization,
    PublicRole,
    Region,
    UserRole,
    new_uid,
)
from db.rules.contact_mission import contact_mission
from db.rules.record_fields import CONTACT_FIELDS
from db.rules.rows import get_record, record_id, record_id_of
from db.rules.settings import read_settings
from db.store.audit import AuditItem, record_audit, record_audits
from db.store.records import (
    apply_changes,
    expected_version,
    mission_of,
    refuse_if_changed,
    saved_new_version,
    set_archived,
)
from db.store.validation import FieldChecker

_CHUNK = 500  # keys per IN (...) of a bulk read

FIELDS = (*CONTACT_FIELDS, "created_at", "public_roles", "affiliations")
AFFILIATION_FIELDS = ("organization_id", "role_title", "is_primary", "start_date", "end_date")


def _is_arabic_script(text: str) -> bool:
    letters = [c for c in text if unicodedata.category(c).startswith("L")]
    return bool(letters) and all("ARABIC" in unicodedata.name(c, "") for c in letters)


@dataclass(frozen=True)
class _Lookups:
    """What checking many new contacts reads once for all of them, not once each."""

    region_codes: frozenset[str]
    host_country: str
    organizations: Mapping[int, Any]  # id -> (id, archived_at) of those the rows name


def _check(
    s: Session,
    values: Mapping[str, Any],
    *,
    partial: bool,
    current: Contact | None = None,
    lookups: _Lookups | None = None,
) -> dict[str, Any]:
    """The cleaned fields of a contact, or ValidationError. With `lookups` (many new
    contacts at once), emails are left for the caller to compare in one query."""
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
    check.region(s, known=lookups.region_codes if lookups else None)
    check.email("email")
    check.phone("phone", lookups.host_country if lookups else read_settings(s).host_country)
    check.text("preferred_language", max_length=35)
    check.choice("consent", Consent)
    check.day("consent_date", earliest=date(1990, 1, 1), latest=clock.today())
    check.text("consent_source", max_length=200)
    check.flag("do_not_contact")
    check.text("notes", multiline=True)
    check.choices("public_roles", PublicRole)
    check.moment("created_at")
    email = check.clean.get("email")
    if email and lookups is None:
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
                known = lookups.organizations if lookups else None
                cleaned.append(_check_affiliation(s, item, partial=False, known=known))
            except ValidationError as error:
                check.fail("affiliations", f"Affiliation {index + 1}: {error}")
        check.clean["affiliations"] = cleaned
    for field in ("generation", "consent"):
        if check.clean.get(field) is None and field in check.clean:
            check.clean[field] = Generation.UNKNOWN if field == "generation" else Consent.UNKNOWN
    return check.done()


def _check_affiliation(
    s: Session,
    values: Mapping[str, Any],
    *,
    partial: bool,
    known: Mapping[int, Any] | None = None,
) -> dict[str, Any]:
    check = FieldChecker(values, AFFILIATION_FIELDS, partial=partial)
    check.reference(
        s, "organization_id", Organization, required=True, what="Organization", known=known
    )
    check.text("role_title", max_length=120)
    check.flag("is_primary")
    check.day("start_date", earliest=date(1900, 1, 1), latest=clock.today())
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


def create_contacts(
    s: Session, actor: Actor, rows: Sequence[Mapping[str, Any]]
) -> list[int | ValidationError]:
    """Add many people at once (an import), checked as create_contact checks one but
    written in a few statements: for each row its new id, or the ValidationError that
    refused it (refused rows are not written). Raises PermissionDenied, writing nothing,
    when a person would belong to a mission the actor may not change."""
    actor.require_write()
    if not isinstance(rows, list | tuple):
        raise ValidationError({"rows": "The people must be given as a list of their fields."})
    lookups = _batch_lookups(s, rows)
    results: list[int | ValidationError] = []
    accepted: dict[int, dict[str, Any]] = {}
    for index, values in enumerate(rows):
        try:
            accepted[index] = _check(s, values, partial=False, lookups=lookups)
            results.append(0)
        except ValidationError as error:
            results.append(error)
    for index in _emails_taken(s, accepted):
        email = accepted.pop(index)["email"]
        results[index] = ValidationError(
            {"email": f"Another contact already has the email {email}."}
        )
    if not accepted:
        return results
    with s.begin_nested():
        uids = {index: new_uid() for index in accepted}
        ids = _insert_contacts(s, accepted, uids)
        affiliation_ids = _insert_affiliations(s, accepted, ids)
        if actor.role != UserRole.ADMIN:  # a person's mission may come from an organization
            for _id, mission_id in _chunked_select(
                s, select(Contact.id, contact_mission()), Contact.id, ids.values()
            ):
                actor.require_mission(mission_id, "contact")
        items = []
        for index, clean in accepted.items():
            changes = {
                k: (None, v)
                for k, v in clean.items()
                if k not in ("public_roles", "affiliations") and v not in (None, "", False)
            }
            if clean.get("public_roles"):
                changes["public_roles"] = (None, clean["public_roles"])
            items.append(AuditItem("create", "contact", ids[index], changes, uids[index]))
            for affiliation_id, item in zip(
                affiliation_ids[index], clean.get("affiliations") or [], strict=True
            ):
                changes = {k: (None, v) for k, v in item.items() if v not in (None, "", False)}
                changes = {"contact_id": (None, ids[index]), **changes}
                items.append(AuditItem("create", "affiliation", affiliation_id, changes))
        record_audits(s, actor, items)
    for index, contact_id in ids.items():
        results[index] = contact_id
    return results


def _batch_lookups(s: Session, rows: Sequence[Mapping[str, Any]]) -> _Lookups:
    """The regions, host country and named organizations that checking `rows` needs."""
    organization_ids = set()
    for values in rows:
        items = values.get("affiliations") if isinstance(values, Mapping) else None
        for item in items if isinstance(items, list | tuple) else ():
            if isinstance(item, Mapping):
                with suppress(ValidationError):  # the check says what is wrong with it
                    organization_ids.add(record_id(item.get("organization_id"), "id", "id"))
    found = _chunked_select(
        s, select(Organization.id, Organization.archived_at), Organization.id, organization_ids
    )
    return _Lookups(
        region_codes=frozenset(s.exec(select(Region.code))),
        host_country=read_settings(s).host_country,
        organizations={row.id: row for row in found},
    )


def _chunked_select(s: Session, statement, column, keys: Iterable[Any]) -> list[Any]:
    """The rows of `statement` where `column` is one of `keys`, a few hundred at a time."""
    keys, found = list(keys), []
    for start in range(0, len(keys), _CHUNK):
        found.extend(s.exec(statement.where(column.in_(keys[start : start + _CHUNK]))).all())
    return found


def _emails_taken(s: Session, accepted: dict[int, dict[str, Any]]) -> list[int]:
    """The rows whose email a live contact already has, or an earlier row of the batch."""
    folded = {
        index: clean["email"].lower() for index, clean in accepted.items() if clean.get("email")
    }
    lower_email = func.lower(Contact.email)
    taken = set(
        _chunked_select(
            s,
            select(lower_email).where(Contact.archived_at.is_(None)),
            lower_email,
            set(folded.values()),
        )
    )
    refused = []
    for index, email in folded.items():
        if email in taken:
            refused.append(index)
        taken.add(email)
    return refused


def _insert_contacts(
    s: Session, accepted: dict[int, dict[str, Any]], uids: dict[int, str]
) -> dict[int, int]:
    """Insert the checked contacts and their public roles; row index -> new id."""
    now = utc_now()
    defaults = {**_defaults(Contact), "created_at": now, "updated_at": now}
    rows = [
        {
            **defaults,
            **{k: v for k, v in clean.items() if k not in ("public_roles", "affiliations")},
            "uid": uids[index],
        }
        for index, clean in accepted.items()
    ]
    s.execute(insert(Contact.__table__), rows)
    by_uid = dict(_chunked_select(s, select(Contact.uid, Contact.id), Contact.uid, uids.values()))
    ids = {index: by_uid[uid] for index, uid in uids.items()}
    roles = [
        {"contact_id": ids[index], "role": role}
        for index, clean in accepted.items()
        for role in clean.get("public_roles") or []
    ]
    if roles:
        s.execute(insert(ContactPublicRole.__table__), roles)
    return ids


def _insert_affiliations(
    s: Session, accepted: dict[int, dict[str, Any]], ids: dict[int, int]
) -> dict[int, list[int]]:
    """Insert the new contacts' affiliations; row index -> their ids, in order. A primary
    one takes that place from anyone else in the organization, as one by one."""
    rows = [
        {**_defaults(Affiliation), **item, "contact_id": ids[index]}
        for index, clean in accepted.items()
        for item in clean.get("affiliations") or []
    ]
    by_contact: dict[int, list[int]] = {index: [] for index in accepted}
    if not rows:
        return by_contact
    s.execute(insert(Affiliation.__table__), rows)
    index_of = {contact_id: index for index, contact_id in ids.items()}
    inserted = _chunked_select(
        s,
        select(Affiliation.id, Affiliation.contact_id).order_by(Affiliation.id),
        Affiliation.contact_id,
        ids.values(),
    )
    for affiliation_id, contact_id in sorted(inserted):
        by_contact[index_of[contact_id]].append(affiliation_id)
    for row, affiliation_id in zip(rows, [a for i in accepted for a in by_contact[i]], strict=True):
        if row["is_primary"]:
            s.execute(
                update(Affiliation)
                .where(
                    Affiliation.organization_id == row["organization_id"],
                    Affiliation.id < affiliation_id,  # those there before it, as one by one
                )
                .values(is_primary=False)
            )
    return by_contact


def _defaults(model: type) -> dict[str, Any]:
    """A model's plain column defaults (not its generated ones), for rows inserted in bulk."""
    return {
        name: field.default
        for name, field in model.model_fields.items()
        if name != "id" and not field.is_required() and field.default_factory is None
    }


def update_contact(s: Session, actor: Actor, contact_id: int, values: Mapping[str, Any]) -> None:
    """Change the given fields of a contact (affiliations have their own functions)."""
    actor.require_write()
    values, version = expected_version(values)
    contact = get_record(s, Contact, contact_id, "contact", to_change=True)
    actor.require_mission(mission_of(s, contact), "contact")
    _refuse_erased(contact)
    refuse_if_changed(s, contact, version, "contact")
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
        saved_new_version(contact)
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
