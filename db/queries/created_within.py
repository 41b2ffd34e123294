"""Records created within a span of days: the one comparison the quarterly report's
"new organizations" and "new contacts" and the lists a Dashboard figure opens share."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def day_start(day: date) -> datetime:
    """The first instant of `day` (UTC, as created_at is stored)."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def created_within(created_at, first_day: date, last_day: date) -> list:
    """WHERE clauses: `created_at` falls on `first_day` through `last_day`."""
    return [
        created_at >= day_start(first_day),
        created_at < day_start(last_day + timedelta(days=1)),
    ]
