"""Engagements and follow-ups through the store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from db import store
from db.foundations import clock
from db.foundations.actor import SYSTEM_ACTOR, Actor
from db.foundations.errors import ValidationError
from db.foundations.models import AuditEntry, Engagement, Organization
from db.queries.details import engagement_detail
from db.queries.engagements import open_follow_ups
from db.rules.rows import linked_ids
from db.store.contacts import add_affiliation, create_contact, update_contact
from db.store.engagements import (
    archive_engagement,
    complete_follow_up,
    log_engagement,
    reopen_follow_up,
    restore_engagement,
    update_engagement,
)
from db.store.organizations import create_organization
from db.store.users import create_user

# Figures of a quarter: run again pinned to the days quarters and years turn (make test).
pytestmark = pytest.mark.calendar


@pytest.fixture
def people(engine, officer):
    with store.session(engine) as s:
        org = create_organization(
            s, officer, {"name": "OPEN Houston", "kind": "business", "region_code": "US-TX"}
        )
        willing = create_contact(s, officer, {"given_name": "Hamza", "family_name": "Malik"})
        refusing = create_contact(
            s, officer, {"given_name": "Zara", "family_name": "Sheikh", "do_not_contact": True}
        )
    return {"org": org, "willing": willing, "refusing": refusing}


def _log(engine, actor, **values):
    values = {
        "date": clock.today(),
        "kind": "meeting",
        "subject": "Roshan Digital briefing",
        **values,
    }
    with store.session(engine) as s:
        return log_engagement(s, actor, values)


def test_log_defaults_mission_and_officer_and_links(engine, officer, people, geography):
    engagement_id = _log(
        engine,
        officer,
        organization_ids=[people["org"]],
        contact_ids=[people["willing"]],
        mechanism="capital_markets",
    )
    with Session(engine) as s:
        engagement = s.get(Engagement, engagement_id)
        assert engagement.mission_id == geography["HOU"]
        assert engagement.officer_id == officer.id
        assert engagement.sensitivity == "normal"
        assert linked_ids(s, engagement_id) == ([people["org"]], [people["willing"]])


def test_mission_follows_the_contact_when_the_officer_has_none(engine, officer, people, geography):
    """An administrator of the commission belongs to no mission; an engagement with a
    person alone takes the mission of their organization, else of where they live."""
    with store.session(engine) as s:
        add_affiliation(s, officer, people["willing"], {"organization_id": people["org"]})
        new_yorker = create_contact(
            s,
            SYSTEM_ACTOR,
            {"given_name": "Nadia", "family_name": "Qureshi", "region_code": "US-NY"},
        )
    by_organization = _log(engine, SYSTEM_ACTOR, contact_ids=[people["willing"]])
    by_residence = _log(engine, SYSTEM_ACTOR, contact_ids=[new_yorker])
    with Session(engine) as s:
        assert s.get(Engagement, by_organization).mission_id == geography["HOU"]
        assert s.get(Engagement, by_residence).mission_id == geography["NYC"]
    with pytest.raises(ValidationError, match="Choose the mission"):
        _log(engine, SYSTEM_ACTOR, contact_ids=[people["refusing"]], kind="meeting")


def test_refusals_write_nothing(engine, officer, people):
    too_late = clock.today() + timedelta(days=400)
    with pytest.raises(ValidationError) as refused:
        _log(
            engine,
            officer,
            date=too_late,
            kind="telegram",
            subject="",
            follow_up_date="1989-01-01",
            organization_ids=[12345],
        )
    assert set(refused.value.errors) == {
        "date",
        "kind",
        "subject",
        "follow_up_date",
        "organization_ids",
    }
    with pytest.raises(ValidationError, match="at least one organization or contact"):
        _log(engine, officer)
    with pytest.raises(ValidationError, match="before the engagement"):
        _log(
            engine,
            officer,
            organization_ids=[people["org"]],
            follow_up_date=clock.today() - timedelta(days=1),
        )
    with Session(engine) as s:
        assert s.exec(select(Engagement)).all() == []


def test_do_not_contact_is_honoured_for_outreach_only(engine, officer, people):
    with pytest.raises(ValidationError, match="asked not to be contacted"):
        _log(engine, officer, kind="call", contact_ids=[people["refusing"]])
    assert _log(engine, officer, kind="event", contact_ids=[people["refusing"]])


def test_do_not_contact_holds_when_a_meeting_becomes_a_call(engine, officer, people):
    meeting = _log(engine, officer, kind="meeting", contact_ids=[people["refusing"]])
    for change in ({"kind": "call"}, {"kind": "email", "subject": "Follow-up letter"}):
        refused = pytest.raises(ValidationError, match="asked not to be contacted")
        with refused, store.session(engine) as s:
            update_engagement(s, officer, meeting, change)
    call = _log(engine, officer, kind="call", contact_ids=[people["willing"]])
    refused = pytest.raises(ValidationError, match="asked not to be contacted")
    with refused, store.session(engine) as s:
        update_engagement(s, officer, call, {"contact_ids": [people["refusing"]]})
    with Session(engine) as s:
        assert s.get(Engagement, meeting).kind == "meeting"
        assert linked_ids(s, call)[1] == [people["willing"]]
    # A call logged before the person said no keeps its history editable.
    with store.session(engine) as s:
        update_contact(s, officer, people["willing"], {"do_not_contact": True})
    with store.session(engine) as s:
        update_engagement(s, officer, call, {"outcome": "They asked not to be called again."})


def test_follow_up_done_and_reopened(engine, officer, people):
    engagement_id = _log(
        engine,
        officer,
        organization_ids=[people["org"]],
        follow_up_date=clock.today() + timedelta(days=14),
    )
    with store.session(engine) as s:
        assert complete_follow_up(s, officer, engagement_id)
        assert not complete_follow_up(s, officer, engagement_id)
    with Session(engine) as s:
        assert s.get(Engagement, engagement_id).follow_up_done_at is not None
    with store.session(engine) as s:
        assert reopen_follow_up(s, officer, engagement_id)
    plain = _log(engine, officer, organization_ids=[people["org"]])
    with pytest.raises(ValidationError, match="no follow-up"), store.session(engine) as s:
        complete_follow_up(s, officer, plain)


def test_a_follow_up_done_keeps_what_came_of_it_until_reopened(engine, officer, people):
    engagement_id = _log(
        engine, officer, organization_ids=[people["org"]], follow_up_date=clock.today()
    )
    with pytest.raises(ValidationError, match="outcome"), store.session(engine) as s:
        complete_follow_up(s, officer, engagement_id, note="x" * 2001)
    with Session(engine) as s:
        assert s.get(Engagement, engagement_id).follow_up_done_at is None  # left as it was
    with store.session(engine) as s:
        assert complete_follow_up(s, officer, engagement_id, note="  Letter sent to the mayor ")
    with Session(engine) as s:
        assert s.get(Engagement, engagement_id).follow_up_note == "Letter sent to the mayor"
        shown = engagement_detail(s, officer, engagement_id, clock.today())
        assert "Letter sent" in shown.follow_up
        entry = s.exec(
            select(AuditEntry)
            .where(AuditEntry.action == "complete_follow_up")
            .order_by(col(AuditEntry.id).desc())
        ).first()
        assert "Letter sent to the mayor" in entry.changes
    with store.session(engine) as s:
        assert reopen_follow_up(s, officer, engagement_id)
    with Session(engine) as s:
        assert s.get(Engagement, engagement_id).follow_up_note == ""


def test_update_links_and_audit(engine, officer, people):
    engagement_id = _log(engine, officer, organization_ids=[people["org"]])
    with store.session(engine) as s:
        update_engagement(
            s,
            officer,
            engagement_id,
            {"contact_ids": [people["willing"]], "outcome": "Agreed a webinar"},
        )
    with pytest.raises(ValidationError), store.session(engine) as s:
        update_engagement(s, officer, engagement_id, {"organization_ids": [], "contact_ids": []})
    with store.session(engine) as s:
        archive_engagement(s, officer, engagement_id)
        restore_engagement(s, officer, engagement_id)
    with Session(engine) as s:
        assert linked_ids(s, engagement_id) == ([people["org"]], [people["willing"]])
        actions = s.exec(
            select(AuditEntry.action)
            .where(AuditEntry.entity_type == "engagement")
            .order_by(AuditEntry.id)
        ).all()
    assert actions == ["create", "update", "archive", "restore"]


def test_open_follow_ups_list_own_first_then_by_due_date_with_true_counts(
    engine, officer, people, geography
):
    with store.session(engine) as s:
        colleague_id = create_user(
            s,
            SYSTEM_ACTOR,
            {
                "username": "colleague",
                "display_name": "Colleague",
                "role": "officer",
                "mission_id": geography["HOU"],
            },
        )
    colleague = Actor(id=colleague_id, username="colleague", role="officer")
    today = clock.today()

    def due(actor, days, **values):
        return _log(
            engine,
            actor,
            organization_ids=[people["org"]],
            date=today - timedelta(days=30),
            follow_up_date=today + timedelta(days=days),
            **values,
        )

    mine_later, mine_overdue = due(officer, 10), due(officer, -2)
    theirs_overdue, theirs_soon = due(colleague, -5), due(colleague, 3)
    done, archived = due(officer, 1), due(colleague, -1)
    _log(engine, officer, organization_ids=[people["org"]])  # no follow-up at all
    with store.session(engine) as s:
        complete_follow_up(s, officer, done)
        archive_engagement(s, colleague, archived)

    with Session(engine) as s:
        found = open_follow_ups(s, officer, today=today)
        capped = open_follow_ups(s, officer, today=today, limit=3)
        anyone = open_follow_ups(s, SYSTEM_ACTOR, today=today)
    assert [row.engagement_id for row in found.rows] == [
        mine_overdue,
        mine_later,
        theirs_overdue,
        theirs_soon,
    ]
    assert [row.overdue for row in found.rows] == [True, False, True, False]
    assert found.rows[0].organizations == "OPEN Houston"
    assert (found.total, found.overdue, found.mine) == (4, 2, 2)
    assert len(capped.rows) == 3 and capped.total == 4
    assert [row.engagement_id for row in anyone.rows] == [
        theirs_overdue,
        mine_overdue,
        theirs_soon,
        mine_later,
    ]
    assert anyone.mine == 0


def test_an_organizations_last_engagement_date_follows_every_write(engine, officer, people):
    other = people["org"]
    with store.session(engine) as s:
        second = create_organization(
            s, officer, {"name": "Pakistani Doctors of Katy", "kind": "professional"}
        )

    def last(org_id):
        with Session(engine) as s:
            return s.get(Organization, org_id).last_engagement_on

    today = clock.today()
    assert last(other) is None
    older = _log(engine, officer, organization_ids=[other], date=today - timedelta(days=40))
    assert last(other) == today - timedelta(days=40)
    newest = _log(engine, officer, organization_ids=[other], date=today - timedelta(days=3))
    assert last(other) == today - timedelta(days=3)
    _log(engine, officer, organization_ids=[other], date=today - timedelta(days=90))
    assert last(other) == today - timedelta(days=3)  # an older one changes nothing

    with store.session(engine) as s:
        archive_engagement(s, officer, newest)
    assert last(other) == today - timedelta(days=40)
    with store.session(engine) as s:
        restore_engagement(s, officer, newest)
    assert last(other) == today - timedelta(days=3)

    with store.session(engine) as s:  # moved to the other organization
        update_engagement(s, officer, newest, {"organization_ids": [second]})
    assert (last(other), last(second)) == (today - timedelta(days=40), today - timedelta(days=3))
    with store.session(engine) as s:  # redated
        update_engagement(s, officer, older, {"date": today - timedelta(days=1)})
    assert last(other) == today - timedelta(days=1)


def test_the_lists_organizations_are_named_in_order_on_either_engine(engine, officer):
    from db.queries.engagements import EngagementFilter, engagement_page

    with store.session(engine) as s:
        zeta = create_organization(s, officer, {"name": "Zeta Circle", "kind": "cultural"})
        alpha = create_organization(s, officer, {"name": "Alpha Forum", "kind": "cultural"})
        log_engagement(
            s,
            officer,
            {
                "date": clock.today(),
                "kind": "meeting",
                "subject": "Joint iftar",
                "organization_ids": [zeta, alpha],
            },
        )
    with Session(engine) as s:
        [row] = engagement_page(s, EngagementFilter(viewer=officer))
    assert row.organizations == "Alpha Forum, Zeta Circle"
