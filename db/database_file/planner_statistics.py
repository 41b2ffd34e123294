"""The row counts SQLite's query planner reads, kept current on every installation.

Without them SQLite guesses, and on a large registry it guesses wrong: it reads every
live engagement through the archived_at index for `archived_at IS NULL` instead of the
mission-and-date index, and the quarterly report over 500,000 engagements takes 12.9 s
instead of 3.5 s (docs/performance.md). `PRAGMA optimize=0x10002` analyses each table
that was never analysed or has grown many times over since (about 2 s once on that
registry, some milliseconds when there is nothing to do).

Only counts are kept (sqlite_stat1). SQLCipher's SQLite is built with STAT4, whose
sqlite_stat4 table holds sampled index keys in the clear inside the database: people's
names and emails, which an erasure would leave behind. It is emptied after every
analysis; the planner's choices for Rabta's queries are the same without it.

PostgreSQL keeps its own statistics (autovacuum analyses changed tables).
"""

from __future__ import annotations

from sqlalchemy import Engine

from db.foundations.engine import BUSY_TIMEOUT_MS, sqlcipher

# Statistics are worth a short wait, never a long one: when another process holds the
# write lock, the next opening analyses instead.
WAIT_FOR_WRITE_LOCK_MS = 250
# PRAGMA optimize's mask: look at every table, not only those this connection used
# (0x10000), and analyse where needed (0x02); with 0x01 it only lists what it would do.
CHECK_EVERY_TABLE, ANALYSE, ONLY_LIST = 0x10000, 0x02, 0x01


def refresh_planner_statistics(engine: Engine) -> bool:
    """Analyse the tables whose statistics are missing or stale and keep counts only.
    True when the statistics are current; False, with nothing changed, when another
    writer held the file or a table could not be read."""
    if engine.dialect.name != "sqlite":
        return True
    raw = engine.raw_connection()
    cursor = raw.cursor()
    cursor.execute(f"PRAGMA busy_timeout={WAIT_FOR_WRITE_LOCK_MS}")
    try:
        due = cursor.execute(f"PRAGMA optimize({CHECK_EVERY_TABLE | ANALYSE | ONLY_LIST})")
        if not due.fetchall() and not _has_sampled_keys(cursor):
            return True
        cursor.execute("BEGIN IMMEDIATE")
        try:
            cursor.execute(f"PRAGMA optimize({CHECK_EVERY_TABLE | ANALYSE})").fetchall()
            drop_sampled_keys(cursor)
            cursor.execute("COMMIT")
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
    except sqlcipher.DatabaseError:
        # Another writer holds the file, or a table is damaged (the window's health check
        # says so): opening goes on without, and the next opening tries again.
        return False
    finally:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()
        raw.close()
    engine.dispose()  # connections opened from now on read the new counts
    return True


def drop_sampled_keys(cursor) -> None:
    """Empty sqlite_stat4 (index keys sampled by ANALYZE), keeping sqlite_stat1's counts;
    `cursor` is a DB-API cursor on a SQLite connection."""
    if _has_sampled_keys(cursor):
        cursor.execute("DELETE FROM sqlite_stat4")


def _has_sampled_keys(cursor) -> bool:
    if not cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat4'").fetchall():
        return False
    return bool(cursor.execute("SELECT 1 FROM sqlite_stat4 LIMIT 1").fetchall())
