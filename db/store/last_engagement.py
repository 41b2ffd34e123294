"""Each organization's last engagement dates, kept on the organization itself: the
latest of all its engagements, and the latest that is not confidential.

Lists show and sort organizations by it; reading it from their engagements would cost
a pass over thousands of engagements for the most active ones. Every write that adds,
moves, redates, archives or restores an engagement refreshes the organizations it
touched, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, update
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
    statement = update(Organization).values(
        last_engagement_on=latest_engagement_date(),
        last_normal_engagement_on=latest_engagement_date(confidential_too=False),
    )
    if organization_ids is not None:
        if not isinstance(organization_ids, list | tuple | set | frozenset):
            raise ValidationError({"organization_ids": "Give the organizations as a list of ids."})
        ids = sorted({record_id(i, "organization_ids", "Organization") for i in organization_ids})
        if not ids:
            return
        statement = statement.where(col(Organization.id).in_(ids))
        s.flush()
        if s.get_bind().dialect.name == "postgresql":
            # Wait for anyone logging an engagement with these organizations: the update
            # below then reads their committed engagements too (a new statement, a new
            # snapshot), instead of writing back a maximum that leaves theirs out.
            s.exec(
                select(Organization.id)
                .where(col(Organization.id).in_(ids))
                .order_by(col(Organization.id))
                .with_for_update(key_share=True)  # FOR NO KEY UPDATE: as the update will
            ).all()
    s.flush()
    s.exec(statement.execution_options(synchronize_session="fetch"))
