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
    shiboken6.delete(owner)
    qtbot.wait(800)
    assert delivered == []

    kept = QWidget()
    qtbot.addWidget(kept)
    latest = LatestOnly(
        DatabaseAddress(str(db_path)), kept, delivered.append, lambda *e: delivered.append(e)
    )
    latest.start(slow)
    qtbot.waitUntil(lambda: delivered == ["late result"])
