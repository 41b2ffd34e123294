"""Programs with their participants, events, indicators and quarterly measurements."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from db.foundations import clock
from db.foundations.actor import Actor
from db.foundations.errors import ValidationError
from db.foundations.models import (
    Indicator,
    Measurement,
    Mechanism,
    Mission,
    Organization,
    ParticipantRole,
    Program,
    ProgramEvent,
    ProgramKind,
    ProgramParticipant,
    ProgramStatus,
)
from db.foundations.periods import parse_quarter
from db.rules.rows import get_record
from db.rules.settings import read_settings
from db.store.audit import record_audit
from db.store.records import (
    apply_changes,
    expected_version,
    refuse_if_changed,
    saved_new_version,
    set_archived,
)
from db.store.validation import FieldChecker

PROGRAM_FIELDS = (
    "name",
    "kind",
    "mechanism",
    "description",
    "lead_mission_id",
    "start_date",
    "end_date",
    "status",
    "budget_minor",
    "budget_currency",
)
EVENT_FIELDS = ("date", "title", "venue", "city", "attendance")
INDICATOR_FIELDS = ("name", "unit", "target_per_quarter")
MEASUREMENT_FIELDS = ("period", "value", "source")
EARLIEST = date(1990, 1, 1)
# Indicators measured in these may go below zero (a net change, a growth rate);
# counts and amounts may not.
_SIGNED_UNIT_WORDS = ("change", "net", "growth", "%", "percent", "balance", "difference")


def unit_may_be_negative(unit: str) -> bool:
    """True when an indicator's unit describes something that can be below zero."""
    lowered = (unit or "").lower()
    return any(word in lowered for word in _SIGNED_UNIT_WORDS)


def _check_program(
    s: Session, values: Mapping[str, Any], *, partial: bool, current: Program | None = None
) -> dict[str, Any]:
    check = FieldChecker(values, PROGRAM_FIELDS, partial=partial)
    check.text("name", required=True, max_length=200)
    check.choice("kind", ProgramKind, required=True)
    check.choice("mechanism", Mechanism)
    check.text("description", multiline=True)
    check.reference(s, "lead_mission_id", Mission, what="Lead mission")
    check.day("start_date", earliest=EARLIEST, latest=clock.today() + timedelta(days=5 * 366))
    check.day("end_date", earliest=EARLIEST, latest=clock.today() + timedelta(days=10 * 366))
    check.choice("status", ProgramStatus)
    check.integer("budget_minor", minimum=0)
    check.text("budget_currency", max_length=3)
    if check.clean.get("budget_currency"):
        currency = check.clean["budget_currency"].upper()
        if len(currency) != 3 or not currency.isalpha():
            check.fail("budget_currency", "The currency is a three-letter ISO code, e.g. USD.")
        check.clean["budget_currency"] = currency
    elif "budget_currency" in check.clean:
        check.clean["budget_currency"] = "USD"
    if check.clean.get("status") is None and "status" in check.clean:
        check.clean["status"] = ProgramStatus.ACTIVE
    start = check.clean.get("start_date", current.start_date if current else None)
    end = check.clean.get("end_date", current.end_date if current else None)
    if start and end and end < start:
        check.fail("end_date", "The program cannot end before it starts.")
    name = check.clean.get("name")
    if name:
        same = s.exec(
            select(Program.id).where(
                func.lower(Program.name) == name.lower(), Program.archived_at.is_(None)
            )
        ).first()
        if same is not None and (current is None or same != current.id):
            check.fail("name", f"A program named {name} already exists.")
    return check.done()


def _writable_program(
    s: Session, actor: Actor, program_id: int, *, to_change: bool = False
) -> Program:
    """The program, if `actor` may change it and what belongs to it."""
    program = get_record(s, Program, program_id, "program", to_change=to_change)
    actor.require_mission(program.lead_mission_id, "program")
    return program


def _live_program(s: Session, actor: Actor, program_id: int) -> int:
    """The id of a program that may take new participants, events and indicators: one
    `actor` may change, and not archived."""
    program = _writable_program(s, actor, program_id)
    if program.archived_at is not None:
        raise ValidationError(
            {"program_id": f"The program {program.name} is archived; restore it first."}
        )
    return program.id


