"""Missions, the regions they cover, and the owning mission that follows from them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlmodel import Session, col, select

from db.foundations.actor import Actor
from db.foundations.countries import country_name
from db.foundations.errors import ValidationError
from db.foundations.models import Jurisdiction, Mission, MissionKind, Organization, Region
from db.rules.rows import get_record, record_id
from db.store.audit import record_audit
from db.store.records import apply_changes
from db.store.validation import FieldChecker, plain_text, text_problem

MISSION_FIELDS = ("code", "name", "kind", "country", "city")


def _check_mission(
    s: Session, values: Mapping[str, Any], *, partial: bool, mission_id: int | None = None
) -> dict[str, Any]:
    check = FieldChecker(values, MISSION_FIELDS, partial=partial)
    check.text("code", required=True, max_length=10)
    check.text("name", required=True, max_length=200)
    check.choice("kind", MissionKind, required=True)
    check.text("country", required=True, max_length=2)
    check.text("city", max_length=120)
    if "code" in check.clean:
        check.clean["code"] = check.clean["code"].upper()
        clash = s.exec(select(Mission.id).where(Mission.code == check.clean["code"])).first()
        if clash is not None and clash != mission_id:
            check.fail("code", f"Another mission already has the code {check.clean['code']}.")
    if "country" in check.clean:
        check.clean["country"] = check.clean["country"].upper()
        if country_name(check.clean["country"]) is None:
            check.fail("country", "Choose the mission's country from the list (its ISO code).")
    return check.done()


def create_mission(s: Session, actor: Actor, values: Mapping[str, Any]) -> int:
    """Add a mission; return its id."""
    actor.require_admin()
    clean = _check_mission(s, values, partial=False)
    mission = Mission(**clean)
    s.add(mission)
    s.flush()
    record_audit(
        s,
        actor,
        "create",
        "mission",
        mission.id,
        {k: (None, v) for k, v in clean.items()},
        mission.uid,
    )
    return mission.id


def update_mission(s: Session, actor: Actor, mission_id: int, values: Mapping[str, Any]) -> None:
    """Change a mission's code, name, kind, country or city (an administrator, or a
    supervisor of that mission)."""
    actor.require_supervisor_of(record_id(mission_id, "mission_id", "Mission"))
    mission = get_record(s, Mission, mission_id, "mission")
    clean = _check_mission(s, values, partial=True, mission_id=mission_id)
    changes = apply_changes(mission, clean)
    if changes:
        s.add(mission)
        record_audit(s, actor, "update", "mission", mission.id, changes, mission.uid)


def add_region(s: Session, actor: Actor, code: str, name: str, country: str) -> None:
    """Make a region code known (e.g. US-TX, Texas, US)."""
    actor.require_admin()
    code = plain_text(code, "code", "The region code", max_length=10).upper()
    name = plain_text(name, "name", "The region name", max_length=120)
    country = plain_text(country, "country", "The country", max_length=2).upper()
    if not name:
        raise ValidationError({"name": "The region needs a name, e.g. Texas."})
    if len(country) != 2 or not country.isalpha():
        raise ValidationError({"country": "The country is a two-letter ISO code, e.g. US."})
    if not code or "-" not in code:
        raise ValidationError({"code": f"{code!r} is not an ISO 3166-2 region code such as US-TX."})
    if s.get(Region, code) is not None:
        raise ValidationError({"code": f"The region {code} already exists."})
    s.add(Region(code=code, name=name, country=country))
    record_audit(s, actor, "create", "region", None, {"code": (None, code), "name": (None, name)})


def mission_for_region(s: Session, region_code: str | None) -> int | None:
    """The mission whose jurisdiction covers the region, if any (none for a code that
    cannot be one: not text, or holding bytes that were not UTF-8)."""
    if not region_code or not isinstance(region_code, str) or text_problem(region_code):
        return None
    return s.exec(
        select(Jurisdiction.mission_id).where(Jurisdiction.region_code == region_code)
    ).first()


def set_jurisdiction(s: Session, actor: Actor, mission_id: int, region_codes: Iterable[str]) -> int:
    """Make the mission cover exactly these regions (taking them from other missions).

    Every organization whose mission was not set by hand gets the mission its region
    now implies; returns how many organizations changed mission.
    """
    actor.require_admin()
    mission = get_record(s, Mission, mission_id, "mission")
    mission_id = mission.id
    if not isinstance(region_codes, list | tuple | set | frozenset):
        raise ValidationError({"regions": "The regions must be given as a list of codes."})
    wanted = {
        plain_text(code, "regions", "A region code", max_length=10).upper() for code in region_codes
    } - {""}
    unknown = sorted(code for code in wanted if s.get(Region, code) is None)
    if unknown:
        raise ValidationError({"regions": f"Unknown region codes: {', '.join(unknown)}."})
    current = {
        row.region_code: row
        for row in s.exec(
            select(Jurisdiction).where(
                col(Jurisdiction.region_code).in_(wanted) | (Jurisdiction.mission_id == mission_id)
            )
        )
    }
    before = sorted(code for code, row in current.items() if row.mission_id == mission_id)
    for code, row in current.items():
        if code not in wanted:
            s.delete(row)
        elif row.mission_id != mission_id:
            row.mission_id = mission_id
            s.add(row)
    for code in wanted - set(current):
        s.add(Jurisdiction(mission_id=mission_id, region_code=code))
    s.flush()
    record_audit(
        s,
        actor,
        "update",
        "mission",
        mission.id,
        {"regions": (before, sorted(wanted))},
        mission.uid,
    )
    return rederive_owning_missions(s, actor)


def rederive_owning_missions(s: Session, actor: Actor) -> int:
    """Give every organization not assigned by hand the mission its region implies.

    Returns the number of organizations whose mission changed.
    """
    actor.require_admin()
    owner = dict(s.exec(select(Jurisdiction.region_code, Jurisdiction.mission_id)).all())
    moved = 0
    organizations = s.exec(
        select(Organization).where(Organization.mission_set_by_hand == False)  # noqa: E712
    )
    for org in organizations:
        implied = owner.get(org.region_code) if org.region_code else None
        if implied != org.mission_id:
            record_audit(
                s,
                actor,
                "update",
                "organization",
                org.id,
                {"mission_id": (org.mission_id, implied)},
                org.uid,
            )
            org.mission_id = implied
            s.add(org)
            moved += 1
    return moved
