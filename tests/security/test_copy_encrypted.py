"""A copy of the registry into a new file is encrypted: with the source's own key and
keyring when the source is encrypted (the same passwords open it), readable by its
owner only, and a copy cut short leaves nothing."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from db import store
from db.foundations.engine import forget_database_key
from db.foundations.errors import ValidationError
from db.foundations.models import Contact
from db.registry_sync.copy import copy_registry
from db.security.keyring import keyring_path
from db.security.sign_in import create_first_administrator, sign_in
from db.store.contacts import create_contact

PASSWORD = "correct horse battery"


def test_a_copy_of_an_encrypted_file_opens_with_the_same_passwords(tmp_path):
    source = tmp_path / "rabta.db"
    admin = create_first_administrator(str(source), "admin", "Admin", PASSWORD)
    with store.session(admin.opened.engine) as s:
        create_contact(s, admin.actor, {"given_name": "Nasreen", "family_name": "Akhtar"})
    target = tmp_path / "copy.db"
    copy_registry(admin.actor, admin.opened.engine, str(target))
    admin.opened.engine.dispose()
    forget_database_key(str(source))
    assert target.read_bytes()[:16] != b"SQLite format 3\x00"
    assert b"Akhtar" not in target.read_bytes()
    for written in (target, keyring_path(target)):
        assert oct(written.stat().st_mode & 0o777) == "0o600"
    copied = sign_in(str(target), "admin", PASSWORD)
    try:
        with Session(copied.opened.engine) as s:
            assert s.exec(select(Contact.family_name)).all() == ["Akhtar"]
    finally:
        copied.opened.engine.dispose()
        forget_database_key(str(target))


def test_a_copy_from_a_plain_source_needs_a_password_to_seal_it(tmp_path, engine):
    from db.foundations.actor import SYSTEM_ACTOR

    target = tmp_path / "copy.db"
    with pytest.raises(ValidationError, match="Type your password"):
        copy_registry(SYSTEM_ACTOR, engine, str(target))
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == []
