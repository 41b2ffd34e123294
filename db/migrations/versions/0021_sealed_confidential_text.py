"""Confidential text sealed in the file: each user's public reading key, the sealing
keys (one per officer and mission) and their wraps to each allowed reader; the search
index leaves sealed text out; on PostgreSQL the subject is no longer length-limited (its
sealed form is longer than its text) and the new tables get their row-level policies

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08

Text stays as it is here: an administrator's next sign-in seals the confidential text
written before (db/store/sealing.py seal_unsealed), once readers hold reading keys.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKENIZER = "unicode61 remove_diacritics 2 categories 'L* N* Co Mn'"
SEARCHED = ("subject", "summary")
# The search index reads the engagement's text through this view, which gives sealed
# text (starting with U+001E) as empty: FTS5's 'rebuild' and its triggers index the
# same words, and no ciphertext.
SEARCHED_VIEW = (
    "CREATE VIEW engagement_searched AS SELECT id, "
    + ", ".join(
        f"CASE WHEN substr({c}, 1, 1) = char(30) THEN '' ELSE {c} END AS {c}" for c in SEARCHED
    )
    + " FROM engagement"
)


def _searched(prefix: str) -> str:
    return ", ".join(
        f"CASE WHEN substr({prefix}.{c}, 1, 1) = char(30) THEN '' ELSE {prefix}.{c} END"
        for c in SEARCHED
    )


def _engagement_fts(view: bool) -> None:
    listed = ", ".join(SEARCHED)
    content = "engagement_searched" if view else "engagement"
    new_values = _searched("new") if view else ", ".join(f"new.{c}" for c in SEARCHED)
    old_values = _searched("old") if view else ", ".join(f"old.{c}" for c in SEARCHED)
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS engagement_fts_after_{event}")
    op.execute("DROP TABLE IF EXISTS engagement_fts")
    op.execute("DROP VIEW IF EXISTS engagement_searched")
    if view:
        op.execute(SEARCHED_VIEW)
    op.execute(
        f"CREATE VIRTUAL TABLE engagement_fts USING fts5({listed}, content='{content}', "
        f"content_rowid='id', tokenize=\"{TOKENIZER}\", prefix='2 3 4')"
    )
    op.execute(
        "CREATE TRIGGER engagement_fts_after_insert AFTER INSERT ON engagement BEGIN "
        f"INSERT INTO engagement_fts(rowid, {listed}) VALUES (new.id, {new_values}); END"
    )
    op.execute(
        "CREATE TRIGGER engagement_fts_after_delete AFTER DELETE ON engagement BEGIN "
        f"INSERT INTO engagement_fts(engagement_fts, rowid, {listed}) "
        f"VALUES ('delete', old.id, {old_values}); END"
    )
    op.execute(
        f"CREATE TRIGGER engagement_fts_after_update AFTER UPDATE OF {listed} ON engagement "
        f"BEGIN INSERT INTO engagement_fts(engagement_fts, rowid, {listed}) "
        f"VALUES ('delete', old.id, {old_values}); "
        f"INSERT INTO engagement_fts(rowid, {listed}) VALUES (new.id, {new_values}); END"
    )
    op.execute("INSERT INTO engagement_fts(engagement_fts) VALUES ('rebuild')")


def _pg_search_vector(sealed_left_out: bool, subject_type: str) -> None:
    """The engagement's search vector made again, its subject column's type changed in
    between (a generated column's source cannot change type under it)."""

    def column(name: str) -> str:
        if sealed_left_out:
            return f"CASE WHEN starts_with({name}, chr(30)) THEN '' ELSE {name} END"
        return name

    vector = (
        f"setweight(to_tsvector('simple', rabta_fold(coalesce({column('subject')}, ''))), 'A')"
        f" || setweight(to_tsvector('simple', rabta_fold(coalesce({column('summary')}, ''))),"
        " 'D')"
    )
    op.execute("ALTER TABLE engagement DROP COLUMN search_vector")
    op.execute(f"ALTER TABLE engagement ALTER COLUMN subject TYPE {subject_type}")
    op.execute(
        f"ALTER TABLE engagement ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({vector}) "
        "STORED"
    )
    op.execute("CREATE INDEX ix_search_engagement ON engagement USING gin (search_vector)")


PG_POLICIES = """
ALTER TABLE sealing_key ENABLE ROW LEVEL SECURITY;
CREATE POLICY rabta_reads ON sealing_key FOR SELECT TO rabta_user USING (true);
CREATE POLICY rabta_adds ON sealing_key FOR INSERT TO rabta_user
    WITH CHECK (rabta_acting_id() IS NOT NULL);
ALTER TABLE sealing_key_reader ENABLE ROW LEVEL SECURITY;
CREATE POLICY rabta_reads ON sealing_key_reader FOR SELECT TO rabta_user USING (true);
CREATE POLICY rabta_adds ON sealing_key_reader FOR INSERT TO rabta_user
    WITH CHECK (rabta_acting_id() IS NOT NULL);
CREATE POLICY rabta_removes ON sealing_key_reader FOR DELETE TO rabta_user
    USING (rabta_administers() OR user_id = rabta_acting_id());
GRANT SELECT, INSERT ON sealing_key TO rabta_user;
GRANT SELECT, INSERT, DELETE ON sealing_key_reader TO rabta_user;
GRANT USAGE, SELECT ON SEQUENCE sealing_key_id_seq TO rabta_user;
GRANT UPDATE (reading_key) ON "user" TO rabta_user;
"""


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.add_column("user", sa.Column("reading_key", text(length=64), nullable=True))
    op.create_table(
        "sealing_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", text(length=32), nullable=False),
        sa.Column("mission_id", sa.Integer(), sa.ForeignKey("mission.id"), nullable=True),
        sa.Column("officer_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("uid"),
    )
    op.create_index("ix_sealing_key_mission_officer", "sealing_key", ["mission_id", "officer_id"])
    op.create_table(
        "sealing_key_reader",
        sa.Column(
            "sealing_key_id",
            sa.Integer(),
            sa.ForeignKey("sealing_key.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("user.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("wrapped", sa.Text(), nullable=False),
    )
    op.create_index("ix_sealing_key_reader_user_id", "sealing_key_reader", ["user_id"])
    # confidential text written before: an administrator's next sign-in seals it
    op.execute(
        "INSERT INTO setting (key, value) SELECT 'security.unsealed_text', '1' "
        "WHERE EXISTS (SELECT 1 FROM engagement WHERE sensitivity = 'confidential')"
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _engagement_fts(view=True)
    elif dialect == "postgresql":
        _pg_search_vector(sealed_left_out=True, subject_type="varchar")
        op.execute(PG_POLICIES)


def downgrade() -> None:
    op.execute("DELETE FROM setting WHERE key = 'security.unsealed_text'")
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _engagement_fts(view=False)
    elif dialect == "postgresql":
        _pg_search_vector(sealed_left_out=False, subject_type="varchar(200)")
    op.drop_index("ix_sealing_key_reader_user_id", table_name="sealing_key_reader")
    op.drop_table("sealing_key_reader")
    op.drop_index("ix_sealing_key_mission_officer", table_name="sealing_key")
    op.drop_table("sealing_key")
    op.drop_column("user", "reading_key")
