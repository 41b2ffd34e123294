"""What an officer leaving a post hands over: every organization in their portfolio
(those they engaged in the last three years, or for a whole mission those its officers
engaged), each as the organization brief tells it, with the commitments still open.
The handover dossier (reports/handover.py) prints it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.foundations import clock
from db.foundations.actor import Actor
from db.foundations.errors import PermissionDenied, ValidationError
from db.foundations.models import Engagement, EngagementOrganization, Mission, Organization, User
from db.queries.engagements import ORGANIZATION_NAMES
from db.queries.organization_brief import OrganizationBriefData, organization_brief_data
from db.rules.settings import read_settings
from db.rules.visibility import visible_engagements

PORTFOLIO_YEARS = 3  # officers rotate every three years
ENGAGEMENTS_PER_ORGANIZATION = 5


@dataclass(frozen=True)
class PortfolioEntry:
    """One organization of the portfolio: how much the officer (or mission) engaged it,
    and its brief."""

    engagements: int
    last_engagement: date
    brief: OrganizationBriefData


@dataclass(frozen=True)
class OpenCommitment:
    """A follow-up still open: what was promised, to whom, by when."""

    due: date
    subject: str
    organizations: str
    officer: str
    overdue: bool


@dataclass(frozen=True)
class HandoverData:
    """Everything the handover dossier prints."""

    installation_name: str
    marking: str
    generated_at: datetime
    generated_by: str
    includes_confidential: bool
    handed_over_by: str  # "Ayesha Zaidi (NYC)" or "Consulate General of Pakistan, Houston"
    period_start: date
    period_end: date
    portfolio: list[PortfolioEntry]
    commitments: list[OpenCommitment]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def find_officer(s: Session, wanted: str) -> User:
    """The user named by username or display name (any case), or ValidationError naming
    the choices."""
    folded = wanted.strip().casefold()
    users = s.exec(select(User).order_by(User.display_name)).all()
    for user in users:
        names = (user.username, user.display_name, user.display_name.split(",")[0])
        if folded in {name.strip().casefold() for name in names}:
            return user
    names = ", ".join(user.username for user in users) or "none yet"
    raise ValidationError({"officer": f"No officer is called {wanted!r}; users: {names}."})


def find_mission(s: Session, code: str) -> Mission:
    """The mission with this code (any case), or ValidationError naming the codes."""
    mission = s.exec(
        select(Mission).where(func.upper(Mission.code) == code.strip().upper())
    ).first()
    if mission is None:
        codes = ", ".join(s.exec(select(Mission.code).order_by(Mission.code))) or "none yet"
        raise ValidationError({"mission": f"There is no mission {code!r}; missions: {codes}."})
    return mission


def handover_data(
    s: Session,
    viewer: Actor,
    *,
    officer: str | None = None,
    mission_code: str | None = None,
    today: date | None = None,
) -> HandoverData:
    """The dossier for an officer (username or name) or a mission (code): organizations
    engaged in the last PORTFOLIO_YEARS years, most recently engaged first, each with its
    brief as `viewer` may see it, and the follow-ups still open.

    An officer may hand over their own portfolio or their mission's; supervisors and
    administrators anyone's in their reach; viewers none (PermissionDenied)."""
    if (officer is None) == (mission_code is None):
        raise ValidationError({"officer": "Name either an officer or a mission, not both."})
    if not viewer.can_write:
        raise PermissionDenied("Viewers cannot produce a handover dossier.")
    today = today or clock.today()
    start = _years_before(today, PORTFOLIO_YEARS)
    # A dossier is passed on: confidential engagements only those its maker supervises.
    visible = visible_engagements(viewer, include_confidential=viewer.supervises)
    clauses = [col(Engagement.archived_at).is_(None), visible]
    if officer is not None:
        user = find_officer(s, officer)
        if user.id != viewer.id and not viewer.supervises:
            raise PermissionDenied(
                "An officer hands over their own portfolio; ask a supervisor for "
                f"{user.display_name}'s."
            )
        if user.id != viewer.id:
            _require_own_mission(viewer, user.mission_id)
        mission = s.get(Mission, user.mission_id) if user.mission_id else None
        clauses.append(Engagement.officer_id == user.id)
        handed_over_by = user.display_name + (f" ({mission.code})" if mission else "")
    else:
        mission = find_mission(s, mission_code or "")
        _require_own_mission(viewer, mission.id)
        clauses.append(Engagement.mission_id == mission.id)
        handed_over_by = mission.name
    engaged = s.exec(
        select(
            EngagementOrganization.organization_id,
            func.count(),
            func.max(Engagement.date),
        )
        .join(Engagement, Engagement.id == EngagementOrganization.engagement_id)
        .join(Organization, Organization.id == EngagementOrganization.organization_id)
        .where(
            *clauses,
            col(Engagement.date).between(start, today),
            col(Organization.archived_at).is_(None),
        )
        .group_by(EngagementOrganization.organization_id)
    ).all()
    engaged = sorted(engaged, key=lambda row: (row[2], row[1]), reverse=True)
    portfolio = [
        PortfolioEntry(
            count,
            last,
            organization_brief_data(
                s,
                viewer,
                org_id,
                include_confidential=viewer.supervises,
                today=today,
                engagement_limit=ENGAGEMENTS_PER_ORGANIZATION,
            ),
        )
        for org_id, count, last in engaged
    ]
    settings = read_settings(s)
    return HandoverData(
        installation_name=settings.installation_name,
        marking=settings.marking(viewer.supervises),
        generated_at=clock.utc_now(),
        generated_by=viewer.display_name or viewer.username,
        includes_confidential=viewer.supervises,
        handed_over_by=handed_over_by,
        period_start=start,
        period_end=today,
        portfolio=portfolio,
        commitments=_commitments(s, clauses, today),
    )


def _commitments(s: Session, clauses: list, today: date) -> list[OpenCommitment]:
    """Follow-ups still open among the engagements `clauses` select, at any date."""
    rows = s.exec(
        select(Engagement.follow_up_date, Engagement.subject, ORGANIZATION_NAMES, User.display_name)
        .outerjoin(User, User.id == Engagement.officer_id)
        .where(
            *clauses,
            col(Engagement.follow_up_date).is_not(None),
            col(Engagement.follow_up_done_at).is_(None),
        )
        .order_by(Engagement.follow_up_date, Engagement.id)
    ).all()
    return [
        OpenCommitment(
            due, subject, organizations or "", (officer or "").split(",")[0], due < today
        )
        for due, subject, organizations, officer in rows
    ]


def _require_own_mission(viewer: Actor, mission_id: int | None) -> None:
    reach = None if viewer.may_administer else viewer.mission_id  # None: every mission
    if reach is not None and mission_id != reach:
        raise PermissionDenied(
            f"{viewer.username} may hand over portfolios of their own mission only."
        )
