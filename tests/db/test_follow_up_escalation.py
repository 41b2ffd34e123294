"""Follow-ups are red, amber or green by their day and the installation's amber days;
overdue past the escalation days they reach their mission's supervisors (every
mission's for one without a mission), never an officer; both thresholds are settings
with bounds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from db import store
from db.foundations.actor import SYSTEM_ACTOR, Actor
from db.foundations.errors import ValidationError
from db.foundations.models import UserRole
from db.queries.engagements import (
    FollowUpStatus,
    escalated_follow_ups,
    follow_up_status,
    open_follow_ups,
)
from db.rules.settings import read_settings
from db.store.engagements import complete_follow_up, log_engagement
from db.store.organizations import create_organization
from db.store.settings import set_setting

# Figures of a quarter: run again pinned to the days quarters and years turn (make test).
pytestmark = pytest.mark.calendar

TODAY = date(2026, 11, 24)


def test_red_amber_green_by_the_day():
    assert follow_up_status(TODAY - timedelta(days=1), TODAY, 7) == FollowUpStatus.OVERDUE
    assert follow_up_status(TODAY, TODAY, 7) == FollowUpStatus.DUE_SOON
    assert follow_up_status(TODAY + timedelta(days=7), TODAY, 7) == FollowUpStatus.DUE_SOON
    assert follow_up_status(TODAY + timedelta(days=8), TODAY, 7) == FollowUpStatus.ON_TRACK
    assert follow_up_status(TODAY + timedelta(days=1), TODAY, 0) == FollowUpStatus.ON_TRACK


def _log(engine, mission_id: int, due: date, subject: str) -> int:
    with store.session(engine) as s:
        org_id = create_organization(
            s, SYSTEM_ACTOR, {"name": f"Partner of {subject}", "kind": "cultural"}
        )
        return log_engagement(
            s,
            SYSTEM_ACTOR,
            {
                "date": due - timedelta(days=30),
                "kind": "call",
                "subject": subject,
                "mission_id": mission_id,
                "follow_up_date": due,
                "organization_ids": [org_id],
            },
        )


def test_long_overdue_follow_ups_reach_their_missions_supervisors(engine, geography):
    houston, new_york = geography["HOU"], geography["NYC"]
    late = _log(engine, houston, TODAY - timedelta(days=20), "Send the MoU draft")
    _log(engine, houston, TODAY - timedelta(days=10), "Call back about the hall")  # not yet
    elsewhere = _log(engine, new_york, TODAY - timedelta(days=40), "Visa camp dates")
    supervisor = Actor(7, "sup", UserRole.SUPERVISOR, houston)
    with Session(engine) as s:
        found = escalated_follow_ups(s, supervisor, today=TODAY, after_days=14)
        assert [row.engagement_id for row in found.rows] == [late]
        assert found.total == 1 and found.mission_code == "HOU"
        everyone = escalated_follow_ups(
            s, Actor(1, "admin", UserRole.ADMIN, None), today=TODAY, after_days=14
        )
        assert [row.engagement_id for row in everyone.rows] == [elsewhere, late]  # oldest first
        officer = Actor(8, "off", UserRole.OFFICER, houston)
        assert escalated_follow_ups(s, officer, today=TODAY, after_days=14) is None
        assert escalated_follow_ups(s, supervisor, today=TODAY, after_days=30).rows == []
    with store.session(engine) as s:
        complete_follow_up(s, SYSTEM_ACTOR, late)
    with Session(engine) as s:
        assert escalated_follow_ups(s, supervisor, today=TODAY, after_days=14).total == 0


def test_the_dashboards_mission_narrows_open_and_escalated_follow_ups(engine, geography):
    houston, new_york = geography["HOU"], geography["NYC"]
    late_here = _log(engine, houston, TODAY - timedelta(days=20), "Send the MoU draft")
    soon_here = _log(engine, houston, TODAY + timedelta(days=3), "Confirm the hall")
    late_there = _log(engine, new_york, TODAY - timedelta(days=40), "Visa camp dates")
    commission = Actor(1, "admin", UserRole.ADMIN, None)
    houston_supervisor = Actor(7, "sup", UserRole.SUPERVISOR, houston)
    with Session(engine) as s:
        everywhere = open_follow_ups(s, commission, today=TODAY)
        assert (everywhere.total, everywhere.overdue) == (3, 2)
        here = open_follow_ups(s, commission, today=TODAY, mission_id=houston)
        assert [row.engagement_id for row in here.rows] == [late_here, soon_here]
        assert (here.total, here.overdue) == (2, 1)
        there = open_follow_ups(s, commission, today=TODAY, mission_id=new_york)
        assert [row.engagement_id for row in there.rows] == [late_there]

        narrowed = escalated_follow_ups(
            s, commission, today=TODAY, after_days=14, mission_id=new_york
        )
        assert [row.engagement_id for row in narrowed.rows] == [late_there]
        assert narrowed.mission_code == "NYC"
        # A mission's supervisor is escalated their own mission's, whichever is chosen.
        own = escalated_follow_ups(
            s, houston_supervisor, today=TODAY, after_days=14, mission_id=new_york
        )
        assert [row.engagement_id for row in own.rows] == [late_here]
        assert own.mission_code == "HOU"


def test_the_thresholds_are_settings_with_bounds(engine):
    with store.session(engine) as s:
        assert read_settings(s).follow_up_amber_days == 7
        assert read_settings(s).follow_up_escalation_days == 14
        set_setting(s, SYSTEM_ACTOR, "follow_up_escalation_days", "30")
    for key, bad in (("follow_up_amber_days", "91"), ("follow_up_escalation_days", "0")):
        with pytest.raises(ValidationError), store.session(engine) as s:
            set_setting(s, SYSTEM_ACTOR, key, bad)
    with Session(engine) as s:
        assert read_settings(s).follow_up_escalation_days == 30
