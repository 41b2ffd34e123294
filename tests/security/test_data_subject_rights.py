"""People's rights over their data: everything held about a person exported as JSON and
PDF; an erasure that keeps the row and its links but leaves no copy of the person's
name, email, phone or Urdu name in the database file; the list of people held too long."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from db import store
from db.database_file.planner_statistics import refresh_planner_statistics
from db.foundations import clock
from db.foundations.actor import SYSTEM_ACTOR, Actor
from db.foundations.clock import utc_now
from db.foundations.errors import PermissionDenied, ValidationError
from db.foundations.models import AuditEntry, Contact, Engagement, EngagementContact
from db.queries.audit import record_history, verify_audit_chain
from db.queries.search import search
from db.queries.subject_access import contacts_due_for_review, subject_access
from db.store.contacts import create_contact, update_contact
from db.store.engagements import log_engagement
from db.store.erasure import erase_contact
from db.store.organizations import create_organization
from reports.produce import produce_subject_access
from tests.reports.conftest import pdf_pages

GIVEN, FAMILY = "Shahnaz", "Tirmizi-Baloch"
EMAIL, PHONE, URDU = "shahnaz.tirmizi@example.org", "+17135550199", "شہناز ترمذی"
ADMIN = Actor(id=None, username="dpo.admin", role="admin")


def _secrets(data: bytes) -> list[str]:
    needles = {
        "family name": FAMILY.encode(),
        "family name as the search index keeps it": b"tirmizi",
        "email": EMAIL.encode(),
        "phone": PHONE.encode(),
        "urdu name": URDU.encode("utf-8"),
    }
    return [what for what, needle in needles.items() if needle in data]


@pytest.fixture
def person(engine, geography) -> dict[str, int]:
    with store.session(engine) as s:
        org = create_organization(
            s,
            SYSTEM_ACTOR,
            {"name": "Karachi Friends of Houston", "kind": "cultural", "region_code": "US-TX"},
        )
        contact = create_contact(
            s,
            SYSTEM_ACTOR,
            {
                "given_name": GIVEN,
                "family_name": FAMILY,
                "name_urdu": URDU,
                "email": EMAIL,
                "phone": PHONE,
                "public_roles": ["community_leader"],
                "affiliations": [{"organization_id": org, "role_title": "General Secretary"}],
            },
        )
        update_contact(s, SYSTEM_ACTOR, contact, {"city": "Sugar Land"})
        meeting = log_engagement(
            s,
            SYSTEM_ACTOR,
            {
                "date": clock.today() - timedelta(days=5),
                "kind": "meeting",
                "subject": f"Tea with {GIVEN} {FAMILY} about the mela",
                "outcome": f"{GIVEN} {FAMILY} will send the list to {EMAIL}",
                "organization_ids": [org],
                "contact_ids": [contact],
            },
        )
        confidential = log_engagement(
            s,
            SYSTEM_ACTOR,
            {
                "date": clock.today() - timedelta(days=2),
                "kind": "call",
                "subject": "Welfare case",
                "sensitivity": "confidential",
                "organization_ids": [org],
                "contact_ids": [contact],
            },
        )
    return {"organization": org, "contact": contact, "meeting": meeting, "secret": confidential}


def test_subject_access_exports_everything_held_as_json_and_pdf(engine, person, tmp_path):
    produced = produce_subject_access(engine, ADMIN, person["contact"], tmp_path / "sar.pdf")
    document = json.loads((tmp_path / "sar.json").read_text(encoding="utf-8"))
    assert document["contact"]["email"] == EMAIL and document["contact"]["name_urdu"] == URDU
    assert [a["role_title"] for a in document["affiliations"]] == ["General Secretary"]
    assert {e["subject"] for e in document["engagements"]} == {
        f"Tea with {GIVEN} {FAMILY} about the mela",
        "Welfare case",  # confidential, and still theirs to see
    }
    actions = [(a["record"], a["action"]) for a in document["audit_entries"]]
    assert ("contact " + str(person["contact"]), "create") in actions
    assert ("contact " + str(person["contact"]), "update") in actions
    assert any(record.startswith("engagement") for record, _ in actions)  # names them
    printed = " ".join(" ".join(page.split()) for page in pdf_pages(produced.path))
    assert EMAIL in printed and "General Secretary" in printed and "Welfare case" in printed
    assert "Sugar Land" in printed and "Audit entries" in printed
    with Session(engine) as s:
        readout = s.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (readout.action, readout.entity_type) == ("read_out", "subject_access")


def test_only_administrators_export_or_erase(engine, person, officer):
    with Session(engine) as s, pytest.raises(PermissionDenied):
        subject_access(s, officer, person["contact"])
    with pytest.raises(PermissionDenied), store.session(engine) as s:
        erase_contact(s, officer, person["contact"])


def test_erasure_keeps_the_row_and_links_and_leaves_no_copy_in_the_file(engine, db_path, person):
    contact_id = person["contact"]
    # Opened again with the person held, Rabta analyses the tables: its statistics must
    # not keep the person either (SQLite's STAT4 would sample their name and email).
    assert refresh_planner_statistics(engine)
    with store.session(engine) as s:
        erased = erase_contact(s, ADMIN, contact_id)
    assert erased.engagements_scrubbed == 1 and erased.audit_entries_redacted >= 3

    with Session(engine) as s:
        row = s.get(Contact, contact_id)
        assert row.given_name == f"Erased contact #{contact_id}" and row.erased_at
        assert (row.family_name, row.email, row.phone, row.name_urdu) == ("", "", "", "")
        links = s.exec(
            select(EngagementContact.engagement_id).where(
                EngagementContact.contact_id == contact_id
            )
        ).all()
        assert sorted(links) == sorted([person["meeting"], person["secret"]])
        meeting = s.get(Engagement, person["meeting"])
        assert meeting.subject == "Tea with [erased] about the mela"
        assert meeting.outcome == "[erased] will send the list to [erased]"
        assert not search(s, FAMILY, viewer=ADMIN)["contact"]
        assert not search(s, "Tirmizi", viewer=ADMIN)["engagement"]
        assert verify_audit_chain(s, SYSTEM_ACTOR).intact  # redacted values still verify
        erasure = s.exec(select(AuditEntry).where(AuditEntry.action == "erase")).one()
        assert "email" in erasure.changes and EMAIL not in erasure.changes
        history = record_history(s, ADMIN, "contact", contact_id)
        shown = repr(history)
        assert "(erased)" in shown and FAMILY not in shown and EMAIL not in shown

    with pytest.raises(ValidationError, match="erased"), store.session(engine) as s:
        update_contact(s, ADMIN, contact_id, {"given_name": "Back"})

    engine.dispose()
    plain = sqlite3.connect(db_path, isolation_level=None)  # the test database is not encrypted
    plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    plain.execute("VACUUM")
    plain.close()
    for suffix in ("", "-wal"):
        file = db_path.with_name(db_path.name + suffix)
        if file.exists():
            assert _secrets(file.read_bytes()) == [], file.name


def test_erasing_twice_is_refused_and_leaves_the_data_as_it_was(engine, person):
    with store.session(engine) as s:
        erase_contact(s, ADMIN, person["contact"])
    with Session(engine) as s:
        before = s.exec(text("SELECT count(*) FROM audit_entry")).one()
    with pytest.raises(ValidationError, match="erased already"), store.session(engine) as s:
        erase_contact(s, ADMIN, person["contact"])
    with Session(engine) as s:
        assert s.exec(text("SELECT count(*) FROM audit_entry")).one() == before


def test_people_held_without_an_engagement_for_the_period_are_listed(engine, person, officer):
    long_ago = utc_now() - timedelta(days=6 * 366)
    with store.session(engine) as s:
        quiet = create_contact(s, SYSTEM_ACTOR, {"given_name": "Dormant", "family_name": "Person"})
        recent = create_contact(s, SYSTEM_ACTOR, {"given_name": "New", "family_name": "Person"})
        old_but_active = person["contact"]
        for contact_id in (quiet, old_but_active):
            row = s.get(Contact, contact_id)
            row.created_at = long_ago
            s.add(row)
    supervisor = Actor(id=None, username="sup", role="supervisor")
    with Session(engine) as s:
        total, due = contacts_due_for_review(s, supervisor, today=clock.today(), years=5)
        assert [row.contact_id for row in due] == [quiet] and total == 1
        assert due[0].last_engagement is None and recent not in [r.contact_id for r in due]
        with pytest.raises(PermissionDenied):
            contacts_due_for_review(s, officer, today=clock.today(), years=5)


def test_the_command_line_exports_erases_and_lists(demo_path, tmp_path, capsys):
    from db.database_file.migrate import open_database
    from main import run
    from tests.conftest import ensure_user
    from tests.test_cli import password_file

    ensure_user(demo_path, "dpo", "admin")
    credentials = ["--db", str(demo_path), "--user", "dpo", "--password-file"]
    credentials.append(password_file(tmp_path))
    opened = open_database(str(demo_path))
    with Session(opened.engine) as s:
        contact = s.exec(select(Contact).where(Contact.email != "")).first()
    opened.engine.dispose()
    out = tmp_path / "person.pdf"
    assert run(["contact", "export", str(contact.id), "--out", str(out), *credentials]) == 0
    assert contact.email in (tmp_path / "person.json").read_text(encoding="utf-8")
    assert run(["contact", "erase", str(contact.id), "--yes", *credentials]) == 0
    assert "Erased contact" in capsys.readouterr().out
    assert run(["contact", "review", *credentials]) == 0
    assert run(["audit", "verify", *credentials]) == 0
