"""The figures the quarterly report and the Dashboard share, each computed in SQL over one
scope: key figures, engagements by month, mechanism and mission, indicators, program
events, dormant priority organizations, regions and hometowns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, distinct, func, or_
from sqlmodel import Session, col, select

from db.figures.scope import Scope
from db.foundations.labels import label_of
from db.foundations.models import (
    GUESTS_WHO_CAME,
    Engagement,
    EngagementOrganization,
    GuestStatus,
    Indicator,
    Jurisdiction,
    Measurement,
    Mission,
    Organization,
    OrganizationKind,
    Priority,
    Program,
    ProgramEvent,
    Province,
    Region,
)
from db.foundations.models import Contact as ContactModel
from db.foundations.periods import Quarter
from db.queries.created_within import created_within, day_start
from db.rules.contact_mission import contact_mission
from db.rules.event_attendance import event_attendance, guests_who
from db.rules.settings import read_settings

DORMANT_AFTER_DAYS = 180
INVITED_BEFORE = tuple(status for status in GuestStatus if status != GuestStatus.WALK_IN)


# Tables of follow-ups and dormant organizations print at most this many rows.
LIST_LIMIT = 200


def percent_of(value: float | None, target: float | None) -> float | None:
    """`value` as a percentage of `target`; None when either is unknown or the target 0."""
    if value is None or not target:
        return None
    return 100.0 * value / target


@dataclass(frozen=True)
class KeyFigures:
    """The headline numbers of one quarter."""

    engagements: int
    organizations_engaged: int
    new_organizations: int
    new_contacts: int
    program_events: int
    attendance: int
    events_with_attendance: int = 0  # events whose attendance was recorded


@dataclass(frozen=True)
class CountRow:
    """One bar of a chart or one line of a breakdown."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class IndicatorResult:
    program: str
    indicator: str
    unit: str
    target: float | None
    actual: float | None
    previous: float | None
    program_id: int | None = field(default=None, compare=False)  # where it opens, not a figure

    @property
    def percent_achieved(self) -> float | None:
        """Actual as a percentage of target, when both are known."""
        return percent_of(self.actual, self.target)


@dataclass(frozen=True)
class ProgramEventRow:
    """An event with its attendance: counted from its guest list once anyone on it has
    come (checked in or walked in, with companions), else the number typed for it."""

    program: str
    date: date
    title: str
    city: str
    attendance: int | None
    program_id: int | None = field(default=None, compare=False)  # where it opens, not a figure
    invited: int = 0  # on the guest list before the day (walk-ins are not)
    accepted: int = 0  # said yes (those who came, or did not, after saying yes, too)
    walk_ins: int = 0  # came without an invitation: each a new contact
    came: int = 0  # checked in or walked in, without companions
    counted: bool = False  # attendance counted from the guest list

    @property
    def share_came(self) -> float | None:
        """The share of those invited who came, when anyone was invited."""
        return (self.came - self.walk_ins) / self.invited if self.invited else None


@dataclass(frozen=True)
class DormantOrganization:
    name: str
    kind: str
    mission_code: str
    last_engagement: date | None
    organization_id: int  # for the window to open it


@dataclass(frozen=True)
class RegionFigures:
    """One region of the host country: its organizations in the scope, the quarter's
    engagements with them, and the mission that covers it."""

    code: str  # ISO 3166-2, e.g. US-TX
    name: str
    organizations: int
    engagements: int
    mission_code: str  # "" when no mission covers it


@dataclass(frozen=True)
class HometownFigures:
    """Hometown associations from one district of origin."""

    province: str  # label, e.g. Punjab; "" when not recorded
    district: str
    organizations: int
    province_code: str = ""  # as stored, for the list it opens


def key_figures(
    s: Session, scope: Scope, quarter: Quarter, organizations_engaged: int | None = None
) -> KeyFigures:
    """The headline numbers of one quarter in the scope (`organizations_engaged` when the
    caller has counted them already)."""
    in_quarter = scope.engagements(quarter.start, quarter.end)
    engagements = s.exec(select(func.count()).select_from(Engagement).where(*in_quarter)).one()
    organizations = organizations_engaged
    if organizations is None:
        organizations = s.exec(
            select(func.count(distinct(EngagementOrganization.organization_id)))
            .join(Engagement, Engagement.id == EngagementOrganization.engagement_id)
            .where(*in_quarter)
        ).one()
    created = and_(*created_within(col(Organization.created_at), quarter.start, quarter.end))
    new_organizations = s.exec(
        select(func.count()).select_from(Organization).where(created, *scope.organizations())
    ).one()
    contact_created = [
        *created_within(col(ContactModel.created_at), quarter.start, quarter.end),
        col(ContactModel.archived_at).is_(None),
    ]
    if scope.mission_id is not None:
        contact_created.append(contact_mission() == scope.mission_id)
    new_contacts = s.exec(
        select(func.count()).select_from(ContactModel).where(*contact_created)
    ).one()
    attended = event_attendance()
    events, attendance, counted = s.exec(
        select(
            func.count(ProgramEvent.id),
            func.coalesce(func.sum(attended), 0),
            func.count(attended),
        )
        .join(Program, Program.id == ProgramEvent.program_id)
        .where(col(ProgramEvent.date).between(quarter.start, quarter.end), *scope.programs())
    ).one()
    return KeyFigures(
        engagements,
        organizations,
        new_organizations,
        new_contacts,
        events,
        int(attendance),
        counted,
    )


