"""The Import wizard: a file, which column fills which field, a check of every row that
writes nothing, the rows that look like records already there, and then the import
itself, all or nothing. The check and the import run on a worker with progress and
Cancel; the window stays usable."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from db.exchange.cell_reading import text_of
from db.exchange.imports import (
    ADD,
    DECISIONS,
    SKIP,
    UPDATE,
    ImportCancelled,
    ImportOutcome,
    run_import,
    write_problem_file,
)
from db.exchange.mapping import (
    IMPORT_KINDS,
    Mapping,
    import_fields,
    likely_kind,
    load_mapping,
    suggest_mapping,
)
from db.exchange.sources import Source, open_source
from db.foundations.errors import RabtaError, said
from db.foundations.labels import counted
from desktop.failures import failure_sentence
from desktop.tasks import DatabaseTask, start_task
from desktop.widgets.screen_fit import fit_on_screen
from desktop.workspace import Workspace

KIND_LABELS = {
    "organizations": "Organizations",
    "contacts": "Contacts (people)",
    "engagements": "Engagements",
    "affiliations": "Affiliations (who belongs to which organization)",
}
DECISION_LABELS = {SKIP: "Skip this row", UPDATE: "Update the record", ADD: "Add as new"}
PREVIEW_ROWS = 3
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16 (Excel's Unicode text)",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "cp1252": "Windows-1252",
}


class FilePage(QWizardPage):
    """Which file, and what its rows are."""

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.import_wizard = wizard
        self.setTitle("Choose the file")
        self.setSubTitle("A CSV or Excel file, as Excel, Outlook or Google Contacts save it.")
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("A .csv, .txt or .xlsx file")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        self.kind_combo = QComboBox()
        for kind in IMPORT_KINDS:
            self.kind_combo.addItem(KIND_LABELS[kind], kind)
        self.about = QLabel()
        self.about.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("File", row)
        form.addRow("The rows are", self.kind_combo)
        form.addRow(self.about)
        self.path_edit.textChanged.connect(lambda _text: self.completeChanged.emit())
        self._warned: tuple[str, str] | None = None  # (file, kind) warned about once

    def browse(self) -> None:
        """Pick the file with the system's dialog."""
        path, _filter = QFileDialog.getOpenFileName(
            self, "Import a file", str(Path.home()), "Lists (*.csv *.txt *.xlsx);;All files (*)"
        )
        if path:
            self.path_edit.setText(path)

    def isComplete(self) -> bool:
        return bool(self.path_edit.text().strip())

    def validatePage(self) -> bool:
        try:
            source = open_source(self.path_edit.text().strip())
        except (RabtaError, OSError) as error:
            self.about.setText(f"<b>This file cannot be imported:</b> {said(error)}")
            return False
        kind = self.kind_combo.currentData()
        looks = likely_kind(source.headers)
        if looks not in (None, kind) and self._warned != (str(source.path), kind):
            self._warned = (str(source.path), kind)
            self.about.setText(
                f"<b>These columns look like a list of {KIND_LABELS[looks].lower()}</b> "
                f"({', '.join(source.headers[:5])}), not of {KIND_LABELS[kind].lower()}. "
                "Choose what the rows are above, or press Next again to import them as "
                f"{KIND_LABELS[kind].lower()}."
            )
            return False
        self.about.clear()
        self.import_wizard.use_source(source, kind)
        return True


