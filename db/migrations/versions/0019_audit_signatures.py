"""Signed audit entries: each user's Ed25519 public key, its private half sealed under
their password where no keyring holds it, the signature on each batch of entries, and
each entry's chain version (2: values digested with the database's pepper)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Plain ADD COLUMN on both engines (no table is rebuilt); every column starts empty:
# entries written before this revision stay unsigned, and each user gets a key when
# their password is next set or at their next sign-in.


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.add_column("user", sa.Column("signing_key", text(length=64), nullable=True))
    op.add_column("user", sa.Column("signing_secret", text(length=255), nullable=True))
    op.add_column("audit_entry", sa.Column("signed_by", sa.Integer(), nullable=True))
    op.add_column("audit_entry", sa.Column("signature", text(length=128), nullable=True))
    op.add_column(
        "audit_entry",
        sa.Column("chain_version", sa.Integer(), nullable=False, server_default="1"),
    )


def downgrade() -> None:
    op.drop_column("audit_entry", "chain_version")
    op.drop_column("audit_entry", "signature")
    op.drop_column("audit_entry", "signed_by")
    op.drop_column("user", "signing_secret")
    op.drop_column("user", "signing_key")
