"""`make bench`: Rabta's speed on a commission-wide registry, each figure beside its floor
measured in the same run, written to docs/performance.md.

The large database is built once and cached in tests/perf/.cache (delete it to rebuild),
encrypted as every new database is, with a plain SQLite copy beside it: the figures are
taken on the encrypted one, and the main ones again on the plain copy to state what
SQLCipher costs. Figures are wall-clock times on this machine; reported, never asserted.
"""

from __future__ import annotations

import os
import platform
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from db.foundations import clock
from tests.perf.concurrent_writes import WriteRun, run_writers
from tests.perf.exchange_figures import exchange_figures
from tests.perf.list_timing import (
    contacts_list_times,
    deep_page_times,
    search_times_taking_turns,
)
from tests.perf.server_figures import server_figures
from tests.perf.statistics_figures import statistics_figures

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "tests" / "perf" / ".cache"
# The version goes up when the schema or the generated data change, so a stale cache is
# rebuilt, not migrated.
LARGE_DB = CACHE / "large-v12.db"  # encrypted with SQLCipher, as every new database
LARGE_PLAIN = CACHE / "large-v12-plain.db"  # the same registry in plain SQLite
BENCH_USER = "bench"
BENCH_PASSWORD = "benchmark password 2026"
PASSWORD_FILE = CACHE / "bench.password"
REPORT = ROOT / "docs" / "performance.md"
NOTES = "## Notes"
RUNS = 7
SEARCHES = 200

BARE_WINDOW = """
import sys, time
started = time.perf_counter()
import sqlmodel
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1280, 800)
window.show()
QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
app.exec()
"""

CONTACTS_OPEN = """
import gc, os, resource, sys
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication
from desktop.app import configure_application
from desktop.main_window import MainWindow
from db.security.password_file import read_password_file
from desktop.workspace import signed_in_workspace
app = QApplication(sys.argv)
configure_application(app)
password = read_password_file(sys.argv[3])
window = MainWindow(signed_in_workspace(sys.argv[1], sys.argv[2], password))
window.show()
window.show_page("Contacts")
page = window.current_page()


def settle():
    # The list loads on a worker: wait for its rows, as the eye would.
    while page.model.loading or page.model.rowCount() == 0:
        app.processEvents()
    for _ in range(20):
        app.processEvents()


settle()
page.table.scrollToBottom()
settle()
print(f"rows_loaded={page.model.rowCount()} total={page.model.total}")
print(f"maxrss_kb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", flush=True)
# Torn down as the application does, before the interpreter's own shutdown.
QThreadPool.globalInstance().waitForDone()
window.close()
window.deleteLater()
app.processEvents()
gc.collect()
# This script never runs the event loop, and the interpreter's final garbage collection
# then sometimes aborts in a C extension (the window itself, which runs app.exec(),
# exits cleanly): the figures are printed, so leave without that last collection.
os._exit(0)
"""


def _env() -> dict:
    env = dict(os.environ)
    # As on an officer's machine (and in the installer bundle), Python keeps compiled
    # bytecode between runs; a development shell that disables it would time compilation.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(ROOT)
    env["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="rabta-bench-config-")
    return env


def _write_password_file() -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    PASSWORD_FILE.write_text(BENCH_PASSWORD + "\n", encoding="utf-8")
    PASSWORD_FILE.chmod(0o600)


def build_large_database() -> float | None:
    """Build the cached large database (encrypted) and its plain copy if missing; return
    the build time when built."""
    _write_password_file()
    if LARGE_DB.exists() and LARGE_PLAIN.exists():
        return None
    from db.security.keyring import keyring_path

    partial = LARGE_DB.with_suffix(".building.db")
    for leftover in CACHE.glob("large-v*"):  # older versions, their files, a build cut short
        leftover.unlink()
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "demo",
            "--scale",
            "large",
            "--db",
            str(partial),
            "--user",
            BENCH_USER,
            "--password-file",
            str(PASSWORD_FILE),
        ],
        check=True,
        env=_env(),
    )
    elapsed = time.perf_counter() - started
    keyring_path(partial).rename(keyring_path(LARGE_DB))
    partial.rename(LARGE_DB)
    _plain_copy()
    return elapsed


