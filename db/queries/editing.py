"""What a form loads to edit a record: the record as it is now, for someone who may
see it (a confidential engagement only for those the visibility rule allows). A form
saves through db/store, which checks again."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from db.foundations.actor import Actor
from db.foundations.errors import NotFound
from db.foundations.models import Contact, Engagement, Mission, Organization, Program, User
from db.rules.rows import get_record
from db.rules.visibility import may_see_engagement

MODELS: dict[str, type] = {
    "contact": Contact,
    "organization": Organization,
    "engagement": Engagement,
    "program": Program,
    "mission": Mission,
    "user": User,
}


def record_to_edit(s: Session, viewer: Actor, kind: str, record_id: int) -> Any:
    """The record of `kind` with this id as a form shows it, or NotFound (also for a
    record `viewer` may not see)."""
    if kind not in MODELS:
        raise NotFound(f"There is no kind of record called {kind!r}.")
    record: Any = get_record(s, MODELS[kind], record_id, kind)
    if kind == "engagement" and not may_see_engagement(viewer, record):
        raise NotFound(f"There is no engagement with id {record_id}.")
    return record
