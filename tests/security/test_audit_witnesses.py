"""A chain cut short or rewritten by someone holding the file and a key: the chain still
verifies on its own, but it disagrees with its witnesses (the keys file, which notes the
head at every change, and the backups), and `rabta audit verify` and `rabta check` say
so in a sentence naming the witness."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from cli.run import run
from db import store
from db.database_file.backups import take_backup
from db.database_file.health import chain_witnesses, check_database
from db.database_file.witnesses import witnessed_problem
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.engine import (
    connect_sqlite_file,
    create_database_engine,
    forget_database_key,
    remember_database_key,
)
from db.foundations.signing import Signer
from db.queries.audit import verify_audit_chain
from db.security.keyring import Keyring, keyring_path
from db.security.sign_in import create_first_administrator
from db.store.contacts import create_contact
from tests.security.chain_forgery import rehash_from

PASSWORD = "correct horse battery"


@pytest.fixture
def witnessed(tmp_path):
    """An encrypted file with 60 contacts added one by one, a backup in the middle; the
    key a user holding the file obtains by signing in."""
    path = tmp_path / "rabta.db"
    admin = create_first_administrator(str(path), "admin", "Admin", PASSWORD)
    for n in range(60):
        with store.session(admin.opened.engine) as s:
            create_contact(s, admin.actor, {"given_name": f"Person {n}", "family_name": "Khan"})
        if n == 30:
            take_backup(str(path), kind="manual")
    key = Keyring.load(path).open_keys("admin", PASSWORD)[0]
    admin.opened.engine.dispose()
    forget_database_key(str(path))
    yield path, key
    forget_database_key(str(path))


def _tampered(path, key, *statements: str) -> None:
    raw = connect_sqlite_file(path, key=key)
    raw.execute("DROP TRIGGER audit_entry_refuse_update")
    raw.execute("DROP TRIGGER audit_entry_refuse_delete")
    for statement in statements:
        raw.execute(statement)
    raw.close()


def _rehashed_from(path, key, first: int) -> None:
    """Recompute every hash from entry `first` on, and sign again what was signed, as a
    careful forger who wrote every entry since would (all are the administrator's)."""
    _keys, signing_key = Keyring.load(path).envelopes["admin"].unlock("admin", PASSWORD)
    raw = connect_sqlite_file(path, key=key)
    rehash_from(raw, first, Signer(1, signing_key))
    raw.close()


def _verdicts(path, key):
    """(the chain on its own, the chain against its witnesses, rabta check's report),
    read with the key without signing in (a sign-in writes to the chain)."""
    remember_database_key(str(path), key)
    engine = create_database_engine(str(path))
    try:
        with Session(engine) as s:
            alone = verify_audit_chain(s, SYSTEM_ACTOR)
            problem = witnessed_problem(s, chain_witnesses(s, engine))
        checked = check_database(engine, SYSTEM_ACTOR)
    finally:
        engine.dispose()
        forget_database_key(str(path))
    return alone, problem, checked


def test_an_untouched_chain_agrees_with_its_witnesses(witnessed):
    path, key = witnessed
    alone, problem, checked = _verdicts(path, key)
    assert alone.intact and problem is None and checked.healthy
    assert any("as 2 witnesses saw it" in fact for fact in checked.facts)


@pytest.mark.parametrize("removed", [1, 50])
def test_entries_removed_from_the_end_are_noticed(witnessed, removed):
    path, key = witnessed
    last = _last_id(path, key)
    _tampered(path, key, f"DELETE FROM audit_entry WHERE id > {last - removed}")
    alone, problem, checked = _verdicts(path, key)
    assert alone.intact  # the chain alone cannot tell
    assert problem == (
        f"the chain ends at {last - removed:,}; the keys file saw {last:,}: entries were "
        "removed from its end"
    )
    assert not checked.healthy


def test_a_rewritten_entry_with_every_hash_recomputed_is_noticed(witnessed, capsys):
    path, key = witnessed
    _tampered(
        path,
        key,
        "UPDATE audit_entry SET username = 'someone.else' WHERE id = 20",
    )
    _rehashed_from(path, key, 20)
    alone, problem, _checked = _verdicts(path, key)
    assert alone.intact
    assert problem is not None and "was rewritten from there or before" in problem
    secret = path.parent / "password"
    secret.write_text(PASSWORD)
    secret.chmod(0o600)
    code = run(
        ["audit", "verify", "--db", str(path), "--user", "admin", "--password-file", str(secret)]
    )
    assert code == 1
    said = capsys.readouterr()
    assert "not the one its witnesses saw" in said.out
    assert "The audit log is not the one the keys file saw" in said.err  # at the sign-in


def test_with_the_keys_file_rewritten_too_a_backup_still_witnesses(witnessed):
    path, key = witnessed
    last = _last_id(path, key)
    _tampered(path, key, "DELETE FROM audit_entry WHERE id > 20")
    with Keyring.changed(path) as keyring:  # the forger edits the keys file's head too
        keyring.audit_head = {}
    _alone, problem, _checked = _verdicts(path, key)
    assert problem is not None and problem.startswith("the chain ends at 20; a backup of")
    assert problem.endswith("saw 32: entries were removed from its end") and last > 32


def _last_id(path, key) -> int:
    raw = connect_sqlite_file(path, key=key)
    try:
        return raw.execute("SELECT max(id) FROM audit_entry").fetchone()[0]
    finally:
        raw.close()


def test_the_keys_file_notes_the_head_after_every_change(witnessed):
    path, key = witnessed
    head = Keyring.load(path).audit_head
    assert head["id"] == _last_id(path, key)
    assert "hash" in json.loads(keyring_path(path).read_text())["audit_head"]


def test_after_a_restore_the_witnesses_of_the_replaced_chain_are_set_aside(witnessed, tmp_path):
    from db.database_file.backups import list_backups, record_counts
    from db.database_file.restore import restore_backup
    from db.foundations.actor import Actor

    path, key = witnessed
    (backup,) = [b.path for b in list_backups(str(path)) if b.kind == "manual"]
    remember_database_key(str(path), key)
    _keys, signing_key = Keyring.load(path).envelopes["admin"].unlock("admin", PASSWORD)
    admin = Actor(id=1, username="admin", role="admin", signer=Signer(1, signing_key))
    restore_backup(admin, str(path), backup, password=PASSWORD)
    _alone, problem, checked = _verdicts(path, Keyring.load(path).open_keys("admin", PASSWORD)[0])
    assert problem is None and checked.healthy
    (replaced,) = [b.path for b in list_backups(str(path)) if b.kind == "replaced"]
    assert record_counts(replaced, key)["contact"] == 60  # as the Backups panel lists it
    assert not list(tmp_path.glob("*replaced.db-shm"))  # backups are read untouched
