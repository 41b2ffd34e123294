"""Start the window: application identity, error hook, database, main window."""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QThreadPool, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from db.engine import APP_AUTHOR, APP_NAME
from db.errors import RabtaError
from desktop.error_hook import install_exception_hook
from desktop.main_window import MainWindow
from desktop.workspace import open_workspace

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
STYLESHEET = RESOURCES / "styles" / "rabta.qss"
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


def apply_style(app: QApplication) -> None:
    """Rabta's stylesheet, if it is where the installation put it."""
    if STYLESHEET.exists():
        app.setStyleSheet(STYLESHEET.read_text(encoding="utf-8"))


def run_window(
    location: str, *, startup_probe: bool = False, started_at: float | None = None
) -> int:
    """Open the database (migrating it first) and show the main window until it closes.

    With `startup_probe`, prints the seconds from process start to the window shown
    and quits: the cold-start figure of the benchmarks.
    """
    app = QApplication.instance() or QApplication(sys.argv)
    configure_application(app)
    apply_style(app)
    install_exception_hook()
    try:
        workspace = open_workspace(location)
    except RabtaError as error:
        print(f"rabta: {error}", file=sys.stderr)
        QMessageBox.critical(None, "Rabta cannot open the database", str(error))
        return 2
    window = MainWindow(workspace)
    window.show()
    if startup_probe:

        def report() -> None:
            elapsed = time.perf_counter() - (started_at or 0.0)
            print(f"startup_seconds={elapsed:.3f}")
            window.close()
            app.quit()

        QTimer.singleShot(0, report)
    else:
        QTimer.singleShot(0, window.offer_demo_if_empty)
    code = app.exec()
    QThreadPool.globalInstance().waitForDone()  # no worker may outlive the window
    # Tear the window down while Qt is still alive: left to interpreter shutdown, the
    # garbage collector can meet Qt objects already gone and abort the process.
    window.deleteLater()
    app.processEvents()
    gc.collect()
    return code
