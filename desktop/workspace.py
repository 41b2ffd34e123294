"""What every page needs to reach the data: the engine, who is acting, and the
broadcast that tells views a record changed.

The database is opened (and migrated, and unlocked when encrypted) by a sign-in before
any window shows data. The data layer is imported inside the functions, not at module
level, so importing this module does not load the models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from sqlalchemy import Engine

from desktop.tasks import DatabaseAddress

if TYPE_CHECKING:
    from db.database_file.migrate import OpenedDatabase
    from db.foundations.actor import Actor


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
    key: bytes | None = field(default=None, repr=False)  # what an encrypted file opened with

    @property
    def address(self) -> DatabaseAddress:
        """Where workers open the database, with this session's own key."""
        return DatabaseAddress(self.location, self.key)

    def announce(self, entity_type: str, ids: list[int] | None = None) -> None:
        """Tell every view that records of this type changed."""
        self.broadcast.changed.emit(entity_type, list(ids or []))


def workspace_for(opened: OpenedDatabase, actor: Actor) -> Workspace:
    """The GUI thread's workspace over a database a sign-in opened, holding the key the
    sign-in unlocked it with."""
    from db.foundations.engine import database_key, is_sqlite

    key = database_key(opened.location) if is_sqlite(opened.location) else None
    return Workspace(
        opened.engine, opened.location, actor, opened.backup_path, ChangeBroadcast(), key
    )


def signed_in_workspace(location: str, username: str, password: str) -> Workspace:
    """Sign in (opening, migrating and, when encrypted, unlocking the database) and
    return the workspace; SignInRefused or DatabaseUnavailable say why not."""
    from db.security.sign_in import sign_in

    signed_in = sign_in(location, username, password)
    return workspace_for(signed_in.opened, signed_in.actor)
