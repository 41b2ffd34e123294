"""Whose figures: one mission or all, for the person asking, over which quarter.

A `Scope` holds the filters every figure of one report or Dashboard shares; the visibility
rule decides which confidential engagements count (db/rules/visibility.py).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.foundations.actor import Actor
from db.foundations.models import (
    Engagement,
    Mission,
    MissionKind,
    Organization,
    Program,
)
from db.foundations.periods import Quarter, quarter_containing
from db.rules.settings import read_settings
from db.rules.visibility import require_confidential_allowed, visible_engagements

ALL_MISSIONS = "ALL"


# Who heads a mission of each kind: the report carries their assessment.
HEAD_OF_MISSION = {
    MissionKind.EMBASSY: "Ambassador",
    MissionKind.HIGH_COMMISSION: "High Commissioner",
    MissionKind.CONSULATE_GENERAL: "Consul General",
    MissionKind.COMMISSION: "Commissioner",
}


class Scope:
    """The filters shared by every figure of one report or Dashboard, for `viewer`:
    confidential engagements count only when asked for, and only for someone who may see
    them all in the scope (else PermissionDenied). `include_confidential` None asks for
    them exactly when the viewer may see them all (the Dashboard)."""

    def __init__(
        self, s: Session, viewer: Actor, mission_code: str, include_confidential: bool | None
    ):
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
        if include_confidential is None:
            include_confidential = viewer.sees_confidential_of(self.mission_id)
        require_confidential_allowed(viewer, include_confidential, self.mission_id)
        self.include_confidential = include_confidential
        self.visible = visible_engagements(viewer, include_confidential=include_confidential)

    def engagements(self, start: date, end: date) -> list:
        """WHERE clauses for live engagements in [start, end] within the scope."""
        clauses = [col(Engagement.archived_at).is_(None), col(Engagement.date).between(start, end)]
        if self.mission_id is not None:
            clauses.append(Engagement.mission_id == self.mission_id)
        return [*clauses, self.visible]

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


def compared(quarter: Quarter, compared_days: int | None) -> Quarter:
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
    settings = read_settings(s)
    return quarter_containing(
        today,
        fiscal=settings.fiscal,
        fiscal_start_month=settings.fiscal_year_start_month,
    )


def year_start(quarter: Quarter) -> date:
    """The first day of the fiscal (or calendar) year the quarter belongs to."""
    if not quarter.fiscal or quarter.fiscal_start_month == 1:
        return date(quarter.start.year, 1, 1)
    month = quarter.fiscal_start_month
    year = quarter.start.year if quarter.start.month >= month else quarter.start.year - 1
    return date(year, month, 1)
