"""One value as a spreadsheet cell, and back: labels for enums, "; " between list items,
Yes and No, ISO dates, and text that a spreadsheet would run as a formula neutralised:
in CSV every cell a spreadsheet could take for a formula (=, +, -, @, tab, return); in
a workbook only text starting with "=", since a workbook's text cell is never run and
only "=" makes one a formula when written (a phone's "+1 312…" stays as typed)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from db.exchange.columns import (
    CHOICE,
    CHOICES,
    DAY,
    FLAG,
    INTEGER,
    LIST_SEPARATOR,
    MOMENT,
    NAMES,
    NUMBER,
    ExchangeColumn,
)
from db.foundations.labels import label_of

# A cell starting with one of these is read by Excel, LibreOffice and Google Sheets as a
# formula (tab and carriage return too, by some); an apostrophe in front makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"


def neutralised(text: str) -> str:
    """Text a spreadsheet shows as typed instead of running it as a formula."""
    return NEUTRALISER + text if text.startswith(FORMULA_STARTS) else text


def neutralised_in_workbook(text: str) -> str:
    """Text a workbook keeps as text: only a leading "=" would make it a formula."""
    return NEUTRALISER + text if text.startswith("=") else text


def unneutralised(text: str) -> str:
    """The text as it was before `neutralised` (a cell read back from our own export)."""
    if text.startswith(NEUTRALISER) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def moment_text(value: datetime) -> str:
    """A moment in UTC, to the second, as a sheet shows it."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def cell_text(column: ExchangeColumn, value: Any) -> str:
    """The value as CSV text."""
    return "" if value is None else neutralised(_plain_text(column, value))


def _plain_text(column: ExchangeColumn, value: Any) -> str:
    kind = column.kind
    if kind == CHOICE:
        text = label_of(column.enum, value)
    elif kind == CHOICES:
        text = LIST_SEPARATOR.join(label_of(column.enum, v) for v in value)
    elif kind == NAMES:
        text = LIST_SEPARATOR.join(value)
    elif kind == FLAG:
        text = "Yes" if value else "No"
    elif kind == MOMENT:
        text = moment_text(value)
    elif kind == DAY:
        text = value.isoformat()
    elif kind == NUMBER:
        text = f"{value:.2f}"
    else:
        text = str(value)
    return text


def cell_value(column: ExchangeColumn, value: Any) -> Any:
    """The value as a workbook cell: dates as dates, numbers as numbers, the rest as
    CSV text."""
    if value is None:
        return None
    if column.kind == DAY and isinstance(value, date):
        return value
    if column.kind == MOMENT and isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    if column.kind in (INTEGER, NUMBER):
        return value
    return neutralised_in_workbook(_plain_text(column, value))
