"""Ctrl+K: one box over the whole registry. Results appear as you type, grouped by
kind, each search running on a worker so typing never waits; Down moves into the
results and Enter opens the chosen record (or the first, once it has been found). A
kind's heading says how many of how many are shown, and Enter on it opens that kind's
list filtered by what was typed."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from db.queries.search import KINDS, count_matches, search
from desktop.failures import failure_sentence
from desktop.tasks import LatestOnly
from desktop.widgets.filter_box import FilterBox
from desktop.widgets.screen_fit import fit_on_screen
from desktop.workspace import Workspace

SEARCH_DELAY_MS = 120
HIT_ROLE = Qt.ItemDataRole.UserRole
KIND_TITLES = {
    "organization": "Organizations",
    "contact": "Contacts",
    "program": "Programs",
    "engagement": "Engagements",
}


class SearchDialog(QDialog):
    """Emits `chosen(kind, id)` when the user opens a result."""

    chosen = Signal(str, int)
    list_requested = Signal(str, str)  # kind, typed: that kind's list, filtered
    searched = Signal(int)  # how many records the latest search found

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.searching = False
        self.typed = ""
        self._open_when_found = False
        self._latest = LatestOnly(workspace.address, self, self._show_results, self._failed)
        self.setWindowTitle("Search Rabta")
        self.box = FilterBox()
        self.box.setPlaceholderText(
            "Organizations, people (either script), emails, engagements, programs…"
        )
        self.results = QTreeWidget()
        self.results.setHeaderHidden(True)
        self.results.setRootIsDecorated(False)
        self.status = QLabel("Type to search; Enter opens the highlighted record.")
        self.status.setStyleSheet("color: #5b6b77;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.box)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        fit_on_screen(self, 640, 480)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.box.textChanged.connect(self._timer.start)
        self.box.returnPressed.connect(self.open_current)
        self.box.down_pressed.connect(self._into_results)
        self.results.itemActivated.connect(lambda _item, _column: self.open_current())

    def run_search(self) -> None:
        """Search for what is typed, on a worker; `searched` says how many were found."""
        self._timer.stop()
        typed = self.box.text()
        if not typed.strip():
            self._latest.supersede()
            self.results.clear()
            self.status.setText("Type to search; Enter opens the highlighted record.")
            self.searching = False
            self.searched.emit(0)
            return

        viewer = self.workspace.actor

        def work(engine, _report):
            with Session(engine) as s:
                return (
                    typed,
                    search(s, typed, viewer=viewer),
                    count_matches(s, typed, viewer=viewer),
                )

        self.searching = True
        self.status.setText("Searching…")
        self._latest.start(work)

    def _show_results(self, result) -> None:
        typed, found, counts = result
        self.searching = False
        self.typed = typed
        self.results.clear()
        total = 0
        first: QTreeWidgetItem | None = None
        for kind in KINDS:
            hits = found[kind]
            if not hits:
                continue
            group = QTreeWidgetItem([f"{KIND_TITLES[kind]} ({counts[kind].of(len(hits))})"])
            group.setData(0, HIT_ROLE, (kind, None))
            group.setToolTip(0, f"Enter: list every one of these {KIND_TITLES[kind].lower()}")
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self.results.addTopLevelItem(group)
            for hit in hits:
                label = hit.title + (f"  ·  {hit.detail}" if hit.detail else "")
                item = QTreeWidgetItem([label])
                item.setData(0, HIT_ROLE, (hit.kind, hit.id))
                group.addChild(item)
                first = first or item
                total += 1
            group.setExpanded(True)
        if first is not None:
            self.results.setCurrentItem(first)
        left_out = any(counts[kind].more or counts[kind].total > len(found[kind]) for kind in KINDS)
        if not total:
            self.status.setText(f"Nothing matches {typed!r}.")
        elif left_out:
            self.status.setText(
                "The best of each kind are shown; Enter on a heading lists them all."
            )
        else:
            self.status.setText(f"{total} found.")
        self.searched.emit(total)
        if self._open_when_found:
            self._open_when_found = False
            self.open_current()

    def _failed(self, error: Exception, details: str) -> None:
        self.searching = False
        self.status.setText(
            f"The search failed: {failure_sentence(error, details, self.workspace.location)}"
        )

    def _into_results(self) -> None:
        self.results.setFocus()

    def open_current(self) -> None:
        """Open the highlighted result (the first one if none is highlighted)."""
        if self._timer.isActive():
            self.run_search()
        if self.searching:
            self._open_when_found = True  # Enter typed before the results came
            return
        item = self.results.currentItem()
        target = item.data(0, HIT_ROLE) if item is not None else None
        if target is None:
            return
        kind, record_id = target
        if record_id is None:  # a heading: the whole list of that kind, filtered
            self.list_requested.emit(kind, self.typed)
        else:
            self.chosen.emit(kind, record_id)
        self.accept()
