"""The Dashboard shows what the quarterly report prints: for the same quarter and scope,
every figure the two share is the same, on both engines; the same quarter last year is
that quarter's report's figures; and the dormant list up to a quarter's last day is the
report's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from db.figures.dashboard import dashboard_data
from db.figures.quarterly import quarterly_report_data
from db.figures.scope import ALL_MISSIONS, current_quarter, same_quarter_last_year
from db.foundations import clock
from db.foundations.actor import SYSTEM_ACTOR, Actor
from db.foundations.models import Mission

# Figures of a quarter: run again pinned to the days quarters and years turn (make test).
pytestmark = pytest.mark.calendar

# Who reads the Dashboard: someone who sees every confidential engagement, and not.
HEAD = Actor(id=None, username="head", role="supervisor")
READER = Actor(id=None, username="reader", role="officer")


def test_the_dashboard_and_the_report_agree(demo_engine):
    today = clock.today()
    with Session(demo_engine) as s:
        scopes = [ALL_MISSIONS, *s.exec(select(Mission.code).order_by(Mission.code))]
        quarter = current_quarter(s, today)
        assert quarter.start <= today <= quarter.end
        for scope in scopes:
            for confidential in (False, True):
                shown = dashboard_data(s, HEAD if confidential else READER, scope, today=today)
                printed = quarterly_report_data(
                    s, SYSTEM_ACTOR, quarter, scope, include_confidential=confidential
                )
                assert shown.current == printed.current, scope
                assert shown.previous == printed.previous
                assert shown.engagements_by_month == printed.engagements_by_month
                assert shown.engagements_by_mechanism == printed.engagements_by_mechanism
                assert shown.engagements_by_mission == printed.engagements_by_mission
                assert shown.indicators == printed.indicators
                # A running quarter is compared with the same days of the year before.
                days = quarter.running_days(today)
                year_ago_span = same_quarter_last_year(quarter)
                if days is not None:
                    year_ago_span = year_ago_span.first_days(days)
                year_ago = quarterly_report_data(
                    s, SYSTEM_ACTOR, year_ago_span, scope, include_confidential=confidential
                )
                assert shown.last_year == year_ago.current
                assert shown.compared_days == printed.compared_days == days
        everything = dashboard_data(s, READER, ALL_MISSIONS, today=today)
    assert everything.current.engagements > 0 and everything.previous.engagements > 0
    assert len(everything.engagements_by_mission) >= 2
    assert everything.last_year_quarter.start.year == quarter.start.year - 1
    ahead = today + timedelta(days=60)
    assert all(today <= event.date <= ahead for event in everything.upcoming_program_events)


def test_a_running_quarter_is_compared_with_the_same_days_of_the_others(demo_engine):
    with Session(demo_engine) as s:
        quarter = current_quarter(s, clock.today()).previous()  # a quarter with data
        day_ten = quarter.start + timedelta(days=9)
        shown = dashboard_data(s, READER, ALL_MISSIONS, today=day_ten)
        assert shown.quarter == quarter and shown.compared_days == 10
        previous_ten = quarter.previous().first_days(10)
        assert (previous_ten.start, previous_ten.end) == (
            quarter.previous().start,
            quarter.previous().start + timedelta(days=9),
        )
        assert (
            shown.previous
            == quarterly_report_data(s, SYSTEM_ACTOR, previous_ten, ALL_MISSIONS).current
        )
        whole = quarterly_report_data(s, SYSTEM_ACTOR, quarter.previous(), ALL_MISSIONS).current
        assert shown.previous.engagements < whole.engagements  # not the whole quarter
        last_day = dashboard_data(s, READER, ALL_MISSIONS, today=quarter.end)
        assert last_day.compared_days is None and last_day.previous == whole


def test_the_dormant_list_up_to_a_quarters_end_is_the_reports(demo_engine):
    with Session(demo_engine) as s:
        quarter = current_quarter(s, clock.today()).previous()
        shown = dashboard_data(s, READER, ALL_MISSIONS, today=quarter.end)
        printed = quarterly_report_data(s, SYSTEM_ACTOR, quarter, ALL_MISSIONS)
    assert shown.dormant_priority == printed.dormant_priority
    assert shown.dormant_priority_total == printed.dormant_priority_total


def test_the_lists_a_card_opens_hold_what_it_counts(demo_engine):
    """For the last four quarters and every scope, the organizations engaged, the
    organizations and contacts added and the programs holding events, as the lists
    narrow them, are what key_figures counts (both engines)."""
    from db.figures.measures import key_figures
    from db.figures.scope import Scope
    from db.foundations.actor import Actor
    from db.queries.contacts import ContactFilter, count_contacts
    from db.queries.organizations import OrganizationFilter, count_organizations
    from db.queries.programs import ProgramFilter, count_programs

    supervisor = Actor(id=None, username="head", role="supervisor")
    officer = Actor(id=None, username="officer", role="officer")
    seen = {"organizations_engaged": 0, "new_organizations": 0, "new_contacts": 0}
    with Session(demo_engine) as s:
        missions = {
            code: mission_id for mission_id, code in s.exec(select(Mission.id, Mission.code))
        }
        quarter = current_quarter(s, clock.today())
        for _ in range(4):
            for code, mission_id in [(ALL_MISSIONS, None), *missions.items()]:
                for viewer in (supervisor, officer):
                    scope = Scope(s, viewer, code, None)
                    counted = key_figures(s, scope, quarter)
                    span = {"start": quarter.start, "end": quarter.end}
                    engaged = OrganizationFilter(
                        viewer=viewer,
                        engaged_from=span["start"],
                        engaged_to=span["end"],
                        engaged_by_mission_id=mission_id,
                    )
                    added = OrganizationFilter(
                        viewer=viewer,
                        mission_id=mission_id,
                        created_from=span["start"],
                        created_to=span["end"],
                    )
                    people = ContactFilter(
                        created_from=span["start"],
                        created_to=span["end"],
                        belongs_to_mission_id=mission_id,
                    )
                    assert count_organizations(s, engaged) == counted.organizations_engaged
                    assert count_organizations(s, added) == counted.new_organizations
                    assert count_contacts(s, people) == counted.new_contacts
                    printed = quarterly_report_data(s, SYSTEM_ACTOR, quarter, code)
                    holding = ProgramFilter(
                        mission_id=mission_id, events_from=span["start"], events_to=span["end"]
                    )
                    assert count_programs(s, holding) == len(
                        {row.program for row in printed.program_events}
                    )
                    seen["organizations_engaged"] += counted.organizations_engaged
                    seen["new_organizations"] += counted.new_organizations
                    seen["new_contacts"] += counted.new_contacts
            quarter = quarter.previous()
    assert all(seen.values()), seen
