"""Signed audit entries: an entry written straight into the database in another user's
name, with a correct hash, is found by `verify_audit_chain`, on both engines; so is an
entry rewritten and every hash after it recomputed, on the encrypted file opened with a
viewer's key. A user's own entries, signed by their own key, verify."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import insert, select
from sqlmodel import Session

from cli.run import run
from db import store
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.clock import utc_now
from db.foundations.engine import connect_sqlite_file, forget_database_key
from db.foundations.models import AuditEntry
from db.foundations.signing import Signer, new_signing_key, public_text
from db.queries.audit import verify_audit_chain
from db.rules.audit_chain import ChainedFields, chain_pepper, entry_hash
from db.security.keyring import Keyring
from db.security.sign_in import create_first_administrator, sign_in
from db.store.contacts import create_contact
from db.store.users import change_own_password, create_user
from tests.conftest import add_officer
from tests.security.chain_forgery import rehash_from

ADMIN_PASSWORD = "correct horse battery"
OFFICER_FIRST = "first password 1"
OFFICER_PASSWORD = "officer's own password"
VIEWER_PASSWORD = "viewer's own password"


def _location(engine) -> str:
    url = engine.url
    return url.database if url.get_backend_name() == "sqlite" else url.render_as_string(False)


def _signed_in_team(location: str):
    """An administrator, an officer who changed their first password and logged a
    contact, and a viewer; each signed in (their signing keys in hand)."""
    admin = create_first_administrator(location, "admin", "Admin", ADMIN_PASSWORD)
    engine = admin.opened.engine
    with store.session(engine) as s:
        add_officer(s, admin.actor, "wasim.officer", OFFICER_FIRST)
        create_user(
            s,
            admin.actor,
            {
                "username": "vera.viewer",
                "display_name": "Vera Viewer",
                "role": "viewer",
                "commission_wide": True,
                "password": VIEWER_PASSWORD,
            },
        )
    officer = sign_in(location, "wasim.officer", OFFICER_FIRST)
    with store.session(officer.opened.engine) as s:
        change_own_password(s, officer.actor, OFFICER_FIRST, OFFICER_PASSWORD)
    with store.session(officer.opened.engine) as s:
        create_contact(s, officer.actor, {"given_name": "Sana", "family_name": "Qureshi"})
    viewer = sign_in(location, "vera.viewer", VIEWER_PASSWORD)
    return admin, officer, viewer


def _verify(engine):
    with Session(engine) as s:
        return verify_audit_chain(s, SYSTEM_ACTOR)


def _append(
    engine,
    *,
    user_id,
    username,
    action="update",
    entity_id=None,
    changes=None,
    signer: Signer | None = None,
    signed_by=None,
) -> None:
    """Append an entry with a correct hash, straight into the database."""
    with engine.begin() as connection:
        last_id, last_hash = connection.execute(
            select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
        ).one()
        fields = ChainedFields(
            id=last_id + 1,
            at=utc_now(),
            user_id=user_id,
            username=username,
            action=action,
            entity_type="user" if changes and "signing_key" in changes else "contact",
            entity_id=entity_id or 1,
            entity_uid=None,
            changes=json.dumps(changes or {"family_name": ["Qureshi", "Quraishi"]}),
            version=2,
        )
        with Session(bind=connection) as s:
            pepper = chain_pepper(s)  # a forger holding the file reads it too
        digest = entry_hash(fields, last_hash, pepper)
        connection.execute(
            insert(AuditEntry.__table__),
            {
                **{k: v for k, v in vars(fields).items() if k != "version"},
                "chain_version": 2,
                "previous_hash": last_hash,
                "entry_hash": digest,
                "signed_by": signed_by,
                "signature": signer.sign(digest) if signer else None,
            },
        )


def test_signed_in_users_sign_what_they_write_and_the_chain_verifies(engine):
    admin, officer, viewer = _signed_in_team(_location(engine))
    chain = _verify(engine)
    assert chain.intact, chain.problem
    assert chain.signed >= 6 and chain.unsigned_tail == 0 and chain.self_introduced == ()
    with Session(engine) as s:
        rows = s.exec(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    (first,) = [row for row in rows if row.action == "first_administrator"]
    (changed,) = [row for row in rows if row.action == "change_password"]
    assert first.signed_by == admin.actor.id and first.signature
    assert changed.signed_by == officer.actor.id  # signed by the key it replaces
    key_pair = json.loads(changed.changes)["signing_key"]
    assert key_pair[0] != key_pair[1] and officer.actor.signer.public == key_pair[1]
    for opened in (admin, officer, viewer):
        opened.opened.engine.dispose()


FORGERIES = {
    "in another's name, unsigned": (
        lambda team: {"user_id": team[0].actor.id, "username": "admin"},
        "without their signature",
    ),
    "in another's name, signed with one's own key": (
        lambda team: {
            "user_id": team[0].actor.id,
            "username": "admin",
            "signer": team[2].actor.signer,
            "signed_by": team[2].actor.id,
        },
        "signed by user #",
    ),
    "in another's name, claiming their signature": (
        lambda team: {
            "user_id": team[0].actor.id,
            "username": "admin",
            "signer": team[2].actor.signer,
            "signed_by": team[0].actor.id,
        },
        "does not carry",
    ),
    "a new key for the administrator, signed by the viewer": (
        lambda team: {
            "user_id": team[2].actor.id,
            "username": "vera.viewer",
            "entity_id": team[0].actor.id,
            "changes": {"signing_key": [None, public_text(new_signing_key())]},
            "signer": team[2].actor.signer,
            "signed_by": team[2].actor.id,
        },
        "who is not an administrator",
    ),
    "a new key for the administrator, unsigned": (
        lambda team: {
            "user_id": None,
            "username": "rabta",
            "entity_id": team[0].actor.id,
            "changes": {"signing_key": [None, public_text(new_signing_key())]},
        },
        "with no signature of an administrator",
    ),
}


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_an_entry_appended_with_a_correct_hash_is_found(engine, forgery):
    team = _signed_in_team(_location(engine))
    assert _verify(engine).intact
    made, finds = FORGERIES[forgery]
    _append(engine, **made(team))
    chain = _verify(engine)
    assert not chain.intact and finds in chain.problem
    for opened in team:
        opened.opened.engine.dispose()


def test_ones_own_entry_signed_with_ones_own_key_verifies(engine):
    team = _signed_in_team(_location(engine))
    viewer = team[2]
    _append(
        engine,
        user_id=viewer.actor.id,
        username="vera.viewer",
        signer=viewer.actor.signer,
        signed_by=viewer.actor.id,
    )
    assert _verify(engine).intact  # theirs, signed: the log says who did it
    for opened in team:
        opened.opened.engine.dispose()


def test_a_rewritten_entry_rehashed_with_a_viewers_key_is_found(tmp_path, capsys):
    path = tmp_path / "rabta.db"
    team = _signed_in_team(str(path))
    for opened in team:
        opened.opened.engine.dispose()
    forget_database_key(str(path))
    key = Keyring.load(path).open_keys("vera.viewer", VIEWER_PASSWORD)[0]
    raw = connect_sqlite_file(path, key=key)
    raw.execute("DROP TRIGGER audit_entry_refuse_update")
    (target,) = raw.execute(
        "SELECT id FROM audit_entry WHERE action = 'create' AND entity_type = 'contact'"
    ).fetchone()
    raw.execute(
        "UPDATE audit_entry SET changes = replace(changes, 'Qureshi', 'Quraishi') WHERE id = ?",
        (target,),
    )
    rehash_from(raw, target)  # the viewer holds no one else's key
    raw.close()
    secret = tmp_path / "password"
    secret.write_text(ADMIN_PASSWORD)
    secret.chmod(0o600)
    code = run(
        ["audit", "verify", "--db", str(path), "--user", "admin", "--password-file", str(secret)]
    )
    said = capsys.readouterr().out
    assert code == 1
    assert f"entry {target}" in said and "does not carry" in said and "re-hashed" in said


def test_a_user_from_before_signatures_introduces_a_key_at_sign_in(db_path):
    from db.foundations.models import User
    from db.security.passwords import hash_password

    engine = create_first_administrator(str(db_path), "admin", "Admin", ADMIN_PASSWORD)
    with store.session(engine.opened.engine) as s:  # a password, as an earlier Rabta set it
        old_hand = create_user(
            s,
            engine.actor,
            {
                "username": "old.hand",
                "display_name": "Old Hand",
                "role": "officer",
                "commission_wide": True,
            },
        )
        s.get(User, old_hand).password_hash = hash_password(OFFICER_PASSWORD)
    engine.opened.engine.dispose()
    signed_in = sign_in(str(db_path), "old.hand", OFFICER_PASSWORD)
    with store.session(signed_in.opened.engine) as s:
        create_contact(s, signed_in.actor, {"given_name": "Imran", "family_name": "Butt"})
    chain = _verify(signed_in.opened.engine)
    signed_in.opened.engine.dispose()
    assert chain.intact and chain.self_introduced == ("old.hand",)
    assert "introduced by its owner" in chain.signatures
    again = sign_in(str(db_path), "old.hand", OFFICER_PASSWORD)  # the same key, kept
    assert _verify(again.opened.engine).self_introduced == ("old.hand",)
    again.opened.engine.dispose()
