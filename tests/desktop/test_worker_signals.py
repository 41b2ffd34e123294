"""Workers hand their results to the window through Qt signals emitted on pool threads
(desktop/tasks.py); several run at once when a window opens (the lists, the health
check, the daily backup). PySide6 6.12.0 corrupts reference counts when that happens and
aborts the whole program ("deallocating True or False"); pyproject.toml leaves it out.
The race runs in a child process so an abort is a failed test, not a dead test run."""

from __future__ import annotations

import os
import subprocess
import sys

RACE = """
import os
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal
app = QCoreApplication([])
class Signals(QObject):
    done = Signal(object)
signals = Signals()
received = []
signals.done.connect(lambda value: received.append(value))
class Emitter(QRunnable):
    def run(self):
        for number in range(2000):
            signals.done.emit(None if number % 2 else True)
for _ in range(10):
    QThreadPool.globalInstance().start(Emitter())
while QThreadPool.globalInstance().activeThreadCount():
    app.processEvents()
QThreadPool.globalInstance().waitForDone()
app.processEvents()
print(len(received))
"""


def test_results_emitted_from_several_workers_at_once_arrive_without_a_crash():
    result = subprocess.run(
        [sys.executable, "-c", RACE],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "20000"
