"""What an event's attendance is, for the figures and the detail panes alike: counted
from its guest list (who came, with their companions) once anyone on it has come, else
the number typed for it (an event run without a list)."""

from __future__ import annotations

from sqlalchemy import case, func
from sqlmodel import col, select

from db.foundations.models import GUESTS_WHO_CAME, EventGuest, ProgramEvent


def guests_who(*statuses: str):
    """How many guests of the event in the outer query have one of `statuses`."""
    return (
        select(func.count())
        .where(EventGuest.event_id == ProgramEvent.id, col(EventGuest.status).in_(statuses))
        .correlate(ProgramEvent)
        .scalar_subquery()
    )


def event_attendance():
    """An event's attendance as the figures count it: from its guest list (who came,
    with their companions) once anyone on it has come, else the number typed for it."""
    came = (
        select(func.count() + func.coalesce(func.sum(EventGuest.companions), 0))
        .where(EventGuest.event_id == ProgramEvent.id, col(EventGuest.status).in_(GUESTS_WHO_CAME))
        .correlate(ProgramEvent)
        .scalar_subquery()
    )
    anyone_came = (
        select(EventGuest.id)
        .where(EventGuest.event_id == ProgramEvent.id, col(EventGuest.status).in_(GUESTS_WHO_CAME))
        .correlate(ProgramEvent)
        .exists()
    )
    return case((anyone_came, came), else_=ProgramEvent.attendance)
