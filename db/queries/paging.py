"""Pages of a long list in two steps: the ids of one page, ordered and cut in SQL, then
the display rows for just those ids, so per-row work (joins, subqueries) runs 200
times, not once per row of the table.

A page after the first starts where the one before ended (keyset paging): the caller
hands back the `after` of the page it has, the sort key and id of its last row, and the
next page is read from the index at that point, so the page at row 400,000 costs what
the first does. An offset is still taken, for a page asked for by its position.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Select, and_, func, literal, or_, tuple_
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, select


class Page(list):
    """The rows of one page, and `after`: where the next page starts (the last row's
    sort key and id), or None after the last page."""

    after: tuple[Any, int] | None = None


def _may_be_empty(key: Any) -> bool:
    """Whether a sort key can be NULL: a column that can, or a function of one."""
    column = getattr(key, "expression", key)
    if isinstance(column, Column):
        return bool(column.nullable)
    if isinstance(column, FunctionElement):
        return any(_may_be_empty(argument) for argument in column.clauses)
    return True


def _order(s: Session, id_column: Any, key: Any, descending: bool) -> list:
    """ORDER BY the key, then the id. Empty values come first going up and last going
    down, as SQLite puts them; PostgreSQL puts them the other way round unless told, so
    it is told for a column that can be empty (only there: a NULLS clause would keep it
    from reading a non-empty key's order off its index)."""
    ordered = key.desc() if descending else key.asc()
    if s.get_bind().dialect.name == "postgresql" and _may_be_empty(key):
        ordered = ordered.nulls_last() if descending else ordered.nulls_first()
    return [ordered, id_column.desc() if descending else id_column.asc()]


def _after(id_column: Any, key: Any, descending: bool, after: tuple[Any, int]) -> Any:
    """Rows that come after (value, id) in the list's order, empty values first going up
    and last going down."""
    value, last_id = after
    if value is None:
        if descending:
            return and_(key.is_(None), id_column < last_id)
        return or_(and_(key.is_(None), id_column > last_id), key.is_not(None))
    pair, there = tuple_(key, id_column), tuple_(literal(value, key.type), literal(last_id))
    if descending:
        later = pair < there
        return or_(later, key.is_(None)) if _may_be_empty(key) else later
    return pair > there


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
    after: tuple[Any, int] | None = None,
) -> Page:
    """Rows of `row_type` for one page: `ids` sorted by `key` (ties by id), starting
    `after` the given (key, id) or at `offset`, then `details` (whose first column is the
    id) fetched for those ids, in the same order."""
    keyed = ids.add_columns(key)
    if after is not None:
        keyed = keyed.where(_after(id_column, key, descending, after))
    else:
        keyed = keyed.offset(offset)
    found_keys = s.execute(
        keyed.order_by(*_order(s, id_column, key, descending)).limit(limit)
    ).all()
    page = Page()
    if not found_keys:
        return page
    page_ids = [row[0] for row in found_keys]
    found = {row[0]: row for row in s.exec(details.where(id_column.in_(page_ids))).all()}
    page.extend(row_type(*found[i]) for i in page_ids if i in found)
    if len(found_keys) == limit:
        page.after = (found_keys[-1][1], found_keys[-1][0])
    return page


def highest_id(s: Session, model: Any) -> int:
    """A table's highest id: a bound on how many rows it holds, read from the end of its
    primary key without counting."""
    return s.exec(select(func.max(model.id))).one() or 0
