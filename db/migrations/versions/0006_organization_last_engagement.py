"""organization.last_engagement_on, kept by the store, filled from the engagements

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

The organizations list showed each organization's latest engagement by reading its
engagements for every row on screen; the date now lives on the organization (the
store refreshes it on every engagement write), so the list shows and sorts by it
from an index.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE, not a batch copy: a copy would lose the expression indexes,
    # which SQLAlchemy cannot reflect.
    op.add_column("organization", sa.Column("last_engagement_on", sa.Date(), nullable=True))
    op.create_index("ix_organization_last_engagement_on", "organization", ["last_engagement_on"])
    op.execute(
        "UPDATE organization SET last_engagement_on = ("
        "SELECT max(engagement.date) FROM engagement "
        "JOIN engagement_organization "
        "ON engagement_organization.engagement_id = engagement.id "
        "WHERE engagement_organization.organization_id = organization.id "
        "AND engagement.archived_at IS NULL)"
    )


def downgrade() -> None:
    op.drop_index("ix_organization_last_engagement_on", table_name="organization")
    op.execute("ALTER TABLE organization DROP COLUMN last_engagement_on")
