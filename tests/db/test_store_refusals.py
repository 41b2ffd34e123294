"""What the store refuses, each with the field named and nothing written."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from db import store
from db.foundations import clock
from db.foundations.errors import NotFound, ValidationError
from db.store.contacts import add_affiliation, create_contact
from db.store.engagements import log_engagement
from db.store.organizations import (
    archive_organization,
    create_organization,
    update_organization,
)
from db.store.programs import add_indicator, archive_program, create_program, record_measurement


def _count(engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("Pakistan\x00Society", "control character U\\+0000"),
        ("\u202eyteicoS natsikaP", "control character U\\+202E"),
        ("Pakistan \u2066Society", "control character U\\+2066"),
        ("Pakistan\ud800Society", "not valid text"),
        ("Pakistan\nSociety", "on one line"),
    ],
)
def test_invisible_characters_in_a_name_are_refused(engine, officer, typed, reason):
    before = _count(engine, "organization")
    with pytest.raises(ValidationError, match=f"name: .*{reason}"), store.session(engine) as s:
        create_organization(s, officer, {"name": typed, "kind": "professional"})
    assert _count(engine, "organization") == before


def test_links_to_archived_records_are_refused(engine, officer):
    with store.session(engine) as s:
        gone = create_organization(s, officer, {"name": "Dissolved Society", "kind": "cultural"})
        live = create_organization(s, officer, {"name": "Active Society", "kind": "cultural"})
        program = create_program(s, officer, {"name": "Closed program", "kind": "exchange"})
        archive_organization(s, officer, gone)
        archive_program(s, officer, program)
    attempts = [
        (
            "organization_ids",
            lambda s: log_engagement(s, officer, _meeting(organization_ids=[gone])),
        ),
        ("program_id", lambda s: log_engagement(s, officer, _meeting([live], program_id=program))),
        (
            "organization_id",
            lambda s: create_contact(
                s, officer, {"given_name": "Rehan", "affiliations": [{"organization_id": gone}]}
            ),
        ),
    ]
    for field, attempt in attempts:
        with pytest.raises(ValidationError, match=field), store.session(engine) as s:
            attempt(s)
    assert _count(engine, "engagement") == 0
    assert _count(engine, "contact") == 0
    with store.session(engine) as s:
        person = create_contact(s, officer, {"given_name": "Rehan"})
    with pytest.raises(ValidationError, match="organization_id"), store.session(engine) as s:
        add_affiliation(s, officer, person, {"organization_id": gone})


def _meeting(organization_ids=(), **values):
    return {
        "date": clock.today(),
        "kind": "meeting",
        "subject": "Courtesy call",
        "organization_ids": list(organization_ids),
        **values,
    }


def test_a_count_cannot_be_negative_but_a_net_change_can(engine, officer):
    quarter = "2026Q1"
    with store.session(engine) as s:
        program = create_program(s, officer, {"name": "Roshan outreach", "kind": "exchange"})
        accounts = add_indicator(
            s, officer, program, {"name": "Accounts opened", "unit": "accounts"}
        )
        change = add_indicator(
            s, officer, program, {"name": "Remittances", "unit": "net change, %"}
        )
    with pytest.raises(ValidationError, match="value"), store.session(engine) as s:
        record_measurement(s, officer, accounts, {"period": quarter, "value": -3})
    with store.session(engine) as s:
        record_measurement(s, officer, change, {"period": quarter, "value": -3})
    assert _count(engine, "measurement") == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"date": date(1850, 1, 1)}, "date"),
        ({"follow_up_date": date(2200, 1, 1)}, "follow_up_date"),
        ({"mission_id": 2**64}, "mission_id"),
        ({"subject": ["a", "list"]}, "subject"),
        ({"kind": 7}, "kind"),
    ],
)
def test_values_out_of_range_or_of_the_wrong_type_are_refused(engine, officer, values, field):
    with store.session(engine) as s:
        org = create_organization(s, officer, {"name": "OPEN Houston", "kind": "business"})
    with pytest.raises(ValidationError, match=field), store.session(engine) as s:
        log_engagement(s, officer, _meeting([org], **values))
    assert _count(engine, "engagement") == 0


def test_an_id_beyond_any_record_is_not_found(engine, officer):
    for wrong in (2**63, -1, 0, "12abc"):
        with pytest.raises((NotFound, ValidationError)), store.session(engine) as s:
            update_organization(s, officer, wrong, {"city": "Houston"})


def test_an_officer_or_supervisor_needs_a_mission_unless_commission_wide_on_purpose(engine):
    from db.foundations.actor import SYSTEM_ACTOR
    from db.foundations.models import User
    from db.store.users import create_user, update_user

    for role in ("officer", "supervisor"):
        with pytest.raises(ValidationError, match="needs a mission"), store.session(engine) as s:
            create_user(
                s, SYSTEM_ACTOR, {"username": f"x.{role}", "display_name": "X", "role": role}
            )
    with store.session(engine) as s:
        viewer = create_user(
            s, SYSTEM_ACTOR, {"username": "v.viewer", "display_name": "V", "role": "viewer"}
        )
        wide = create_user(
            s,
            SYSTEM_ACTOR,
            {"username": "w.wide", "display_name": "W", "role": "officer", "commission_wide": True},
        )
    with pytest.raises(ValidationError, match="needs a mission"), store.session(engine) as s:
        update_user(s, SYSTEM_ACTOR, viewer, {"role": "officer"})  # promoted with no mission
    with store.session(engine) as s:
        update_user(s, SYSTEM_ACTOR, wide, {"display_name": "W. Wide"})  # a rename is fine
        assert s.get(User, viewer).role == "viewer" and s.get(User, wide).mission_id is None
