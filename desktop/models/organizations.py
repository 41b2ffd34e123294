"""The organizations table: pages fetched from SQL as the view scrolls, sorted in SQL."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from sqlalchemy import Engine
from sqlmodel import Session

from db.labels import label_of
from db.models import OrganizationKind, OrganizationStatus, Priority
from db.queries.organizations import (
    OrganizationFilter,
    OrganizationRow,
    count_organizations,
    organization_page,
)

ID_ROLE = Qt.ItemDataRole.UserRole + 1

# (header, row field, sort key)
COLUMNS = (
    ("Name", "name", "name"),
    ("Acronym", "acronym", "acronym"),
    ("Kind", "kind", "kind"),
    ("Status", "status", "status"),
    ("Priority", "priority", "priority"),
    ("City", "city", "city"),
    ("Region", "region_code", "region_code"),
    ("Mission", "mission_code", "mission_code"),
    ("Last engagement", "last_engagement", "last_engagement"),
)
ENUM_OF = {"kind": OrganizationKind, "status": OrganizationStatus, "priority": Priority}
Index = QModelIndex | QPersistentModelIndex


class OrganizationTableModel(QAbstractTableModel):
    """Rows of OrganizationRow, loaded PAGE_SIZE at a time; never holds a Session."""

    PAGE_SIZE = 200

    def __init__(self, engine: Engine, parent=None):
        super().__init__(parent)
        self._engine = engine
        self._filter = OrganizationFilter()
        self._sort = "name"
        self._descending = False
        self._rows: list[OrganizationRow] = []
        self._total = 0
        self.reload()

    # --- loading ----------------------------------------------------------------

    @property
    def total(self) -> int:
        """How many organizations match the filter (loaded or not)."""
        return self._total

    def set_filter(self, flt: OrganizationFilter) -> None:
        """Show the organizations matching `flt`."""
        if flt != self._filter:
            self._filter = flt
            self.reload()

    def reload(self) -> None:
        """Count the matches again and load the first page."""
        self.beginResetModel()
        with Session(self._engine) as s:
            self._total = count_organizations(s, self._filter)
            self._rows = self._page(s, 0)
        self.endResetModel()

    def _page(self, s: Session, offset: int) -> list[OrganizationRow]:
        return organization_page(
            s,
            self._filter,
            sort=self._sort,
            descending=self._descending,
            offset=offset,
            limit=self.PAGE_SIZE,
        )

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        with Session(self._engine) as s:
            more = self._page(s, len(self._rows))
        if not more:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort = COLUMNS[column][2]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    # --- Qt model interface ---------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        field = COLUMNS[index.column()][1]
        if role == Qt.ItemDataRole.DisplayRole:
            value = getattr(row, field)
            if field in ENUM_OF:
                return label_of(ENUM_OF[field], value)
            if field == "last_engagement":
                return value.isoformat() if value else ""
            return value or ""
        if role == Qt.ItemDataRole.ToolTipRole and field == "name":
            return row.name + ("  (archived)" if row.archived else "")
        if role == Qt.ItemDataRole.FontRole and row.archived:
            font = QFont()
            font.setItalic(True)
            return font
        if role == ID_ROLE:
            return row.id
        return None

    def row_at(self, row: int) -> OrganizationRow:
        """The plain row shown at a table row."""
        return self._rows[row]
