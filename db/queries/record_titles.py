"""What a record is called in a sentence ("Archive APPNA?"), and whether it is archived:
for a record a page shows that its list does not hold."""

from __future__ import annotations

from typing import NamedTuple

from sqlmodel import Session, col, select

from db.foundations.actor import Actor
from db.foundations.models import Contact, Engagement, Organization, Program
from db.rules.visibility import may_see_engagement


class RecordTitle(NamedTuple):
    title: str
    archived: bool


def record_title(s: Session, viewer: Actor, kind: str, record_id: int) -> RecordTitle | None:
    """The name (a person's full name, an engagement's subject) of one record and
    whether it is archived; None when there is no such record. An engagement the viewer
    may not read is called by its date alone."""
    if kind == "engagement":
        engagement = s.get(Engagement, record_id)
        if engagement is None:
            return None
        title = (
            engagement.subject
            if may_see_engagement(viewer, engagement)
            else f"the confidential engagement of {engagement.date:%d %b %Y}"
        )
        return RecordTitle(title, engagement.archived_at is not None)
    name = {
        "organization": (Organization, Organization.name),
        "contact": (Contact, Contact.given_name + " " + Contact.family_name),
        "program": (Program, Program.name),
    }.get(kind)
    if name is None:
        return None
    model, column = name
    row = s.exec(select(column, model.archived_at).where(col(model.id) == record_id)).first()
    return RecordTitle(row[0].strip(), row[1] is not None) if row else None
