"""Load the demo dataset in resources/demo into an empty database.

Every record goes through db.store, so the demo obeys the same rules as a user.
Dates in the files are relative ("days ago", "quarters ago") to the day of
loading, so the current and the last quarter always have data: on the first days of a
quarter the newest six weeks of engagements are pressed into the days gone by
(`_engagement_day`), and a program event is planned ahead.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from db import store
from db.foundations import clock
from db.foundations.actor import SYSTEM_ACTOR, Actor
from db.foundations.errors import RabtaError
from db.foundations.models import (
    Affiliation,
    Contact,
    Engagement,
    EventGuest,
    Mission,
    Organization,
    Program,
    ProgramEvent,
    User,
)
from db.foundations.periods import quarter_containing
from db.store import (
    contacts,
    engagements,
    guests,
    missions,
    organizations,
    programs,
    settings,
    users,
)

DEMO_DIR = Path(__file__).resolve().parents[2] / "resources" / "demo"


class DatabaseNotEmpty(RabtaError):
    """The demo data is only loaded into a database without records."""


@dataclass(frozen=True)
class DemoSummary:
    """How many records of each kind the demo load created."""

    missions: int
    organizations: int
    contacts: int
    engagements: int
    programs: int


def demo_rows(name: str) -> Iterator[dict[str, str]]:
    """The rows of one CSV file of resources/demo, as dictionaries."""
    with (DEMO_DIR / name).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def split_list(text: str) -> list[str]:
    """The non-empty items of a semicolon-separated cell."""
    return [part.strip() for part in text.split(";") if part.strip()]


def _optional_int(text: str) -> int | None:
    return int(text) if text.strip() else None


def existing_record_count(s: Session) -> int:
    """How many records of the registry the database already holds."""
    total = 0
    for model in (Mission, Organization, Contact, Engagement, Program):
        total += s.exec(select(func.count()).select_from(model)).one()
    return total


def load_demo(
    engine: Engine,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
    by: Actor | None = None,
) -> DemoSummary:
    """Fill an empty database with the demo dataset, dated relative to `today`; `by`, the
    signed-in administrator loading it, signs what is written in their name and Rabta's.

    Raises DatabaseNotEmpty when the database already holds registry records; the
    whole load is one transaction, so a failure leaves the database as it was.
    """
    today = today or clock.today()
    report = progress or (lambda _message: None)
    system = replace(SYSTEM_ACTOR, signer=by.signer if by is not None else None)
    with store.session(engine) as s:
        if existing_record_count(s):
            raise DatabaseNotEmpty(
                "This database already has records; the demo data is only loaded into a new, "
                "empty database (use --db with a new file name)."
            )
        report("Regions and missions")
        for row in demo_rows("settings.csv"):
            settings.set_setting(s, system, row["key"], row["value"])
        for row in demo_rows("regions.csv"):
            missions.add_region(s, system, row["code"], row["name"], row["country"])
        mission_ids: dict[str, int] = {}
        for row in demo_rows("missions.csv"):
            regions = split_list(row.pop("regions"))
            mission_ids[row["code"]] = missions.create_mission(s, system, row)
            missions.set_jurisdiction(s, system, mission_ids[row["code"]], regions)
        actors: dict[str, Actor] = {}
        for row in demo_rows("users.csv"):
            existing = s.exec(select(User).where(User.username == row["username"])).first()
            if existing is not None:  # the administrator who made the database
                signer = by.signer if by is not None and by.id == existing.id else None
                actors[row["username"]] = users.actor_of(existing, signer)
                continue
            user_id = users.create_user(
                s,
                system,
                {
                    "username": row["username"],
                    "display_name": row["display_name"],
                    "role": row["role"],
                    "mission_id": mission_ids.get(row["mission"]),
                },
            )
            actors[row["username"]] = users.actor_of(s.get(User, user_id))
        registrar = actors["commission.admin"]

        report("Organizations")
        org_ids = _load_organizations(s, registrar, today)
        report("Contacts")
        contact_ids = _load_contacts(s, registrar, today, org_ids)
        report("Programs")
        program_ids = _load_programs(s, registrar, today, org_ids, mission_ids)
        report("Engagements")
        engagement_count = _load_engagements(
            s, actors, today, org_ids, contact_ids, mission_ids, program_ids
        )
        report("Guest lists")
        _load_guest_lists(s, registrar, mission_ids)
        return DemoSummary(
            len(mission_ids), len(org_ids), len(contact_ids), engagement_count, len(program_ids)
        )


def _moment(today: date, days_ago: str) -> datetime:
    day = today - timedelta(days=int(days_ago))
    return min(datetime(day.year, day.month, day.day, 9, 30, tzinfo=UTC), clock.utc_now())


def _load_organizations(s: Session, actor: Actor, today: date) -> dict[str, int]:
    ids: dict[str, int] = {}
    for row in demo_rows("organizations.csv"):
        ids[row["acronym"]] = organizations.create_organization(
            s,
            actor,
            {
                "name": row["name"],
                "acronym": row["acronym"],
                "kind": row["kind"],
                "city": row["city"],
                "region_code": row["region"],
                "status": row["status"],
                "priority": row["priority"],
                "founded_year": _optional_int(row["founded_year"]),
                "members_estimate": _optional_int(row["members_estimate"]),
                "website": row["website"],
                "email": row["email"],
                "phone": row["phone"],
                "hometown_district": row["hometown_district"],
                "hometown_province": row["hometown_province"] or None,
                "mechanisms": split_list(row["mechanisms"]),
                "tags": split_list(row["tags"]),
                "description": row["description"],
                "created_at": _moment(today, row["registered_days_ago"]),
            },
        )
    return ids


def _load_contacts(
    s: Session, actor: Actor, today: date, org_ids: dict[str, int]
) -> dict[str, int]:
    ids: dict[str, int] = {}
    for row in demo_rows("contacts.csv"):
        consent_days = row["consent_days_ago"]
        start = today - timedelta(days=int(row["affiliation_days_ago"]))
        ids[row["email"]] = contacts.create_contact(
            s,
            actor,
            {
                "given_name": row["given_name"],
                "family_name": row["family_name"],
                "name_urdu": row["name_urdu"],
                "honorific": row["honorific"],
                "profession": row["profession"],
                "generation": row["generation"],
                "city": row["city"],
                "region_code": row["region"],
                "email": row["email"],
                "phone": row["phone"],
                "preferred_language": row["preferred_language"],
                "consent": row["consent"],
                "consent_date": today - timedelta(days=int(consent_days)) if consent_days else None,
                "consent_source": row["consent_source"],
                "do_not_contact": row["do_not_contact"] == "1",
                "public_roles": split_list(row["public_roles"]),
                "notes": row["notes"],
                "created_at": _moment(today, row["registered_days_ago"]),
                "affiliations": [
                    {
                        "organization_id": org_ids[row["organization"]],
                        "role_title": row["role_title"],
                        "is_primary": row["is_primary"] == "1",
                        "start_date": start,
                    }
                ],
            },
        )
    return ids


def _last_annual(today: date, month_day: str, years_ago: int) -> date:
    month, day = (int(part) for part in month_day.split("-"))
    latest = date(today.year, month, day)
    if latest > today:
        latest = date(today.year - 1, month, day)
    return date(latest.year - years_ago, month, day)


def _event_day(today: date, event: dict) -> date:
    if "annual" in event:
        return _last_annual(today, event["annual"], event["years_ago"])
    return today - timedelta(days=event["days_ago"])


def _measurement_period(today: date, entry: dict) -> str:
    if "annual" in entry:
        return quarter_containing(_last_annual(today, entry["annual"], entry["years_ago"])).code
    if "days_ago" in entry:
        return quarter_containing(today - timedelta(days=entry["days_ago"])).code
    quarter = quarter_containing(today)
    for _ in range(entry["quarters_ago"]):
        quarter = quarter.previous()
    return quarter.code


def _load_programs(
    s: Session, actor: Actor, today: date, org_ids: dict[str, int], mission_ids: dict[str, int]
) -> dict[str, int]:
    with (DEMO_DIR / "programs.json").open(encoding="utf-8") as handle:
        data = json.load(handle)
    ids: dict[str, int] = {}
    for item in data:
        program_id = programs.create_program(
            s,
            actor,
            {
                "name": item["name"],
                "kind": item["kind"],
                "mechanism": item["mechanism"],
                "description": item["description"],
                "lead_mission_id": mission_ids[item["lead_mission"]],
                "status": item["status"],
                "start_date": today - timedelta(days=item["start_days_ago"]),
                "end_date": (
                    today + timedelta(days=item["end_days_ahead"])
                    if item["end_days_ahead"]
                    else None
                ),
                "budget_minor": item["budget_minor"],
                "budget_currency": item["budget_currency"],
            },
        )
        ids[item["name"]] = program_id
        for acronym, role in item["participants"]:
            programs.add_participant(s, actor, program_id, org_ids[acronym], role)
        for event in item["events"]:
            programs.add_event(
                s,
                actor,
                program_id,
                {
                    "date": _event_day(today, event),
                    "title": event["title"],
                    "venue": event["venue"],
                    "city": event["city"],
                    "attendance": event["attendance"],
                },
            )
        for indicator in item["indicators"]:
            indicator_id = programs.add_indicator(
                s,
                actor,
                program_id,
                {
                    "name": indicator["name"],
                    "unit": indicator["unit"],
                    "target_per_quarter": indicator["target_per_quarter"],
                },
            )
            for entry in indicator["measurements"]:
                programs.record_measurement(
                    s,
                    actor,
                    indicator_id,
                    {
                        "period": _measurement_period(today, entry),
                        "value": entry["value"],
                        "source": indicator.get("source", ""),
                    },
                )
    return ids


# The newest six weeks of engagements of the files (every mission has some): early in a
# quarter they are dated within it.
RECENT_DAYS = 45


def _engagement_day(today: date, days_ago: int) -> date:
    """The day an engagement of the files falls on: `days_ago` before today, except
    that one of the newest six weeks that would fall before the quarter began is pressed
    into the quarter's days so far (all of them onto today, on its first day)."""
    elapsed = (today - quarter_containing(today).start).days
    if days_ago <= RECENT_DAYS and days_ago > elapsed:
        days_ago = days_ago * elapsed // RECENT_DAYS
    return today - timedelta(days=days_ago)


