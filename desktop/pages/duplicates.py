"""The Duplicates page: records that may be one, best first, both side by side; "Not a
duplicate" is remembered and "Merge…" opens the merge dialog. The scan runs on a
worker with progress, so the window stays usable on the largest registry."""

from __future__ import annotations

from html import escape

from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from db import store
from db.duplicates.scan import (
    CandidatePair,
    ScanResult,
    find_duplicate_contacts,
    find_duplicate_organizations,
)
from db.foundations.errors import RabtaError, said
from db.foundations.labels import counted
from db.queries.duplicates import PairComparison, compare_pair
from db.store.dismissals import dismiss_duplicate
from desktop.dialogs.merge_dialog import MergeDialog, shown
from desktop.failures import failure_sentence
from desktop.tasks import DatabaseTask, start_task
from desktop.workspace import Workspace

KINDS = (("contact", "Contacts"), ("organization", "Organizations"))
EMPTY = (
    "Press <b>Find duplicates</b> to compare every {plural} by email, phone and name (in "
    "Urdu and Latin script, Muhammad and Mohd alike). Nothing changes until you merge a "
    "pair or say it is not a duplicate."
)


class DuplicatesPage(QWidget):
    """Pairs of records that may be one."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.pairs: list[CandidatePair] = []
        self.shown_pair: CandidatePair | None = None  # the pair the comparison pane shows
        self.task: DatabaseTask | None = None
        self.merge_dialog: MergeDialog | None = None
        self.kind_combo = QComboBox()
        for kind, label in KINDS:
            self.kind_combo.addItem(label, kind)
        self.find_button = QPushButton("Find duplicates")
        self.find_button.clicked.connect(self.scan)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Score", "One", "Other", "Why"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 52)
        self.table.setColumnWidth(1, 170)
        self.table.setColumnWidth(2, 170)
        self.table.itemSelectionChanged.connect(self._show_pair)
        self.side_by_side = QTextBrowser()
        # Lines break between words only: an email is never cut mid-word.
        self.side_by_side.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        self.not_duplicate_button = QPushButton("Not a duplicate")
        self.not_duplicate_button.setToolTip("Remember that these are two different records")
        self.not_duplicate_button.clicked.connect(self.dismiss_selected)
        self.merge_button = QPushButton("Merge…")
        self.merge_button.clicked.connect(self.merge_selected)
        for button in (self.not_duplicate_button, self.merge_button):
            button.setEnabled(False)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Look among"))
        bar.addWidget(self.kind_combo)
        bar.addWidget(self.find_button)
        bar.addWidget(self.progress, 1)
        bar.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.side_by_side, 1)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.not_duplicate_button)
        actions.addWidget(self.merge_button)
        right_layout.addLayout(actions)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setSizes([640, 560])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def kind(self) -> str:
        return self.kind_combo.currentData()

    def _kind_changed(self) -> None:
        self.pairs = []
        self.table.setRowCount(0)
        self._show_pair()
        plural = self.kind_combo.currentText().lower()
        self.status.setText(EMPTY.format(plural=plural[:-1] if plural.endswith("s") else plural))
        self.side_by_side.clear()

    def scan(self) -> None:
        """Compare every record of the chosen kind on a worker."""
        kind = self.kind()
        find = find_duplicate_contacts if kind == "contact" else find_duplicate_organizations

        def work(engine, report):
            with Session(engine) as s:
                return find(s, report)

        self.find_button.setEnabled(False)
        self.progress.setVisible(True)
        self.status.setText("Comparing…")
        self.task = DatabaseTask(self.workspace.address, work)
        self.task.signals.progress.connect(self.status.setText)
        self.task.signals.finished.connect(lambda found: self._found(kind, found))
        self.task.signals.failed.connect(self._failed)
        start_task(self.task)

    def _found(self, kind: str, found: ScanResult) -> None:
        self.find_button.setEnabled(True)
        self.progress.setVisible(False)
        if kind != self.kind():
            return
        self.pairs = list(found.pairs)
        if not found.total:
            message = "No possible duplicates: every record looks like itself alone."
        elif found.total > len(found.pairs):
            message = (
                f"{found.total:,} possible duplicates; the best {len(found.pairs):,} are "
                "listed. Merge or dismiss them and find again for the next."
            )
        else:
            message = f"{found.total:,} possible duplicates, best first."
        self.status.setText(message)
        self._fill()

    def _failed(self, error: Exception, details: str) -> None:
        self.find_button.setEnabled(True)
        self.progress.setVisible(False)
        location = self.workspace.location
        self.status.setText(f"The comparison stopped: {failure_sentence(error, details, location)}")

    def _fill(self) -> None:
        self.table.setRowCount(len(self.pairs))
        for row, pair in enumerate(self.pairs):
            cells = (
                str(pair.score),
                f"{shown(pair.first)} (#{pair.first_id})",
                f"{shown(pair.second)} (#{pair.second_id})",
                "; ".join(pair.reasons),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        if self.pairs:
            self.table.selectRow(0)
        # Row 0 may have been selected before and stay selected, with no signal: the pane
        # must follow whatever is selected now.
        if self.shown_pair != self.selected_pair():
            self._show_pair()

    def selected_pair(self) -> CandidatePair | None:
        """The pair selected in the list."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.pairs):
            return None
        return self.pairs[rows[0].row()]

    def comparison(self, pair: CandidatePair) -> PairComparison:
        """Both records of a pair, field by field."""
        with Session(self.workspace.engine) as s:
            return compare_pair(s, self.workspace.actor, pair.kind, pair.first_id, pair.second_id)

    def _show_pair(self) -> None:
        pair = self.selected_pair()
        self.shown_pair = pair
        for button in (self.not_duplicate_button, self.merge_button):
            button.setEnabled(pair is not None)
        if pair is None:
            self.side_by_side.clear()
            return
        compared = self.comparison(pair)
        rows = "".join(
            f"<tr><td><b>{escape(f.label)}</b></td>"
            + "".join(
                f"<td style='background:{'#fff4d6' if f.differs else 'transparent'}'>"
                f"{escape(shown(v, f.field))}</td>"
                for v in (f.first, f.second)
            )
            + "</tr>"
            for f in compared.fields
        )
        links = "".join(
            f"<tr><td><b>{escape(what.capitalize())}</b></td><td>{compared.first_links[what]}"
            f"</td><td>{compared.second_links[what]}</td></tr>"
            for what in compared.first_links
        )
        self.side_by_side.setHtml(
            f"<p><b>Why:</b> {escape('; '.join(pair.reasons))} (score {pair.score})</p>"
            "<table cellpadding='4' cellspacing='0' width='100%'>"
            f"<tr><th></th><th align='left'>#{pair.first_id}</th>"
            f"<th align='left'>#{pair.second_id}</th></tr>{rows}{links}</table>"
            "<p style='color:#5b6770'>Highlighted: the fields that differ.</p>"
        )

    def pair_on_screen(self) -> CandidatePair | None:
        """The pair both selected and shown in the comparison pane; None (and the pane
        brought up to the selection) when the two differ, so that no action runs on a
        pair the officer has not seen."""
        pair = self.selected_pair()
        if pair != self.shown_pair:
            self._show_pair()
            self.status.setText(
                "The comparison now shows the selected pair: look at it, then choose again."
            )
            return None
        return pair

    def dismiss_selected(self) -> bool:
        """Remember the selected pair as two records; it leaves the list."""
        pair = self.pair_on_screen()
        if pair is None:
            return False
        try:
            with store.session(self.workspace.engine) as s:
                dismiss_duplicate(s, self.workspace.actor, pair.kind, pair.first_id, pair.second_id)
        except RabtaError as error:
            self.status.setText(f"Not remembered: {said(error)}")
            return False
        self._drop(pair, f"Remembered: #{pair.first_id} and #{pair.second_id} are two records.")
        return True

    def merge_selected(self) -> MergeDialog | None:
        """Open the merge dialog for the selected pair."""
        pair = self.pair_on_screen()
        if pair is None:
            return None
        dialog = MergeDialog(self.workspace, self.comparison(pair), self)
        dialog.accepted.connect(lambda: self._merged(pair, dialog))
        self.merge_dialog = dialog
        dialog.open()
        return dialog

    def _merged(self, pair: CandidatePair, dialog: MergeDialog) -> None:
        done = dialog.done_merge
        self._drop(
            pair,
            f"Merged #{done.merged_id} into #{done.survivor_id}; "
            f"{counted(done.links_moved, 'link')} moved. Undo it from either record's History tab.",
            archived=done.merged_id,
        )

    def _drop(self, pair: CandidatePair, message: str, archived: int | None = None) -> None:
        """Take the pair off the list, and every pair of a record a merge archived."""
        self.pairs = [
            p for p in self.pairs if p != pair and archived not in (p.first_id, p.second_id)
        ]
        self._fill()
        self.status.setText(message)
