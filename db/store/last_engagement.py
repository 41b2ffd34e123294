"""Each organization's last engagement dates, kept on the organization itself: the
latest of all its engagements, and the latest that is not confidential.

Lists show and sort organizations by it; reading it from their engagements would cost
a pass over thousands of engagements for the most active ones. Every write that adds,
moves, redates, archives or restores an engagement refreshes the organizations it
touched, in the same transaction. On a server the same rule runs as the function
rabta_refresh_last_engagement (migration 0020; keep the two alike), because a person's
own role may neither see every engagement nor update another mission's organizations.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, text, update
from sqlmodel import Session, col, select

from db.foundations.errors import ValidationError
from db.foundations.models import Engagement, EngagementOrganization, Organization, Sensitivity
from db.rules.rows import record_id


def latest_engagement_date(*, confidential_too: bool = True):
    """SQL for an organization's latest live engagement date (correlated to Organization),
    leaving confidential engagements out unless `confidential_too`."""
    statement = (
        select(func.max(Engagement.date))
        .join(EngagementOrganization, EngagementOrganization.engagement_id == Engagement.id)
        .where(
            EngagementOrganization.organization_id == Organization.id,
            col(Engagement.archived_at).is_(None),
        )
    )
    if not confidential_too:
        statement = statement.where(Engagement.sensitivity != Sensitivity.CONFIDENTIAL)
    return statement.correlate(Organization).scalar_subquery()


def refresh_last_engagement(s: Session, organization_ids: Iterable[int] | None = None) -> None:
    """Recompute the last engagement dates of these organizations (None: of all)."""
    ids: list[int] | None = None
    if organization_ids is not None:
        if not isinstance(organization_ids, list | tuple | set | frozenset):
            raise ValidationError({"organization_ids": "Give the organizations as a list of ids."})
        ids = sorted({record_id(i, "organization_ids", "Organization") for i in organization_ids})
        if not ids:
            return
    s.flush()
    if s.get_bind().dialect.name == "postgresql":
        _refresh_on_the_server(s, ids)
        return
    statement = update(Organization).values(
        last_engagement_on=latest_engagement_date(),
        last_normal_engagement_on=latest_engagement_date(confidential_too=False),
    )
    if ids is not None:
        statement = statement.where(col(Organization.id).in_(ids))
    s.exec(statement.execution_options(synchronize_session="fetch"))


def _refresh_on_the_server(s: Session, ids: list[int] | None) -> None:
    """The same rule, run by the server's rabta_refresh_last_engagement (migration
    0020): it waits for anyone logging an engagement with these organizations, and sees
    every engagement and organization whichever person's role is connected."""
    s.exec(text("SELECT rabta_refresh_last_engagement(:ids)").bindparams(ids=ids))
    for held in list(s.identity_map.values()):
        if isinstance(held, Organization) and (ids is None or held.id in ids):
            s.expire(held, ["last_engagement_on", "last_normal_engagement_on"])
