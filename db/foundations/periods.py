"""Quarters: calendar (`2026Q3`) and fiscal (`FY2026-27Q1`, a year starting in July by default)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_CALENDAR = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)
_FISCAL = re.compile(r"^\s*FY\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Quarter:
    """Three months with a code (`2026Q3` or `FY2026-27Q1`) and a full name for reports."""

    start: date
    end: date
    code: str
    fiscal: bool
    fiscal_start_month: int = 7

    @property
    def title(self) -> str:
        """The quarter in full, e.g. "Q1 FY2026-27 (July–September 2026)"."""
        months = f"{MONTHS[self.start.month - 1]}–{MONTHS[self.end.month - 1]}"
        years = (
            str(self.start.year)
            if self.start.year == self.end.year
            else f"{self.start.year}–{self.end.year}"
        )
        head = _fiscal_head(self.code) if self.fiscal else f"Q{self.code[-1]} {self.start.year}"
        return f"{head} ({months} {years})"

    @property
    def short_title(self) -> str:
        """The quarter as the window and reports name it: "Q2 FY2026-27" or "Q4 2026"."""
        return self.title.split(" (")[0]

    def first_days(self, days: int) -> Quarter:
        """The same quarter cut to its first `days` days (the whole of it when longer):
        the span a running quarter's first days are compared with."""
        end = min(self.end, self.start + timedelta(days=max(days, 1) - 1))
        return Quarter(self.start, end, self.code, self.fiscal, self.fiscal_start_month)

    def running_days(self, today: date) -> int | None:
        """How many of its days have passed when `today` falls inside it before its last
        day (day 68 of 92: 68); None for a quarter that is over or not begun."""
        if self.start <= today < self.end:
            return (today - self.start).days + 1
        return None

    def previous(self) -> Quarter:
        """The quarter before this one, of the same style."""
        return quarter_containing(
            self.start - timedelta(days=1),
            fiscal=self.fiscal,
            fiscal_start_month=self.fiscal_start_month,
        )

    def next(self) -> Quarter:
        """The quarter after this one, of the same style."""
        return quarter_containing(
            self.end + timedelta(days=1),
            fiscal=self.fiscal,
            fiscal_start_month=self.fiscal_start_month,
        )


def _fiscal_head(code: str) -> str:
    year_part, number = code.split("Q")
    return f"Q{number} {year_part}"


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def _quarter(start: date, code: str, fiscal: bool, fiscal_start_month: int) -> Quarter:
    end = _add_months(start, 3) - timedelta(days=1)
    return Quarter(start, end, code, fiscal, fiscal_start_month)


EARLIEST_YEAR = 1990
LATEST_YEAR = 2100


def _check_year(year: int, text: str) -> None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(
            f"{text.strip()} is outside the years Rabta reports on ({EARLIEST_YEAR}-{LATEST_YEAR})."
        )


def parse_quarter(text: str, fiscal_start_month: int = 7) -> Quarter:
    """Read `2026Q3` or `FY2026-27Q1` (years 1990-2100); raise ValueError with a sentence
    otherwise."""
    if match := _CALENDAR.match(text):
        year, number = int(match[1]), int(match[2])
        _check_year(year, text)
        return _quarter(
            date(year, 3 * number - 2, 1), f"{year}Q{number}", False, fiscal_start_month
        )
    if match := _FISCAL.match(text):
        first, second, number = int(match[1]), match[2], int(match[3])
        _check_year(first, text)
        expected = (first + 1) % (100 if len(second) == 2 else 10_000)
        if int(second) != expected:
            raise ValueError(
                f"{text.strip()} is not a fiscal year: {first} is followed by "
                f"{first + 1}, e.g. FY{first}-{(first + 1) % 100:02d}Q1."
            )
        if fiscal_start_month == 1:
            raise ValueError(
                "This installation's fiscal year is the calendar year; write quarters as 2026Q3."
            )
        start = _add_months(date(first, fiscal_start_month, 1), 3 * (number - 1))
        return _quarter(
            start, f"FY{first}-{(first + 1) % 100:02d}Q{number}", True, fiscal_start_month
        )
    raise ValueError(
        f"{text.strip()!r} is not a quarter; write 2026Q3 for a calendar quarter "
        "or FY2026-27Q1 for a fiscal one."
    )


def quarter_containing(day: date, *, fiscal: bool = False, fiscal_start_month: int = 7) -> Quarter:
    """The calendar or fiscal quarter a day falls in."""
    if not fiscal or fiscal_start_month == 1:
        number = (day.month - 1) // 3 + 1
        return _quarter(
            date(day.year, 3 * number - 2, 1), f"{day.year}Q{number}", False, fiscal_start_month
        )
    offset = (day.month - fiscal_start_month) % 12
    first_year = day.year if day.month >= fiscal_start_month else day.year - 1
    number = offset // 3 + 1
    start = _add_months(date(first_year, fiscal_start_month, 1), 3 * (number - 1))
    return _quarter(
        start, f"FY{first_year}-{(first_year + 1) % 100:02d}Q{number}", True, fiscal_start_month
    )


def quarter_name(code: str, *, fiscal: bool, fiscal_start_month: int = 7) -> str:
    """A stored quarter code in the installation's style ("2026Q4" is "Q2 FY2026-27" where
    quarters are fiscal from July), so one quarter is written one way everywhere; a code
    that cannot be read is shown as it is."""
    try:
        quarter = parse_quarter(code, fiscal_start_month)
    except ValueError:
        return code
    return quarter_containing(
        quarter.start, fiscal=fiscal, fiscal_start_month=fiscal_start_month
    ).short_title
