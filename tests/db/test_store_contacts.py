"""Contacts and affiliations through the store."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from db import store
from db.errors import ValidationError
from db.models import Affiliation, AuditEntry, Contact
from db.store.contacts import (
    add_affiliation,
    archive_contact,
    create_contact,
    public_roles_of,
    remove_affiliation,
    restore_contact,
    update_affiliation,
    update_contact,
)
from db.store.organizations import create_organization


@pytest.fixture
def org_ids(engine, officer):
    with store.session(engine) as s:
        return [
            create_organization(s, officer, {"name": name, "kind": "professional"})
            for name in ("APPNA", "Pakistani American Engineers Association")
        ]


def test_create_with_urdu_name_roles_and_affiliation(engine, officer, org_ids):
    with store.session(engine) as s:
        contact_id = create_contact(
            s,
            officer,
            {
                "given_name": "Ayesha",
                "family_name": "Qureshi",
                "name_urdu": "عائشہ قریشی",
                "email": "Ayesha.Qureshi@Example.com",
                "phone": "+1 212 555 0188",
                "public_roles": ["academic"],
                "consent": "granted",
                "consent_date": "2026-01-15",
                "affiliations": [
                    {"organization_id": org_ids[0], "role_title": "President", "is_primary": True}
                ],
            },
        )
    with Session(engine) as s:
        contact = s.get(Contact, contact_id)
        assert (contact.email, contact.phone) == ("Ayesha.Qureshi@example.com", "+12125550188")
        assert contact.name_urdu == "عائشہ قریشی"
        assert public_roles_of(s, contact_id) == ["academic"]
        [affiliation] = s.exec(select(Affiliation)).all()
        assert (affiliation.organization_id, affiliation.is_primary) == (org_ids[0], True)
        actions = s.exec(
            select(AuditEntry.entity_type, AuditEntry.action).where(
                AuditEntry.entity_type.in_(["contact", "affiliation"])
            )
        ).all()
        assert sorted(actions) == [("affiliation", "create"), ("contact", "create")]


def test_refusals(engine, officer, org_ids):
    with pytest.raises(ValidationError) as refused, store.session(engine) as s:
        create_contact(
            s,
            officer,
            {
                "given_name": "",
                "name_urdu": "Ayesha",
                "consent": "maybe",
                "consent_date": "2999-01-01",
                "public_roles": ["party_member"],
                "affiliations": [{"organization_id": 999}],
            },
        )
    assert set(refused.value.errors) == {
        "given_name",
        "name_urdu",
        "consent",
        "consent_date",
        "public_roles",
        "affiliations",
    }
    with Session(engine) as s:
        assert s.exec(select(Contact)).all() == []


def test_no_field_for_politics_religion_or_ethnicity(engine, officer):
    forbidden = {"party", "political", "religion", "ethnicity", "sect", "caste"}
    columns = {c.name for c in Contact.__table__.columns}
    assert not {c for c in columns if any(word in c for word in forbidden)}
    with (
        pytest.raises(ValidationError, match="'religion' is not a field here"),
        store.session(engine) as s,
    ):
        create_contact(s, officer, {"given_name": "x", "religion": "y"})


def test_duplicate_email_is_refused(engine, officer):
    with store.session(engine) as s:
        create_contact(s, officer, {"given_name": "Ali", "email": "ali@example.com"})
    with pytest.raises(ValidationError, match="already has the email"), store.session(engine) as s:
        create_contact(s, officer, {"given_name": "Ali K.", "email": "ALI@example.com"})


def test_affiliations_one_primary_per_organization_and_dates(engine, officer, org_ids):
    with store.session(engine) as s:
        first = create_contact(s, officer, {"given_name": "Bilal"})
        second = create_contact(s, officer, {"given_name": "Sana"})
        a1 = add_affiliation(s, officer, first, {"organization_id": org_ids[0], "is_primary": True})
        a2 = add_affiliation(
            s,
            officer,
            second,
            {"organization_id": org_ids[0], "is_primary": True, "start_date": "2020-01-01"},
        )
    with Session(engine) as s:
        assert not s.get(Affiliation, a1).is_primary and s.get(Affiliation, a2).is_primary
    with pytest.raises(ValidationError, match="cannot end before"), store.session(engine) as s:
        update_affiliation(s, officer, a2, {"end_date": "2019-12-31"})
    with store.session(engine) as s:
        update_affiliation(s, officer, a2, {"role_title": "Treasurer", "end_date": "2025-06-30"})
        remove_affiliation(s, officer, a1)
    with Session(engine) as s:
        assert [a.id for a in s.exec(select(Affiliation))] == [a2]
        assert s.get(Affiliation, a2).role_title == "Treasurer"


def test_update_archive_restore(engine, officer):
    with store.session(engine) as s:
        contact_id = create_contact(s, officer, {"given_name": "Omar"})
        update_contact(
            s,
            officer,
            contact_id,
            {"do_not_contact": True, "consent": "refused", "public_roles": ["journalist"]},
        )
        archive_contact(s, officer, contact_id)
    with Session(engine) as s:
        contact = s.get(Contact, contact_id)
        assert contact.do_not_contact and contact.consent == "refused"
        assert contact.archived_at is not None
    with store.session(engine) as s:
        assert restore_contact(s, officer, contact_id)
