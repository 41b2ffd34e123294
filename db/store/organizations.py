"""Organizations: create, update, archive, restore, with their mechanisms and tags."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from db.foundations import clock
from db.foundations.actor import Actor
from db.foundations.models import (
    Mechanism,
    Mission,
    Organization,
    OrganizationKind,
    OrganizationMechanism,
    OrganizationStatus,
    OrganizationTag,
    Priority,
    Province,
    Tag,
)
from db.rules.rows import get_record, record_id_of, tags_of
from db.rules.settings import read_settings
from db.store.audit import record_audit
from db.store.missions import mission_for_region
from db.store.records import (
    apply_changes,
    expected_version,
    refuse_if_changed,
    saved_new_version,
    set_archived,
)
from db.store.validation import FieldChecker, text_problem

SCALAR_FIELDS = (
    "name",
    "acronym",
    "kind",
    "description",
    "founded_year",
    "members_estimate",
    "website",
    "email",
    "phone",
    "address",
    "city",
    "region_code",
    "mission_id",
    "hometown_district",
    "hometown_province",
    "status",
    "priority",
)
FIELDS = (*SCALAR_FIELDS, "created_at", "mechanisms", "tags")


def _check(
    s: Session, values: Mapping[str, Any], *, partial: bool, current: Organization | None = None
) -> dict[str, Any]:
    check = FieldChecker(values, FIELDS, partial=partial)
    check.text("name", required=True, max_length=200)
    check.text("acronym", max_length=30)
    check.choice("kind", OrganizationKind, required=True)
    check.text("description", multiline=True)
    check.integer("founded_year", minimum=1800, maximum=clock.today().year)
    check.integer("members_estimate", minimum=0, maximum=10_000_000)
    check.text("website", max_length=200)
    check.email("email")
    check.phone("phone", read_settings(s).host_country)
    check.text("address", max_length=500, multiline=True)
    check.text("city", max_length=120)
    check.region(s)
    check.reference(s, "mission_id", Mission, what="Mission")
    check.text("hometown_district", max_length=120)
    check.choice("hometown_province", Province)
    check.choice("status", OrganizationStatus)
    check.choice("priority", Priority)
    check.choices("mechanisms", Mechanism)
    check.moment("created_at")
    if "tags" in values:
        raw_tags = values["tags"] or ()
        if not isinstance(raw_tags, list | tuple | set | frozenset) or not all(
            isinstance(t, str) for t in raw_tags
        ):
            check.fail("tags", "Tags must be given as a list of words.")
        else:
            tags = sorted({t.strip() for t in raw_tags if t.strip()})
            too_long = [t for t in tags if len(t) > 60]
            unreadable = [t for t in tags if text_problem(t)]
            if too_long:
                check.fail("tags", f"The tag {too_long[0]!r} is longer than 60 characters.")
            elif unreadable:
                check.fail("tags", f"A tag {text_problem(unreadable[0])}")
            check.clean["tags"] = tags
    name = check.clean.get("name")
    if name:
        same = s.exec(
            select(Organization.id).where(
                func.lower(Organization.name) == name.lower(),
                Organization.archived_at.is_(None),
            )
        ).first()
        if same is not None and (current is None or same != current.id):
            check.fail("name", f"An organization named {name} is already in the registry.")
    kind = check.clean.get("kind", current.kind if current else None)
    district = check.clean.get("hometown_district", current.hometown_district if current else "")
    province = check.clean.get("hometown_province", current.hometown_province if current else None)
    if kind == OrganizationKind.HOMETOWN:
        if not district:
            check.fail("hometown_district", "A hometown association needs its home district.")
        if not province:
            check.fail("hometown_province", "A hometown association needs its home province.")
    return check.done()


def create_organization(s: Session, actor: Actor, values: Mapping[str, Any]) -> int:
    """Add an organization; its mission follows its region unless `mission_id` is given."""
    actor.require_write()
    clean = _check(s, values, partial=False)
    mechanisms = clean.pop("mechanisms", [])
    tags = clean.pop("tags", [])
    by_hand = clean.get("mission_id") is not None
    if not by_hand:
        clean["mission_id"] = mission_for_region(s, clean.get("region_code"))
    actor.require_mission(clean["mission_id"], "organization")
    org = Organization(**clean, mission_set_by_hand=by_hand)
    s.add(org)
    s.flush()
    _set_mechanisms(s, org.id, mechanisms)
    _set_tags(s, org.id, tags)
    changes = {k: (None, v) for k, v in clean.items() if v not in (None, "")}
    if mechanisms:
        changes["mechanisms"] = (None, mechanisms)
    if tags:
        changes["tags"] = (None, tags)
    record_audit(s, actor, "create", "organization", org.id, changes, org.uid)
    return org.id


def update_organization(s: Session, actor: Actor, org_id: int, values: Mapping[str, Any]) -> None:
    """Change the given fields of an organization.

    Giving `mission_id` sets the mission by hand; giving it as None hands the choice
    back to the jurisdiction table. A changed region moves an organization whose
    mission was not set by hand.
    """
    actor.require_write()
    values, version = expected_version(values)
    org = get_record(s, Organization, org_id, "organization", to_change=True)
    actor.require_mission(org.mission_id, "organization")
    refuse_if_changed(s, org, version, "organization")
    clean = _check(s, values, partial=True, current=org)
    mechanisms = clean.pop("mechanisms", None)
    tags = clean.pop("tags", None)
    if "mission_id" in clean:
        org.mission_set_by_hand = clean["mission_id"] is not None
    if not org.mission_set_by_hand:
        clean["mission_id"] = mission_for_region(s, clean.get("region_code", org.region_code))
    actor.require_mission(clean.get("mission_id", org.mission_id), "organization")
    changes = apply_changes(org, clean)
    if mechanisms is not None:
        old = mechanisms_of(s, org.id)
        if old != mechanisms:
            _set_mechanisms(s, org.id, mechanisms)
            changes["mechanisms"] = (old, mechanisms)
    if tags is not None:
        old = tags_of(s, org.id)
        if old != tags:
            _set_tags(s, org.id, tags)
            changes["tags"] = (old, tags)
    if changes:
        saved_new_version(org)
        s.add(org)
        record_audit(s, actor, "update", "organization", org.id, changes, org.uid)


def archive_organization(s: Session, actor: Actor, org_id: int) -> bool:
    """Hide an organization from lists without losing it; False if it was archived already."""
    return set_archived(s, actor, Organization, "organization", org_id, True)


def restore_organization(s: Session, actor: Actor, org_id: int) -> bool:
    """Bring an archived organization back; False if it was not archived."""
    return set_archived(s, actor, Organization, "organization", org_id, False)


def mechanisms_of(s: Session, org_id: int) -> list[str]:
    """The focus mechanisms of an organization, sorted."""
    org_id = record_id_of(org_id, "organization")
    return sorted(
        s.exec(
            select(OrganizationMechanism.mechanism).where(
                OrganizationMechanism.organization_id == org_id
            )
        ).all()
    )


def _set_mechanisms(s: Session, org_id: int, mechanisms: Iterable[str]) -> None:
    s.exec(delete(OrganizationMechanism).where(OrganizationMechanism.organization_id == org_id))
    for mechanism in mechanisms:
        s.add(OrganizationMechanism(organization_id=org_id, mechanism=mechanism))


def _set_tags(s: Session, org_id: int, names: Iterable[str]) -> None:
    s.exec(delete(OrganizationTag).where(OrganizationTag.organization_id == org_id))
    for name in names:
        s.add(OrganizationTag(organization_id=org_id, tag_id=_tag_named(s, name).id))
    s.flush()


def _tag_named(s: Session, name: str) -> Tag:
    """The tag of this name (any case), added when there is none; when another officer
    adds the same new tag at the same moment, theirs is used."""
    same_name = select(Tag).where(func.lower(Tag.name) == name.lower())
    tag = s.exec(same_name).first()
    if tag is not None:
        return tag
    try:
        with s.begin_nested():
            tag = Tag(name=name)
            s.add(tag)
            s.flush()
    except IntegrityError:
        return s.exec(same_name).one()  # theirs, committed a moment ago
    return tag