class MappingPage(QWizardPage):
    """Which column fills which field, shown with the first values of each column."""

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.import_wizard = wizard
        self.setTitle("Match the columns")
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Column in the file", "First values", "Rabta field"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.day_first = QCheckBox("Dates like 03/04/2026 mean 3 April (day first)")
        # An engagement log of one consulate: its mission and officer for every row.
        self.every_mission = QComboBox()
        self.every_officer = QComboBox()
        self.every_row = QWidget()
        every = QFormLayout(self.every_row)
        every.setContentsMargins(0, 0, 0, 0)
        every.addRow("Mission of every row", self.every_mission)
        every.addRow("Officer of every row", self.every_officer)
        load = QPushButton("Use a saved mapping…")
        load.clicked.connect(self.load)
        save = QPushButton("Save this mapping…")
        save.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.day_first)
        buttons.addStretch(1)
        buttons.addWidget(load)
        buttons.addWidget(save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.every_row)
        layout.addLayout(buttons)
        self.combos: list[QComboBox] = []

    def initializePage(self) -> None:
        wizard = self.import_wizard
        source, mapping = wizard.source, wizard.mapping
        where = (
            f"{ENCODING_NAMES.get(source.encoding, source.encoding)} text separated by "
            f"{_delimiter_name(source.delimiter)}"
            if source.encoding
            else "an Excel workbook (first sheet)"
        )
        used = sum(1 for target in mapping.columns.values() if target)
        self.about.setText(
            f"{source.path.name}: {where}; the header is row {source.header_row}. "
            f"{used} of {len(source.headers)} columns are matched to a field; those set to "
            "“(leave out)” are not imported."
        )
        self.setSubTitle(f"Each column of the file, and the field of {wizard.kind} it fills.")
        samples = _samples(source)
        fields = import_fields(wizard.kind)
        self.table.setRowCount(len(source.headers))
        self.combos = []
        for row, header in enumerate(source.headers):
            self.table.setItem(row, 0, QTableWidgetItem(header))
            self.table.setItem(row, 1, QTableWidgetItem(" · ".join(samples[row])))
            combo = QComboBox()
            combo.addItem("(leave out)", None)
            for field_name, label in fields.items():
                combo.addItem(label, field_name)
            combo.setCurrentIndex(max(0, combo.findData(mapping.columns.get(header))))
            self.table.setCellWidget(row, 2, combo)
            self.combos.append(combo)
        self.day_first.setChecked(mapping.day_first)
        self.every_row.setVisible(wizard.kind == "engagements")
        if wizard.kind == "engagements":
            self._fill_every_row(mapping)

    def _fill_every_row(self, mapping: Mapping) -> None:
        from sqlmodel import Session

        from db.queries.pickers import mission_code_options, officer_choices

        with Session(self.import_wizard.workspace.engine) as s:
            missions, officers = mission_code_options(s), officer_choices(s)
        self.every_mission.clear()
        self.every_mission.addItem("As each row says (or its organization's)", None)
        for code, label in missions:
            self.every_mission.addItem(label, code)
        self.every_officer.clear()
        self.every_officer.addItem("As each row says (or you)", None)
        for username, name in officers:
            self.every_officer.addItem(name, username)
        for combo, field_name in ((self.every_mission, "mission"), (self.every_officer, "officer")):
            combo.setCurrentIndex(max(0, combo.findData(mapping.every_row.get(field_name))))

    def current_mapping(self) -> Mapping:
        """The mapping as the page shows it now."""
        headers = self.import_wizard.source.headers
        columns = {
            header: combo.currentData() for header, combo in zip(headers, self.combos, strict=True)
        }
        every_row = {}
        if self.import_wizard.kind == "engagements":
            for combo, field_name in (
                (self.every_mission, "mission"),
                (self.every_officer, "officer"),
            ):
                if combo.currentData():
                    every_row[field_name] = combo.currentData()
        return Mapping(self.import_wizard.kind, columns, self.day_first.isChecked(), every_row)

    def load(self) -> None:
        """Use a mapping saved from an earlier import."""
        path, _filter = QFileDialog.getOpenFileName(
            self, "Use a saved mapping", str(Path.home()), "Mappings (*.json)"
        )
        if path:
            self.load_from(path)

    def load_from(self, path: str) -> bool:
        """Apply a saved mapping; columns it does not name keep their choice."""
        try:
            saved = load_mapping(path, self.import_wizard.kind)
        except RabtaError as error:
            self.about.setText(f"<b>That mapping cannot be used:</b> {said(error)}")
            return False
        for header, combo in zip(self.import_wizard.source.headers, self.combos, strict=True):
            if header in saved.columns:
                combo.setCurrentIndex(max(0, combo.findData(saved.columns[header])))
        self.day_first.setChecked(saved.day_first)
        return True

    def save(self) -> None:
        """Keep this mapping in a file for the next file of the same shape."""
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save this mapping", str(Path.home() / "mapping.json"), "Mappings (*.json)"
        )
        if path:
            self.current_mapping().save(path)

    def validatePage(self) -> bool:
        mapping = self.current_mapping()
        if not any(mapping.columns.values()):
            self.about.setText("<b>Choose a field for at least one column.</b>")
            return False
        self.import_wizard.mapping = mapping
        return True


