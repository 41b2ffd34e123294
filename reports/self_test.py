"""`rabta --self-test`: prove an installation works end to end, one line per step.

Creates a temporary database, migrates it, loads the demo data, builds the quarterly
report for the last quarter and checks the file. Used by the installer build and by
support on an officer's machine; touches nothing outside a temporary folder.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TextIO

from db.demo import load_demo
from db.migrate import head_revision, open_database
from db.periods import quarter_containing
from db.store.actor import Actor
from reports.produce import produce_quarterly_report


class StepFailed(Exception):
    """A self-test step did not do what it should."""


def run_self_test(out: TextIO) -> int:
    """Run every step, printing "ok" or "FAILED" lines; return 0 when all pass, else 1."""
    with tempfile.TemporaryDirectory(prefix="rabta-self-test-") as folder:
        state: dict = {"path": Path(folder) / "self-test.db"}
        steps: list[tuple[str, Callable[[dict], str]]] = [
            ("create and migrate a database", _migrate),
            ("load the demo data", _demo),
            ("build the quarterly report", _report),
            ("check the report file", _check_pdf),
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
    print("Self-test passed.", file=out)
    return 0


def _migrate(state: dict) -> str:
    opened = open_database(str(state["path"]))
    state["engine"] = opened.engine
    return f"schema {head_revision()}"


def _demo(state: dict) -> str:
    summary = load_demo(state["engine"])
    if summary.engagements == 0:
        raise StepFailed("the demo data has no engagements")
    return f"{summary.organizations} organizations, {summary.engagements} engagements"


def _report(state: dict) -> str:
    quarter = quarter_containing(date.today(), fiscal=True).previous()
    supervisor = Actor(id=None, username="self-test", role="supervisor")
    produced = produce_quarterly_report(
        state["engine"], supervisor, quarter.code, state["path"].with_suffix(".pdf")
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
