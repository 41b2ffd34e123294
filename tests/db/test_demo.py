"""The demo dataset loads through the store, dated relative to the day it is loaded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from db import store
from db.demo.sample import DatabaseNotEmpty, load_demo
from db.foundations import clock
from db.foundations.models import (
    Contact,
    Engagement,
    Jurisdiction,
    Measurement,
    Mission,
    Organization,
    Program,
    Region,
)
from db.foundations.periods import quarter_containing
from db.store.organizations import create_organization


def _count(s, model, *where):
    return s.exec(select(func.count()).select_from(model).where(*where)).one()


def test_demo_has_the_shape_the_issue_describes(demo_engine):
    today = clock.today()
    with Session(demo_engine) as s:
        assert _count(s, Mission) == 5
        assert 45 <= _count(s, Organization) <= 60
        assert 140 <= _count(s, Contact) <= 170
        assert _count(s, Engagement) == 600
        assert _count(s, Program) == 4
        names = set(s.exec(select(Organization.acronym)).all())
        assert {"APPNA", "OPEN", "ISNA", "TCF", "PakPAC"} <= names
        houston = s.exec(select(Mission).where(Mission.code == "HOU")).one()
        covered = set(
            s.exec(
                select(Jurisdiction.region_code).where(Jurisdiction.mission_id == houston.id)
            ).all()
        )
        assert {"US-AR", "US-LA", "US-NM", "US-OK", "US-TX", "US-PR", "US-GU"} <= covered
        hometown = s.exec(select(Organization).where(Organization.kind == "hometown")).all()
        assert len(hometown) >= 10 and all(
            o.hometown_district and o.hometown_province for o in hometown
        )
        assert len({o.region_code for o in s.exec(select(Organization))}) >= 15
        dates = s.exec(select(Engagement.date)).all()
        assert min(dates) >= today - timedelta(days=8 * 92) and max(dates) <= today
        this_quarter, last_quarter = quarter_containing(today), quarter_containing(today).previous()
        for quarter in (this_quarter, last_quarter):
            assert _count(s, Engagement, col(Engagement.date).between(quarter.start, quarter.end))
        assert _count(s, Measurement, Measurement.period == this_quarter.code) >= 4
        assert _count(s, Contact, col(Contact.name_urdu) != "") >= 50
        assert _count(s, Region) >= 51


def test_demo_refuses_a_database_with_records(engine, officer):
    with store.session(engine) as s:
        create_organization(s, officer, {"name": "Already here", "kind": "other"})
    with pytest.raises(DatabaseNotEmpty, match="already has records"):
        load_demo(engine)
    with Session(engine) as s:
        assert _count(s, Organization) == 1 and _count(s, Engagement) == 0
