"""The main window: sidebar navigation, pages, status bar, and the first-run demo offer."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QStackedWidget,
    QWidget,
)
from sqlalchemy import func
from sqlmodel import Session, col, select

from db.engine import shown_location
from desktop.tasks import DatabaseTask, start_task
from desktop.workspace import Workspace, workspace_for

if TYPE_CHECKING:
    from db.migrate import OpenedDatabase
    from db.store.actor import Actor
    from desktop.dialogs.about import AboutDialog
    from desktop.dialogs.engagement_form import EngagementForm
    from desktop.dialogs.search_dialog import SearchDialog
# Dialogs and the demo loader are imported when first used: start-up loads only what the
# first page needs.

# (sidebar name, module, class): modules are imported when the page is first shown, so
# start-up does not load the PDF and reporting stack behind the Reports page.
PAGES = (
    ("Dashboard", "desktop.pages.dashboard", "DashboardPage"),
    ("Organizations", "desktop.pages.organizations", "OrganizationsPage"),
    ("Contacts", "desktop.pages.contacts", "ContactsPage"),
    ("Engagements", "desktop.pages.engagements", "EngagementsPage"),
    ("Programs", "desktop.pages.programs", "ProgramsPage"),
    ("Reports", "desktop.pages.reports", "ReportsPage"),
    ("Settings", "desktop.pages.settings", "SettingsPage"),
)
PAGE_ORDER = tuple(name for name, _module, _class in PAGES)


class MainWindow(QMainWindow):
    """Sidebar of pages on the left, the current page on the right.

    Built with a workspace, it is ready at once. Built without one, it shows itself
    first and the sidebar and actions wait until `open_signed_in` or `attach`.
    """

    ready = Signal()  # the database is open and the first page is built

    def __init__(self, workspace: Workspace | None = None):
        super().__init__()
        self.workspace: Workspace | None = None
        self.setWindowTitle("Rabta")
        self.resize(1280, 800)
        self.demo_offer: QMessageBox | None = None
        self.demo_progress: QProgressDialog | None = None

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(190)
        self.stack = QStackedWidget()
        # Pages are built the first time they are shown, so start-up reads only the first.
        self.pages: dict[str, QWidget] = {}
        for number, (name, _module, _class) in enumerate(PAGES, start=1):
            self.stack.addWidget(QWidget())
            item = QListWidgetItem(name)
            item.setToolTip(f"{name}  (Ctrl+{number})")
            self.sidebar.addItem(item)
        self.opening_label = QLabel("Opening the registry…")
        self.opening_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.opening_label.setObjectName("opening")
        self.stack.addWidget(self.opening_label)
        self.stack.setCurrentWidget(self.opening_label)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._make_actions()
        self._make_toolbar()
        self.quick_log_dialog: EngagementForm | None = None
        self.status_counts = QLabel()
        self.statusBar().addPermanentWidget(self.status_counts)
        self._restore_geometry()
        self.health = None  # what the quick check on open found, once it has run
        self._set_usable(False)
        if workspace is not None:
            self.attach(workspace)

    def open_signed_in(self, opened: OpenedDatabase, actor: Actor) -> None:
        """Use the database a sign-in opened, as that person."""
        self.attach(workspace_for(opened, actor))

    def attach(self, workspace: Workspace) -> None:
        """Use the open database: enable the pages and show the remembered one."""
        self.workspace = workspace
        self.setWindowTitle(f"Rabta — {shown_location(workspace.location)}")
        self.statusBar().showMessage(f"Database: {shown_location(workspace.location)}")
        if workspace.backup_path is not None:
            self.statusBar().showMessage(
                f"Database upgraded; the previous version was kept as {workspace.backup_path}"
            )
        workspace.broadcast.changed.connect(lambda *_: self.refresh_counts())
        self.refresh_counts()
        self._set_usable(True)
        self.sidebar.currentRowChanged.connect(self._switch_to)
        page = QSettings().value("main_window/page")
        self.show_page(page if isinstance(page, str) and page in PAGE_ORDER else "Dashboard")
        self.stack.removeWidget(self.opening_label)
        self.ready.emit()
        self.check_health_in_background()

    def check_health_in_background(self) -> None:
        """Run the quick part of `rabta check` on a worker; warn only if it finds trouble."""
        from db.health import check_database

        def work(engine, _report):
            return check_database(engine, quick=True)

        self._health_task = DatabaseTask(self.workspace.location, work)
        self._health_task.signals.finished.connect(self._show_health)
        self._health_task.signals.failed.connect(lambda *_: None)  # opening already said it
        start_task(self._health_task)

    def _show_health(self, report) -> None:
        self.health = report
        if report.healthy:
            return
        self.statusBar().showMessage("The database needs attention: see the warning.")
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "The database needs attention",
            "\n\n".join(report.problems)
            + "\n\n`rabta check` on the command line gives the full check.",
        )
        box.setParent(self, box.windowFlags())
        self.health_warning = box
        box.open()

    def _set_usable(self, usable: bool) -> None:
        self.sidebar.setEnabled(usable)
        for action in self.actions():
            if action.objectName() != "quit":
                action.setEnabled(usable)
        for action in self.toolbar_actions.values():
            action.setEnabled(usable)

    # --- navigation -------------------------------------------------------------

    def _make_actions(self) -> None:
        for number, name in enumerate(PAGE_ORDER, start=1):
            action = QAction(name, self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.setToolTip(f"Go to {name}")
            action.triggered.connect(lambda _checked=False, n=name: self.show_page(n))
            self.addAction(action)
        quit_action = QAction("Quit", self)
        quit_action.setObjectName("quit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.addAction(quit_action)

    def _make_toolbar(self) -> None:
        toolbar = self.addToolBar("Actions")
        toolbar.setObjectName("actions")
        toolbar.setMovable(False)
        entries = (
            ("Quick log", "Ctrl+L", "Log an engagement from the keyboard (Ctrl+L)", self.quick_log),
            (
                "Search",
                "Ctrl+K",
                "Search the whole registry (Ctrl+K)",
                self.open_search,
            ),
            (
                "New",
                QKeySequence.StandardKey.New,
                "Add a record on the current page (Ctrl+N)",
                self.new_on_current_page,
            ),
            (
                "Filter",
                QKeySequence.StandardKey.Find,
                "Filter the current page (Ctrl+F)",
                self.focus_filter,
            ),
            (
                "About",
                QKeySequence.StandardKey.HelpContents,
                "Version, data folder and licenses (F1)",
                self.show_about,
            ),
            (
                "Refresh",
                QKeySequence.StandardKey.Refresh,
                "Read the database again (F5)",
                lambda: self.workspace.announce("all"),
            ),
        )
        self.toolbar_actions: dict[str, QAction] = {}
        for text, keys, tooltip, handler in entries:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.setToolTip(tooltip)
            action.setStatusTip(tooltip)
            action.triggered.connect(handler)
            toolbar.addAction(action)
            self.toolbar_actions[text] = action

    def show_about(self) -> AboutDialog:
        """Version, where the data is, and the licenses of what Rabta bundles."""
        from desktop.dialogs.about import AboutDialog
        from main import __version__

        dialog = AboutDialog(__version__, self.workspace.location, self)
        dialog.open()
        return dialog

    def open_search(self) -> SearchDialog:
        """Ctrl+K: search everything; Enter opens the record on its page."""
        from desktop.dialogs.search_dialog import SearchDialog

        dialog = SearchDialog(self.workspace, self)
        dialog.chosen.connect(self.show_record)
        self.search_dialog = dialog
        dialog.open()
        return dialog

    def show_record(self, kind: str, record_id: int) -> None:
        """Go to the record's page and show it there."""
        page_name = {
            "organization": "Organizations",
            "contact": "Contacts",
            "engagement": "Engagements",
            "program": "Programs",
        }[kind]
        self.show_page(page_name)
        self.page(page_name).show_record(record_id)

    def quick_log(self) -> EngagementForm:
        """Ctrl+L from anywhere: log an engagement with the keyboard alone."""
        from desktop.dialogs.engagement_form import EngagementForm

        dialog = EngagementForm(self.workspace, None, self)
        dialog.setWindowTitle("Quick log")
        self.quick_log_dialog = dialog
        dialog.finished.connect(self._quick_log_closed)
        dialog.open()
        return dialog

    def _quick_log_closed(self, result: int) -> None:
        if result and self.quick_log_dialog is not None:
            self.statusBar().showMessage("Engagement logged.", 5000)

    def new_on_current_page(self):
        """Ctrl+N: a new record of the current page's kind."""
        page = self.current_page()
        return page.new_record() if hasattr(page, "new_record") else None

    def show_page(self, name: str) -> None:
        """Switch to the named sidebar page."""
        self.sidebar.setCurrentRow(PAGE_ORDER.index(name))

    def page(self, name: str) -> QWidget:
        """The named page, built now if it has not been shown yet."""
        if name not in self.pages:
            index = PAGE_ORDER.index(name)
            _name, module, class_name = PAGES[index]
            page = getattr(importlib.import_module(module), class_name)(self.workspace)
            placeholder = self.stack.widget(index)
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self.pages[name] = page
            if hasattr(page, "restore_state"):
                page.restore_state(QSettings())
        return self.pages[name]

    def _switch_to(self, row: int) -> None:
        if 0 <= row < len(PAGE_ORDER):
            self.stack.setCurrentWidget(self.page(PAGE_ORDER[row]))

    def current_page(self) -> QWidget:
        """The page on screen."""
        return self.stack.currentWidget()

    def focus_filter(self) -> None:
        """Ctrl+F: the current page's filter box, if it has one."""
        page = self.current_page()
        if hasattr(page, "focus_filter"):
            page.focus_filter()

    # --- status bar -------------------------------------------------------------

    def refresh_counts(self) -> None:
        """Show how many active records the database holds (counted on a worker: on a
        commission-wide registry the counts take longer than a frame)."""

        def count(engine, _report):
            from db.models import Contact, Engagement, Organization

            with Session(engine) as s:
                return [
                    s.exec(
                        select(func.count())
                        .select_from(model)
                        .where(col(model.archived_at).is_(None))
                    ).one()
                    for model in (Organization, Contact, Engagement)
                ]

        task = DatabaseTask(self.workspace.location, count)
        task.signals.finished.connect(self._show_counts)
        self._count_task = task
        start_task(task)

    def _show_counts(self, counts: list[int]) -> None:
        self.status_counts.setText(
            f"{counts[0]:,} organizations · {counts[1]:,} contacts · {counts[2]:,} engagements"
        )

    # --- first run --------------------------------------------------------------

    def offer_demo_if_empty(self) -> None:
        """On an empty database, ask whether to load the demo data (non-blocking)."""
        from db.demo import existing_record_count

        with Session(self.workspace.engine) as s:
            if existing_record_count(s):
                return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("An empty database")
        box.setText("This database has no records yet.")
        box.setInformativeText(
            "Load the demo data to try Rabta? It adds five US missions, about fifty diaspora "
            "organizations, 160 fictional contacts, 600 engagements and four programs. "
            "Use demo data only in a database kept for practice."
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText("Load demo data")
        box.button(QMessageBox.StandardButton.No).setText("Start empty")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(self._demo_answered)
        self.demo_offer = box
        box.open()

    def _demo_answered(self, result: int) -> None:
        if result == QMessageBox.StandardButton.Yes:
            self.load_demo_in_background()

    def load_demo_in_background(self) -> None:
        """Load the demo data on a worker thread, with a progress dialog."""
        from db.demo import load_demo

        progress = QProgressDialog("Loading the demo data…", None, 0, 0, self)
        progress.setWindowTitle("Demo data")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.show()
        self.demo_progress = progress
        task = DatabaseTask(
            self.workspace.location, lambda engine, report: load_demo(engine, progress=report)
        )
        task.signals.progress.connect(lambda step: progress.setLabelText(f"Loading: {step}…"))
        task.signals.finished.connect(self._demo_loaded)
        task.signals.failed.connect(self._demo_failed)
        self._demo_task = task
        start_task(task)

    def _demo_loaded(self, summary) -> None:
        if self.demo_progress is not None:
            self.demo_progress.close()
        self.workspace.announce("all")
        self.statusBar().showMessage(
            f"Loaded the demo data: {summary.organizations} organizations, "
            f"{summary.contacts} contacts, {summary.engagements} engagements.",
            10_000,
        )

    def _demo_failed(self, error: Exception, details: str) -> None:
        if self.demo_progress is not None:
            self.demo_progress.close()
        QMessageBox.warning(
            self,
            "Demo data not loaded",
            f"The demo data could not be loaded: {error}\n\nThe database was left as it was.",
        )

    # --- window state -------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        if self.workspace is not None:
            settings.setValue("main_window/page", PAGE_ORDER[self.sidebar.currentRow()])
        for page in self.pages.values():
            if hasattr(page, "save_state"):
                page.save_state(settings)
            if hasattr(page, "cleanup"):
                page.cleanup()
        super().closeEvent(event)
