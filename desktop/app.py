"""Start the window: application identity, error hook, database, main window."""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QThreadPool, QTimer
from PySide6.QtGui import QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from db.engine import APP_AUTHOR, APP_NAME
from db.errors import EmptyDatabaseFile, RabtaError
from db.migrate import open_database
from desktop.error_hook import install_exception_hook
from desktop.main_window import MainWindow

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
STYLESHEET = RESOURCES / "styles" / "rabta.qss"
URDU_FONTS = ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf")
ICON = RESOURCES / "icons" / "rabta-256.png"


def configure_application(app: QCoreApplication) -> None:
    """Names that decide where Qt keeps settings on each platform."""
    from main import __version__

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

    def first_page_ready() -> None:
        page = window.current_page()
        if getattr(page, "loading", False):
            page.loaded.connect(finish)
        else:
            finish()

    def finish() -> None:
        print(f"ready_seconds={elapsed()}", flush=True)
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


def _open_or_ask(location: str, *, ask: bool):
    """Open the database; an empty file becomes a new database only if the user agrees."""
    try:
        return open_database(location)
    except EmptyDatabaseFile as error:
        if not ask:
            raise
        answer = QMessageBox.question(
            None,
            "Start a new database?",
            f"{location} is an empty file.\n\nMake it a new Rabta database? "
            "Choose No if you meant to open another file.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            raise error
        return open_database(location, initialise_empty_file=True)


def run_window(
    location: str, *, startup_probe: bool = False, started_at: float | None = None
) -> int:
    """Open (migrating first) the database, show the main window, and run until it
    closes; the models load and the acting user is found on a worker while the window
    is on screen. Returns 2 when the database cannot be opened.

    With `startup_probe`, prints the seconds from process start to the window shown
    (`startup_seconds`) and to the first page's data on screen (`ready_seconds`), then
    quits: the cold-start figures of the benchmarks.
    """
    app = QApplication.instance() or QApplication(sys.argv)
    configure_application(app)
    apply_style(app)
    install_exception_hook()
    try:
        # Created or migrated (with a backup copy first) before any window exists.
        opened = _open_or_ask(location, ask=not startup_probe)
    except RabtaError as error:
        print(f"rabta: {error}", file=sys.stderr)
        if not startup_probe:  # the probe runs unattended: stderr and the exit code say it
            QMessageBox.critical(None, "Rabta cannot open the database", str(error))
        return 2
    window = MainWindow()
    window.show()
    failure: list[str] = []

    def opening_failed(message: str) -> None:
        print(f"rabta: {message}", file=sys.stderr)
        failure.append(message)
        if startup_probe:
            app.quit()
        else:
            window.opening_error.finished.connect(lambda _result: app.quit())

    window.opening_failed.connect(opening_failed)
    if startup_probe:
        _probe_startup(app, window, started_at or 0.0)
    else:
        window.ready.connect(lambda: QTimer.singleShot(0, window.offer_demo_if_empty))
    # The event loop runs first, so the window is drawn before the database work starts.
    QTimer.singleShot(0, add_urdu_fonts)
    QTimer.singleShot(0, lambda: window.open_in_background(opened))
    code = app.exec()
    if failure:
        code = 2
    QThreadPool.globalInstance().waitForDone()  # no worker may outlive the window
    # Tear the window down while Qt is still alive: left to interpreter shutdown, the
    # garbage collector can meet Qt objects already gone and abort the process.
    window.deleteLater()
    app.processEvents()
    gc.collect()
    return code
