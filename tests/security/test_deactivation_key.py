"""A deactivated user who kept a copy of the keys file: until the key changes it still
opens the file, so the change is due, said to administrators at sign-in and in the
Users panel, and once made the copy opens nothing."""

from __future__ import annotations

import shutil

import pytest
from sqlmodel import Session, select

from db import store
from db.foundations.engine import forget_database_key
from db.foundations.errors import DatabaseUnavailable
from db.foundations.models import User
from db.security.encryption import rotate_key
from db.security.keyring import Keyring, key_that_opens, keyring_path
from db.security.sign_in import create_first_administrator, sign_in
from db.store.users import update_user
from tests.conftest import add_officer

PASSWORD = "correct horse battery"
OFFICER_PASSWORD = "first password 1"


@pytest.fixture
def kept_copy(tmp_path):
    """An encrypted database, and the keys file an officer copied before being
    deactivated."""
    path = tmp_path / "rabta.db"
    admin = create_first_administrator(str(path), "admin", "Admin", PASSWORD)
    with store.session(admin.opened.engine) as s:
        officer = add_officer(
            s, admin.actor, "leaving.officer", OFFICER_PASSWORD, "Leaving Officer"
        )
    copy = tmp_path / "kept.keys"
    shutil.copyfile(keyring_path(path), copy)
    with store.session(admin.opened.engine) as s:
        update_user(s, admin.actor, officer, {"active": False})
    admin.opened.engine.dispose()
    forget_database_key(str(path))
    yield path, copy
    forget_database_key(str(path))


def _opens_with_the_copy(path, copy) -> bool:
    keys = Keyring.load(copy.with_suffix("")).open_keys("leaving.officer", OFFICER_PASSWORD)
    try:
        key_that_opens(path, keys)
    except DatabaseUnavailable:
        return False
    return True


def test_a_kept_copy_opens_nothing_once_the_key_changes(kept_copy):
    path, copy = kept_copy
    assert "leaving.officer" not in Keyring.load(path).envelopes
    assert Keyring.load(path).rotation_due == ["leaving.officer"]
    assert _opens_with_the_copy(path, copy)  # the reason the change is due

    admin = sign_in(str(path), "admin", PASSWORD)
    assert "The database key must be changed: leaving.officer was deactivated" in (
        " ".join(admin.warnings)
    )
    with Session(admin.opened.engine) as s:  # another window on the file
        s.exec(select(User.id)).all()
        with pytest.raises(DatabaseUnavailable, match="open in another Rabta window"):
            rotate_key(admin.actor, str(path), _other_engine(path))
    assert rotate_key(admin.actor, str(path), admin.opened.engine) == 1
    assert Keyring.load(path).rotation_due == []
    assert not _opens_with_the_copy(path, copy)
    admin.opened.engine.dispose()
    forget_database_key(str(path))
    again = sign_in(str(path), "admin", PASSWORD)
    assert again.warnings == ()
    again.opened.engine.dispose()


def _other_engine(path):
    from db.foundations.engine import create_database_engine

    return create_database_engine(str(path))
