"""Opening a database: create it when missing, refuse one from a newer Rabta,
back up one that is behind, then upgrade it to the head revision with alembic.

This runs before any window opens, so a half-upgraded file never meets the GUI.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from db.database_file.backups import take_backup
from db.database_file.planner_statistics import refresh_planner_statistics
from db.foundations import clock
from db.foundations.engine import (
    connect_sqlite_file,
    create_database_engine,
    database_key,
    is_sqlite,
    shown_location,
)
from db.foundations.errors import (
    SQLITE_ERRORS,
    DatabaseUnavailable,
    EmptyDatabaseFile,
    explain_database_error,
)
from db.foundations.private_files import make_private
from db.security.keyring import keyring_path

if TYPE_CHECKING:
    from alembic.config import Config

# alembic is imported only when a database is not at the head revision: opening an
# up-to-date database (every start but the first after an upgrade) stays fast.
_REVISION = re.compile(r'^(down_revision|revision)\b[^=]*=\s*"?([\w.-]+|None)"?', re.MULTILINE)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class OpenedDatabase:
    """An open, up-to-date database and what opening it did."""

    engine: Engine
    location: str
    created: bool
    backup_path: Path | None
    upgraded_from: str | None


UPGRADE_LOCK = 4242002  # the advisory lock a server upgrade holds (the audit chain's is 4242001)


def include_in_comparison(obj, name, type_, reflected, compare_to) -> bool:
    """What the models describe: full-text tables, search columns and expression indexes
    live only in migrations, so model/database comparisons leave them out."""
    if type_ == "table" and name and "_fts" in name:
        return False
    if type_ == "column" and name == "search_vector":  # PostgreSQL's generated tsvector
        return False
    return not (type_ == "index" and name and name.startswith(("ix_expr_", "ix_search_", "uq_")))


def alembic_config() -> Config:
    """An alembic Config whose scripts live inside the db package (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _revisions_on_disk() -> dict[str, str | None]:
    """revision -> down_revision, read from the migration files without importing alembic."""
    chain: dict[str, str | None] = {}
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(m.groups() for m in _REVISION.finditer(script.read_text(encoding="utf-8")))
        if "revision" in found:
            down = found.get("down_revision")
            chain[found["revision"]] = None if down in (None, "None") else down
    return chain


def head_revision() -> str:
    """The newest schema revision this Rabta knows."""
    chain = _revisions_on_disk()
    heads = set(chain) - {down for down in chain.values() if down}
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def known_revisions() -> set[str]:
    """Every schema revision this Rabta knows."""
    return set(_revisions_on_disk())


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for a database without Rabta's schema."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def open_database(
    location: str,
    *,
    now: datetime | None = None,
    create_missing: bool = True,
    initialise_empty_file: bool = False,
    upgrade_server: bool = False,
    server_backup_taken: bool = False,
) -> OpenedDatabase:
    """Open the database at a path or URL, migrated to head.

    A missing file is created only with `create_missing` (the window and `demo`); an
    existing empty file only with `initialise_empty_file` (the window, after asking).
    Raises DatabaseUnavailable with a sentence for the user when the file is missing,
    empty, not a database, another program's, cannot be written, is locked, or was made
    by a newer Rabta; such a file is left exactly as it was.

    A SQLite file is copied, then upgraded, when it is opened. A registry on a server is
    shared by many offices, so it is upgraded only when asked (`upgrade_server`, the
    `upgrade` command), after a pg_dump that Rabta takes when pg_dump is on the PATH or
    that the administrator says was taken (`server_backup_taken`).

    A SQLite file's planner statistics are brought up to date
    (db/database_file/planner_statistics.py).
    """
    sqlite = is_sqlite(location)
    path = Path(location) if sqlite else None
    existed = bool(path and path.exists() and path.stat().st_size > 0)
    if path is not None:
        _check_sqlite_file(
            path, create_missing=create_missing, initialise_empty_file=initialise_empty_file
        )
    engine = None
    try:
        engine = create_database_engine(location)
        revision = current_revision(engine)
        _refuse_unknown(engine, location, revision)
        backup = None
        if revision != head_revision():
            if path is not None and existed and revision is not None:
                backup = take_backup(str(path), kind="upgrade", now=now)
            if path is None and revision is not None:
                if not upgrade_server:
                    raise DatabaseUnavailable(
                        f"The registry at {shown_location(location)} is at schema version "
                        f"{revision} and this Rabta needs {head_revision()}. Its administrator "
                        "upgrades it once for every office: python main.py upgrade --db URL "
                        "(which takes a pg_dump first)."
                    )
                backup = None if server_backup_taken else server_backup(location, now=now)
            _upgrade(location)
        refresh_planner_statistics(engine)
        if path is not None:  # an older Rabta's file (0644) becomes its owner's alone too
            make_private(path, f"{path}-wal", f"{path}-shm")
        return OpenedDatabase(
            engine=engine,
            location=location,
            created=not existed if path is not None else revision is None,
            backup_path=backup,
            upgraded_from=revision if revision != head_revision() else None,
        )
    except BaseException as error:
        if engine is not None:  # refused or failed: close its connections now
            engine.dispose()
        if not isinstance(error, (DBAPIError, *SQLITE_ERRORS)):
            raise
        explained = explain_database_error(error, location)
        if explained is None:
            raise
        raise explained from error


