"""A running window never loses the key it signed in with: a refused sign-in on the
same encrypted file (the lock screen, another user, a deactivated account) leaves the
open session's key in place, and every worker opens the file with that session's key."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from db import store
from db.foundations.engine import database_key, forget_database_key
from db.security.keyring import Keyring
from db.security.sign_in import SignInRefused, create_first_administrator, sign_in
from db.store.users import update_user
from desktop.tasks import DatabaseTask, start_task
from desktop.workspace import workspace_for
from tests.conftest import add_officer

PASSWORD = "correct horse battery"


@pytest.fixture
def encrypted(tmp_path):
    path = tmp_path / "rabta.db"
    signed_in = create_first_administrator(str(path), "admin", "Registry Admin", PASSWORD)
    with store.session(signed_in.opened.engine) as s:
        gone = add_officer(s, signed_in.actor, "gone", PASSWORD, "Left the mission")
        update_user(s, signed_in.actor, gone, {"active": False})
    # Their envelope back in the keyring, as a keyring older than the deactivation has
    # it (a file and keyring restored from different days): the password unlocks the
    # file, and only the account's row refuses the sign-in.
    keyring = Keyring.load(path)
    keyring.admit("gone", PASSWORD, database_key(str(path)))
    keyring.save()
    signed_in.opened.engine.dispose()
    forget_database_key(str(path))
    yield path
    forget_database_key(str(path))


def _count_users_on_a_worker(qtbot, workspace) -> object:
    outcome: list = []

    def work(engine, _report):
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM user")).scalar()

    task = DatabaseTask(workspace.address, work)
    task.signals.finished.connect(outcome.append)
    task.signals.failed.connect(lambda error, _details: outcome.append(error))
    start_task(task)
    qtbot.waitUntil(lambda: bool(outcome), timeout=10_000)
    return outcome[0]


def test_a_refused_sign_in_on_the_open_file_leaves_the_sessions_key(qtbot, encrypted):
    location = str(encrypted)
    signed_in = sign_in(location, "admin", PASSWORD)
    workspace = workspace_for(signed_in.opened, signed_in.actor)
    key = database_key(location)
    assert key is not None and workspace.key == key
    # The lock screen, or another person at the same laptop, types a deactivated account
    # with its right password: refused after the file was unlocked with its envelope.
    with pytest.raises(SignInRefused, match="deactivated"):
        sign_in(location, "gone", PASSWORD)
    assert database_key(location) == key  # not forgotten
    assert _count_users_on_a_worker(qtbot, workspace) == 2
    # Even with the process's key gone, workers open the file with the session's own.
    forget_database_key(location)
    assert _count_users_on_a_worker(qtbot, workspace) == 2
    signed_in.opened.engine.dispose()
