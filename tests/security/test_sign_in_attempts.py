"""Every sign-in attempt counts and reaches the audit, however many come at once and
whatever is done to the keys file in between; a name no one has answers as a real one
does, and is never stored as typed (it may be a password typed into the wrong box)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from db.foundations.clock import utc_now
from db.foundations.engine import forget_database_key
from db.foundations.models import AuditEntry
from db.security.keyring import Keyring, keyring_path
from db.security.sign_in import (
    UNKNOWN_NAME,
    SignInRefused,
    create_first_administrator,
    sign_in,
)
from tests.conftest import ensure_user

PASSWORD = "correct horse battery"
TYPED_IN_THE_USER_BOX = "my secret passphrase 42"
ROOT = Path(__file__).resolve().parents[2]

GUESS = """
import sys
from db.security.sign_in import SignInRefused, sign_in
try:
    sign_in(sys.argv[1], "admin", "a wrong guess " + sys.argv[2])
except SignInRefused as refusal:
    print(refusal)
"""


@pytest.fixture
def encrypted(tmp_path) -> Path:
    path = tmp_path / "rabta.db"
    made = create_first_administrator(str(path), "admin", "Admin", PASSWORD)
    made.opened.engine.dispose()
    forget_database_key(str(path))
    return path


def _signed_in_later(path: Path, *, hours: int = 2):
    """Sign in once any lock is over; the audit's actions since the last sign-in, and
    what the sign-in said."""
    signed_in = sign_in(str(path), "admin", PASSWORD, now=utc_now() + timedelta(hours=hours))
    try:
        with Session(signed_in.opened.engine) as s:
            entries = s.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    finally:
        signed_in.opened.engine.dispose()
        forget_database_key(str(path))
    return entries, signed_in.warnings


def test_twelve_guesses_at_once_are_all_counted_and_audited(encrypted):
    guesses = [
        subprocess.Popen(
            [sys.executable, "-c", GUESS, str(encrypted), str(n)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(12)
    ]
    answers = [guess.communicate(timeout=120)[0] for guess in guesses]
    assert sum("password is wrong" in answer for answer in answers) == 5
    assert sum("locked" in answer for answer in answers) == 7
    entries, warnings = _signed_in_later(encrypted)
    attempts = [e.action for e in entries if e.action.startswith("sign_in_")]
    assert len(attempts) == 12 and attempts.count("sign_in_failed") == 5
    assert warnings == ()


def test_failures_removed_from_the_keys_file_are_noticed(encrypted):
    _signed_in_later(encrypted, hours=0)  # the database notes the keyring
    for n in range(3):
        with pytest.raises(SignInRefused):
            sign_in(str(encrypted), "admin", f"wrong {n}")
    with Keyring.changed(encrypted) as keyring:  # a hand clearing the record
        keyring.failures.clear()
        keyring.unaudited.clear()
    entries, warnings = _signed_in_later(encrypted)
    assert "3 failed sign-ins were removed" in " ".join(warnings)
    assert entries[-2].action == "sign_in_attempts_removed"


def test_an_older_keys_file_copied_back_is_noticed(encrypted, tmp_path):
    older = tmp_path / "older.keys"
    shutil.copyfile(keyring_path(encrypted), older)
    _signed_in_later(encrypted, hours=0)
    for n in range(5):
        with pytest.raises(SignInRefused):
            sign_in(str(encrypted), "admin", f"wrong {n}")
    shutil.copyfile(older, keyring_path(encrypted))  # the lock undone
    entries, warnings = _signed_in_later(encrypted, hours=0)
    assert "older than the database's own record" in " ".join(warnings)
    assert "keyring_older_than_database" in [e.action for e in entries]


def _answers(path: Path, name: str) -> list[str]:
    said = []
    for n in range(6):
        with pytest.raises(SignInRefused) as refused:
            sign_in(str(path), name, f"wrong password {n}")
        said.append("locked" if "locked" in str(refused.value) else "wrong")
    return said


def test_a_name_no_one_has_answers_as_a_real_one_and_is_never_kept(encrypted):
    assert _answers(encrypted, "admin") == _answers(encrypted, TYPED_IN_THE_USER_BOX)
    assert TYPED_IN_THE_USER_BOX.encode() not in keyring_path(encrypted).read_bytes()
    entries, _warnings = _signed_in_later(encrypted)
    assert UNKNOWN_NAME in {e.username for e in entries}
    assert not any(TYPED_IN_THE_USER_BOX in (e.username + (e.changes or "")) for e in entries)


def test_on_a_plain_file_too_a_name_no_one_has_answers_as_a_real_one(db_path):
    ensure_user(db_path, "admin", role="admin", password=PASSWORD)
    assert _answers(db_path, "admin") == _answers(db_path, TYPED_IN_THE_USER_BOX)
    assert TYPED_IN_THE_USER_BOX.encode() not in db_path.read_bytes()
    wal = Path(f"{db_path}-wal")
    assert not wal.exists() or TYPED_IN_THE_USER_BOX.encode() not in wal.read_bytes()
