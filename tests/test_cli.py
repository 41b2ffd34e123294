"""The command line as a user runs it: a real process, real files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rabta(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def password_file(folder: Path, password: str = "correct horse battery") -> str:
    """A password file only its owner may read, as unattended use needs."""
    path = folder / "password.txt"
    path.write_text(password + "\n")
    path.chmod(0o600)
    return str(path)


def test_version_and_help():
    from db.foundations.release import __version__

    assert rabta("--version").stdout.strip() == f"Rabta {__version__}"
    help_text = rabta("--help").stdout
    assert "demo" in help_text and "--db" in help_text


def test_demo_command_loads_once_then_refuses(tmp_path):
    target = tmp_path / "demo.db"
    credentials = ("--user", "admin", "--password-file", password_file(tmp_path))
    first = rabta("demo", "--db", str(target), *credentials)
    assert first.returncode == 0, first.stderr
    assert "600 engagements" in first.stdout
    again = rabta("demo", "--db", str(target), *credentials)
    assert again.returncode == 2
    assert again.stderr.strip().startswith("rabta: This database already has records")
    assert "Traceback" not in again.stderr


def test_search_says_how_many_it_left_out(tmp_path):
    target = tmp_path / "demo.db"
    credentials = ("--user", "admin", "--password-file", password_file(tmp_path))
    assert rabta("demo", "--db", str(target), *credentials).returncode == 0
    result = rabta("search", "meeting", "--db", str(target), *credentials)
    assert result.returncode == 0, result.stderr
    assert "Engagements (8 of " in result.stdout
    assert "more left out; all of them: rabta export engagements --filter 'meeting'" in (
        result.stdout
    )


def test_demo_uses_rabta_db_when_no_flag(tmp_path):
    target = tmp_path / "from-env.db"
    result = rabta(
        "demo",
        "--user",
        "admin",
        "--password-file",
        password_file(tmp_path),
        env={"RABTA_DB": str(target)},
    )
    assert result.returncode == 0, result.stderr
    assert target.exists()


def test_not_a_database_is_one_sentence_on_stderr(tmp_path):
    target = tmp_path / "letter.db"
    target.write_text("Dear Consul General,\n")
    result = rabta("demo", "--db", str(target), "--user", "admin")
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"rabta: {target} is not a Rabta database (it is not a SQLite file)."
    )
    assert target.read_text() == "Dear Consul General,\n"


def test_the_window_starts_and_reports_its_start_up_times(tmp_path):
    target = tmp_path / "fresh.db"
    offscreen = {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    credentials = ("--user", "admin", "--password-file", password_file(tmp_path))
    result = rabta("--db", str(target), *credentials, "--startup-probe", env=offscreen)
    assert result.returncode == 0, result.stderr
    shown, ready = (
        float(line.split("=")[1])
        for line in result.stdout.splitlines()
        if line.startswith(("startup_seconds=", "ready_seconds="))
    )
    assert 0 < shown <= ready
    assert target.exists()  # created, encrypted and migrated before the window showed
    assert target.read_bytes()[:16] != b"SQLite format 3\x00"


def test_the_window_refuses_a_file_that_is_not_a_database(tmp_path):
    target = tmp_path / "letter.db"
    target.write_text("Dear Consul General,\n")
    offscreen = {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    result = rabta("--db", str(target), "--user", "admin", "--startup-probe", env=offscreen)
    assert result.returncode == 2
    assert f"rabta: {target} is not a Rabta database (it is not a SQLite file)." in result.stderr
    assert target.read_text() == "Dear Consul General,\n"


def test_the_self_test_passes_from_the_checkout():
    """What the installer bundle runs after it is built, run here on every test run."""
    result = rabta("--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Self-test passed." in result.stdout
    assert "SQLCipher" in result.stdout and "audit chain" in result.stdout


def test_a_server_that_cannot_be_reached_is_one_sentence_without_the_password(tmp_path):
    from db.foundations.engine import shown_location

    url = "postgresql+psycopg://rabta:s3cret-pass@127.0.0.1:1/rabta"
    assert shown_location(url) == "postgresql+psycopg://rabta:***@127.0.0.1:1/rabta"
    assert shown_location("/home/officer/rabta.db") == "/home/officer/rabta.db"
    credentials = ("--user", "admin", "--password-file", password_file(tmp_path))
    for command in (
        ["search", "Ayesha"],
        ["check"],
        ["report", "brief", "--org", "APPNA", "--out", "/tmp/never.pdf"],
    ):
        result = (
            rabta(*command, "--db", url, *credentials)
            if command[0] != "check"
            else rabta("check", url, *credentials)
        )
        assert result.returncode != 0
        assert "s3cret" not in result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.strip().count("\n") == 0, result.stderr
        assert "cannot be reached" in result.stderr
    unknown_host = rabta(
        "search", "x", "--db", "postgresql+psycopg://u:s3cret@[no-such-host/r", *credentials
    )
    assert unknown_host.returncode != 0 and "Traceback" not in unknown_host.stderr
    assert "s3cret" not in unknown_host.stderr and "cannot be reached" in unknown_host.stderr


def test_an_engagement_log_is_imported_under_one_mission_keeping_the_good_rows(tmp_path):
    target = tmp_path / "demo.db"
    credentials = ("--user", "admin", "--password-file", password_file(tmp_path))
    assert rabta("demo", "--db", str(target), *credentials).returncode == 0
    log = tmp_path / "log.csv"
    log.write_text(
        "Date,Kind,Subject,Organization\n"
        "2026-11-02,Meeting,Welfare desk visit,APPNA\n"
        "2026-11-03,Meeting,Unknown society,No Such Society\n",
        encoding="utf-8",
    )
    result = rabta(
        "import", str(log), "--as", "engagements", "--mission", "HOU", "--keep-good-rows",
        "--db", str(target), *credentials,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Row 3 (Unknown society), Organization: No organization called" in result.stdout
    assert "1 row was left out and kept in" in result.stdout
    assert (tmp_path / "log.problems.csv").exists()
    wrong = rabta("import", str(log), "--as", "contacts", "--mission", "HOU", *credentials)
    assert wrong.returncode == 2 and "engagement log" in wrong.stderr