class CheckPage(QWizardPage):
    """Every row checked by the store's rules, nothing written: problems to fix, and rows
    like records already there with a choice for each."""

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.import_wizard = wizard
        self.setTitle("Check every row")
        self.setSubTitle("Nothing is written yet.")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.cancel_button = QPushButton("Cancel the check")
        self.cancel_button.clicked.connect(self.import_wizard.cancel_work)
        self.problems = QTableWidget(0, 3)
        self.problems.setHorizontalHeaderLabels(["Row", "Column", "Problem"])
        self.problems.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.problems.verticalHeader().setVisible(False)
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.save_problems = QPushButton("Save the rows with problems as CSV…")
        self.save_problems.clicked.connect(self.save_problem_rows)
        self.keep_good_rows = QCheckBox()
        self.keep_good_rows.toggled.connect(self._keep_good_rows_toggled)
        self.matches = QTableWidget(0, 5)
        self.matches.setHorizontalHeaderLabels(
            ["Row", "In the file", "Looks like (in the registry)", "Because", "Do"]
        )
        for column in (1, 2):
            self.matches.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.Stretch
            )
        self.matches.verticalHeader().setVisible(False)
        self.matches.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.all_matches = QComboBox()
        for decision in DECISIONS:
            self.all_matches.addItem(DECISION_LABELS[decision], decision)
        self.all_matches.activated.connect(self._decide_all)
        match_bar = QHBoxLayout()
        self.match_label = QLabel()
        match_bar.addWidget(self.match_label, 1)
        self.every_label = QLabel("For every one:")
        match_bar.addWidget(self.every_label)
        match_bar.addWidget(self.all_matches)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        layout.addLayout(progress_row)
        layout.addWidget(self.problems, 2)
        problem_row = QHBoxLayout()
        problem_row.addWidget(self.keep_good_rows, 1)
        problem_row.addWidget(self.save_problems)
        layout.addLayout(problem_row)
        layout.addLayout(match_bar)
        layout.addWidget(self.matches, 1)
        self.outcome: ImportOutcome | None = None
        self.decision_combos: dict[int, QComboBox] = {}

    def initializePage(self) -> None:
        self.outcome = None
        self._show_outcome(None)
        self.summary.setText("Checking every row…")
        self.import_wizard.run(commit=False, on_done=self._checked, on_failed=self._failed)

    def _running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)

    def _checked(self, outcome: ImportOutcome) -> None:
        self.outcome = outcome
        self._show_outcome(outcome)
        self.completeChanged.emit()

    def _failed(self, message: str) -> None:
        self._running(False)
        self.summary.setText(f"<b>The check stopped:</b> {message}")

    def _show_outcome(self, outcome: ImportOutcome | None) -> None:
        self._running(outcome is None)
        self.problems.setRowCount(0)
        self.matches.setRowCount(0)
        self.decision_combos = {}
        for widget in (self.problems, self.save_problems, self.keep_good_rows):
            widget.setVisible(bool(outcome and outcome.problems))
        if outcome is not None and outcome.problems:
            name = self.import_wizard.source.path.stem + ".problems.csv"
            self.keep_good_rows.setText(
                f"Import the {counted(outcome.rows - outcome.rows_with_problems, 'good row')} "
                f"and keep the others in {name} to fix"
            )
        has_matches = bool(outcome and outcome.matches)
        for widget in (self.matches, self.all_matches, self.match_label, self.every_label):
            widget.setVisible(has_matches)
        if outcome is None:
            return
        kind = self.import_wizard.kind
        if outcome.problems:
            self.summary.setText(
                f"<b>{outcome.rows_with_problems:,} of {outcome.rows:,} rows "
                f"{'has a problem' if outcome.rows_with_problems == 1 else 'have problems'}.</b> "
                "Nothing can be imported until they are fixed: save them as CSV, correct them "
                "there, and import that file (or change the mapping with Back)."
            )
        else:
            self.summary.setText(
                f"All {counted(outcome.rows, 'row')} can be imported: "
                f"{counted(outcome.created, 'new ' + kind[:-1], 'new ' + kind)}, "
                f"{counted(len(outcome.matches), 'like a record', 'like records')} already there."
                + (f" {counted(len(outcome.warnings), 'note')} below." if outcome.warnings else "")
            )
        shown = outcome.problems[:2000] + outcome.warnings[:500]
        self.problems.setVisible(bool(shown))
        self.problems.setRowCount(len(shown))
        for row, problem in enumerate(shown):
            where = str(problem.row) + (f" · {problem.named}" if problem.named else "")
            for column, text in enumerate((where, problem.column, problem.reason)):
                self.problems.setItem(row, column, QTableWidgetItem(text))
        self.problems.resizeColumnToContents(0)
        self.problems.resizeColumnToContents(1)
        self.match_label.setText(
            f"{counted(len(outcome.matches), 'row looks', 'rows look')} like records already "
            "in the registry:"
        )
        self.matches.setRowCount(len(outcome.matches[:2000]))
        for row, match in enumerate(outcome.matches[:2000]):
            self.matches.setItem(row, 0, QTableWidgetItem(str(match.row)))
            self.matches.setItem(row, 1, QTableWidgetItem(match.incoming))
            self.matches.setItem(row, 2, QTableWidgetItem(f"{match.record} (#{match.record_id})"))
            self.matches.setItem(row, 3, QTableWidgetItem(match.why))
            combo = QComboBox()
            for decision in DECISIONS:
                combo.addItem(DECISION_LABELS[decision], decision)
            combo.setCurrentIndex(combo.findData(self.import_wizard.decisions.get(match.row, SKIP)))
            combo.currentIndexChanged.connect(
                lambda _i, r=match.row, c=combo: self.import_wizard.decisions.__setitem__(
                    r, c.currentData()
                )
            )
            self.matches.setCellWidget(row, 4, combo)
            self.decision_combos[match.row] = combo
        self.matches.resizeColumnToContents(0)
        self.matches.resizeColumnToContents(3)
        self.matches.setColumnWidth(4, 190)

    def _decide_all(self, _index: int) -> None:
        decision = self.all_matches.currentData()
        self.import_wizard.on_match = decision
        for combo in self.decision_combos.values():
            combo.setCurrentIndex(combo.findData(decision))

    def save_problem_rows(self) -> None:
        """Write the refused rows and their problems to a CSV to fix."""
        source = self.import_wizard.source
        default = source.path.with_name(source.path.stem + ".problems.csv")
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save the rows with problems", str(default), "CSV (*.csv)"
        )
        if path and self.outcome is not None:
            written = write_problem_file(source, self.outcome, path)
            self.summary.setText(
                self.summary.text()
                + f"<br>Saved {counted(written, 'row')} with their problems to {path}."
            )

    def _keep_good_rows_toggled(self, keep: bool) -> None:
        self.import_wizard.keep_good_rows = keep
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        if self.outcome is None:
            return False
        return not self.outcome.problems or self.keep_good_rows.isChecked()


