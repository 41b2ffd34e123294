"""A table of audit entries: when, who, what was done, to which record, and each changed
field from what to what. The History tab of a detail pane and the Audit page use it."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from db.foundations.labels import field_label, readable_value
from db.queries.audit import HistoryEntry


def change_lines(entry: HistoryEntry) -> str:
    """Each changed field on its own line, in words: "Follow-up date: 1 Dec 2026 → —"."""

    def shown(change, value: object) -> str:
        return readable_value(entry.entity_type, change.field, value)

    return "\n".join(
        f"{field_label(change.field)}: {shown(change, change.new)}"
        if change.old is None
        else f"{field_label(change.field)}: {shown(change, change.old)} → "
        f"{shown(change, change.new)}"
        for change in entry.changes
    )


class HistoryTable(QTableWidget):
    """Audit entries, newest first. In a detail pane (narrow) each entry is two cells:
    when, who and what, then the changes; `with_record` (the Audit page) gives each its
    own column and adds the record."""

    def __init__(self, *, with_record: bool = False, parent=None):
        self.with_record = with_record
        headers = (
            ["When", "Who", "Action", "Record", "Changes"]
            if with_record
            else ["When, who, what", "Changes"]
        )
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(headers)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
        self.entries: list[HistoryEntry] = []

    def selected_entry(self) -> HistoryEntry | None:
        """The entry of the selected row, if one is selected."""
        rows = self.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def show_entries(self, entries: list[HistoryEntry], *, append: bool = False) -> None:
        """Fill the table (or add to it) with these entries."""
        if not append:
            self.setRowCount(0)
            self.entries = []
        self.entries.extend(entries)
        for entry in entries:
            row = self.rowCount()
            self.insertRow(row)
            at = (entry.at.astimezone() if entry.at.tzinfo else entry.at).strftime("%d %b %Y %H:%M")
            action = entry.action.replace("_", " ")
            if self.with_record:
                record = f"{entry.entity_type} {entry.entity_id or ''}".strip()
                cells = [at, entry.username, action, record, change_lines(entry)]
            else:
                cells = [f"{at}\n{entry.username}\n{action}", change_lines(entry)]
            for column, value in enumerate(cells):
                self.setItem(row, column, QTableWidgetItem(value))
        self.resizeRowsToContents()
