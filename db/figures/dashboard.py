"""The Dashboard's figures: the quarter at a glance for one scope, computed by the same
functions as the quarterly report's (db/figures/measures.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session

from db.figures.measures import (
    CountRow,
    DormantOrganization,
    HometownFigures,
    IndicatorResult,
    KeyFigures,
    ProgramEventRow,
    RegionFigures,
    by_column,
    by_mission,
    by_month,
    by_region,
    dormant_priority,
    hometowns,
    indicators,
    key_figures,
    program_events,
)
from db.figures.scope import ALL_MISSIONS, Scope, compared, current_quarter, same_quarter_last_year
from db.foundations.actor import Actor
from db.foundations.engine import roomy_page_cache
from db.foundations.models import (
    Engagement,
    Mechanism,
)
from db.foundations.periods import Quarter

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
    s: Session, viewer: Actor, mission_code: str = ALL_MISSIONS, *, today: date
) -> DashboardHeadline:
    """The quarter's own figures for the Dashboard's first paint (the same functions as
    `dashboard_data`, without the comparisons, lists and map), as `viewer` may see them."""
    scope = Scope(s, viewer, mission_code, None)
    quarter = current_quarter(s, today)
    return DashboardHeadline(
        scope_code=mission_code.upper(),
        quarter=quarter,
        today=today,
        current=key_figures(s, scope, quarter),
        engagements_by_month=by_month(s, scope, quarter),
        engagements_by_mechanism=by_column(s, scope, quarter, Engagement.mechanism, Mechanism),
        engagements_by_mission=by_mission(s, scope, quarter) if scope.mission_id is None else [],
    )


def dashboard_data(
    s: Session, viewer: Actor, mission_code: str = ALL_MISSIONS, *, today: date
) -> DashboardData:
    """The Dashboard's figures for the quarter containing `today`, in one scope (a
    mission's code or "ALL"): the quarter against the previous one and the same quarter
    last year, engagements by month, mechanism and mission, program indicators, program
    events in the next UPCOMING_DAYS days, and high-priority organizations with no
    engagement for DORMANT_AFTER_DAYS days up to today. Confidential engagements count
    for those who may see them all in the scope."""
    with roomy_page_cache(s.connection()):  # as the quarterly report's
        return _dashboard_data(s, viewer, mission_code, today)


def _dashboard_data(s: Session, viewer: Actor, mission_code: str, today: date) -> DashboardData:
    scope = Scope(s, viewer, mission_code, None)
    quarter = current_quarter(s, today)
    previous, last_year = quarter.previous(), same_quarter_last_year(quarter)
    compared_days = quarter.running_days(today)
    ahead = Quarter(today, today + timedelta(days=UPCOMING_DAYS), "", quarter.fiscal)
    dormant, dormant_total = dormant_priority(s, scope, quarter, as_of=today)
    return DashboardData(
        scope_code=mission_code.upper(),
        scope_label=scope.label,
        quarter=quarter,
        previous_quarter=previous,
        last_year_quarter=last_year,
        today=today,
        current=key_figures(s, scope, quarter),
        previous=key_figures(s, scope, compared(previous, compared_days)),
        last_year=key_figures(s, scope, compared(last_year, compared_days)),
        compared_days=compared_days,
        engagements_by_month=by_month(s, scope, quarter),
        engagements_by_mechanism=by_column(s, scope, quarter, Engagement.mechanism, Mechanism),
        engagements_by_mission=by_mission(s, scope, quarter) if scope.mission_id is None else [],
        indicators=indicators(s, scope, quarter),
        upcoming_program_events=program_events(s, scope, ahead),
        dormant_priority=dormant,
        dormant_priority_total=dormant_total,
        includes_confidential=scope.include_confidential,
        by_region=by_region(s, scope, quarter),
        hometowns=hometowns(s, scope),
    )
