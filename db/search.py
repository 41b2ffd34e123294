"""Global search over organizations, contacts, engagements and programs: one API.

On SQLite it runs on the FTS5 tables of migration 0003 (prefix matching, case- and
Latin-diacritics-insensitive, ranked with bm25). Other databases fall back to
case-insensitive LIKE until they get their own full-text index (tsvector on
PostgreSQL); callers never know which ran.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import or_, text
from sqlmodel import Session, col, select

from db.models import Contact, Engagement, Organization, Program
from db.queries.text_match import contains

KINDS = ("organization", "contact", "program", "engagement")
_SPLIT = re.compile(r"[\s\"'()*:^+\-.,;!?@/\\{}\[\]]+")


@dataclass(frozen=True)
class SearchHit:
    """One found record: its kind and id, what to show, and its rank (lower is better)."""

    kind: str
    id: int
    title: str
    detail: str
    rank: float


def fts_query(typed: str) -> str | None:
    """The FTS5 MATCH expression for what a user typed: every word, as a prefix."""
    words = [w for w in _SPLIT.split(typed.strip()) if w]
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)


# kind -> (fts table, SQL for id, title, detail joined to the content table)
_FTS_SQL = {
    "organization": (
        "organization_fts",
        "SELECT o.id, o.name || CASE WHEN o.acronym <> '' THEN ' (' || o.acronym || ')' "
        "ELSE '' END, o.city, bm25(organization_fts, 10.0, 10.0, 1.0) AS rank "
        "FROM organization_fts JOIN organization o ON o.id = organization_fts.rowid "
        "WHERE organization_fts MATCH :q {archived} ORDER BY rank LIMIT :limit",
    ),
    "contact": (
        "contact_fts",
        "SELECT c.id, c.given_name || ' ' || c.family_name || CASE WHEN c.name_urdu <> '' "
        "THEN ' — ' || c.name_urdu ELSE '' END, c.email, "
        "bm25(contact_fts, 5.0, 5.0, 5.0, 1.0) AS rank "
        "FROM contact_fts JOIN contact c ON c.id = contact_fts.rowid "
        "WHERE contact_fts MATCH :q {archived} ORDER BY rank LIMIT :limit",
    ),
    "program": (
        "program_fts",
        "SELECT p.id, p.name, p.status, bm25(program_fts, 10.0, 1.0) AS rank "
        "FROM program_fts JOIN program p ON p.id = program_fts.rowid "
        "WHERE program_fts MATCH :q {archived} ORDER BY rank LIMIT :limit",
    ),
    "engagement": (
        "engagement_fts",
        "SELECT e.id, e.subject, e.date, bm25(engagement_fts, 5.0, 1.0) AS rank "
        "FROM engagement_fts JOIN engagement e ON e.id = engagement_fts.rowid "
        "WHERE engagement_fts MATCH :q {archived} ORDER BY rank LIMIT :limit",
    ),
}
_ALIAS = {"organization": "o", "contact": "c", "program": "p", "engagement": "e"}


def search(
    s: Session, typed: str, *, limit_per_kind: int = 8, include_archived: bool = False
) -> dict[str, list[SearchHit]]:
    """Records matching every word typed (as prefixes), best first, grouped by kind."""
    if s.get_bind().dialect.name == "sqlite":
        return _search_fts(s, typed, limit_per_kind, include_archived)
    return _search_like(s, typed, limit_per_kind, include_archived)


def _search_fts(
    s: Session, typed: str, limit: int, include_archived: bool
) -> dict[str, list[SearchHit]]:
    query = fts_query(typed)
    results: dict[str, list[SearchHit]] = {kind: [] for kind in KINDS}
    if query is None:
        return results
    for kind in KINDS:
        _table, sql = _FTS_SQL[kind]
        archived = "" if include_archived else f"AND {_ALIAS[kind]}.archived_at IS NULL"
        rows = (
            s.connection()
            .execute(text(sql.format(archived=archived)), {"q": query, "limit": limit})
            .all()
        )
        results[kind] = [SearchHit(kind, row[0], row[1], str(row[2] or ""), row[3]) for row in rows]
    return results


def _search_like(
    s: Session, typed: str, limit: int, include_archived: bool
) -> dict[str, list[SearchHit]]:
    words = [w for w in _SPLIT.split(typed.strip()) if w]
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
            Contact.email,
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
        rows = s.exec(statement.limit(limit)).all()
        results[kind] = [SearchHit(kind, i, t, str(d or ""), 0.0) for i, t, d in rows]
    return results
