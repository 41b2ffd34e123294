"""The large registry's bulk loader, run at a small scale on a real migrated file."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, text
from sqlmodel import Session, select

from db import store
from db.demo import large as demo_large
from db.demo.sample import DatabaseNotEmpty
from db.foundations import clock
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.models import Organization
from db.queries.search import search
from db.store.last_engagement import latest_engagement_date
from db.store.organizations import update_organization

SMALL = {
    "organizations": 120,
    "contacts": 600,
    "affiliations": 900,
    "engagements": 3000,
    "programs": 10,
    "measurements": 2500,
}


@pytest.fixture
def loaded(engine, monkeypatch):
    for key, value in SMALL.items():
        monkeypatch.setitem(demo_large.SCALE, key, value)
    return demo_large.load_large_demo(engine)


def test_the_bulk_load_counts_and_leaves_every_index_and_trigger_working(engine, loaded):
    assert (loaded.organizations, loaded.contacts, loaded.engagements) == (120, 600, 3000)
    with Session(engine) as s:
        if engine.dialect.name == "sqlite":
            triggers = s.exec(
                text(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                    "AND name LIKE '%_fts_%'"
                )
            ).one()[0]
            assert triggers == 12  # insert, update and delete on four searched tables
        else:  # the sequences go on after the ids the load gave
            next_id = s.exec(text("SELECT nextval(pg_get_serial_sequence('contact', 'id'))"))
            assert next_id.one()[0] == loaded.contacts + 1
        stale = s.exec(
            select(Organization.id).where(
                Organization.last_engagement_on.is_distinct_from(latest_engagement_date())
            )
        ).all()
        assert stale == []
        assert s.exec(select(Organization).where(Organization.last_engagement_on != None)).first()  # noqa: E711
        org = s.exec(select(Organization).order_by(Organization.id)).first()
        assert org.id in [
            hit.id for hit in search(s, org.name, viewer=SYSTEM_ACTOR)["organization"]
        ]
    with store.session(engine) as s:  # the triggers are back: a rename is found at once
        update_organization(s, SYSTEM_ACTOR, org.id, {"name": "Zarghoona Welfare Circle"})
    with Session(engine) as s:
        assert [hit.id for hit in search(s, "Zarghoo", viewer=SYSTEM_ACTOR)["organization"]] == [
            org.id
        ]


def test_the_bulk_load_refuses_a_database_with_records(engine, loaded):
    with pytest.raises(DatabaseNotEmpty):
        demo_large.load_large_demo(engine)


def test_the_registry_is_skewed_like_the_real_thing(engine, loaded):
    with Session(engine) as s:
        quiet_recently = s.exec(
            select(func.count())
            .select_from(Organization)
            .where(
                Organization.status.in_(["dormant", "closed"]),
                Organization.last_engagement_on >= clock.today() - timedelta(days=365),
            )
        ).one()
        by_status = dict(
            s.exec(
                text(
                    "SELECT o.status, count(*) FROM engagement_organization eo "
                    "JOIN organization o ON o.id = eo.organization_id GROUP BY o.status"
                )
            ).all()
        )
        top_tenth = s.exec(
            text(
                "SELECT sum(n) FROM (SELECT count(*) AS n FROM engagement_organization "
                "GROUP BY organization_id ORDER BY n DESC LIMIT 12) AS busiest"
            )
        ).one()[0]
    assert quiet_recently == 0  # dormant and closed organizations are quiet this year
    assert by_status["active"] > 0.8 * sum(by_status.values())
    assert top_tenth > 0.4 * sum(by_status.values())  # a few hold most engagements
