"""The rows an export writes: whole records (not the list's display columns) for the
ids a list's filter matches, in the list's order, fetched a chunk at a time so memory
stays bounded however long the list. The visibility rule applies as on screen: hidden
confidential engagements are not among the ids, and the email and phone of people who
refused consent or asked not to be contacted are left blank."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.foundations.actor import Actor
from db.foundations.models import (
    Affiliation,
    Contact,
    ContactPublicRole,
    Engagement,
    EngagementContact,
    EngagementOrganization,
    Mission,
    Organization,
    OrganizationMechanism,
    OrganizationTag,
    Program,
    ProgramParticipant,
    Tag,
    User,
)
from db.rules.visibility import withholds_contact_details

CHUNK = 1000


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def _grouped(pairs) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def _missions(s: Session) -> dict[int, str]:
    return dict(s.exec(select(Mission.id, Mission.code)).all())


def contact_label(contact: Contact) -> str:
    """How an exported list names a person: "Given Family <email>" when the email may be
    shown, else the name alone; the import reads either back."""
    name = f"{contact.given_name} {contact.family_name}".strip()
    if contact.email and not withholds_contact_details(contact):
        return f"{name} <{contact.email}>"
    return name


def organization_rows(s: Session, actor: Actor, ids: Sequence[int]) -> Iterator[dict]:
    """Whole organizations, with their mechanisms, tags and mission code."""
    missions = _missions(s)
    for chunk in _chunks(ids):
        found = {
            o.id: o for o in s.exec(select(Organization).where(col(Organization.id).in_(chunk)))
        }
        mechanisms = _grouped(
            s.exec(
                select(OrganizationMechanism.organization_id, OrganizationMechanism.mechanism)
                .where(col(OrganizationMechanism.organization_id).in_(chunk))
                .order_by(OrganizationMechanism.mechanism)
            )
        )
        tags = _grouped(
            s.exec(
                select(OrganizationTag.organization_id, Tag.name)
                .join(Tag, Tag.id == OrganizationTag.tag_id)
                .where(col(OrganizationTag.organization_id).in_(chunk))
                .order_by(Tag.name)
            )
        )
        for key in chunk:
            o = found.get(key)
            if o is None:
                continue
            yield {
                **{f: getattr(o, f) for f in _ORGANIZATION_FIELDS},
                "mission": missions.get(o.mission_id, ""),
                "mechanisms": mechanisms.get(o.id, []),
                "tags": tags.get(o.id, []),
                "last_engagement_on": o.last_engagement_on
                if actor.sees_all_confidential
                else o.last_normal_engagement_on,
            }
        s.expunge_all()


_ORGANIZATION_FIELDS = (
    "name",
    "acronym",
    "kind",
    "status",
    "priority",
    "website",
    "email",
    "phone",
    "address",
    "city",
    "region_code",
    "hometown_district",
    "hometown_province",
    "founded_year",
    "members_estimate",
    "description",
    "created_at",
)
_CONTACT_FIELDS = (
    "honorific",
    "given_name",
    "family_name",
    "name_urdu",
    "profession",
    "email",
    "phone",
    "city",
    "region_code",
    "generation",
    "preferred_language",
    "consent",
    "consent_date",
    "consent_source",
    "do_not_contact",
    "notes",
    "created_at",
    "uid",
)


def contact_rows(s: Session, actor: Actor, ids: Sequence[int]) -> Iterator[dict]:
    """Whole contacts with their primary organization and role; email and phone blank
    where the person's details are withheld."""
    for chunk in _chunks(ids):
        found = {c.id: c for c in s.exec(select(Contact).where(col(Contact.id).in_(chunk)))}
        roles = _grouped(
            s.exec(
                select(ContactPublicRole.contact_id, ContactPublicRole.role)
                .where(col(ContactPublicRole.contact_id).in_(chunk))
                .order_by(ContactPublicRole.role)
            )
        )
        primary: dict[int, tuple[str, str]] = {}
        for contact_id, name, role in s.exec(
            select(Affiliation.contact_id, Organization.name, Affiliation.role_title)
            .join(Organization, Organization.id == Affiliation.organization_id)
            .where(col(Affiliation.contact_id).in_(chunk))
            .order_by(col(Affiliation.is_primary).desc(), Affiliation.id)
        ):
            primary.setdefault(contact_id, (name, role))
        for key in chunk:
            c = found.get(key)
            if c is None:
                continue
            row = {f: getattr(c, f) for f in _CONTACT_FIELDS}
            if withholds_contact_details(c):
                row["email"] = row["phone"] = ""
            organization, role = primary.get(c.id, ("", ""))
            row |= {
                "public_roles": roles.get(c.id, []),
                "organization": organization,
                "role_title": role,
                "withheld": withholds_contact_details(c),
            }
            yield row
        s.expunge_all()


