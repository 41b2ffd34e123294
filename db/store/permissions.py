"""The store's own permission rule asked as a question before a change is offered: the
window greys out Edit, Archive and the like with the sentence the store would refuse
with, instead of letting someone fill a form that is refused at Save."""

from __future__ import annotations

from sqlmodel import Session

from db.foundations.actor import Actor
from db.foundations.errors import NotFound, PermissionDenied
from db.foundations.models import Contact, Organization, Program
from db.rules.rows import get_record
from db.store.records import mission_of

_MODELS = {"organization": Organization, "contact": Contact, "program": Program}


def change_refused(s: Session, actor: Actor, kind: str, record_id: int) -> str | None:
    """The sentence the store would refuse with if `actor` changed, archived or
    restored this record (an organization, contact, engagement or program); None when
    the store would let them."""
    from db.store.engagements import changeable_engagement

    try:
        actor.require_write()
        if kind == "engagement":
            changeable_engagement(s, actor, record_id)
        else:
            record = get_record(s, _MODELS[kind], record_id, kind)
            actor.require_mission(mission_of(s, record), kind)
    except (PermissionDenied, NotFound) as refused:
        return str(refused)
    return None
