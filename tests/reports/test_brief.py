"""The organization brief built from the demo data and read back."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from db.foundations import clock
from db.foundations.errors import NotFound
from db.foundations.models import Affiliation, Contact, Organization
from reports.produce import produce_organization_brief
from tests.reports.conftest import pdf_pages


def test_brief_of_appna_by_acronym(demo_engine, demo_officer, tmp_path):
    out = tmp_path / "appna.pdf"
    produced = produce_organization_brief(demo_engine, demo_officer, "appna", out)
    pages = pdf_pages(out)
    assert 1 <= produced.pages == len(pages) <= 2
    text = " ".join(" ".join(pages).split())
    assert "Association of Physicians of Pakistani Descent of North America" in text
    for heading in ("Key contacts", "Last ten engagements", "Programs", "Open follow-ups"):
        assert heading in text
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))


def test_do_not_contact_is_marked_and_their_details_withheld(demo_engine, demo_officer, tmp_path):
    with Session(demo_engine) as s:
        contact, org = s.exec(
            select(Contact, Organization)
            .join(Affiliation, Affiliation.contact_id == Contact.id)
            .join(Organization, Organization.id == Affiliation.organization_id)
            .where(Contact.do_not_contact == True)  # noqa: E712
        ).first()
    out = tmp_path / "brief.pdf"
    produce_organization_brief(demo_engine, demo_officer, org.uid, out)
    text = " ".join(" ".join(pdf_pages(out)).split())
    assert "DO NOT CONTACT" in text
    assert contact.email not in text


def test_unknown_organization_lists_close_matches(demo_engine, demo_officer, tmp_path):
    with pytest.raises(NotFound, match=r"Did you mean: .*\(APPNA\)"):
        produce_organization_brief(demo_engine, demo_officer, "APNA", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_confidential_engagements_left_out_are_said_to_be_left_out(engine, officer, tmp_path):

    from db import store
    from db.store.engagements import log_engagement
    from db.store.organizations import create_organization

    with store.session(engine) as s:
        org = create_organization(s, officer, {"name": "Discreet Forum", "kind": "advocacy"})
        log_engagement(
            s,
            officer,
            {
                "date": clock.today(),
                "kind": "meeting",
                "subject": "Private talk",
                "organization_ids": [org],
                "sensitivity": "confidential",
            },
        )
    out = tmp_path / "brief.pdf"
    produce_organization_brief(engine, officer, "Discreet Forum", out)
    flat = " ".join(" ".join(pdf_pages(out)).split())
    assert "1 confidential engagement is not shown" in flat
    assert "has been logged yet" not in flat and "Private talk" not in flat


def test_the_brief_sums_up_the_relationship_and_keeps_to_two_pages(
    demo_engine, demo_officer, tmp_path
):
    from db import store
    from db.foundations.actor import SYSTEM_ACTOR
    from db.store.contacts import create_contact

    out = tmp_path / "brief.pdf"
    produce_organization_brief(demo_engine, demo_officer, "APPNA", out)
    pages = pdf_pages(out)
    flat = " ".join(" ".join(pages).split())
    assert len(pages) <= 2
    assert "First engagement" in flat and "Engagements per year" in flat
    assert "Officers who know them" in flat
    assert "Granted · Sindhi" in flat, "consent status and preferred language"
    assert "+1-630-555-0199" in flat, "a phone number on one line"

    with Session(demo_engine) as s:
        appna = s.exec(select(Organization.id).where(Organization.acronym == "APPNA")).one()
    with store.session(demo_engine) as s:
        for n in range(12):
            create_contact(
                s,
                SYSTEM_ACTOR,
                {
                    "given_name": f"Member{n:02d}",
                    "family_name": "Extra",
                    "affiliations": [{"organization_id": appna, "role_title": "Member"}],
                },
            )
    produce_organization_brief(demo_engine, demo_officer, "APPNA", out)
    flat = " ".join(" ".join(pdf_pages(out)).split())
    assert "more contacts are listed in the appendix" in flat
    assert "Appendix: key contacts, continued" in flat
    assert all(f"Member{n:02d} Extra" in flat for n in range(12))


def test_a_blank_organization_name_is_refused_not_matched(demo_engine, demo_officer, tmp_path):
    """A blank name once matched every organization without an acronym."""
    with pytest.raises(NotFound, match="Name the organization"):
        produce_organization_brief(demo_engine, demo_officer, "   ", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
