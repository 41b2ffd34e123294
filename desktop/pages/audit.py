"""The Audit page: the log of every change and read-out, filtered by user, record,
action and date, and the proof that no entry was quietly edited (supervisors and
administrators; db/queries/audit.py refuses everyone else)."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from db import store
from db.foundations.errors import RabtaError, said
from db.queries.audit import (
    AuditFilter,
    audit_filter_choices,
    count_audit_entries,
    list_audit_entries,
    verify_audit_chain,
)
from desktop.failures import failure_sentence
from desktop.tasks import DatabaseTask, start_task
from desktop.widgets.history_table import HistoryTable
from desktop.workspace import Workspace

PAGE_SIZE = 200
NO_DATE = QDate(2000, 1, 1)  # the date boxes' "any" value


def _date_box() -> QDateEdit:
    box = QDateEdit()
    box.setCalendarPopup(True)
    box.setDisplayFormat("dd MMM yyyy")
    box.setMinimumDate(NO_DATE)
    box.setSpecialValueText("any day")
    box.setDate(NO_DATE)
    return box


class AuditPage(QWidget):
    """Filters above, entries below (200 at a time), the chain's state at the top."""

    title = "Audit"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Audit log</h2>"))
        if not workspace.actor.supervises:
            refusal = QLabel(
                "Only supervisors and administrators read the audit log. The History tab of "
                "each record shows who changed it."
            )
            refusal.setWordWrap(True)
            layout.addWidget(refusal)
            layout.addStretch(1)
            self.table = None
            return
        self.chain_label = QLabel("The audit chain has not been verified in this session.")
        self.chain_label.setWordWrap(True)
        self.verify_button = QPushButton("Verify the chain")
        chain = QHBoxLayout()
        chain.addWidget(self.chain_label, 1)
        chain.addWidget(self.verify_button)
        layout.addLayout(chain)

        self.user_box = QComboBox()
        self.record_box = QComboBox()
        self.action_box = QComboBox()
        for box in (self.user_box, self.record_box, self.action_box):
            # Sized to a few words, not to the longest name, so the page fits 1024 pixels.
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(6)
        self.record_id = QLineEdit()
        self.record_id.setPlaceholderText("record #")
        self.record_id.setMaximumWidth(90)
        self.since = _date_box()
        self.until = _date_box()
        # Who and what on one line, when on the next: one line is wider than 150%
        # of a 1366-pixel screen leaves the page.
        for line in (
            (("User", self.user_box), ("Record", self.record_box), ("", self.record_id)),
            (("Action", self.action_box), ("From", self.since), ("to", self.until)),
        ):
            filters = QHBoxLayout()
            for label, widget in line:
                if label:
                    filters.addWidget(QLabel(label))
                filters.addWidget(widget)
            filters.addStretch(1)
            layout.addLayout(filters)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.table = HistoryTable(with_record=True)
        layout.addWidget(self.table, 1)
        self.more_button = QPushButton("Show more")
        self.undo_merge_button = QPushButton("Undo merge")
        self.undo_merge_button.setToolTip(
            "Put both records of the selected merge, and everything linked to them, back"
        )
        self.undo_merge_button.setEnabled(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.undo_merge_button)
        bottom.addStretch(1)
        bottom.addWidget(self.more_button)
        layout.addLayout(bottom)

        self._fill_choices()
        for box in (self.user_box, self.record_box, self.action_box):
            box.currentIndexChanged.connect(self.reload)
        for box in (self.since, self.until):
            box.dateChanged.connect(self.reload)
        self.record_id.editingFinished.connect(self.reload)
        self.more_button.clicked.connect(self.show_more)
        self.undo_merge_button.clicked.connect(self.undo_selected_merge)
        self.table.itemSelectionChanged.connect(self._offer_undo)
        self.verify_button.clicked.connect(self.verify_chain)
        workspace.broadcast.changed.connect(lambda *_: self.reload())
        self.reload()

    def _fill_choices(self) -> None:
        with Session(self.workspace.engine) as s:
            choices = audit_filter_choices(s, self.workspace.actor)
        for box, key, everyone in (
            (self.user_box, "username", "everyone"),
            (self.record_box, "entity_type", "any record"),
            (self.action_box, "action", "any action"),
        ):
            box.addItem(everyone, "")
            for value in choices[key]:
                box.addItem(value.replace("_", " "), value)

    def chosen_filter(self) -> AuditFilter | None:
        """The filter the boxes describe; None (with a message) if the record # is not one."""
        typed = self.record_id.text().strip()
        if typed and not typed.isdigit():
            self.message.setText("A record number is digits only, e.g. 42.")
            return None

        def day(box: QDateEdit):
            return None if box.date() == NO_DATE else box.date().toPython()

        return AuditFilter(
            username=self.user_box.currentData() or "",
            entity_type=self.record_box.currentData() or "",
            entity_id=int(typed) if typed else None,
            action=self.action_box.currentData() or "",
            since=day(self.since),
            until=day(self.until),
        )

    def reload(self) -> None:
        """Show the newest matching entries."""
        chosen = self.chosen_filter()
        if chosen is None:
            return
        with Session(self.workspace.engine) as s:
            self.total = count_audit_entries(s, self.workspace.actor, chosen)
            entries = list_audit_entries(s, self.workspace.actor, chosen, limit=PAGE_SIZE)
        self.table.show_entries(entries)
        self._say_count()

    def show_more(self) -> None:
        """The next 200 matching entries below those shown."""
        chosen = self.chosen_filter()
        if chosen is None:
            return
        with Session(self.workspace.engine) as s:
            entries = list_audit_entries(
                s, self.workspace.actor, chosen, offset=self.table.rowCount(), limit=PAGE_SIZE
            )
        self.table.show_entries(entries, append=True)
        self._say_count()

    def selected_merge(self) -> int | None:
        """The merge the selected entry records, if it is a merge."""
        entry = self.table.selected_entry()
        if entry is None or entry.action != "merge":
            return None
        found = [c.new for c in entry.changes if c.field == "merge_id"]
        return found[0] if found and isinstance(found[0], int) else None

    def _offer_undo(self) -> None:
        self.undo_merge_button.setEnabled(self.selected_merge() is not None)

    def undo_selected_merge(self) -> bool:
        """Undo the merge of the selected entry; say what was kept or why not."""
        merge_id = self.selected_merge()
        if merge_id is None:
            return False
        kind = self.table.selected_entry().entity_type
        from db.store.merges import undo_merge

        try:
            with store.session(self.workspace.engine) as s:
                undone = undo_merge(s, self.workspace.actor, merge_id)
        except RabtaError as error:
            self.message.setText(f"Not undone: {said(error)}")
            return False
        kept = (
            f" Kept the later edits to {', '.join(undone.kept_edits)}." if undone.kept_edits else ""
        )
        self.workspace.announce(kind, [undone.survivor_id, undone.merged_id])
        self.message.setText(
            f"Undid merge {merge_id}: {kind} #{undone.survivor_id} and "
            f"#{undone.merged_id} are two records again.{kept}"
        )
        return True

    def _say_count(self) -> None:
        shown = self.table.rowCount()
        self.message.setText(
            f"{self.total:,} entr{'y' if self.total == 1 else 'ies'} match"
            + (f"; the newest {shown:,} are shown." if shown < self.total else ".")
        )
        self.more_button.setEnabled(shown < self.total)

    def verify_chain(self) -> None:
        """Walk the whole chain on a worker and say whether it is intact."""
        self.verify_button.setEnabled(False)
        self.chain_label.setText("Verifying the audit chain…")
        viewer = self.workspace.actor

        def work(engine, _report):
            with Session(engine) as s:
                return verify_audit_chain(s, viewer)

        task = DatabaseTask(self.workspace.address, work)
        task.signals.finished.connect(self._chain_checked)
        task.signals.failed.connect(
            lambda error, details: self.chain_label.setText(
                f"The chain could not be read: {failure_sentence(error, details)}"
            )
        )
        self._verify_task = task
        start_task(task)

    def _chain_checked(self, check) -> None:
        self.verify_button.setEnabled(True)
        if check.intact:
            self.chain_label.setStyleSheet("color: #1f5f7a;")
            self.chain_label.setText(f"The audit chain is intact: {check.head}.")
        else:
            self.chain_label.setStyleSheet("color: #9b2226; font-weight: bold;")
            self.chain_label.setText(
                f"The audit chain is broken at entry {check.broken_at}: {check.problem}"
            )
        self.chain_label.setTextFormat(Qt.TextFormat.PlainText)
