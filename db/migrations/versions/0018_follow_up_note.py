"""What came of a follow-up: marking one done asks for a note (which may be empty),
kept on the engagement beside the moment it was done

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# A plain ADD COLUMN on both engines: batch mode would rebuild the engagement table on
# SQLite, and with it the search triggers and the expression indexes.


def upgrade() -> None:
    op.add_column(
        "engagement",
        sa.Column(
            "follow_up_note",
            sqlmodel.sql.sqltypes.AutoString(),
            nullable=False,
            server_default="",
        ),
    )


def downgrade() -> None:
    op.drop_column("engagement", "follow_up_note")
