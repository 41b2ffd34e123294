"""Everything Rabta holds about one person, for a subject access request, and the people
held longer than the installation's review period without an engagement.

The subject access export is complete: it includes confidential engagements the person
appears in, since it is about them; only administrators may make one (db/foundations/actor.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from db.foundations import clock
from db.foundations.actor import Actor
from db.foundations.errors import PermissionDenied
from db.foundations.labels import label_of
from db.foundations.models import (
    Affiliation,
    AuditEntry,
    Contact,
    ContactPublicRole,
    Engagement,
    EngagementContact,
    EngagementOrganization,
    Mission,
    Organization,
    PublicRole,
)
from db.queries.audit import FieldChange, field_changes
from db.rules.record_fields import CONTACT_FIELDS
from db.rules.rows import get_record

# The contact's fields in the order a person reads them.
PERSONAL_FIELDS = ("created_at", "updated_at", "archived_at", "erased_at", *CONTACT_FIELDS)


@dataclass(frozen=True)
class HeldEngagement:
    """An engagement the person appears in."""

    id: int
    date: date
    kind: str
    subject: str
    summary: str
    outcome: str
    confidential: bool
    mission: str
    organizations: list[str]


@dataclass(frozen=True)
class AuditMention:
    """An audit entry about the person or naming them."""

    id: int
    at: datetime
    username: str
    action: str
    entity: str
    changes: list[FieldChange]


@dataclass(frozen=True)
class SubjectAccess:
    """What Rabta holds about one contact."""

    contact_id: int
    uid: str
    name: str
    prepared_at: datetime
    prepared_by: str
    installation_name: str
    personal: list[tuple[str, Any]]
    public_roles: list[str]
    affiliations: list[dict[str, Any]]
    engagements: list[HeldEngagement] = field(default_factory=list)
    audit: list[AuditMention] = field(default_factory=list)

    def as_json(self) -> str:
        """The export as JSON: plain values, ISO dates, UTF-8 text."""

        def plain(value: Any) -> Any:
            if isinstance(value, datetime | date):
                return value.isoformat()
            return value

        document = {
            "format": "rabta-subject-access-1",
            "prepared_at": self.prepared_at.isoformat(),
            "prepared_by": self.prepared_by,
            "installation": self.installation_name,
            "contact": {"id": self.contact_id, "uid": self.uid}
            | {name: plain(value) for name, value in self.personal},
            "public_roles": self.public_roles,
            "affiliations": [{k: plain(v) for k, v in a.items()} for a in self.affiliations],
            "engagements": [{k: plain(v) for k, v in vars(e).items()} for e in self.engagements],
            "audit_entries": [
                {
                    "id": a.id,
                    "at": a.at.isoformat(),
                    "user": a.username,
                    "action": a.action,
                    "record": a.entity,
                    "changes": {c.field: [plain(c.old), plain(c.new)] for c in a.changes},
                }
                for a in self.audit
            ],
        }
        return json.dumps(document, ensure_ascii=False, indent=2)


def subject_access(s: Session, viewer: Actor, contact_id: int) -> SubjectAccess:
    """Everything held about a contact (administrators only)."""
    from db.rules.settings import read_settings

    viewer.require_admin()
    contact = get_record(s, Contact, contact_id, "contact")
    roles = sorted(
        label_of(PublicRole, r)
        for r in s.exec(
            select(ContactPublicRole.role).where(ContactPublicRole.contact_id == contact.id)
        )
    )
    affiliations = [
        {
            "organization": org_name,
            "role_title": a.role_title,
            "primary": a.is_primary,
            "start_date": a.start_date,
            "end_date": a.end_date,
        }
        for a, org_name in s.exec(
            select(Affiliation, Organization.name)
            .join(Organization, Organization.id == Affiliation.organization_id)
            .where(Affiliation.contact_id == contact.id)
            .order_by(Organization.name)
        )
    ]
    return SubjectAccess(
        contact_id=contact.id,
        uid=contact.uid,
        name=" ".join(p for p in (contact.honorific, contact.given_name, contact.family_name) if p),
        prepared_at=clock.utc_now(),
        prepared_by=viewer.display_name or viewer.username,
        installation_name=read_settings(s).installation_name,
        personal=[(name, getattr(contact, name)) for name in PERSONAL_FIELDS],
        public_roles=roles,
        affiliations=affiliations,
        engagements=_engagements(s, contact.id),
        audit=_mentions(s, contact),
    )


def _engagements(s: Session, contact_id: int) -> list[HeldEngagement]:
    rows = s.exec(
        select(Engagement, Mission.code)
        .join(EngagementContact, EngagementContact.engagement_id == Engagement.id)
        .outerjoin(Mission, Mission.id == Engagement.mission_id)
        .where(EngagementContact.contact_id == contact_id)
        .order_by(col(Engagement.date).desc(), col(Engagement.id).desc())
    ).all()
    names: dict[int, list[str]] = {}
    for engagement_id, name in s.exec(
        select(EngagementOrganization.engagement_id, Organization.name)
        .join(Organization, Organization.id == EngagementOrganization.organization_id)
        .where(col(EngagementOrganization.engagement_id).in_([e.id for e, _ in rows]))
        .order_by(Organization.name)
    ):
        names.setdefault(engagement_id, []).append(name)
    return [
        HeldEngagement(
            id=e.id,
            date=e.date,
            kind=e.kind,
            subject=e.subject,
            summary=e.summary,
            outcome=e.outcome,
            confidential=e.sensitivity == "confidential",
            mission=code or "",
            organizations=names.get(e.id, []),
        )
        for e, code in rows
    ]


def _mentions(s: Session, contact: Contact) -> list[AuditMention]:
    affiliation_ids = s.exec(
        select(Affiliation.id).where(Affiliation.contact_id == contact.id)
    ).all()
    needles = [
        v
        for v in (
            " ".join(p for p in (contact.given_name, contact.family_name) if p),
            contact.name_urdu,
            contact.email,
            contact.phone,
        )
        if v and len(v) >= 3 and contact.erased_at is None
    ]
    entries = s.exec(
        select(AuditEntry)
        .where(
            or_(
                (AuditEntry.entity_type == "contact") & (AuditEntry.entity_id == contact.id),
                (AuditEntry.entity_type == "affiliation")
                & col(AuditEntry.entity_id).in_(affiliation_ids),
                *(col(AuditEntry.changes).contains(n, autoescape=True) for n in needles),
            )
        )
        .order_by(AuditEntry.id)
    ).all()
    return [
        AuditMention(
            id=entry.id,
            at=entry.at,
            username=entry.username,
            action=entry.action,
            entity=f"{entry.entity_type} {entry.entity_id or ''}".strip(),
            changes=field_changes(entry.changes),
        )
        for entry in entries
    ]


@dataclass(frozen=True)
class DueForReview:
    """A contact held without an engagement for longer than the review period."""

    contact_id: int
    name: str
    created_at: datetime
    last_engagement: date | None


def contacts_due_for_review(
    s: Session, viewer: Actor, *, today: date, years: int, limit: int = 1000
) -> tuple[int, list[DueForReview]]:
    """Contacts (not erased) with no engagement in the last `years` years and added before
    then, oldest first: the total and up to `limit` of them. Supervisors and administrators
    review them."""
    if not viewer.supervises:
        raise PermissionDenied(
            f"Only supervisors and administrators review who is held; {viewer.username} is not one."
        )
    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - years, day=28)
    last = (
        select(
            EngagementContact.contact_id.label("contact_id"),
            func.max(Engagement.date).label("last_on"),
        )
        .join(Engagement, Engagement.id == EngagementContact.engagement_id)
        .group_by(EngagementContact.contact_id)
        .subquery()
    )
    due = (
        select(
            Contact.id, Contact.given_name, Contact.family_name, Contact.created_at, last.c.last_on
        )
        .outerjoin(last, last.c.contact_id == Contact.id)
        .where(
            col(Contact.erased_at).is_(None),
            Contact.created_at < datetime.combine(cutoff, datetime.min.time(), tzinfo=UTC),
            or_(last.c.last_on.is_(None), last.c.last_on < cutoff),
        )
    )
    total = s.exec(select(func.count()).select_from(due.subquery())).one()
    rows = s.exec(
        due.order_by(func.coalesce(last.c.last_on, Contact.created_at), Contact.id).limit(limit)
    ).all()
    return total, [
        DueForReview(
            contact_id=row[0],
            name=" ".join(p for p in (row[1], row[2]) if p),
            created_at=row[3],
            last_engagement=row[4],
        )
        for row in rows
    ]
