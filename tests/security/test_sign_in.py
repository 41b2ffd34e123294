"""Signing in to real database files: the first administrator, passwords, lockout, and
an encrypted file that shows nothing without a password."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from db import store
from db.foundations.clock import utc_now
from db.foundations.engine import forget_database_key
from db.foundations.errors import DatabaseUnavailable, EmptyDatabaseFile, ValidationError
from db.foundations.models import AuditEntry, User
from db.security.keyring import Keyring, keyring_path
from db.security.sign_in import (
    SignInRefused,
    create_first_administrator,
    lock_duration,
    needs_first_administrator,
    sign_in,
)
from db.store.users import change_own_password, reset_password, update_user
from tests.conftest import add_officer

PASSWORD = "correct horse battery"


@pytest.fixture
def encrypted(tmp_path):
    """A new encrypted database with its first administrator, signed out again."""
    path = tmp_path / "rabta.db"
    signed_in = create_first_administrator(str(path), "admin", "Registry Admin", PASSWORD)
    signed_in.opened.engine.dispose()
    forget_database_key(str(path))
    return path


def _actions(engine) -> list[str]:
    with Session(engine) as s:
        return list(s.exec(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_new_database_needs_its_first_administrator_and_is_encrypted(tmp_path, encrypted):
    assert needs_first_administrator(str(tmp_path / "new.db"))
    assert not needs_first_administrator(str(encrypted))
    assert encrypted.read_bytes()[:16] != b"SQLite format 3\x00"
    assert oct(keyring_path(encrypted).stat().st_mode & 0o777) == "0o600"
    with pytest.raises(DatabaseUnavailable, match="is encrypted: sign in to open it"):
        from db.database_file.migrate import open_database

        open_database(str(encrypted))
    with pytest.raises(SignInRefused, match="already has an administrator"):
        create_first_administrator(str(encrypted), "second", "Second", PASSWORD)


def test_signing_in_opens_the_encrypted_database_as_that_user(encrypted):
    signed_in = sign_in(str(encrypted), "Admin ", PASSWORD)
    try:
        assert signed_in.actor.username == "admin" and signed_in.actor.role == "admin"
        assert _actions(signed_in.opened.engine)[-2:] == ["first_administrator", "sign_in"]
    finally:
        signed_in.opened.engine.dispose()
        forget_database_key(str(encrypted))


def test_five_wrong_passwords_lock_the_account_and_every_attempt_is_audited(encrypted):
    now = utc_now()
    for attempt in range(5):
        with pytest.raises(SignInRefused, match="username or password is wrong"):
            sign_in(str(encrypted), "admin", f"wrong password {attempt}", now=now)
    with pytest.raises(SignInRefused, match="locked after 5 wrong passwords; try again in 1 min"):
        sign_in(str(encrypted), "admin", PASSWORD, now=now + timedelta(seconds=10))
    with pytest.raises(SignInRefused, match="username or password is wrong"):
        sign_in(str(encrypted), "nobody", PASSWORD, now=now)
    # After the lock, one more wrong password locks for twice as long.
    later = now + timedelta(minutes=2)
    with pytest.raises(SignInRefused, match="wrong"):
        sign_in(str(encrypted), "admin", "wrong again!!", now=later)
    with pytest.raises(SignInRefused, match="try again in 2 minutes"):
        sign_in(str(encrypted), "admin", PASSWORD, now=later)
    signed_in = sign_in(str(encrypted), "admin", PASSWORD, now=later + timedelta(minutes=3))
    try:
        actions = _actions(signed_in.opened.engine)
    finally:
        signed_in.opened.engine.dispose()
        forget_database_key(str(encrypted))
    assert actions[-10:] == [
        *["sign_in_failed"] * 5,
        "sign_in_refused_locked",
        "sign_in_failed",
        "sign_in_failed",
        "sign_in_refused_locked",
        "sign_in",
    ]
    kept = Keyring.load(encrypted)
    assert kept.unaudited == [] and "admin" not in kept.failures
    # The name no one has is counted (it locks as a real one would) under a digest only.
    assert list(kept.failures.values()) == [{"count": 1, "locked_until": None}]
    assert b"nobody" not in keyring_path(encrypted).read_bytes()


def test_lock_duration_grows_and_stops_at_an_hour():
    assert lock_duration(4) is None
    assert [lock_duration(n) for n in (5, 6, 7)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
    ]
    assert lock_duration(40) == timedelta(hours=1)


def test_a_user_the_administrator_adds_signs_in_and_must_change_the_password(encrypted):
    admin = sign_in(str(encrypted), "admin", PASSWORD)
    with store.session(admin.opened.engine) as s:
        user_id = add_officer(s, admin.actor, "a.zaidi", "first password 1", "Ayesha Zaidi")
    admin.opened.engine.dispose()
    forget_database_key(str(encrypted))
    officer = sign_in(str(encrypted), "a.zaidi", "first password 1")
    assert officer.must_change_password and officer.actor.role == "officer"
    with (
        pytest.raises(ValidationError, match="current password is wrong"),
        store.session(officer.opened.engine) as s,
    ):
        change_own_password(s, officer.actor, "not it at all", "my own password 2")
    with store.session(officer.opened.engine) as s:
        change_own_password(s, officer.actor, "first password 1", "my own password 2")
    officer.opened.engine.dispose()
    forget_database_key(str(encrypted))
    with pytest.raises(SignInRefused):
        sign_in(str(encrypted), "a.zaidi", "first password 1")
    again = sign_in(str(encrypted), "a.zaidi", "my own password 2")
    assert not again.must_change_password
    again.opened.engine.dispose()
    forget_database_key(str(encrypted))

    admin = sign_in(str(encrypted), "admin", PASSWORD)
    with store.session(admin.opened.engine) as s:
        reset_password(s, admin.actor, user_id, "reset password 3")
    with store.session(admin.opened.engine) as s:
        update_user(s, admin.actor, user_id, {"active": False})
    admin.opened.engine.dispose()
    forget_database_key(str(encrypted))
    assert "a.zaidi" not in Keyring.load(encrypted).envelopes
    with pytest.raises(SignInRefused, match="wrong"):
        sign_in(str(encrypted), "a.zaidi", "reset password 3")


def test_an_administrator_cannot_lock_themselves_out(encrypted):
    admin = sign_in(str(encrypted), "admin", PASSWORD)
    try:
        with (
            pytest.raises(ValidationError, match="cannot deactivate or demote yourself"),
            store.session(admin.opened.engine) as s,
        ):
            update_user(s, admin.actor, admin.actor.id, {"role": "officer"})
    finally:
        admin.opened.engine.dispose()
        forget_database_key(str(encrypted))


def test_a_plain_database_from_an_earlier_rabta_gets_an_administrator_and_checks_hashes(
    db_path,
):
    assert needs_first_administrator(str(db_path))
    first = create_first_administrator(str(db_path), "admin", "Admin", PASSWORD)
    first.opened.engine.dispose()
    assert db_path.read_bytes()[:16] == b"SQLite format 3\x00"  # kept plain until asked
    with pytest.raises(SignInRefused, match="wrong"):
        sign_in(str(db_path), "admin", "wrong password!")
    signed_in = sign_in(str(db_path), "admin", PASSWORD)
    with Session(signed_in.opened.engine) as s:
        admin = s.exec(select(User).where(User.username == "admin")).one()
        assert admin.password_hash.startswith("$argon2id$") and admin.failed_sign_ins == 0
    assert _actions(signed_in.opened.engine)[-2:] == ["sign_in_failed", "sign_in"]
    signed_in.opened.engine.dispose()


def test_an_empty_file_and_a_weak_password_are_refused(tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    with pytest.raises(EmptyDatabaseFile):
        create_first_administrator(str(empty), "admin", "Admin", PASSWORD)
    with pytest.raises(ValidationError, match="at least 10 characters"):
        create_first_administrator(str(tmp_path / "new.db"), "admin", "Admin", "short")
    assert not (tmp_path / "new.db").exists() and not keyring_path(tmp_path / "new.db").exists()