class ImportPage(QWizardPage):
    """The import itself, in one transaction."""

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.import_wizard = wizard
        self.setTitle("Import")
        self.setSubTitle("All rows are written in one go, or none if anything goes wrong.")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.cancel_button = QPushButton("Cancel the import")
        self.cancel_button.clicked.connect(self.import_wizard.cancel_work)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        layout.addStretch(1)
        self.outcome: ImportOutcome | None = None
        self.setFinalPage(True)

    def initializePage(self) -> None:
        self.outcome = None
        self._running(True)
        self.summary.setText("Importing…")
        self.import_wizard.run(commit=True, on_done=self._done, on_failed=self._failed)

    def _running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.import_wizard.button(QWizard.WizardButton.BackButton).setEnabled(not running)

    def _done(self, outcome: ImportOutcome) -> None:
        self.outcome = outcome
        self._running(False)
        kind = self.import_wizard.kind
        if outcome.committed or not (outcome.created or outcome.updated or outcome.problems):
            self.summary.setText(
                f"<b>Imported.</b> {counted(outcome.created, kind[:-1], kind)} added, "
                f"{outcome.updated:,} updated, {counted(outcome.skipped, 'row')} skipped as "
                "already there."
            )
            if outcome.committed and outcome.problems:
                source = self.import_wizard.source
                path = source.path.with_name(source.path.stem + ".problems.csv")
                written = write_problem_file(source, outcome, path)
                self.summary.setText(
                    self.summary.text()
                    + f" {counted(written, 'row was', 'rows were')} left out and kept in "
                    f"{path} with what is wrong with each, to fix and import again."
                )
            self.import_wizard.workspace.announce(_announced(kind))
        else:
            self.summary.setText(
                f"<b>Nothing was imported:</b> {counted(outcome.rows_with_problems, 'row')} had "
                "problems when written (another person may have changed the registry since "
                "the check). Go Back to check again."
            )
        self.completeChanged.emit()

    def _failed(self, message: str) -> None:
        self._running(False)
        self.outcome = None
        self.summary.setText(f"<b>Nothing was imported:</b> {message}")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.outcome is not None or self.summary.text().startswith("<b>Nothing")


