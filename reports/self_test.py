"""`rabta --self-test`: prove an installation works end to end, one line per step.

Creates an encrypted temporary database with its first administrator, signs into it
again, loads the demo data, proves the file holds none of it in the clear, builds the
quarterly report for the last quarter, checks the file, runs `rabta check` on the
database, and loads the PostgreSQL driver a shared registry needs. Used by the
installer build and by support on an officer's machine; touches nothing outside a
temporary folder.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from db.database_file.health import check_database
from db.database_file.migrate import head_revision
from db.demo.sample import load_demo
from db.foundations import clock
from db.foundations.engine import forget_database_key
from db.foundations.periods import quarter_containing
from db.security.sign_in import create_first_administrator, is_encrypted, sign_in
from reports.produce import produce_quarterly_report

# Only for the throw-away database in the temporary folder.
SELF_TEST_USER = "self.test"
SELF_TEST_PASSWORD = "self-test password, thrown away"


class StepFailed(Exception):
    """A self-test step did not do what it should."""


def run_self_test(out: TextIO) -> int:
    """Run every step, printing "ok" or "FAILED" lines; return 0 when all pass, else 1."""
    with tempfile.TemporaryDirectory(prefix="rabta-self-test-") as folder:
        state: dict = {"path": Path(folder) / "self-test.db"}
        steps: list[tuple[str, Callable[[dict], str]]] = [
            ("create an encrypted database and its administrator", _create),
            ("sign in again", _sign_in),
            ("load the demo data", _demo),
            ("find no personal data in the clear", _no_plaintext),
            ("build the quarterly report", _report),
            ("check the report file", _check_pdf),
            ("check the database", _check_database),
            ("load the PostgreSQL driver for a shared registry", _server_driver),
        ]
        try:
            for name, step in steps:
                started = time.perf_counter()
                try:
                    detail = step(state)
                except Exception as error:  # every failure is reported by step name
                    print(f"FAILED {name}: {error}", file=out)
                    return 1
                print(f"ok     {name} ({time.perf_counter() - started:.2f} s): {detail}", file=out)
        finally:
            if "engine" in state:
                state["engine"].dispose()
            forget_database_key(str(state["path"]))
    print("Self-test passed.", file=out)
    return 0


def _server_driver(_state: dict) -> str:
    """The driver and SQLAlchemy dialect a shared registry needs are installed (no server
    is contacted: an officer's machine has none)."""
    import psycopg
    from sqlalchemy import create_engine

    engine = create_engine("postgresql+psycopg://rabta@server.invalid/rabta")
    if engine.dialect.name != "postgresql":
        raise StepFailed(f"the PostgreSQL dialect loaded as {engine.dialect.name}")
    engine.dispose()
    return f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__} libpq {psycopg.pq.version()})"


def _create(state: dict) -> str:
    location = str(state["path"])
    first = create_first_administrator(location, SELF_TEST_USER, "Self-test", SELF_TEST_PASSWORD)
    first.opened.engine.dispose()
    forget_database_key(location)
    if not is_encrypted(location):
        raise StepFailed("the new database is not encrypted")
    if state["path"].read_bytes()[:16] == b"SQLite format 3\x00":
        raise StepFailed("the new database starts with a plain SQLite header")
    return f"schema {head_revision()}, SQLCipher"


def _sign_in(state: dict) -> str:
    signed_in = sign_in(str(state["path"]), SELF_TEST_USER, SELF_TEST_PASSWORD)
    state["engine"], state["actor"] = signed_in.opened.engine, signed_in.actor
    return f"as {signed_in.actor.username} ({signed_in.actor.role})"


def _no_plaintext(state: dict) -> str:
    from sqlmodel import Session, select

    from db.foundations.models import Contact

    with Session(state["engine"]) as s:
        contact = s.exec(select(Contact).where(Contact.email != "")).first()
    with state["engine"].connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    data = state["path"].read_bytes()
    for value in (contact.family_name, contact.email):
        if value.encode() in data:
            raise StepFailed(f"{value!r} is readable in the database file")
    return f"neither {contact.family_name}'s name nor email is in the file"


def _demo(state: dict) -> str:
    summary = load_demo(state["engine"])
    if summary.engagements == 0:
        raise StepFailed("the demo data has no engagements")
    return f"{summary.organizations} organizations, {summary.engagements} engagements"


def _report(state: dict) -> str:
    quarter = quarter_containing(clock.today(), fiscal=True).previous()
    produced = produce_quarterly_report(
        state["engine"], state["actor"], quarter.code, state["path"].with_suffix(".pdf")
    )
    state["report"] = produced
    return f"{produced.pages} pages for {quarter.title}"


def _check_pdf(state: dict) -> str:
    produced = state["report"]
    data = produced.path.read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise StepFailed(f"{produced.path.name} is not a complete PDF")
    # The page tree's count (an outline of bookmarks has a /Count of its own).
    counts = [int(n) for n in re.findall(rb"/Count (\d+) /Kids", data)]
    if not counts or max(counts) != produced.pages or produced.pages < 2:
        raise StepFailed(f"the page tree says {counts}, the build said {produced.pages} pages")
    return f"{len(data):,} bytes, {produced.pages} pages in the page tree"


def _check_database(state: dict) -> str:
    report = check_database(state["engine"], state["actor"])
    if not report.healthy:
        raise StepFailed("; ".join(report.problems))
    return "integrity, foreign keys, search index and audit chain are sound"
