"""The Dashboard: for now, the open follow-ups, the user's own first, overdue first."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from db import store
from db.errors import RabtaError
from db.queries.engagements import FollowUpRow, OpenFollowUps, open_follow_ups
from db.store.engagements import complete_follow_up
from desktop.tasks import LatestOnly
from desktop.workspace import Workspace

if TYPE_CHECKING:
    from desktop.dialogs.engagement_form import EngagementForm

OVERDUE = QColor("#9b2226")
HEADERS = ("Due", "Engagement", "Organizations", "Officer")


class DashboardPage(QWidget):
    """Open follow-ups with Mark done (Ctrl+D) and Open (Enter)."""

    title = "Dashboard"
    loaded = Signal()  # the follow-ups on screen are fresh

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.rows: list[FollowUpRow] = []
        self.open_dialog: EngagementForm | None = None
        self._dirty = False
        self._latest = LatestOnly(workspace.location, self, self._show, self._failed)
        self.loading = False
        heading = QLabel("<h2>Follow-ups</h2>")
        self.summary = QLabel()
        note = QLabel(
            "The full dashboard with the quarter at a glance is not built yet; "
            "until then this page lists open follow-ups."
        )
        note.setStyleSheet("color: #5b6b77;")
        note.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((160, 460, 160)):
            self.table.setColumnWidth(column, width)
        self.done_button = QPushButton("Mark done")
        self.done_button.setToolTip("Mark the selected follow-up done (Ctrl+D)")
        self.open_button = QPushButton("Open engagement")
        self.open_button.setToolTip("Open the engagement the follow-up belongs to (Enter)")
        self.done_button.clicked.connect(self.mark_selected_done)
        self.open_button.clicked.connect(self.open_selected)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        QShortcut(QKeySequence("Ctrl+D"), self, self.mark_selected_done)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(
                QKeySequence(key),
                self.table,
                self.open_selected,
                context=Qt.ShortcutContext.WidgetShortcut,
            )
        buttons = QHBoxLayout()
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(note)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        workspace.broadcast.changed.connect(self._on_changed)
        self.reload()

    def reload(self) -> None:
        """Read the open follow-ups again, on a worker thread; `loaded` says when done."""
        today = date.today()
        viewer = self.workspace.actor

        def work(engine, _report):
            with Session(engine) as s:
                return open_follow_ups(s, viewer, today=today)

        self.loading = True
        if not self.rows:
            self.summary.setText("Reading the open follow-ups…")
        self._latest.start(work)

    def _show(self, found: OpenFollowUps) -> None:
        self.loading = False
        self.rows = found.rows
        self.table.setRowCount(len(self.rows))
        for number, row in enumerate(self.rows):
            due = f"{row.due:%d %b %Y}" + ("  overdue" if row.overdue else "")
            cells = (due, row.subject, row.organizations or "", (row.officer or "").split(",")[0])
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if row.overdue:
                    item.setForeground(QBrush(OVERDUE))
                self.table.setItem(number, column, item)
        summary = (
            f"{found.total:,} open follow-ups, {found.overdue:,} overdue; "
            f"{found.mine:,} are yours and listed first."
        )
        if found.total > len(self.rows):
            summary += f" The first {len(self.rows):,} are listed."
        self.summary.setText(summary)
        self.loaded.emit()

    def _failed(self, error: Exception, _details: str) -> None:
        self.loading = False
        self.summary.setText(f"The follow-ups could not be read: {error}")
        raise error

    def selected_row(self) -> FollowUpRow | None:
        index = self.table.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def mark_selected_done(self) -> None:
        """Mark the selected follow-up done."""
        row = self.selected_row()
        if row is None:
            return
        try:
            with store.session(self.workspace.engine) as s:
                complete_follow_up(s, self.workspace.actor, row.engagement_id)
        except RabtaError as error:
            QMessageBox.warning(self, "Follow-up", str(error))
            return
        self.workspace.announce("engagement", [row.engagement_id])

    def open_selected(self) -> EngagementForm | None:
        """Open the engagement of the selected follow-up."""
        row = self.selected_row()
        if row is None:
            return None
        from desktop.dialogs.engagement_form import EngagementForm

        self.open_dialog = EngagementForm(self.workspace, row.engagement_id, self)
        self.open_dialog.open()
        return self.open_dialog

    def _on_changed(self, entity_type: str, _ids: list) -> None:
        if entity_type in ("engagement", "organization", "all"):
            if self.isVisible():
                self.reload()
            else:
                self._dirty = True

    def showEvent(self, event) -> None:
        if self._dirty:
            self._dirty = False
            self.reload()
        super().showEvent(event)
