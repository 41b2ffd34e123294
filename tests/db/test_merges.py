"""Merging two records and undoing it: links move, one audit entry, and the undo puts
every table back as it was (compared as full dumps), even after later edits."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel, select

from db import store
from db.foundations.actor import Actor
from db.foundations.errors import ValidationError
from db.foundations.models import (
    Affiliation,
    AuditEntry,
    Contact,
    EngagementContact,
    EngagementOrganization,
    Organization,
    ProgramParticipant,
)
from db.queries.search import search
from db.store.contacts import update_contact
from db.store.merges import merge_contacts, merge_organizations, undo_merge
from db.store.organizations import update_organization

ADMIN = Actor(id=None, username="merger", role="admin")
BOOKKEEPING = {"audit_entry", "merge_record"}


def dump(engine, leave_out: set[tuple[str, int]] = frozenset()) -> dict[str, list]:
    """Every row of every table of the registry, in a stable order."""
    rows = {}
    with engine.connect() as connection:
        for name, table in SQLModel.metadata.tables.items():
            if name in BOOKKEEPING:
                continue
            found = connection.execute(table.select()).mappings().all()
            kept = [
                tuple(sorted(row.items()))
                for row in found
                if (name, row.get("id")) not in leave_out
            ]
            rows[name] = sorted(kept, key=repr)
    return rows


def _pair(engine) -> tuple[int, int]:
    """Two demo contacts who both have affiliations and engagements."""
    with Session(engine) as s:
        busy = s.exec(
            text(
                "SELECT c.id FROM contact c WHERE c.archived_at IS NULL AND "
                "EXISTS (SELECT 1 FROM engagement_contact e WHERE e.contact_id = c.id) AND "
                "EXISTS (SELECT 1 FROM affiliation a WHERE a.contact_id = c.id) "
                "ORDER BY c.id LIMIT 2"
            )
        ).all()
    return busy[0][0], busy[1][0]


def test_a_contact_merge_moves_every_link_and_is_one_audit_entry(demo_engine):
    survivor_id, merged_id = _pair(demo_engine)
    with Session(demo_engine) as s:
        merged = s.get(Contact, merged_id)
        merged_email = merged.email
        links = sum(
            len(s.exec(select(model).where(model.contact_id == merged_id)).all())
            for model in (Affiliation, EngagementContact)
        )
        audited = len(s.exec(select(AuditEntry.id)).all())
    with store.session(demo_engine) as s:
        done = merge_contacts(s, ADMIN, survivor_id, merged_id, {"email": merged_email})
    assert done.links_moved + done.links_removed >= links > 0
    with Session(demo_engine) as s:
        survivor, merged = s.get(Contact, survivor_id), s.get(Contact, merged_id)
        assert survivor.email == merged_email
        assert merged.archived_at is not None and merged.merged_into_id == survivor_id
        assert not s.exec(select(Affiliation).where(Affiliation.contact_id == merged_id)).all()
        assert not s.exec(
            select(EngagementContact).where(EngagementContact.contact_id == merged_id)
        ).all()
        entries = s.exec(select(AuditEntry).where(AuditEntry.id > audited)).all()
        assert [(e.action, e.entity_id) for e in entries] == [("merge", survivor_id)]
        found = search(s, merged_email.split("@")[0], viewer=ADMIN)
        assert [hit.id for hit in found["contact"]] == [survivor_id]


def test_undo_restores_every_table_exactly_even_after_later_edits(demo_engine):
    survivor_id, merged_id = _pair(demo_engine)
    with Session(demo_engine) as s:
        bystander = s.exec(
            select(Contact.id).where(Contact.id.not_in([survivor_id, merged_id]))
        ).first()
    before = dump(demo_engine, {("contact", bystander)})
    with store.session(demo_engine) as s:
        merged = s.get(Contact, merged_id)
        done = merge_contacts(
            s, ADMIN, survivor_id, merged_id, {"given_name": merged.given_name, "city": "Katy"}
        )
    with store.session(demo_engine) as s:  # an unrelated edit after the merge
        update_contact(s, ADMIN, bystander, {"profession": "Pharmacist"})
    assert dump(demo_engine, {("contact", bystander)}) != before
    with store.session(demo_engine) as s:
        undone = undo_merge(s, ADMIN, done.merge_id)
    assert undone.kept_edits == ()
    assert dump(demo_engine, {("contact", bystander)}) == before
    with Session(demo_engine) as s:
        assert s.get(Contact, bystander).profession == "Pharmacist"
    with store.session(demo_engine) as s, pytest.raises(ValidationError, match="undone already"):
        undo_merge(s, ADMIN, done.merge_id)


def test_edits_to_the_survivor_since_the_merge_are_kept_and_named(demo_engine):
    survivor_id, merged_id = _pair(demo_engine)
    with store.session(demo_engine) as s:
        done = merge_contacts(s, ADMIN, survivor_id, merged_id, {"city": "Katy"})
    with store.session(demo_engine) as s:
        update_contact(s, ADMIN, survivor_id, {"profession": "Surgeon"})
    with store.session(demo_engine) as s:
        undone = undo_merge(s, ADMIN, done.merge_id)
    assert undone.kept_edits == ("profession",)
    with Session(demo_engine) as s:
        survivor, merged = s.get(Contact, survivor_id), s.get(Contact, merged_id)
        assert survivor.profession == "Surgeon" and survivor.city != "Katy"
        assert merged.archived_at is None and merged.merged_into_id is None


def test_an_organization_merge_moves_people_engagements_programs_and_tags(demo_engine):
    with Session(demo_engine) as s:
        linked = s.exec(
            text(
                "SELECT o.id FROM organization o WHERE o.archived_at IS NULL AND "
                "EXISTS (SELECT 1 FROM program_participant p WHERE p.organization_id = o.id) "
                "AND EXISTS (SELECT 1 FROM engagement_organization e "
                "WHERE e.organization_id = o.id) ORDER BY o.id LIMIT 2"
            )
        ).all()
        survivor_id, merged_id = linked[0][0], linked[1][0]
        merged_name = s.get(Organization, merged_id).name
    before = dump(demo_engine)
    with store.session(demo_engine) as s:
        done = merge_organizations(s, ADMIN, survivor_id, merged_id, {"name": merged_name})
    with Session(demo_engine) as s:
        for model in (Affiliation, EngagementOrganization, ProgramParticipant):
            assert not s.exec(select(model).where(model.organization_id == merged_id)).all()
        survivor = s.get(Organization, survivor_id)
        assert survivor.name == merged_name and survivor.last_engagement_on is not None
    with store.session(demo_engine) as s:
        update_organization(s, ADMIN, survivor_id, {"city": survivor.city})  # no change
        undo_merge(s, ADMIN, done.merge_id)
    assert dump(demo_engine) == before


@pytest.mark.parametrize(
    ("pick", "message"),
    [
        (lambda a, b: (a, a, {}), "cannot be merged with itself"),
        (lambda a, b: (a, b, {"uid": "x"}), "uid cannot be chosen"),
        (lambda a, b: (a, b, {"email": "not an email"}), "not a valid email"),
    ],
)
def test_a_merge_that_cannot_be_done_changes_nothing(demo_engine, pick, message):
    survivor_id, merged_id = _pair(demo_engine)
    before = dump(demo_engine)
    with pytest.raises(ValidationError, match=message), store.session(demo_engine) as s:
        merge_contacts(s, ADMIN, *pick(survivor_id, merged_id))
    assert dump(demo_engine) == before
