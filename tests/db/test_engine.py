"""Where the database is, and the sentences a user gets when it cannot be used."""

from __future__ import annotations

import os
import sqlite3
import traceback

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from db import store
from db.database_file.migrate import open_database
from db.foundations.engine import default_database_path, resolve_database_location, roomy_page_cache
from db.foundations.errors import DatabaseUnavailable, explain_database_error
from db.foundations.models import Contact
from db.store.contacts import create_contact


def test_location_prefers_flag_then_environment_then_user_data_dir(tmp_path):
    flag, env = str(tmp_path / "flag.db"), str(tmp_path / "env.db")
    assert resolve_database_location(flag, {"RABTA_DB": env}) == flag
    assert resolve_database_location(None, {"RABTA_DB": env}) == env
    assert resolve_database_location(None, {}) == str(default_database_path())
    assert resolve_database_location("postgresql://h/rabta", {}) == "postgresql://h/rabta"


def test_missing_file_and_folder_are_created(tmp_path):
    target = tmp_path / "new" / "folder" / "rabta.db"
    opened = open_database(str(target))
    opened.engine.dispose()
    assert opened.created and target.exists()


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path):
    target = tmp_path / "notes.db"
    target.write_text("these are my notes, not a database\n" * 10)
    before = target.read_bytes()
    with pytest.raises(DatabaseUnavailable, match="is not a Rabta database"):
        open_database(str(target))
    assert target.read_bytes() == before


def test_a_sqlite_file_of_another_program_is_refused(tmp_path):
    target = tmp_path / "other.sqlite"
    with sqlite3.connect(target) as raw:
        raw.execute("CREATE TABLE songs (title TEXT)")
    with pytest.raises(DatabaseUnavailable, match="another program"):
        open_database(str(target))


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(DatabaseUnavailable, match="is a folder"):
        open_database(str(tmp_path))


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only files")
def test_a_read_only_database_is_refused(db_path):
    db_path.chmod(0o444)
    try:
        with pytest.raises(DatabaseUnavailable, match="read-only"):
            open_database(str(db_path))
    finally:
        db_path.chmod(0o644)


def test_a_write_refused_by_the_file_system_becomes_a_sentence(db_path):
    read_only = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as raised:
        read_only.execute("INSERT INTO tag (name) VALUES ('x')")
    explained = explain_database_error(raised.value, str(db_path))
    assert explained is not None and "read-only" in str(explained)


def test_a_failed_statement_carries_no_personal_data(engine, officer):
    """What reaches rabta.log or a traceback names no one: statement parameters are hidden."""
    with store.session(engine) as s:
        taken_uid = s.get(Contact, create_contact(s, officer, {"given_name": "Known"})).uid
    person = {
        "given_name": "Shahida",
        "family_name": "Secretkhan",
        "email": "shahida.secretkhan@example.org",
        "phone": "+17135550147",
        "notes": "Asked for help with a visa refusal",
    }
    with pytest.raises(IntegrityError) as caught, Session(engine) as s:
        s.add(Contact(uid=taken_uid, **person))  # a clash the store's checks cannot foresee
        s.commit()
    told = "".join(traceback.format_exception(caught.value))
    assert "hidden" in told
    for value in person.values():
        assert value not in told


@pytest.mark.sqlite_only("SQLite's page cache")
def test_a_roomy_page_cache_is_given_back(engine):
    with engine.connect() as connection:
        before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        with roomy_page_cache(connection, megabytes=64):
            assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -65536
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == before


@pytest.mark.postgresql_only
def test_a_server_connection_names_rabta_and_bounds_its_statements(engine):
    with engine.connect() as connection:
        name = connection.exec_driver_sql("SHOW application_name").scalar()
        limit = connection.exec_driver_sql("SHOW statement_timeout").scalar()
    assert (name, limit) == ("Rabta", "5min")
