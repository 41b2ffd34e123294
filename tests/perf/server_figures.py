"""`make bench` on PostgreSQL: the large registry loaded into a PostgreSQL 16 server that
the benchmark starts from the pgserver wheel (kept in tests/perf/.cache between runs,
built once with COPY), and the figures the issue names beside SQLite's: search p95,
the contacts list's first page and a re-sort, the quarterly report. Each Rabta figure
has its floor: the same SQL through psycopg alone.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from db.foundations import clock
from tests.perf.list_timing import (
    contacts_list_times,
    deep_page_times,
    search_times_taking_turns,
)

SERVER_FOLDER = "pg16"  # in the benchmark cache


def _database() -> str:
    """The large registry's database, named for the schema it was built at (a new schema
    means a new build, as for the SQLite cache)."""
    from db.database_file.migrate import head_revision

    return f"rabta_large_{head_revision()}"


def start_server(cache: Path):
    """The benchmark's PostgreSQL server (started, or found running)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns of no XDG_RUNTIME_DIR
        import pgserver

    return pgserver.get_server(cache / SERVER_FOLDER, cleanup_mode="stop")


def server_url(cache: Path, database: str | None = None) -> str:
    """The SQLAlchemy URL of a database on the benchmark's server."""
    return f"postgresql+psycopg://postgres@/{database or _database()}?host={cache / SERVER_FOLDER}"


def build_large_registry(server, cache: Path, user: str, password_file: Path, env: dict):
    """Load the large registry into the server once; return the seconds it took, or None
    when it was there already."""
    database = _database()
    listed = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" in listed:
        return None
    older = server.psql("SELECT datname FROM pg_database WHERE datname LIKE 'rabta_large_%';")
    for name in older.split():
        if name.startswith("rabta_large_"):  # earlier schemas, or a build cut short
            server.psql(f"DROP DATABASE {name};")
    server.psql(f"CREATE DATABASE {database}_building;")
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve().parents[2] / "main.py"),
            "demo",
            "--scale",
            "large",
            "--db",
            server_url(cache, f"{database}_building"),
            "--user",
            user,
            "--password-file",
            str(password_file),
        ],
        check=True,
        env=env,
    )
    server.psql(f"ALTER DATABASE {database}_building RENAME TO {database};")
    return time.perf_counter() - started


def _raw(cache: Path):
    import psycopg

    return psycopg.connect(
        f"dbname={_database()} user=postgres host={cache / SERVER_FOLDER}", autocommit=True
    )


def search_times(engine, cache: Path, queries: list[str]) -> tuple[list[float], list[float]]:
    """Milliseconds per query through db.queries.search, and through psycopg with the same SQL."""
    from sqlalchemy import text

    from db.queries.search import _ALIAS, _TSVECTOR_SQL, KINDS, prefix_tsquery, query_words

    statements = [
        text(_TSVECTOR_SQL[kind].format(archived=f"AND {_ALIAS[kind]}.archived_at IS NULL"))
        .compile(dialect=engine.dialect)
        .string
        for kind in KINDS
    ]
    raw = _raw(cache)

    def through_psycopg(query: str) -> None:
        words = " ".join(query_words(query))
        folded = raw.execute("SELECT rabta_fold(%s)", (words,)).fetchone()[0] or ""
        tsquery = prefix_tsquery(folded.split())
        if tsquery:
            for sql in statements:
                raw.execute(sql, {"q": tsquery, "limit": 8}).fetchall()

    try:
        return search_times_taking_turns(engine, queries, through_psycopg)
    finally:
        raw.close()


def contacts_list(engine, cache: Path, runs: int) -> dict[str, float]:
    """Milliseconds for the contacts list's first page and a re-sort by city, and their
    floors (the count and the page's SQL through psycopg)."""
    raw = _raw(cache)
    try:
        return contacts_list_times(engine, lambda sql: raw.execute(sql).fetchall(), runs)
    finally:
        raw.close()


def quarterly_report_seconds(engine) -> float:
    """Seconds to build the quarterly report for all missions."""
    from db.foundations.actor import Actor
    from db.foundations.periods import quarter_containing
    from reports.produce import produce_quarterly_report

    quarter = quarter_containing(clock.today(), fiscal=True).previous()
    with tempfile.TemporaryDirectory() as folder:
        produced = produce_quarterly_report(
            engine,
            Actor(id=None, username="bench", role="supervisor"),
            quarter.code,
            Path(folder) / "q.pdf",
        )
    return produced.seconds


def server_figures(
    cache: Path,
    user: str,
    password: str,
    password_file: Path,
    env: dict,
    queries: list[str],
    sqlite: dict[str, float],
    runs: int,
) -> tuple[str, float | None]:
    """The PostgreSQL section of docs/performance.md, and the build time if built now."""
    from db.security.sign_in import sign_in

    server = start_server(cache)
    built = build_large_registry(server, cache, user, password_file, env)
    engine = sign_in(server_url(cache), user, password).opened.engine
    try:
        search_ms, search_floor = search_times(engine, cache, queries)
        contacts = contacts_list(engine, cache, runs)
        deep = deep_page_times(engine, runs)
        report = quarterly_report_seconds(engine)
    finally:
        engine.dispose()
    p95 = statistics.quantiles(search_ms, n=20)[18]
    f95 = statistics.quantiles(search_floor, n=20)[18]
    rows = [
        ("Search p95", f"{sqlite['search']:.1f} ms", f"{p95:.1f} ms", f"{f95:.1f} ms", "≤ 30 ms"),
        (
            "Contacts list, first page",
            f"{sqlite['first']:.1f} ms",
            f"{contacts['first']:.1f} ms",
            f"{contacts['raw_first']:.1f} ms",
            "≤ 100 ms",
        ),
        (
            "Contacts list, re-sort by city",
            f"{sqlite['resort']:.1f} ms",
            f"{contacts['resort']:.1f} ms",
            f"{contacts['raw_resort']:.1f} ms",
            "≤ 100 ms",
        ),
        (
            "Engagements list, page at row 400,000 (first page)",
            f"{sqlite['deep']:.1f} ms ({sqlite['deep_first']:.1f})",
            f"{deep['deep']:.1f} ms ({deep['first']:.1f})",
            "—",
            "≤ 2× first page",
        ),
        (
            "Quarterly report, all missions",
            f"{sqlite['report']:.2f} s",
            f"{report:.2f} s",
            "—",
            "≤ 5 s",
        ),
    ]
    table = (
        "\n### On PostgreSQL\n\n"
        "The same large registry loaded into a PostgreSQL 16 server on this machine "
        "(pgserver, default settings, a Unix socket), through the same code; the floor is "
        "the same SQL through psycopg alone. SQLite's figures are the encrypted file's "
        "from the table above.\n\n"
        "| Figure | SQLite | PostgreSQL | PostgreSQL floor | Target |\n|---|---|---|---|---|\n"
        + "".join(f"| {' | '.join(row)} |\n" for row in rows)
    )
    return table, built
