"""Live names are unique in the database itself, not only in the store's check: two
officers adding the same organization at the same moment on a shared server both pass
the check, and the index stops the second

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-24

Partial unique indexes over the folded name of live (not archived) organizations and
programs and the folded email of live contacts that have one (usernames, stored folded,
are unique since 0011). db/foundations/errors.py turns a violation into the store's own sentence.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNIQUE = {
    "uq_organization_live_name": ("organization", "lower(name)", "archived_at IS NULL"),
    "uq_program_live_name": ("program", "lower(name)", "archived_at IS NULL"),
    "uq_contact_live_email": ("contact", "lower(email)", "archived_at IS NULL AND email <> ''"),
}


def upgrade() -> None:
    for name, (table, expression, live) in UNIQUE.items():
        op.execute(f"CREATE UNIQUE INDEX {name} ON {table} ({expression}) WHERE {live}")


def downgrade() -> None:
    for name in UNIQUE:
        op.execute(f"DROP INDEX IF EXISTS {name}")
