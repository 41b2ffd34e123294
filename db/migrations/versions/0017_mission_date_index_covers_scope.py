"""The engagements-by-mission-and-date index also holds archived_at and sensitivity.

With full statistics SQLite skip-scans this index for a quarter of every mission (the
same quarter last year in the quarterly report); without the two columns each of the
quarter's engagements was read from the table, 3 s of the report on the encrypted
large registry. Covered, the skip-scan reads the index alone.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_engagement_mission_id_date"


def upgrade() -> None:
    op.drop_index(NAME, table_name="engagement")
    op.create_index(NAME, "engagement", ["mission_id", "date", "archived_at", "sensitivity"])


def downgrade() -> None:
    op.drop_index(NAME, table_name="engagement")
    op.create_index(NAME, "engagement", ["mission_id", "date"])
