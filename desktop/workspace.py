"""What every page needs to reach the data: the engine, who is acting, and the
broadcast that tells views a record changed.

The database is opened (and migrated) before any window exists; finding the acting
user loads the models, so `find_actor` may run on a worker while the window is already
on screen. The data layer is imported inside the functions, not at module level, so
importing this module does not load the models.
"""

from __future__ import annotations

import getpass
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from db.engine import create_database_engine

if TYPE_CHECKING:
    from db.migrate import OpenedDatabase
    from db.store.actor import Actor


class ChangeBroadcast(QObject):
    """Emitted once after each write: the entity type ("organization", ...) and the ids."""

    changed = Signal(str, list)


@dataclass
class Workspace:
    """An open database and the person using it."""

    engine: Engine
    location: str
    actor: Actor
    backup_path: Path | None
    broadcast: ChangeBroadcast

    def announce(self, entity_type: str, ids: list[int] | None = None) -> None:
        """Tell every view that records of this type changed."""
        self.broadcast.changed.emit(entity_type, list(ids or []))


def find_actor(location: str, login_name: str | None = None) -> Actor:
    """The acting user of an open database, found or created by login name (the first
    user of a database becomes its administrator). Uses its own engine and disposes it,
    so this may run on any thread; the database's own troubles come as RabtaError."""
    from db import store
    from db.errors import explain_database_error
    from db.store.users import local_actor

    engine = create_database_engine(location)
    try:
        with store.session(engine) as s:
            return local_actor(s, login_name or getpass.getuser())
    except (DBAPIError, sqlite3.DatabaseError) as error:
        explained = explain_database_error(error, location)
        if explained is None:
            raise
        raise explained from error
    finally:
        engine.dispose()


def workspace_for(opened: OpenedDatabase, actor: Actor) -> Workspace:
    """The GUI thread's workspace over a database `open_database` opened."""
    return Workspace(opened.engine, opened.location, actor, opened.backup_path, ChangeBroadcast())


def open_workspace(location: str, login_name: str | None = None) -> Workspace:
    """Open (create, migrate) the database and find the acting user, all at once."""
    from db.migrate import open_database

    opened = open_database(location)
    return workspace_for(opened, find_actor(opened.location, login_name))
