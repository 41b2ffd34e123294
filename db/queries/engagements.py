"""The read side of engagements: the log as filtered, sorted pages, and follow-ups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import Select, and_, case, func, literal, or_, true
from sqlmodel import Session, col, select

from db.foundations import clock
from db.foundations.actor import Actor
from db.foundations.models import (
    Contact,
    Engagement,
    EngagementContact,
    EngagementOrganization,
    Mission,
    Organization,
    Sensitivity,
    User,
)
from db.queries.ordered_text import joined_in_order
from db.queries.paging import ordered_ids, ordered_page
from db.queries.search import text_filter
from db.rules.visibility import visible_engagements


@dataclass(frozen=True)
class EngagementFilter:
    """What the engagement log is narrowed to, for whom: `viewer` sees only what the
    visibility rule lets them; empty fields do not narrow."""

    viewer: Actor
    text: str = ""
    kind: str | None = None
    mechanism: str | None = None
    mission_id: int | None = None
    organization_id: int | None = None
    contact_id: int | None = None
    program_id: int | None = None
    include_archived: bool = False
    date_from: date | None = None  # dated on or after
    date_to: date | None = None  # dated on or before


class EngagementRow(NamedTuple):
    id: int
    date: date
    kind: str
    subject: str
    organizations: str
    mission_code: str | None
    officer: str | None
    mechanism: str | None
    follow_up_date: date | None
    follow_up_done: bool
    confidential: bool
    archived: bool

    @property
    def follow_up(self) -> str:
        """The follow-up as a list shows it: due date, then done or overdue."""
        if self.follow_up_date is None:
            return ""
        if self.follow_up_done:
            return f"{self.follow_up_date:%Y-%m-%d} done"
        late = " overdue" if self.follow_up_date < clock.today() else ""
        return f"{self.follow_up_date:%Y-%m-%d}{late}"


# An engagement's organizations (acronym, else name) in one text, for lists.
ORGANIZATION_NAMES = (
    select(
        joined_in_order(
            func.coalesce(func.nullif(Organization.acronym, ""), Organization.name), ", "
        )
    )
    .join(EngagementOrganization, EngagementOrganization.organization_id == Organization.id)
    .where(EngagementOrganization.engagement_id == Engagement.id)
    .correlate(Engagement)
    .scalar_subquery()
)

SORT_KEYS = {
    "date": Engagement.date,
    "kind": Engagement.kind,
    "mechanism": Engagement.mechanism,
    "follow_up_date": Engagement.follow_up_date,
}


def _filtered(s: Session, statement: Select, flt: EngagementFilter) -> Select:
    if not flt.include_archived:
        statement = statement.where(col(Engagement.archived_at).is_(None))
    statement = statement.where(visible_engagements(flt.viewer))
    if flt.text.strip():
        statement = statement.where(
            text_filter(
                s,
                "engagement",
                col(Engagement.id),
                flt.text,
                (Engagement.subject, Engagement.summary),
            )
        )
    if flt.kind:
        statement = statement.where(Engagement.kind == flt.kind)
    if flt.mechanism:
        statement = statement.where(Engagement.mechanism == flt.mechanism)
    if flt.date_from is not None:
        statement = statement.where(col(Engagement.date) >= flt.date_from)
    if flt.date_to is not None:
        statement = statement.where(col(Engagement.date) <= flt.date_to)
    if flt.mission_id:
        statement = statement.where(Engagement.mission_id == flt.mission_id)
    if flt.program_id:
        statement = statement.where(Engagement.program_id == flt.program_id)
    if flt.organization_id:
        statement = statement.where(
            col(Engagement.id).in_(
                select(EngagementOrganization.engagement_id).where(
                    EngagementOrganization.organization_id == flt.organization_id
                )
            )
        )
    if flt.contact_id:
        statement = statement.where(
            col(Engagement.id).in_(
                select(EngagementContact.engagement_id).where(
                    EngagementContact.contact_id == flt.contact_id
                )
            )
        )
    return statement


def count_engagements(s: Session, flt: EngagementFilter) -> int:
    """How many engagements match the filter."""
    return s.exec(_filtered(s, select(func.count()).select_from(Engagement), flt)).one()


def engagement_page(
    s: Session,
    flt: EngagementFilter,
    *,
    sort: str = "date",
    descending: bool = True,
    offset: int = 0,
    after: tuple | None = None,
    limit: int = 200,
) -> list[EngagementRow]:
    """One page of matching engagements, sorted in SQL (ties broken by id)."""
    ids = select(Engagement.id)
    details = (
        select(
            Engagement.id,
            Engagement.date,
            Engagement.kind,
            Engagement.subject,
            ORGANIZATION_NAMES,
            Mission.code,
            User.display_name,
            Engagement.mechanism,
            Engagement.follow_up_date,
            col(Engagement.follow_up_done_at).is_not(None),
            Engagement.sensitivity == Sensitivity.CONFIDENTIAL,
            col(Engagement.archived_at).is_not(None),
        )
        .outerjoin(Mission, Mission.id == Engagement.mission_id)
        .outerjoin(User, User.id == Engagement.officer_id)
    )
    return ordered_page(
        s,
        col(Engagement.id),
        _filtered(s, ids, flt),
        SORT_KEYS[sort],
        descending,
        offset,
        limit,
        details,
        EngagementRow,
        after=after,
    )


class FollowUpRow(NamedTuple):
    engagement_id: int
    due: date
    subject: str
    organizations: str
    officer: str | None
    officer_id: int | None
    overdue: bool


@dataclass(frozen=True)
class OpenFollowUps:
    """The follow-ups listed (at most the limit) and how many are open in all."""

    rows: list[FollowUpRow]
    total: int
    overdue: int
    mine: int


def _open_follow_up_ids(s: Session, officer_filter, visible, limit: int) -> list[int]:
    # Matches the partial indexes' condition word for word, so SQLite reads only them.
    return list(
        s.exec(
            select(Engagement.id)
            .where(
                officer_filter,
                visible,
                col(Engagement.follow_up_date).is_not(None),
                col(Engagement.follow_up_done_at).is_(None),
                col(Engagement.archived_at).is_(None),
            )
            .order_by(Engagement.follow_up_date, Engagement.id)
            .limit(limit)
        ).all()
    )


def open_follow_ups(
    s: Session, viewer: Actor, *, today: date, mission_id: int | None = None, limit: int = 500
) -> OpenFollowUps:
    """Follow-ups not yet done that `viewer` may see (of one mission's engagements when
    `mission_id` is given): their own first, then the rest, each by due date (so overdue
    ones come first), with the counts of all open, overdue and own."""
    officer_id = viewer.id
    visible = visible_engagements(viewer)
    if mission_id is not None:
        visible = and_(visible, Engagement.mission_id == mission_id)
    if officer_id is not None:
        ids = _open_follow_up_ids(s, Engagement.officer_id == officer_id, visible, limit)
        others = or_(col(Engagement.officer_id).is_(None), Engagement.officer_id != officer_id)
    else:
        ids, others = [], true()
    if len(ids) < limit:
        ids += _open_follow_up_ids(s, others, visible, limit - len(ids))
    total, overdue, mine = s.exec(
        select(
            func.count(),
            func.coalesce(func.sum(case((Engagement.follow_up_date < today, 1), else_=0)), 0),
            func.coalesce(func.sum(case((Engagement.officer_id == officer_id, 1), else_=0)), 0)
            if officer_id is not None
            else literal(0),
        ).where(
            col(Engagement.follow_up_date).is_not(None),
            col(Engagement.follow_up_done_at).is_(None),
            col(Engagement.archived_at).is_(None),
            visible,
        )
    ).one()
    if not ids:
        return OpenFollowUps([], total, overdue, mine)
    rows = s.exec(
        select(
            Engagement.id,
            Engagement.follow_up_date,
            Engagement.subject,
            ORGANIZATION_NAMES,
            User.display_name,
            Engagement.officer_id,
            Engagement.follow_up_date < today,
        )
        .outerjoin(User, User.id == Engagement.officer_id)
        .where(col(Engagement.id).in_(ids))
    ).all()
    found = {row[0]: row for row in rows}
    return OpenFollowUps([FollowUpRow(*found[i]) for i in ids], total, overdue, mine)


class FollowUpStatus(StrEnum):
    """Red, amber or green: overdue, due soon, later."""

    OVERDUE = "overdue"
    DUE_SOON = "due soon"
    ON_TRACK = "on track"


def follow_up_status(due: date, today: date, amber_days: int) -> FollowUpStatus:
    """A follow-up's status on `today`: overdue after its day, due soon within
    `amber_days` of it, on track before."""
    if due < today:
        return FollowUpStatus.OVERDUE
    if (due - today).days <= amber_days:
        return FollowUpStatus.DUE_SOON
    return FollowUpStatus.ON_TRACK


@dataclass(frozen=True)
class EscalatedFollowUps:
    """Follow-ups overdue by more than the escalation days in a supervisor's mission."""

    rows: list[FollowUpRow]
    total: int
    after_days: int
    mission_code: str  # "" for every mission


