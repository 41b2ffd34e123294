"""Damage a SQLite file the way a failing disk does, for tests of what Rabta says then."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def overwrite_first_page_of(path: Path, table: str, data: bytes | None = None) -> None:
    """Overwrite the first page of `table` in the database file at `path` (its WAL
    checkpointed first) with `data`, by default with bytes that fill the whole page."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    root = connection.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
    ).fetchone()[0]
    connection.close()
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(data if data is not None else b"\xde\xad" * (page_size // 2))
