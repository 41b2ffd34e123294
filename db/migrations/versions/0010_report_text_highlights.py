"""report_text.highlights: the engagements an officer chose to feature in a report

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24

Empty (the default) means the report features the latest recorded outcome of each
high-priority organization; otherwise the ids of the chosen engagements, comma-separated.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "report_text",
        sa.Column("highlights", sa.String(), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.execute("ALTER TABLE report_text DROP COLUMN highlights")
