"""A process killed while the first administrator is created leaves either nothing or a
database and keyring that open together: never an encrypted file without its keys."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db.foundations.engine import forget_database_key
from db.security.keyring import keyring_path
from db.security.sign_in import create_first_administrator, needs_first_administrator, sign_in

PASSWORD = "correct horse battery"
ROOT = Path(__file__).resolve().parents[2]

KILLED_AT = """
import os, pathlib, sys
import db.store.audit
from db.security.sign_in import create_first_administrator

where = sys.argv[2]
real_replace, real_audit = pathlib.Path.replace, db.store.audit.record_audit

def replace(self, target):
    if where == "before the file moves" and self.name.endswith(".creating"):
        os._exit(9)
    moved = real_replace(self, target)
    if where == "between the file and its keys" and self.name.endswith(".creating"):
        os._exit(9)
    return moved

def record_audit(*args, **kwargs):
    if where == "while the file is written":
        os._exit(9)
    return real_audit(*args, **kwargs)

pathlib.Path.replace = replace
import db.security.sign_in
db.security.sign_in.record_audit = record_audit
create_first_administrator(sys.argv[1], "admin", "Admin", "correct horse battery")
"""


def _usable_or_new(path: Path) -> str:
    """'new' when the path may be created afresh (and is, here), 'whole' when it opens."""
    try:
        if needs_first_administrator(str(path)):
            made = create_first_administrator(str(path), "admin", "Admin", PASSWORD)
            made.opened.engine.dispose()
            outcome = "new"
        else:
            outcome = "whole"
        signed_in = sign_in(str(path), "admin", PASSWORD)
        signed_in.opened.engine.dispose()
        return outcome
    finally:
        forget_database_key(str(path))


@pytest.mark.parametrize(
    "where",
    ["while the file is written", "before the file moves", "between the file and its keys"],
)
def test_a_creation_killed_at_each_step_leaves_nothing_or_a_pair(tmp_path, where):
    path = tmp_path / "rabta.db"
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AT, str(path), where],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert killed.returncode == 9
    expected = "whole" if where == "between the file and its keys" else "new"
    assert _usable_or_new(path) == expected
    assert path.exists() and keyring_path(path).exists()
    assert sorted(p.name for p in tmp_path.iterdir() if "creating" in p.name) == []


@pytest.mark.parametrize("after_seconds", [0.5, 0.9, 1.3])
def test_demo_killed_at_any_moment_leaves_nothing_or_a_pair(tmp_path, after_seconds):
    path = tmp_path / "demo.db"
    secret = tmp_path / "password"
    secret.write_text(PASSWORD)
    secret.chmod(0o600)
    demo = subprocess.Popen(
        [
            sys.executable,
            "main.py",
            "demo",
            "--db",
            str(path),
            "--user",
            "admin",
            *(
                "--password-file",
                str(secret),
            ),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(after_seconds)
    demo.send_signal(signal.SIGKILL)
    demo.wait()
    if path.exists() and path.stat().st_size:
        assert keyring_path(path).exists() or (
            keyring_path(path.with_name(path.name + ".creating")).exists()
        ), "an encrypted file without its keys"
    assert _usable_or_new(path) in ("new", "whole")
