"""The read side of programs: filtered, sorted rows for the list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import Select, func
from sqlmodel import Session, col, select

from db.foundations.models import Indicator, Mission, Program, ProgramEvent, ProgramParticipant
from db.queries.paging import ordered_ids, ordered_page
from db.queries.search import text_filter


@dataclass(frozen=True)
class ProgramFilter:
    text: str = ""
    kind: str | None = None
    status: str | None = None
    mission_id: int | None = None
    include_archived: bool = False
    # What a Dashboard figure counted (no filter bar control): programs holding an event
    events_from: date | None = None  # dated on or after, with events_to
    events_to: date | None = None


class ProgramRow(NamedTuple):
    id: int
    name: str
    kind: str
    mechanism: str | None
    mission_code: str | None
    start_date: date | None
    end_date: date | None
    status: str
    participants: int
    archived: bool


_participants = (
    select(func.count(ProgramParticipant.id))
    .where(ProgramParticipant.program_id == Program.id)
    .correlate(Program)
    .scalar_subquery()
)

SORT_KEYS = {
    "name": func.lower(Program.name),
    "kind": Program.kind,
    "mechanism": Program.mechanism,
    "mission_code": func.coalesce(Mission.code, ""),  # outer joined: no lead mission is ""
    "start_date": Program.start_date,
    "end_date": Program.end_date,
    "status": Program.status,
    "participants": _participants,
}


def _filtered(s: Session, statement: Select, flt: ProgramFilter) -> Select:
    if not flt.include_archived:
        statement = statement.where(col(Program.archived_at).is_(None))
    if flt.text.strip():
        statement = statement.where(
            text_filter(
                s, "program", col(Program.id), flt.text, (Program.name, Program.description)
            )
        )
    if flt.kind:
        statement = statement.where(Program.kind == flt.kind)
    if flt.status:
        statement = statement.where(Program.status == flt.status)
    if flt.mission_id:
        statement = statement.where(Program.lead_mission_id == flt.mission_id)
    if flt.events_from and flt.events_to:
        statement = statement.where(
            col(Program.id).in_(
                select(ProgramEvent.program_id).where(
                    col(ProgramEvent.date).between(flt.events_from, flt.events_to)
                )
            )
        )
    return statement


def count_programs(s: Session, flt: ProgramFilter) -> int:
    """How many programs match the filter."""
    return s.exec(_filtered(s, select(func.count()).select_from(Program), flt)).one()


def program_page(
    s: Session,
    flt: ProgramFilter,
    *,
    sort: str = "name",
    descending: bool = False,
    offset: int = 0,
    after: tuple | None = None,
    limit: int = 200,
) -> list[ProgramRow]:
    """One page of matching programs, sorted in SQL."""
    ids = _matching(s, flt)
    details = select(
        Program.id,
        Program.name,
        Program.kind,
        Program.mechanism,
        Mission.code,
        Program.start_date,
        Program.end_date,
        Program.status,
        _participants,
        col(Program.archived_at).is_not(None),
    ).outerjoin(Mission, Mission.id == Program.lead_mission_id)
    return ordered_page(
        s,
        col(Program.id),
        ids,
        SORT_KEYS[sort],
        descending,
        offset,
        limit,
        details,
        ProgramRow,
        after=after,
    )


def _matching(s: Session, flt: ProgramFilter) -> Select:
    joined = select(Program.id).outerjoin(Mission, Mission.id == Program.lead_mission_id)
    return _filtered(s, joined, flt)


def matching_program_ids(
    s: Session, flt: ProgramFilter, *, sort: str = "name", descending: bool = False
) -> list[int]:
    """The ids of every program the filter matches, in the list's order."""
    return ordered_ids(s, col(Program.id), _matching(s, flt), SORT_KEYS[sort], descending)


def program_indicators(s: Session, program_id: int) -> list[tuple[int, str, str]]:
    """(id, name, unit) of a program's indicators, in the order they were added."""
    return list(
        s.exec(
            select(Indicator.id, Indicator.name, Indicator.unit)
            .where(Indicator.program_id == program_id)
            .order_by(Indicator.id)
        )
    )
