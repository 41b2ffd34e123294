"""Settings > Privacy review: people held with no engagement for longer than the review
period (Settings), oldest first, to open, export for the person or erase (the Contacts
page does both for the one selected)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from db.foundations import clock
from db.foundations.errors import PermissionDenied, said
from db.queries.subject_access import contacts_due_for_review
from db.rules.settings import read_settings

ID_ROLE = Qt.ItemDataRole.UserRole


class ReviewPanel(QWidget):
    """The review list; Open shows the person on the Contacts page."""

    open_contact = Signal(int)

    def __init__(self, workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Contact", "Added", "Last engagement"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.open_button = QPushButton("Open on the Contacts page")
        self.open_button.setToolTip(
            "There: Export held data… for the person, or Erase… (administrators)"
        )
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self.open_button.clicked.connect(self._open_selected)
        self.table.doubleClicked.connect(lambda _i: self._open_selected())
        workspace.broadcast.changed.connect(self._on_changed)
        self.reload()

    def _on_changed(self, entity_type: str, _ids: list) -> None:
        if entity_type in ("contact", "engagement", "setting", "all"):
            self.reload()

    def reload(self) -> None:
        """List who is due for review."""
        self.table.setRowCount(0)
        try:
            with Session(self.workspace.engine) as s:
                years = read_settings(s).review_after_years
                total, due = contacts_due_for_review(
                    s, self.workspace.actor, today=clock.today(), years=years
                )
        except PermissionDenied as error:
            self.summary.setText(said(error))
            self.open_button.setEnabled(False)
            return
        self.summary.setText(
            f"{total:,} contact{'' if total == 1 else 's'} held with no engagement in the last "
            f"{years} years (the review period is set under Installation)."
            + ("" if total else " Nothing to review.")
        )
        for entry in due:
            row = self.table.rowCount()
            self.table.insertRow(row)
            cells = (
                entry.name,
                entry.created_at.strftime("%d %b %Y"),
                entry.last_engagement.strftime("%d %b %Y") if entry.last_engagement else "never",
            )
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setData(ID_ROLE, entry.contact_id)
                self.table.setItem(row, column, item)

    def _open_selected(self) -> None:
        item = self.table.item(self.table.currentRow(), 0)
        if item is not None:
            self.open_contact.emit(item.data(ID_ROLE))
