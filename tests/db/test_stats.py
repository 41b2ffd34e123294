"""The quarterly report's figures against the same figures counted in plain Python
from every row of the demo registry."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from db.figures.measures import DORMANT_AFTER_DAYS
from db.figures.quarterly import quarterly_report_data
from db.foundations import clock
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.models import (
    Engagement,
    EngagementOrganization,
    Mission,
    Organization,
    Sensitivity,
)
from db.foundations.periods import quarter_containing

# Figures of a quarter: run again pinned to the days quarters and years turn (make test).
pytestmark = pytest.mark.calendar


def _everything(s: Session):
    engagements = [e for e in s.exec(select(Engagement)).all() if e.archived_at is None]
    links: dict[int, set[int]] = {}
    for engagement_id, organization_id in s.exec(
        select(EngagementOrganization.engagement_id, EngagementOrganization.organization_id)
    ).all():
        links.setdefault(engagement_id, set()).add(organization_id)
    organizations = {o.id: o for o in s.exec(select(Organization)).all()}
    missions = {m.id: m.code for m in s.exec(select(Mission)).all()}
    return engagements, links, organizations, missions


def test_quarterly_figures_agree_with_a_full_count(demo_engine):
    quarter = quarter_containing(clock.today(), fiscal=True).previous()
    with Session(demo_engine) as s:
        data = quarterly_report_data(s, SYSTEM_ACTOR, quarter)
        engagements, links, organizations, missions = _everything(s)

    def in_range(e, start, end):
        return start <= e.date <= end and e.sensitivity != Sensitivity.CONFIDENTIAL

    current = [e for e in engagements if in_range(e, quarter.start, quarter.end)]
    before = data.previous_quarter
    previous = [e for e in engagements if in_range(e, before.start, before.end)]
    assert current, "the demo registry has engagements in the last quarter"
    assert data.current.engagements == len(current)
    assert data.previous.engagements == len(previous)
    engaged = Counter(org for e in current for org in links.get(e.id, ()))
    assert data.current.organizations_engaged == len(engaged)
    assert data.previous.organizations_engaged == len(
        {org for e in previous for org in links.get(e.id, ())}
    )
    by_month = Counter(f"{e.date:%Y-%m}" for e in current)
    assert {row.key: row.count for row in data.engagements_by_month} == {
        key: by_month.get(key, 0) for key in (row.key for row in data.engagements_by_month)
    }
    assert sum(row.count for row in data.engagements_by_month) == len(current)
    assert {row.key: row.count for row in data.engagements_by_kind} == Counter(
        e.kind for e in current
    )
    assert {row.key: row.count for row in data.engagements_by_mission} == Counter(
        missions[e.mission_id] for e in current
    )
    kinds = Counter(organizations[org].kind for org in engaged)
    assert {row.key: row.count for row in data.organizations_engaged_by_kind} == kinds
    top = data.most_engaged[0]
    assert top.engagements == max(engaged.values())

    since = quarter.end - timedelta(days=DORMANT_AFTER_DAYS)
    last_seen: dict[int, date] = {}
    for e in engagements:
        if e.date <= quarter.end:
            for org in links.get(e.id, ()):
                last_seen[org] = max(last_seen.get(org, e.date), e.date)
    dormant = {
        o.name: last_seen.get(o.id)
        for o in organizations.values()
        if o.priority == "high"
        and o.archived_at is None
        and o.created_at.date() <= quarter.end
        and (o.id not in last_seen or last_seen[o.id] < since)
    }
    assert {row.name: row.last_engagement for row in data.dormant_priority} == dormant
    assert data.dormant_priority, "the demo registry has dormant high-priority organizations"
