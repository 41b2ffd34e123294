"""A real PostgreSQL 16 server for the test session, started from the `pgserver` wheel
(no system install), and fresh databases on it: each test gets its own, copied by
PostgreSQL from a template database that was migrated (and for the demo, loaded) once."""

from __future__ import annotations

import itertools
import warnings
from pathlib import Path

from sqlalchemy import create_engine, text

from db.foundations import clock


class PgDatabases:
    """One server; `fresh(template)` gives the URL of a new database copied from the
    "empty" (migrated) or "demo" (migrated, demo loaded) template."""

    def __init__(self, folder: Path):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns of no XDG_RUNTIME_DIR
            import pgserver

        self.server = pgserver.get_server(folder, cleanup_mode="stop")
        self.socket_folder = folder
        self.admin = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        self.templates: set[str] = set()
        self.numbers = itertools.count(1)

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of a database on this server."""
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_folder}"

    def _template(self, name: str) -> str:
        template = f"rabta_template_{name}"
        if name in self.templates:
            return template
        from db.database_file.migrate import open_database

        with self.admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {template}"))
        opened = open_database(self.url(template))
        if name == "demo":
            from db.demo.sample import load_demo

            load_demo(opened.engine, today=clock.today())
        opened.engine.dispose()
        self.templates.add(name)
        return template

    def fresh(self, template: str) -> str:
        """The URL of a new database copied from a template."""
        source = self._template(template)
        name = f"rabta_test_{next(self.numbers)}"
        with self.admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name} TEMPLATE {source}"))
        return self.url(name)

    def blank(self) -> str:
        """The URL of a new, empty database (no schema)."""
        name = f"rabta_blank_{next(self.numbers)}"
        with self.admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
        return self.url(name)

    @property
    def programs_folder(self) -> Path:
        """Where the server's own programs (pg_dump, psql) are."""
        import pgserver

        return Path(pgserver.__file__).parent / "pginstall" / "bin"

    def drop(self, url: str) -> None:
        """Remove a database made by `fresh`, with anything still connected to it."""
        name = url.rsplit("/", 1)[1].split("?", 1)[0]
        with self.admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))

    def stop(self) -> None:
        """Stop the server (its folder goes with the session's temporary files)."""
        self.admin.dispose()
        self.server.cleanup()
