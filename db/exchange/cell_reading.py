"""A spreadsheet cell read back as the value a store field takes: labels of enums to
their stored values, Yes/No to booleans, the date formats offices type and Excel's date
serials to dates. A cell that cannot be read is passed on as typed, so the store's own
check refuses it with the same message a form would show."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from db.exchange.cells import unneutralised
from db.exchange.columns import (
    CHOICE,
    CHOICES,
    DAY,
    FLAG,
    INTEGER,
    MOMENT,
    NAMES,
    ExchangeColumn,
)
from db.foundations.labels import LABELS

_YES = {"yes", "y", "true", "1", "x", "✓", "ہاں", "جی ہاں"}
_NO = {"no", "n", "false", "0", "", "نہیں"}
_LIST_SPLIT = re.compile(r"\s*[;\n]\s*")
_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_WORDED_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%d-%b-%Y", "%d-%b-%y")
# Excel counts days from 1899-12-30 (its 1900 leap-year slip included).
_EXCEL_EPOCH = date(1899, 12, 30)


def text_of(cell: Any) -> str:
    """A cell as text: whole numbers without ".0" (Excel stores phones and years as
    numbers), our own formula guard taken off."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    return unneutralised(str(cell).strip())


def choice_of(enum: type[StrEnum], cell: Any) -> Any:
    """The stored value an enum's label or value names (any case), else the text."""
    text = text_of(cell)
    if not text:
        return None
    wanted = text.casefold()
    for value, label in LABELS[enum].items():
        if wanted in (value.casefold(), label.casefold(), value.replace("_", " ").casefold()):
            return value
    return text


def items_of(cell: Any) -> list[str]:
    """A list cell's items ("; " between them, or one per line)."""
    text = text_of(cell)
    return [item for item in _LIST_SPLIT.split(text) if item] if text else []


def flag_of(cell: Any) -> Any:
    """True or False for the ways a sheet says yes and no, else the text."""
    if isinstance(cell, bool):
        return cell
    text = text_of(cell).casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return text


def day_of(cell: Any, *, day_first: bool) -> Any:
    """A date from a date cell, an Excel serial, ISO text, 03/04/2026 (in the file's
    order of day and month) or "3 April 2026"; else the text as typed."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if 1 <= cell < 2_958_466:  # Excel's serials, 1900-01-01 to 9999-12-31
            from datetime import timedelta

            return _EXCEL_EPOCH + timedelta(days=int(cell))
        return str(cell)
    text = text_of(cell)
    if not text:
        return None
    try:
        return (
            date.fromisoformat(text[:10])
            if re.match(r"^\d{4}-\d\d-\d\d", text)
            else _parse(text, day_first)
        )
    except ValueError:
        return text


def _parse(text: str, day_first: bool) -> Any:
    slashed = _SLASHED.match(text)
    if slashed:
        first, second, year = (int(part) for part in slashed.groups())
        day, month = (first, second) if day_first else (second, first)
        if day_first is False and first > 12:  # plainly day first after all
            day, month = first, second
        elif day_first and second > 12:
            day, month = second, first
        return date(year, month, day)
    for pattern in _WORDED_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return text


def moment_of(cell: Any, *, day_first: bool) -> Any:
    """A date and time (UTC) from a cell; a date alone means its start."""
    if isinstance(cell, datetime):
        return cell if cell.tzinfo else cell.replace(tzinfo=UTC)
    text = text_of(cell)
    if isinstance(cell, str) and re.match(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d", text):
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return text
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    day = day_of(cell, day_first=day_first)
    return datetime.combine(day, time(), tzinfo=UTC) if isinstance(day, date) else day


def integer_of(cell: Any) -> Any:
    """A whole number from a number cell or text (the store checks the text)."""
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, int) and not isinstance(cell, bool):
        return cell
    text = text_of(cell)
    return text or None


def value_of(column: ExchangeColumn, cell: Any, *, day_first: bool) -> Any:
    """What the store is given for a cell of this column."""
    kind = column.kind
    if kind == CHOICE:
        return choice_of(column.enum, cell)
    if kind == CHOICES:
        return [choice_of(column.enum, item) for item in items_of(cell)]
    if kind == NAMES:
        return items_of(cell)
    if kind == FLAG:
        return flag_of(cell)
    if kind == DAY:
        return day_of(cell, day_first=day_first)
    if kind == MOMENT:
        return moment_of(cell, day_first=day_first)
    if kind == INTEGER:
        return integer_of(cell)
    return text_of(cell)
