"""Start the window: application identity, error hook, database, main window."""

from __future__ import annotations

import gc
import hashlib
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSettings, QThreadPool, QTimer
from PySide6.QtGui import QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from db.foundations.engine import APP_AUTHOR, APP_NAME
from db.foundations.errors import EmptyDatabaseFile, RabtaError, said
from desktop.error_hook import install_exception_hook
from desktop.main_window import MainWindow

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
STYLESHEET = RESOURCES / "styles" / "rabta.qss"
URDU_FONTS = ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf")
ICON = RESOURCES / "icons" / "rabta-256.png"

if TYPE_CHECKING:
    from db.security.sign_in import SignedIn


def configure_application(app: QCoreApplication) -> None:
    """Names that decide where Qt keeps settings on each platform."""
    from db.foundations.release import __version__

    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_AUTHOR)
    app.setOrganizationDomain("rabta.invalid")
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName(APP_NAME)
    if isinstance(app, QGuiApplication) and ICON.exists():
        app.setWindowIcon(QIcon(str(ICON)))


def _probe_startup(app: QApplication, window: MainWindow, started_at: float) -> None:
    def elapsed() -> str:
        return f"{time.perf_counter() - started_at:.3f}"

    def shown() -> None:
        print(f"startup_seconds={elapsed()}", flush=True)

    waiting: set[str] = set()

    def first_page_ready() -> None:
        page = window.current_page()
        if getattr(page, "loading", False):
            waiting.add("ready")
            page.loaded.connect(lambda: finish("ready"))
        if getattr(page, "figures_loading", False):
            waiting.add("figures")
            page.first_figures_loaded.connect(lambda: finish("figures"))
        if not waiting:
            finish("ready")

    def finish(what: str) -> None:
        print(f"{what}_seconds={elapsed()}", flush=True)
        waiting.discard(what)
        if not waiting:
            window.close()
            app.quit()

    QTimer.singleShot(0, shown)
    window.ready.connect(first_page_ready)


def add_urdu_fonts() -> None:
    """Make the bundled Noto Naskh Arabic available to Qt, so Urdu names show every
    letter (ہ, ے, ڈ, ...) even where the system's fonts lack them."""
    for name in URDU_FONTS:
        path = RESOURCES / "fonts" / name
        if path.exists():
            QFontDatabase.addApplicationFont(str(path))


def apply_style(app: QApplication) -> None:
    """Rabta's stylesheet, if it is where the installation put it."""
    if STYLESHEET.exists():
        app.setStyleSheet(STYLESHEET.read_text(encoding="utf-8"))


