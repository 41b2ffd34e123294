"""The window under hostile conditions: the completion popup, an empty or damaged file,
and read-outs from the Reports page."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import text
from sqlmodel import Session, select

from db.foundations.models import Engagement
from db.rules.rows import linked_ids
from desktop.main_window import MainWindow
from tests.damaged_files import overwrite_first_page_of
from tests.desktop.conftest import active_main_window, open_workspace


@pytest.fixture
def window(qtbot, demo_path):
    return active_main_window(qtbot, demo_path, login_name="c.officer")


def choose_from_popup(qtbot, picker, typed: str, row: int = 0) -> None:
    """Type into the picker, show its completion popup and press Enter on `row` (the
    first by default), as a person on a real screen does."""
    picker.edit.setFocus()
    qtbot.keyClicks(picker.edit, typed)
    completer = picker.edit.completer()
    completer.complete()
    popup = completer.popup()
    qtbot.waitUntil(popup.isVisible)
    popup.setCurrentIndex(completer.completionModel().index(row, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)


def test_enter_on_a_completion_row_leaves_the_box_empty_for_the_next_name(qtbot, window):
    dialog = window.quick_log()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    choose_from_popup(qtbot, dialog.contacts, "Ayes")
    qtbot.wait(20)  # anything Qt queues after the activation has run
    assert len(dialog.contacts.chosen()) == 1
    assert dialog.contacts.edit.text() == ""
    choose_from_popup(qtbot, dialog.contacts, "Kamran")
    qtbot.wait(20)
    assert len(dialog.contacts.chosen()) == 2
    assert dialog.contacts.edit.text() == ""
    assert dialog.contacts.resolve_typed()  # nothing left over that would refuse a save
    # A new user belongs to no mission: the people's own mission is taken.
    assert dialog.mission_combo.currentData() is None
    qtbot.keyClicks(dialog.subject_edit, "Welfare desk visit")
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    with Session(window.workspace.engine) as s:
        saved = s.exec(select(Engagement).where(Engagement.subject == "Welfare desk visit")).one()
        assert saved.mission_id is not None
        assert len(linked_ids(s, saved.id)[1]) == 2


def test_the_window_warns_when_the_quick_check_finds_damage(qtbot, demo_path):
    # The page's header: no longer a b-tree page.
    overwrite_first_page_of(demo_path, "program_event", b"\xff" * 64)
    # Not waiting for the window to become active: the warning may take activation first.
    window = MainWindow(open_workspace(str(demo_path), login_name="tester"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.health is not None, timeout=10_000)
    assert not window.health.healthy
    assert window.health_warning.isVisible()
    assert "damaged" in window.health_warning.text()


def test_a_healthy_database_opens_without_a_warning(qtbot, window):
    qtbot.waitUntil(lambda: window.health is not None, timeout=10_000)
    assert window.health.healthy
    assert not hasattr(window, "health_warning")


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_an_empty_file_becomes_a_database_only_when_the_user_says_so(
    qapp, tmp_path, monkeypatch, answer
):
    from db.foundations.errors import EmptyDatabaseFile
    from desktop.app import sign_in_with_dialogs
    from desktop.dialogs.sign_in import FirstAdministratorDialog

    target = tmp_path / "empty.db"
    target.write_bytes(b"")
    chosen = QMessageBox.StandardButton.Yes if answer == "yes" else QMessageBox.StandardButton.No
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args: asked.append(args) or chosen)

    def fill_in(dialog):
        dialog.username.setText("admin")
        dialog.display_name.setText("Registry Administrator")
        dialog.password.setText("correct horse battery")
        dialog.repeated.setText("correct horse battery")
        dialog._try()
        return dialog.result()

    monkeypatch.setattr(FirstAdministratorDialog, "exec", fill_in)
    if answer == "yes":
        signed_in = sign_in_with_dialogs(str(target))
        signed_in.opened.engine.dispose()
        assert signed_in.actor.username == "admin" and signed_in.actor.role == "admin"
        assert target.stat().st_size > 0
    else:
        with pytest.raises(EmptyDatabaseFile):
            sign_in_with_dialogs(str(target))
        assert target.stat().st_size == 0
    assert len(asked) == 1 and "empty file" in asked[0][2]


def _read_outs(engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT entity_type, changes FROM audit_entry WHERE action = 'read_out' ORDER BY id"
            )
        ).all()


def test_printing_and_saving_a_report_are_read_outs(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtPrintSupport import QPrinter

    page = window.page("Reports")
    window.show_page("Reports")
    page.build()
    qtbot.waitUntil(lambda: page.current_pdf is not None, timeout=30_000)
    built = len(_read_outs(window.workspace.engine))
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert page.render_to(printer) > 0
    assert page.save_copy(tmp_path / "saved.pdf")
    after = _read_outs(window.workspace.engine)
    assert [kind for kind, _ in after[built:]] == ["report_print", "report_copy"]
    assert str(tmp_path / "saved.pdf") in after[-1][1]


def test_a_report_is_not_saved_over_a_file_that_is_not_a_pdf(qtbot, window, tmp_path, monkeypatch):
    page = window.page("Reports")
    page.build()
    qtbot.waitUntil(lambda: page.current_pdf is not None, timeout=30_000)
    letter = tmp_path / "letter.pdf"
    letter.write_text("Dear Consul General,\n")
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    assert not page.save_copy(letter)
    assert "is not a PDF" in warnings[0]
    assert letter.read_text() == "Dear Consul General,\n"
