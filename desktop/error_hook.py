"""The one place bugs end up: a log file and a dialog, never a silent crash."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

import platformdirs
from PySide6.QtWidgets import QApplication, QMessageBox

from db.foundations.engine import APP_AUTHOR, APP_NAME
from db.foundations.errors import RabtaError, said
from db.foundations.private_files import make_private

log = logging.getLogger("rabta")


def log_file_path() -> Path:
    """Where Rabta writes its log."""
    folder = Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "rabta.log"


def install_exception_hook() -> None:
    """Route uncaught exceptions to the log and a dialog (RabtaErrors show their sentence)."""
    logging.basicConfig(
        filename=log_file_path(),
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    make_private(log_file_path())
    sys.excepthook = _show_exception


def _show_exception(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(kind, KeyboardInterrupt):
        QApplication.quit()
        return
    if isinstance(error, RabtaError):
        QMessageBox.warning(QApplication.activeWindow(), "Rabta", said(error))
        return
    text = "".join(traceback.format_exception(kind, error, tb))
    log.error("Unexpected error\n%s", text)
    QMessageBox.critical(
        QApplication.activeWindow(),
        "Rabta: unexpected error",
        f"Something went wrong inside Rabta: {said(error)}\n\nNothing you saved before this was "
        f"lost. The details are in {log_file_path()}; please send that file to support.",
    )