def by_month(s: Session, scope: Scope, quarter: Quarter) -> list[CountRow]:
    # One range count per month walks the date index; grouping by an expression of the
    # date would compute it for every engagement of the quarter.
    rows = []
    day = quarter.start
    while day <= quarter.end:
        next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        last_day = min(next_month - timedelta(days=1), quarter.end)
        count = s.exec(
            select(func.count()).select_from(Engagement).where(*scope.engagements(day, last_day))
        ).one()
        rows.append(CountRow(f"{day:%Y-%m}", f"{day:%B %Y}", count))
        day = next_month
    return rows


def _grouped_over_dates(s: Session, column):
    """`column` to GROUP BY over a range of engagement dates. SQLite would walk the
    column's own index through every engagement ever logged to save a sort (2.6 s on the
    large registry, against 0.3 s over the quarter's dates on the covering index); an
    expression of the column has no index. PostgreSQL plans well with the column as is,
    and a parameter in the expression would stop it matching SELECT with GROUP BY."""
    if s.get_bind().dialect.name != "sqlite":
        return column
    return column + 0 if column.type.python_type is int else column.concat("")


def by_column(s: Session, scope: Scope, quarter: Quarter, column, enum) -> list[CountRow]:
    grouped = _grouped_over_dates(s, column)
    rows = s.exec(
        select(grouped, func.count())
        .where(*scope.engagements(quarter.start, quarter.end))
        .group_by(grouped)
        .order_by(func.count().desc(), grouped)
    ).all()
    return [
        CountRow(key or "", label_of(enum, key) if key else "Not classified", n) for key, n in rows
    ]


def by_mission(s: Session, scope: Scope, quarter: Quarter) -> list[CountRow]:
    # Grouped on the engagement index alone; the few mission names are looked up after.
    mission = _grouped_over_dates(s, Engagement.mission_id)
    counts = s.exec(
        select(mission, func.count())
        .where(*scope.engagements(quarter.start, quarter.end))
        .group_by(mission)
    ).all()
    missions = {m.id: m for m in s.exec(select(Mission))}
    rows = [
        CountRow(missions[mid].code, missions[mid].name, n) for mid, n in counts if mid in missions
    ]
    return sorted(rows, key=lambda row: (-row.count, row.key))


def indicators(s: Session, scope: Scope, quarter: Quarter) -> list[IndicatorResult]:
    previous = quarter.previous()
    current_value = (
        select(func.sum(Measurement.value))
        .where(Measurement.indicator_id == Indicator.id, Measurement.period_start == quarter.start)
        .correlate(Indicator)
        .scalar_subquery()
    )
    previous_value = (
        select(func.sum(Measurement.value))
        .where(Measurement.indicator_id == Indicator.id, Measurement.period_start == previous.start)
        .correlate(Indicator)
        .scalar_subquery()
    )
    rows = s.exec(
        select(
            Program.name,
            Indicator.name,
            Indicator.unit,
            Indicator.target_per_quarter,
            current_value,
            previous_value,
            Program.id,
        )
        .join(Program, Program.id == Indicator.program_id)
        .where(
            *scope.programs(),
            or_(col(Program.start_date).is_(None), col(Program.start_date) <= quarter.end),
            or_(col(Program.end_date).is_(None), col(Program.end_date) >= quarter.start),
        )
        .order_by(Program.name, Indicator.id)
    ).all()
    return [IndicatorResult(*row) for row in rows]