def _plain_copy() -> None:
    """LARGE_PLAIN: the encrypted registry exported to a plain SQLite file."""
    from db.foundations.engine import connect_sqlite_file

    _signed_in_engine(LARGE_DB).dispose()  # the sign-in unlocks the key
    partial = LARGE_PLAIN.with_suffix(".building.db")
    partial.unlink(missing_ok=True)
    connection = connect_sqlite_file(LARGE_DB)
    try:
        connection.execute("ATTACH DATABASE ? AS plain KEY ''", (str(partial),))
        connection.execute("SELECT sqlcipher_export('plain')").fetchall()
        connection.execute("DETACH DATABASE plain")
    finally:
        connection.close()
    partial.rename(LARGE_PLAIN)


def _signed_in_engine(path: Path):
    """An engine on the large database, signed in as the benchmark's administrator."""
    from db.security.sign_in import sign_in

    return sign_in(str(path), BENCH_USER, BENCH_PASSWORD).opened.engine


def _backed_up_today(paths: tuple[Path, ...]) -> None:
    """Take today's daily backup of each database, as on any machine already started
    today, so the timed starts do not each begin copying half a gigabyte."""
    from db.database_file.backups import daily_backup_due, take_backup

    for path in paths:
        if daily_backup_due(str(path)):
            _signed_in_engine(path).dispose()  # the sign-in unlocks the key
            take_backup(str(path), kind="daily")


def _remove_backups() -> None:
    """The backups the timed windows would keep in the cache; they are rebuilt each day."""
    for backup in CACHE.glob("large-v*.backup-*"):
        backup.unlink()


def _times_until_lines(command: list[str], markers: tuple[str, ...]) -> list[float]:
    """Seconds from launch until each marker line appears on the command's stdout (in
    whatever order they come), in the order of `markers`."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=_env(), cwd=ROOT
    )
    assert process.stdout is not None
    found: dict[str, float] = {}
    for line in process.stdout:
        for marker in markers:
            if line.startswith(marker) and marker not in found:
                found[marker] = time.perf_counter() - started
        if len(found) == len(markers):
            break
    process.wait(timeout=60)
    missing = [marker for marker in markers if marker not in found]
    if missing:
        raise RuntimeError(f"{command} never printed {missing[0]!r}")
    return [found[marker] for marker in markers]


def cold_start(path: Path = LARGE_DB) -> tuple[float, float, float, float]:
    """Medians of seconds from launch to Rabta's window shown, to its first page's data
    on screen, to the bare floor's window shown, and from the window shown to the
    Dashboard's figures on screen. Rabta and the floor alternate, so
    both meet the same machine load; one untimed run of each fills the caches first."""
    rabta_command = [
        sys.executable,
        str(ROOT / "main.py"),
        "--db",
        str(path),
        "--user",
        BENCH_USER,
        "--password-file",
        str(PASSWORD_FILE),
        "--startup-probe",
    ]
    rabta_markers = ("startup_seconds=", "ready_seconds=", "figures_seconds=")
    floor_command = [sys.executable, "-c", BARE_WINDOW]
    _times_until_lines(rabta_command, rabta_markers)
    _times_until_lines(floor_command, ("shown",))
    shown, ready, floor, figures = [], [], [], []
    for _ in range(RUNS):
        rabta = _times_until_lines(rabta_command, rabta_markers)
        shown.append(rabta[0])
        ready.append(rabta[1])
        figures.append(rabta[2] - rabta[0])
        floor.append(_times_until_lines(floor_command, ("shown",))[0])
    return (
        statistics.median(shown),
        statistics.median(ready),
        statistics.median(floor),
        statistics.median(figures),
    )


def _queries(rng: random.Random) -> list[str]:
    connection = sqlite3.connect(LARGE_PLAIN)
    words: list[str] = []
    for sql in (
        # Spread over each table by id, the same rows every run.
        "SELECT name FROM organization WHERE id % 163 = 1 LIMIT 60",
        "SELECT given_name || ' ' || family_name FROM contact WHERE id % 1637 = 1 LIMIT 60",
        "SELECT name_urdu FROM contact WHERE name_urdu <> '' AND id % 997 = 3 LIMIT 30",
        "SELECT subject FROM engagement WHERE id % 997 = 0 LIMIT 30",
        "SELECT name FROM program WHERE id % 10 = 1 LIMIT 20",
    ):
        words += [row[0] for row in connection.execute(sql)]
    connection.close()
    queries = []
    for text in words[:SEARCHES]:
        parts = text.split()
        chosen = rng.sample(parts, min(len(parts), rng.choice([1, 1, 2])))
        queries.append(" ".join(p[: max(3, min(len(p), rng.randint(3, 8)))] for p in chosen))
    return queries


def search_times(path: Path = LARGE_DB) -> tuple[list[float], list[float]]:
    """Per-query milliseconds through db.queries.search and through raw sqlite3 with the same SQL
    on the plain copy."""
    from db.queries.search import _ALIAS, _FTS_SQL, KINDS, fts_query

    engine = _signed_in_engine(path)
    raw = sqlite3.connect(LARGE_PLAIN)
    statements = [
        _FTS_SQL[kind].format(archived=f"AND {_ALIAS[kind]}.archived_at IS NULL") for kind in KINDS
    ]

    def through_sqlite3(query: str) -> None:
        match = fts_query(query)
        for sql in statements:
            raw.execute(sql, {"q": match, "limit": 8}).fetchall()

    try:
        return search_times_taking_turns(engine, _queries(random.Random(7)), through_sqlite3)
    finally:
        raw.close()
        engine.dispose()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def contacts_list(path: Path = LARGE_DB) -> dict[str, float]:
    """Milliseconds for the contacts list's first page and a re-sort, and their raw floors."""
    engine = _signed_in_engine(path)
    raw = sqlite3.connect(LARGE_PLAIN)
    try:
        return contacts_list_times(engine, lambda sql: raw.execute(sql).fetchall(), RUNS)
    finally:
        raw.close()
        engine.dispose()


