"""Global search: both scripts, prefixes, diacritics, ranking, and an index that the
triggers keep in sync with every change."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import Session

from db import store
from db.foundations import clock
from db.foundations.actor import SYSTEM_ACTOR
from db.queries.search import _search_like, fts_query, search
from db.store.contacts import create_contact, update_contact
from db.store.engagements import log_engagement
from db.store.organizations import (
    archive_organization,
    create_organization,
    restore_organization,
    update_organization,
)
from db.store.programs import create_program


def _ids(engine, typed, kind, **options):
    with Session(engine) as s:
        return [hit.id for hit in search(s, typed, viewer=SYSTEM_ACTOR, **options)[kind]]


@pytest.fixture
def records(engine, officer):
    with store.session(engine) as s:
        org = create_organization(
            s,
            officer,
            {
                "name": "Association of Physicians of Pakistani Descent of North America",
                "acronym": "APPNA",
                "kind": "professional",
                "city": "Westmont",
            },
        )
        cafe = create_organization(
            s, officer, {"name": "Café Ümit Friends of Lahore", "kind": "cultural"}
        )
        person = create_contact(
            s,
            officer,
            {
                "given_name": "Ayesha",
                "family_name": "Qureshi",
                "name_urdu": "عائشہ قریشی",
                "email": "ayesha.q@example.org",
            },
        )
        engagement = log_engagement(
            s,
            officer,
            {
                "date": clock.today(),
                "kind": "meeting",
                "organization_ids": [org],
                "subject": "Roshan Digital Account briefing",
                "summary": "Remittance channels",
            },
        )
        program = create_program(
            s, officer, {"name": "Lahore Literary Festival New York", "kind": "cultural_festival"}
        )
    return {
        "org": org,
        "cafe": cafe,
        "person": person,
        "engagement": engagement,
        "program": program,
    }


def test_query_words_become_prefixes():
    assert fts_query("  roshan  DIG ") == '"roshan"* "DIG"*'
    assert fts_query('"*()') is None
    assert fts_query("Pak-A with OPEN") == '"Pak"* "OPEN"*'
    assert fts_query("with") == '"with"*'


def test_prefixes_case_and_grouping(engine, records):
    assert _ids(engine, "app", "organization") == [records["org"]]
    assert _ids(engine, "physic pakist", "organization") == [records["org"]]
    assert _ids(engine, "ROSHAN dig", "engagement") == [records["engagement"]]
    assert _ids(engine, "lahore", "program") == [records["program"]]
    with Session(engine) as s:
        grouped = search(s, "lahore", viewer=SYSTEM_ACTOR)
    assert [h.id for h in grouped["organization"]] == [records["cafe"]]
    assert [h.id for h in grouped["program"]] == [records["program"]]


def test_diacritics_and_both_scripts(engine, records):
    assert _ids(engine, "cafe umit", "organization") == [records["cafe"]]
    assert _ids(engine, "Qureshi", "contact") == [records["person"]]
    assert _ids(engine, "عائشہ", "contact") == [records["person"]]
    assert _ids(engine, "قریشی", "contact") == [records["person"]]
    assert _ids(engine, "ayesha.q@example", "contact") == [records["person"]]


def test_bm25_ranks_name_matches_above_summary_mentions(engine, officer, records):
    with store.session(engine) as s:
        log_engagement(
            s,
            officer,
            {
                "date": clock.today(),
                "kind": "call",
                "organization_ids": [records["org"]],
                "subject": "Quarterly call",
                "summary": "Asked about Roshan accounts",
            },
        )
    hits = _ids(engine, "roshan", "engagement")
    assert hits[0] == records["engagement"] and len(hits) == 2


def test_changes_are_found_at_once(engine, officer, records):
    with store.session(engine) as s:
        update_organization(s, officer, records["org"], {"name": "Physicians Forum Houston"})
        update_contact(s, officer, records["person"], {"family_name": "Siddiqui"})
    assert _ids(engine, "forum hou", "organization") == [records["org"]]
    assert _ids(engine, "descent", "organization") == []
    assert _ids(engine, "siddiqui", "contact") == [records["person"]]
    assert _ids(engine, "qureshi", "contact") == []


def test_archived_records_are_hidden_unless_asked_for(engine, officer, records):
    with store.session(engine) as s:
        archive_organization(s, officer, records["cafe"])
    assert _ids(engine, "cafe", "organization") == []
    assert _ids(engine, "cafe", "organization", include_archived=True) == [records["cafe"]]
    with store.session(engine) as s:
        restore_organization(s, officer, records["cafe"])
    assert _ids(engine, "cafe", "organization") == [records["cafe"]]


@pytest.mark.sqlite_only(
    "FTS5 keeps its index beside the rows; PostgreSQL's vector is a column of the row"
)
def test_deleted_rows_leave_the_index(engine, records):
    with Session(engine) as s:
        s.connection().execute(
            text("DELETE FROM program WHERE id = :id"), {"id": records["program"]}
        )
        s.commit()
        leftover = (
            s.connection()
            .execute(text("SELECT count(*) FROM program_fts WHERE program_fts MATCH 'lahore'"))
            .scalar()
        )
        s.connection().execute(
            text("INSERT INTO program_fts(program_fts, rank) VALUES ('integrity-check', 1)")
        )
    assert leftover == 0


def test_like_fallback_finds_the_same_records(engine, records):
    with Session(engine) as s:
        found = _search_like(s, "appna", SYSTEM_ACTOR, 8, False)
        people = _search_like(s, "ayesha", SYSTEM_ACTOR, 8, False)
    assert [h.id for h in found["organization"]] == [records["org"]]
    assert [h.id for h in people["contact"]] == [records["person"]]


SAME_ON_BOTH = [
    "appna",
    "roshan dig",
    "khan",
    "houston",
    "عائشہ",
    "قریشی",
    "physicians of",
    "flood",
]


def test_both_engines_find_the_same_records_with_the_same_titles(demo_path, pg_databases):
    from db.database_file.migrate import open_database
    from db.queries.search import MATCH_CAP

    engines = [
        open_database(str(demo_path)).engine,
        open_database(pg_databases.fresh("demo")).engine,
    ]
    try:
        for typed in SAME_ON_BOTH:
            found = []
            for engine in engines:
                with Session(engine) as s:
                    hits = search(s, typed, viewer=SYSTEM_ACTOR, limit_per_kind=MATCH_CAP)
                found.append(
                    {
                        kind: sorted((h.id, h.title, h.detail) for h in shown)
                        for kind, shown in hits.items()
                    }
                )
            assert found[0] == found[1], typed
            assert any(found[0].values()), typed  # each query finds something
    finally:
        for engine in engines:
            engine.dispose()


def test_counts_say_how_many_match_beyond_those_listed(demo_engine):
    from db.queries.engagements import EngagementFilter, count_engagements
    from db.queries.organizations import OrganizationFilter, count_organizations
    from db.queries.search import HitCount, count_matches

    with Session(demo_engine) as s:
        for word in ("Houston", "welfare", "association"):
            counts = count_matches(s, word, viewer=SYSTEM_ACTOR)
            listed = search(s, word, viewer=SYSTEM_ACTOR)
            assert counts["engagement"].total == count_engagements(
                s, EngagementFilter(viewer=SYSTEM_ACTOR, text=word)
            )
            assert counts["organization"].total == count_organizations(
                s, OrganizationFilter(viewer=SYSTEM_ACTOR, text=word)
            )
            for kind, hits in listed.items():
                assert counts[kind].total >= len(hits)
    assert HitCount(34).of(8) == "8 of 34" and HitCount(3).of(3) == "3"
    assert HitCount(480, more=True).of(8) == "8 of more than 480"
