"""Pages of a long list in two steps: the ids of one page, ordered and cut in SQL, then
the display rows for just those ids, so per-row work (joins, subqueries) runs 200
times, not once per row of the table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func
from sqlmodel import Session, select


def _order(s: Session, id_column: Any, key: Any, descending: bool) -> list:
    """ORDER BY the key, then the id. Empty values come first going up and last going
    down, as SQLite puts them; PostgreSQL puts them the other way round unless told, so
    it is told for a column that can be empty (only there: a NULLS clause would keep it
    from reading a non-empty key's order off its index)."""
    ordered = key.desc() if descending else key.asc()
    column = getattr(key, "expression", key)
    if s.get_bind().dialect.name == "postgresql" and getattr(column, "nullable", False):
        ordered = ordered.nulls_last() if descending else ordered.nulls_first()
    return [ordered, id_column.desc() if descending else id_column.asc()]


def ordered_ids(s: Session, id_column: Any, ids: Select, key: Any, descending: bool) -> list[int]:
    """Every id `ids` selects, in the list's order (ties by id): what an export writes."""
    return list(s.exec(ids.order_by(*_order(s, id_column, key, descending))).all())


def ordered_page(
    s: Session,
    id_column: Any,
    ids: Select,
    key: Any,
    descending: bool,
    offset: int,
    limit: int,
    details: Select,
    row_type: type,
) -> list:
    """Rows of `row_type` for one page: `ids` sorted by `key` (ties by id), then `details`
    (whose first column is the id) fetched for those ids, in the same order."""
    page_ids = s.exec(
        ids.order_by(*_order(s, id_column, key, descending)).offset(offset).limit(limit)
    ).all()
    if not page_ids:
        return []
    found = {row[0]: row for row in s.exec(details.where(id_column.in_(page_ids))).all()}
    return [row_type(*found[i]) for i in page_ids if i in found]


def highest_id(s: Session, model: Any) -> int:
    """A table's highest id: a bound on how many rows it holds, read from the end of its
    primary key without counting."""
    return s.exec(select(func.max(model.id))).one() or 0
