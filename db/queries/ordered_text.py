"""Text joined from several rows in a stated order, the same on both engines: SQLite's
group_concat and PostgreSQL's string_agg each take ORDER BY inside the call (SQLite
3.44 and newer; Rabta's SQLCipher carries a newer SQLite), where a plain aggregate
joins in whatever order the rows came."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction


class joined_in_order(GenericFunction):
    """joined_in_order(value, separator): every row's value, sorted, joined by separator."""

    type = String()
    inherit_cache = True


def _arguments(element: Any, compiler: Any, **kw: Any) -> tuple[str, str]:
    value, separator = (compiler.process(c, **kw) for c in element.clauses)
    return value, separator


@compiles(joined_in_order, "sqlite")
def _sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    value, separator = _arguments(element, compiler, **kw)
    return f"group_concat({value}, {separator} ORDER BY {value})"


@compiles(joined_in_order, "postgresql")
def _postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    value, separator = _arguments(element, compiler, **kw)
    return f"string_agg({value}, {separator} ORDER BY {value})"
