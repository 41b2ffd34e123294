"""Contacts and affiliations through the store."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from db import store
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.errors import PermissionDenied, ValidationError
from db.foundations.models import Affiliation, AuditEntry, Contact
from db.queries.audit import verify_audit_chain
from db.store.contacts import (
    add_affiliation,
    archive_contact,
    create_contact,
    create_contacts,
    public_roles_of,
    remove_affiliation,
    restore_contact,
    update_affiliation,
    update_contact,
)
from db.store.organizations import archive_organization, create_organization


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


def _written(s: Session) -> dict[str, list]:
    """Every contact, affiliation, public role and audit entry, without the values that
    differ between two runs (uids and clocks)."""
    skip = {"uid", "created_at", "updated_at"}
    contacts = [
        {k: v for k, v in c.model_dump().items() if k not in skip}
        for c in s.exec(select(Contact).order_by(Contact.id))
    ]
    return {
        "contacts": contacts,
        "affiliations": [
            a.model_dump() for a in s.exec(select(Affiliation).order_by(Affiliation.id))
        ],
        "roles": sorted((contact["id"], public_roles_of(s, contact["id"])) for contact in contacts),
        "audit": [
            (e.id, e.username, e.action, e.entity_type, e.entity_id, e.changes)
            for e in s.exec(select(AuditEntry).order_by(AuditEntry.id))
        ],
    }


def test_many_at_once_write_and_refuse_exactly_as_one_by_one(engine, officer, org_ids):
    with store.session(engine) as s:
        archived = create_organization(s, officer, {"name": "Old Circle", "kind": "cultural"})
        archive_organization(s, officer, archived)
    rows = [
        {
            "given_name": "Ayesha",
            "family_name": "Qureshi",
            "name_urdu": "عائشہ قریشی",
            "email": "Ayesha.Qureshi@Example.com",
            "phone": "(713) 555-0188",
            "region_code": "us-tx",
            "public_roles": ["academic", "community_leader"],
            "consent": "granted",
            "consent_date": "2026-01-15",
            "affiliations": [{"organization_id": org_ids[0], "role_title": "President"}],
        },
        {"given_name": "", "email": "not-an-email", "region_code": "ZZ-99"},
        {"given_name": "Bilal", "email": "ayesha.qureshi@example.COM"},  # taken just above
        {"given_name": "Hina", "affiliations": [{"organization_id": 999_999}]},
        {"given_name": "Omar", "affiliations": [{"organization_id": archived}]},
        {"given_name": "Sana", "family_name": "Mir", "name_urdu": "Sana"},
        {
            "given_name": "Kamran",
            "affiliations": [
                {"organization_id": org_ids[0], "is_primary": True},
                {"organization_id": org_ids[1], "role_title": "Treasurer", "is_primary": True},
            ],
        },
        {"given_name": "Zoë", "family_name": "Malik", "phone": "+44 20 7946 0958"},
        {
            "given_name": "Nadia",
            "affiliations": [{"organization_id": org_ids[0], "is_primary": True}],
        },
        "not a mapping",
    ]
    with Session(engine) as s:
        one_by_one = []
        for row in rows:
            try:
                with s.begin_nested():
                    one_by_one.append(create_contact(s, officer, row))
            except ValidationError as error:
                one_by_one.append(error.errors)
        expected = _written(s)
        s.rollback()
        if engine.dialect.name == "postgresql":  # a rollback keeps sequence numbers used
            for table in ("contact", "affiliation"):
                s.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"coalesce(max(id), 0) + 1, false) FROM {table}"
                    )
                )
        at_once = create_contacts(s, officer, rows)
        assert [r if isinstance(r, int) else r.errors for r in at_once] == one_by_one
        assert _written(s) == expected
        s.commit()
    assert [isinstance(r, int) for r in one_by_one] == [True, *[False] * 5, True, True, True, False]
    assert "already has the email" in one_by_one[2]["email"]
    with Session(engine) as s:
        assert verify_audit_chain(s, SYSTEM_ACTOR).broken_at is None


def test_many_at_once_with_one_person_of_another_mission_write_nothing(engine, officer, geography):
    with store.session(engine) as s:
        new_york = create_organization(
            s,
            SYSTEM_ACTOR,
            {"name": "Queens Cricket Club", "kind": "cultural", "region_code": "US-NY"},
        )
    with Session(engine) as s:
        before = _written(s)
        with pytest.raises(PermissionDenied, match="own mission"):
            create_contacts(
                s,
                officer,
                [
                    {"given_name": "Ali", "region_code": "US-TX"},
                    {"given_name": "Asad", "affiliations": [{"organization_id": new_york}]},
                ],
            )
        assert _written(s) == before
