"""Export a list as its filter shows it: choose the format and the file, say whether
people who asked not to be contacted are included, and watch it written on a worker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.exchange.exports import EXCLUDED_REASON, KIND_FORMATS, OUTREACH_KINDS, export_list
from desktop.failures import failure_sentence
from desktop.tasks import DatabaseTask, start_task
from desktop.workspace import Workspace

FORMAT_CHOICES = {
    "csv": ("CSV for Excel (.csv)", ".csv"),
    "xlsx": ("Excel workbook (.xlsx)", ".xlsx"),
    "vcard": ("vCards for Outlook and phones (.vcf)", ".vcf"),
    "icalendar": ("Calendar (.ics)", ".ics"),
}
CALENDAR_HINTS = {
    "engagements": "The calendar holds the open follow-ups of these engagements.",
    "programs": "The calendar holds the events of these programs.",
}


class ExportDialog(QDialog):
    """Asks where and how, then writes the list on a worker; the dialog stays responsive
    and closes itself when the file is written."""

    def __init__(
        self,
        workspace: Workspace,
        kind: str,
        flt: Any,
        sort: str,
        descending: bool,
        shown: int | None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.workspace, self.kind, self.flt = workspace, kind, flt
        self.sort, self.descending = sort, descending
        self.exported = None
        self.task: DatabaseTask | None = None
        self.setWindowTitle(f"Export {kind}")
        self.setMinimumWidth(520)
        count = f"the {shown:,} {kind} the list shows" if shown is not None else f"these {kind}"
        intro = QLabel(f"Export {count}, with every column, in the list's order.")
        intro.setWordWrap(True)
        self.format_combo = QComboBox()
        for fmt in KIND_FORMATS[kind]:
            self.format_combo.addItem(FORMAT_CHOICES[fmt][0], fmt)
        self.path_edit = QLineEdit(str(Path.home() / f"rabta-{kind}.csv"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.include_withheld = QCheckBox(
            "Include people who asked not to be contacted or refused consent"
        )
        self.withheld_reason = QLabel(EXCLUDED_REASON)
        self.withheld_reason.setWordWrap(True)
        self.withheld_reason.setStyleSheet("color: #5b6770;")
        outreach = kind in OUTREACH_KINDS
        self.include_withheld.setVisible(outreach)
        self.withheld_reason.setVisible(outreach)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Format", self.format_combo)
        form.addRow("File", path_row)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.include_withheld)
        layout.addWidget(self.withheld_reason)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        self._format_changed()

    def chosen_format(self) -> str:
        return self.format_combo.currentData()

    def _format_changed(self) -> None:
        suffix = FORMAT_CHOICES[self.chosen_format()][1]
        path = Path(self.path_edit.text().strip() or f"rabta-{self.kind}")
        self.path_edit.setText(str(path.with_suffix(suffix)))
        self.hint.setText(CALENDAR_HINTS.get(self.kind, "") if suffix == ".ics" else "")
        self.hint.setVisible(bool(self.hint.text()))

    def browse(self) -> None:
        """Choose the file with the system's save dialog."""
        label, suffix = FORMAT_CHOICES[self.chosen_format()]
        path, _filter = QFileDialog.getSaveFileName(
            self, f"Export {self.kind}", self.path_edit.text(), f"{label};;All files (*)"
        )
        if path:
            self.path_edit.setText(str(Path(path).with_suffix(suffix)))

    def start(self) -> None:
        """Write the file on a worker; the dialog shows progress meanwhile."""
        path = self.path_edit.text().strip()
        if not path:
            self.status.setText("Choose a file to write.")
            return
        actor, include = self.workspace.actor, self.include_withheld.isChecked()
        kind, flt, sort, descending = self.kind, self.flt, self.sort, self.descending

        def work(engine, report):
            return export_list(
                engine,
                actor,
                kind,
                path,
                flt,
                sort=sort,
                descending=descending,
                include_withheld=include,
                progress=lambda n: report(f"{n:,} written…"),
            )

        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.progress.setVisible(True)
        self.status.setText("Writing…")
        self.task = DatabaseTask(self.workspace.address, work)
        self.task.signals.progress.connect(self.status.setText)
        self.task.signals.finished.connect(self._done)
        self.task.signals.failed.connect(self._failed)
        start_task(self.task)

    def _done(self, exported) -> None:
        self.exported = exported
        self.progress.setVisible(False)
        left_out = (
            f" {exported.left_out:,} people who asked not to be contacted or refused consent "
            "were left out."
            if exported.left_out
            else ""
        )
        message = f"Wrote {exported.rows:,} to {exported.path}.{left_out}"
        window = self.parent().window() if self.parent() else None
        if window is not None and hasattr(window, "statusBar"):
            window.statusBar().showMessage(message, 15_000)
        self.status.setText(message)
        self.accept()

    def _failed(self, error: Exception, details: str) -> None:
        self.progress.setVisible(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        self.status.setText(
            f"Nothing was exported: {failure_sentence(error, details, self.workspace.location)}"
        )
