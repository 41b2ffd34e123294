"""The schema comes only from alembic, and opening a database keeps it safe."""

from __future__ import annotations

import sqlite3

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from db.database_file.migrate import (
    alembic_config,
    head_revision,
    include_in_comparison,
    open_database,
)
from db.foundations.engine import create_database_engine
from db.foundations.errors import DatabaseUnavailable


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_upgrade_to_head_matches_the_models(tmp_path):
    opened = open_database(str(tmp_path / "fresh.db"))
    with opened.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_in_comparison}
        )
        assert compare_metadata(context, SQLModel.metadata) == []
    assert opened.created


def test_open_a_database_at_head_changes_nothing(db_path):
    before = db_path.read_bytes()
    opened = open_database(str(db_path))
    assert not opened.created and opened.backup_path is None and opened.upgraded_from is None
    opened.engine.dispose()
    assert list(db_path.parent.glob("*.backup-*")) == []
    assert len(before) > 0


def _downgrade_one(path, to: str = "-1"):
    engine = create_database_engine(str(path), enforce_foreign_keys=False)
    with engine.connect() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, to)
        connection.commit()
    engine.dispose()


def test_a_database_behind_head_is_backed_up_then_upgraded(db_path):
    _downgrade_one(db_path)
    with sqlite3.connect(db_path) as raw:
        raw.execute("INSERT INTO region (code, name, country) VALUES ('US-TX', 'Texas', 'US')")
    previous = (
        sqlite3.connect(db_path).execute("SELECT version_num FROM alembic_version").fetchone()
    )

    opened = open_database(str(db_path))
    opened.engine.dispose()

    assert opened.upgraded_from == previous[0]
    assert opened.backup_path is not None and opened.backup_path.parent == db_path.parent
    backup = sqlite3.connect(opened.backup_path)
    assert backup.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == previous
    assert backup.execute("SELECT name FROM region").fetchall() == [("Texas",)]
    upgraded = sqlite3.connect(db_path)
    assert upgraded.execute("SELECT version_num FROM alembic_version").fetchone() == (
        head_revision(),
    )
    assert upgraded.execute("SELECT name FROM region").fetchall() == [("Texas",)]


def test_a_database_from_a_newer_rabta_is_refused(db_path):
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(DatabaseUnavailable, match="newer version of Rabta"):
        open_database(str(db_path))
    still = sqlite3.connect(db_path).execute("SELECT version_num FROM alembic_version").fetchone()
    assert still == ("9999_future",)


@pytest.mark.sqlite_only("SQLite's pragmas")
def test_connections_use_wal_full_sync_and_foreign_keys(engine):
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_savepoints_roll_back_only_their_part(engine):
    with engine.connect() as connection:
        connection.exec_driver_sql("INSERT INTO tag (name) VALUES ('kept')")
        savepoint = connection.begin_nested()
        connection.exec_driver_sql("INSERT INTO tag (name) VALUES ('undone')")
        savepoint.rollback()
        connection.commit()
        names = connection.exec_driver_sql("SELECT name FROM tag").scalars().all()
    assert names == ["kept"]


def test_the_quick_revision_reader_agrees_with_alembic():
    from alembic.script import ScriptDirectory

    from db.database_file.migrate import known_revisions

    script = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == script.get_current_head()
    assert known_revisions() == {rev.revision for rev in script.walk_revisions()}


def test_saved_report_texts_learn_the_months_they_cover(db_path):
    """Migration 0009 fills each saved text's months from its quarter code."""
    _downgrade_one(db_path, to="0008")
    with sqlite3.connect(db_path) as raw:
        raw.executemany(
            "INSERT INTO report_text (period, scope, narrative, prepared_by, reviewed_by, "
            "approved_by, updated_at) VALUES (?, 'ALL', ?, '', '', '', '2026-10-01 00:00:00')",
            [("2026Q3", "calendar"), ("FY2025-26Q3", "fiscal"), ("garbled", "left alone")],
        )
    open_database(str(db_path)).engine.dispose()
    rows = sqlite3.connect(db_path).execute(
        "SELECT narrative, period_start, period_end FROM report_text ORDER BY id"
    )
    assert rows.fetchall() == [
        ("calendar", "2026-07-01", "2026-09-30"),
        ("fiscal", "2026-01-01", "2026-03-31"),
        ("left alone", None, None),
    ]
