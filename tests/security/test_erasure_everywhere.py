"""An erasure that keeps its word where the person hides: a duplicate merged into them
(its archived row, the merge journal, its creation audit), a search for them, their
subject-access export's file name, and a phone typed another way in an engagement's text.
After it, the database file holds none of them; an engagement naming them by family name
alone is listed for a person to review."""

from __future__ import annotations

import sqlite3

from sqlmodel import Session

from db import store
from db.foundations.actor import Actor
from db.foundations.models import Contact, MergeRecord
from db.queries.audit import verify_audit_chain
from db.store.contacts import create_contact
from db.store.engagements import log_engagement
from db.store.erasure import erase_contact, erasure_summary
from db.store.merges import merge_contacts, undo_merge
from db.store.organizations import create_organization
from db.store.readouts import record_readout
from reports.produce import produce_subject_access

ADMIN = Actor(id=None, username="dpo.admin", role="admin")
PERSON = {
    "given_name": "Shahnaz",
    "family_name": "Tirmizi-Baloch",
    "email": "shahnaz.tirmizi@example.org",
    "phone": "+17135550199",
    "name_urdu": "شہناز ترمذی",
}
DUPLICATE = {
    "given_name": "Shahnaz",
    "family_name": "Tirmizi-Baloch",
    "email": "s.tirmizi@example.net",
    "phone": "+1 832 555 0123",
}
LEFT_NOWHERE = [
    "Shahnaz Tirmizi",
    "shahnaz.tirmizi@example.org",
    "s.tirmizi@example.net",
    "7135550199",
    "713-555-0199",
    "8325550123",
    "شہناز",
]


def test_the_person_is_nowhere_after_erasure_but_where_listed_for_review(
    engine, db_path, geography, tmp_path
):
    with store.session(engine) as s:
        org = create_organization(
            s, ADMIN, {"name": "Karachi Friends", "kind": "cultural", "region_code": "US-TX"}
        )
        person = create_contact(s, ADMIN, {**PERSON, "affiliations": [{"organization_id": org}]})
        duplicate = create_contact(s, ADMIN, DUPLICATE)
        log_engagement(
            s,
            ADMIN,
            {
                "date": "2026-11-02",
                "kind": "call",
                "subject": "Call back on 713-555-0199 about the mela",
                "organization_ids": [org],
                "contact_ids": [person],
            },
        )
        named_only = log_engagement(
            s,
            ADMIN,
            {
                "date": "2026-11-03",
                "kind": "meeting",
                "subject": "Mrs Tirmizi-Baloch sent regrets",
                "organization_ids": [org],
            },
        )
        # A search recorded as an earlier Rabta recorded it: the words typed.
        record_readout(s, ADMIN, "search", {"query": "Tirmizi-Baloch", "results": 2})
    with store.session(engine) as s:
        merge = merge_contacts(s, ADMIN, person, duplicate).merge_id
    produce_subject_access(engine, ADMIN, person, tmp_path / "Shahnaz Tirmizi-Baloch.pdf")

    with store.session(engine) as s:
        erased = erase_contact(s, ADMIN, person)
    assert erased.duplicates_erased == 1
    assert erased.to_review == (named_only,)
    assert f"Review engagement(s) #{named_only}" in erasure_summary(erased)

    with Session(engine) as s:
        assert s.get(Contact, duplicate).given_name == f"Erased contact #{duplicate}"
        assert "erased" in s.get(MergeRecord, merge).journal
        assert verify_audit_chain(s, ADMIN).intact
    try:
        with store.session(engine) as s:
            undo_merge(s, ADMIN, merge)
        raise AssertionError("an erased person's merge was undone")
    except Exception as refused:  # the store's sentence
        assert "erased since" in str(refused)

    engine.dispose()
    plain = sqlite3.connect(db_path, isolation_level=None)
    plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    plain.execute("VACUUM")
    plain.close()
    data = db_path.read_bytes()
    remaining = [needle for needle in LEFT_NOWHERE if needle.encode() in data]
    assert remaining == []


def test_an_erased_names_digest_cannot_be_guessed_without_the_pepper(engine):
    """A short name's plain SHA-256 can be found by trying names; the digest erasure
    leaves is keyed by the database's pepper, and the chain still verifies."""
    import hashlib
    import hmac
    import json

    from sqlmodel import select

    from db.foundations.models import AuditEntry
    from db.rules.audit_chain import chain_pepper, value_digest

    with store.session(engine) as s:
        person = create_contact(s, ADMIN, {"given_name": "Ayesha", "family_name": "Khan"})
    with store.session(engine) as s:
        erase_contact(s, ADMIN, person)
    with Session(engine) as s:
        created = s.exec(
            select(AuditEntry).where(
                AuditEntry.entity_type == "contact",
                AuditEntry.entity_id == person,
                AuditEntry.action == "create",
            )
        ).one()
        left = json.loads(created.changes)["family_name"][1]["redacted"]
        pepper = chain_pepper(s)
        assert created.chain_version == 2 and verify_audit_chain(s, ADMIN).intact
    assert left != hashlib.sha256(b'"Khan"').hexdigest() == value_digest("Khan")
    assert left == hmac.new(pepper, b'"Khan"', hashlib.sha256).hexdigest()
