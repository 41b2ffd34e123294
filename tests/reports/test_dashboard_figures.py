"""The Dashboard shows what the quarterly report prints: for the same quarter and scope,
every figure the two share is the same, on both engines; the same quarter last year is
that quarter's report's figures; and the dormant list up to a quarter's last day is the
report's."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from db.models import Mission
from db.stats import (
    ALL_MISSIONS,
    current_quarter,
    dashboard_data,
    quarterly_report_data,
    same_quarter_last_year,
)


def test_the_dashboard_and_the_report_agree(demo_engine):
    today = date.today()
    with Session(demo_engine) as s:
        scopes = [ALL_MISSIONS, *s.exec(select(Mission.code).order_by(Mission.code))]
        quarter = current_quarter(s, today)
        assert quarter.start <= today <= quarter.end
        for scope in scopes:
            for confidential in (False, True):
                shown = dashboard_data(s, scope, today=today, include_confidential=confidential)
                printed = quarterly_report_data(
                    s, quarter, scope, include_confidential=confidential
                )
                assert shown.current == printed.current, scope
                assert shown.previous == printed.previous
                assert shown.engagements_by_month == printed.engagements_by_month
                assert shown.engagements_by_mechanism == printed.engagements_by_mechanism
                assert shown.engagements_by_mission == printed.engagements_by_mission
                assert shown.indicators == printed.indicators
                year_ago = quarterly_report_data(
                    s, same_quarter_last_year(quarter), scope, include_confidential=confidential
                )
                assert shown.last_year == year_ago.current
        everything = dashboard_data(s, ALL_MISSIONS, today=today)
    assert everything.current.engagements > 0 and everything.previous.engagements > 0
    assert len(everything.engagements_by_mission) >= 2
    assert everything.last_year_quarter.start.year == quarter.start.year - 1
    ahead = today + timedelta(days=60)
    assert all(today <= event.date <= ahead for event in everything.upcoming_program_events)


def test_the_dormant_list_up_to_a_quarters_end_is_the_reports(demo_engine):
    with Session(demo_engine) as s:
        quarter = current_quarter(s, date.today()).previous()
        shown = dashboard_data(s, ALL_MISSIONS, today=quarter.end)
        printed = quarterly_report_data(s, quarter, ALL_MISSIONS)
    assert shown.dormant_priority == printed.dormant_priority
    assert shown.dormant_priority_total == printed.dormant_priority_total
