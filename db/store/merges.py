"""Merging two records that are one, and undoing it exactly.

A merge keeps one record (the survivor) with the field values the person chose from
either, moves every link of the other (affiliations, engagement links, program
participation, tags, mechanisms, public roles, places on guest lists) to the survivor,
and archives the other with a pointer to the survivor, in one transaction and one audit
entry. Its journal (db.foundations.models.MergeRecord) holds the survivor's fields
before and after, each link moved and each duplicate link removed, so "Undo merge" puts
both records and every link back as they were, even after later edits elsewhere; a
survivor field edited since the merge keeps its newer value and is named in what the
undo returns.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, insert, select, update
from sqlmodel import Session, SQLModel

from db.foundations.actor import Actor
from db.foundations.clock import utc_now
from db.foundations.errors import ValidationError
from db.foundations.models import Contact, MergeRecord, Organization
from db.rules.record_fields import MERGE_FIELDS
from db.rules.rows import get_record
from db.store.audit import record_audit
from db.store.last_engagement import refresh_last_engagement
from db.store.records import mission_of

# The tables that point at a contact or an organization: (table, its column pointing at
# the record, the columns that make a link the same link when it points at the survivor).
LINKS = {
    "contact": (
        ("affiliation", "contact_id", ("organization_id",)),
        ("engagement_contact", "contact_id", ("engagement_id",)),
        ("contact_public_role", "contact_id", ("role",)),
        ("event_guest", "contact_id", ("event_id",)),
    ),
    "organization": (
        ("affiliation", "organization_id", ("contact_id",)),
        ("engagement_organization", "organization_id", ("engagement_id",)),
        ("program_participant", "organization_id", ("program_id",)),
        ("organization_tag", "organization_id", ("tag_id",)),
        ("organization_mechanism", "organization_id", ("mechanism",)),
    ),
}
MODELS = {"contact": Contact, "organization": Organization}
_KEPT_AS_THEY_WERE = ("updated_at", "mission_set_by_hand")


@dataclass(frozen=True)
class MergeDone:
    """What a merge did."""

    merge_id: int
    survivor_id: int
    merged_id: int
    links_moved: int
    links_removed: int


@dataclass(frozen=True)
class MergeUndone:
    """What undoing a merge did; fields of the survivor edited since the merge keep
    their newer values and are listed."""

    merge_id: int
    survivor_id: int
    merged_id: int
    kept_edits: tuple[str, ...]


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return {"__date__": value.isoformat(), "time": isinstance(value, datetime)}
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict) and "__date__" in value:
        text = value["__date__"]
        return datetime.fromisoformat(text) if value["time"] else date.fromisoformat(text)
    return value


def _row(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _jsonable(value) for key, value in mapping.items()}


def _unrow(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _from_json(value) for key, value in mapping.items()}


def _table(name: str):
    return SQLModel.metadata.tables[name]


def _check_values(s: Session, kind: str, values: Mapping[str, Any], current) -> dict[str, Any]:
    if kind == "contact":
        from db.store.contacts import _check
    else:
        from db.store.organizations import _check
    return _check(s, values, partial=True, current=current)


def _snapshot(record: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: _jsonable(getattr(record, field)) for field in fields}


def _move_links(s: Session, kind: str, survivor_id: int, merged_id: int) -> dict[str, list]:
    moved: list[dict] = []
    removed: list[dict] = []
    for table_name, pointer, same_when in LINKS[kind]:
        table = _table(table_name)
        pointer_column = table.c[pointer]
        survivor_links = {
            tuple(row)
            for row in s.execute(
                select(*(table.c[c] for c in same_when)).where(pointer_column == survivor_id)
            )
        }
        for row in s.execute(select(table).where(pointer_column == merged_id)).mappings().all():
            values = dict(row)
            key = tuple(values[c] for c in same_when)
            match = and_(*(table.c[c] == v for c, v in values.items()))
            if key in survivor_links:
                s.execute(delete(table).where(match))
                removed.append({"table": table_name, "row": _row(values)})
            else:
                s.execute(update(table).where(match).values({pointer: survivor_id}))
                moved.append({"table": table_name, "row": _row(values)})
                survivor_links.add(key)
    return {"moved": moved, "removed": removed}


def _merge(
    s: Session,
    actor: Actor,
    kind: str,
    survivor_id: int,
    merged_id: int,
    chosen: Mapping[str, Any] | None,
) -> MergeDone:
    actor.require_write()
    model = MODELS[kind]
    survivor = get_record(s, model, survivor_id, kind)
    merged = get_record(s, model, merged_id, kind)
    if survivor.id == merged.id:
        raise ValidationError({"merged_id": f"A {kind} cannot be merged with itself."})
    for record in (survivor, merged):
        if record.archived_at is not None:
            raise ValidationError(
                {"merged_id": f"{kind.title()} #{record.id} is archived; restore it first."}
            )
        if getattr(record, "erased_at", None) is not None:
            raise ValidationError(
                {"merged_id": f"Contact #{record.id} was erased; it cannot be merged."}
            )
        actor.require_mission(mission_of(s, record), kind)
    if chosen is not None and not isinstance(chosen, Mapping):
        raise ValidationError({"chosen": "The values to keep must be given by field name."})
    chosen = dict(chosen or {})
    unknown = sorted(map(str, set(chosen) - set(MERGE_FIELDS[kind])))
    if unknown:
        raise ValidationError({"values": f"{', '.join(unknown)} cannot be chosen in a merge."})
    fields = MERGE_FIELDS[kind] + tuple(f for f in _KEPT_AS_THEY_WERE if hasattr(model, f))
    survivor_before = _snapshot(survivor, fields)
    merged_before = _snapshot(merged, ("archived_at", "merged_into_id", "updated_at"))
    # The other record goes first, so the survivor may take its name or email.
    merged.archived_at = utc_now()
    merged.merged_into_id = survivor.id
    s.add(merged)
    s.flush()
    clean = _check_values(s, kind, chosen, survivor)
    for field, value in clean.items():
        setattr(survivor, field, value)
    if kind == "organization" and "mission_id" in clean:
        survivor.mission_set_by_hand = clean["mission_id"] is not None
    survivor.updated_at = utc_now()
    s.add(survivor)
    s.flush()
    links = _move_links(s, kind, survivor.id, merged.id)
    if kind == "organization":
        refresh_last_engagement(s, [survivor.id, merged.id])
    journal = {
        "survivor_before": survivor_before,
        "survivor_after": _snapshot(survivor, fields),
        "merged_before": merged_before,
        **links,
    }
    record = MergeRecord(
        entity_type=kind,
        survivor_id=survivor.id,
        merged_id=merged.id,
        merged_by=actor.username,
        journal=json.dumps(journal, ensure_ascii=False, sort_keys=True),
    )
    s.add(record)
    s.flush()
    changed = {
        field: (survivor_before[field], journal["survivor_after"][field])
        for field in MERGE_FIELDS[kind]
        if survivor_before[field] != journal["survivor_after"][field]
    }
    record_audit(
        s,
        actor,
        "merge",
        kind,
        survivor.id,
        {
            **changed,
            "merged_id": (None, merged.id),
            "merge_id": (None, record.id),
            "links_moved": (None, len(links["moved"])),
            "links_removed": (None, len(links["removed"])),
        },
        survivor.uid,
    )
    return MergeDone(record.id, survivor.id, merged.id, len(links["moved"]), len(links["removed"]))


def merge_contacts(
    s: Session,
    actor: Actor,
    survivor_id: int,
    merged_id: int,
    chosen: Mapping[str, Any] | None = None,
) -> MergeDone:
    """Merge contact `merged_id` into `survivor_id`, which takes the `chosen` field
    values; everything linked to the other moves to the survivor."""
    return _merge(s, actor, "contact", survivor_id, merged_id, chosen)


def merge_organizations(
    s: Session,
    actor: Actor,
    survivor_id: int,
    merged_id: int,
    chosen: Mapping[str, Any] | None = None,
) -> MergeDone:
    """Merge organization `merged_id` into `survivor_id`, which takes the `chosen`
    field values; people, engagements, programs, tags and mechanisms move to it."""
    return _merge(s, actor, "organization", survivor_id, merged_id, chosen)


def undo_merge(s: Session, actor: Actor, merge_id: int) -> MergeUndone:
    """Put both records of a merge and every link back as they were before it."""
    actor.require_write()
    record = get_record(s, MergeRecord, merge_id, "merge")
    if record.undone_at is not None:
        raise ValidationError(
            {"merge_id": f"This merge was undone already, by {record.undone_by}."}
        )
    kind = record.entity_type
    model = MODELS[kind]
    survivor = get_record(s, model, record.survivor_id, kind)
    merged = get_record(s, model, record.merged_id, kind)
    for one in (survivor, merged):
        actor.require_mission(mission_of(s, one), kind)
    journal = json.loads(record.journal)
    if journal.get("erased"):
        raise ValidationError(
            {
                "merge_id": "This merge joined records of a person who was erased since; it "
                "cannot be undone."
            }
        )
    for entry in journal["moved"]:
        table_name = entry["table"]
        table = _table(table_name)
        pointer = next(p for t, p, _same in LINKS[kind] if t == table_name)
        values = _unrow(entry["row"])
        now = {**values, pointer: survivor.id}
        s.execute(
            update(table)
            .where(and_(*(table.c[c] == v for c, v in now.items())))
            .values({pointer: merged.id})
        )
    for entry in journal["removed"]:
        table = _table(entry["table"])
        values = _unrow(entry["row"])
        if (
            "id" in values
            and s.execute(select(table.c.id).where(table.c.id == values["id"])).first()
        ):
            del values["id"]  # its number was given to a newer row; it comes back with another
        s.execute(insert(table).values(values))
    kept = []
    before, after = journal["survivor_before"], journal["survivor_after"]
    edited_since = False
    for field, old in before.items():
        if field in _KEPT_AS_THEY_WERE:
            continue
        current = _jsonable(getattr(survivor, field))
        if current == after[field]:
            setattr(survivor, field, _from_json(old))
        else:
            kept.append(field)
            edited_since = True
    for field in _KEPT_AS_THEY_WERE:
        if field in before and not edited_since:
            setattr(survivor, field, _from_json(before[field]))
    s.add(survivor)
    for field, value in journal["merged_before"].items():
        setattr(merged, field, _from_json(value))
    s.add(merged)
    record.undone_at = utc_now()
    record.undone_by = actor.username
    s.add(record)
    s.flush()
    if kind == "organization":
        refresh_last_engagement(s, [survivor.id, merged.id])
    record_audit(
        s,
        actor,
        "undo_merge",
        kind,
        survivor.id,
        {
            "merged_id": (merged.id, None),
            "merge_id": (record.id, None),
            "edits_kept": (None, kept),
        },
        survivor.uid,
    )
    return MergeUndone(record.id, survivor.id, merged.id, tuple(kept))
