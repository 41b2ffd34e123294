"""Finding duplicates the way our names are written: transliterations, honorifics,
Urdu beside Latin; and organizations by acronym, web domain and alike names."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from db import store
from db.duplicates.names import canonical_name, name_skeleton
from db.duplicates.scan import find_duplicate_contacts, find_duplicate_organizations
from db.foundations.actor import Actor
from db.store.contacts import create_contact
from db.store.dismissals import dismiss_duplicate
from db.store.organizations import create_organization

ADMIN = Actor(id=None, username="keeper", role="admin")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Muhammad Ali", "Mohd Ali"),
        ("Mohammad Ali", "Mohammed Ali"),
        ("Muhammed Ali", "محمد علی"),
        ("Chaudhry Bilal", "Ch. Bilal"),
        ("Chaudhary Bilal", "چوہدری بلال"),
        ("Syed Hussain", "Sayyid Husain"),
        ("Sayed Hussein", "سید حسین"),
        ("Abdul Rehman", "Abdal Rahman"),
        ("Dr. Farah Qureshi", "Farah Qureshi"),
        ("Engr. Haji Imran Khan", "Imran Khan"),
    ],
)
def test_spellings_and_scripts_of_one_name_meet(one, other):
    assert name_skeleton(one) == name_skeleton(other)


def test_transliterations_become_one_spelling_and_honorifics_go():
    assert canonical_name("Dr. Mohd. Hussein") == "muhammad hussain"
    assert canonical_name("Engr. Ch. Abdal Sattar") == "chaudhry abdul sattar"


def _people(engine, *people):
    ids = []
    with store.session(engine) as s:
        for values in people:
            ids.append(create_contact(s, ADMIN, values))
    return ids


def _pairs(engine, find=find_duplicate_contacts):
    with Session(engine) as s:
        return find(s)


def test_people_are_paired_by_email_phone_and_name_in_either_script(engine, geography):
    latin, urdu, doctor, same_phone, housemate = _people(
        engine,
        {"given_name": "Mohd", "family_name": "Ali", "city": "Houston"},
        {"given_name": "محمد", "family_name": "علی", "city": "Houston"},
        {"honorific": "Dr.", "given_name": "Muhammad", "family_name": "Ali", "city": "Houston"},
        {"given_name": "Zainab", "family_name": "Ali", "phone": "+1 713 555 0100"},
        {"given_name": "Zainab", "family_name": "Bibi", "phone": "713-555-0100"},
    )
    found = _pairs(engine)
    by_ids = {(p.first_id, p.second_id): p for p in found.pairs}
    assert "the same name in Urdu and Latin script" in by_ids[(latin, urdu)].reasons
    assert by_ids[(latin, doctor)].score >= 90  # the same name, the same city
    phone = by_ids[(same_phone, housemate)]  # one household's number, two names
    assert phone.reasons[0] == "same phone (+17135550100)" and phone.score == 72
    assert found.total == len(found.pairs)


def test_different_names_with_the_same_urdu_consonants_are_not_paired(engine, geography):
    _people(
        engine,
        {"given_name": "Tariq", "family_name": "Bhatti", "name_urdu": "طارق بھٹی"},
        {"given_name": "Tariq", "family_name": "Butt", "name_urdu": "طارق بٹ"},
    )
    assert _pairs(engine).pairs == []


def test_a_pair_marked_not_a_duplicate_is_left_out(engine, geography):
    first, second = _people(
        engine,
        {"given_name": "Hina", "family_name": "Aslam", "city": "Katy"},
        {"given_name": "Hina", "family_name": "Aslam", "city": "Katy"},
    )
    assert [(p.first_id, p.second_id) for p in _pairs(engine).pairs] == [(first, second)]
    with store.session(engine) as s:
        assert dismiss_duplicate(s, ADMIN, "contact", second, first)
        assert not dismiss_duplicate(s, ADMIN, "contact", first, second)
    assert _pairs(engine).pairs == []


def test_only_the_best_pairs_are_kept_and_all_are_counted(engine, geography):
    _people(engine, *({"given_name": "Asad", "family_name": "Umar", "city": "Austin"},) * 5)
    with Session(engine) as s:
        found = find_duplicate_contacts(s, limit=3)
    assert found.total == 10 and len(found.pairs) == 3


def test_organizations_by_acronym_domain_and_alike_names_in_a_city(engine, geography):
    def organization(s, name, **more):
        return create_organization(
            s, ADMIN, {"name": name, "kind": "professional", "region_code": "US-TX", **more}
        )

    with store.session(engine) as s:
        appna = organization(s, "Association of Pakistani Physicians", acronym="APPNA")
        appna_too = organization(s, "Pakistani Physicians of North America", acronym="appna")
        site = organization(s, "Karachi Alumni", website="https://www.kant.example.org")
        mail = organization(s, "KANT Texas", email="info@kant.example.org")
        houston = organization(s, "Houston Pakistani Engineers Society", city="Houston")
        houston_too = organization(s, "Pakistani Engineers Society of Houston", city="Houston")
        organization(s, "Gmail Users Club", email="club@gmail.com")
        organization(s, "Another Gmail Club", email="other@gmail.com")
    found = {
        (p.first_id, p.second_id): p for p in _pairs(engine, find_duplicate_organizations).pairs
    }
    assert found[(appna, appna_too)].reasons[0] == "same acronym (APPNA)"
    assert "same web or email domain (kant.example.org)" in found[(site, mail)].reasons
    assert any(r.startswith("names alike") for r in found[(houston, houston_too)].reasons)
    assert len(found) == 3  # a shared webmail domain says nothing
