"""Every file Rabta writes is readable by its owner only (mode 600 on POSIX): the
database and its -wal and -shm, the keyring, backups, exports in every format, the
import problems file, reports, subject-access files, registry copies and the log.
Each writer is run here under the usual umask 022, which left them 644 before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from db.database_file.backups import take_backup
from db.database_file.migrate import open_database
from db.exchange.exports import export_list
from db.exchange.imports import run_import, write_problem_file
from db.exchange.mapping import suggest_mapping
from db.exchange.sources import open_source
from db.foundations import clock
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.periods import quarter_containing
from db.registry_sync.copy import copy_registry
from db.security.keyring import keyring_path
from db.security.sign_in import create_first_administrator
from reports.produce import produce_quarterly_report, produce_subject_access
from tests.test_cli import password_file

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


@pytest.fixture(autouse=True)
def usual_umask():
    """Files created under umask 022 are 644 unless Rabta makes them private itself."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def _mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


def _owner_only(*paths: Path) -> None:
    modes = {str(path.name): _mode(path) for path in paths if path.exists()}
    assert modes and set(modes.values()) == {"0o600"}, modes


def test_a_new_database_its_keyring_and_a_file_from_before_are_private(tmp_path):
    signed_in = create_first_administrator(
        str(tmp_path / "rabta.db"), "admin", "Admin", "correct horse battery"
    )
    path = tmp_path / "rabta.db"
    _owner_only(path, keyring_path(path), Path(f"{path}-wal"), Path(f"{path}-shm"))
    signed_in.opened.engine.dispose()
    older = tmp_path / "older.db"
    open_database(str(older)).engine.dispose()
    older.chmod(0o644)  # as an earlier Rabta left it
    open_database(str(older)).engine.dispose()
    _owner_only(older)


def test_backups_exports_problems_reports_and_copies_are_private(demo_path, tmp_path):
    engine = open_database(str(demo_path)).engine
    try:
        written = [take_backup(str(demo_path), tmp_path, kind="manual")]
        for kind, name in (
            ("contacts", "contacts.csv"),
            ("contacts", "contacts.xlsx"),
            ("contacts", "contacts.vcf"),
            ("engagements", "follow-ups.ics"),
        ):
            written.append(export_list(engine, SYSTEM_ACTOR, kind, tmp_path / name).path)
        people = tmp_path / "people.csv"
        people.write_text("Name,Email\nHina Aslam,not-an-email\n", encoding="utf-8")
        source = open_source(people)
        outcome = run_import(
            engine, SYSTEM_ACTOR, source, suggest_mapping("contacts", source.headers), commit=False
        )
        write_problem_file(source, outcome, tmp_path / "people.problems.csv")
        written.append(tmp_path / "people.problems.csv")
        quarter = quarter_containing(clock.today(), fiscal=False).code
        report = produce_quarterly_report(engine, SYSTEM_ACTOR, quarter, tmp_path / "q.pdf")
        held = produce_subject_access(engine, SYSTEM_ACTOR, 1, tmp_path / "held.pdf")
        written += [report.path, held.path, held.path.with_suffix(".json")]
        copy_registry(SYSTEM_ACTOR, engine, str(tmp_path / "copy.db"), password="a password 123")
        written += [tmp_path / "copy.db", tmp_path / "copy.db.keys"]
        copy_registry(SYSTEM_ACTOR, engine, str(tmp_path / "plain.db"), plain=True)
        written.append(tmp_path / "plain.db")
    finally:
        engine.dispose()
    _owner_only(*written)
    assert len(written) == 12


def test_the_command_line_and_the_log_create_private_files(tmp_path):
    repo = Path(__file__).resolve().parents[2]
    environment = {
        **os.environ,
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "PYTHONPATH": str(repo),
    }
    database = tmp_path / "cli.db"
    subprocess.run(
        [
            sys.executable,
            str(repo / "main.py"),
            "demo",
            "--db",
            str(database),
            "--user",
            "admin",
            "--password-file",
            password_file(tmp_path),
        ],
        env=environment,
        check=True,
        capture_output=True,
        preexec_fn=lambda: os.umask(0o022),
    )
    _owner_only(database, keyring_path(database), *database.parent.glob("cli.backup-*"))
    logged = subprocess.run(
        [
            sys.executable,
            "-c",
            "from desktop.error_hook import install_exception_hook, log_file_path;"
            "install_exception_hook(); print(log_file_path())",
        ],
        env={**environment, "QT_QPA_PLATFORM": "offscreen"},
        check=True,
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.umask(0o022),
    )
    _owner_only(Path(logged.stdout.strip()))
