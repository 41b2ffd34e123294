"""Long work off the GUI thread: a QRunnable reporting progress and its result back to
the GUI thread through signals, and a variant with its own database connection."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from sqlalchemy import Engine

from db.foundations.engine import create_database_engine
from desktop.error_hook import logged_traceback


class TaskSignals(QObject):
    progress = Signal(str)
    finished = Signal(object)
    failed = Signal(object, str)  # the exception and its traceback as the log keeps it


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
            self.signals.failed.emit(error, logged_traceback(error))
        else:
            self.signals.finished.emit(result)


@dataclass(frozen=True)
class DatabaseAddress:
    """Where a worker opens the database, and with which key: the key the signed-in
    session opened it with (never looked up again, so nothing that happens to the
    process's remembered keys meanwhile can leave a worker without it)."""

    location: str
    key: bytes | None = field(default=None, repr=False)


class DatabaseTask(BackgroundTask):
    """Runs `work(engine, report_progress)` on a pool thread with a fresh engine.

    The engine is created and disposed on the worker thread, so no SQLite connection
    crosses threads.
    """

    def __init__(
        self, address: DatabaseAddress, work: Callable[[Engine, Callable[[str], None]], Any]
    ):
        super().__init__(self._with_engine)
        self.address = address
        self.database_work = work

    def _with_engine(self, report: Callable[[str], None]) -> Any:
        engine = create_database_engine(self.address.location, key=self.address.key)
        try:
            return self.database_work(engine, report)
        finally:
            engine.dispose()


# Tasks on the pool, held until their outcome is delivered: a task whose owner has moved
# on (a newer search, a newer filter) must not take its signals with it while it runs.
_running: set[BackgroundTask] = set()


def start_task(task: BackgroundTask) -> None:
    """Queue the task on the application's thread pool."""
    _running.add(task)

    def release(*_outcome) -> None:
        # After every other slot of this delivery has run: then the signals may go.
        QTimer.singleShot(0, lambda: _running.discard(task))

    task.signals.finished.connect(release)
    task.signals.failed.connect(release)
    QThreadPool.globalInstance().start(task)


class LatestOnly:
    """Database work on a worker where only the newest request counts: the result (or
    the failure) of a request overtaken by a later `start` (or by `supersede`) is dropped
    when it arrives,
    as is any outcome that arrives after the widget that asked (`owner`) was deleted.
    For lists and searches that the user changes faster than the database answers."""

    def __init__(
        self,
        address: DatabaseAddress,
        owner: QObject,
        on_result: Callable[[Any], None],
        on_failure: Callable[[Exception, str], None],
    ):
        self.address = address
        self._owner = owner  # outcomes arriving after it is gone are dropped
        self._on_result = on_result
        self._on_failure = on_failure
        self._generation = 0
        self._task: DatabaseTask | None = None

    def start(self, work: Callable[[Engine, Callable[[str], None]], Any]) -> None:
        """Run `work(engine, report_progress)` on a worker; earlier requests no longer count."""
        self._generation += 1
        generation = self._generation
        self._task = DatabaseTask(self.address, work)
        self._task.signals.finished.connect(lambda result: self._deliver(generation, result))
        self._task.signals.failed.connect(
            lambda error, details: self._fail(generation, error, details)
        )
        start_task(self._task)

    def supersede(self) -> None:
        """Drop the results of requests still running (the caller answered another way)."""
        self._generation += 1

    def _deliver(self, generation: int, result: Any) -> None:
        if generation == self._generation and shiboken6.isValid(self._owner):
            self._on_result(result)

    def _fail(self, generation: int, error: Exception, details: str) -> None:
        # A request overtaken by a newer one fails quietly, as its result would be
        # dropped: its failure once turned "loading" off while the newer one still ran.
        if generation == self._generation and shiboken6.isValid(self._owner):
            self._on_failure(error, details)
