"""Pairs someone looked at and said are two different records, so the duplicate scan
does not show them again."""

from __future__ import annotations

from sqlmodel import Session, select

from db.foundations.actor import Actor
from db.foundations.errors import ValidationError
from db.foundations.models import Contact, DuplicateDismissal, Organization
from db.rules.rows import get_record
from db.store.audit import record_audit
from db.store.records import mission_of

KINDS = {"contact": Contact, "organization": Organization}


def dismiss_duplicate(
    s: Session, actor: Actor, entity_type: str, first_id: int, second_id: int
) -> bool:
    """Remember that the two records are not one; False if it was remembered already.
    Like any change to them, only those who may change both records may say so."""
    actor.require_write()
    if not isinstance(entity_type, str) or entity_type not in KINDS:
        raise ValidationError({"entity_type": "Only contacts and organizations have duplicates."})
    records = [get_record(s, KINDS[entity_type], key, entity_type) for key in (first_id, second_id)]
    if records[0].id == records[1].id:
        raise ValidationError({"second_id": "A record is always the same as itself."})
    for record in records:
        actor.require_mission(mission_of(s, record), entity_type)
    low, high = sorted(record.id for record in records)
    known = s.exec(
        select(DuplicateDismissal.id).where(
            DuplicateDismissal.entity_type == entity_type,
            DuplicateDismissal.first_id == low,
            DuplicateDismissal.second_id == high,
        )
    ).first()
    if known is not None:
        return False
    s.add(
        DuplicateDismissal(
            entity_type=entity_type, first_id=low, second_id=high, dismissed_by=actor.username
        )
    )
    record_audit(s, actor, "not_a_duplicate", entity_type, low, {"other_id": (None, high)})
    return True
