"""Case-insensitive text matching for list filters and pickers (LIKE, wildcards escaped)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column, text: str) -> ColumnElement[bool]:
    """The column holds the text anywhere, ignoring case."""
    return func.lower(column).like(f"%{_escape(text.strip().lower())}%", escape="\\")


def starts_with(column, text: str) -> ColumnElement[bool]:
    """The column begins with the text, ignoring case."""
    return func.lower(column).like(f"{_escape(text.strip().lower())}%", escape="\\")


def word_starts_with(column, text: str) -> ColumnElement[bool]:
    """Some word of the column begins with the text, ignoring case."""
    return func.lower(column).like(f"% {_escape(text.strip().lower())}%", escape="\\")


def prefix_range(column, text: str, *, lowered: bool = True) -> ColumnElement[bool]:
    """(lower(column), or column) lies between the text and the next string after all
    that begin with it: what `starts_with` means, in a form an index on that expression
    serves. Exact under SQLite's binary collation; other databases order text by locale."""
    prefix = text.strip().lower() if lowered else text.strip()
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    expression = func.lower(column) if lowered else column
    return and_(expression >= prefix, expression < after)
