"""Start-up order for the window: the database libraries are imported before Qt.

Once PySide6 is loaded, its import hook (the one behind `from __feature__ import ...`)
reads the source of every module imported after it. SQLAlchemy and SQLModel are large,
so importing them first spares the window about a tenth of a second at every start.
Rabta's own models load afterwards, on the worker that finds the acting user while the
window is already on screen. This module must not import Qt.
"""

from __future__ import annotations

import importlib

LIBRARIES = ("sqlalchemy.dialects.sqlite", "sqlmodel", "platformdirs")


def import_database_libraries() -> None:
    """Import SQLAlchemy, its SQLite driver and SQLModel, before anything imports Qt."""
    for name in LIBRARIES:
        importlib.import_module(name)
