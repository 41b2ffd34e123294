"""Global search over organizations, contacts, engagements and programs: one API.

On SQLite it runs on the FTS5 tables of migration 0003 (prefix matching, case- and
Latin-diacritics-insensitive, ranked with bm25); on PostgreSQL on the generated tsvector
columns of migration 0014 (the same words, folded the same way, prefix tsqueries,
ranked with ts_rank). Both rank only the newest MATCH_CAP matches and give the same
titles; other databases fall back to case-insensitive LIKE. Callers never know which ran.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import and_, case, column, or_, text
from sqlmodel import Session, col, select

from db.foundations.actor import Actor
from db.foundations.models import Contact, Engagement, Organization, Program
from db.foundations.sealed_text import opened
from db.queries.text_match import contains
from db.rules.visibility import (
    contact_details_withheld,
    visible_engagements,
    visible_engagements_sql,
)

KINDS = ("organization", "contact", "program", "engagement")
_SPLIT = re.compile(r"[\s\"'()*:^+\-.,;!?@/\\{}\[\]]+")
_UNSEARCHABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class SearchHit:
    """One found record: its kind and id, what to show, and its rank (lower is better)."""

    kind: str
    id: int
    title: str
    detail: str
    rank: float


# Words that narrow nothing but, as prefixes, match nearly every row; left out when the
# query has other words, as are single letters.
_NOISE = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "the", "to", "with"}


def typed_words(typed: str) -> list[str]:
    """The words of what a user typed; control characters, lone surrogates (bytes that
    were not UTF-8) and bidi controls are separators, never part of a word."""
    return [w for w in _SPLIT.split(_UNSEARCHABLE.sub(" ", typed or "")) if w]


def query_words(typed: str) -> list[str]:
    """The words a search looks for: those typed, less noise words and single letters
    when there are others."""
    words = typed_words(typed)
    telling = [w for w in words if len(w) > 1 and w.lower() not in _NOISE]
    return telling or words


def fts_query(typed: str) -> str | None:
    """The FTS5 MATCH expression for what a user typed: every word, as a prefix."""
    words = query_words(typed)
    return " ".join(f'"{word}"*' for word in words) if words else None


def pg_tsquery(s: Session, typed: str) -> str | None:
    """The PostgreSQL tsquery text for what a user typed: every word, folded by the
    database's rabta_fold() as the indexed text is, as a prefix."""
    words = query_words(typed)
    if not words:
        return None
    folded = s.connection().execute(text("SELECT rabta_fold(:w)"), {"w": " ".join(words)})
    return prefix_tsquery((folded.scalar() or "").split())


def prefix_tsquery(lexemes: list[str]) -> str | None:
    """The tsquery text matching every one of these folded words as a prefix."""
    if not lexemes:
        return None
    return " & ".join("'" + w.replace("\\", "\\\\").replace("'", "''") + "':*" for w in lexemes)