def _empty_file_may_become_database(location: str) -> bool:
    """An existing empty file becomes a new database only if the user says so."""
    answer = QMessageBox.question(
        None,
        "Start a new database?",
        f"{location} is an empty file.\n\nMake it a new Rabta database? "
        "Choose No if you meant to open another file.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def last_user_key(location: str) -> str:
    """Where the last user to sign in to this database is remembered: one per database,
    so that a laptop with two registries offers each its own."""
    from db.foundations.engine import shown_location

    digest = hashlib.sha256(shown_location(location).encode("utf-8")).hexdigest()[:16]
    return f"sign_in/last_user/{digest}"


def sign_in_with_dialogs(
    location: str, username: str | None = None, *, offer_last_user: bool = True
) -> SignedIn | None:
    """The dialogs before the window: the first administrator on a new database, else
    the sign-in; then a password an administrator set is replaced. None if cancelled."""
    from db import store
    from db.security.sign_in import create_first_administrator, needs_first_administrator
    from db.store.users import change_own_password
    from desktop.dialogs.sign_in import (
        ChangePasswordDialog,
        FirstAdministratorDialog,
        SignInDialog,
    )

    path = Path(location) if "://" not in location else None
    empty_file = path is not None and path.exists() and path.is_file() and not path.stat().st_size
    if empty_file and not _empty_file_may_become_database(location):
        raise EmptyDatabaseFile(f"{location} is an empty file, not a Rabta database.")
    settings = QSettings()
    if needs_first_administrator(location):
        new_file = path is not None and (not path.exists() or empty_file)
        first = FirstAdministratorDialog(location, new_file=new_file)
        if empty_file:
            first.attempt = lambda: setattr(
                first,
                "signed_in",
                create_first_administrator(
                    location,
                    first.username.text(),
                    first.display_name.text(),
                    first.password.text(),
                    initialise_empty_file=True,
                ),
            )
        if first.exec() != QDialog.DialogCode.Accepted:
            return None
        signed_in = first.signed_in
    else:
        remembered = username or (
            settings.value(last_user_key(location), "") if offer_last_user else ""
        )
        dialog = SignInDialog(location, remembered if isinstance(remembered, str) else "")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        signed_in = dialog.signed_in
    settings.setValue(last_user_key(location), signed_in.actor.username)
    if signed_in.must_change_password:

        def change(current: str, new: str) -> None:
            with store.session(signed_in.opened.engine) as s:
                change_own_password(s, signed_in.actor, current, new)

        if ChangePasswordDialog(change, required=True).exec() != QDialog.DialogCode.Accepted:
            signed_in.opened.engine.dispose()
            return None
    return signed_in


def run_window(
    location: str,
    *,
    username: str | None = None,
    unattended: tuple[str, str] | None = None,
    startup_probe: bool = False,
    started_at: float | None = None,
) -> int:
    """Sign in (which opens, migrates and unlocks the database), show the main window,
    and run until it closes. Returns 2 when the database cannot be opened, 1 when the
    sign-in is cancelled. `unattended` (username, password) signs in without a dialog.

    With `startup_probe`, prints the seconds from process start to the window shown
    (`startup_seconds`), to the first page's data on screen (`ready_seconds`) and, on
    the Dashboard, to the quarter's first figures on screen (`figures_seconds`), then quits: the
    cold-start figures of the benchmarks.
    """
    app = QApplication.instance() or QApplication(sys.argv)
    configure_application(app)
    apply_style(app)
    install_exception_hook()
    try:
        # Created or migrated (with a backup copy first) before any window exists.
        if unattended is not None:
            from db.security.sign_in import (
                create_first_administrator,
                needs_first_administrator,
                sign_in,
            )

            username, password = unattended
            if needs_first_administrator(location):
                signed_in = create_first_administrator(location, username, username, password)
            else:
                signed_in = sign_in(location, username, password)
        else:
            signed_in = sign_in_with_dialogs(location, username)
        if signed_in is None:
            return 1
    except RabtaError as error:
        print(f"rabta: {said(error)}", file=sys.stderr)
        if not startup_probe:  # the probe runs unattended: stderr and the exit code say it
            QMessageBox.critical(None, "Rabta cannot open the database", said(error))
        return 2
    QTimer.singleShot(0, add_urdu_fonts)
    while True:
        window = MainWindow()
        window.show()
        if startup_probe:
            _probe_startup(app, window, started_at or 0.0)
        else:
            window.ready.connect(lambda w=window: QTimer.singleShot(0, w.offer_demo_if_empty))
        # The event loop runs first, so the window is drawn before the database work starts.
        QTimer.singleShot(
            0, lambda w=window, s=signed_in: w.open_signed_in(s.opened, s.actor, s.warnings)
        )
        code = app.exec()
        QThreadPool.globalInstance().waitForDone()  # no worker may outlive the window
        signing_out = window.signing_out
        # Tear the window down while Qt is still alive: left to interpreter shutdown, the
        # garbage collector can meet Qt objects already gone and abort the process.
        window.deleteLater()
        app.processEvents()
        gc.collect()
        if not signing_out:
            return code
        try:  # File > Sign out: anyone may sign in now; Cancel ends the program
            signed_in = sign_in_with_dialogs(location, offer_last_user=False)
        except RabtaError as error:
            QMessageBox.critical(None, "Rabta cannot open the database", said(error))
            return 2
        if signed_in is None:
            return 0
