"""An event's guest list: invited one by one or through their organizations, replies
and companions, check-in at the door by code or by name in either script, a second scan,
another event's code, walk-ins as new contacts, and what the list says about people
nothing may be sent to; refusals in sentences that change nothing."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from db import store
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.errors import PermissionDenied, StaleRecord, ValidationError
from db.foundations.models import AuditEntry, Contact, EventGuest
from db.queries.guests import event_summary, guest_at_the_door, guest_list
from db.store.contacts import create_contact
from db.store.guests import (
    add_walk_in,
    check_in,
    invite_guests,
    remove_guest,
    set_guest_reply,
)
from db.store.merges import merge_contacts, undo_merge
from db.store.organizations import create_organization
from db.store.programs import add_event, archive_program, create_program, restore_program


@pytest.fixture
def event(engine, geography, officer):
    """A Houston program's Pakistan Day reception, and the people to invite."""
    with store.session(engine) as s:
        society = create_organization(
            s, officer, {"name": "Houston Urdu Society", "kind": "cultural", "region_code": "US-TX"}
        )
        people = {
            "sana": create_contact(
                s,
                officer,
                {
                    "given_name": "Sana",
                    "family_name": "Qureshi",
                    "name_urdu": "ثنا قریشی",
                    "email": "sana@example.org",
                    "affiliations": [{"organization_id": society, "is_primary": True}],
                },
            ),
            "bilal": create_contact(
                s,
                officer,
                {
                    "given_name": "Bilal",
                    "family_name": "Chaudhry",
                    "email": "bilal@example.org",
                    "affiliations": [{"organization_id": society}],
                },
            ),
            "omar": create_contact(
                s,
                officer,
                {
                    "given_name": "Omar",
                    "family_name": "Farooq",
                    "email": "omar@example.org",
                    "do_not_contact": True,
                },
            ),
            "ayesha": create_contact(
                s, officer, {"given_name": "Ayesha", "family_name": "Qureshi", "consent": "refused"}
            ),
        }
        program = create_program(
            s,
            officer,
            {
                "name": "Pakistan Day 2027",
                "kind": "cultural_festival",
                "lead_mission_id": geography["HOU"],
            },
        )
        reception = add_event(
            s, officer, program, {"date": "2026-12-20", "title": "Pakistan Day reception"}
        )
        other = add_event(s, officer, program, {"date": "2026-12-21", "title": "Youth mela"})
    return {"id": reception, "other": other, "program": program, "society": society, **people}


def _rows(engine, officer, event_id):
    with Session(engine) as s:
        return {row.name: row for row in guest_list(s, officer, event_id)}


def test_people_are_invited_one_by_one_and_through_their_organizations_once(engine, officer, event):
    with store.session(engine) as s:
        first = invite_guests(s, officer, event["id"], organization_ids=[event["society"]])
        again = invite_guests(
            s, officer, event["id"], contact_ids=[event["sana"], event["omar"], event["ayesha"]]
        )
    assert first == sorted([event["sana"], event["bilal"]])
    assert again == sorted([event["omar"], event["ayesha"]])  # Sana was on the list
    rows = _rows(engine, officer, event["id"])
    assert rows["Sana Qureshi"].organization == "Houston Urdu Society"
    assert rows["Sana Qureshi"].email == "sana@example.org"
    assert rows["Sana Qureshi"].code.startswith("RABTA-G-")
    # on the list, never sent anything, and the list says why
    assert (rows["Omar Farooq"].not_sent, rows["Omar Farooq"].email) == (
        "asked not to be contacted",
        "",
    )
    assert rows["Ayesha Qureshi"].not_sent == "refused consent"
    with Session(engine) as s:
        invited = s.exec(select(AuditEntry).where(AuditEntry.action == "invite")).all()
        summary = event_summary(s, event["id"])
    assert len(invited) == 2 and summary.by_status["invited"] == 4 and summary.came == 0


def test_replies_and_companions_are_kept_and_counted(engine, officer, event):
    with store.session(engine) as s:
        invite_guests(s, officer, event["id"], contact_ids=[event["sana"], event["bilal"]])
    rows = _rows(engine, officer, event["id"])
    with store.session(engine) as s:
        set_guest_reply(
            s, officer, rows["Sana Qureshi"].id, {"status": "accepted", "companions": 2}
        )
        set_guest_reply(s, officer, rows["Bilal Chaudhry"].id, {"status": "declined"})
    with Session(engine) as s:
        summary = event_summary(s, event["id"])
    assert (summary.by_status["accepted"], summary.by_status["declined"]) == (1, 1)
    # a reply saved over a newer one is refused, naming who saved it
    with pytest.raises(StaleRecord), store.session(engine) as s:
        set_guest_reply(s, officer, rows["Sana Qureshi"].id, {"status": "tentative", "version": 1})
    for bad, field in (
        ({"status": "maybe"}, "status"),
        ({"status": "attended"}, "status"),
        ({"companions": -1}, "companions"),
        ({"companions": 500}, "companions"),
    ):
        with pytest.raises(ValidationError) as refused, store.session(engine) as s:
            set_guest_reply(s, officer, rows["Sana Qureshi"].id, bad)
        assert field in refused.value.errors
    assert _rows(engine, officer, event["id"])["Sana Qureshi"].status == "accepted"


