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


def logged_traceback(error: BaseException) -> str:
    """The traceback of `error` (and of the errors it came from) as the log keeps it:
    where it happened and the exception's type, never its message, which may hold
    someone's name or email (a ValueError quoting a value)."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or current.__context__
    lines: list[str] = []
    for link in reversed(chain):
        lines.append("Traceback (most recent call last):\n")
        lines.extend(traceback.format_tb(link.__traceback__))
        kind = type(link)
        lines.append(f"{kind.__module__}.{kind.__qualname__} (its message is not logged)\n")
    return "".join(lines)


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
    kind: type[BaseException], error: BaseException, _tb: TracebackType | None
) -> None:
    if issubclass(kind, KeyboardInterrupt):
        QApplication.quit()
        return
    if isinstance(error, RabtaError):
        QMessageBox.warning(QApplication.activeWindow(), "Rabta", said(error))
        return
    log.error("Unexpected error\n%s", logged_traceback(error))
    QMessageBox.critical(
        QApplication.activeWindow(),
        "Rabta: unexpected error",
        f"Something went wrong inside Rabta: {said(error)}\n\nNothing you saved before this was "
        f"lost. The details are in {log_file_path()}; please send that file to support.",
    )
