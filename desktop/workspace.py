"""What every page needs to reach the data: the engine, who is acting, and the
broadcast that tells views a record changed.

Opening is split in two so the window can show itself first: `open_registry` (migrate,
find the acting user) may run on a worker thread, and `workspace_for` then makes the
GUI thread's own engine. The data layer is imported inside them, not at module level,
so importing this module does not load the models.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from sqlalchemy import Engine

from db.engine import create_database_engine

if TYPE_CHECKING:
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


@dataclass(frozen=True)
class OpenedRegistry:
    """What opening the database found: safe to hand from a worker to the GUI thread."""

    location: str
    actor: Actor
    backup_path: Path | None


def open_registry(location: str, login_name: str | None = None) -> OpenedRegistry:
    """Open (create, migrate) the database and find or create the acting user.

    The engine used is disposed before returning, so this may run on any thread.
    Raises RabtaError (DatabaseUnavailable) with a sentence for the user.
    """
    from db import store
    from db.migrate import open_database
    from db.store.users import local_actor

    opened = open_database(location)
    try:
        with store.session(opened.engine) as s:
            actor = local_actor(s, login_name or getpass.getuser())
    finally:
        opened.engine.dispose()
    return OpenedRegistry(opened.location, actor, opened.backup_path)


def workspace_for(registry: OpenedRegistry) -> Workspace:
    """The GUI thread's workspace over a database `open_registry` opened."""
    return Workspace(
        create_database_engine(registry.location),
        registry.location,
        registry.actor,
        registry.backup_path,
        ChangeBroadcast(),
    )


def open_workspace(location: str, login_name: str | None = None) -> Workspace:
    """Open the database and make the workspace, all on the calling thread."""
    return workspace_for(open_registry(location, login_name))
