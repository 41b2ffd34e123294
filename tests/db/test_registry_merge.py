"""Records brought into a registry that already holds some: an office's laptop file and
the commission's server, each worked on after the first copy, brought together both
ways by uid; newer copies win, nothing is duplicated, look-alikes wait for a person,
and the target's audit chain says where each record came from."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from db import store
from db.database_file.migrate import open_database
from db.foundations import clock
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.engine import shown_location
from db.foundations.models import Engagement, Organization
from db.queries.audit import verify_audit_chain
from db.queries.search import search
from db.registry_sync.copy import copy_registry, registry_tables, table_digest
from db.registry_sync.merge import MATCHING, NOT_BROUGHT, LookAlikesFound, bring_into
from db.store.engagements import log_engagement
from db.store.organizations import create_organization, update_organization

REFERENCE_SKIP = {"id", "version", "merged_into_id"}


def _by_uid(engine: Engine, table_name: str) -> dict[str, dict]:
    """A uid table's rows keyed by uid, with ids of other records given as their uids."""
    tables = {t.name: t for t in registry_tables()}
    table = tables[table_name]
    with engine.connect() as c:
        uid_of = {}
        for fk in table.foreign_keys:
            other = fk.column.table
            if fk.column.name == "id" and "uid" in other.columns:
                uid_of[fk.parent.name] = dict(c.execute(select(other.c.id, other.c.uid)).all())
        rows = {}
        for row in c.execute(select(table)).mappings():
            values = {
                k: (uid_of[k].get(v) if k in uid_of else v)
                for k, v in row.items()
                if k not in REFERENCE_SKIP
            }
            rows[row["uid"]] = values
    return rows


def _engine(location: str) -> Engine:
    return open_database(location).engine


def _bring(source: Engine, target: Engine, **options):
    return bring_into(
        source,
        target,
        shown_location(str(target.url)),
        source_shown="the laptop",
        username="admin",
        **options,
    )


def _live_organizations(engine: Engine, count: int) -> list[int]:
    with Session(engine) as s:
        ids = select(Organization.id).where(Organization.archived_at.is_(None))
        return list(s.exec(ids.order_by(Organization.id).limit(count)))


def test_every_table_is_either_brought_or_said_why_not():
    names = {t.name for t in registry_tables()}
    assert names == set(MATCHING) | set(NOT_BROUGHT)


def test_laptop_and_server_worked_apart_come_together_both_ways(demo_path, pg_databases):
    server_url = pg_databases.blank()
    laptop = _engine(str(demo_path))
    copy_registry(SYSTEM_ACTOR, laptop, server_url)
    server = _engine(server_url)
    try:
        # Offline on the laptop: a new organization, an edit, and an engagement with an
        # organization the server has too.
        first, second = _live_organizations(laptop, 2)
        with store.session(laptop) as s:
            new_id = create_organization(
                s, SYSTEM_ACTOR, {"name": "Gilgit Circle of Houston", "kind": "cultural"}
            )
            update_organization(s, SYSTEM_ACTOR, first, {"description": "Laptop words"})
            update_organization(s, SYSTEM_ACTOR, second, {"description": "Laptop, older"})
            log_engagement(
                s,
                SYSTEM_ACTOR,
                {
                    "date": clock.today(),
                    "kind": "meeting",
                    "subject": "Zakat drive planning",
                    "organization_ids": [first, new_id],
                },
            )
        # Meanwhile on the server, a later edit of the second organization.
        with store.session(server) as s:
            update_organization(s, SYSTEM_ACTOR, second, {"description": "Server, newer"})
        audit_before = table_digest(server, {t.name: t for t in registry_tables()}["audit_entry"])

        steps: list[str] = []
        brought = _bring(laptop, server, progress=steps.append)
        outcome = {t.name: t for t in brought.tables}
        assert outcome["organization"].added == 1
        assert outcome["organization"].updated == 1  # the first; the second is newer there
        assert outcome["engagement"].added == 1 and outcome["engagement"].updated == 0
        assert outcome["engagement_organization"].added == 2
        assert "Bringing engagement…" in steps

        with Session(server) as s:
            descriptions = dict(
                s.exec(
                    select(Organization.id, Organization.description).where(
                        Organization.id.in_([first, second])
                    )
                ).all()
            )
            assert descriptions == {first: "Laptop words", second: "Server, newer"}
            circle = s.exec(
                select(Organization).where(Organization.name == "Gilgit Circle of Houston")
            ).one()
            assert circle.last_engagement_on == clock.today()
            assert search(s, "zakat drive", viewer=SYSTEM_ACTOR)["engagement"]
            chain = verify_audit_chain(s, SYSTEM_ACTOR)
            assert chain.broken_at is None and chain.entries == audit_before[0] + 3
        # Nothing new the second time: every record is there and no newer.
        again = {t.name: t for t in _bring(laptop, server).tables}
        assert sum(t.added + t.updated for t in again.values()) == 0

        # Back to the laptop: the server's newer edit comes home, and then the two
        # registries hold the same records, field for field, by uid.
        back = {t.name: t for t in _bring(server, laptop).tables}
        assert back["organization"].updated == 1 and back["organization"].added == 0
        for name in ("organization", "contact", "engagement", "program", "indicator"):
            assert _by_uid(laptop, name) == _by_uid(server, name), name
    finally:
        server.dispose()
        laptop.dispose()


