"""Every list out: what a list page's filter shows (all of it, not the page on screen)
to CSV, Excel, vCard or iCalendar, with a read-out entry in the audit.

Lists of people are outreach files (vCards for an address book, CSVs and workbooks for a
mailing): they leave out people who asked not to be contacted or refused consent unless
the person exporting says they are to be included; even then the visibility rule
keeps their email and phone out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from db.exchange import export_rows
from db.exchange.calendars import (
    follow_up_event,
    is_open_follow_up,
    program_event_entry,
    write_calendar,
)
from db.exchange.columns import COLUMNS
from db.exchange.spreadsheet_files import write_csv, write_xlsx
from db.exchange.vcards import write_vcards
from db.foundations import clock
from db.foundations.actor import Actor
from db.foundations.errors import ValidationError
from db.foundations.models import Program, ProgramEvent
from db.queries.contacts import ContactFilter, matching_contact_ids
from db.queries.engagements import EngagementFilter, matching_engagement_ids
from db.queries.organizations import OrganizationFilter, matching_organization_ids
from db.queries.programs import ProgramFilter, matching_program_ids
from db.store.readouts import place_after_readout

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".vcf": "vcard", ".ics": "icalendar"}
# Which formats each list can be written in.
KIND_FORMATS = {
    "organizations": ("csv", "xlsx"),
    "contacts": ("csv", "xlsx", "vcard"),
    "affiliations": ("csv", "xlsx"),
    "engagements": ("csv", "xlsx", "icalendar"),
    "programs": ("csv", "xlsx", "icalendar"),
}
OUTREACH_KINDS = ("contacts",)
EXCLUDED_REASON = (
    "People who asked not to be contacted or refused consent are left out, because a list "
    "of people is used to reach them; include them only to keep a record (their email "
    "and phone stay withheld)."
)


@dataclass(frozen=True)
class Exported:
    """What an export wrote."""

    path: Path
    kind: str
    format: str
    rows: int
    left_out: int  # people left out of an outreach file


def format_of(path: Path | str) -> str:
    """The export format a file name asks for, or ValidationError naming the choices."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError(
            {"out": f"Rabta writes .csv, .xlsx, .vcf and .ics files, not {suffix or 'this'}."}
        )
    return FORMATS[suffix]


def default_filter(kind: str, actor: Actor, text: str = "") -> Any:
    """The filter of a list with nothing chosen but `text`: every live record."""
    if kind in ("contacts", "affiliations"):
        return ContactFilter(text=text)
    if kind == "organizations":
        return OrganizationFilter(viewer=actor, text=text)
    if kind == "engagements":
        return EngagementFilter(viewer=actor, text=text)
    if kind == "programs":
        return ProgramFilter(text=text)
    raise ValidationError({"kind": f"Rabta exports {', '.join(KIND_FORMATS)}, not {kind!r}."})


def _matching_ids(s: Session, kind: str, flt: Any, sort: str | None, descending: bool | None):
    find = {
        "organizations": (matching_organization_ids, "name", False),
        "contacts": (matching_contact_ids, "name", False),
        "affiliations": (matching_contact_ids, "name", False),
        "engagements": (matching_engagement_ids, "date", True),
        "programs": (matching_program_ids, "name", False),
    }[kind]
    function, default_sort, default_descending = find
    return function(
        s,
        flt,
        sort=sort or default_sort,
        descending=default_descending if descending is None else descending,
    )


def _program_events(s: Session, program_ids: list[int]) -> Iterator[dict]:
    names = dict(s.exec(select(Program.id, Program.name)).all())
    for start in range(0, len(program_ids), export_rows.CHUNK):
        chunk = program_ids[start : start + export_rows.CHUNK]
        for event in s.exec(
            select(ProgramEvent)
            .where(col(ProgramEvent.program_id).in_(chunk))
            .order_by(ProgramEvent.date, ProgramEvent.id)
        ):
            yield {
                "uid": event.uid,
                "date": event.date,
                "title": event.title,
                "venue": event.venue,
                "city": event.city,
                "program": names.get(event.program_id, ""),
            }


def export_list(
    engine: Engine,
    actor: Actor,
    kind: str,
    path: Path | str,
    flt: Any = None,
    *,
    sort: str | None = None,
    descending: bool | None = None,
    include_withheld: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Exported:
    """Write every record of the list `kind` that `flt` matches, in the list's order, to
    `path` in the format its suffix names; audit it as a read-out with its row count."""
    path = Path(path)
    fmt = format_of(path)
    if kind not in KIND_FORMATS:
        default_filter(kind, actor)  # raises with the choices
    if fmt not in KIND_FORMATS[kind]:
        allowed = ", ".join(KIND_FORMATS[kind])
        raise ValidationError({"out": f"A list of {kind} is written as {allowed}, not {fmt}."})
    if not path.parent.is_dir():
        raise ValidationError({"out": f"The folder {path.parent} does not exist."})
    flt = flt if flt is not None else default_filter(kind, actor)
    left_out = 0
    partial = path.with_name(path.name + ".partial")
    with Session(engine) as s:
        ids = _matching_ids(s, kind, flt, sort, descending)
        columns = COLUMNS[kind]
        if kind == "organizations":
            rows: Any = export_rows.organization_rows(s, actor, ids)
        elif kind == "contacts":
            rows = export_rows.contact_rows(s, actor, ids)
        elif kind == "affiliations":
            rows = export_rows.affiliation_rows(s, actor, ids)
        elif kind == "engagements":
            rows = export_rows.engagement_rows(s, actor, ids)
        else:
            rows = export_rows.program_rows(s, actor, ids)
        if kind in OUTREACH_KINDS and not include_withheld:
            counted = {"left_out": 0}

            def reachable(source):
                for row in source:
                    if row.get("withheld"):
                        counted["left_out"] += 1
                        continue
                    yield row

            rows = reachable(rows)
        try:
            if fmt == "csv":
                written = write_csv(partial, columns, rows, progress)
            elif fmt == "xlsx":
                written = write_xlsx(partial, columns, rows, progress, title=kind.title())
            elif fmt == "vcard":
                written = write_vcards(partial, rows, progress)
            elif kind == "engagements":
                entries = (follow_up_event(row) for row in rows if is_open_follow_up(row))
                written = write_calendar(partial, entries, "Rabta follow-ups", progress)
            else:
                events = _program_events(s, list(ids))
                written = write_calendar(
                    partial, (program_event_entry(e) for e in events), "Rabta program events"
                )
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        if kind in OUTREACH_KINDS and not include_withheld:
            left_out = counted["left_out"]
    place_after_readout(
        engine,
        actor,
        "export",
        {
            "list": kind,
            "format": fmt,
            "file": path.name,
            "rows": written,
            "left_out": left_out,
            "on": clock.today(),
        },
        {partial: path},
    )
    return Exported(path, kind, fmt, written, left_out)
