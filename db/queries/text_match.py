"""Case-insensitive text matching for list filters and pickers (LIKE, wildcards escaped)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func


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
