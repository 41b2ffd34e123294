"""indexes for every sortable column of the contact and organization lists

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

Lists sort case-insensitively by lower(column); with an index on that expression a
re-sort of 100,000 contacts reads the first page from the index instead of sorting
every row. On PostgreSQL the same expression indexes are created.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EXPRESSION_INDEXES = {
    "ix_expr_contact_lower_given_name": ("contact", "lower(given_name)"),
    "ix_expr_contact_lower_profession": ("contact", "lower(profession)"),
    "ix_expr_contact_lower_city": ("contact", "lower(city)"),
    "ix_expr_contact_lower_email": ("contact", "lower(email)"),
    "ix_expr_organization_lower_acronym": ("organization", "lower(acronym)"),
    "ix_expr_organization_lower_city": ("organization", "lower(city)"),
}


def upgrade() -> None:
    op.create_index("ix_contact_consent", "contact", ["consent"])
    for name, (table, expression) in EXPRESSION_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {table} ({expression})")


def downgrade() -> None:
    for name in EXPRESSION_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index("ix_contact_consent", table_name="contact")