# For words so common that they match tens of thousands of rows, ranking every match costs
# hundreds of milliseconds; bm25 ranks the newest MATCH_CAP matches instead (rows come out
# of FTS5 newest first without sorting, and bm25 is computed only for those).
MATCH_CAP = 500
_CAPPED = (
    "WITH found AS (SELECT rowid AS id, bm25({fts}, {weights}) AS score FROM {fts} "
    "WHERE {fts} MATCH :q ORDER BY rowid DESC LIMIT {cap}) "
    "SELECT {alias}.id, {title}, {detail}, found.score FROM found "
    "JOIN {table} {alias} ON {alias}.id = found.id WHERE 1 {{archived}} "
    "ORDER BY found.score LIMIT :limit"
)
# kind -> (content table, bm25 column weights, title SQL, detail SQL)
_SOURCES = {
    "organization": (
        "organization",
        "10.0, 10.0, 1.0",
        "o.name || CASE WHEN o.acronym <> '' THEN ' (' || o.acronym || ')' ELSE '' END",
        "o.city",
    ),
    "contact": (
        "contact",
        "5.0, 5.0, 5.0, 1.0",
        "c.given_name || ' ' || c.family_name || CASE WHEN c.name_urdu <> '' "
        "THEN ' — ' || c.name_urdu ELSE '' END",
        "CASE WHEN c.do_not_contact OR c.consent = 'refused' THEN '' ELSE c.email END",
    ),
    "program": ("program", "10.0, 1.0", "p.name", "p.status"),
    "engagement": ("engagement", "5.0, 1.0", "e.subject", "e.date"),
}
_ALIAS = {"organization": "o", "contact": "c", "program": "p", "engagement": "e"}
_TSVECTOR = (
    "WITH found AS (SELECT id FROM {table} WHERE search_vector @@ to_tsquery('simple', :q) "
    "ORDER BY id DESC LIMIT {cap}) "
    "SELECT {alias}.id, {title}, {detail}, "
    "-ts_rank({alias}.search_vector, to_tsquery('simple', :q)) AS score FROM found "
    "JOIN {table} {alias} ON {alias}.id = found.id WHERE true {{archived}} "
    "ORDER BY score, {alias}.id DESC LIMIT :limit"
)
_TSVECTOR_SQL = {
    kind: _TSVECTOR.format(
        cap=MATCH_CAP, alias=_ALIAS[kind], title=title, detail=detail, table=table
    )
    for kind, (table, _weights, title, detail) in _SOURCES.items()
}
_FTS_SQL = {
    kind: _CAPPED.format(
        fts=f"{table}_fts",
        weights=weights,
        cap=MATCH_CAP,
        alias=_ALIAS[kind],
        title=title,
        detail=detail,
        table=table,
    )
    for kind, (table, weights, title, detail) in _SOURCES.items()
}


_COUNT_FTS = (
    "WITH found AS (SELECT rowid AS id FROM {fts} WHERE {fts} MATCH :q "
    "ORDER BY rowid DESC LIMIT {cap}) "
    "SELECT count(*), (SELECT count(*) FROM found) FROM found "
    "JOIN {table} {alias} ON {alias}.id = found.id WHERE 1 {{archived}}"
)
_COUNT_TSVECTOR = (
    "WITH found AS (SELECT id FROM {table} WHERE search_vector @@ to_tsquery('simple', :q) "
    "ORDER BY id DESC LIMIT {cap}) "
    "SELECT count(*), (SELECT count(*) FROM found) FROM found "
    "JOIN {table} {alias} ON {alias}.id = found.id WHERE true {{archived}}"
)


@dataclass(frozen=True)
class HitCount:
    """How many records of a kind match: `total`, or at least `total` when `more`
    (counting stops past MATCH_CAP matches, so a common word stays quick)."""

    total: int
    more: bool = False

    def of(self, shown: int) -> str:
        """ "8 of 34", "8 of more than 480", or "3" when all are shown."""
        if shown >= self.total and not self.more:
            return f"{shown:,}"
        return f"{shown:,} of {'more than ' if self.more else ''}{self.total:,}"


def count_matches(
    s: Session, typed: str, *, viewer: Actor, include_archived: bool = False
) -> dict[str, HitCount]:
    """How many records of each kind `search` would find with no limit, for `viewer`
    (the same words, archive and visibility rules)."""
    counts = {kind: HitCount(0) for kind in KINDS}
    dialect = s.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):
        found = _search_like(s, typed, viewer, MATCH_CAP + 1, include_archived)
        return {
            kind: HitCount(min(len(hits), MATCH_CAP), len(hits) > MATCH_CAP)
            for kind, hits in found.items()
        }
    sqlite = dialect == "sqlite"
    query = fts_query(typed) if sqlite else pg_tsquery(s, typed)
    if query is None:
        return counts
    for kind, (table, _weights, _title, _detail) in _SOURCES.items():
        template = _COUNT_FTS if sqlite else _COUNT_TSVECTOR
        sql = template.format(
            fts=f"{table}_fts", table=table, alias=_ALIAS[kind], cap=MATCH_CAP + 1
        )
        counted, matched = (
            s.connection()
            .execute(
                text(sql.format(archived=_hidden_rows(kind, viewer, include_archived))),
                {"q": query, "viewer": viewer.id if viewer.id else -1},
            )
            .one()
        )
        counts[kind] = HitCount(int(counted), matched > MATCH_CAP)
    return counts