def program_events(s: Session, scope: Scope, quarter: Quarter) -> list[ProgramEventRow]:
    """The events of the quarter in scope, with their guest lists' figures."""
    walk_ins = guests_who(GuestStatus.WALK_IN)
    came = guests_who(*GUESTS_WHO_CAME)
    rows = s.exec(
        select(
            Program.name,
            ProgramEvent.date,
            ProgramEvent.title,
            ProgramEvent.city,
            event_attendance(),
            Program.id,
            guests_who(*INVITED_BEFORE),
            guests_who(GuestStatus.ACCEPTED, GuestStatus.ATTENDED, GuestStatus.NO_SHOW),
            walk_ins,
            came,
        )
        .join(Program, Program.id == ProgramEvent.program_id)
        .where(col(ProgramEvent.date).between(quarter.start, quarter.end), *scope.programs())
        .order_by(ProgramEvent.date)
        .limit(LIST_LIMIT)
    ).all()
    return [ProgramEventRow(*row, counted=bool(row[9])) for row in rows]


def dormant_priority(
    s: Session, scope: Scope, quarter: Quarter, as_of: date | None = None
) -> tuple[list[DormantOrganization], int]:
    """High-priority organizations with no engagement in the DORMANT_AFTER_DAYS up to the
    quarter's end (or `as_of`)."""
    if as_of is not None:
        quarter = Quarter(quarter.start, as_of, quarter.code, quarter.fiscal)
    since = quarter.end - timedelta(days=DORMANT_AFTER_DAYS)

    def engagements_of_organization(*clauses):
        return (
            select(Engagement.date)
            .join(EngagementOrganization, EngagementOrganization.engagement_id == Engagement.id)
            .where(
                EngagementOrganization.organization_id == Organization.id,
                col(Engagement.archived_at).is_(None),
                scope.visible,
                *clauses,
            )
            .correlate(Organization)
        )

    # "Nothing since" stops at an organization's first recent engagement; the last date
    # is looked up only for the organizations listed.
    recent = engagements_of_organization(col(Engagement.date).between(since, quarter.end))
    last = (
        engagements_of_organization(col(Engagement.date) <= quarter.end)
        .with_only_columns(func.max(Engagement.date))
        .scalar_subquery()
    )
    rows = s.exec(
        select(Organization.name, Organization.kind, Mission.code, last, Organization.id)
        .outerjoin(Mission, Mission.id == Organization.mission_id)
        .where(
            Organization.priority == Priority.HIGH,
            *scope.organizations(),
            col(Organization.created_at) < day_start(quarter.end + timedelta(days=1)),
            ~recent.exists(),
        )
        .order_by(last, Organization.name)
    ).all()
    return [
        DormantOrganization(name, label_of(OrganizationKind, kind), code or "", day, org_id)
        for name, kind, code, day, org_id in rows[:LIST_LIMIT]
    ], len(rows)


def by_region(s: Session, scope: Scope, quarter: Quarter) -> list[RegionFigures]:
    """Every region of the host country with its figures (zeros included, so a map can
    shade it), by code."""
    country = read_settings(s).host_country
    organizations = dict(
        s.exec(
            select(Organization.region_code, func.count())
            .where(*scope.organizations(), col(Organization.region_code).is_not(None))
            .group_by(Organization.region_code)
        ).all()
    )
    engagements = dict(
        s.exec(
            select(Organization.region_code, func.count(distinct(Engagement.id)))
            .join(EngagementOrganization, EngagementOrganization.organization_id == Organization.id)
            .join(Engagement, Engagement.id == EngagementOrganization.engagement_id)
            .where(
                *scope.engagements(quarter.start, quarter.end),
                col(Organization.region_code).is_not(None),
            )
            .group_by(Organization.region_code)
        ).all()
    )
    covered_by = dict(
        s.exec(
            select(Jurisdiction.region_code, Mission.code).join(
                Mission, Mission.id == Jurisdiction.mission_id
            )
        ).all()
    )
    regions = s.exec(select(Region).where(Region.country == country).order_by(Region.code))
    return [
        RegionFigures(
            region.code,
            region.name,
            organizations.get(region.code, 0),
            engagements.get(region.code, 0),
            covered_by.get(region.code, ""),
        )
        for region in regions
    ]


def hometowns(s: Session, scope: Scope) -> list[HometownFigures]:
    """Live hometown associations in the scope by province and district of origin, most
    first."""
    rows = s.exec(
        select(Organization.hometown_province, Organization.hometown_district, func.count())
        .where(*scope.organizations(), Organization.kind == OrganizationKind.HOMETOWN)
        .group_by(Organization.hometown_province, Organization.hometown_district)
    ).all()
    found = [
        HometownFigures(
            label_of(Province, province) if province else "",
            (district or "").strip(),
            n,
            province or "",
        )
        for province, district, n in rows
    ]
    return sorted(found, key=lambda row: (-row.organizations, row.province, row.district))
