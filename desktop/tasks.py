"""Long work off the GUI thread: a QRunnable reporting progress and its result back to
the GUI thread through signals, and a variant with its own database connection."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from sqlalchemy import Engine

from db.engine import create_database_engine


class TaskSignals(QObject):
    progress = Signal(str)
    finished = Signal(object)
    failed = Signal(object, str)  # the exception and its formatted traceback


class BackgroundTask(QRunnable):
    """Runs `work(report_progress)` on a pool thread; `signals` carry the outcome."""

    def __init__(self, work: Callable[[Callable[[str], None]], Any]):
        super().__init__()
        self.work = work
        self.signals = TaskSignals()

    def run(self) -> None:
        try:
            result = self.work(self.signals.progress.emit)
        except Exception as error:  # handed to the GUI thread, which decides what to show
            self.signals.failed.emit(error, traceback.format_exc())
        else:
            self.signals.finished.emit(result)


class DatabaseTask(BackgroundTask):
    """Runs `work(engine, report_progress)` on a pool thread with a fresh engine.

    The engine is created and disposed on the worker thread, so no SQLite connection
    crosses threads.
    """

    def __init__(self, location: str, work: Callable[[Engine, Callable[[str], None]], Any]):
        super().__init__(self._with_engine)
        self.location = location
        self.database_work = work

    def _with_engine(self, report: Callable[[str], None]) -> Any:
        engine = create_database_engine(self.location)
        try:
            return self.database_work(engine, report)
        finally:
            engine.dispose()


def start_task(task: BackgroundTask) -> None:
    """Queue the task on the application's thread pool."""
    QThreadPool.globalInstance().start(task)