def create_program(s: Session, actor: Actor, values: Mapping[str, Any]) -> int:
    """Add a program; return its id."""
    actor.require_write()
    clean = _check_program(s, values, partial=False)
    actor.require_mission(clean.get("lead_mission_id"), "program")
    program = Program(**clean)
    s.add(program)
    s.flush()
    record_audit(
        s,
        actor,
        "create",
        "program",
        program.id,
        {k: (None, v) for k, v in clean.items() if v not in (None, "")},
        program.uid,
    )
    return program.id


def update_program(s: Session, actor: Actor, program_id: int, values: Mapping[str, Any]) -> None:
    """Change the given fields of a program."""
    actor.require_write()
    values, version = expected_version(values)
    program = _writable_program(s, actor, program_id, to_change=True)
    refuse_if_changed(s, program, version, "program")
    clean = _check_program(s, values, partial=True, current=program)
    actor.require_mission(clean.get("lead_mission_id", program.lead_mission_id), "program")
    changes = apply_changes(program, clean)
    if changes:
        saved_new_version(program)
        s.add(program)
        record_audit(s, actor, "update", "program", program.id, changes, program.uid)


def archive_program(s: Session, actor: Actor, program_id: int) -> bool:
    """Hide a program from lists without losing it; False if archived already."""
    return set_archived(s, actor, Program, "program", program_id, True)


def restore_program(s: Session, actor: Actor, program_id: int) -> bool:
    """Bring an archived program back; False if it was not archived."""
    return set_archived(s, actor, Program, "program", program_id, False)


# --- participants ------------------------------------------------------------


def add_participant(
    s: Session,
    actor: Actor,
    program_id: int,
    organization_id: int,
    role: str = ParticipantRole.PARTICIPANT,
) -> int:
    """Add an organization to a program in a role; return the participant id."""
    actor.require_write()
    program_id = _live_program(s, actor, program_id)
    check = FieldChecker(
        {"organization_id": organization_id, "role": role},
        ("organization_id", "role"),
        partial=False,
    )
    check.reference(s, "organization_id", Organization, required=True, what="Organization")
    check.choice("role", ParticipantRole, required=True)
    clean = check.done()
    existing = s.exec(
        select(ProgramParticipant.id).where(
            ProgramParticipant.program_id == program_id,
            ProgramParticipant.organization_id == clean["organization_id"],
        )
    ).first()
    if existing is not None:
        raise ValidationError({"organization_id": "This organization already takes part."})
    participant = ProgramParticipant(program_id=program_id, **clean)
    s.add(participant)
    s.flush()
    record_audit(
        s,
        actor,
        "create",
        "program_participant",
        participant.id,
        {"program_id": (None, program_id), **{k: (None, v) for k, v in clean.items()}},
    )
    return participant.id


def remove_participant(s: Session, actor: Actor, participant_id: int) -> None:
    """Take an organization out of a program."""
    actor.require_write()
    participant = get_record(s, ProgramParticipant, participant_id, "participant")
    _writable_program(s, actor, participant.program_id)
    record_audit(
        s,
        actor,
        "delete",
        "program_participant",
        participant.id,
        {
            "program_id": (participant.program_id, None),
            "organization_id": (participant.organization_id, None),
            "role": (participant.role, None),
        },
    )
    s.delete(participant)


# --- events --------------------------------------------------------------------


