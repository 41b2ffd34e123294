"""Organizations through the store: validation, owning mission, audit, archive."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from db import store
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.errors import NotFound, PermissionDenied, ValidationError
from db.foundations.models import AuditEntry, Organization
from db.rules.rows import tags_of
from db.store.missions import set_jurisdiction
from db.store.organizations import (
    archive_organization,
    create_organization,
    mechanisms_of,
    restore_organization,
    update_organization,
)


def _create(engine, actor, **values):
    values = {"name": "Pakistani American Business Association", "kind": "business", **values}
    with store.session(engine) as s:
        return create_organization(s, actor, values)


def _get(engine, org_id) -> Organization:
    with Session(engine) as s:
        return s.get(Organization, org_id)


def _audit(engine, entity_id):
    with Session(engine) as s:
        return s.exec(
            select(AuditEntry)
            .where(AuditEntry.entity_type == "organization", AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.id)
        ).all()


def test_create_normalises_and_derives_the_mission_from_the_region(engine, officer, geography):
    org_id = _create(
        engine,
        officer,
        region_code="us-tx",
        phone="(713) 555-0147",
        email="Info@PABA.example.org",
        mechanisms=["investment", "remittances"],
        tags=["business", "houston"],
    )
    org = _get(engine, org_id)
    assert org.mission_id == geography["HOU"] and not org.mission_set_by_hand
    assert org.region_code == "US-TX"
    assert org.phone == "+17135550147"
    assert org.email == "info@paba.example.org"
    assert len(org.uid) == 36
    with Session(engine) as s:
        assert mechanisms_of(s, org_id) == ["investment", "remittances"]
        assert tags_of(s, org_id) == ["business", "houston"]
    [entry] = _audit(engine, org_id)
    assert entry.action == "create" and entry.username == "officer"
    assert json.loads(entry.changes)["name"] == [None, "Pakistani American Business Association"]


def test_refusal_lists_every_bad_field_and_writes_nothing(engine, officer):
    with pytest.raises(ValidationError) as refused:
        _create(
            engine,
            officer,
            name="  ",
            kind="guild",
            email="not-an-email",
            phone="12345",
            region_code="US-XX",
            founded_year=3000,
        )
    assert set(refused.value.errors) == {
        "name",
        "kind",
        "email",
        "phone",
        "region_code",
        "founded_year",
    }
    assert "US-XX is not a known region code" in refused.value.errors["region_code"]
    with Session(engine) as s:
        assert s.exec(select(Organization)).all() == []
        assert (
            s.exec(select(AuditEntry).where(AuditEntry.entity_type == "organization")).all() == []
        )


def test_duplicate_names_and_hometown_without_district_are_refused(engine, officer):
    _create(engine, officer)
    with pytest.raises(ValidationError, match="already in the registry"):
        _create(engine, officer, name="pakistani american business association")
    with pytest.raises(ValidationError) as refused:
        _create(engine, officer, name="Jhelum Welfare Association", kind="hometown")
    assert set(refused.value.errors) == {"hometown_district", "hometown_province"}


def test_mission_set_by_hand_is_kept_when_the_region_changes(engine, geography):
    org_id = _create(engine, SYSTEM_ACTOR, region_code="US-TX", mission_id=geography["NYC"])
    assert _get(engine, org_id).mission_set_by_hand
    with store.session(engine) as s:
        update_organization(s, SYSTEM_ACTOR, org_id, {"region_code": "US-OK"})
    assert _get(engine, org_id).mission_id == geography["NYC"]
    with store.session(engine) as s:
        update_organization(s, SYSTEM_ACTOR, org_id, {"mission_id": None})
    org = _get(engine, org_id)
    assert org.mission_id == geography["HOU"] and not org.mission_set_by_hand


def test_update_records_old_and_new_values(engine, officer, geography):
    org_id = _create(engine, officer, region_code="US-TX")
    with store.session(engine) as s:  # moving it to New York is beyond a Houston officer
        update_organization(
            s,
            SYSTEM_ACTOR,
            org_id,
            {"region_code": "US-NY", "status": "dormant", "tags": ["new-york"]},
        )
    org = _get(engine, org_id)
    assert (org.region_code, org.mission_id, org.status) == ("US-NY", geography["NYC"], "dormant")
    changes = json.loads(_audit(engine, org_id)[-1].changes)
    assert changes["region_code"] == ["US-TX", "US-NY"]
    assert changes["mission_id"] == [geography["HOU"], geography["NYC"]]
    assert changes["tags"] == [[], ["new-york"]]


def test_a_refused_update_leaves_the_record_as_it_was(engine, officer):
    org_id = _create(engine, officer, email="a@example.org")
    with pytest.raises(ValidationError), store.session(engine) as s:
        update_organization(s, officer, org_id, {"name": "Renamed", "email": "broken@"})
    org = _get(engine, org_id)
    assert (org.name, org.email) == ("Pakistani American Business Association", "a@example.org")


def test_archive_and_restore_are_audited_and_idempotent(engine, officer):
    org_id = _create(engine, officer)
    with store.session(engine) as s:
        assert archive_organization(s, officer, org_id)
        assert not archive_organization(s, officer, org_id)
    assert _get(engine, org_id).archived_at is not None
    with store.session(engine) as s:
        assert restore_organization(s, officer, org_id)
    assert _get(engine, org_id).archived_at is None
    assert [e.action for e in _audit(engine, org_id)] == ["create", "archive", "restore"]


def test_viewers_cannot_write_and_unknown_ids_are_reported(engine, viewer, officer):
    with pytest.raises(PermissionDenied):
        _create(engine, viewer)
    with pytest.raises(NotFound), store.session(engine) as s:
        update_organization(s, officer, 999, {"name": "x"})


def test_changing_a_jurisdiction_moves_organizations_not_set_by_hand(engine, officer, geography):
    follows = _create(engine, officer, name="Oklahoma Community", region_code="US-OK")
    pinned = _create(
        engine, officer, name="Tulsa Forum", region_code="US-OK", mission_id=geography["HOU"]
    )
    with store.session(engine) as s:
        moved = set_jurisdiction(s, SYSTEM_ACTOR, geography["NYC"], ["US-NY", "US-OK"])
    assert moved == 1
    assert _get(engine, follows).mission_id == geography["NYC"]
    assert _get(engine, pinned).mission_id == geography["HOU"]


def test_an_officer_changes_records_of_their_own_mission_only(engine, officer, geography):
    houston = _create(engine, officer, region_code="US-TX")
    new_york = _create(engine, SYSTEM_ACTOR, name="New York Doctors", region_code="US-NY")
    with store.session(engine) as s:
        update_organization(s, officer, houston, {"status": "dormant"})
    for attempt in (
        lambda s: update_organization(s, officer, new_york, {"status": "dormant"}),
        lambda s: update_organization(s, officer, houston, {"region_code": "US-NY"}),
        lambda s: create_organization(
            s, officer, {"name": "Another", "kind": "other", "region_code": "US-NY"}
        ),
        lambda s: archive_organization(s, officer, new_york),
    ):
        with pytest.raises(PermissionDenied, match="own mission only"), store.session(engine) as s:
            attempt(s)
    assert _get(engine, new_york).status != "dormant"
    assert _get(engine, houston).region_code == "US-TX"


def test_lists_put_empty_values_in_the_same_place_on_either_engine(engine, officer):
    from db.queries.organizations import OrganizationFilter, organization_page

    with store.session(engine) as s:
        placed = create_organization(
            s, officer, {"name": "Austin Circle", "kind": "cultural", "region_code": "US-TX"}
        )
        nowhere = create_organization(s, officer, {"name": "Nomad Forum", "kind": "cultural"})
    with Session(engine) as s:
        flt = OrganizationFilter(viewer=officer)
        up = [row.id for row in organization_page(s, flt, sort="region_code")]
        down = [row.id for row in organization_page(s, flt, sort="region_code", descending=True)]
    assert up == [nowhere, placed] and down == [placed, nowhere]  # as SQLite orders them