def test_the_door_checks_in_by_code_and_by_name_in_either_script(engine, officer, event):
    with store.session(engine) as s:
        invite_guests(
            s, officer, event["id"], contact_ids=[event["sana"], event["bilal"], event["ayesha"]]
        )
        invite_guests(s, officer, event["other"], contact_ids=[event["omar"]])
    rows = _rows(engine, officer, event["id"])
    with Session(engine) as s:
        by_code = guest_at_the_door(s, event["id"], rows["Bilal Chaudhry"].code + "\n")
        by_urdu = guest_at_the_door(s, event["id"], "ثنا قریشی")
        by_spelling = guest_at_the_door(s, event["id"], "bilal chaudhary")
        by_start = guest_at_the_door(s, event["id"], "Sana Q")
    assert by_code == by_spelling == rows["Bilal Chaudhry"].id
    assert by_urdu == by_start == rows["Sana Qureshi"].id
    with store.session(engine) as s:
        first = check_in(s, officer, by_code)
    with store.session(engine) as s:
        second = check_in(s, officer, by_code)
    assert not first.already and second.already and second.at == first.at
    assert _rows(engine, officer, event["id"])["Bilal Chaudhry"].status == "attended"
    other_code = _rows(engine, officer, event["other"])["Omar Farooq"].code
    for typed, said in (
        (other_code, "This code is for Youth mela on 21 December 2026, not this event."),
        ("RABTA-G-ZZZZ2222", "No guest has the code RABTA-G-ZZZZ2222."),
        ("Qureshi", "2 guests match “Qureshi”: Ayesha Qureshi, Sana Qureshi. Type more"),
        ("Imran Khan", "No guest of this event is called “Imran Khan”; add them as a walk-in."),
        ("  ", "Type a name or scan a code."),
    ):
        with pytest.raises(ValidationError) as refused, Session(engine) as s:
            guest_at_the_door(s, event["id"], typed)
        assert refused.value.errors["typed"].startswith(said)


def test_a_walk_in_becomes_a_contact_and_counts(engine, officer, event):
    with store.session(engine) as s:
        invite_guests(s, officer, event["id"], contact_ids=[event["sana"]])
    rows = _rows(engine, officer, event["id"])
    with store.session(engine) as s:
        set_guest_reply(s, officer, rows["Sana Qureshi"].id, {"companions": 1})
        check_in(s, officer, rows["Sana Qureshi"].id)
        walked = add_walk_in(
            s,
            officer,
            event["id"],
            {
                "given_name": "Hina",
                "family_name": "Malik",
                "phone": "+1 713 555 0100",
                "consent": True,
            },
        )
    with Session(engine) as s:
        summary = event_summary(s, event["id"])
        contact = s.exec(select(Contact).where(Contact.given_name == "Hina")).one()
    assert walked.name == "Hina Malik" and not walked.already
    assert (summary.by_status["walk_in"], summary.by_status["attended"], summary.came) == (1, 1, 3)
    assert contact.consent == "granted" and "Pakistan Day reception" in contact.consent_source
    before = _rows(engine, officer, event["id"])
    for bad, field in (
        ({"given_name": "Nameless", "consent": True}, "email"),
        ({"given_name": "Hamid", "email": "hamid@example.org"}, "consent"),
        ({"given_name": "", "email": "x@example.org", "consent": False}, "given_name"),
    ):
        with pytest.raises(ValidationError) as refused, store.session(engine) as s:
            add_walk_in(s, officer, event["id"], bad)
        assert field in refused.value.errors
    assert _rows(engine, officer, event["id"]) == before
    with pytest.raises(ValidationError, match="has come to the event"), store.session(engine) as s:
        remove_guest(s, officer, walked.guest_id)


def test_who_may_change_a_guest_list(engine, officer, viewer, event, geography):
    from tests.conftest import _actor

    new_york = _actor(engine, "ny.officer", "officer", geography["NYC"])
    for someone, refusal in ((viewer, PermissionDenied), (new_york, PermissionDenied)):
        with pytest.raises(refusal), store.session(engine) as s:
            invite_guests(s, someone, event["id"], contact_ids=[event["sana"]])
    with store.session(engine) as s:
        archive_program(s, officer, event["program"])
    with pytest.raises(ValidationError, match="archived"), store.session(engine) as s:
        invite_guests(s, officer, event["id"], contact_ids=[event["sana"]])
    with store.session(engine) as s:
        restore_program(s, officer, event["program"])
    with (
        pytest.raises(ValidationError, match="No contact has the id 999999"),
        store.session(engine) as s,
    ):
        invite_guests(s, SYSTEM_ACTOR, event["other"], contact_ids=[event["sana"], 999999])
    with Session(engine) as s:
        assert s.exec(select(EventGuest)).all() == []


