"""report texts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("narrative", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("prepared_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("prepared_on", sa.Date(), nullable=True),
        sa.Column("reviewed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("approved_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_text")),
        sa.UniqueConstraint("period", "scope", name=op.f("uq_report_text_period_scope")),
    )


def downgrade() -> None:
    op.drop_table("report_text")
