"""A file of personal data exists under its name only once its read-out is in the audit:
an export, a report or a subject-access export whose read-out cannot be recorded leaves
nothing behind, not even a partial file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from db import store
from db.exchange.exports import export_list
from db.foundations.actor import SYSTEM_ACTOR, Actor
from db.foundations.errors import ValidationError
from db.store.contacts import create_contact
from reports.produce import produce_subject_access

ADMIN = Actor(id=None, username="dpo.admin", role="admin")


def _refuse_audit_writes(engine: Engine) -> None:
    """From now on the audit takes no entry (a full disk, a locked file, a hostile hand)."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_entry "
                    "BEGIN SELECT RAISE(ABORT, 'the audit takes no entry'); END"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN "
                    "RAISE EXCEPTION 'the audit takes no entry'; END $$ LANGUAGE plpgsql"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_entry "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_audit()"
                )
            )


@pytest.fixture
def out(tmp_path) -> Path:
    folder = tmp_path / "out"  # the database's own files are in tmp_path
    folder.mkdir()
    return folder


@pytest.fixture
def person(engine) -> int:
    with store.session(engine) as s:
        return create_contact(
            s,
            SYSTEM_ACTOR,
            {"given_name": "Rukhsana", "family_name": "Jafri", "email": "rj@example.org"},
        )


@pytest.mark.parametrize("name", ["people.csv", "people.vcf", "people.xlsx"])
def test_an_export_whose_read_out_fails_leaves_no_file(engine, person, out, name):
    _refuse_audit_writes(engine)
    with pytest.raises(Exception, match="the audit takes no entry"):
        export_list(engine, ADMIN, "contacts", out / name)
    assert list(out.iterdir()) == []


def test_a_subject_access_export_whose_read_out_fails_leaves_neither_file(engine, person, out):
    _refuse_audit_writes(engine)
    with pytest.raises(Exception, match="the audit takes no entry"):
        produce_subject_access(engine, ADMIN, person, out / "held.pdf")
    assert list(out.iterdir()) == []


def test_a_subject_access_export_is_written_as_a_pdf_with_its_json_beside_it(engine, person, out):
    with pytest.raises(ValidationError, match="Name a PDF file"):
        produce_subject_access(engine, ADMIN, person, out / "held.json")
    assert list(out.iterdir()) == []
    produce_subject_access(engine, ADMIN, person, out / "held.pdf")
    assert sorted(p.name for p in out.iterdir()) == ["held.json", "held.pdf"]
