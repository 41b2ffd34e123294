"""What an officer needs before meeting an organization, as plain data for the brief."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

import phonenumbers
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from db.foundations import clock
from db.foundations.actor import Actor
from db.foundations.errors import NotFound
from db.foundations.labels import label_of
from db.foundations.models import (
    Affiliation,
    Consent,
    Contact,
    Engagement,
    EngagementKind,
    EngagementOrganization,
    Mechanism,
    Mission,
    Organization,
    OrganizationKind,
    OrganizationMechanism,
    OrganizationStatus,
    ParticipantRole,
    Priority,
    Program,
    ProgramParticipant,
    ProgramStatus,
    Province,
    Region,
    Sensitivity,
    User,
)
from db.rules.rows import tags_of
from db.rules.settings import read_settings
from db.rules.visibility import (
    require_confidential_allowed,
    visible_engagements,
    withholds_contact_details,
)


@dataclass(frozen=True)
class BriefContact:
    name: str
    name_urdu: str
    role_title: str
    is_primary: bool
    email: str
    phone: str
    do_not_contact: bool
    consent_refused: bool = False
    consent: str = ""  # as the registry records it: Granted, Refused, Unknown
    preferred_language: str = ""


@dataclass(frozen=True)
class BriefEngagement:
    date: date
    kind: str
    subject: str
    outcome: str
    officer: str
    confidential: bool


@dataclass(frozen=True)
class Relationship:
    """The organization's history with the missions, as the viewer may see it."""

    first: date | None
    last: date | None
    per_year: list[tuple[int, int]]  # (year, engagements), oldest first
    officers: list[tuple[str, int]]  # (officer, engagements), most first


@dataclass(frozen=True)
class BriefProgram:
    name: str
    role: str
    status: str


@dataclass(frozen=True)
class BriefFollowUp:
    due: date
    subject: str
    officer: str
    overdue: bool


@dataclass(frozen=True)
class OrganizationBriefData:
    """Everything the one- or two-page organization brief prints."""

    installation_name: str
    marking: str
    generated_at: datetime
    includes_confidential: bool
    name: str
    acronym: str
    profile: list[tuple[str, str]]
    description: str
    contacts: list[BriefContact]
    engagements: list[BriefEngagement]
    programs: list[BriefProgram]
    follow_ups: list[BriefFollowUp]
    hidden_engagements: int = 0  # confidential ones the brief leaves out
    relationship: Relationship | None = None


