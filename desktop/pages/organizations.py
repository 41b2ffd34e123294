"""The Organizations page: the registry as a filtered, sortable table."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.labels import choices_of
from db.models import OrganizationKind, OrganizationStatus
from db.queries.organizations import OrganizationFilter
from desktop.models.organizations import OrganizationTableModel
from desktop.workspace import Workspace

FILTER_DELAY_MS = 200
COLUMN_WIDTHS = (330, 90, 170, 75, 70, 110, 65, 65, 110)


class OrganizationsPage(QWidget):
    """Filter bar over a paged table of organizations."""

    title = "Organizations"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by name, acronym or city  (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip("Type part of a name, an acronym or a city")
        self.kind_combo = self._combo("All kinds", choices_of(OrganizationKind))
        self.status_combo = self._combo("All statuses", choices_of(OrganizationStatus))
        self.archived_check = QCheckBox("Show archived")
        self.archived_check.setToolTip("Include organizations that were archived")
        self.count_label = QLabel()

        self.model = OrganizationTableModel(workspace.engine, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(FILTER_DELAY_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(self._debounce.start)
        self.filter_edit.returnPressed.connect(self.apply_filter)
        self.kind_combo.currentIndexChanged.connect(self.apply_filter)
        self.status_combo.currentIndexChanged.connect(self.apply_filter)
        self.archived_check.toggled.connect(self.apply_filter)
        self.model.modelReset.connect(self._show_count)
        self.model.rowsInserted.connect(self._show_count)
        workspace.broadcast.changed.connect(self._on_changed)

        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 3)
        bar.addWidget(self.kind_combo, 1)
        bar.addWidget(self.status_combo, 1)
        bar.addWidget(self.archived_check)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self._show_count()

    @staticmethod
    def _combo(everything: str, choices: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        combo.addItem(everything, None)
        for value, text in choices:
            combo.addItem(text, value)
        return combo

    def current_filter(self) -> OrganizationFilter:
        """The filter the bar describes."""
        return OrganizationFilter(
            text=self.filter_edit.text(),
            kind=self.kind_combo.currentData(),
            status=self.status_combo.currentData(),
            include_archived=self.archived_check.isChecked(),
        )

    def apply_filter(self) -> None:
        """Narrow the table to what the filter bar says."""
        self._debounce.stop()
        self.model.set_filter(self.current_filter())

    def focus_filter(self) -> None:
        """Put the cursor in the filter box (Ctrl+F)."""
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def _show_count(self) -> None:
        total = self.model.total
        self.count_label.setText(f"{total} organization{'s' if total != 1 else ''}")

    def _on_changed(self, entity_type: str, _ids: list) -> None:
        if entity_type in ("organization", "all"):
            self.model.reload()

    def save_state(self, settings: QSettings) -> None:
        """Remember column widths and sort order."""
        settings.setValue("organizations/header", self.table.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings) -> None:
        """Bring back column widths and sort order from the last run."""
        state = settings.value("organizations/header")
        if state is not None:
            header = self.table.horizontalHeader()
            header.restoreState(state)
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
