"""Figures for the dashboard and the quarterly report, computed in SQL.

Every aggregate is a GROUP BY or COUNT in the database; Python only arranges the
results into plain dataclasses, the only input the PDF code gets. Confidential
engagements are left out unless the caller asks for them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, distinct, func, or_
from sqlmodel import Session, col, select

from db.engine import roomy_page_cache
from db.labels import label_of
from db.models import Contact as ContactModel
from db.models import (
    Engagement,
    EngagementKind,
    EngagementOrganization,
    Indicator,
    Jurisdiction,
    Measurement,
    Mechanism,
    Mission,
    MissionKind,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Priority,
    Program,
    ProgramEvent,
    ProgramKind,
    Province,
    Region,
    Sensitivity,
    User,
)
from db.periods import Quarter, quarter_containing
from db.queries.audit import audit_chain_head
from db.queries.contact_mission import contact_mission
from db.queries.created_within import created_within, day_start
from db.queries.report_texts import find_report_text
from db.store.settings import all_settings

ALL_MISSIONS = "ALL"
# A printed log longer than this helps no one: the appendix keeps the most recent ones.
ENGAGEMENT_LOG_LIMIT = 500
# Tables of follow-ups and dormant organizations print at most this many rows.
LIST_LIMIT = 200
DORMANT_AFTER_DAYS = 180


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
class OrganizationActivity:
    name: str
    acronym: str
    kind: str
    mission_code: str
    engagements: int
    last_engagement: date


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
    program: str
    date: date
    title: str
    city: str
    attendance: int | None
    program_id: int | None = field(default=None, compare=False)  # where it opens, not a figure


@dataclass(frozen=True)
class FollowUpRow:
    due: date
    subject: str
    organizations: str
    officer: str
    mission_code: str
    confidential: bool = False


@dataclass(frozen=True)
class MissionComparison:
    """One mission's row in the all-missions report's comparison table."""

    code: str
    name: str
    engagements: int
    organizations_engaged: int
    active_organizations: int
    active_engaged: int  # of the active organizations, those engaged

    @property
    def coverage(self) -> float | None:
        """Share of the mission's active organizations engaged in the quarter, in %."""
        if not self.active_organizations:
            return None
        return 100.0 * self.active_engaged / self.active_organizations


@dataclass(frozen=True)
class HeadlineFigure:
    """A national program's indicator, fiscal year to date against its annual target."""

    program: str
    indicator: str
    unit: str
    year_to_date: float | None  # None: not measured this year
    annual_target: float | None
    reported_by: str  # the lead mission's name
    national: bool  # True when the report's scope is not the lead mission

    @property
    def percent_of_target(self) -> float | None:
        """Year to date as a percentage of the annual target, when both are known."""
        return percent_of(self.year_to_date, self.annual_target)


@dataclass(frozen=True)
class Highlight:
    """An engagement of the quarter with its recorded outcome."""

    date: date
    organization: str
    subject: str
    outcome: str
    mission_code: str


@dataclass(frozen=True)
class DormantOrganization:
    name: str
    kind: str
    mission_code: str
    last_engagement: date | None
    organization_id: int  # for the window to open it


@dataclass(frozen=True)
class EngagementLogRow:
    date: date
    kind: str
    subject: str
    organizations: str
    mission_code: str
    officer: str
    confidential: bool


@dataclass(frozen=True)
class Signatures:
    narrative: str = ""
    prepared_by: str = ""
    prepared_on: date | None = None
    reviewed_by: str = ""
    reviewed_on: date | None = None
    approved_by: str = ""
    approved_on: date | None = None
    highlights: tuple[int, ...] = ()  # engagements chosen to feature; () for the default