def readable_phone(e164: str) -> str:
    """A stored E.164 number written the international way, e.g. +1 630-555-0199."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def find_organization(s: Session, wanted: str | int) -> Organization:
    """The organization named by acronym, name or uid (case-insensitive), or by its id
    (a number, as a picker chose it).

    Raises NotFound with up to five close matches when nothing fits exactly.
    """
    live = col(Organization.archived_at).is_(None)
    if isinstance(wanted, int):
        chosen = s.exec(select(Organization).where(live, Organization.id == wanted)).first()
        if chosen is None:
            raise NotFound(f"There is no live organization with id {wanted}.")
        return chosen
    key = wanted.strip().lower()
    if not key:
        raise NotFound("Name the organization by its acronym, name or uid.")
    match = s.exec(
        select(Organization).where(
            live,
            or_(
                func.lower(Organization.acronym) == key,
                func.lower(Organization.name) == key,
                Organization.uid == wanted.strip(),
            ),
        )
    ).first()
    if match is not None:
        return match
    names = s.exec(select(Organization.name, Organization.acronym).where(live)).all()
    candidates = {name.lower(): name for name, _ in names}
    candidates.update(
        {acronym.lower(): f"{name} ({acronym})" for name, acronym in names if acronym}
    )
    close = difflib.get_close_matches(key, list(candidates), n=5, cutoff=0.5)
    contained = [full for low, full in candidates.items() if key and key in low]
    suggestions = list(dict.fromkeys([candidates[c] for c in close] + contained))[:5]
    hint = f" Did you mean: {'; '.join(suggestions)}?" if suggestions else ""
    raise NotFound(f"No organization is called {wanted!r}.{hint}")


def organization_brief_data(
    s: Session,
    viewer: Actor,
    org_id: int,
    *,
    include_confidential: bool = False,
    today: date | None = None,
    engagement_limit: int = 10,
    printed: bool = True,
) -> OrganizationBriefData:
    """The brief's content for one organization as `viewer` may see it: confidential
    engagements left out unless asked for (and then only those the viewer may read);
    the email and phone of people who refused consent or asked not to be contacted
    withheld. A `printed` brief with confidential engagements is for those who may see
    them all (else PermissionDenied); on screen each reader sees what they may."""
    today = today or clock.today()
    org = s.get(Organization, org_id)
    if org is None:
        raise NotFound(f"There is no organization with id {org_id}.")
    settings = read_settings(s)
    if printed:
        require_confidential_allowed(viewer, include_confidential, org.mission_id)
    visible = visible_engagements(viewer, include_confidential=include_confidential)
    mission = s.get(Mission, org.mission_id) if org.mission_id else None
    region = s.get(Region, org.region_code) if org.region_code else None
    mechanisms = s.exec(
        select(OrganizationMechanism.mechanism).where(
            OrganizationMechanism.organization_id == org.id
        )
    ).all()
    place = ", ".join(part for part in (org.city, region.name if region else "") if part)
    profile = [
        ("Kind", label_of(OrganizationKind, org.kind)),
        ("Status", label_of(OrganizationStatus, org.status)),
        ("Priority", label_of(Priority, org.priority)),
        ("Based in", place or "—"),
        ("Mission", mission.name if mission else "No mission covers its region"),
        ("Founded", str(org.founded_year) if org.founded_year else "—"),
        ("Members (estimate)", f"{org.members_estimate:,}" if org.members_estimate else "—"),
        ("Focus", ", ".join(label_of(Mechanism, m) for m in mechanisms) or "—"),
        ("Tags", ", ".join(tags_of(s, org.id)) or "—"),
        ("Contact", " · ".join(p for p in (org.website, org.email, org.phone) if p) or "—"),
    ]
    if org.kind == OrganizationKind.HOMETOWN:
        profile.insert(
            4,
            (
                "Home district",
                f"{org.hometown_district}, {label_of(Province, org.hometown_province)}",
            ),
        )
    if org.archived_at is not None:
        profile.insert(0, ("Archived", org.archived_at.date().isoformat()))
    return OrganizationBriefData(
        installation_name=settings.installation_name,
        marking=settings.marking(include_confidential),
        generated_at=clock.utc_now(),
        includes_confidential=include_confidential,
        name=org.name,
        acronym=org.acronym,
        profile=profile,
        description=org.description,
        contacts=_contacts(s, org.id, today),
        engagements=_engagements(s, org.id, visible, engagement_limit),
        hidden_engagements=_hidden_engagements(s, org.id, visible),
        relationship=_relationship(s, org.id, visible),
        programs=_programs(s, org.id),
        follow_ups=_follow_ups(s, org.id, visible, today),
    )


def _contacts(s: Session, org_id: int, today: date) -> list[BriefContact]:
    rows = s.exec(
        select(Contact, Affiliation.role_title, Affiliation.is_primary)
        .join(Affiliation, Affiliation.contact_id == Contact.id)
        .where(
            Affiliation.organization_id == org_id,
            col(Contact.archived_at).is_(None),
            or_(col(Affiliation.end_date).is_(None), col(Affiliation.end_date) >= today),
        )
        .order_by(col(Affiliation.is_primary).desc(), Contact.family_name, Contact.given_name)
    ).all()
    return [
        BriefContact(
            name=" ".join(p for p in (c.honorific, c.given_name, c.family_name) if p),
            name_urdu=c.name_urdu,
            role_title=role or "",
            is_primary=primary,
            email="" if withholds_contact_details(c) else c.email,
            phone="" if withholds_contact_details(c) else readable_phone(c.phone),
            do_not_contact=c.do_not_contact,
            consent_refused=c.consent == Consent.REFUSED,
            consent=label_of(Consent, c.consent),
            preferred_language=c.preferred_language,
        )
        for c, role, primary in rows
    ]


def _engagements(s: Session, org_id: int, visible, limit: int) -> list[BriefEngagement]:
    clauses = [
        EngagementOrganization.organization_id == org_id,
        col(Engagement.archived_at).is_(None),
        visible,
    ]
    rows = s.exec(
        select(Engagement, User.display_name)
        .join(EngagementOrganization, EngagementOrganization.engagement_id == Engagement.id)
        .outerjoin(User, User.id == Engagement.officer_id)
        .where(*clauses)
        .order_by(col(Engagement.date).desc(), col(Engagement.id).desc())
        .limit(limit)
    ).all()
    return [
        BriefEngagement(
            e.date,
            label_of(EngagementKind, e.kind),
            e.subject,
            e.outcome,
            (officer or "").split(",")[0],
            e.sensitivity == Sensitivity.CONFIDENTIAL,
        )
        for e, officer in rows
    ]


def _relationship(s: Session, org_id: int, visible) -> Relationship:
    """First and last engagement, engagements per year and the officers who know them."""
    rows = s.exec(
        select(Engagement.date, User.display_name)
        .join(EngagementOrganization, EngagementOrganization.engagement_id == Engagement.id)
        .outerjoin(User, User.id == Engagement.officer_id)
        .where(
            EngagementOrganization.organization_id == org_id,
            col(Engagement.archived_at).is_(None),
            visible,
        )
    ).all()
    days = [day for day, _officer in rows]
    per_year = Counter(day.year for day in days)
    officers = Counter((officer or "").split(",")[0] for _day, officer in rows if officer)
    return Relationship(
        first=min(days, default=None),
        last=max(days, default=None),
        per_year=sorted(per_year.items()),
        officers=sorted(officers.items(), key=lambda item: (-item[1], item[0])),
    )


def _hidden_engagements(s: Session, org_id: int, visible) -> int:
    """How many of the organization's live engagements the brief leaves out."""
    return s.exec(
        select(func.count())
        .select_from(Engagement)
        .join(EngagementOrganization, EngagementOrganization.engagement_id == Engagement.id)
        .where(
            EngagementOrganization.organization_id == org_id,
            col(Engagement.archived_at).is_(None),
            ~visible,
        )
    ).one()


