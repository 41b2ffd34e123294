"""A table of audit entries: when, who, what was done, to which record, and each changed
field from what to what. The History tab of a detail pane and the Audit page use it."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from db.queries.audit import HistoryEntry


def shown_value(value: object) -> str:
    """A changed value as a cell shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(shown_value(v) for v in value) or "—"
    return str(value)


def change_lines(entry: HistoryEntry) -> str:
    """Each changed field on its own line: "field: old → new"."""
    return "\n".join(
        f"{change.field}: {shown_value(change.new)}"
        if change.old is None
        else f"{change.field}: {shown_value(change.old)} → {shown_value(change.new)}"
        for change in entry.changes
    )


class HistoryTable(QTableWidget):
    """Audit entries, newest first; `with_record` adds the record column."""

    def __init__(self, *, with_record: bool = False, parent=None):
        self.with_record = with_record
        headers = ["When", "Who", "Action", *(["Record"] if with_record else []), "Changes"]
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(headers)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(True)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

    def show_entries(self, entries: list[HistoryEntry], *, append: bool = False) -> None:
        """Fill the table (or add to it) with these entries."""
        if not append:
            self.setRowCount(0)
        for entry in entries:
            row = self.rowCount()
            self.insertRow(row)
            cells = [
                entry.at.astimezone().strftime("%d %b %Y %H:%M")
                if entry.at.tzinfo
                else entry.at.strftime("%d %b %Y %H:%M"),
                entry.username,
                entry.action.replace("_", " "),
            ]
            if self.with_record:
                cells.append(f"{entry.entity_type} {entry.entity_id or ''}".strip())
            cells.append(change_lines(entry))
            for column, value in enumerate(cells):
                self.setItem(row, column, QTableWidgetItem(value))
        self.resizeRowsToContents()