@dataclass(frozen=True)
class QuarterlyReportData:
    """Everything the quarterly outreach report prints, for one quarter and scope."""

    installation_name: str
    marking: str
    scope_code: str
    scope_label: str
    scope_head: str  # "Consul General" for a consulate's report; "" for all missions
    quarter: Quarter
    previous_quarter: Quarter
    next_quarter: Quarter
    generated_at: datetime
    includes_confidential: bool
    current: KeyFigures
    previous: KeyFigures
    engagements_by_month: list[CountRow]
    engagements_by_kind: list[CountRow]
    engagements_by_mechanism: list[CountRow]
    engagements_by_mission: list[CountRow]
    organizations_engaged_by_kind: list[CountRow]
    most_engaged: list[OrganizationActivity]
    indicators: list[IndicatorResult]
    program_events: list[ProgramEventRow]
    follow_ups_due: list[FollowUpRow]
    dormant_priority: list[DormantOrganization]
    engagement_log: list[EngagementLogRow]
    texts: Signatures = field(default_factory=Signatures)
    follow_ups_overdue: list[FollowUpRow] = field(default_factory=list)
    follow_ups_overdue_total: int = 0
    follow_ups_due_total: int = 0
    dormant_priority_total: int = 0
    audit_chain_head: str = ""  # "entry 1327 · 55a2a92d94a6": anchors the audit log on paper
    generated_by: str = ""  # the officer who produced it, set when it is written
    most_engaged_ties: int = 0  # organizations as engaged as the last one listed, not listed
    upcoming_program_events: list[ProgramEventRow] = field(default_factory=list)
    mission_comparison: list[MissionComparison] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)
    headline_figures: list[HeadlineFigure] = field(default_factory=list)
    year_start: date | None = None  # first day of the (fiscal) year the quarter is in
    high_priority_total: int = 0  # high-priority organizations in the scope
    last_year_quarter: Quarter | None = None  # the same quarter a year before
    last_year: KeyFigures | None = None
    overdue_by_mission: list[CountRow] = field(default_factory=list)  # open, due by the end
    by_region: list[RegionFigures] = field(default_factory=list)
    host_country: str = ""  # ISO code: whose regions by_region are
    # A running quarter is compared day for day: days 1 to this of each quarter (None:
    # a quarter that is over, compared whole).
    compared_days: int | None = None


# Who heads a mission of each kind: the report carries their assessment.
HEAD_OF_MISSION = {
    MissionKind.EMBASSY: "Ambassador",
    MissionKind.HIGH_COMMISSION: "High Commissioner",
    MissionKind.CONSULATE_GENERAL: "Consul General",
    MissionKind.COMMISSION: "Commissioner",
}


class _Scope:
    """The filters shared by every figure of one report."""

    def __init__(self, s: Session, mission_code: str, include_confidential: bool):
        self.mission_id: int | None = None
        self.label = "All missions"
        self.head = ""  # whose assessment the report carries; none for all missions
        if mission_code.upper() != ALL_MISSIONS:
            mission = s.exec(
                select(Mission).where(func.upper(Mission.code) == mission_code.upper())
            ).first()
            if mission is None:
                codes = ", ".join(s.exec(select(Mission.code).order_by(Mission.code)).all())
                raise ValueError(
                    f"There is no mission with the code {mission_code}; "
                    f"known codes: {codes or 'none yet'}."
                )
            self.mission_id = mission.id
            self.label = mission.name
            self.head = HEAD_OF_MISSION.get(mission.kind, "Head of mission")
        self.include_confidential = include_confidential

    def engagements(self, start: date, end: date) -> list:
        """WHERE clauses for live engagements in [start, end] within the scope."""
        clauses = [col(Engagement.archived_at).is_(None), col(Engagement.date).between(start, end)]
        if self.mission_id is not None:
            clauses.append(Engagement.mission_id == self.mission_id)
        return [*clauses, *self.sensitivity()]

    def sensitivity(self) -> list:
        """The visibility rule for a report: confidential engagements left out unless
        included (which only supervisors and administrators may ask for)."""
        if self.include_confidential:
            return []
        return [Engagement.sensitivity != Sensitivity.CONFIDENTIAL]

    def organizations(self) -> list:
        clauses = [col(Organization.archived_at).is_(None)]
        if self.mission_id is not None:
            clauses.append(Organization.mission_id == self.mission_id)
        return clauses

    def programs(self) -> list:
        clauses = [col(Program.archived_at).is_(None)]
        if self.mission_id is not None:
            clauses.append(Program.lead_mission_id == self.mission_id)
        return clauses


