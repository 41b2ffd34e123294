"""How far one SQLite file goes on this machine: the large registry built with more
engagements (1,000,000 and 2,000,000 by default, encrypted as every new database), and
the figures that have targets measured on each, to see which misses first.

    python -m tests.perf.sqlite_ceiling [ENGAGEMENTS ...]

Not part of `make bench` (each build takes minutes); the files stay in
tests/perf/.cache until removed. Its findings are in docs/performance.md's notes.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

from tests.perf import run_benchmarks as bench
from tests.perf.list_timing import contacts_list_times


def build(engagements: int) -> tuple[Path, float | None]:
    """The registry with this many engagements (built when missing) and its build time."""
    from db.demo import large as demo_large
    from db.foundations.engine import forget_database_key
    from db.security.sign_in import create_first_administrator

    path = bench.CACHE / f"ceiling-{engagements}.db"
    if path.exists():
        return path, None
    bench._write_password_file()
    started = time.perf_counter()
    signed_in = create_first_administrator(
        str(path), bench.BENCH_USER, bench.BENCH_USER, bench.BENCH_PASSWORD
    )
    demo_large.SCALE["engagements"] = engagements
    try:
        demo_large.load_large_demo(signed_in.opened.engine, by=signed_in.actor)
    finally:
        signed_in.opened.engine.dispose()
        forget_database_key(str(path))
    return path, time.perf_counter() - started


def search_p95(path: Path) -> float:
    """95th percentile of milliseconds per search through db.queries.search."""
    from sqlmodel import Session

    from db.foundations.actor import SYSTEM_ACTOR
    from db.queries.search import search

    engine = bench._signed_in_engine(path)
    times = []
    try:
        with Session(engine) as s:
            search(s, "warm up", viewer=SYSTEM_ACTOR)
            for query in bench._queries(random.Random(7)):
                started = time.perf_counter()
                search(s, query, viewer=SYSTEM_ACTOR)
                times.append(1000 * (time.perf_counter() - started))
    finally:
        engine.dispose()
    return statistics.quantiles(times, n=20)[18]


def figures(path: Path, engagements: int) -> dict[str, float]:
    """The figures with targets, on one registry."""
    engine = bench._signed_in_engine(path)
    try:
        contacts = contacts_list_times(engine, lambda _sql: None, bench.RUNS)
    finally:
        engine.dispose()
    deep = bench.engagements_deep_page(path, depth=engagements * 4 // 5)
    _shown, ready, _floor, _figures = bench.cold_start(path)
    return {
        "ready": ready,
        "search": search_p95(path),
        "first": contacts["first"],
        "resort": contacts["resort"],
        "deep": deep["deep"],
        "deep_first": deep["first"],
        "report": bench.quarterly_report_seconds(path),
    }


def main(counts: list[int]) -> int:
    print(
        "| Engagements | Built in | Dashboard ready | Search p95 | Contacts first page | "
        "Re-sort | Engagements page at 80% (first) | Quarterly report |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for count in counts:
        path, built = build(count)
        got = figures(path, count)
        print(
            f"| {count:,} | {f'{built:.0f} s' if built else 'cached'} | {got['ready']:.2f} s | "
            f"{got['search']:.1f} ms | {got['first']:.1f} ms | {got['resort']:.1f} ms | "
            f"{got['deep']:.1f} ms ({got['deep_first']:.1f}) | {got['report']:.2f} s |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main([int(n) for n in sys.argv[1:]] or [1_000_000, 2_000_000]))
