"""contact.erased_at: when a person's data was erased at their request

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24

An erased contact keeps its row (so counts and engagement links stay right) but none of
its personal fields; the row reads "Erased contact #id" (db/store/erasure.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("contact", sa.Column("erased_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE contact DROP COLUMN erased_at")
