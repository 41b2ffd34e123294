"""Type-ahead pickers on the demo registry: what a typed prefix offers, and in what order."""

from __future__ import annotations

from sqlmodel import Session, select

from db import store
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.models import Contact, Organization
from db.queries.pickers import contact_choices, organization_choices
from db.store.contacts import archive_contact, create_contact


def _labels(choices):
    return [choice.label for choice in choices]


def test_contacts_are_offered_by_family_then_given_then_full_and_urdu_name(demo_engine):
    with store.session(demo_engine) as s:
        create_contact(s, SYSTEM_ACTOR, {"given_name": "Zainab", "family_name": "Zubairi"})
    with Session(demo_engine) as s:
        zub = _labels(contact_choices(s, "zub"))
        assert zub[0] == "Zainab Zubairi"  # family names first
        assert set(zub[1:]) >= {"Zubair Chaudhry", "Zubair Soomro", "Zubair Baig"}
        assert _labels(contact_choices(s, "Zubair So")) == ["Zubair Soomro"]
        assert "Zubair Baig" in _labels(contact_choices(s, "زبیر"))
        assert contact_choices(s, "%") == [] and contact_choices(s, "   ") == []
        assert len(contact_choices(s, "a", limit=5)) == 5


def test_people_of_the_chosen_organizations_come_first_and_archived_never(demo_engine):
    with Session(demo_engine) as s:
        kwsm = s.exec(select(Organization.id).where(Organization.acronym == "KWSM")).one()
        assert _labels(contact_choices(s, "Zubair", organization_ids=[kwsm]))[0] == (
            "Zubair Soomro"
        )
        baig = s.exec(
            select(Contact.id).where(Contact.given_name == "Zubair", Contact.family_name == "Baig")
        ).one()
    with store.session(demo_engine) as s:
        archive_contact(s, SYSTEM_ACTOR, baig)
    with Session(demo_engine) as s:
        assert "Zubair Baig" not in _labels(contact_choices(s, "zubair"))


def test_organizations_are_offered_by_acronym_then_name(demo_engine):
    with Session(demo_engine) as s:
        assert _labels(organization_choices(s, "APP"))[0].endswith("(APPNA)")
        assert organization_choices(s, "%") == []
