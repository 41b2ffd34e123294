"""partial indexes for the Dashboard's open follow-ups

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Only engagements with a follow-up not yet done (and not archived) are indexed, by date
and by officer, so the Dashboard lists and counts them without reading the engagements.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_FOLLOW_UP = "follow_up_date IS NOT NULL AND follow_up_done_at IS NULL AND archived_at IS NULL"


def upgrade() -> None:
    where = {"sqlite_where": sa.text(OPEN_FOLLOW_UP), "postgresql_where": sa.text(OPEN_FOLLOW_UP)}
    op.create_index(
        "ix_engagement_open_follow_up_date", "engagement", ["follow_up_date", "officer_id"], **where
    )
    op.create_index(
        "ix_engagement_open_follow_up_officer",
        "engagement",
        ["officer_id", "follow_up_date"],
        **where,
    )


def downgrade() -> None:
    op.drop_index("ix_engagement_open_follow_up_officer", table_name="engagement")
    op.drop_index("ix_engagement_open_follow_up_date", table_name="engagement")
