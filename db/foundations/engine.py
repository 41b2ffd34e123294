"""Where the database is, and engines configured the way Rabta needs them.

SQLite connections get WAL, synchronous=FULL (a committed engagement survives
a power cut), foreign keys, a busy timeout, and real BEGIN statements so that
transactions and savepoints behave (SQLAlchemy's recipe for pysqlite). A unit of
work that writes begins with BEGIN IMMEDIATE (see `writing`): it waits its turn for
the write lock under the busy timeout instead of failing when it upgrades from a read.

Every SQLite connection goes through SQLCipher's driver (sqlcipher3): a database whose
key was unlocked by a sign-in (`remember_database_key`) is opened with that key as the
first statement of each connection; a plain file from an earlier Rabta opens as before.

Statement parameters (names, emails, notes) never appear in logs or error text.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from weakref import WeakKeyDictionary

import platformdirs
import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

APP_NAME = "Rabta"
APP_AUTHOR = "Rabta"
DATABASE_ENV_VAR = "RABTA_DB"
DEFAULT_FILE_NAME = "rabta.db"
BUSY_TIMEOUT_MS = 5000
# How Rabta connects to a PostgreSQL server unless the URL (or a libpq service file) says
# otherwise: give up on an unreachable server after 10 s, name itself in pg_stat_activity,
# and let no statement run longer than 5 minutes (a report takes seconds; the large
# demo's biggest COPY well under a minute).
SERVER_CONNECTION = {"connect_timeout": 10, "application_name": "Rabta"}
SERVER_STATEMENT_TIMEOUT_MS = 300_000
WRITE_OPTION = "rabta_writes"
KEY_BYTES = 32

# Keys of the encrypted databases this process has unlocked, by resolved file path. They
# live in memory only, for as long as the person who unlocked them stays signed in.
_unlocked_keys: dict[str, bytes] = {}
# The key each engine opens its connections with (changed by a key rotation).
_engine_keys: WeakKeyDictionary[Engine, bytes | None] = WeakKeyDictionary()


def _key_slot(location: str) -> str:
    return str(Path(location).expanduser().resolve())


def remember_database_key(location: str, key: bytes) -> None:
    """Open every later connection to this database file with this key."""
    if len(key) != KEY_BYTES:
        raise ValueError("a database key is 32 bytes")
    _unlocked_keys[_key_slot(location)] = bytes(key)


def forget_database_key(location: str) -> None:
    """Forget the key of a database file (on sign-out, or after a failed unlock)."""
    _unlocked_keys.pop(_key_slot(location), None)


@contextmanager
def key_kept_on_failure(location: str) -> Iterator[None]:
    """Around an unlock that may fail: on failure the key held before it is held again
    (or none), so a refused sign-in never takes the key of a session already open."""
    before = database_key(location)
    try:
        yield
    except BaseException:
        if before is None:
            forget_database_key(location)
        else:
            remember_database_key(location, before)
        raise


def database_key(location: str) -> bytes | None:
    """The key this process holds for a database file, or None."""
    if "://" in location:
        return None
    return _unlocked_keys.get(_key_slot(location))


def key_pragma(key: bytes) -> str:
    """The statement that gives SQLCipher a raw 256-bit key (no passphrase derivation)."""
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect_sqlite_file(
    path: Path | str,
    *,
    read_only: bool = False,
    key: bytes | None = None,
    untouched: bool = False,
):
    """A DB-API connection to a SQLite file outside the engine (backups, first looks),
    keyed when the file is encrypted; the caller closes it. `untouched` reads the main
    file only, as it is, writing nothing beside it (no -shm or -wal)."""
    path = Path(path)
    key = key if key is not None else database_key(str(path))
    read_only = read_only or untouched
    query = "?mode=ro&immutable=1" if untouched else "?mode=ro"
    uri = f"{path.resolve().as_uri()}{query}" if read_only else str(path)
    connection = sqlcipher.connect(uri, uri=read_only, isolation_level=None)
    if key is not None:
        connection.execute(key_pragma(key))
    return connection


def hold_alone(connection, path: Path | str) -> bool:
    """Take the file for `connection` alone (exclusive locking, held until it closes):
    False when the file cannot be read with its key (damaged), DatabaseUnavailable when
    another Rabta window or program has it open."""
    from db.foundations.errors import SQLITE_ERRORS, DatabaseUnavailable

    connection.execute("PRAGMA busy_timeout = 0")
    try:
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("COMMIT")
    except SQLITE_ERRORS as error:
        if "locked" in str(error) or "busy" in str(error):
            raise DatabaseUnavailable(
                f"{Path(path).name} is open in another Rabta window or program; close it "
                "there first, then try again."
            ) from error
        return False
    return True


def default_database_path() -> Path:
    """The per-user database file used when neither --db nor RABTA_DB says otherwise."""
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)) / DEFAULT_FILE_NAME


def resolve_database_location(
    cli_value: str | None, environ: Mapping[str, str] | None = None
) -> str:
    """Return the database to open: `--db` first, then $RABTA_DB, then the user data file.

    The result is either a filesystem path or, for a shared server, a SQLAlchemy URL
    (anything containing "://").
    """
    environ = os.environ if environ is None else environ
    chosen = cli_value or environ.get(DATABASE_ENV_VAR) or str(default_database_path())
    return chosen if "://" in chosen else str(Path(chosen).expanduser())


def database_url(location: str) -> str:
    """Turn a path or URL from `resolve_database_location` into a SQLAlchemy URL."""
    if "://" in location:
        return location
    return f"sqlite+pysqlite:///{Path(location).resolve()}"


def shown_location(location: str) -> str:
    """The database as it may be shown or printed: a server URL without its password."""
    if "://" not in location:
        return location
    try:
        return make_url(location).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy can read: show nothing of it
        return "the database server"


def is_sqlite(location: str) -> bool:
    """True when the location names a SQLite file rather than a server."""
    return make_url(database_url(location)).get_backend_name() == "sqlite"


def create_database_engine(
    location: str,
    *,
    echo: bool = False,
    enforce_foreign_keys: bool = True,
    key: bytes | None = None,
) -> Engine:
    """Create an engine for a path or URL with Rabta's connection settings; an encrypted
    file opens with `key` when given (the key a signed-in session holds), else with the
    key this process remembers for it.

    `enforce_foreign_keys=False` is for schema migrations only.
    """
    url = database_url(location)
    if not is_sqlite(location):
        given = make_url(url).query
        settings = {k: v for k, v in SERVER_CONNECTION.items() if k not in given}
        if "options" not in given:
            settings["options"] = f"-c statement_timeout={SERVER_STATEMENT_TIMEOUT_MS}"
        return create_engine(
            url, echo=echo, pool_pre_ping=True, hide_parameters=True, connect_args=settings
        )
    engine = create_engine(
        url,
        echo=echo,
        hide_parameters=True,
        module=sqlcipher,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": True},
    )
    _configure_sqlite(
        engine, enforce_foreign_keys, key if key is not None else database_key(location)
    )
    return engine


def use_new_key(engine: Engine, key: bytes) -> None:
    """After the file's key changed (a rotation): the engine's next connections open it
    with `key` (dispose the engine so that no old connection is reused)."""
    _engine_keys[engine] = bytes(key)
    engine.dispose()


def _configure_sqlite(engine: Engine, enforce_foreign_keys: bool, key: bytes | None) -> None:
    _engine_keys[engine] = key

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself (pysqlite's own handling breaks savepoints).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            current = _engine_keys.get(engine)
            if current is not None:  # SQLCipher: the key must be the connection's first statement
                cursor.execute(key_pragma(current))
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute(f"PRAGMA foreign_keys={'ON' if enforce_foreign_keys else 'OFF'}")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA secure_delete=ON")  # freed pages keep no erased bytes
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        writes = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


@contextmanager
def roomy_page_cache(connection: Connection, megabytes: int = 64) -> Iterator[None]:
    """A larger SQLite page cache on this connection while it writes or reads many rows,
    put back afterwards: the default 2 MB makes an import into a large registry, or a
    report over its quarter, read (and with SQLCipher decrypt) the same pages again and
    again. Other engines: no change."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = int(connection.exec_driver_sql("PRAGMA cache_size").scalar())
    connection.exec_driver_sql(f"PRAGMA cache_size=-{megabytes * 1024}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={before}")


def writing(engine: Engine) -> Engine:
    """The same engine, for a unit of work that writes: on SQLite its transaction takes
    the write lock when it begins (waiting up to the busy timeout for another writer)."""
    return engine.execution_options(**{WRITE_OPTION: True})
