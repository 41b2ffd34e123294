"""Every list exported from the demo registry and imported into an empty one (which has
the same missions, regions, users and programs, as a commission's installations share)
comes back field by field."""

from __future__ import annotations

import sqlite3

import pytest
from sqlmodel import Session, select

from db.database_file.migrate import open_database
from db.exchange.exports import export_list
from db.exchange.imports import run_import
from db.exchange.mapping import suggest_mapping
from db.exchange.sources import open_source
from db.foundations.actor import Actor
from db.foundations.models import Affiliation, Contact, Engagement, Organization
from db.rules.visibility import withholds_contact_details

ADMIN = Actor(id=None, username="exchange", role="admin")
REFERENCE_TABLES = ("region", "mission", "jurisdiction", "user", "program", "setting")


def copy_reference_data(source, target) -> None:
    """The tables an installation shares with the others (and imports do not bring)."""
    connection = sqlite3.connect(target)
    try:
        connection.execute("ATTACH DATABASE ? AS source", (str(source),))
        for table in REFERENCE_TABLES:
            connection.execute(f'DELETE FROM "{table}"')
            connection.execute(f'INSERT INTO "{table}" SELECT * FROM source."{table}"')
        connection.commit()
    finally:
        connection.close()


def _organizations(s: Session) -> dict:
    from db.rules.rows import tags_of
    from db.store.organizations import mechanisms_of

    rows = {}
    for o in s.exec(select(Organization).where(Organization.archived_at.is_(None))):
        rows[o.name] = (
            o.acronym, o.kind, o.status, o.priority, o.website, o.email, o.phone, o.address,
            o.city, o.region_code, o.mission_id, o.hometown_district, o.hometown_province,
            o.founded_year, o.members_estimate, o.description, o.created_at,
            tuple(mechanisms_of(s, o.id)), tuple(tags_of(s, o.id)),
        )  # fmt: skip
    return rows


def _contacts(s: Session) -> dict:
    from db.store.contacts import public_roles_of

    rows = {}
    for c in s.exec(select(Contact).where(Contact.archived_at.is_(None))):
        withheld = withholds_contact_details(c)  # exported without email and phone
        rows[(c.given_name, c.family_name, c.city, c.profession)] = (
            c.honorific, c.name_urdu, c.generation, c.region_code,
            "" if withheld else c.email, "" if withheld else c.phone,
            c.preferred_language, c.consent, c.consent_date, c.consent_source,
            c.do_not_contact, c.notes, c.created_at, tuple(public_roles_of(s, c.id)),
        )  # fmt: skip
    return rows


def _affiliations(s: Session) -> set:
    return {
        (c.given_name, c.family_name, c.city, o.name, a.role_title, a.is_primary, a.start_date,
         a.end_date)
        for a, c, o in s.exec(
            select(Affiliation, Contact, Organization)
            .join(Contact, Contact.id == Affiliation.contact_id)
            .join(Organization, Organization.id == Affiliation.organization_id)
        )
    }  # fmt: skip


def _engagements(s: Session) -> list:
    from db.rules.rows import linked_ids

    rows = []
    for e in s.exec(select(Engagement).where(Engagement.archived_at.is_(None))):
        organizations, contacts = linked_ids(s, e.id)
        rows.append(
            (
                e.date, e.kind, e.subject, e.summary, e.outcome, e.mission_id, e.officer_id,
                e.program_id, e.mechanism, e.follow_up_date, e.sensitivity,
                tuple(sorted(s.get(Organization, o).name for o in organizations)),
                tuple(sorted(
                    (s.get(Contact, c).given_name, s.get(Contact, c).family_name)
                    for c in contacts
                )),
            )
        )  # fmt: skip
    return sorted(rows, key=repr)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_every_list_exported_and_imported_comes_back_field_by_field(
    demo_path, demo_engine, migrated_template, tmp_path, file_format
):
    empty = tmp_path / "empty.db"
    empty.write_bytes(migrated_template.read_bytes())
    copy_reference_data(demo_path, empty)
    target = open_database(str(empty)).engine
    for kind in ("organizations", "contacts", "affiliations", "engagements"):
        path = tmp_path / f"{kind}.{file_format}"
        export_list(demo_engine, ADMIN, kind, path, include_withheld=True)
        source = open_source(path)
        mapping = suggest_mapping(kind, source.headers)
        # An affiliation the contact's row made already is completed by its own row.
        on_match = "update" if kind == "affiliations" else "add"
        imported = run_import(target, ADMIN, source, mapping, commit=True, on_match=on_match)
        assert imported.problems == [], (kind, imported.problems[:3])
        assert imported.committed
    with Session(demo_engine) as before, Session(target) as after:
        live = Contact.archived_at.is_(None)
        assert len(_contacts(before)) == len(before.exec(select(Contact.id).where(live)).all())
        assert len(_organizations(before)) > 50 and len(_engagements(before)) > 500
        assert _organizations(after) == _organizations(before)
        assert _contacts(after) == _contacts(before)
        assert _affiliations(after) == _affiliations(before)
        assert _engagements(after) == _engagements(before)
    target.dispose()