def escalated_follow_ups(
    s: Session,
    viewer: Actor,
    *,
    today: date,
    after_days: int,
    mission_id: int | None = None,
    limit: int = 200,
) -> EscalatedFollowUps | None:
    """For a supervisor or administrator: open follow-ups overdue by more than
    `after_days` of their mission's officers (for one without a mission, every mission's,
    or `mission_id`'s when given), oldest first. None for anyone else."""
    if not viewer.supervises:
        return None
    clauses = [
        col(Engagement.follow_up_date).is_not(None),
        col(Engagement.follow_up_done_at).is_(None),
        col(Engagement.archived_at).is_(None),
        col(Engagement.follow_up_date) < today - timedelta(days=after_days),
        visible_engagements(viewer),
    ]
    mission_code = ""
    narrowed_to = viewer.mission_id if viewer.mission_id is not None else mission_id
    if narrowed_to is not None:
        clauses.append(Engagement.mission_id == narrowed_to)
        mission_code = s.exec(select(Mission.code).where(Mission.id == narrowed_to)).one()
    total = s.exec(select(func.count()).select_from(Engagement).where(*clauses)).one()
    rows = s.exec(
        select(
            Engagement.id,
            Engagement.follow_up_date,
            Engagement.subject,
            ORGANIZATION_NAMES,
            User.display_name,
            Engagement.officer_id,
            literal(True),
        )
        .outerjoin(User, User.id == Engagement.officer_id)
        .where(*clauses)
        .order_by(Engagement.follow_up_date, Engagement.id)
        .limit(limit)
    ).all()
    return EscalatedFollowUps([FollowUpRow(*row) for row in rows], total, after_days, mission_code)


def contacts_of_engagement(s: Session, engagement_id: int) -> list[tuple[int, str]]:
    """(id, full name) of the people an engagement involved."""
    return [
        (cid, name)
        for cid, name in s.exec(
            select(Contact.id, Contact.given_name + " " + Contact.family_name)
            .join(EngagementContact, EngagementContact.contact_id == Contact.id)
            .where(EngagementContact.engagement_id == engagement_id)
            .order_by(Contact.family_name)
        ).all()
    ]


def matching_engagement_ids(
    s: Session, flt: EngagementFilter, *, sort: str = "date", descending: bool = True
) -> list[int]:
    """The ids of every engagement the filter matches (and its viewer may see), in the
    list's order."""
    ids = _filtered(s, select(Engagement.id), flt)
    return ordered_ids(s, col(Engagement.id), ids, SORT_KEYS[sort], descending)
