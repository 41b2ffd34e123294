"""Copying a whole registry from one database to another: a laptop's SQLite file into a
new, empty database on the commission's PostgreSQL server, or a server's registry into
a new SQLite file. Every table is copied row for row with its ids, the audit log
included (so its chain still verifies), in one transaction on the target, then checked
by each table's row count and a SHA-256 of its content read back from both sides.

Only into an empty registry: a target that holds records is refused untouched with
TargetHoldsRecords, and db/registry_sync/merge.py brings records into it instead.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, func, insert, select, text
from sqlmodel import SQLModel

import db.foundations.models  # noqa: F401  (every table on SQLModel.metadata)
from db.database_file.migrate import open_database
from db.foundations.actor import Actor
from db.foundations.engine import (
    database_key,
    forget_database_key,
    is_sqlite,
    remember_database_key,
)
from db.foundations.errors import DatabaseUnavailable, ValidationError
from db.foundations.private_files import make_private
from db.foundations.sealed_text import stored_form
from db.security.keyring import Keyring, keyring_path

CHUNK = 2_000  # rows read and written at a time


@dataclass(frozen=True)
class TableCopy:
    """One table as copied: its rows and the content digest both sides agree on."""

    name: str
    rows: int
    sha256: str


@dataclass(frozen=True)
class RegistryCopy:
    """What a copy wrote, table by table, in dependency order."""

    target: str
    tables: list[TableCopy]

    @property
    def rows(self) -> int:
        """Rows copied in all."""
        return sum(table.rows for table in self.tables)


def registry_tables() -> list[Table]:
    """Every table of the registry, each after the tables it refers to."""
    return list(SQLModel.metadata.sorted_tables)  # referenced tables before referencing


def _ordered(table: Table):
    return select(table).order_by(*table.primary_key.columns)


def plain_value(value: Any) -> Any:
    """A value as the digest sees it, the same whichever engine it was read from (sealed
    text as it is stored)."""
    value = stored_form(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):  # PostgreSQL hands bytea back as memoryview
        return bytes(value).hex()
    return value


def table_digest(engine: Engine, table: Table) -> tuple[int, str]:
    """Rows and SHA-256 of a table's content, in primary-key order."""
    digest, count = hashlib.sha256(), 0
    with engine.connect() as connection:
        for row in connection.execute(_ordered(table)).yield_per(CHUNK):
            line = json.dumps([plain_value(v) for v in row], ensure_ascii=False, default=str)
            digest.update(line.encode("utf-8") + b"\n")
            count += 1
    return count, digest.hexdigest()


def _rows_in_chunks(engine: Engine, table: Table) -> Iterator[list[dict]]:
    with engine.connect() as connection:
        chunk: list[dict] = []
        for row in connection.execute(_ordered(table)).mappings().yield_per(CHUNK):
            chunk.append(dict(row))
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


class TargetHoldsRecords(ValidationError):
    """The target of a whole-registry copy is not empty."""


def _refuse_unless_empty(engine: Engine, shown: str) -> None:
    with engine.connect() as connection:
        for table in registry_tables():
            if connection.execute(select(func.count()).select_from(table)).scalar():
                raise TargetHoldsRecords(
                    {
                        "target": f"{shown} already holds records ({table.name}); a whole "
                        "registry is copied only into an empty one."
                    }
                )


def copy_registry(
    actor: Actor,
    source: Engine,
    target_location: str,
    progress: Callable[[str], None] | None = None,
    *,
    plain: bool = False,
    password: str | None = None,
) -> RegistryCopy:
    """Copy every table of the registry on `source` into the empty registry at
    `target_location` (made if missing), all or nothing, and check that both sides hold
    the same rows; return what was copied (administrators).

    A new file is encrypted unless `plain` is asked for: with the source's key and its
    users' keyring when the source is an encrypted file (the same passwords open it),
    else with a new key sealed for `actor` under `password`."""
    actor.require_admin()
    from db.foundations.engine import shown_location

    report = progress or (lambda _message: None)
    shown = shown_location(target_location)
    keyring = None
    new_file = is_sqlite(target_location) and not _holds_data(Path(target_location))
    if new_file and not plain:
        keyring = _seal_new_file(source, target_location, actor, password)
    try:
        opened = open_database(target_location)
    except BaseException:
        if new_file:
            _remove_new_file(target_location)
        raise
    target = opened.engine
    try:
        _refuse_unless_empty(target, shown)
        with target.begin() as connection:
            for table in registry_tables():
                report(f"Copying {table.name}…")
                for chunk in _rows_in_chunks(source, table):
                    connection.execute(insert(table), chunk)
            if target.dialect.name == "postgresql":  # new ids go on after the copied ones
                for table in registry_tables():
                    if "id" in table.columns and table.columns["id"].autoincrement:
                        connection.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                                f'coalesce(max(id), 0) + 1, false) FROM "{table.name}"'
                            )
                        )
        copied = []
        for table in registry_tables():
            report(f"Checking {table.name}…")
            there, here = table_digest(source, table), table_digest(target, table)
            if there != here:
                raise DatabaseUnavailable(
                    f"The copy of {table.name} in {shown} does not match the original "
                    f"({here[0]:,} rows against {there[0]:,}); do not use that copy."
                )
            copied.append(TableCopy(table.name, *there))
    except BaseException:
        target.dispose()
        if new_file:
            _remove_new_file(target_location)
        raise
    target.dispose()
    if new_file:
        if keyring is not None:
            keyring.save()
        make_private(Path(target_location))
        forget_database_key(target_location)
    return RegistryCopy(shown, copied)


def _holds_data(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


def _seal_new_file(
    source: Engine, target_location: str, actor: Actor, password: str | None
) -> Keyring:
    """Make the new file's key known (remembered for it) and the keyring to save beside
    it once the copy is whole."""
    source_file = source.url.database if source.dialect.name == "sqlite" else None
    target_keys = keyring_path(target_location)
    if source_file and keyring_path(source_file).exists():
        key = database_key(source_file)
        if key is None:
            raise DatabaseUnavailable(f"Sign in to {source_file} first: its key is not open.")
        keyring = Keyring(target_keys, envelopes=dict(Keyring.load(source_file).envelopes))
    else:
        if not password:
            raise ValidationError(
                {"password": "Type your password: the new file is encrypted for you."}
            )
        key = secrets.token_bytes(32)
        keyring = Keyring(target_keys)
        keyring.admit(actor.username, password, key)
    remember_database_key(target_location, key)
    return keyring


def _remove_new_file(target_location: str) -> None:
    """A copy that did not finish leaves nothing behind."""
    forget_database_key(target_location)
    for leftover in ("", "-wal", "-shm", ".keys"):
        Path(f"{target_location}{leftover}").unlink(missing_ok=True)
