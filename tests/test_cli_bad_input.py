"""Every bad request a user can type on the command line: one sentence on stderr, a
non-zero exit, no traceback, and the database byte for byte as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_PASSWORD, ensure_user
from tests.damaged_files import overwrite_first_page_of

ROOT = Path(__file__).resolve().parent.parent


def rabta(*args: str | bytes) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def _records_of(path: Path) -> str | None:
    """Every row of a Rabta database's own tables (not the search index, whose pages a
    test may have damaged) but the audit entries of sign-ins (a sign-in is audited even
    when the command then refuses its input); None if it cannot be read."""
    if path.name != "demo.db":
        return None
    digest = hashlib.sha256()
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            tables = [
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
                if "_fts" not in name
            ]
            for table in tables:
                where = "WHERE action NOT LIKE 'sign_in%'" if table == "audit_entry" else ""
                for row in connection.execute(f'SELECT * FROM "{table}" {where} ORDER BY 1'):
                    digest.update(repr((table, row)).encode())
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return None
    return digest.hexdigest()


def fingerprint(folder: Path) -> dict[str, str]:
    """Each file's digest; the database's by its records, its WAL and index left out."""
    return {
        path.name: _records_of(path) or hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file() and path.name not in ("demo.db-wal", "demo.db-shm")
    }


def _damage(path: Path) -> None:
    """Overwrite a page in the middle of the file, as a failing disk would."""
    overwrite_first_page_of(path, "engagement_fts_data")


def _rewind_revision(path: Path) -> None:
    """Record an older schema revision than the tables have: changed outside Rabta."""
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '0004'")
    connection.commit()
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def _foreign_database(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recipe (name TEXT)")
    connection.execute("INSERT INTO recipe VALUES ('biryani')")
    connection.commit()
    connection.close()


# (case name, how to prepare the folder, the command's arguments, what stderr says)
CASES = [
    (
        "out is the database",
        None,
        ["report", "quarterly", "--quarter", "2026Q3", "--db", "{db}", "--out", "{db}"],
        "is the database",
    ),
    (
        "brief out is the database",
        None,
        ["report", "brief", "--org", "APPNA", "--db", "{db}", "--out", "{db}"],
        "is the database",
    ),
    (
        "handover of nobody",
        None,
        ["report", "handover", "--officer", "nobody", "--db", "{db}", "--out", "{dir}/h.pdf"],
        "No officer is called 'nobody'",
    ),
    (
        "handover of an unknown mission",
        None,
        ["report", "handover", "--mission", "XYZ", "--db", "{db}", "--out", "{dir}/h.pdf"],
        "There is no mission 'XYZ'",
    ),
    (
        "handover out is the database",
        None,
        ["report", "handover", "--mission", "HOU", "--db", "{db}", "--out", "{db}"],
        "is the database",
    ),
    (
        "out is the wal",
        None,
        ["report", "quarterly", "--quarter", "2026Q3", "--db", "{db}", "--out", "{db}-wal"],
        "is the database",
    ),
    (
        "out is a backup",
        "backup",
        [
            "report",
            "quarterly",
            "--quarter",
            "2026Q3",
            "--db",
            "{db}",
            "--out",
            "{dir}/demo.backup-20260101-000000.db",
        ],
        "is the database",
    ),
    (
        "out is a letter",
        "letter",
        ["report", "quarterly", "--quarter", "2026Q3", "--db", "{db}", "--out", "{dir}/letter.txt"],
        "is not a PDF",
    ),
    (
        "out is empty",
        None,
        ["report", "quarterly", "--quarter", "2026Q3", "--db", "{db}", "--out", ""],
        "Name the PDF file",
    ),
    (
        "out is a folder",
        None,
        ["report", "quarterly", "--quarter", "2026Q3", "--db", "{db}", "--out", "{dir}"],
        "is a folder",
    ),
    (
        "out cannot be written",
        None,
        ["report", "quarterly", "--quarter", "2026Q3", "--db", "{db}", "--out", "/proc/report.pdf"],
        "/proc/report.pdf",
    ),
    (
        "out folder missing",
        None,
        ["report", "brief", "--org", "APPNA", "--db", "{db}", "--out", "{dir}/nowhere/b.pdf"],
        "does not exist",
    ),
    (
        "quarter in year 1",
        None,
        ["report", "quarterly", "--quarter", "0001Q1", "--db", "{db}", "--out", "{dir}/q.pdf"],
        "1990-2100",
    ),
    (
        "quarter in 2101",
        None,
        ["report", "quarterly", "--quarter", "2101Q1", "--db", "{db}", "--out", "{dir}/q.pdf"],
        "1990-2100",
    ),
    (
        "fiscal quarter in year 1",
        None,
        ["report", "quarterly", "--quarter", "FY0001-02Q1", "--db", "{db}", "--out", "{dir}/q.pdf"],
        "1990-2100",
    ),
    (
        "quarter not a quarter",
        None,
        ["report", "quarterly", "--quarter", "Q9", "--db", "{db}", "--out", "{dir}/q.pdf"],
        "is not a quarter",
    ),
    (
        "unknown mission",
        None,
        [
            "report",
            "quarterly",
            "--quarter",
            "2026Q3",
            "--mission",
            "XYZ",
            "--db",
            "{db}",
            "--out",
            "{dir}/q.pdf",
        ],
        "no mission with the code XYZ",
    ),
    (
        "unknown organization",
        None,
        ["report", "brief", "--org", "Nobody At All", "--db", "{db}", "--out", "{dir}/b.pdf"],
        "No organization is called",
    ),
    (
        "officer asks for confidential",
        None,
        [
            "report",
            "brief",
            "--org",
            "APPNA",
            "--include-confidential",
            "--db",
            "{db}",
            "--out",
            "{dir}/b.pdf",
        ],
        "not a supervisor",
    ),
    (
        "mistyped db for report",
        None,
        [
            "report",
            "quarterly",
            "--quarter",
            "2026Q3",
            "--db",
            "{dir}/typo/demo.db",
            "--out",
            "{dir}/q.pdf",
        ],
        "There is no database at",
    ),
    (
        "mistyped db for search",
        None,
        ["search", "appna", "--db", "{dir}/dmeo.db"],
        "There is no database at",
    ),
    ("mistyped db for check", None, ["check", "{dir}/dmeo.db"], "There is no database at"),
    (
        "empty file for report",
        "empty",
        [
            "report",
            "quarterly",
            "--quarter",
            "2026Q3",
            "--db",
            "{dir}/empty.db",
            "--out",
            "{dir}/q.pdf",
        ],
        "is an empty file",
    ),
    ("empty file for demo", "empty", ["demo", "--db", "{dir}/empty.db"], "is an empty file"),
    (
        "another program's database",
        "foreign",
        ["search", "biryani", "--db", "{dir}/recipes.db"],
        "database of another program",
    ),
    (
        "another program's database for demo",
        "foreign",
        ["demo", "--db", "{dir}/recipes.db"],
        "database of another program",
    ),
    ("search text not UTF-8", None, ["search", b"\xff\xfeappna", "--db", "{db}"], "not UTF-8"),
    ("search in a damaged file", "damaged", ["search", "meeting", "--db", "{db}"], "is damaged"),
    (
        "schema changed outside Rabta",
        "rewound",
        ["search", "appna", "--db", "{db}"],
        "could not be upgraded",
    ),
]


@pytest.fixture
def officer_db(demo_path) -> Path:
    """The demo database with an officer who signs in with a password file."""
    ensure_user(demo_path, "officer", "officer", "HOU")
    connection = sqlite3.connect(demo_path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return demo_path


@pytest.mark.parametrize(
    ("prepare", "arguments", "says"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_is_one_sentence_and_changes_nothing(
    tmp_path_factory, officer_db, prepare, arguments, says
):
    password = tmp_path_factory.mktemp("secrets") / "password.txt"
    password.write_text(TEST_PASSWORD + "\n")
    password.chmod(0o600)
    folder = officer_db.parent
    if prepare == "backup":
        shutil.copyfile(officer_db, folder / "demo.backup-20260101-000000.db")
    elif prepare == "letter":
        (folder / "letter.txt").write_text("Dear Consul General,\n")
    elif prepare == "empty":
        (folder / "empty.db").write_bytes(b"")
    elif prepare == "foreign":
        _foreign_database(folder / "recipes.db")
    elif prepare == "damaged":
        _damage(officer_db)
    elif prepare == "rewound":
        _rewind_revision(officer_db)
    before = fingerprint(folder)
    values = {"db": str(officer_db), "dir": str(folder)}
    argv = [a if isinstance(a, bytes) else a.format(**values) for a in arguments]
    result = rabta(*argv, "--user", "officer", "--password-file", str(password))
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rabta: "), stderr
    assert says in lines[0]
    after = fingerprint(folder)
    if prepare == "rewound":  # the upgrade was tried after a backup copy, as promised
        assert [name for name in after if ".backup-" in name]
        after = {name: digest for name, digest in after.items() if ".backup-" not in name}
    assert after == before  # another program's file gets no WAL either
    assert not (folder / "typo").exists()


def test_a_wrong_password_is_one_sentence_and_is_audited(tmp_path, officer_db):
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the password\n")
    wrong.chmod(0o600)
    result = rabta("search", "appna", "--db", str(officer_db), "--user", "officer",
                   "--password-file", str(wrong))  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.decode() == "rabta: The username or password is wrong.\n"
    connection = sqlite3.connect(officer_db)
    actions = [row[0] for row in connection.execute("SELECT action FROM audit_entry")]
    connection.close()
    assert actions[-1] == "sign_in_failed"


def test_a_password_file_others_may_read_is_refused(tmp_path, officer_db):
    shared = tmp_path / "shared.txt"
    shared.write_text(TEST_PASSWORD + "\n")
    shared.chmod(0o644)
    result = rabta("search", "appna", "--db", str(officer_db), "--user", "officer",
                   "--password-file", str(shared))  # fmt: skip
    assert result.returncode == 2
    assert "may be read by others" in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


def test_a_command_without_a_user_says_how_to_name_one(officer_db):
    result = rabta("search", "appna", "--db", str(officer_db))
    assert result.returncode == 2
    assert result.stderr.decode().strip() == "rabta: Say who you are: add --user YOUR-USERNAME."
