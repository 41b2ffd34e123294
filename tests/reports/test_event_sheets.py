"""What is printed for an event's door: the sign-in sheet names every guest in both
scripts with blank rows for walk-ins; the badges carry QR codes that read back, from the
page rendered as an image, as exactly the guests' codes; both are read-outs."""

from __future__ import annotations

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader
from sqlmodel import Session, select

from db import store
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.errors import ValidationError
from db.foundations.models import AuditEntry, Contact
from db.queries.guests import guest_list
from db.store.guests import invite_guests
from db.store.programs import add_event, create_program
from reports.event_sheets import WALK_IN_ROWS
from reports.produce import produce_event_sheet


@pytest.fixture
def reception(demo_engine):
    with store.session(demo_engine) as s:
        people = list(
            s.exec(
                select(Contact.id).where(Contact.name_urdu != "").order_by(Contact.id).limit(11)
            ).all()
        )
        program = create_program(
            s, SYSTEM_ACTOR, {"name": "Pakistan Day 2027", "kind": "cultural_festival"}
        )
        event = add_event(
            s, SYSTEM_ACTOR, program, {"date": "2027-03-23", "title": "Pakistan Day reception"}
        )
        invite_guests(s, SYSTEM_ACTOR, event, contact_ids=people)
    with Session(demo_engine) as s:
        return event, guest_list(s, SYSTEM_ACTOR, event)


def test_the_sign_in_sheet_lists_every_guest_and_room_for_walk_ins(
    demo_engine, reception, tmp_path
):
    event, guests = reception
    produced = produce_event_sheet(demo_engine, SYSTEM_ACTOR, event, tmp_path / "sheet.pdf")
    words = "\n".join(page.extract_text() for page in PdfReader(produced.path).pages)
    for guest in guests:
        assert guest.name in words
    assert "Signature" in words and str(len(guests) + WALK_IN_ROWS) in words
    assert "Page 1 of" in words and "OFFICIAL" in words
    with Session(demo_engine) as s:
        noted = s.exec(
            select(AuditEntry).where(
                AuditEntry.action == "read_out", AuditEntry.entity_type == "sign_in_sheet"
            )
        ).all()
    assert len(noted) == 1


@pytest.mark.parametrize(("paper", "per_sheet"), [("a4", 8), ("letter", 10)])
def test_every_badge_carries_a_qr_code_that_reads_back_as_its_guest(
    demo_engine, reception, tmp_path, paper, per_sheet
):
    event, guests = reception
    produced = produce_event_sheet(
        demo_engine,
        SYSTEM_ACTOR,
        event,
        tmp_path / "badges.pdf",
        kind="badges",
        paper=paper,
        per_sheet=per_sheet,
    )
    assert produced.pages == -(-len(guests) // per_sheet)
    read = []
    document = pypdfium2.PdfDocument(str(produced.path))
    for page in document:
        image = page.render(scale=2).to_pil()
        read += [found.text for found in zxingcpp.read_barcodes(image)]
    document.close()
    assert sorted(read) == sorted(guest.code for guest in guests)
    words = "\n".join(page.extract_text() for page in PdfReader(produced.path).pages)
    assert all(guest.name in words for guest in guests)


def test_badges_on_a_paper_or_count_not_offered_are_refused(demo_engine, reception, tmp_path):
    event, _guests = reception
    for how in ({"paper": "a3"}, {"per_sheet": 12}):
        with pytest.raises(ValidationError, match="a4 or letter paper, 8 or 10"):
            produce_event_sheet(
                demo_engine, SYSTEM_ACTOR, event, tmp_path / "b.pdf", kind="badges", **how
            )
    assert not (tmp_path / "b.pdf").exists()


def test_the_guest_list_prints_by_status_and_says_whom_nothing_is_sent_to(
    demo_engine, reception, tmp_path
):
    from db.store.contacts import update_contact
    from db.store.guests import set_guest_reply

    event, guests = reception
    with store.session(demo_engine) as s:
        set_guest_reply(s, SYSTEM_ACTOR, guests[0].id, {"status": "accepted", "companions": 2})
        update_contact(s, SYSTEM_ACTOR, guests[1].contact_id, {"do_not_contact": True})
    produced = produce_event_sheet(
        demo_engine, SYSTEM_ACTOR, event, tmp_path / "list.pdf", kind="guests"
    )
    words = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(produced.path).pages
    )
    assert words.index("Accepted (1)") < words.index(f"Invited ({len(guests) - 1})")
    assert "never sent anything: asked not to be contacted" in words
    assert all(guest.name in words for guest in guests)


def test_the_quarterly_report_counts_an_events_attendance_from_its_guest_list(
    demo_engine, reception, tmp_path
):
    from db.figures.quarterly import quarterly_report_data
    from db.foundations.periods import quarter_containing
    from db.store.guests import add_walk_in, check_in, set_guest_reply
    from reports.quarterly import build_quarterly_report

    event, guests = reception
    quarter = quarter_containing(clock_day("2027-03-23"), fiscal=True)
    with Session(demo_engine) as s:
        before = quarterly_report_data(s, SYSTEM_ACTOR, quarter)
    with store.session(demo_engine) as s:
        set_guest_reply(s, SYSTEM_ACTOR, guests[0].id, {"status": "accepted", "companions": 2})
        set_guest_reply(s, SYSTEM_ACTOR, guests[1].id, {"status": "accepted"})
        set_guest_reply(s, SYSTEM_ACTOR, guests[2].id, {"status": "declined"})
        check_in(s, SYSTEM_ACTOR, guests[0].id)
        add_walk_in(
            s,
            SYSTEM_ACTOR,
            event,
            {"given_name": "Hina", "phone": "+1 202 555 0100", "consent": False},
        )
    with Session(demo_engine) as s:
        after = quarterly_report_data(s, SYSTEM_ACTOR, quarter)
    (row,) = [e for e in after.program_events if e.title == "Pakistan Day reception" and e.invited]
    assert (row.invited, row.accepted, row.walk_ins, row.came, row.counted) == (
        len(guests),
        2,
        1,
        2,
        True,
    )
    assert row.attendance == 4  # two came, with two companions
    assert row.share_came == pytest.approx(1 / len(guests))
    assert after.current.attendance == before.current.attendance + 4
    path = tmp_path / "q.pdf"
    build_quarterly_report(after, path)
    words = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)
    assert "Said yes" in words and "Walk-ins" in words


def clock_day(text: str):
    from datetime import date

    return date.fromisoformat(text)