def _hidden_rows(kind: str, viewer: Actor, include_archived: bool) -> str:
    """The SQL that leaves out archived rows and engagements `viewer` may not read."""
    hidden = "" if include_archived else f"AND {_ALIAS[kind]}.archived_at IS NULL"
    if kind == "engagement":
        hidden += visible_engagements_sql(viewer, _ALIAS[kind])
    return hidden


def search(
    s: Session,
    typed: str,
    *,
    viewer: Actor,
    limit_per_kind: int = 8,
    include_archived: bool = False,
) -> dict[str, list[SearchHit]]:
    """Records matching every word typed (as prefixes) that `viewer` may see, best first,
    grouped by kind. Contacts who refused consent or contact show no email."""
    dialect = s.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        return _search_indexed(s, typed, viewer, limit_per_kind, include_archived)
    return _search_like(s, typed, viewer, limit_per_kind, include_archived)


def _search_indexed(
    s: Session, typed: str, viewer: Actor, limit: int, include_archived: bool
) -> dict[str, list[SearchHit]]:
    sqlite = s.get_bind().dialect.name == "sqlite"
    query = fts_query(typed) if sqlite else pg_tsquery(s, typed)
    results: dict[str, list[SearchHit]] = {kind: [] for kind in KINDS}
    if query is None:
        return results
    for kind in KINDS:
        sql = (_FTS_SQL if sqlite else _TSVECTOR_SQL)[kind]
        archived = _hidden_rows(kind, viewer, include_archived)
        rows = (
            s.connection()
            .execute(
                text(sql.format(archived=archived)),
                {"q": query, "limit": limit, "viewer": viewer.id if viewer.id else -1},
            )
            .all()
        )
        results[kind] = [
            SearchHit(kind, row[0], opened(row[1], "subject"), str(row[2] or ""), row[3])
            for row in rows
        ]
    return results


def _search_like(
    s: Session, typed: str, viewer: Actor, limit: int, include_archived: bool
) -> dict[str, list[SearchHit]]:
    words = typed_words(typed)
    results: dict[str, list[SearchHit]] = {kind: [] for kind in KINDS}
    if not words:
        return results
    specs = {
        "organization": (
            Organization,
            (Organization.name, Organization.acronym, Organization.city),
            Organization.name,
            Organization.city,
        ),
        "contact": (
            Contact,
            (Contact.given_name, Contact.family_name, Contact.name_urdu, Contact.email),
            Contact.given_name + " " + Contact.family_name,
            case((contact_details_withheld(), ""), else_=Contact.email),
        ),
        "program": (Program, (Program.name, Program.description), Program.name, Program.status),
        "engagement": (
            Engagement,
            (Engagement.subject, Engagement.summary),
            Engagement.subject,
            Engagement.date,
        ),
    }
    for kind, (model, columns, title, detail) in specs.items():
        statement = select(model.id, title, detail)
        for word in words:
            statement = statement.where(or_(*(contains(column, word) for column in columns)))
        if not include_archived:
            statement = statement.where(col(model.archived_at).is_(None))
        if model is Engagement:
            statement = statement.where(visible_engagements(viewer))
        rows = s.exec(statement.limit(limit)).all()
        results[kind] = [SearchHit(kind, i, t, str(d or ""), 0.0) for i, t, d in rows]
    return results


def text_filter(s: Session, kind: str, id_column, typed: str, like_columns) -> object:
    """The WHERE clause a list's filter box adds: full-text (every word a prefix) on
    SQLite and PostgreSQL, case-insensitive LIKE on any of `like_columns` elsewhere."""
    query = fts_query(typed)
    if query is None:
        return id_column.is_not(None)
    dialect = s.get_bind().dialect.name
    if dialect == "sqlite":
        matching = text(f"SELECT rowid FROM {kind}_fts WHERE {kind}_fts MATCH :fts_query")
        return id_column.in_(matching.bindparams(fts_query=query).columns(column("rowid")))
    if dialect == "postgresql":
        tsquery = pg_tsquery(s, typed)
        if tsquery is None:
            return id_column.is_not(None)
        matching = text(
            f"SELECT id FROM {kind} WHERE search_vector @@ to_tsquery('simple', :tsquery)"
        )
        return id_column.in_(matching.bindparams(tsquery=tsquery).columns(column("id")))
    words = typed_words(typed)
    return and_(*(or_(*(contains(c, word) for c in like_columns)) for word in words))
