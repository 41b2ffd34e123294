"""organization.last_normal_engagement_on: the latest engagement that is not confidential

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24

The organizations list showed every officer the date of an organization's latest
engagement, confidential ones included, so the date of a confidential meeting reached
officers who may not see it. The store now keeps a second date that leaves confidential
engagements out, and the list shows it to everyone who does not see them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("organization", sa.Column("last_normal_engagement_on", sa.Date(), nullable=True))
    op.create_index(
        "ix_organization_last_normal_engagement_on", "organization", ["last_normal_engagement_on"]
    )
    op.execute(
        "UPDATE organization SET last_normal_engagement_on = ("
        "SELECT max(engagement.date) FROM engagement "
        "JOIN engagement_organization "
        "ON engagement_organization.engagement_id = engagement.id "
        "WHERE engagement_organization.organization_id = organization.id "
        "AND engagement.archived_at IS NULL AND engagement.sensitivity <> 'confidential')"
    )


def downgrade() -> None:
    op.drop_index("ix_organization_last_normal_engagement_on", table_name="organization")
    op.execute("ALTER TABLE organization DROP COLUMN last_normal_engagement_on")
