"""Exporting from a list page as an officer would: Ctrl+Shift+E, a format, a file, done on a
worker while the window stays usable."""

from __future__ import annotations

import csv

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.desktop.conftest import active_main_window


def test_ctrl_shift_e_exports_what_the_filter_shows(qtbot, demo_path, tmp_path):
    window = active_main_window(qtbot, demo_path, login_name="supervisor.one")
    window.show_page("Contacts")
    page = window.page("Contacts")
    page.filter_edit.setFocus()
    qtbot.waitUntil(page.filter_edit.hasFocus)
    qtbot.keyClicks(page.filter_edit, "Abbasi")
    qtbot.waitUntil(lambda: page.model.current_filter.text == "Abbasi")
    qtbot.waitUntil(lambda: page.model.total > 1)
    shown = page.model.total
    window.activateWindow()  # as the officer's next key press finds it
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    page.filter_edit.setFocus()
    qtbot.keyClick(
        page.filter_edit,
        Qt.Key.Key_E,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = page.export_dialog
    assert dialog.isVisible()
    assert dialog.windowTitle() == "Export contacts"
    assert dialog.include_withheld.isVisible()  # a list of people: the box and its reason
    target = tmp_path / "abbasi.csv"
    dialog.path_edit.setText(str(target))
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.exported is not None, timeout=10_000)
    assert not dialog.isVisible()
    rows = list(csv.DictReader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert rows and all(row["Family name"] == "Abbasi" for row in rows)
    assert len(rows) + dialog.exported.left_out == shown
    assert dialog.status.text().startswith(f"Wrote {len(rows):,} to ")


def test_choosing_a_format_changes_the_file_and_a_bad_folder_is_one_sentence(
    qtbot, demo_path, tmp_path
):
    window = active_main_window(qtbot, demo_path)
    window.show_page("Engagements")
    dialog = window.page("Engagements").export_list()
    formats = [dialog.format_combo.itemData(i) for i in range(dialog.format_combo.count())]
    assert formats == ["csv", "xlsx", "icalendar"]
    dialog.format_combo.setCurrentIndex(2)
    assert dialog.path_edit.text().endswith(".ics") and "follow-ups" in dialog.hint.text()
    assert not dialog.include_withheld.isVisible()
    dialog.path_edit.setText(str(tmp_path / "no such folder" / "e.ics"))
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "Nothing was exported" in dialog.status.text(), timeout=10_000)
    assert "does not exist" in dialog.status.text() and dialog.isVisible()
    assert not (tmp_path / "no such folder").exists()