def engagements_deep_page(path: Path = LARGE_DB, depth: int = 400_000) -> dict[str, float]:
    """Milliseconds for the engagements list's first page and its page at row `depth`."""
    engine = _signed_in_engine(path)
    try:
        return deep_page_times(engine, RUNS, depth)
    finally:
        engine.dispose()


def quarterly_report_seconds(path: Path = LARGE_DB, engine=None) -> float:
    """Seconds to build the quarterly report for all missions over the large registry
    (through `engine` when given, else signed in; an engine given stays open)."""
    from db.foundations.actor import Actor
    from db.foundations.periods import quarter_containing
    from reports.produce import produce_quarterly_report

    given = engine is not None
    engine = engine if given else _signed_in_engine(path)
    quarter = quarter_containing(clock.today(), fiscal=True).previous()
    with tempfile.TemporaryDirectory() as folder:
        produced = produce_quarterly_report(
            engine,
            Actor(id=None, username="bench", role="supervisor"),
            quarter.code,
            Path(folder) / "q.pdf",
        )
    if not given:
        engine.dispose()
    return produced.seconds


def contacts_rss_mb() -> tuple[float, str]:
    """Peak resident memory (MB) of Rabta with the contacts list open and scrolled."""
    result = subprocess.run(
        [sys.executable, "-c", CONTACTS_OPEN, str(LARGE_DB), BENCH_USER, str(PASSWORD_FILE)],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    kb = int(re.search(r"maxrss_kb=(\d+)", result.stdout).group(1))
    rows = re.search(r"rows_loaded=(\d+)", result.stdout).group(1)
    return kb / 1024, rows


def concurrent_writes(writers: int, each: int) -> WriteRun:
    """Processes logging engagements into one fresh SQLite file at once."""
    with tempfile.TemporaryDirectory() as folder:
        return run_writers(Path(folder) / "writes.db", writers, each)


def _shown(value: float, unit: str) -> str:
    return f"{value:.2f} s" if unit == "s" else f"{value:.1f} ms"


def machine() -> str:
    """One line about the machine the figures come from."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def main() -> int:
    built = build_large_database()
    print("Large database:", LARGE_DB, f"(built in {built:.0f} s)" if built else "(cached)")
    _backed_up_today((LARGE_DB, LARGE_PLAIN))
    start, ready, start_floor, figures_after = cold_start()
    search_ms, search_floor = search_times()
    contacts = contacts_list()
    deep = engagements_deep_page()
    report_s = quarterly_report_seconds()
    rss, rows = contacts_rss_mb()
    writes = {writers: concurrent_writes(writers, 500) for writers in (2, 4)}
    for writers, run in writes.items():
        if run.errors:  # a refused write says why: the figure alone would not
            print(f"Refused writes with {writers} writers:\n{run.errors[-2000:]}")
    exchange = exchange_figures(LARGE_DB, LARGE_PLAIN, BENCH_USER, PASSWORD_FILE, CACHE)
    plain = {
        "ready": cold_start(LARGE_PLAIN)[1],
        "search": _percentile(search_times(LARGE_PLAIN)[0], 0.95),
        "first": contacts_list(LARGE_PLAIN)["first"],
        "report": quarterly_report_seconds(LARGE_PLAIN),
    }
    p50, p95 = _percentile(search_ms, 0.5), _percentile(search_ms, 0.95)
    f50, f95 = _percentile(search_floor, 0.5), _percentile(search_floor, 0.95)
    rows_table = [
        (
            f"Cold start to main window shown (median of {RUNS})",
            f"{start:.2f} s",
            f"{start_floor:.2f} s (bare PySide6 window + sqlmodel)",
            f"{start / start_floor:.2f}×",
            "≤ 1.5 s and ≤ 1.3× floor",
        ),
        (
            f"Cold start to the Dashboard's follow-ups on screen (median of {RUNS})",
            f"{ready:.2f} s",
            "—",
            "—",
            "",
        ),
        (
            f"The Dashboard's quarter figures on screen, after the window (median of {RUNS})",
            f"{figures_after:.2f} s",
            "—",
            "—",
            "≤ 1 s",
        ),
        (
            f"Search p50 over {len(search_ms)} queries",
            f"{p50:.1f} ms",
            f"{f50:.1f} ms (same FTS5 SQL, raw sqlite3)",
            f"{p50 / f50:.2f}×",
            "",
        ),
        (
            f"Search p95 over {len(search_ms)} queries",
            f"{p95:.1f} ms",
            f"{f95:.1f} ms (same FTS5 SQL, raw sqlite3)",
            f"{p95 / f95:.2f}×",
            "≤ 30 ms and ≤ 2× floor",
        ),
        (
            "Contacts list, first page (count + 200 rows)",
            f"{contacts['first']:.1f} ms",
            f"{contacts['raw_first']:.1f} ms (raw SQL)",
            f"{contacts['first'] / contacts['raw_first']:.2f}×",
            "≤ 100 ms",
        ),
        (
            "Contacts list, re-sort by city",
            f"{contacts['resort']:.1f} ms",
            f"{contacts['raw_resort']:.1f} ms (raw SQL)",
            f"{contacts['resort'] / contacts['raw_resort']:.2f}×",
            "≤ 100 ms",
        ),
        (
            "Engagements list, page at row 400,000 (from the page before, as scrolling reads)",
            f"{deep['deep']:.1f} ms",
            f"{deep['first']:.1f} ms (its first page)",
            f"{deep['deep'] / deep['first']:.2f}×",
            "≤ 2× first page",
        ),
        (
            "Engagements list, the same page asked for by OFFSET",
            f"{deep['offset']:.1f} ms",
            f"{deep['first']:.1f} ms (its first page)",
            f"{deep['offset'] / deep['first']:.2f}×",
            "",
        ),
        ("Quarterly report, all missions", f"{report_s:.2f} s", "—", "—", "≤ 5 s"),
        (
            f"Peak RSS, contacts list open and scrolled ({rows} rows loaded)",
            f"{rss:.0f} MB",
            "—",
            "—",
            "≤ 300 MB",
        ),
    ]
    for writers, run in writes.items():
        rows_table.append(
            (
                f"Writes committed, {writers} processes × 500 at once beside a report reader",
                f"{run.landed:,} of {run.attempted:,} in {run.seconds:.1f} s",
                "—",
                "—",
                "all",
            )
        )
    rows_table += exchange
    rows_table += statistics_figures(LARGE_DB, _signed_in_engine, quarterly_report_seconds)
    header = "| Figure | Rabta | Floor | Ratio | Target |\n|---|---|---|---|---|\n"
    table = header + "".join(f"| {' | '.join(row)} |\n" for row in rows_table)
    encrypted = {"ready": ready, "search": p95, "first": contacts["first"], "report": report_s}
    cost_rows = [
        ("Cold start to the Dashboard's follow-ups on screen", "ready", "s"),
        ("Search p95", "search", "ms"),
        ("Contacts list, first page", "first", "ms"),
        ("Quarterly report, all missions", "report", "s"),
    ]
    cost = (
        "\n### What encryption costs\n\n"
        "The same registry as a plain SQLite file (exported with `sqlcipher_export`) and "
        "encrypted with SQLCipher 4 (AES-256, as every new database), through the same code. "
        "SQLCipher's own estimate is 5–15%.\n\n"
        "| Figure | Plain SQLite | SQLCipher | Cost |\n|---|---|---|---|\n"
        + "".join(
            f"| {label} | {_shown(plain[key], unit)} | {_shown(encrypted[key], unit)} | "
            f"{100 * (encrypted[key] / plain[key] - 1):+.0f}% |\n"
            for label, key, unit in cost_rows
        )
    )
    table += cost
    server_table, server_built = server_figures(
        CACHE,
        BENCH_USER,
        BENCH_PASSWORD,
        PASSWORD_FILE,
        _env(),
        _queries(random.Random(7)),
        {
            "search": p95,
            "first": contacts["first"],
            "resort": contacts["resort"],
            "report": report_s,
            "deep": deep["deep"],
            "deep_first": deep["first"],
        },
        RUNS,
    )
    table += server_table
    if server_built:
        table += f"\nThe registry was loaded into PostgreSQL (COPY) in {server_built:.0f} s.\n"
    print(table)
    REPORT.parent.mkdir(exist_ok=True)
    # Notes written by hand below the table, under "## Notes", are kept.
    earlier = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
    notes = earlier[earlier.index(NOTES) :] if NOTES in earlier else ""
    REPORT.write_text(
        "# Performance\n\n"
        "Measured by `make bench` on the large registry (`python main.py demo --scale large`: "
        "10,000 organizations, 100,000 contacts, 150,000 affiliations, 500,000 engagements, "
        "200 programs, 50,000 measurements), each figure beside its floor from the same run. "
        "Start-up is timed from process launch to the first event-loop turn after the window "
        "is shown, with Python's bytecode cache on as in an installation. The window shows "
        "itself once the database is open, while the models load and the acting user is "
        "found on a worker, so the time until the Dashboard's follow-ups are on screen is "
        "given too. "
        "Rabta and its floor take turns in every figure that has one. The registry is "
        "encrypted (SQLCipher) and each figure includes signing in where start-up does; "
        "floors run the same SQL on a plain copy through the stdlib sqlite3. "
        "Import, duplicate scan and export each run in their own process on a fresh copy "
        "of the encrypted registry, and 'peak' is that process's peak resident memory; the "
        "imported file holds 100,000 people as Outlook exports them (names from the "
        "registry's own lists, so each is like someone already there and 'add as new' is "
        "chosen for all; one in three names an organization of the registry).\n\n"
        f"Machine: {machine()}. Date: {clock.today().isoformat()}."
        + (f" Large database built in {built:.0f} s." if built else "")
        + "\n\n"
        + table
        + (f"\n{notes}" if notes else ""),
        encoding="utf-8",
    )
    print(f"Written to {REPORT.relative_to(ROOT)}")
    _remove_backups()
    return 0


if __name__ == "__main__":
    sys.exit(main())
