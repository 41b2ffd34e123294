"""Background work outliving the widget that asked for it."""

from __future__ import annotations

import time

import shiboken6
from PySide6.QtWidgets import QWidget

from desktop.tasks import DatabaseAddress, LatestOnly


def test_an_outcome_arriving_after_its_widget_was_deleted_is_dropped(qtbot, db_path):
    owner = QWidget()
    delivered = []
    latest = LatestOnly(
        DatabaseAddress(str(db_path)), owner, delivered.append, lambda *e: delivered.append(e)
    )

    def slow(_engine, _report):
        time.sleep(0.3)
        return "late result"

    latest.start(slow)
    task = latest._task
    shiboken6.delete(owner)
    with qtbot.waitSignal(task.signals.finished, timeout=5000):
        pass  # the worker has finished and its outcome has been delivered, or dropped
    qtbot.wait(10)
    assert delivered == []

    kept = QWidget()
    qtbot.addWidget(kept)
    latest = LatestOnly(
        DatabaseAddress(str(db_path)), kept, delivered.append, lambda *e: delivered.append(e)
    )
    latest.start(slow)
    qtbot.waitUntil(lambda: delivered == ["late result"])


def test_a_superseded_requests_failure_is_dropped_like_its_result(qtbot, db_path):
    owner = QWidget()
    qtbot.addWidget(owner)
    results, failures = [], []
    latest = LatestOnly(
        DatabaseAddress(str(db_path)), owner, results.append, lambda e, _d: failures.append(e)
    )

    def fails_soon(_engine, _report):
        time.sleep(0.1)
        raise RuntimeError("the older request failed")

    def answers_later(_engine, _report):
        time.sleep(0.4)
        return "newest result"

    latest.start(fails_soon)
    older = latest._task
    latest.start(answers_later)
    with qtbot.waitSignal(older.signals.failed, timeout=5000):
        pass
    qtbot.waitUntil(lambda: results == ["newest result"], timeout=5000)
    assert failures == []  # the older request's failure never reached the page


def test_a_failure_is_said_as_a_sentence_or_written_to_the_log(caplog, tmp_path):
    import sqlite3

    from db.foundations.errors import ValidationError
    from desktop.failures import failure_sentence

    refused = ValidationError({"name": "Type the organization's name."})
    assert failure_sentence(refused, "") == "Type the organization's name."
    locked = sqlite3.OperationalError("database is locked")
    assert "busy" in failure_sentence(locked, "", str(tmp_path / "r.db")) or "locked" in (
        failure_sentence(locked, "", str(tmp_path / "r.db"))
    )
    with caplog.at_level("ERROR", logger="rabta"):
        sentence = failure_sentence(KeyError("bug"), "Traceback (most recent call last): …")
    assert sentence.startswith("an unexpected error (KeyError)") and "rabta.log" in sentence
    assert "Traceback (most recent call last)" in caplog.text  # the worker's traceback