# The events that get a guest list, by lead mission and title (the latest of that title):
# one to come, with replies only, and two held, with check-ins.
GUEST_LISTS = (
    ("WAS", "Pakistan Day reception"),
    ("HOU", "RDA information session (planned)"),
    ("NYC", "Lahore Literary Festival New York"),
)
# Each guest's reply in turn; at an event held, those who accepted came, but one.
REPLIES_IN_TURN = ("accepted", "accepted", "tentative", "declined", "invited", "accepted")


def _load_guest_lists(s: Session, actor: Actor, mission_ids: dict[str, int]) -> None:
    """Guest lists with replies and check-ins, so a new user sees the events desk at work:
    the people of each event's mission's organizations, invited through the store."""
    for code, title in GUEST_LISTS:
        event = s.exec(
            select(ProgramEvent)
            .join(Program, col(Program.id) == ProgramEvent.program_id)
            .where(Program.lead_mission_id == mission_ids[code], ProgramEvent.title == title)
            .order_by(col(ProgramEvent.date).desc())
        ).first()
        if event is None:
            continue
        people = s.exec(
            select(Affiliation.contact_id)
            .join(Organization, col(Organization.id) == Affiliation.organization_id)
            .where(Organization.mission_id == mission_ids[code])
            .distinct()
            .order_by(Affiliation.contact_id)
            .limit(24)
        ).all()
        guests.invite_guests(s, actor, event.id, contact_ids=list(people))
        held = event.date <= clock.today()
        listed = s.exec(
            select(EventGuest).where(EventGuest.event_id == event.id).order_by(EventGuest.id)
        ).all()
        stayed_home = False
        for number, guest in enumerate(listed):
            reply = REPLIES_IN_TURN[number % len(REPLIES_IN_TURN)]
            guests.set_guest_reply(
                s, actor, guest.id, {"status": reply, "companions": 1 if number % 4 == 0 else 0}
            )
            if held and reply == "accepted":
                if not stayed_home:
                    stayed_home = True
                    guests.set_guest_reply(s, actor, guest.id, {"status": "no_show"})
                else:
                    guests.check_in(s, actor, guest.id)