def _announced(kind: str) -> str:
    return {"affiliations": "contact"}.get(kind, kind.removesuffix("s"))


def _delimiter_name(delimiter: str | None) -> str:
    return {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}.get(
        delimiter or ",", repr(delimiter)
    )


def _samples(source: Source) -> list[list[str]]:
    samples: list[list[str]] = [[] for _ in source.headers]
    for count, row in enumerate(source.rows()):
        if count >= PREVIEW_ROWS:
            break
        for index, cell in enumerate(row.cells):
            text = text_of(cell)
            if text:
                samples[index].append(text[:40])
    return samples


class ImportWizard(QWizard):
    """File → columns → check → import."""

    def __init__(
        self, workspace: Workspace, kind: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Import")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        fit_on_screen(self, 900, 620)
        self.source: Source | None = None
        self.kind = kind or "contacts"
        self.mapping: Mapping | None = None
        self.on_match = SKIP
        self.keep_good_rows = False  # import the good rows, the others to a problems file
        self.decisions: dict[int, str] = {}
        self.task: DatabaseTask | None = None
        self._cancel = threading.Event()
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.import_page = ImportPage(self)
        for page in (self.file_page, self.mapping_page, self.check_page, self.import_page):
            self.addPage(page)
        # The drop-down says what the wizard will read: the page's kind, else contacts.
        self.file_page.kind_combo.setCurrentIndex(self.file_page.kind_combo.findData(self.kind))

    def use_source(self, source: Source, kind: str) -> None:
        """The file chosen: suggest a mapping unless the same file shape is kept."""
        changed = self.source is None or source.headers != self.source.headers or kind != self.kind
        self.source, self.kind = source, kind
        if changed or self.mapping is None:
            self.mapping = suggest_mapping(kind, source.headers, samples=_samples(source))
            self.decisions = {}

    def cancel_work(self) -> None:
        """Stop the check or the import; nothing it did is kept."""
        self._cancel.set()

    def run(self, *, commit: bool, on_done, on_failed) -> None:
        """The check (commit False) or the import, on a worker."""
        self._cancel.clear()
        actor, source, mapping = self.workspace.actor, self.source, self.mapping
        decisions, on_match, cancel = dict(self.decisions), self.on_match, self._cancel
        keep_good_rows = self.keep_good_rows

        def work(engine, report):
            return run_import(
                engine,
                actor,
                source,
                mapping,
                commit=commit,
                on_match=on_match,
                decisions=decisions,
                progress=lambda n: report(f"{n:,} rows…"),
                cancelled=cancel.is_set,
                keep_good_rows=keep_good_rows,
            )

        def failed(error: Exception, details: str) -> None:
            if isinstance(error, ImportCancelled):
                on_failed("cancelled; nothing was written.")
            else:
                on_failed(failure_sentence(error, details, self.workspace.location))

        self.task = DatabaseTask(self.workspace.address, work)
        self.task.signals.finished.connect(on_done)
        self.task.signals.failed.connect(failed)
        start_task(self.task)

    def reject(self) -> None:
        self.cancel_work()
        super().reject()
