"""Programs, participants, events, indicators and measurements through the store."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from db import store
from db.foundations import clock
from db.foundations.errors import ValidationError
from db.foundations.models import Measurement, ProgramEvent, ProgramParticipant
from db.foundations.periods import quarter_containing
from db.store.organizations import create_organization
from db.store.programs import (
    add_event,
    add_indicator,
    add_participant,
    archive_program,
    create_program,
    record_measurement,
    remove_participant,
    restore_program,
    update_event,
    update_program,
)


@pytest.fixture
def program_id(engine, officer, geography):
    with store.session(engine) as s:
        return create_program(
            s,
            officer,
            {
                "name": "Roshan Digital Account outreach",
                "kind": "financial_product",
                "mechanism": "capital_markets",
                "lead_mission_id": geography["HOU"],
                "start_date": "2025-07-01",
                "budget_minor": 4_500_000,
                "budget_currency": "usd",
            },
        )


def test_program_refusals(engine, officer, program_id):
    with pytest.raises(ValidationError) as refused, store.session(engine) as s:
        create_program(
            s,
            officer,
            {
                "name": "Roshan Digital Account outreach",
                "kind": "bond",
                "start_date": "2026-01-01",
                "end_date": "2025-01-01",
                "budget_currency": "dollars",
            },
        )
    assert set(refused.value.errors) == {"name", "kind", "end_date", "budget_currency"}


def test_participants_events_indicators_and_measurements(engine, officer, program_id):
    this_quarter = quarter_containing(clock.today())
    with store.session(engine) as s:
        org = create_organization(s, officer, {"name": "PABAH", "kind": "business"})
        participant = add_participant(s, officer, program_id, org, "partner")
        with pytest.raises(ValidationError, match="already takes part"):
            add_participant(s, officer, program_id, org, "sponsor")
        event = add_event(
            s,
            officer,
            program_id,
            {
                "date": "2026-01-20",
                "title": "RDA session",
                "venue": "Islamic Center",
                "city": "Houston",
            },
        )
        update_event(s, officer, event, {"attendance": "140"})
        indicator = add_indicator(
            s,
            officer,
            program_id,
            {"name": "Accounts opened", "unit": "accounts", "target_per_quarter": 400},
        )
        record_measurement(s, officer, indicator, {"period": this_quarter.code, "value": 120})
        record_measurement(
            s,
            officer,
            indicator,
            {"period": this_quarter.code, "value": 135, "source": "SBP dashboard"},
        )
        record_measurement(s, officer, indicator, {"period": "FY2025-26Q1", "value": 90})
        # The same three months named the calendar way replace the value, not add a row.
        record_measurement(s, officer, indicator, {"period": "2025Q3", "value": 95})
    with Session(engine) as s:
        assert s.get(ProgramParticipant, participant).role == "partner"
        assert s.get(ProgramEvent, event).attendance == 140
        values = {m.period: (m.value, m.period_start) for m in s.exec(select(Measurement))}
    assert values == {
        this_quarter.code: (135.0, this_quarter.start),
        "FY2025-26Q1": (95.0, date(2025, 7, 1)),
    }
    with store.session(engine) as s:
        remove_participant(s, officer, participant)
        assert s.exec(select(ProgramParticipant)).all() == []


def test_measurement_refusals(engine, officer, program_id):
    with store.session(engine) as s:
        indicator = add_indicator(s, officer, program_id, {"name": "Deposits"})
    for values, field in (
        ({"period": "2026Q5", "value": 1}, "period"),
        ({"period": "FY2026-28Q1", "value": 1}, "period"),
        ({"period": "2099Q1", "value": 1}, "period"),
        ({"period": "2025Q1", "value": "lots"}, "value"),
    ):
        with pytest.raises(ValidationError) as refused, store.session(engine) as s:
            record_measurement(s, officer, indicator, values)
        assert field in refused.value.errors
    with Session(engine) as s:
        assert s.exec(select(Measurement)).all() == []


def test_update_archive_restore(engine, officer, program_id):
    with store.session(engine) as s:
        update_program(s, officer, program_id, {"status": "completed", "end_date": "2026-06-30"})
        assert archive_program(s, officer, program_id)
        assert restore_program(s, officer, program_id)
