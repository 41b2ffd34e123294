"""The main window: sidebar navigation, pages, status bar, and the first-run demo offer."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
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
from sqlmodel import Session

from db.foundations.engine import shown_location
from db.foundations.labels import counted
from desktop.failures import failure_sentence
from desktop.idle_lock import IdleLock
from desktop.tasks import DatabaseTask, start_task
from desktop.workspace import Workspace, workspace_for

if TYPE_CHECKING:
    from db.database_file.migrate import OpenedDatabase
    from db.foundations.actor import Actor
    from desktop.dialogs.about import AboutDialog
    from desktop.dialogs.engagement_form import EngagementForm
    from desktop.dialogs.search_dialog import SearchDialog
# Dialogs and the demo loader are imported when first used: start-up loads only what the
# first page needs.

SIDEBAR_ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons" / "sidebar"
# (sidebar name, module, class): modules are imported when the page is first shown, so
# start-up does not load the PDF and reporting stack behind the Reports page.
PAGES = (
    ("Dashboard", "desktop.pages.dashboard", "DashboardPage"),
    ("Organizations", "desktop.pages.organizations", "OrganizationsPage"),
    ("Contacts", "desktop.pages.contacts", "ContactsPage"),
    ("Engagements", "desktop.pages.engagements", "EngagementsPage"),
    ("Programs", "desktop.pages.programs", "ProgramsPage"),
    ("Duplicates", "desktop.pages.duplicates", "DuplicatesPage"),
    ("Reports", "desktop.pages.reports", "ReportsPage"),
    ("Audit", "desktop.pages.audit", "AuditPage"),
    ("Settings", "desktop.pages.settings", "SettingsPage"),
)
PAGE_ORDER = tuple(name for name, _module, _class in PAGES)


PAGE_OF_KIND = {
    "organization": "Organizations",
    "contact": "Contacts",
    "engagement": "Engagements",
    "program": "Programs",
}


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
        self._fit_first_size()
        self.demo_offer: QMessageBox | None = None
        self.demo_progress: QProgressDialog | None = None

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(190)
        self.sidebar.setIconSize(QSize(18, 18))
        self.stack = QStackedWidget()
        # Pages are built the first time they are shown, so start-up reads only the first.
        self.pages: dict[str, QWidget] = {}
        for number, (name, _module, _class) in enumerate(PAGES, start=1):
            self.stack.addWidget(QWidget())
            item = QListWidgetItem(QIcon(str(SIDEBAR_ICONS / f"{name.lower()}.svg")), name)
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
        self.quick_log_draft: dict | None = None  # a quick log closed with Keep as draft
        self.signing_out = False  # closed by Sign out: the program asks for a sign-in
        self.status_counts = QLabel()
        self.statusBar().addPermanentWidget(self.status_counts)
        self.signed_in_label = QLabel()
        self.statusBar().addPermanentWidget(self.signed_in_label)
        self.idle_lock: IdleLock | None = None
        self.last_daily_backup = None
        self._restore_geometry()
        self.health = None  # what the quick check on open found, once it has run
        self._set_usable(False)
        if workspace is not None:
            self.attach(workspace)

    def open_signed_in(
        self, opened: OpenedDatabase, actor: Actor, warnings: tuple[str, ...] = ()
    ) -> None:
        """Use the database a sign-in opened, as that person, saying what the sign-in
        found wrong with the keys file."""
        self.attach(workspace_for(opened, actor))
        if warnings:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                self.tr("The keys file was changed"),
                "\n\n".join(warnings),
                QMessageBox.StandardButton.Ok,
                self,
            )
            self.sign_in_warning = box
            box.open()

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
        workspace.broadcast.changed.connect(self._settings_changed)
        self.refresh_counts()
        actor = workspace.actor
        self.signed_in_label.setText(f"{actor.display_name or actor.username} · {actor.role}")
        self.idle_lock = IdleLock(
            self, actor.username, workspace.location, self._idle_minutes(), self._sign_in_again
        )
        self.idle_lock.sign_out_requested.connect(self.sign_out)
        self._set_usable(True)
        self.sidebar.currentRowChanged.connect(self._switch_to)
        page = QSettings().value("main_window/page")
        self.show_page(page if isinstance(page, str) and page in PAGE_ORDER else "Dashboard")
        self.stack.removeWidget(self.opening_label)
        self.ready.emit()
        self.check_health_in_background()
        self.back_up_daily_in_background()

    # --- the person signed in ------------------------------------------------------

    def _idle_minutes(self) -> int:
        from db.rules.settings import read_settings

        with Session(self.workspace.engine) as s:
            return read_settings(s).idle_lock_minutes

    def _settings_changed(self, entity_type: str, _ids: list) -> None:
        if entity_type in ("setting", "all") and self.idle_lock is not None:
            self.idle_lock.set_minutes(self._idle_minutes())

    def _sign_in_again(self, username: str, password: str) -> object:
        """The lock screen's check: a full sign-in (audited, counted toward the lockout)
        whose fresh connection is closed at once."""
        from db.security.sign_in import sign_in

        signed_in = sign_in(self.workspace.location, username, password)
        signed_in.opened.engine.dispose()
        return signed_in

    def lock_now(self) -> None:
        """Ctrl+Shift+L: cover the windows until the password is typed again."""
        if self.idle_lock is not None:
            self.idle_lock.lock(by_hand=True)

    def change_password(self):
        """The signed-in person replaces their password."""
        from db import store
        from db.store.users import change_own_password
        from desktop.dialogs.sign_in import ChangePasswordDialog

        def change(current: str, new: str) -> None:
            with store.session(self.workspace.engine) as s:
                change_own_password(s, self.workspace.actor, current, new)

        dialog = ChangePasswordDialog(change, self)
        dialog.accepted.connect(
            lambda: self.statusBar().showMessage("Your password was changed.", 8000)
        )
        self.change_password_dialog = dialog
        dialog.open()
        return dialog

    # --- daily backup -------------------------------------------------------------

    def back_up_daily_in_background(self) -> None:
        """At the first start of a day, copy the database (encrypted like it) into the
        backup folder on a worker and prune old copies; say so in the status bar."""
        from db.database_file.backups import back_up
        from db.foundations.engine import is_sqlite

        location, actor = self.workspace.location, self.workspace.actor
        if not is_sqlite(location):
            return

        def work(engine, _report):  # the worker's own engine (desktop/tasks.py)
            return back_up(actor, engine, location, kind="daily")

        task = DatabaseTask(self.workspace.address, work)
        task.signals.finished.connect(self._backed_up)
        task.signals.failed.connect(
            lambda error, details: self.statusBar().showMessage(
                f"Today's backup was not taken: {failure_sentence(error, details)}", 30_000
            )
        )
        self._backup_task = task
        start_task(task)

    def _backed_up(self, taken) -> None:
        self.last_daily_backup = taken
        if taken is not None:
            self.statusBar().showMessage(f"Today's backup: {taken}", 10_000)

    def check_health_in_background(self) -> None:
        """Run the quick part of `rabta check` on a worker; warn only if it finds trouble."""
        from db.database_file.health import check_database

        actor = self.workspace.actor

        def work(engine, _report):
            return check_database(engine, actor, quick=True)

        self._health_task = DatabaseTask(self.workspace.address, work)
        self._health_task.signals.finished.connect(self._show_health)
        # Opening already said what is wrong with the file; anything else goes to the log.
        self._health_task.signals.failed.connect(
            lambda error, details: failure_sentence(error, details, self.workspace.location)
        )
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
        file_menu = self.menuBar().addMenu("&File")
        self.import_action = QAction("&Import…", self)
        self.import_action.setShortcut(QKeySequence("Ctrl+Shift+I"))
        self.import_action.setStatusTip("Bring a CSV or Excel list into the registry")
        # Not connected directly: triggered passes False, which the wizard took for a kind
        # and opened on Organizations from the Contacts page.
        self.import_action.triggered.connect(lambda: self.import_file())
        self.export_action = QAction("&Export…", self)
        self.export_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.export_action.setStatusTip(
            "Write every row the current list shows to CSV, Excel, vCard or a calendar"
        )
        self.export_action.triggered.connect(self.export_current_list)
        quit_action = QAction("&Quit", self)
        quit_action.setObjectName("quit")
        # Ctrl+Q in so many words: some platforms' themes bind the standard Quit to nothing.
        quit_action.setShortcuts(
            list(
                dict.fromkeys(
                    [
                        QKeySequence("Ctrl+Q"),
                        *QKeySequence.keyBindings(QKeySequence.StandardKey.Quit),
                    ]
                )
            )
        )
        quit_action.triggered.connect(self.quit)
        self.sign_out_action = QAction("Sign &out", self)
        self.sign_out_action.setStatusTip("Close this session and sign in again, as anyone")
        self.sign_out_action.triggered.connect(self.sign_out)
        for action in (self.import_action, self.export_action):
            file_menu.addAction(action)
            self.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.sign_out_action)
        file_menu.addAction(quit_action)
        self.addAction(quit_action)

        reports_menu = self.menuBar().addMenu("&Reports")
        self.report_actions: dict[str, QAction] = {}
        for kind, label, tip in (
            (
                "quarterly",
                "&Quarterly report…",
                "The quarterly outreach report for a head of mission",
            ),
            ("brief", "Organization &brief…", "One or two pages on one organization"),
            (
                "handover",
                "&Handover dossier…",
                "An officer's portfolio for their successor: organizations, contacts, "
                "open commitments",
            ),
        ):
            action = QAction(label, self)
            action.setStatusTip(tip)
            action.triggered.connect(lambda _checked=False, k=kind: self.open_report(k))
            reports_menu.addAction(action)
            self.report_actions[kind] = action

    def open_report(self, kind: str) -> QWidget:
        """The Reports page with one kind of report chosen."""
        self.show_page("Reports")
        page = self.page("Reports")
        page.choose_kind(kind)
        return page

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
            (
                "Lock",
                "Ctrl+Shift+L",
                "Lock Rabta until your password is typed (Ctrl+Shift+L)",
                self.lock_now,
            ),
            (
                "Change password",
                "",
                "Replace your password",
                self.change_password,
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
        from db.foundations.release import __version__
        from desktop.dialogs.about import AboutDialog

        dialog = AboutDialog(__version__, self.workspace.location, self)
        dialog.open()
        return dialog

    def open_search(self) -> SearchDialog:
        """Ctrl+K: search everything; Enter opens the record on its page."""
        from desktop.dialogs.search_dialog import SearchDialog

        dialog = SearchDialog(self.workspace, self)
        dialog.chosen.connect(self.show_record)
        dialog.list_requested.connect(self.show_filtered_list)
        self.search_dialog = dialog
        dialog.open()
        return dialog

    def show_record(self, kind: str, record_id: int) -> None:
        """Go to the record's page and show it there."""
        page_name = PAGE_OF_KIND[kind]
        self.show_page(page_name)
        self.page(page_name).show_record(record_id)

    def show_filtered_list(self, kind: str, typed: str) -> None:
        """Go to a kind's list with its filter box holding `typed` (from search)."""
        page_name = PAGE_OF_KIND[kind]
        self.show_page(page_name)
        page = self.page(page_name)
        page.filter_edit.setText(typed)
        page.apply_filter()

    def quick_log(self) -> EngagementForm:
        """Ctrl+L from anywhere: log an engagement with the keyboard alone."""
        from desktop.dialogs.engagement_form import EngagementForm

        dialog = EngagementForm(self.workspace, None, self)
        dialog.setWindowTitle("Quick log")
        if self.quick_log_draft is not None:
            dialog.restore_draft(self.quick_log_draft)
            dialog.draft_note = QLabel(
                "Your unsaved quick log is back. Save it, or close it and choose Discard."
            )
            dialog.draft_note.setWordWrap(True)
            dialog.layout().insertWidget(0, dialog.draft_note)
        self.quick_log_dialog = dialog
        dialog.finished.connect(lambda result: self._quick_log_closed(dialog, result))
        dialog.open()
        return dialog

    def _quick_log_closed(self, dialog, result: int) -> None:
        """A saved or discarded quick log leaves no draft; one closed with Keep as draft
        comes back with its text at the next Ctrl+L (kept in memory only, never on disk)."""
        self.quick_log_draft = dialog.draft_state() if dialog.draft_kept else None
        if result:
            self.statusBar().showMessage("Engagement logged.", 5000)
        elif dialog.draft_kept:
            self.statusBar().showMessage(
                "The quick log is kept as a draft: Ctrl+L brings it back.", 8000
            )

    def new_on_current_page(self):
        """Ctrl+N: a new record of the current page's kind."""
        page = self.current_page()
        return page.new_record() if hasattr(page, "new_record") else None

    def import_file(self, kind: str | None = None):
        """Ctrl+Shift+I: the Import wizard, for the current list's kind of record."""
        from desktop.dialogs.import_wizard import ImportWizard

        if kind is None:
            kind = getattr(self.current_page(), "import_kind", None)
        wizard = ImportWizard(self.workspace, kind, self)
        self.import_wizard = wizard
        wizard.open()
        return wizard

    def export_current_list(self):
        """Ctrl+Shift+E: export what the current list page shows."""
        page = self.current_page()
        return page.export_list() if hasattr(page, "export_list") else None

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
            if hasattr(page, "list_requested"):
                page.list_requested.connect(self.open_counted_list)
            if hasattr(page, "record_requested"):
                page.record_requested.connect(self.show_record)
        return self.pages[name]

    def open_counted_list(self, name: str, description: str, combos: dict, fields: dict) -> None:
        """Show the list page `name` narrowed to what a Dashboard figure counted."""
        self.show_page(name)
        self.page(name).narrow(description, combos, **fields)

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

        viewer = self.workspace.actor

        def count(engine, _report):
            from db.queries.registry_counts import registry_counts

            with Session(engine) as s:
                return registry_counts(s, viewer)

        task = DatabaseTask(self.workspace.address, count)
        task.signals.finished.connect(self._show_counts)
        self._count_task = task
        start_task(task)

    def _show_counts(self, counts) -> None:
        self.status_counts.setText(
            f"{counted(counts.organizations, 'organization')} · "
            f"{counted(counts.contacts, 'contact')} · "
            f"{counted(counts.engagements, 'engagement')}"
        )

    # --- first run --------------------------------------------------------------

    def offer_demo_if_empty(self) -> None:
        """On an empty database, ask whether to load the demo data (non-blocking)."""
        from db.demo.sample import existing_record_count

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
        from db.demo.sample import load_demo

        progress = QProgressDialog("Loading the demo data…", None, 0, 0, self)
        progress.setWindowTitle("Demo data")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.show()
        self.demo_progress = progress
        task = DatabaseTask(
            self.workspace.address,
            lambda engine, report: load_demo(engine, progress=report, by=self.workspace.actor),
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
            f"The demo data could not be loaded: {failure_sentence(error, details)}\n\n"
            "The database was left as it was.",
        )

    # --- window state -------------------------------------------------------------

    def _fit_first_size(self) -> None:
        """1280x800, or nine tenths of a smaller screen (a 1366x768 laptop), centred:
        the status bar and the last rows stay on screen before any geometry is saved."""
        available = self.screen().availableGeometry()
        width = min(1280, int(available.width() * 0.9))
        height = min(800, int(available.height() * 0.9))
        self.resize(width, height)
        self.move(
            available.x() + (available.width() - width) // 2,
            available.y() + (available.height() - height) // 2,
        )

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def sign_out(self) -> None:
        """Close this session; the program then asks anyone to sign in again."""
        self.signing_out = True
        self.close()
        if self.isVisible():  # something refused to close
            self.signing_out = False

    def quit(self) -> None:
        """Ctrl+Q: close the window and end the program, whatever else is open."""
        self.close()
        if not self.isVisible():
            QApplication.instance().quit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.idle_lock is not None:
            self.idle_lock.stop()
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
        if self.workspace is not None:
            self._close_database()

    def _close_database(self) -> None:
        """Close the database's connections and forget its key: nothing of this session
        stays open once its window is closed (workers hold their own, and end first)."""
        from db.foundations import sealed_text
        from db.foundations.engine import forget_database_key

        self.workspace.engine.dispose()
        forget_database_key(self.workspace.location)
        sealed_text.forget_all()
