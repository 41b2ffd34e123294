"""Follow-ups and program events as an iCalendar file (icalendar), so they appear in
Outlook's calendar as all-day entries with a reminder the working day before."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path

from db.foundations.clock import utc_now

Progress = Callable[[int], None]
# All-day entries start at midnight: 15 hours before is 09:00 the day before.
REMINDER_BEFORE = timedelta(hours=15)


def _event(uid: str, day: date, summary: str, description: str, location: str = ""):
    from icalendar import Alarm, Event

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", utc_now())
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    if location:
        event.add("location", location)
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -REMINDER_BEFORE)
    event.add_component(alarm)
    return event


def follow_up_event(row: dict):
    """The calendar entry of one engagement's follow-up (an engagement row)."""
    organizations = "; ".join(row["organizations"])
    summary = f"Follow up: {row['subject']}" + (f" ({organizations})" if organizations else "")
    details = [f"Engagement of {row['date']:%d %B %Y}: {row['subject']}."]
    if row["outcome"]:
        details.append(f"Outcome: {row['outcome']}")
    if row["contacts"]:
        details.append("People: " + "; ".join(row["contacts"]))
    return _event(
        f"follow-up-{row['uid']}@rabta", row["follow_up_date"], summary, "\n".join(details)
    )


def program_event_entry(event_row: dict):
    """The calendar entry of one program event."""
    place = ", ".join(p for p in (event_row["venue"], event_row["city"]) if p)
    return _event(
        f"program-event-{event_row['uid']}@rabta",
        event_row["date"],
        f"{event_row['title']} ({event_row['program']})",
        f"Program: {event_row['program']}.",
        place,
    )


def write_calendar(
    path: Path, entries: Iterable, name: str, progress: Progress | None = None
) -> int:
    """Write the entries as one .ics calendar; return how many were written."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", "-//Rabta//Diaspora engagement registry//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    written = 0
    for entry in entries:
        calendar.add_component(entry)
        written += 1
        if progress and written % 1000 == 0:
            progress(written)
    path.write_bytes(calendar.to_ical())
    return written


def is_open_follow_up(row: dict) -> bool:
    """An engagement row whose follow-up is still to do."""
    return row["follow_up_date"] is not None and row["follow_up_done_at"] is None