def _check_event(values: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    check = FieldChecker(values, EVENT_FIELDS, partial=partial)
    check.day(
        "date", earliest=EARLIEST, latest=clock.today() + timedelta(days=3 * 366), required=True
    )
    check.text("title", required=True, max_length=200)
    check.text("venue", max_length=200)
    check.text("city", max_length=120)
    check.integer("attendance", minimum=0, maximum=1_000_000)
    return check.done()


def add_event(s: Session, actor: Actor, program_id: int, values: Mapping[str, Any]) -> int:
    """Record a program event (date, title, venue, attendance); return its id."""
    actor.require_write()
    program_id = _live_program(s, actor, program_id)
    clean = _check_event(values, partial=False)
    event = ProgramEvent(program_id=program_id, **clean)
    s.add(event)
    s.flush()
    record_audit(
        s,
        actor,
        "create",
        "program_event",
        event.id,
        {
            "program_id": (None, program_id),
            **{k: (None, v) for k, v in clean.items() if v not in (None, "")},
        },
        event.uid,
    )
    return event.id


def update_event(s: Session, actor: Actor, event_id: int, values: Mapping[str, Any]) -> None:
    """Change a program event, e.g. its attendance once counted."""
    actor.require_write()
    event = get_record(s, ProgramEvent, event_id, "program event")
    _writable_program(s, actor, event.program_id)
    changes = apply_changes(event, _check_event(values, partial=True))
    if changes:
        s.add(event)
        record_audit(s, actor, "update", "program_event", event.id, changes, event.uid)


# --- indicators and measurements -------------------------------------------------


def _check_indicator(values: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    check = FieldChecker(values, INDICATOR_FIELDS, partial=partial)
    check.text("name", required=True, max_length=200)
    check.text("unit", max_length=40)
    check.number("target_per_quarter", minimum=0)
    return check.done()


def add_indicator(s: Session, actor: Actor, program_id: int, values: Mapping[str, Any]) -> int:
    """Add a measured indicator (name, unit, target per quarter) to a program."""
    actor.require_write()
    program_id = _live_program(s, actor, program_id)
    clean = _check_indicator(values, partial=False)
    indicator = Indicator(program_id=program_id, **clean)
    s.add(indicator)
    s.flush()
    record_audit(
        s,
        actor,
        "create",
        "indicator",
        indicator.id,
        {
            "program_id": (None, program_id),
            **{k: (None, v) for k, v in clean.items() if v not in (None, "")},
        },
        indicator.uid,
    )
    return indicator.id


def update_indicator(
    s: Session, actor: Actor, indicator_id: int, values: Mapping[str, Any]
) -> None:
    """Change an indicator's name, unit or target."""
    actor.require_write()
    indicator = get_record(s, Indicator, indicator_id, "indicator")
    _writable_program(s, actor, indicator.program_id)
    changes = apply_changes(indicator, _check_indicator(values, partial=True))
    if changes:
        s.add(indicator)
        record_audit(s, actor, "update", "indicator", indicator.id, changes, indicator.uid)


def record_measurement(
    s: Session, actor: Actor, indicator_id: int, values: Mapping[str, Any]
) -> int:
    """Set an indicator's value for a quarter (replacing an earlier value); return its id."""
    actor.require_write()
    indicator = get_record(s, Indicator, indicator_id, "indicator")
    _writable_program(s, actor, indicator.program_id)
    indicator_id = indicator.id
    check = FieldChecker(values, MEASUREMENT_FIELDS, partial=False)
    check.number("value", required=True)
    check.text("source", max_length=200)
    value = check.clean.get("value")
    if value is not None and value < 0 and not unit_may_be_negative(indicator.unit):
        check.fail("value", f"A count of {indicator.unit or 'this indicator'} cannot be negative.")
    check.text("period", max_length=20)
    raw_period = check.clean.pop("period", "")
    quarter = None
    if "period" in check.errors:
        pass
    elif not raw_period:
        check.fail("period", "Period is required, e.g. 2026Q3.")
    else:
        try:
            quarter = parse_quarter(raw_period, read_settings(s).fiscal_year_start_month)
        except ValueError as error:
            check.fail("period", str(error))
    if quarter is not None and quarter.start > clock.today():
        check.fail("period", f"{quarter.code} has not started yet; record it once it has.")
    clean = check.done()
    measurement = s.exec(
        select(Measurement).where(
            Measurement.indicator_id == indicator_id, Measurement.period_start == quarter.start
        )
    ).first()
    if measurement is None:
        measurement = Measurement(
            indicator_id=indicator_id,
            period=quarter.code,
            period_start=quarter.start,
            period_end=quarter.end,
            **clean,
        )
        s.add(measurement)
        s.flush()
        record_audit(
            s,
            actor,
            "create",
            "measurement",
            measurement.id,
            {
                "indicator_id": (None, indicator_id),
                "period": (None, quarter.code),
                **{k: (None, v) for k, v in clean.items()},
            },
        )
        return measurement.id
    changes = apply_changes(measurement, clean)
    if changes:
        s.add(measurement)
        record_audit(s, actor, "update", "measurement", measurement.id, changes)
    return measurement.id