def test_look_alikes_wait_for_a_person_then_join(demo_path, pg_databases):
    server = _engine(pg_databases.fresh("demo"))  # loaded on its own: other uids, same names
    laptop = _engine(str(demo_path))
    try:
        digests = {t.name: table_digest(server, t) for t in registry_tables()}
        with pytest.raises(LookAlikesFound) as refused:
            _bring(laptop, server)
        kinds = {pair.table for pair in refused.value.pairs}
        assert {"organization", "program"} <= kinds
        assert all(pair.source.casefold() == pair.target.casefold() for pair in refused.value.pairs)
        assert {t.name: table_digest(server, t) for t in registry_tables()} == digests

        with Session(server) as s:
            organizations = s.exec(select(func.count()).select_from(Organization)).one()
            engagements = s.exec(select(func.count()).select_from(Engagement)).one()
        outcome = {t.name: t for t in _bring(laptop, server, join_alike=True).tables}
        assert outcome["organization"].added == 0
        assert outcome["organization"].joined == organizations
        with Session(server) as s:
            assert s.exec(select(func.count()).select_from(Organization)).one() == organizations
            assert (
                s.exec(select(func.count()).select_from(Engagement)).one()
                == engagements + outcome["engagement"].added
            )
            assert verify_audit_chain(s, SYSTEM_ACTOR).broken_at is None
    finally:
        server.dispose()
        laptop.dispose()


def test_the_same_acronym_with_a_name_alike_is_listed_too(demo_path, pg_databases):
    server_url = pg_databases.blank()
    laptop = _engine(str(demo_path))
    copy_registry(SYSTEM_ACTOR, laptop, server_url)
    server = _engine(server_url)
    try:
        with store.session(laptop) as s:  # typed again offline, a little differently
            create_organization(
                s,
                SYSTEM_ACTOR,
                {
                    "name": "Assoc. of Physicians of Pakistani Descent of North America",
                    "acronym": "appna",
                    "kind": "professional",
                },
            )
        with pytest.raises(LookAlikesFound) as refused:
            _bring(laptop, server)
        (pair,) = refused.value.pairs
        assert pair.table == "organization" and pair.target.endswith("(APPNA)")
        outcome = {t.name: t for t in _bring(laptop, server, join_alike=True).tables}
        assert outcome["organization"].joined == 1 and outcome["organization"].added == 0
    finally:
        server.dispose()
        laptop.dispose()
