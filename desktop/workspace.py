"""What every page needs to reach the data: the engine, who is acting, and the
broadcast that tells views a record changed."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from sqlalchemy import Engine

from db import store
from db.migrate import OpenedDatabase, open_database
from db.store.actor import Actor
from db.store.users import local_actor


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


def open_workspace(location: str, login_name: str | None = None) -> Workspace:
    """Open (create, migrate) the database and find or create the acting user."""
    opened: OpenedDatabase = open_database(location)
    with store.session(opened.engine) as s:
        actor = local_actor(s, login_name or getpass.getuser())
    return Workspace(opened.engine, opened.location, actor, opened.backup_path, ChangeBroadcast())
