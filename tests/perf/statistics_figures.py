"""What the planner's statistics are worth on the large registry: the quarterly report on
a copy whose statistics were removed (as every installation ran before Rabta kept them),
the one-time analysis when that copy is next opened, and the report again after it.

Called by `make bench` (tests/perf/run_benchmarks.py); see db/database_file/planner_statistics.py.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.perf.exchange_figures import copy_registry


def statistics_figures(
    database: Path, sign_in: Callable[[Path], object], report_seconds: Callable[..., float]
) -> list[tuple[str, str, str, str, str]]:
    """Bench rows for a copy of `database` without statistics, before and after the
    opening that analyses it. `sign_in(path)` unlocks the copy and returns its engine;
    `report_seconds(path, engine=...)` times the all-missions report."""
    from db.database_file.migrate import open_database
    from db.foundations.engine import connect_sqlite_file, create_database_engine

    with tempfile.TemporaryDirectory(dir=database.parent) as folder:
        copy = copy_registry(database, Path(folder))
        sign_in(copy).dispose()  # unlocks the copy's key for this process
        connection = connect_sqlite_file(copy)
        try:
            connection.execute("DELETE FROM sqlite_stat1")
            connection.execute("DELETE FROM sqlite_stat4")
        finally:
            connection.close()
        guessing = create_database_engine(str(copy))
        try:
            before = report_seconds(copy, engine=guessing)
        finally:
            guessing.dispose()
        started = time.perf_counter()
        opened = open_database(str(copy))
        analysis = time.perf_counter() - started
        try:
            after = report_seconds(copy, engine=opened.engine)
        finally:
            opened.engine.dispose()
    return [
        (
            "Quarterly report, all missions, on a copy without planner statistics",
            f"{before:.2f} s",
            f"{after:.2f} s (the same copy once opened)",
            f"{before / after:.2f}×",
            "",
        ),
        (
            "Opening that copy: the one-time analysis (db/database_file/planner_statistics.py)",
            f"{analysis:.2f} s",
            "—",
            "—",
            "",
        ),
    ]
