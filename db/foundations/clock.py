"""The one clock Rabta reads: today's date and the time now.

Everything that needs the day or the time asks here, never `date.today()` or
`datetime.now()` directly, so one switch moves the whole program to another day: the
test suite runs again pinned to the days where quarters and fiscal years turn (31 Dec,
30 Jun, 1 Jul, 29 Feb) by setting RABTA_PINNED_TODAY=YYYY-MM-DD (tests/conftest.py,
.ci/run). The time of day stays the real one. Pinning changes nothing a person could not
change by setting the computer's own clock.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

PIN_VARIABLE = "RABTA_PINNED_TODAY"


def pinned_today() -> date | None:
    """The day the clock is pinned to, or None when it follows the computer's."""
    value = os.environ.get(PIN_VARIABLE, "").strip()
    return date.fromisoformat(value) if value else None


def today() -> date:
    """Today's date (local)."""
    return pinned_today() or date.today()


def local_now() -> datetime:
    """The local time now, without a time zone (file names, backup stamps)."""
    moment = datetime.now()
    pinned = pinned_today()
    return moment if pinned is None else datetime.combine(pinned, moment.time())


def utc_now() -> datetime:
    """The time now as an aware UTC datetime (the columns refuse naive ones)."""
    moment = datetime.now(UTC)
    pinned = pinned_today()
    if pinned is None:
        return moment
    # The pinned local day at the real time of day, expressed in UTC.
    return local_now().astimezone(UTC)