def key_figures(
    s: Session, scope: _Scope, quarter: Quarter, organizations_engaged: int | None = None
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
    events, attendance, counted = s.exec(
        select(
            func.count(ProgramEvent.id),
            func.coalesce(func.sum(ProgramEvent.attendance), 0),
            func.count(ProgramEvent.attendance),
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


def _by_month(s: Session, scope: _Scope, quarter: Quarter) -> list[CountRow]:
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


def _by_column(s: Session, scope: _Scope, quarter: Quarter, column, enum) -> list[CountRow]:
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


def _by_mission(s: Session, scope: _Scope, quarter: Quarter) -> list[CountRow]:
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


def _engaged_organizations(s: Session, scope: _Scope, quarter: Quarter) -> list[tuple]:
    """(organization id, kind, engagements, last date) of every organization engaged, in
    one GROUP BY over the quarter's engagements; the kind and top-ten figures read it."""
    # Grouped on the two indexes alone; the kinds are looked up once per organization.
    grouped = s.exec(
        select(
            EngagementOrganization.organization_id,
            func.count(),
            func.max(Engagement.date),
        )
        .join(Engagement, Engagement.id == EngagementOrganization.engagement_id)
        .where(*scope.engagements(quarter.start, quarter.end))
        .group_by(EngagementOrganization.organization_id)
    ).all()
    kinds = dict(s.exec(select(Organization.id, Organization.kind)).all())
    return [(org, kinds.get(org, ""), n, last) for org, n, last in grouped]


def _organizations_by_kind(engaged: list[tuple]) -> list[CountRow]:
    per_kind = Counter(kind for _org, kind, _n, _last in engaged)
    return [
        CountRow(kind, label_of(OrganizationKind, kind), n)
        for kind, n in sorted(per_kind.items(), key=lambda item: (-item[1], item[0]))
    ]


def _most_engaged(
    s: Session, engaged: list[tuple], limit: int = 10
) -> tuple[int, list[OrganizationActivity]]:
    """The `limit` most engaged organizations, and how many more tie with the last."""
    if not engaged:
        return 0, []
    counts = sorted((n for _org, _kind, n, _last in engaged), reverse=True)
    threshold = counts[min(limit, len(counts)) - 1]
    leading = {org: (n, last) for org, _kind, n, last in engaged if n >= threshold}
    rows = s.exec(
        select(
            Organization.id,
            Organization.name,
            Organization.acronym,
            Organization.kind,
            Mission.code,
        )
        .outerjoin(Mission, Mission.id == Organization.mission_id)
        .where(col(Organization.id).in_(list(leading)))
    ).all()
    ranked = sorted(rows, key=lambda row: (-leading[row[0]][0], row[1]))[:limit]
    return len(leading) - len(ranked), [
        OrganizationActivity(
            name,
            acronym,
            label_of(OrganizationKind, kind),
            code or "",
            leading[org][0],
            leading[org][1],
        )
        for org, name, acronym, kind, code in ranked
    ]


def _indicators(s: Session, scope: _Scope, quarter: Quarter) -> list[IndicatorResult]:
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


def _program_events(s: Session, scope: _Scope, quarter: Quarter) -> list[ProgramEventRow]:
    rows = s.exec(
        select(
            Program.name,
            ProgramEvent.date,
            ProgramEvent.title,
            ProgramEvent.city,
            ProgramEvent.attendance,
            Program.id,
        )
        .join(Program, Program.id == ProgramEvent.program_id)
        .where(col(ProgramEvent.date).between(quarter.start, quarter.end), *scope.programs())
        .order_by(ProgramEvent.date)
        .limit(LIST_LIMIT)
    ).all()
    return [ProgramEventRow(*row) for row in rows]


def _mission_comparison(
    s: Session, by_mission_rows: list[CountRow], engaged: list[tuple]
) -> list[MissionComparison]:
    """Per mission: engagements, organizations engaged and its active organizations."""
    by_mission = {row.key: row.count for row in by_mission_rows}
    organizations = {
        org: (mission, status)
        for org, mission, status in s.exec(
            select(Organization.id, Organization.mission_id, Organization.status)
        ).all()
    }
    engaged_per_mission = Counter(organizations.get(org, (None,))[0] for org, *_ in engaged)
    active_engaged = Counter(
        organizations[org][0]
        for org, *_ in engaged
        if org in organizations and organizations[org][1] == OrganizationStatus.ACTIVE
    )
    active = dict(
        s.exec(
            select(Organization.mission_id, func.count())
            .where(
                col(Organization.archived_at).is_(None),
                Organization.status == OrganizationStatus.ACTIVE,
            )
            .group_by(Organization.mission_id)
        ).all()
    )
    missions = s.exec(
        select(Mission).where(col(Mission.archived_at).is_(None)).order_by(Mission.name)
    ).all()
    rows = [
        MissionComparison(
            m.code,
            m.name,
            by_mission.get(m.code, 0),
            engaged_per_mission.get(m.id, 0),
            active.get(m.id, 0),
            active_engaged.get(m.id, 0),
        )
        for m in missions
    ]
    return sorted(rows, key=lambda row: (-row.engagements, row.name))


# Programs whose figures every mission's report carries, whoever leads them.
HEADLINE_PROGRAM_KINDS = (ProgramKind.FINANCIAL_PRODUCT,)


def year_start(quarter: Quarter) -> date:
    """The first day of the fiscal (or calendar) year the quarter belongs to."""
    if not quarter.fiscal or quarter.fiscal_start_month == 1:
        return date(quarter.start.year, 1, 1)
    month = quarter.fiscal_start_month
    year = quarter.start.year if quarter.start.month >= month else quarter.start.year - 1
    return date(year, month, 1)


def _headline_figures(s: Session, scope: _Scope, quarter: Quarter) -> list[HeadlineFigure]:
    """Every running national program's indicators, year to date, in every scope's report
    with the mission that reports them."""
    first = year_start(quarter)
    year_to_date = (
        select(func.sum(Measurement.value))
        .where(
            Measurement.indicator_id == Indicator.id,
            col(Measurement.period_start).between(first, quarter.start),
        )
        .correlate(Indicator)
        .scalar_subquery()
    )
    rows = s.exec(
        select(
            Program.name,
            Indicator.name,
            Indicator.unit,
            year_to_date,
            Indicator.target_per_quarter,
            Mission.name,
            Program.lead_mission_id,
        )
        .join(Program, Program.id == Indicator.program_id)
        .outerjoin(Mission, Mission.id == Program.lead_mission_id)
        .where(
            col(Program.archived_at).is_(None),
            col(Program.kind).in_(HEADLINE_PROGRAM_KINDS),
            or_(col(Program.start_date).is_(None), col(Program.start_date) <= quarter.end),
            or_(col(Program.end_date).is_(None), col(Program.end_date) >= quarter.start),
        )
        .order_by(Program.name, Indicator.id)
    ).all()
    return [
        HeadlineFigure(
            program,
            indicator,
            unit,
            value,
            None if target is None else target * 4,
            lead_name or "no lead mission",
            scope.mission_id is None or lead_id != scope.mission_id,
        )
        for program, indicator, unit, value, target, lead_name, lead_id in rows
    ]


def _highlights(
    s: Session, scope: _Scope, quarter: Quarter, chosen: tuple[int, ...] = ()
) -> list[Highlight]:
    """The engagements chosen on the Reports page that the report may show, else the
    most recent engagement with a recorded outcome of each high-priority organization in
    the scope; newest first."""
    if chosen:
        rows = s.exec(
            select(
                Engagement.id,
                Engagement.date,
                Engagement.subject,
                Engagement.outcome,
                Mission.code,
            )
            .outerjoin(Mission, Mission.id == Engagement.mission_id)
            .where(*scope.engagements(quarter.start, quarter.end), col(Engagement.id).in_(chosen))
            .order_by(col(Engagement.date).desc(), col(Engagement.id).desc())
        ).all()
        names = _organization_names(s, [row[0] for row in rows])
        return [
            Highlight(day, names.get(eid, ""), subject, outcome, code or "")
            for eid, day, subject, outcome, code in rows
        ]
    rows = s.exec(
        select(
            Organization.id,
            Organization.name,
            Organization.acronym,
            Engagement.date,
            Engagement.subject,
            Engagement.outcome,
            Mission.code,
        )
        .join(EngagementOrganization, EngagementOrganization.engagement_id == Engagement.id)
        .join(Organization, Organization.id == EngagementOrganization.organization_id)
        .outerjoin(Mission, Mission.id == Engagement.mission_id)
        .where(
            *scope.engagements(quarter.start, quarter.end),
            Organization.priority == Priority.HIGH,
            Engagement.outcome != "",
        )
        .order_by(col(Engagement.date).desc(), col(Engagement.id).desc())
    ).all()
    seen: set[int] = set()
    chosen = []
    for org, name, acronym, day, subject, outcome, code in rows:
        if org in seen:
            continue
        seen.add(org)
        chosen.append(Highlight(day, acronym or name, subject, outcome, code or ""))
    return chosen[:LIST_LIMIT]


def _organization_names(s: Session, engagement_ids: list[int]) -> dict[int, str]:
    """Each engagement's organizations as one string, acronyms where they exist."""
    if not engagement_ids:
        return {}
    shown = func.coalesce(func.nullif(Organization.acronym, ""), Organization.name)
    rows = s.exec(
        select(EngagementOrganization.engagement_id, shown)
        .join(Organization, Organization.id == EngagementOrganization.organization_id)
        .where(col(EngagementOrganization.engagement_id).in_(engagement_ids))
        .order_by(EngagementOrganization.engagement_id, shown)
    ).all()
    names: dict[int, list[str]] = {}
    for engagement_id, name in rows:
        names.setdefault(engagement_id, []).append(name)
    return {key: ", ".join(value) for key, value in names.items()}


def _open_follow_ups(
    s: Session, scope: _Scope, due_clause, *order
) -> tuple[list[FollowUpRow], int]:
    """Open follow-ups of live engagements in the scope whose due date meets `due_clause`."""
    clauses = [
        col(Engagement.archived_at).is_(None),
        col(Engagement.follow_up_done_at).is_(None),
        due_clause,
        *scope.sensitivity(),
    ]
    if scope.mission_id is not None:
        clauses.append(Engagement.mission_id == scope.mission_id)
    rows = s.exec(
        select(
            Engagement.id,
            Engagement.follow_up_date,
            Engagement.subject,
            User.display_name,
            Mission.code,
            Engagement.sensitivity,
        )
        .outerjoin(User, User.id == Engagement.officer_id)
        .outerjoin(Mission, Mission.id == Engagement.mission_id)
        .where(*clauses)
        .order_by(*order, Engagement.follow_up_date, Engagement.id)
    ).all()
    shown = rows[:LIST_LIMIT]
    names = _organization_names(s, [row[0] for row in shown])
    return [
        FollowUpRow(
            due,
            subject,
            names.get(eid, ""),
            officer or "",
            code or "",
            sensitivity == Sensitivity.CONFIDENTIAL,
        )
        for eid, due, subject, officer, code, sensitivity in shown
    ], len(rows)


def _follow_ups_due(s: Session, scope: _Scope, quarter: Quarter) -> tuple[list[FollowUpRow], int]:
    """Open follow-ups falling due in the next quarter, soonest first."""
    upcoming = quarter.next()
    return _open_follow_ups(
        s, scope, col(Engagement.follow_up_date).between(upcoming.start, upcoming.end)
    )


def _follow_ups_overdue(
    s: Session, scope: _Scope, quarter: Quarter
) -> tuple[list[FollowUpRow], int]:
    """Follow-ups due on or before the quarter's end and still open, by mission, oldest
    first."""
    return _open_follow_ups(
        s, scope, col(Engagement.follow_up_date) <= quarter.end, col(Mission.code)
    )


def _overdue_by_mission(s: Session, scope: _Scope, quarter: Quarter) -> list[CountRow]:
    """Follow-ups due on or before the quarter's end and still open, counted by mission
    (every one, not only those listed), most first."""
    clauses = [
        col(Engagement.archived_at).is_(None),
        col(Engagement.follow_up_done_at).is_(None),
        col(Engagement.follow_up_date) <= quarter.end,
        *scope.sensitivity(),
    ]
    if scope.mission_id is not None:
        clauses.append(Engagement.mission_id == scope.mission_id)
    counts = s.exec(
        select(Engagement.mission_id, func.count()).where(*clauses).group_by(Engagement.mission_id)
    ).all()
    missions = {m.id: m for m in s.exec(select(Mission))}
    rows = [
        CountRow(missions[mid].code, missions[mid].name, n)
        if mid in missions
        else CountRow("", "No mission", n)
        for mid, n in counts
    ]
    return sorted(rows, key=lambda row: (-row.count, row.key))


def _dormant_priority(
    s: Session, scope: _Scope, quarter: Quarter, as_of: date | None = None
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
                *scope.sensitivity(),
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


def _engagement_log(s: Session, scope: _Scope, quarter: Quarter) -> list[EngagementLogRow]:
    rows = s.exec(
        select(
            Engagement.id,
            Engagement.date,
            Engagement.kind,
            Engagement.subject,
            Mission.code,
            User.display_name,
            Engagement.sensitivity,
        )
        .outerjoin(Mission, Mission.id == Engagement.mission_id)
        .outerjoin(User, User.id == Engagement.officer_id)
        .where(*scope.engagements(quarter.start, quarter.end))
        .order_by(col(Engagement.date).desc(), col(Engagement.id).desc())
        .limit(ENGAGEMENT_LOG_LIMIT)
    ).all()
    rows = list(reversed(rows))
    names = _organization_names(s, [row[0] for row in rows])
    return [
        EngagementLogRow(
            day,
            label_of(EngagementKind, kind),
            subject,
            names.get(eid, ""),
            code or "",
            (officer or "").split(",")[0],
            sensitivity == Sensitivity.CONFIDENTIAL,
        )
        for eid, day, kind, subject, code, officer, sensitivity in rows
    ]


def report_texts(s: Session, quarter: Quarter, scope_code: str) -> Signatures:
    """The narrative and signature block kept for a quarter and scope."""
    row = find_report_text(s, quarter, scope_code)
    if row is None:
        return Signatures()
    return Signatures(
        row.narrative,
        row.prepared_by,
        row.prepared_on,
        row.reviewed_by,
        row.reviewed_on,
        row.approved_by,
        row.approved_on,
        tuple(int(i) for i in row.highlights.split(",") if i),
    )


def quarterly_report_data(
    s: Session,
    quarter: Quarter,
    mission_code: str = ALL_MISSIONS,
    *,
    include_confidential: bool = False,
) -> QuarterlyReportData:
    """All figures of the quarterly outreach report for a quarter and a scope.

    `mission_code` is a mission's code or "ALL"; an unknown code raises ValueError
    naming the known ones.
    """
    # Its passes over a quarter's engagements look up the same organizations again and
    # again: in SQLite's default 2 MB cache an encrypted registry decrypted their pages
    # each time (5.2 s against 3.0 s for the large registry's report figures).
    with roomy_page_cache(s.connection()):
        return _quarterly_report_data(s, quarter, mission_code, include_confidential)


def _quarterly_report_data(
    s: Session, quarter: Quarter, mission_code: str, include_confidential: bool
) -> QuarterlyReportData:
    scope = _Scope(s, mission_code, include_confidential)
    engaged = _engaged_organizations(s, scope, quarter)
    follow_ups, follow_ups_total = _follow_ups_due(s, scope, quarter)
    overdue, overdue_total = _follow_ups_overdue(s, scope, quarter)
    ties, most_engaged = _most_engaged(s, engaged)
    texts = report_texts(s, quarter, mission_code)
    by_mission = _by_mission(s, scope, quarter) if scope.mission_id is None else []
    high_priority = s.exec(
        select(func.count())
        .select_from(Organization)
        .where(Organization.priority == Priority.HIGH, *scope.organizations())
    ).one()
    dormant, dormant_total = _dormant_priority(s, scope, quarter)
    settings = all_settings(s)
    previous = quarter.previous()
    compared_days = quarter.running_days(date.today())
    last_year = same_quarter_last_year(quarter)
    return QuarterlyReportData(
        installation_name=settings["installation_name"],
        marking=settings[
            "report_marking_confidential" if include_confidential else "report_marking"
        ],
        scope_code=mission_code.upper(),
        scope_label=scope.label,
        scope_head=scope.head,
        quarter=quarter,
        previous_quarter=previous,
        next_quarter=quarter.next(),
        generated_at=datetime.now(UTC),
        includes_confidential=include_confidential,
        current=key_figures(s, scope, quarter, organizations_engaged=len(engaged)),
        previous=key_figures(s, scope, _compared(previous, compared_days)),
        compared_days=compared_days,
        engagements_by_month=_by_month(s, scope, quarter),
        engagements_by_kind=_by_column(s, scope, quarter, Engagement.kind, EngagementKind),
        engagements_by_mechanism=_by_column(s, scope, quarter, Engagement.mechanism, Mechanism),
        engagements_by_mission=by_mission,
        organizations_engaged_by_kind=_organizations_by_kind(engaged),
        most_engaged=most_engaged,
        most_engaged_ties=ties,
        indicators=_indicators(s, scope, quarter),
        program_events=_program_events(s, scope, quarter),
        upcoming_program_events=_program_events(s, scope, quarter.next()),
        mission_comparison=(
            _mission_comparison(s, by_mission, engaged) if scope.mission_id is None else []
        ),
        highlights=_highlights(s, scope, quarter, texts.highlights),
        headline_figures=_headline_figures(s, scope, quarter),
        year_start=year_start(quarter),
        follow_ups_due=follow_ups,
        dormant_priority=dormant,
        engagement_log=_engagement_log(s, scope, quarter),
        texts=texts,
        high_priority_total=high_priority,
        follow_ups_overdue=overdue,
        follow_ups_overdue_total=overdue_total,
        overdue_by_mission=_overdue_by_mission(s, scope, quarter),
        by_region=_by_region(s, scope, quarter),
        host_country=settings["host_country"],
        last_year_quarter=last_year,
        last_year=key_figures(s, scope, _compared(last_year, compared_days)),
        follow_ups_due_total=follow_ups_total,
        dormant_priority_total=dormant_total,
        audit_chain_head=audit_chain_head(s),
    )


# --- Where: regions of the host country and places of origin --------------------


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


def _by_region(s: Session, scope: _Scope, quarter: Quarter) -> list[RegionFigures]:
    """Every region of the host country with its figures (zeros included, so a map can
    shade it), by code."""
    country = all_settings(s)["host_country"]
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


def _hometowns(s: Session, scope: _Scope) -> list[HometownFigures]:
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


# --- The Dashboard ---------------------------------------------------------------

UPCOMING_DAYS = 60  # program events the Dashboard lists ahead


@dataclass(frozen=True)
class DashboardData:
    """The quarter at a glance for one scope: what the Dashboard shows. Every figure is
    computed by the same function as the quarterly report's."""

    scope_code: str
    scope_label: str
    quarter: Quarter
    previous_quarter: Quarter
    last_year_quarter: Quarter
    today: date
    current: KeyFigures
    previous: KeyFigures
    last_year: KeyFigures
    engagements_by_month: list[CountRow]
    engagements_by_mechanism: list[CountRow]
    engagements_by_mission: list[CountRow]
    indicators: list[IndicatorResult]
    upcoming_program_events: list[ProgramEventRow]
    dormant_priority: list[DormantOrganization]
    dormant_priority_total: int
    includes_confidential: bool
    by_region: list[RegionFigures] = field(default_factory=list)
    hometowns: list[HometownFigures] = field(default_factory=list)
    # A running quarter is compared day for day: days 1 to this of each quarter (None:
    # a quarter that is over, compared whole).
    compared_days: int | None = None


def _compared(quarter: Quarter, compared_days: int | None) -> Quarter:
    """The span of an earlier quarter a running quarter is compared with: its first
    `compared_days` days (the same days as the running quarter's so far), else all."""
    return quarter if compared_days is None else quarter.first_days(compared_days)


def same_quarter_last_year(quarter: Quarter) -> Quarter:
    """The quarter a year before this one, of the same style."""
    earlier = quarter
    for _ in range(4):
        earlier = earlier.previous()
    return earlier


def current_quarter(s: Session, today: date) -> Quarter:
    """The quarter containing `today`, in the installation's period style."""
    settings = all_settings(s)
    return quarter_containing(
        today,
        fiscal=settings["period_style"] == "fiscal",
        fiscal_start_month=int(settings["fiscal_year_start_month"]),
    )


@dataclass(frozen=True)
class DashboardHeadline:
    """The first figures the Dashboard shows, while the rest are read: the quarter's own
    numbers and its engagements by month, mechanism and mission."""

    scope_code: str
    quarter: Quarter
    today: date
    current: KeyFigures
    engagements_by_month: list[CountRow]
    engagements_by_mechanism: list[CountRow]
    engagements_by_mission: list[CountRow]


def dashboard_headline(
    s: Session,
    mission_code: str = ALL_MISSIONS,
    *,
    today: date,
    include_confidential: bool = False,
) -> DashboardHeadline:
    """The quarter's own figures for the Dashboard's first paint (the same functions as
    `dashboard_data`, without the comparisons, lists and map)."""
    scope = _Scope(s, mission_code, include_confidential)
    quarter = current_quarter(s, today)
    return DashboardHeadline(
        scope_code=mission_code.upper(),
        quarter=quarter,
        today=today,
        current=key_figures(s, scope, quarter),
        engagements_by_month=_by_month(s, scope, quarter),
        engagements_by_mechanism=_by_column(s, scope, quarter, Engagement.mechanism, Mechanism),
        engagements_by_mission=_by_mission(s, scope, quarter) if scope.mission_id is None else [],
    )


def dashboard_data(
    s: Session,
    mission_code: str = ALL_MISSIONS,
    *,
    today: date,
    include_confidential: bool = False,
) -> DashboardData:
    """The Dashboard's figures for the quarter containing `today`, in one scope (a
    mission's code or "ALL"): the quarter against the previous one and the same quarter
    last year, engagements by month, mechanism and mission, program indicators, program
    events in the next UPCOMING_DAYS days, and high-priority organizations with no
    engagement for DORMANT_AFTER_DAYS days up to today."""
    with roomy_page_cache(s.connection()):  # as the quarterly report's
        return _dashboard_data(s, mission_code, today, include_confidential)


def _dashboard_data(
    s: Session, mission_code: str, today: date, include_confidential: bool
) -> DashboardData:
    scope = _Scope(s, mission_code, include_confidential)
    quarter = current_quarter(s, today)
    previous, last_year = quarter.previous(), same_quarter_last_year(quarter)
    compared_days = quarter.running_days(today)
    ahead = Quarter(today, today + timedelta(days=UPCOMING_DAYS), "", quarter.fiscal)
    dormant, dormant_total = _dormant_priority(s, scope, quarter, as_of=today)
    return DashboardData(
        scope_code=mission_code.upper(),
        scope_label=scope.label,
        quarter=quarter,
        previous_quarter=previous,
        last_year_quarter=last_year,
        today=today,
        current=key_figures(s, scope, quarter),
        previous=key_figures(s, scope, _compared(previous, compared_days)),
        last_year=key_figures(s, scope, _compared(last_year, compared_days)),
        compared_days=compared_days,
        engagements_by_month=_by_month(s, scope, quarter),
        engagements_by_mechanism=_by_column(s, scope, quarter, Engagement.mechanism, Mechanism),
        engagements_by_mission=_by_mission(s, scope, quarter) if scope.mission_id is None else [],
        indicators=_indicators(s, scope, quarter),
        upcoming_program_events=_program_events(s, scope, ahead),
        dormant_priority=dormant,
        dormant_priority_total=dormant_total,
        includes_confidential=include_confidential,
        by_region=_by_region(s, scope, quarter),
        hometowns=_hometowns(s, scope),
    )
