"""Every dialog fits the screen it opens on: 1366x768 at 150% leaves 910x512 logical
pixels, 1024x768 at 100% leaves 1024x768. A dialog asks for its comfortable size and
gets at most nine tenths of what the screen has; its content scrolls inside, and its
buttons stay on screen."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

SHARE = 0.9  # of the screen's free area a dialog may take at most


def fit_on_screen(widget: QWidget, width: int, height: int, available: QSize | None = None) -> None:
    """Resize `widget` to `width` x `height`, or less where the screen (or `available`,
    for tests) has less room."""
    if available is None:
        screen = widget.screen()
        available = screen.availableGeometry().size() if screen is not None else None
    if available is not None:
        width = min(width, int(available.width() * SHARE))
        height = min(height, int(available.height() * SHARE))
    widget.resize(width, height)
