"""The audit chain: intact after real changes, and every quiet edit through sqlite3
(triggers dropped first) is found by `verify_audit_chain` and `rabta audit verify`."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from db import store
from db.foundations.actor import SYSTEM_ACTOR
from db.queries.audit import audit_chain_head, record_history, verify_audit_chain
from db.rules.audit_chain import value_digest
from db.store.organizations import create_organization, update_organization


def _verify(engine):
    with Session(engine) as s:
        return verify_audit_chain(s, SYSTEM_ACTOR)


@pytest.fixture
def changed(engine, officer):
    with store.session(engine) as s:
        org = create_organization(s, officer, {"name": "Houston Doctors Forum", "kind": "other"})
    with store.session(engine) as s:
        update_organization(s, officer, org, {"name": "Houston Physicians Forum"})
    return org


def _raw(db_path) -> sqlite3.Connection:
    connection = sqlite3.connect(db_path)
    connection.isolation_level = None
    return connection


def test_real_changes_keep_the_chain_intact_and_tell_their_history(engine, officer, changed):
    chain = _verify(engine)
    assert chain.intact and chain.entries >= 4
    with Session(engine) as s:
        assert audit_chain_head(s) == chain.head
        history = record_history(s, officer, "organization", changed)
    assert [entry.action for entry in history] == ["update", "create"]
    (renamed,) = [c for c in history[0].changes if c.field == "name"]
    assert (renamed.old, renamed.new) == ("Houston Doctors Forum", "Houston Physicians Forum")
    assert history[0].username == "officer"


def test_the_triggers_refuse_update_and_delete(db_path, engine, changed):
    raw = _raw(db_path)
    with pytest.raises(sqlite3.DatabaseError, match="cannot be changed"):
        raw.execute("UPDATE audit_entry SET username = 'someone.else' WHERE id = 2")
    with pytest.raises(sqlite3.DatabaseError, match="cannot be deleted"):
        raw.execute("DELETE FROM audit_entry WHERE id = 2")
    raw.close()
    assert _verify(engine).intact


@pytest.mark.parametrize(
    ("edit", "finds"),
    [
        ("UPDATE audit_entry SET username = 'someone.else' WHERE id = {mid}", "does not match"),
        (
            "UPDATE audit_entry SET changes = replace(changes, 'Doctors', 'Dentists') "
            "WHERE id = {last}",
            "does not match",
        ),
        ("DELETE FROM audit_entry WHERE id = {mid}", "does not follow"),
        ("UPDATE audit_entry SET at = '2020-01-01 00:00:00.000000' WHERE id = {mid}", "match"),
    ],
    ids=["who", "a changed value", "a removed entry", "when"],
)
def test_a_quiet_edit_with_the_triggers_dropped_is_found(db_path, engine, changed, edit, finds):
    raw = _raw(db_path)
    last = raw.execute("SELECT max(id) FROM audit_entry").fetchone()[0]
    mid = last - 1
    raw.execute("DROP TRIGGER audit_entry_refuse_update")
    raw.execute("DROP TRIGGER audit_entry_refuse_delete")
    raw.execute(edit.format(mid=mid, last=last))
    raw.close()
    chain = _verify(engine)
    assert not chain.intact
    assert chain.broken_at in (mid, last) and finds in chain.problem


def test_the_command_line_names_the_broken_entry(tmp_path, demo_path):
    from tests.conftest import TEST_PASSWORD, ensure_user
    from tests.test_cli import password_file, rabta

    ensure_user(demo_path, "r.sheikh.sup", "supervisor")
    credentials = ("--user", "r.sheikh.sup", "--password-file", password_file(tmp_path))
    assert TEST_PASSWORD
    intact = rabta("audit", "verify", "--db", str(demo_path), *credentials)
    assert intact.returncode == 0 and "The audit chain is intact" in intact.stdout
    raw = _raw(demo_path)
    raw.execute("DROP TRIGGER audit_entry_refuse_update")
    raw.execute("UPDATE audit_entry SET action = 'restore' WHERE id = 40")
    raw.close()
    broken = rabta("audit", "verify", "--db", str(demo_path), *credentials)
    assert broken.returncode == 1
    assert "The audit chain is broken: entry 40 (restore" in broken.stdout
    assert "Entries up to entry 39" in broken.stdout


@given(
    st.one_of(
        st.text(),
        st.none(),
        st.booleans(),
        st.integers(),
        st.lists(st.text(max_size=5), max_size=3),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    )
)
def test_a_values_digest_is_that_of_its_json(value):
    # Stored chains depend on this format; the shortcut for text must not change it.
    encoded = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert value_digest(value) == hashlib.sha256(encoded.encode("utf-8")).hexdigest()