def _check_sqlite_file(path: Path, *, create_missing: bool, initialise_empty_file: bool) -> None:
    if path.exists() and not path.is_file():
        raise DatabaseUnavailable(f"{path} is a folder, not a database file.")
    if not path.exists() and not create_missing:
        raise DatabaseUnavailable(
            f"There is no database at {path}; check the path "
            "(`rabta demo --db PATH` or the window makes a new one)."
        )
    if path.exists() and path.stat().st_size == 0 and not initialise_empty_file:
        raise EmptyDatabaseFile(
            f"{path} is an empty file, not a Rabta database; "
            "open it in the window to make it a new database."
        )
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as handle:
            plain = handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
        if not plain and not keyring_path(path).exists():
            raise DatabaseUnavailable(f"{path} is not a Rabta database (it is not a SQLite file).")
        if not plain and database_key(str(path)) is None:
            raise DatabaseUnavailable(f"{path} is encrypted: sign in to open it.")
        if not os.access(path, os.W_OK):
            raise DatabaseUnavailable(f"{path} cannot be written: the file is read-only for you.")
        _refuse_foreign_file(path)
    folder = path.parent
    if not folder.exists():
        try:
            folder.mkdir(parents=True)
        except OSError as error:
            raise DatabaseUnavailable(
                f"The folder {folder} for the database cannot be created ({error.strerror})."
            ) from error
    if not os.access(folder, os.W_OK):
        raise DatabaseUnavailable(
            f"{path} cannot be used: its folder {folder} is read-only for you."
        )


def _refuse_foreign_file(path: Path) -> None:
    """Look at an existing SQLite file read-only, before any connection changes it
    (WAL mode is persistent): another program's database is refused untouched."""
    try:
        connection = connect_sqlite_file(path, read_only=True)
    except SQLITE_ERRORS:
        return  # the engine's own connection will explain what is wrong
    try:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    except SQLITE_ERRORS as error:
        explained = explain_database_error(error, str(path))
        if explained is None:
            raise
        raise explained from error
    finally:
        connection.close()
    if tables and "alembic_version" not in tables:
        raise DatabaseUnavailable(f"{path} is a database of another program, not of Rabta.")


def _refuse_unknown(engine: Engine, location: str, revision: str | None) -> None:
    if revision is None:
        tables = set(inspect(engine).get_table_names())
        if tables:
            raise DatabaseUnavailable(
                f"{shown_location(location)} is a database of another program, not of Rabta."
            )
        return
    if revision not in known_revisions():
        raise DatabaseUnavailable(
            f"{shown_location(location)} was made by a newer version of Rabta (schema {revision}); "
            "install the newer Rabta to open it."
        )


def server_backup(location: str, *, now: datetime | None = None) -> Path:
    """A pg_dump (custom format) of the registry on a server, in Rabta's data folder,
    before it is upgraded; DatabaseUnavailable when pg_dump is not on the PATH or fails."""
    import shutil
    import subprocess

    from sqlalchemy.engine import make_url

    from db.foundations.engine import default_database_path

    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise DatabaseUnavailable(
            "pg_dump is not on this computer's PATH, so Rabta cannot copy the registry before "
            "upgrading it: take a backup with pg_dump, then run the upgrade with --backup-taken."
        )
    url = make_url(location)
    stamp = (now or clock.local_now()).strftime("%Y%m%d-%H%M%S")
    name = url.database or "registry"
    target = default_database_path().parent / f"{name}.backup-{stamp}-upgrade.dump"
    target.parent.mkdir(parents=True, exist_ok=True)
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(
        [pg_dump, "--format=custom", f"--file={target}", f"--dbname={conninfo}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        first_line = (done.stderr.strip().splitlines() or ["no reason given"])[0]
        raise DatabaseUnavailable(
            f"pg_dump could not copy the registry before the upgrade ({first_line}); nothing "
            "was changed."
        )
    return target


def _upgrade(location: str) -> None:
    # Batch migrations recreate tables, which foreign-key enforcement would break:
    # run them on a connection with enforcement off, then check integrity.
    engine = create_database_engine(location, enforce_foreign_keys=False)
    from alembic import command

    try:
        with engine.connect() as connection:
            server = engine.dialect.name == "postgresql"
            if server:  # one client upgrades; the others wait, then find it done
                connection.exec_driver_sql(f"SELECT pg_advisory_lock({UPGRADE_LOCK})")
                connection.commit()
            config = alembic_config()
            config.attributes["connection"] = connection
            try:
                command.upgrade(config, "head")
            except DBAPIError as error:
                if explain_database_error(error, location) is not None:
                    raise
                raise DatabaseUnavailable(
                    f"{shown_location(location)} could not be upgraded: its tables do not match "
                    "the schema version it records (it was changed outside Rabta); the backup copy "
                    "beside it holds its data as it was before."
                ) from error
            connection.commit()
            if server:
                connection.exec_driver_sql(f"SELECT pg_advisory_unlock({UPGRADE_LOCK})")
                connection.commit()
            if engine.dialect.name == "sqlite":
                problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                connection.commit()
                if problems:
                    raise DatabaseUnavailable(
                        f"{shown_location(location)} failed its integrity check after the upgrade; "
                        "the backup beside it holds the data as it was."
                    )
    finally:
        engine.dispose()
