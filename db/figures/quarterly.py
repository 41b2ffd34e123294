"""The quarterly outreach report's figures, computed in SQL for the person asking.

Every aggregate is a GROUP BY or COUNT in the database; Python only arranges the
results into plain dataclasses, the only input the PDF code gets. Confidential
engagements are left out unless the person asking may see them and asks for them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from db.figures.measures import (
    LIST_LIMIT,
    CountRow,
    DormantOrganization,
    IndicatorResult,
    KeyFigures,
    ProgramEventRow,
    RegionFigures,
    by_column,
    by_mission,
    by_month,
    by_region,
    dormant_priority,
    indicators,
    key_figures,
    percent_of,
    program_events,
)
from db.figures.scope import ALL_MISSIONS, Scope, compared, same_quarter_last_year, year_start
from db.foundations import clock
from db.foundations.actor import Actor
from db.foundations.engine import roomy_page_cache
from db.foundations.labels import label_of
from db.foundations.models import (
    Engagement,
    EngagementKind,
    EngagementOrganization,
    Indicator,
    Measurement,
    Mechanism,
    Mission,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Priority,
    Program,
    ProgramKind,
    Sensitivity,
    User,
)
from db.foundations.periods import Quarter
from db.queries.audit import audit_chain_head
from db.rules.report_texts import find_report_text
from db.rules.settings import read_settings

# A printed log longer than this helps no one: the appendix keeps the most recent ones.
ENGAGEMENT_LOG_LIMIT = 500


@dataclass(frozen=True)
class OrganizationActivity:
    name: str
    acronym: str
    kind: str
    mission_code: str
    engagements: int
    last_engagement: date


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


def _engaged_organizations(s: Session, scope: Scope, quarter: Quarter) -> list[tuple]:
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


def _headline_figures(s: Session, scope: Scope, quarter: Quarter) -> list[HeadlineFigure]:
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
    s: Session, scope: Scope, quarter: Quarter, chosen: tuple[int, ...] = ()
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


def _open_follow_ups(s: Session, scope: Scope, due_clause, *order) -> tuple[list[FollowUpRow], int]:
    """Open follow-ups of live engagements in the scope whose due date meets `due_clause`."""
    clauses = [
        col(Engagement.archived_at).is_(None),
        col(Engagement.follow_up_done_at).is_(None),
        due_clause,
        scope.visible,
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


def _follow_ups_due(s: Session, scope: Scope, quarter: Quarter) -> tuple[list[FollowUpRow], int]:
    """Open follow-ups falling due in the next quarter, soonest first."""
    upcoming = quarter.next()
    return _open_follow_ups(
        s, scope, col(Engagement.follow_up_date).between(upcoming.start, upcoming.end)
    )


def _follow_ups_overdue(
    s: Session, scope: Scope, quarter: Quarter
) -> tuple[list[FollowUpRow], int]:
    """Follow-ups due on or before the quarter's end and still open, by mission, oldest
    first."""
    return _open_follow_ups(
        s, scope, col(Engagement.follow_up_date) <= quarter.end, col(Mission.code)
    )


def _overdue_by_mission(s: Session, scope: Scope, quarter: Quarter) -> list[CountRow]:
    """Follow-ups due on or before the quarter's end and still open, counted by mission
    (every one, not only those listed), most first."""
    clauses = [
        col(Engagement.archived_at).is_(None),
        col(Engagement.follow_up_done_at).is_(None),
        col(Engagement.follow_up_date) <= quarter.end,
        scope.visible,
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


def _engagement_log(s: Session, scope: Scope, quarter: Quarter) -> list[EngagementLogRow]:
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
    viewer: Actor,
    quarter: Quarter,
    mission_code: str = ALL_MISSIONS,
    *,
    include_confidential: bool = False,
) -> QuarterlyReportData:
    """All figures of the quarterly outreach report for a quarter and a scope, as
    `viewer` may see them; `include_confidential` is refused (PermissionDenied) unless
    they may see every confidential engagement.

    `mission_code` is a mission's code or "ALL"; an unknown code raises ValueError
    naming the known ones.
    """
    # Its passes over a quarter's engagements look up the same organizations again and
    # again: in SQLite's default 2 MB cache an encrypted registry decrypted their pages
    # each time (5.2 s against 3.0 s for the large registry's report figures).
    with roomy_page_cache(s.connection()):
        return _quarterly_report_data(s, viewer, quarter, mission_code, include_confidential)


def _quarterly_report_data(
    s: Session, viewer: Actor, quarter: Quarter, mission_code: str, include_confidential: bool
) -> QuarterlyReportData:
    scope = Scope(s, viewer, mission_code, include_confidential)
    engaged = _engaged_organizations(s, scope, quarter)
    follow_ups, follow_ups_total = _follow_ups_due(s, scope, quarter)
    overdue, overdue_total = _follow_ups_overdue(s, scope, quarter)
    ties, most_engaged = _most_engaged(s, engaged)
    texts = report_texts(s, quarter, mission_code)
    mission_rows = by_mission(s, scope, quarter) if scope.mission_id is None else []
    high_priority = s.exec(
        select(func.count())
        .select_from(Organization)
        .where(Organization.priority == Priority.HIGH, *scope.organizations())
    ).one()
    dormant, dormant_total = dormant_priority(s, scope, quarter)
    settings = read_settings(s)
    previous = quarter.previous()
    compared_days = quarter.running_days(clock.today())
    last_year = same_quarter_last_year(quarter)
    return QuarterlyReportData(
        installation_name=settings.installation_name,
        marking=settings.marking(include_confidential),
        scope_code=mission_code.upper(),
        scope_label=scope.label,
        scope_head=scope.head,
        quarter=quarter,
        previous_quarter=previous,
        next_quarter=quarter.next(),
        generated_at=clock.utc_now(),
        includes_confidential=include_confidential,
        current=key_figures(s, scope, quarter, organizations_engaged=len(engaged)),
        previous=key_figures(s, scope, compared(previous, compared_days)),
        compared_days=compared_days,
        engagements_by_month=by_month(s, scope, quarter),
        engagements_by_kind=by_column(s, scope, quarter, Engagement.kind, EngagementKind),
        engagements_by_mechanism=by_column(s, scope, quarter, Engagement.mechanism, Mechanism),
        engagements_by_mission=mission_rows,
        organizations_engaged_by_kind=_organizations_by_kind(engaged),
        most_engaged=most_engaged,
        most_engaged_ties=ties,
        indicators=indicators(s, scope, quarter),
        program_events=program_events(s, scope, quarter),
        upcoming_program_events=program_events(s, scope, quarter.next()),
        mission_comparison=(
            _mission_comparison(s, mission_rows, engaged) if scope.mission_id is None else []
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
        by_region=by_region(s, scope, quarter),
        host_country=settings.host_country,
        last_year_quarter=last_year,
        last_year=key_figures(s, scope, compared(last_year, compared_days)),
        follow_ups_due_total=follow_ups_total,
        dormant_priority_total=dormant_total,
        audit_chain_head=audit_chain_head(s),
    )
