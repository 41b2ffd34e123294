"""full-text search tables kept in sync by triggers; indexes for sorts and reports

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

On SQLite: FTS5 external-content tables over organizations, contacts, engagements and
programs, with triggers that keep them in sync on insert, update and delete. The
tokenizer folds case and Latin diacritics and keeps Urdu combining marks (Mn) inside
words; prefix indexes of 2 to 4 characters keep prefix searches for common words
fast. Expression indexes let lists sort by lower(name) without a full sort.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKENIZER = "unicode61 remove_diacritics 2 categories 'L* N* Co Mn'"
# fts table -> (content table, indexed columns)
SEARCHED = {
    "organization_fts": ("organization", ("name", "acronym", "city")),
    "contact_fts": ("contact", ("given_name", "family_name", "name_urdu", "email")),
    "engagement_fts": ("engagement", ("subject", "summary")),
    "program_fts": ("program", ("name", "description")),
}
EXPRESSION_INDEXES = {
    "ix_expr_organization_lower_name": ("organization", "lower(name)"),
    "ix_expr_contact_lower_family_name": ("contact", "lower(family_name)"),
    "ix_expr_program_lower_name": ("program", "lower(name)"),
}


def upgrade() -> None:
    op.create_index(
        "ix_engagement_report_scope",
        "engagement",
        ["date", "archived_at", "sensitivity", "mission_id", "kind", "mechanism"],
    )
    if op.get_bind().dialect.name != "sqlite":
        return
    for fts, (table, columns) in SEARCHED.items():
        listed = ", ".join(columns)
        new_values = ", ".join(f"new.{c}" for c in columns)
        old_values = ", ".join(f"old.{c}" for c in columns)
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({listed}, content='{table}', "
            f"content_rowid='id', tokenize=\"{TOKENIZER}\", prefix='2 3 4')"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_after_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new_values}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_after_delete AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old_values}); "
            "END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_after_update AFTER UPDATE OF {listed} ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old_values}); "
            f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new_values}); END"
        )
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    for name, (table, expression) in EXPRESSION_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {table} ({expression})")


def downgrade() -> None:
    op.drop_index("ix_engagement_report_scope", table_name="engagement")
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in EXPRESSION_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    for fts in SEARCHED:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_after_{event}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
