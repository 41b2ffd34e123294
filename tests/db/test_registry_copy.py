"""A whole registry copied into an empty database on the other engine and back: every
row of every table comes back the same, the audit chain still verifies, search finds the
records, and new records get new ids. A registry that holds records is refused."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from db import store
from db.database_file.migrate import open_database
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.errors import ValidationError
from db.queries.audit import verify_audit_chain
from db.queries.search import search
from db.registry_sync.copy import copy_registry, registry_tables, table_digest
from db.store.organizations import create_organization


def _digests(location: str) -> dict[str, tuple[int, str]]:
    engine = open_database(location).engine
    try:
        return {table.name: table_digest(engine, table) for table in registry_tables()}
    finally:
        engine.dispose()


def test_the_demo_goes_to_an_empty_server_and_back_row_for_row(demo_path, pg_databases, tmp_path):
    server = pg_databases.blank()
    original = _digests(str(demo_path))
    source = open_database(str(demo_path)).engine
    steps: list[str] = []
    try:
        there = copy_registry(SYSTEM_ACTOR, source, server, progress=steps.append)
    finally:
        source.dispose()
    assert {t.name: (t.rows, t.sha256) for t in there.tables} == original
    assert there.rows > 4000 and "Copying engagement…" in steps

    engine = open_database(server).engine
    try:
        with Session(engine) as s:
            assert (
                verify_audit_chain(s, SYSTEM_ACTOR).broken_at is None
            )  # ids and hashes came along
            hits = search(s, "roshan digital", viewer=SYSTEM_ACTOR)
            assert hits["program"] and hits["engagement"]
        with store.session(engine) as s:  # the server numbers new records after the copied
            new_id = create_organization(
                s, SYSTEM_ACTOR, {"name": "Gilgit Circle", "kind": "cultural"}
            )
        assert new_id > original["organization"][0]
        back = tmp_path / "back.db"
        copy_registry(SYSTEM_ACTOR, engine, str(back), plain=True)
    finally:
        engine.dispose()
    returned = _digests(str(back))
    changed = {name for name in original if returned[name] != original[name]}
    assert changed == {"organization", "audit_entry"}  # the one organization added there
    assert returned["organization"][0] == original["organization"][0] + 1


def test_a_registry_that_holds_records_is_refused_untouched(demo_path, pg_databases):
    server = pg_databases.fresh("demo")
    before = _digests(server)
    source = open_database(str(demo_path)).engine
    try:
        with pytest.raises(ValidationError, match="only into an empty one"):
            copy_registry(SYSTEM_ACTOR, source, server)
    finally:
        source.dispose()
    assert _digests(server) == before
