"""PostgreSQL full-text search: a tsvector column per searched table, kept by the
server itself (GENERATED ... STORED), with GIN indexes; the lists' lower(column) sort
indexes that 0003 made on SQLite only

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24

The words are those FTS5 indexes on SQLite (migration 0003), folded the same way:
case, Latin diacritics (café = cafe) and ASCII punctuation (an email's dots and @ split
it into words), Urdu kept as written. The folding is rabta_fold(), an IMMUTABLE SQL
function built on translate() rather than the unaccent extension, which managed servers
(and the test server) do not always offer. Weights follow the bm25 weights on SQLite:
names A, the rest D. On SQLite this migration does nothing.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Latin letters with diacritics and the letter each folds to (one to one, for translate).
ACCENTED = (
    "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆ"
    "ćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐő"
    "ŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚ"
    "ǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮ"
    "ȯȰȱȲȳøØđĐłŁıħĦŧŦƀɨ"
)
PLAIN = (
    "AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaC"
    "cCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOo"
    "RrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzsOoUuAaIiOoUuUuUuUu"
    "UuAaAaGgKkOoOojGgNnAaAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaEeOoOoO"
    "oOoYyoOdDlLihHtTbi"
)
# table -> (column, weight) in the order FTS5 indexes them on SQLite
SEARCHED = {
    "organization": (("name", "A"), ("acronym", "A"), ("city", "D")),
    "contact": (("given_name", "A"), ("family_name", "A"), ("name_urdu", "A"), ("email", "D")),
    "engagement": (("subject", "A"), ("summary", "D")),
    "program": (("name", "A"), ("description", "D")),
}
SORT_INDEXES = {
    "ix_expr_organization_lower_name": ("organization", "lower(name)"),
    "ix_expr_contact_lower_family_name": ("contact", "lower(family_name)"),
    "ix_expr_program_lower_name": ("program", "lower(name)"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION rabta_fold(value text) RETURNS text "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT lower(regexp_replace("
        f"translate(value, '{ACCENTED}', '{PLAIN}'), '[[:space:][:punct:]]+', ' ', 'g')) $$"
    )
    for table, columns in SEARCHED.items():
        vector = " || ".join(
            f"setweight(to_tsvector('simple', rabta_fold(coalesce({column}, ''))), '{weight}')"
            for column, weight in columns
        )
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({vector}) STORED"
        )
        op.execute(f"CREATE INDEX ix_search_{table} ON {table} USING gin (search_vector)")
    for name, (table, expression) in SORT_INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({expression})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in SORT_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    for table in SEARCHED:
        op.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
    op.execute("DROP FUNCTION rabta_fold(text)")
