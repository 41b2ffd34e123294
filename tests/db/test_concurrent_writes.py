"""Several processes writing to one registry at once, on a SQLite file and on a server:
every write lands, none is refused, and the audit chain they share stays whole."""

from __future__ import annotations

from tests.perf.concurrent_writes import run_writers


def test_four_processes_writing_at_once_all_land(tmp_path):
    run = run_writers(tmp_path / "writes.db", writers=4, each=200)
    assert "locked" not in run.errors
    assert run.failed == 0, run.errors[-2000:]
    assert run.landed == run.audited == run.attempted == 800
    assert run.chain_intact


def test_four_processes_writing_to_a_server_at_once_all_land(pg_databases):
    run = run_writers(pg_databases.blank(), writers=4, each=500, reader_seconds=4)
    assert run.failed == 0, run.errors[-2000:]
    assert run.landed == run.audited == run.attempted == 2000
    assert run.chain_intact