def affiliation_rows(s: Session, actor: Actor, contact_ids: Sequence[int]) -> Iterator[dict]:
    """Every affiliation of the given contacts, contact by contact."""
    for chunk in _chunks(contact_ids):
        contacts = {c.id: c for c in s.exec(select(Contact).where(col(Contact.id).in_(chunk)))}
        rows = _grouped(
            (a.contact_id, (a, name))
            for a, name in s.exec(
                select(Affiliation, Organization.name)
                .join(Organization, Organization.id == Affiliation.organization_id)
                .where(col(Affiliation.contact_id).in_(chunk))
                .order_by(Affiliation.id)
            )
        )
        for key in chunk:
            c = contacts.get(key)
            if c is None:
                continue
            for affiliation, organization in rows.get(key, []):
                yield {
                    "contact": f"{c.given_name} {c.family_name}".strip(),
                    "contact_email": "" if withholds_contact_details(c) else c.email,
                    "organization": organization,
                    "role_title": affiliation.role_title,
                    "is_primary": affiliation.is_primary,
                    "start_date": affiliation.start_date,
                    "end_date": affiliation.end_date,
                }
        s.expunge_all()


def engagement_rows(s: Session, actor: Actor, ids: Sequence[int]) -> Iterator[dict]:
    """Whole engagements with their organizations, people, mission, officer and program
    named; the ids come from a filter that applied the visibility rule."""
    missions = _missions(s)
    officers = dict(s.exec(select(User.id, User.username)).all())
    programs = dict(s.exec(select(Program.id, Program.name)).all())
    for chunk in _chunks(ids):
        found = {e.id: e for e in s.exec(select(Engagement).where(col(Engagement.id).in_(chunk)))}
        organizations = _grouped(
            s.exec(
                select(EngagementOrganization.engagement_id, Organization.name)
                .join(Organization, Organization.id == EngagementOrganization.organization_id)
                .where(col(EngagementOrganization.engagement_id).in_(chunk))
                .order_by(func.lower(Organization.name))
            )
        )
        people = _grouped(
            (engagement_id, contact_label(contact))
            for engagement_id, contact in s.exec(
                select(EngagementContact.engagement_id, Contact)
                .join(Contact, Contact.id == EngagementContact.contact_id)
                .where(col(EngagementContact.engagement_id).in_(chunk))
                .order_by(func.lower(Contact.family_name), Contact.id)
            )
        )
        for key in chunk:
            e = found.get(key)
            if e is None:
                continue
            yield {
                "date": e.date,
                "kind": e.kind,
                "subject": e.subject,
                "organizations": organizations.get(e.id, []),
                "contacts": people.get(e.id, []),
                "mission": missions.get(e.mission_id, ""),
                "officer": officers.get(e.officer_id, ""),
                "program": programs.get(e.program_id, ""),
                "mechanism": e.mechanism,
                "summary": e.summary,
                "outcome": e.outcome,
                "follow_up_date": e.follow_up_date,
                "follow_up_done_at": e.follow_up_done_at,
                "sensitivity": e.sensitivity,
                "uid": e.uid,
            }
        s.expunge_all()


def program_rows(s: Session, actor: Actor, ids: Sequence[int]) -> Iterator[dict]:
    """Whole programs with their lead mission and participating organizations."""
    missions = _missions(s)
    for chunk in _chunks(ids):
        found = {p.id: p for p in s.exec(select(Program).where(col(Program.id).in_(chunk)))}
        participants = _grouped(
            s.exec(
                select(ProgramParticipant.program_id, Organization.name)
                .join(Organization, Organization.id == ProgramParticipant.organization_id)
                .where(col(ProgramParticipant.program_id).in_(chunk))
                .order_by(func.lower(Organization.name))
            )
        )
        for key in chunk:
            p = found.get(key)
            if p is None:
                continue
            yield {
                "name": p.name,
                "kind": p.kind,
                "mechanism": p.mechanism,
                "status": p.status,
                "mission": missions.get(p.lead_mission_id, ""),
                "start_date": p.start_date,
                "end_date": p.end_date,
                "budget": None if p.budget_minor is None else p.budget_minor / 100,
                "budget_currency": p.budget_currency,
                "participants": participants.get(p.id, []),
                "description": p.description,
                "program_id": p.id,
            }
        s.expunge_all()
