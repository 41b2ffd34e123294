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
from datetime import date
from pathlib import Path

SERVER_FOLDER = "pg16"  # in the benchmark cache


def _database() -> str:
    """The large registry's database, named for the schema it was built at (a new schema
    means a new build, as for the SQLite cache)."""
    from db.migrate import head_revision

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
    """Milliseconds per query through db.search, and through psycopg with the same SQL."""
    from sqlalchemy import text
    from sqlmodel import Session

    from db.search import _ALIAS, _TSVECTOR_SQL, KINDS, query_words, search
    from db.store.actor import SYSTEM_ACTOR

    statements = {
        kind: text(_TSVECTOR_SQL[kind].format(archived=f"AND {_ALIAS[kind]}.archived_at IS NULL"))
        .compile(dialect=engine.dialect)
        .string
        for kind in KINDS
    }
    raw = _raw(cache)
    rabta, floor = [], []

    def through_rabta(s: Session, query: str) -> float:
        started = time.perf_counter()
        search(s, query, viewer=SYSTEM_ACTOR)
        return 1000 * (time.perf_counter() - started)

    def through_psycopg(query: str) -> float:
        started = time.perf_counter()
        words = " ".join(query_words(query))
        folded = raw.execute("SELECT rabta_fold(%s)", (words,)).fetchone()[0] or ""
        lexemes = folded.split()
        if lexemes:
            tsquery = " & ".join("'" + w.replace("'", "''") + "':*" for w in lexemes)
            for sql in statements.values():
                raw.execute(sql, {"q": tsquery, "limit": 8}).fetchall()
        return 1000 * (time.perf_counter() - started)

    with Session(engine) as s:
        search(s, "warm up", viewer=SYSTEM_ACTOR)
        for number, query in enumerate(queries):
            if number % 2:
                floor.append(through_psycopg(query))
                rabta.append(through_rabta(s, query))
            else:
                rabta.append(through_rabta(s, query))
                floor.append(through_psycopg(query))
    raw.close()
    return rabta, floor


def contacts_list(engine, cache: Path, runs: int) -> dict[str, float]:
    """Milliseconds for the contacts list's first page and a re-sort by city, and their
    floors (the count and the page's SQL through psycopg)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from db.queries.contacts import ContactFilter, contact_page, count_contacts
    from desktop.models.paged_table import PagedTableModel
    from desktop.pages.contacts import ContactsPage

    QApplication.instance() or QApplication([])
    first, resort = [], []
    for _ in range(runs):
        started = time.perf_counter()
        model = PagedTableModel(
            engine, ContactsPage.columns, count_contacts, contact_page, ContactFilter(), sort="name"
        )
        first.append(1000 * (time.perf_counter() - started))
        started = time.perf_counter()
        model.sort(4, Qt.SortOrder.DescendingOrder)
        resort.append(1000 * (time.perf_counter() - started))
    raw = _raw(cache)
    page_sql = (
        "SELECT id, given_name || ' ' || family_name, name_urdu, profession, city, "
        "region_code, email, phone, consent, do_not_contact FROM contact "
        "WHERE archived_at IS NULL ORDER BY {order} LIMIT 200"
    )
    raw_first, raw_resort = [], []
    for _ in range(runs):
        for order, into in (
            ("lower(family_name), id", raw_first),
            ("lower(city) DESC, id DESC", raw_resort),
        ):
            started = time.perf_counter()
            raw.execute("SELECT count(*) FROM contact WHERE archived_at IS NULL").fetchone()
            raw.execute(page_sql.format(order=order)).fetchall()
            into.append(1000 * (time.perf_counter() - started))
    raw.close()
    return {
        "first": statistics.median(first),
        "resort": statistics.median(resort),
        "raw_first": statistics.median(raw_first),
        "raw_resort": statistics.median(raw_resort),
    }


def quarterly_report_seconds(engine) -> float:
    """Seconds to build the quarterly report for all missions."""
    from db.periods import quarter_containing
    from db.store.actor import Actor
    from reports.produce import produce_quarterly_report

    quarter = quarter_containing(date.today(), fiscal=True).previous()
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
