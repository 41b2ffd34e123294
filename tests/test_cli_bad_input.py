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

from tests.damaged_files import overwrite_first_page_of

ROOT = Path(__file__).resolve().parent.parent


def rabta(*args: str | bytes) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def fingerprint(folder: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file()
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
    """The demo database where this OS user is already an officer (not the first user)."""
    import getpass

    from db import store
    from db.migrate import open_database
    from db.store.actor import SYSTEM_ACTOR
    from db.store.users import create_user

    engine = open_database(str(demo_path)).engine
    with store.session(engine) as s:
        name = "".join(c for c in getpass.getuser().lower() if c.isalnum() or c in "._-")
        create_user(
            s,
            SYSTEM_ACTOR,
            {"username": name.ljust(2, "x"), "display_name": "Officer", "role": "officer"},
        )
    engine.dispose()
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
    tmp_path, officer_db, prepare, arguments, says
):
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
    result = rabta(*argv)
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
    for side in ("demo.db-wal", "demo.db-shm"):  # a Rabta database may open its WAL
        if side not in before:
            after.pop(side, None)
    assert after == before  # another program's file gets no WAL either
    assert not (folder / "typo").exists()


def test_a_new_login_whose_report_fails_leaves_no_account(demo_path, tmp_path):
    """The first report of a login not yet known, refused for a bad quarter: no user row."""
    before = fingerprint(demo_path.parent)
    result = rabta(
        "report", "quarterly", "--quarter", "2026Q9", "--db", str(demo_path),
        "--out", str(tmp_path / "q.pdf"),
    )  # fmt: skip
    assert result.returncode == 2
    after = fingerprint(demo_path.parent)
    after.pop("demo.db-wal", None), after.pop("demo.db-shm", None)
    assert after == before
