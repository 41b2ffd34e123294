"""A page that says plainly it is not built yet, and what it will hold."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class NotBuiltPage(QWidget):
    """Stands in for a page a later release adds; tells the user what is missing."""

    def __init__(self, title: str, promise: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title
        heading = QLabel(f"<h2>{title}</h2>")
        body = QLabel(
            f"<p><b>This page is not built yet.</b></p><p>{promise}</p>"
            "<p>Until then, use the Organizations page.</p>"
        )
        body.setWordWrap(True)
        body.setObjectName("notBuiltText")
        for label in (heading, body):
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(heading)
        layout.addWidget(body)
        layout.addStretch(1)
