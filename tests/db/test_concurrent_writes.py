"""Several processes writing to one SQLite file at once: every write lands, none is refused."""

from __future__ import annotations

from tests.perf.concurrent_writes import run_writers


def test_four_processes_writing_at_once_all_land(tmp_path):
    run = run_writers(tmp_path / "writes.db", writers=4, each=200)
    assert "locked" not in run.errors
    assert run.failed == 0, run.errors[-2000:]
    assert run.landed == run.audited == run.attempted == 800
