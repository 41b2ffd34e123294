"""Every opening of a SQLite registry brings its planner statistics up to date, keeps
counts only (never sampled names), and never waits long for another writer."""

from __future__ import annotations

import sqlcipher3.dbapi2 as sqlite3  # the SQLite Rabta runs on, built with STAT4

from db.database_file.migrate import open_database
from db.database_file.planner_statistics import refresh_planner_statistics
from db.foundations.engine import create_database_engine
from tests.damaged_files import overwrite_first_page_of

# The shape of the report's counts: every live engagement of a quarter.
QUARTER_BY_KIND = (
    "SELECT kind, count(*) FROM engagement WHERE archived_at IS NULL AND date BETWEEN "
    "'2026-07-01' AND '2026-09-30' AND sensitivity != 'confidential' GROUP BY kind"
)


def _forget_statistics(path) -> None:
    plain = sqlite3.connect(path, isolation_level=None)
    for table in ("sqlite_stat1", "sqlite_stat4"):
        if plain.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone():
            plain.execute(f"DELETE FROM {table}")
    plain.close()


def _rows(path, sql: str) -> list[tuple]:
    plain = sqlite3.connect(path)
    try:
        return plain.execute(sql).fetchall()
    finally:
        plain.close()


def _plan(path) -> str:
    return " ".join(row[3] for row in _rows(path, f"EXPLAIN QUERY PLAN {QUARTER_BY_KIND}"))


def test_opening_a_registry_without_statistics_analyses_it_and_the_report_leaves_archived_at(
    demo_path,
):
    _forget_statistics(demo_path)
    # Guessing, SQLite reads every live engagement through the archived_at index.
    assert "ix_engagement_archived_at" in _plan(demo_path)

    open_database(str(demo_path)).engine.dispose()

    analysed = {idx for (idx,) in _rows(demo_path, "SELECT idx FROM sqlite_stat1")}
    assert {"ix_engagement_mission_id_date", "ix_engagement_archived_at"} <= analysed
    assert "ix_engagement_archived_at" not in _plan(demo_path)


def test_statistics_keep_counts_and_never_sampled_names(demo_path):
    """SQLCipher's SQLite samples index keys (family names, emails) into sqlite_stat4,
    where an erasure would leave them; Rabta keeps sqlite_stat1's counts only."""
    _forget_statistics(demo_path)
    open_database(str(demo_path)).engine.dispose()
    assert _rows(demo_path, "SELECT count(*) FROM sqlite_stat1")[0][0] > 0
    assert _rows(demo_path, "SELECT count(*) FROM sqlite_stat4") == [(0,)]
    stats = " ".join(stat for (stat,) in _rows(demo_path, "SELECT stat FROM sqlite_stat1"))
    assert set(stats) <= set("0123456789 ")  # numbers only

    # A file analysed with samples by hand loses them at the next opening.
    plain = sqlite3.connect(demo_path, isolation_level=None)
    plain.execute("ANALYZE")
    plain.close()
    assert _rows(demo_path, "SELECT count(*) FROM sqlite_stat4")[0][0] > 0
    open_database(str(demo_path)).engine.dispose()
    assert _rows(demo_path, "SELECT count(*) FROM sqlite_stat4") == [(0,)]


def test_another_writer_is_not_kept_waiting_and_the_next_opening_analyses(demo_path):
    _forget_statistics(demo_path)
    writer = sqlite3.connect(demo_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    engine = create_database_engine(str(demo_path))
    try:
        assert refresh_planner_statistics(engine) is False
        assert _rows(demo_path, "SELECT count(*) FROM sqlite_stat1") == [(0,)]
        writer.execute("COMMIT")
        assert refresh_planner_statistics(engine) is True
        assert _rows(demo_path, "SELECT count(*) FROM sqlite_stat1")[0][0] > 0
    finally:
        writer.close()
        engine.dispose()


def test_a_damaged_table_leaves_the_statistics_for_the_health_check_to_report(demo_path):
    """The window opens a damaged file and warns (tests/desktop/test_window_hardening.py);
    analysing it must not refuse the opening."""
    _forget_statistics(demo_path)
    overwrite_first_page_of(demo_path, "program_event", b"\xff" * 64)
    engine = create_database_engine(str(demo_path))
    try:
        assert refresh_planner_statistics(engine) is False
    finally:
        engine.dispose()
    open_database(str(demo_path)).engine.dispose()
