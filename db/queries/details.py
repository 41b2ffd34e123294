"""What the detail pane shows for one selected record, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from db.foundations.actor import Actor
from db.foundations.errors import NotFound
from db.foundations.labels import label_of
from db.foundations.models import (
    Affiliation,
    Consent,
    Contact,
    ContactPublicRole,
    Engagement,
    EngagementContact,
    EngagementKind,
    Generation,
    Indicator,
    Measurement,
    Mechanism,
    Mission,
    Organization,
    ParticipantRole,
    Program,
    ProgramEvent,
    ProgramKind,
    ProgramParticipant,
    ProgramStatus,
    PublicRole,
    Region,
    Sensitivity,
    User,
)
from db.foundations.periods import quarter_name
from db.queries.engagements import contacts_of_engagement
from db.queries.organization_brief import (
    OrganizationBriefData,
    organization_brief_data,
    readable_phone,
)
from db.rules.event_attendance import event_attendance
from db.rules.rows import linked_ids
from db.rules.settings import read_settings
from db.rules.visibility import (
    may_see_engagement,
    visible_engagements,
    withholds_contact_details,
)


@dataclass(frozen=True)
class Timeline:
    """One line of an engagement list in a detail pane."""

    engagement_id: int
    date: date
    kind: str
    subject: str
    confidential: bool


@dataclass(frozen=True)
class ContactDetail:
    name: str
    name_urdu: str
    profile: list[tuple[str, str]]
    consent: str
    do_not_contact: bool
    affiliations: list[tuple[str, str, bool, date | None, date | None]]
    engagements: list[Timeline]
    archived: bool


@dataclass(frozen=True)
class IndicatorHistory:
    name: str
    unit: str
    target: float | None
    by_quarter: list[tuple[str, float | None]]  # (quarter's name, value), oldest first


@dataclass(frozen=True)
class ProgramDetail:
    name: str
    profile: list[tuple[str, str]]
    description: str
    participants: list[tuple[str, str]]
    events: list[tuple[date, str, str, int | None]]
    indicators: list[IndicatorHistory]
    archived: bool


@dataclass(frozen=True)
class EngagementDetail:
    subject: str
    profile: list[tuple[str, str]]
    summary: str
    outcome: str
    organizations: list[str]
    contacts: list[str]
    follow_up: str
    archived: bool


def organization_detail(s: Session, viewer: Actor, org_id: int) -> OrganizationBriefData:
    """Profile, contacts, engagement timeline, programs and open follow-ups, as `viewer`
    may see them."""
    return organization_brief_data(
        s, viewer, org_id, include_confidential=True, engagement_limit=50, printed=False
    )


def contact_detail(s: Session, viewer: Actor, contact_id: int) -> ContactDetail:
    """Profile, consent and do-not-contact, affiliations and the engagements `viewer` may
    see of one person; email and phone withheld when they refused consent or contact."""
    c = s.get(Contact, contact_id)
    if c is None:
        raise NotFound(f"There is no contact with id {contact_id}.")
    withheld = "withheld (consent refused or do not contact)"
    region = s.get(Region, c.region_code) if c.region_code else None
    roles = s.exec(
        select(ContactPublicRole.role).where(ContactPublicRole.contact_id == contact_id)
    ).all()
    profile = [
        ("Profession", c.profession or "—"),
        ("Generation", label_of(Generation, c.generation)),
        ("Lives in", ", ".join(p for p in (c.city, region.name if region else "") if p) or "—"),
        ("Email", withheld if withholds_contact_details(c) else c.email or "—"),
        ("Phone", withheld if withholds_contact_details(c) else readable_phone(c.phone) or "—"),
        ("Preferred language", c.preferred_language or "—"),
        ("Public roles", ", ".join(label_of(PublicRole, r) for r in roles) or "—"),
    ]
    if c.notes:
        profile.append(("Notes", c.notes))
    consent = label_of(Consent, c.consent)
    if c.consent_date:
        consent += f" on {c.consent_date:%d %b %Y}"
    if c.consent_source:
        consent += f" ({c.consent_source})"
    affiliations = s.exec(
        select(
            Organization.name,
            Affiliation.role_title,
            Affiliation.is_primary,
            Affiliation.start_date,
            Affiliation.end_date,
        )
        .join(Organization, Organization.id == Affiliation.organization_id)
        .where(Affiliation.contact_id == contact_id)
        .order_by(col(Affiliation.end_date).is_not(None), Organization.name)
    ).all()
    engagements = s.exec(
        select(
            Engagement.id,
            Engagement.date,
            Engagement.kind,
            Engagement.subject,
            Engagement.sensitivity,
        )
        .join(EngagementContact, EngagementContact.engagement_id == Engagement.id)
        .where(
            EngagementContact.contact_id == contact_id,
            col(Engagement.archived_at).is_(None),
            visible_engagements(viewer),
        )
        .order_by(col(Engagement.date).desc())
        .limit(50)
    ).all()
    return ContactDetail(
        name=" ".join(p for p in (c.honorific, c.given_name, c.family_name) if p),
        name_urdu=c.name_urdu,
        profile=profile,
        consent=consent,
        do_not_contact=c.do_not_contact,
        affiliations=[tuple(row) for row in affiliations],
        engagements=[
            Timeline(i, d, label_of(EngagementKind, k), subject, sens == Sensitivity.CONFIDENTIAL)
            for i, d, k, subject, sens in engagements
        ],
        archived=c.archived_at is not None,
    )


def program_detail(s: Session, program_id: int, quarters: int = 8) -> ProgramDetail:
    """Participants, events with attendance, and indicators target against actual by quarter."""
    p = s.get(Program, program_id)
    if p is None:
        raise NotFound(f"There is no program with id {program_id}.")
    mission = s.get(Mission, p.lead_mission_id) if p.lead_mission_id else None
    dates = " – ".join(d.strftime("%d %b %Y") for d in (p.start_date, p.end_date) if d)
    budget = f"{p.budget_minor / 100:,.0f} {p.budget_currency}" if p.budget_minor else "—"
    profile = [
        ("Kind", label_of(ProgramKind, p.kind)),
        ("Mechanism", label_of(Mechanism, p.mechanism) or "—"),
        ("Lead mission", mission.name if mission else "—"),
        ("Dates", dates or "—"),
        ("Status", label_of(ProgramStatus, p.status)),
        ("Budget", budget),
    ]
    participants = s.exec(
        select(Organization.name, ProgramParticipant.role)
        .join(ProgramParticipant, ProgramParticipant.organization_id == Organization.id)
        .where(ProgramParticipant.program_id == program_id)
        .order_by(Organization.name)
    ).all()
    events = s.exec(
        select(ProgramEvent.date, ProgramEvent.title, ProgramEvent.city, event_attendance())
        .where(ProgramEvent.program_id == program_id)
        .order_by(col(ProgramEvent.date).desc())
    ).all()
    settings = read_settings(s)

    def named(period: str) -> str:  # one quarter is written one way everywhere
        return quarter_name(
            period,
            fiscal=settings.fiscal,
            fiscal_start_month=settings.fiscal_year_start_month,
        )

    histories = []
    for indicator in s.exec(
        select(Indicator).where(Indicator.program_id == program_id).order_by(Indicator.id)
    ):
        values = s.exec(
            select(Measurement.period, Measurement.value)
            .where(Measurement.indicator_id == indicator.id)
            .order_by(col(Measurement.period_start).desc())
            .limit(quarters)
        ).all()
        histories.append(
            IndicatorHistory(
                indicator.name,
                indicator.unit,
                indicator.target_per_quarter,
                [(named(period), value) for period, value in reversed(values)],
            )
        )
    return ProgramDetail(
        name=p.name,
        profile=profile,
        description=p.description,
        participants=[(name, label_of(ParticipantRole, role)) for name, role in participants],
        events=[tuple(row) for row in events],
        indicators=histories,
        archived=p.archived_at is not None,
    )


def engagement_detail(
    s: Session, viewer: Actor, engagement_id: int, today: date
) -> EngagementDetail:
    """Everything recorded about one engagement `viewer` may see (a confidential one
    another officer logged is NotFound to them)."""
    e = s.get(Engagement, engagement_id)
    if e is None or not may_see_engagement(viewer, e):
        raise NotFound(f"There is no engagement with id {engagement_id} that you may see.")
    mission = s.get(Mission, e.mission_id) if e.mission_id else None
    officer = s.get(User, e.officer_id) if e.officer_id else None
    program = s.get(Program, e.program_id) if e.program_id else None
    org_ids, _contacts = linked_ids(s, engagement_id)
    organizations = [s.get(Organization, i).name for i in org_ids]
    if e.follow_up_date is None:
        follow_up = "None"
    elif e.follow_up_done_at is not None:
        follow_up = f"Due {e.follow_up_date:%d %b %Y}; done {e.follow_up_done_at:%d %b %Y}"
        if e.follow_up_note:
            follow_up += f": {e.follow_up_note}"
    else:
        late = " (overdue)" if e.follow_up_date < today else ""
        follow_up = f"Due {e.follow_up_date:%d %b %Y}{late}"
    profile = [
        ("Date", e.date.strftime("%d %B %Y")),
        ("Kind", label_of(EngagementKind, e.kind)),
        ("Mission", mission.name if mission else "—"),
        ("Officer", officer.display_name if officer else "—"),
        ("Program", program.name if program else "—"),
        ("Mechanism", label_of(Mechanism, e.mechanism) or "—"),
        ("Sensitivity", "Confidential" if e.sensitivity == Sensitivity.CONFIDENTIAL else "Normal"),
    ]
    return EngagementDetail(
        e.subject,
        profile,
        e.summary,
        e.outcome,
        organizations,
        [name for _i, name in contacts_of_engagement(s, engagement_id)],
        follow_up,
        e.archived_at is not None,
    )