def test_a_merge_moves_a_place_on_the_list_and_its_undo_puts_it_back(engine, officer, event):
    with store.session(engine) as s:
        twin = create_contact(s, officer, {"given_name": "Sana", "family_name": "Qureshy"})
        invite_guests(s, officer, event["id"], contact_ids=[twin])
    with store.session(engine) as s:
        merged = merge_contacts(s, officer, event["sana"], twin, {})
    assert set(_rows(engine, officer, event["id"])) == {"Sana Qureshi"}
    with store.session(engine) as s:
        undo_merge(s, officer, merged.merge_id)
    with Session(engine) as s:
        (guest,) = s.exec(select(EventGuest)).all()
    assert guest.contact_id == twin


def test_logging_the_event_names_who_came_once(engine, officer, event):
    from db.foundations.models import Engagement, ProgramEvent
    from db.rules.rows import linked_ids
    from db.store.guests import log_event

    with (
        pytest.raises(ValidationError, match="No one has been checked in"),
        store.session(engine) as s,
    ):
        log_event(s, officer, event["id"])
    with store.session(engine) as s:
        invite_guests(s, officer, event["id"], contact_ids=[event["sana"], event["bilal"]])
    rows = _rows(engine, officer, event["id"])
    with store.session(engine) as s:
        set_guest_reply(s, officer, rows["Sana Qureshi"].id, {"companions": 2})
        check_in(s, officer, rows["Sana Qureshi"].id)
        add_walk_in(
            s,
            officer,
            event["id"],
            {"given_name": "Hina", "email": "h@example.org", "consent": False},
        )
    with store.session(engine) as s:
        logged = log_event(s, officer, event["id"])
    with Session(engine) as s:
        engagement = s.get(Engagement, logged)
        organizations, contacts = linked_ids(s, logged)
        shown = s.get(ProgramEvent, event["id"])
        hina = s.exec(select(Contact.id).where(Contact.given_name == "Hina")).one()
    assert (engagement.kind, engagement.subject, engagement.date.isoformat()) == (
        "event",
        "Pakistan Day reception",
        "2026-12-20",
    )
    assert contacts == sorted([event["sana"], hina])  # Bilal did not come
    assert organizations == [event["society"]]
    assert "2 guests came (1 without an invitation), 4 people" in engagement.summary
    assert (shown.engagement_id, shown.attendance) == (logged, 4)
    with (
        pytest.raises(ValidationError, match=f"logged already, as engagement {logged}"),
        store.session(engine) as s,
    ):
        log_event(s, officer, event["id"])


def test_the_door_keeps_checking_in_while_another_window_writes(engine, officer, event):
    """Another window writes engagements to the same file the whole time; every check-in
    lands, and so does every one of its writes."""
    import threading

    from db.database_file.migrate import open_database
    from db.foundations.models import Engagement
    from db.store.engagements import log_engagement

    with store.session(engine) as s:
        people = [
            create_contact(s, officer, {"given_name": f"Guest{n}", "family_name": "Door"})
            for n in range(20)
        ]
        invite_guests(s, officer, event["id"], contact_ids=people)
    guests = [row.id for row in _rows(engine, officer, event["id"]).values()]
    stop, written = threading.Event(), []

    url = engine.url
    location = url.database if url.get_backend_name() == "sqlite" else url.render_as_string(False)
    elsewhere = open_database(location).engine  # the other window's own connections

    def other_window() -> None:
        while not stop.is_set():
            with store.session(elsewhere) as s:
                written.append(
                    log_engagement(
                        s,
                        officer,
                        {
                            "date": "2026-12-01",
                            "kind": "call",
                            "subject": "Meanwhile",
                            "contact_ids": [people[0]],
                        },
                    )
                )

    writer = threading.Thread(target=other_window)
    writer.start()
    try:
        for guest_id in guests:
            with store.session(engine) as s:
                check_in(s, officer, guest_id)
    finally:
        stop.set()
        writer.join()
        elsewhere.dispose()
    with Session(engine) as s:
        summary = event_summary(s, event["id"])
        kept = s.exec(select(Engagement.id).where(Engagement.subject == "Meanwhile")).all()
    assert summary.by_status["attended"] == len(guests) == 20
    assert sorted(kept) == sorted(written) and written
