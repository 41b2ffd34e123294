"""A frameless scroll area around a panel: what a page shows when the screen is smaller
than the panel wants (1024x768, or 150% scaling), instead of a window past the screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def scrolled(panel: QWidget, *, sideways: bool = True) -> QScrollArea:
    """`panel` in a frameless, resizing scroll area; `sideways=False` scrolls it only up
    and down, keeping at least the panel's minimum width."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(panel)
    if not sideways:
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setMinimumWidth(panel.minimumWidth() + area.verticalScrollBar().sizeHint().width())
    return area
