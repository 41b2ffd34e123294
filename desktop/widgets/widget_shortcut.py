"""A keyboard shortcut that works only while its widget has the focus."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget


def widget_shortcut(
    keys: QKeySequence | QKeySequence.StandardKey | Qt.Key | str,
    widget: QWidget,
    slot: Callable[[], object],
) -> QShortcut:
    """`slot` runs on `keys` while `widget` has the focus, and nowhere else.

    The context is set after construction: PySide6 drops one given to QShortcut's
    constructor, which left Enter and Delete on a list's table working window-wide."""
    shortcut = QShortcut(QKeySequence(keys), widget)
    shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
    shortcut.activated.connect(slot)
    return shortcut
