"""Sign-in state of users, and the audit log as a hash chain no one can quietly edit

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24

user: must_change_password (after an administrator reset it), failed_sign_ins and
locked_until (5 wrong passwords lock an account for a growing delay).

audit_entry: previous_hash and entry_hash chain every entry to the one before it
(db/rules/audit_chain.py); existing entries are chained here in id order. Triggers refuse
DELETE, and UPDATE of anything but `changes` (which erasure redacts to digests that the
chain still verifies). A batch migration that recreates audit_entry must recreate them.
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

from db.rules.audit_chain import GENESIS, ChainedFields, entry_hash

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHAINED = ("id", "at", "user_id", "username", "action", "entity_type", "entity_id", "entity_uid")
_FIXED = (*_CHAINED, "previous_hash", "entry_hash")


def upgrade() -> None:
    op.add_column(
        "user",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "user", sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("user", sa.Column("locked_until", sa.DateTime(), nullable=True))
    op.add_column("audit_entry", sa.Column("previous_hash", sa.String(64), nullable=True))
    op.add_column("audit_entry", sa.Column("entry_hash", sa.String(64), nullable=True))

    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, at, user_id, username, action, entity_type, entity_id, entity_uid, "
            "changes FROM audit_entry ORDER BY id"
        )
    ).fetchall()
    previous = GENESIS
    for row in rows:
        at = datetime.fromisoformat(row.at) if isinstance(row.at, str) else row.at
        current = entry_hash(ChainedFields(**{**row._mapping, "at": at}), previous)
        bind.execute(
            sa.text("UPDATE audit_entry SET previous_hash = :p, entry_hash = :h WHERE id = :id"),
            {"p": previous, "h": current, "id": row.id},
        )
        previous = current

    changed = " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in _FIXED)
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER audit_entry_refuse_delete BEFORE DELETE ON audit_entry "
            "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be deleted'); END"
        )
        op.execute(
            f"CREATE TRIGGER audit_entry_refuse_update BEFORE UPDATE ON audit_entry WHEN {changed} "
            "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END"
        )
    else:
        changed_pg = " OR ".join(f"NEW.{column} IS DISTINCT FROM OLD.{column}" for column in _FIXED)
        op.execute(
            "CREATE FUNCTION audit_entry_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN "
            "IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'audit entries cannot be deleted'; END IF; "
            f"IF {changed_pg} THEN RAISE EXCEPTION 'audit entries cannot be changed'; END IF; "
            "RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_entry_refuse_change BEFORE UPDATE OR DELETE ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change()"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_entry_refuse_update")
        op.execute("DROP TRIGGER audit_entry_refuse_delete")
    else:
        op.execute("DROP TRIGGER audit_entry_refuse_change ON audit_entry")
        op.execute("DROP FUNCTION audit_entry_refuse_change()")
    op.execute("ALTER TABLE audit_entry DROP COLUMN entry_hash")
    op.execute("ALTER TABLE audit_entry DROP COLUMN previous_hash")
    op.execute('ALTER TABLE "user" DROP COLUMN locked_until')
    op.execute('ALTER TABLE "user" DROP COLUMN failed_sign_ins')
    op.execute('ALTER TABLE "user" DROP COLUMN must_change_password')
