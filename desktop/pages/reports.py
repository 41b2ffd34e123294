"""The Reports page: choose a report, period and scope; write the narrative and
signatures; build in the background; preview, print and save the PDF."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QDate, QPointF, QRectF, QSettings, QSize, Qt
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from db import store
from db.figures.quarterly import report_texts
from db.figures.scope import ALL_MISSIONS
from db.foundations import clock
from db.foundations.errors import RabtaError, ValidationError, said
from db.foundations.periods import Quarter, quarter_containing
from db.queries.pickers import every_organization_choice, live_missions, organization_choices
from db.queries.report_texts import highlight_candidates
from db.queries.users import active_officers
from db.rules.settings import read_settings
from db.store.readouts import place_after_readout, record_readout
from db.store.report_texts import save_report_text
from desktop.failures import failure_sentence
from desktop.tasks import DatabaseTask, start_task
from desktop.widgets.scrolled import scrolled
from desktop.workspace import Workspace
from reports.produce import (
    ProducedReport,
    check_output_path,
    produce_handover_dossier,
    produce_organization_brief,
    produce_quarterly_report,
)

QUARTERLY = "quarterly"
BRIEF = "brief"
HANDOVER = "handover"
QUARTERS_OFFERED = 8
NO_DATE = QDate(2000, 1, 1)
PRINT_DPI = 300


class ReportsPage(QWidget):
    """Report choice and texts on the left, the PDF preview on the right."""

    title = "Reports"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.output_dir = Path(tempfile.mkdtemp(prefix="rabta-reports-"))
        self.current_pdf: Path | None = None
        self.current_title = ""
        self._task: DatabaseTask | None = None
        self._texts_changed = False

        self.kind_combo = QComboBox()
        self.kind_combo.addItem("Quarterly outreach report", QUARTERLY)
        self.kind_combo.addItem("Organization brief", BRIEF)
        self.kind_combo.addItem("Handover dossier", HANDOVER)
        self.handover_combo = QComboBox()
        self.handover_combo.setToolTip(
            "The officer leaving a post (their organizations of the last three years), "
            "or a whole mission"
        )
        self.period_combo = QComboBox()
        self.scope_combo = QComboBox()
        self.organization_combo = QComboBox()
        self.organization_combo.setEditable(True)
        self.organization_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.organization_combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.organization_combo.completer().setCompletionMode(
            QCompleter.CompletionMode.PopupCompletion
        )
        self.confidential_check = QCheckBox("Include confidential engagements")
        self.confidential_check.setEnabled(workspace.actor.supervises)
        self.confidential_check.setToolTip(
            "Supervisors and administrators only"
            if not workspace.actor.supervises
            else "Confidential engagements are left out unless you tick this"
        )

        choice = QFormLayout()
        choice.addRow("Report", self.kind_combo)
        self.period_label = QLabel("Quarter")
        choice.addRow(self.period_label, self.period_combo)
        self.scope_label = QLabel("Scope")
        choice.addRow(self.scope_label, self.scope_combo)
        self.organization_label = QLabel("Organization")
        choice.addRow(self.organization_label, self.organization_combo)
        self.handover_label = QLabel("Hand over")
        choice.addRow(self.handover_label, self.handover_combo)
        choice.addRow("", self.confidential_check)

        # Short enough for the narrowest left pane; the tooltip says whose texts.
        self.texts_box = QGroupBox("Narrative, highlights and signatures")
        self.texts_box.setToolTip("Saved for the chosen quarter and scope")
        self.narrative_edit = QPlainTextEdit()
        self.narrative_edit.setPlaceholderText(
            "The head of mission's assessment of the quarter, printed in the report."
        )
        self.highlights_list = QListWidget()
        self.highlights_list.setMinimumHeight(90)
        self.highlights_list.setWordWrap(True)
        self.highlights_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.highlights_list.setToolTip(
            "Tick the engagements the report features as highlights; with none ticked it "
            "features the latest recorded outcome of each high-priority organization."
        )
        self.signature_names: dict[str, QLineEdit] = {}
        self.signature_dates: dict[str, QDateEdit] = {}
        texts = QFormLayout(self.texts_box)
        texts.addRow(self.narrative_edit)
        for role in ("prepared", "reviewed", "approved"):
            name = QLineEdit()
            name.setPlaceholderText("Name and title")
            when = QDateEdit()
            when.setCalendarPopup(True)
            when.setMinimumDate(NO_DATE)
            when.setSpecialValueText("no date")
            when.setDisplayFormat("dd MMM yyyy")
            row = QHBoxLayout()
            row.addWidget(name, 3)
            row.addWidget(when, 1)
            texts.addRow(f"{role.title()} by", row)
            self.signature_names[role] = name
            self.signature_dates[role] = when
        texts.addRow(
            QLabel(
                "Highlights to feature (none ticked: the latest outcome of each "
                "high-priority organization)"
            )
        )
        texts.addRow(self.highlights_list)
        self.save_texts_button = QPushButton("Save narrative, highlights and signatures")
        self.save_texts_button.setToolTip("Keep these words for this quarter and scope")
        if not workspace.actor.supervises:  # the store refuses them too
            self.save_texts_button.setEnabled(False)
            self.narrative_edit.setReadOnly(True)
            self.save_texts_button.setToolTip(
                "Supervisors of the mission and administrators write the narrative, "
                "highlights and signatures."
            )
        texts.addRow(self.save_texts_button)

        self.build_button = QPushButton("Build report")
        self.build_button.setDefault(True)
        self.build_button.setToolTip("Build the PDF in the background (Ctrl+Return)")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.status_label = QLabel("Choose a report and build it.")
        self.status_label.setWordWrap(True)
        self.print_button = QPushButton("Print…")
        self.print_button.setToolTip("Print the previewed report (Ctrl+P)")
        self.save_button = QPushButton("Save as…")
        self.save_button.setToolTip("Save the previewed report as a PDF file (Ctrl+Shift+S)")
        for button in (self.print_button, self.save_button):
            button.setEnabled(False)

        left = QVBoxLayout()
        left.addLayout(choice)
        left.addWidget(self.texts_box, 1)
        left_widget = QWidget()
        left_widget.setLayout(left)
        left_widget.setMinimumWidth(380)
        # The choices and texts scroll on a short screen (768 pixels at 150%) instead of
        # making the window taller than the screen; Build, Print and Save stay below them,
        # always in sight.
        actions = QHBoxLayout()
        actions.addWidget(self.print_button)
        actions.addWidget(self.save_button)
        left_column = QWidget()
        column = QVBoxLayout(left_column)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(scrolled(left_widget, sideways=False), 1)
        column.addWidget(self.build_button)
        column.addWidget(self.progress)
        column.addWidget(self.status_label)
        column.addLayout(actions)

        self.document = QPdfDocument(self)
        self.preview = QPdfView()
        self.preview.setDocument(self.document)
        self.preview.setPageMode(QPdfView.PageMode.MultiPage)
        self.preview.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.preview_placeholder = QLabel("The report's preview appears here once it is built.")
        self.preview_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_stack = QStackedWidget()
        self.preview_stack.addWidget(self.preview_placeholder)
        self.preview_stack.addWidget(self.preview)

        splitter = QSplitter()
        splitter.addWidget(left_column)
        splitter.addWidget(self.preview_stack)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.period_combo.currentIndexChanged.connect(self.load_texts)
        self.scope_combo.currentIndexChanged.connect(self.load_texts)
        # A preview of other choices than those on the left is taken away, so that Print
        # and Save as never act on a report the choices no longer describe.
        for combo in (
            self.period_combo,
            self.scope_combo,
            self.organization_combo,
            self.handover_combo,
        ):
            combo.currentIndexChanged.connect(self.clear_preview)
        self.confidential_check.toggled.connect(self.clear_preview)
        self.organization_combo.lineEdit().returnPressed.connect(self.chosen_organization)
        self.save_texts_button.clicked.connect(self.save_texts)
        self.build_button.clicked.connect(self.build)
        self.print_button.clicked.connect(self.print_report)
        self.save_button.clicked.connect(self.save_as)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.build)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_report)
        QShortcut(QKeySequence("Ctrl+Shift+S"), self, self.save_as)
        workspace.broadcast.changed.connect(self._on_changed)
        self.narrative_edit.textChanged.connect(self._mark_texts_changed)
        self.highlights_list.itemChanged.connect(self._mark_texts_changed)
        for role in ("prepared", "reviewed", "approved"):
            self.signature_names[role].textChanged.connect(self._mark_texts_changed)
            self.signature_dates[role].dateChanged.connect(self._mark_texts_changed)
        self.refresh_choices()
        self._kind_changed()

    # --- choices ------------------------------------------------------------------

    def offered_quarters(self) -> list[Quarter]:
        """The current quarter and the seven before it, in the installation's style."""
        with Session(self.workspace.engine) as s:
            fiscal = read_settings(s).fiscal
            start_month = read_settings(s).fiscal_year_start_month
        quarter = quarter_containing(clock.today(), fiscal=fiscal, fiscal_start_month=start_month)
        quarters = []
        for _ in range(QUARTERS_OFFERED):
            quarters.append(quarter)
            quarter = quarter.previous()
        return quarters

    def refresh_choices(self) -> None:
        """Reload quarters, missions and organizations from the database."""
        self.period_combo.blockSignals(True)
        self.scope_combo.blockSignals(True)
        self.period_combo.clear()
        quarters = self.offered_quarters()
        for quarter in quarters:
            self.period_combo.addItem(quarter.title, quarter.code)
        self.period_combo.setCurrentIndex(1 if len(quarters) > 1 else 0)
        self.scope_combo.clear()
        self.scope_combo.addItem("All missions", ALL_MISSIONS)
        with Session(self.workspace.engine) as s:
            live = live_missions(s)
            organizations = every_organization_choice(s)
        missions = [(mission.code, mission.name) for mission in live]
        for code, name in missions:
            self.scope_combo.addItem(f"{name} ({code})", code)
        self._fill_handover_choices(missions)
        own = [m.code for m in live if m.id == self.workspace.actor.mission_id]
        if own:
            self.scope_combo.setCurrentIndex(max(0, self.scope_combo.findData(own[0])))
        self.period_combo.blockSignals(False)
        self.scope_combo.blockSignals(False)
        self.organization_combo.blockSignals(True)
        self.organization_combo.clear()
        for organization in organizations:
            self.organization_combo.addItem(organization.shown, organization.id)
        self.organization_combo.setCurrentIndex(-1)
        self.organization_combo.blockSignals(False)
        self.load_texts()

    def _fill_handover_choices(self, missions: list) -> None:
        """Officers (the signed-in one first) and missions a dossier can hand over."""
        actor = self.workspace.actor
        self.handover_combo.blockSignals(True)
        self.handover_combo.clear()
        with Session(self.workspace.engine) as s:
            users = active_officers(s)
        users = sorted(users, key=lambda u: u[0] != actor.username)
        for username, name, code in users:
            where = f" ({code})" if code else ""
            self.handover_combo.addItem(
                f"Officer: {name.split(',')[0]}{where}", f"officer:{username}"
            )
        for code, name in missions:
            self.handover_combo.addItem(f"Mission: {name} ({code})", f"mission:{code}")
        self.handover_combo.blockSignals(False)

    def choose_kind(self, kind: str) -> None:
        """Show the choices of one kind of report (QUARTERLY, BRIEF or HANDOVER)."""
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))

    def _kind_changed(self) -> None:
        kind = self.kind_combo.currentData()
        quarterly = kind == QUARTERLY
        for widget in (
            self.period_label,
            self.period_combo,
            self.scope_label,
            self.scope_combo,
            self.texts_box,
        ):
            widget.setVisible(quarterly)
        self.organization_label.setVisible(kind == BRIEF)
        self.organization_combo.setVisible(kind == BRIEF)
        self.handover_label.setVisible(kind == HANDOVER)
        self.handover_combo.setVisible(kind == HANDOVER)
        self.confidential_check.setVisible(kind != HANDOVER)
        self.clear_preview()

    def clear_preview(self) -> None:
        """Take the preview away (its choices changed): Print and Save as wait for the
        next build."""
        if self.current_pdf is None:
            return
        self.current_pdf = None
        self.current_title = ""
        self.document.close()
        self.preview_stack.setCurrentWidget(self.preview_placeholder)
        self.print_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.status_label.setText("The choices changed: build the report to preview it.")

    def _on_changed(self, entity_type: str, _ids: list) -> None:
        if entity_type in ("organization", "mission", "setting", "all"):
            self.refresh_choices()

    # --- narrative and signatures --------------------------------------------------------

    def _mark_texts_changed(self) -> None:
        self._texts_changed = self.save_texts_button.isEnabled()

    def load_texts(self) -> None:
        """Show the narrative and signatures saved for the chosen quarter and scope."""
        code = self.period_combo.currentData()
        if code is None:
            return
        quarter = next(q for q in self.offered_quarters() if q.code == code)
        scope = self.scope_combo.currentData() or ALL_MISSIONS
        with Session(self.workspace.engine) as s:
            texts = report_texts(s, quarter, scope)
            candidates = highlight_candidates(s, self.workspace.actor, quarter, scope)
        self.narrative_edit.setPlainText(texts.narrative)
        self.highlights_list.clear()
        for engagement_id, label in candidates:
            item = QListWidgetItem(label)
            item.setToolTip(label)
            item.setData(Qt.ItemDataRole.UserRole, engagement_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            chosen = engagement_id in texts.highlights
            item.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)
            self.highlights_list.addItem(item)
        for role in ("prepared", "reviewed", "approved"):
            self.signature_names[role].setText(getattr(texts, f"{role}_by"))
            day = getattr(texts, f"{role}_on")
            self.signature_dates[role].setDate(
                QDate(day.year, day.month, day.day) if day else NO_DATE
            )
        self._texts_changed = False

    def chosen_highlights(self) -> list[int]:
        """The ids of the engagements ticked as highlights."""
        items = (self.highlights_list.item(row) for row in range(self.highlights_list.count()))
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        ]

    def save_texts(self) -> bool:
        """Keep the narrative and signatures; show the store's refusal if any."""
        values: dict[str, object] = {
            "narrative": self.narrative_edit.toPlainText(),
            "highlights": self.chosen_highlights(),
        }
        for role in ("prepared", "reviewed", "approved"):
            values[f"{role}_by"] = self.signature_names[role].text()
            chosen = self.signature_dates[role].date()
            values[f"{role}_on"] = None if chosen == NO_DATE else chosen.toPython()
        try:
            with store.session(self.workspace.engine) as s:
                save_report_text(
                    s,
                    self.workspace.actor,
                    self.period_combo.currentData(),
                    self.scope_combo.currentData(),
                    values,
                )
        except RabtaError as error:
            QMessageBox.warning(self, "Not saved", said(error))
            return False
        self._texts_changed = False
        self.status_label.setText("Narrative, highlights and signatures saved.")
        return True

    # --- building --------------------------------------------------------------------------

    def build(self) -> None:
        """Build the chosen report on a worker thread; the preview shows it when done."""
        if self._task is not None:
            return
        actor = self.workspace.actor
        include = self.confidential_check.isChecked()
        number = len(list(self.output_dir.glob("*.pdf"))) + 1
        if self.kind_combo.currentData() == QUARTERLY:
            if self._texts_changed and not self.save_texts():
                return
            period = self.period_combo.currentData()
            scope = self.scope_combo.currentData()
            target = self.output_dir / f"quarterly-{scope}-{period}-{number}.pdf"

            def work(engine, report):
                return produce_quarterly_report(
                    engine,
                    actor,
                    period,
                    target,
                    mission=scope,
                    include_confidential=include,
                    progress=report,
                )
        elif self.kind_combo.currentData() == HANDOVER:
            chosen = self.handover_combo.currentData()
            if chosen is None:
                self.status_label.setText("Choose the officer or mission to hand over.")
                return
            what, who = chosen.split(":", 1)
            target = self.output_dir / f"handover-{number}.pdf"

            def work(engine, report):
                return produce_handover_dossier(
                    engine,
                    actor,
                    target,
                    officer=who if what == "officer" else None,
                    mission=who if what == "mission" else None,
                    progress=report,
                )
        else:
            wanted = self.chosen_organization()
            if wanted is None:
                return
            target = self.output_dir / f"brief-{number}.pdf"

            def work(engine, report):
                return produce_organization_brief(
                    engine, actor, wanted, target, include_confidential=include, progress=report
                )

        self._task = DatabaseTask(self.workspace.address, work)
        self._task.signals.progress.connect(self.status_label.setText)
        self._task.signals.finished.connect(self._built)
        self._task.signals.failed.connect(self._failed)
        self.build_button.setEnabled(False)
        self.progress.show()
        self.status_label.setText("Building…")
        start_task(self._task)

    def chosen_organization(self) -> int | str | None:
        """The organization the brief is for: the row chosen, else the best match for
        what is typed, as every picker takes it ("APP" is APPNA); what matches nothing
        is passed on as typed, for the brief to say so. None (and said) when empty."""
        index = self.organization_combo.currentIndex()
        typed = self.organization_combo.currentText().strip()
        if index >= 0 and self.organization_combo.itemText(index) == typed:
            return self.organization_combo.itemData(index)
        if not typed:
            self.status_label.setText("Choose the organization to brief on.")
            return None
        with Session(self.workspace.engine) as s:
            best = organization_choices(s, typed, limit=1)
        if not best:
            return typed
        self.organization_combo.setCurrentIndex(self.organization_combo.findData(best[0].id))
        return best[0].id

    def _built(self, produced: ProducedReport) -> None:
        self._task = None
        self.build_button.setEnabled(True)
        self.progress.hide()
        self.current_pdf = produced.path
        self.current_title = produced.title
        self.document.load(str(produced.path))
        self.preview_stack.setCurrentWidget(self.preview)
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self.status_label.setText(
            f"{produced.title}: {produced.pages} pages, built in {produced.seconds:.1f} s."
        )

    def _failed(self, error: Exception, details: str) -> None:
        self._task = None
        self.build_button.setEnabled(True)
        self.progress.hide()
        sentence = failure_sentence(error, details, self.workspace.location)
        self.status_label.setText(f"Not built: {sentence}")

    # --- print and save ----------------------------------------------------------------

    def print_report(self) -> None:
        """Send the previewed report to a printer chosen in the print dialog."""
        if self.current_pdf is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setResolution(PRINT_DPI)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        self.render_to(printer)

    def render_to(self, printer: QPrinter) -> int:
        """Draw every page of the previewed PDF onto the printer; return pages drawn.

        Printing is a read-out of personal data: it is recorded first, and nothing is
        printed when it cannot be."""
        try:
            with store.session(self.workspace.engine) as s:
                record_readout(
                    s,
                    self.workspace.actor,
                    "report_print",
                    {"report": self.current_title, "printer": printer.printerName() or "file"},
                )
        except RabtaError as error:
            QMessageBox.warning(
                self, "Not printed", f"The print could not be recorded: {said(error)}"
            )
            return 0
        painter = QPainter()
        if not painter.begin(printer):
            QMessageBox.warning(self, "Not printed", "The printer could not be started.")
            return 0
        try:
            area = printer.pageRect(QPrinter.Unit.DevicePixel)
            for page in range(self.document.pageCount()):
                if page:
                    printer.newPage()
                points = self.document.pagePointSize(page)
                scale = min(area.width() / points.width(), area.height() / points.height())
                size = QSize(round(points.width() * scale), round(points.height() * scale))
                painter.drawImage(
                    QRectF(QPointF(0, 0), size.toSizeF()), self.document.render(page, size)
                )
        finally:
            painter.end()
        return self.document.pageCount()

    def save_as(self) -> None:
        """Copy the previewed PDF to a file the user picks."""
        if self.current_pdf is None:
            return
        settings = QSettings()
        folder = settings.value("reports/last_folder", str(Path.home()))
        name, _filter = QFileDialog.getSaveFileName(
            self,
            "Save report as",
            str(Path(folder) / self.proposed_file_name()),
            "PDF files (*.pdf)",
        )
        if name:
            self.save_copy(Path(name))

    def proposed_file_name(self) -> str:
        """The previewed report's title as a file name ("Organization brief, APPNA.pdf")."""
        safe = "".join("-" if c in '<>:"/\\|?*' or ord(c) < 32 else c for c in self.current_title)
        return f"{safe.strip(' .') or 'report'}.pdf"

    def cleanup(self) -> None:
        """Remove the built reports kept for preview (saved copies stay where saved)."""
        self.document.close()
        shutil.rmtree(self.output_dir, ignore_errors=True)

    def save_copy(self, target: Path) -> bool:
        """Write the previewed PDF to `target`, saying so or saying why not."""
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        partial = target.with_name(f".{target.name}.partial")
        try:
            check_output_path(target, Path(self.workspace.location))
            try:
                shutil.copyfile(self.current_pdf, partial)
            except OSError:
                partial.unlink(missing_ok=True)
                raise
            place_after_readout(  # recorded, or not written
                self.workspace.engine,
                self.workspace.actor,
                "report_copy",
                {"report": self.current_title, "file": str(target)},
                {partial: target},
            )
        except ValidationError as error:
            QMessageBox.warning(self, "Not saved", " ".join(error.errors.values()))
            return False
        except RabtaError as error:
            QMessageBox.warning(self, "Not saved", said(error))
            return False
        except OSError as error:
            QMessageBox.warning(
                self, "Not saved", f"The report could not be saved to {target}: {error.strerror}."
            )
            return False
        QSettings().setValue("reports/last_folder", str(target.parent))
        self.status_label.setText(f"Saved {target}.")
        return True