def _load_engagements(
    s: Session,
    actors: dict[str, Actor],
    today: date,
    org_ids: dict[str, int],
    contact_ids: dict[str, int],
    mission_ids: dict[str, int],
    program_ids: dict[str, int],
) -> int:
    count = 0
    for row in demo_rows("engagements.csv"):
        on = _engagement_day(today, int(row["days_ago"]))
        follow_after = row["follow_up_after_days"]
        follow_up = on + timedelta(days=int(follow_after)) if follow_after else None
        actor = actors[row["officer"]]
        engagement_id = engagements.log_engagement(
            s,
            actor,
            {
                "date": on,
                "kind": row["kind"],
                "subject": row["subject"],
                "summary": row["summary"],
                "outcome": row["outcome"],
                "mission_id": mission_ids[row["mission"]],
                "program_id": program_ids.get(row["program"]) if row["program"] else None,
                "mechanism": row["mechanism"],
                "follow_up_date": follow_up,
                "sensitivity": row["sensitivity"],
                "organization_ids": [org_ids[a] for a in split_list(row["organizations"])],
                "contact_ids": [contact_ids[e] for e in split_list(row["contacts"])],
            },
        )
        if follow_up and row["follow_up_done"] == "1":
            done = datetime(follow_up.year, follow_up.month, follow_up.day, 15, tzinfo=UTC)
            engagements.complete_follow_up(
                s, actor, engagement_id, done_at=min(done, clock.utc_now())
            )
        count += 1
    return count
