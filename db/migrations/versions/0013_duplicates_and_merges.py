"""Duplicates and merges: pairs marked "not a duplicate", the journal of each merge,
and the pointer from a merged record to the one it was merged into

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "duplicate_dismissal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(length=32), nullable=False),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("second_id", sa.Integer(), nullable=False),
        sa.Column("dismissed_by", sa.String(length=64), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_dismissal")),
        sa.UniqueConstraint(
            "entity_type",
            "first_id",
            "second_id",
            name=op.f("uq_duplicate_dismissal_entity_type_first_id_second_id"),
        ),
    )
    op.create_table(
        "merge_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(length=32), nullable=False),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("merged_by", sa.String(length=64), nullable=False),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.Column("journal", sa.String(), nullable=False),
        sa.Column("undone_by", sa.String(length=64), nullable=True),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merge_record")),
    )
    op.create_index(
        op.f("ix_merge_record_survivor_id"), "merge_record", ["survivor_id"], unique=False
    )
    op.create_index(
        "ix_merge_record_entity_type_merged_id",
        "merge_record",
        ["entity_type", "merged_id"],
        unique=False,
    )
    op.add_column("contact", sa.Column("merged_into_id", sa.Integer(), nullable=True))
    op.add_column("organization", sa.Column("merged_into_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE organization DROP COLUMN merged_into_id")
    op.execute("ALTER TABLE contact DROP COLUMN merged_into_id")
    op.drop_index("ix_merge_record_entity_type_merged_id", table_name="merge_record")
    op.drop_index(op.f("ix_merge_record_survivor_id"), table_name="merge_record")
    op.drop_table("merge_record")
    op.drop_table("duplicate_dismissal")
