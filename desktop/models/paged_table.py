"""A table model over a paged query: rows fetched PAGE_SIZE at a time as the view
scrolls, counted and sorted in SQL, never holding a Session between calls."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from sqlalchemy import Engine
from sqlmodel import Session

from desktop.failures import failure_sentence
from desktop.tasks import DatabaseAddress, LatestOnly

ID_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
ARCHIVED_COLOR = QColor("#7a8791")


@dataclass(frozen=True)
class Column:
    """One column: its header, the row field shown, the SQL sort key (None: not sortable),
    and how a value becomes text."""

    header: str
    field: str
    sort_key: str | None = None
    show: Callable[[Any], str] | None = None
    width: int = 100


def plain(value: Any) -> str:
    """Default cell text: dates as ISO, booleans as Yes/blank, None as blank."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class PagedTableModel(QAbstractTableModel):
    """Rows (NamedTuples with `id` and `archived`) from `count(s, filter)` and
    `page(s, filter, sort=, descending=, offset=, limit=, after=)`. A page that says where
    the next one starts (db/queries/paging.py Page.after) is followed from there as the
    view scrolls (keyset paging); otherwise by offset.

    Given the database `address`, a list of more than BACKGROUND_ABOVE rows counts and
    sorts on a worker thread, so the window never waits on a slow filter or sort; the old
    rows stay on screen until the new ones arrive. How many rows there may be comes from
    `upper_bound(s)` (cheap, such as the table's highest id) when given, so even the first
    load of a large table runs on the worker; otherwise from the last count.
    """

    PAGE_SIZE = 200
    BACKGROUND_ABOVE = 20_000
    loading_changed = Signal(bool)
    load_failed = Signal(str)  # a list read on a worker failed: the sentence to show

    def __init__(
        self,
        engine: Engine,
        columns: Sequence[Column],
        count: Callable[[Session, Any], int],
        page: Callable[..., list],
        initial_filter: Any,
        *,
        sort: str,
        descending: bool = False,
        address: DatabaseAddress | None = None,
        upper_bound: Callable[[Session], int] | None = None,
        parent=None,
    ):
        super().__init__(parent)
        self._engine = engine
        self._upper_bound = upper_bound
        self._location = address.location if address is not None else None
        self._latest = (
            LatestOnly(address, self, self._background_done, self._background_failed)
            if address is not None
            else None
        )
        self.loading = False
        self.columns = list(columns)
        self._count = count
        self._page_query = page
        self._filter = initial_filter
        self._sort = sort
        self._descending = descending
        self._rows: list = []
        self._after = None  # where the next page starts, from the last page fetched
        self._total = 0
        self.reload()

    # --- loading ----------------------------------------------------------------------

    @property
    def total(self) -> int:
        """How many rows match the filter (loaded or not)."""
        return self._total

    @property
    def current_filter(self) -> Any:
        return self._filter

    @property
    def current_sort(self) -> tuple[str, bool]:
        """The SQL sort key and whether it descends."""
        return self._sort, self._descending

    def set_filter(self, flt: Any) -> None:
        """Show the rows matching `flt`."""
        if flt != self._filter:
            self._filter = flt
            self.reload()

    def reload(self) -> None:
        """Count the matches again and load the first page (on a worker when large)."""
        with Session(self._engine) as s:
            if self._latest is not None and self._may_be_large(s):
                self._reload_in_background()
                return
            total = self._count(s, self._filter)
            rows = self._fetch(s)
        if self._latest is not None:
            self._latest.supersede()
            self._set_loading(False)
        self._replace(total, rows)

    def _may_be_large(self, s: Session) -> bool:
        if self._upper_bound is not None:
            return self._upper_bound(s) > self.BACKGROUND_ABOVE
        return self._total > self.BACKGROUND_ABOVE

    def _replace(self, total: int, rows: list) -> None:
        self.beginResetModel()
        self._total = total
        self._rows = list(rows)
        self._after = getattr(rows, "after", None)
        self.endResetModel()

    def _reload_in_background(self) -> None:
        flt, sort, descending = self._filter, self._sort, self._descending

        def work(engine, _report):
            with Session(engine) as s:
                total = self._count(s, flt)
                rows = self._page_query(
                    s, flt, sort=sort, descending=descending, offset=0, limit=self.PAGE_SIZE
                )
            return total, rows

        self._set_loading(True)
        self._latest.start(work)

    def _background_done(self, result: tuple[int, list]) -> None:
        self._set_loading(False)
        self._replace(*result)

    def _background_failed(self, error: Exception, details: str) -> None:
        self._set_loading(False)
        self.load_failed.emit(failure_sentence(error, details, self._location))

    def _set_loading(self, loading: bool) -> None:
        if loading != self.loading:
            self.loading = loading
            self.loading_changed.emit(loading)

    def _fetch(self, s: Session, *, following: bool = False) -> list:
        """The first page, or with `following` the page after the rows held."""
        where = {"offset": 0}
        if following:
            where = (
                {"after": self._after} if self._after is not None else {"offset": len(self._rows)}
            )
        return self._page_query(
            s,
            self._filter,
            sort=self._sort,
            descending=self._descending,
            limit=self.PAGE_SIZE,
            **where,
        )

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        with Session(self._engine) as s:
            more = self._fetch(s, following=True)
        if not more:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self._after = getattr(more, "after", None)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or self.columns[column].sort_key is None:
            return
        sort = self.columns[column].sort_key
        descending = order == Qt.SortOrder.DescendingOrder
        if (sort, descending) == (self._sort, self._descending):
            return  # a view setting up its header asks for the order it already has
        self._sort, self._descending = sort, descending
        self.reload()

    # --- Qt model interface ----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = getattr(row, column.field)
            shown = (column.show or plain)(value)
            if role == Qt.ItemDataRole.ToolTipRole:
                return shown + ("  (archived)" if getattr(row, "archived", False) else "")
            return shown
        archived = getattr(row, "archived", False)
        if role == Qt.ItemDataRole.FontRole and archived:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and archived:
            return QBrush(ARCHIVED_COLOR)
        if role == ID_ROLE:
            return row.id
        return None

    def row_at(self, row: int) -> Any:
        """The plain row shown at a table row."""
        return self._rows[row]

    def row_of_id(self, record_id: int) -> int | None:
        """The table row showing a record among those loaded, if any."""
        for number, row in enumerate(self._rows):
            if row.id == record_id:
                return number
        return None