def _programs(s: Session, org_id: int) -> list[BriefProgram]:
    rows = s.exec(
        select(Program.name, ProgramParticipant.role, Program.status)
        .join(ProgramParticipant, ProgramParticipant.program_id == Program.id)
        .where(ProgramParticipant.organization_id == org_id, col(Program.archived_at).is_(None))
        .order_by(Program.name)
    ).all()
    return [
        BriefProgram(name, label_of(ParticipantRole, role), label_of(ProgramStatus, status))
        for name, role, status in rows
    ]


def _follow_ups(s: Session, org_id: int, visible, today: date) -> list[BriefFollowUp]:
    clauses = [
        EngagementOrganization.organization_id == org_id,
        col(Engagement.archived_at).is_(None),
        col(Engagement.follow_up_date).is_not(None),
        col(Engagement.follow_up_done_at).is_(None),
        visible,
    ]
    rows = s.exec(
        select(Engagement.follow_up_date, Engagement.subject, User.display_name)
        .join(EngagementOrganization, EngagementOrganization.engagement_id == Engagement.id)
        .outerjoin(User, User.id == Engagement.officer_id)
        .where(*clauses)
        .order_by(Engagement.follow_up_date)
    ).all()
    return [
        BriefFollowUp(due, subject, (officer or "").split(",")[0], due < today)
        for due, subject, officer in rows
    ]
