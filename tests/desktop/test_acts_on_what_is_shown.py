"""What the officer sees is what Rabta acts on: a picker links the row chosen, the
Duplicates page merges the pair its pane shows, a record opened from search is the one
Edit opens, a follow-up is closed only with its outcome asked and can be undone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlmodel import Session, select

from db.models import Contact, Engagement
from db.store.engagements import linked_ids
from tests.desktop.conftest import active_main_window


def _baloch_ids(engine) -> list[int]:
    with Session(engine) as s:
        return list(
            s.exec(
                select(Contact.id)
                .where(Contact.given_name == "Ahmed", Contact.family_name == "Baloch")
                .order_by(Contact.id)
            ).all()
        )


def _pick_row(qtbot, picker, typed: str, row: int) -> None:
    """Type into the picker, open its completion list and press Enter on `row`, as a
    person on a real screen does with the arrow keys."""
    picker.edit.setFocus()
    qtbot.keyClicks(picker.edit, typed)
    completer = picker.edit.completer()
    completer.complete()
    popup = completer.popup()
    qtbot.waitUntil(popup.isVisible)
    popup.setCurrentIndex(completer.completionModel().index(row, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.wait(20)  # what Qt queues after the activation has run


def test_two_people_of_one_name_are_told_apart_and_the_one_chosen_is_linked(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="c.officer")
    first, second = _baloch_ids(window.workspace.engine)
    dialog = window.quick_log()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    dialog.contacts.edit.setFocus()
    qtbot.keyClicks(dialog.contacts.edit, "Ahmed Bal")
    offered = dialog.contacts.offered()
    assert [c.id for c in offered] == [first, second]
    shown = [c.shown for c in offered]
    assert shown[0] != shown[1]  # organization, city and email domain tell them apart
    assert "PAPA" in shown[0] and "Edison" in shown[0]
    assert "Berkeley" in shown[1] and "@example.com" in shown[1]
    dialog.contacts.clear()
    _pick_row(qtbot, dialog.contacts, "Ahmed Bal", 1)
    assert dialog.contacts.chosen_ids() == [second]
    assert "Berkeley" in dialog.contacts.chosen_label.text()
    qtbot.keyClicks(dialog.subject_edit, "Call about the student convention")
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    with Session(window.workspace.engine) as s:
        saved = s.exec(
            select(Engagement).where(Engagement.subject == "Call about the student convention")
        ).one()
        assert linked_ids(s, saved.id)[1] == [second]
    # Opened again, the form names the person with what tells them apart.
    again = window.page("Engagements").form(saved.id)
    assert "Berkeley" in again.contacts.chosen_label.text()


def test_after_a_merge_the_pane_shows_the_pair_selected_and_merge_acts_on_it(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="keeper")
    window.show_page("Duplicates")
    page = window.page("Duplicates")
    page.find_button.click()
    qtbot.waitUntil(lambda: page.find_button.isEnabled() and len(page.pairs) >= 3, timeout=20_000)
    merged = page.selected_pair()
    dialog = page.merge_selected()
    dialog.merge()
    assert merged not in page.pairs
    now_selected = page.selected_pair()
    assert now_selected is not None and now_selected != merged
    # The pane follows the selection: it names the selected pair, not the merged one.
    assert page.shown_pair == now_selected
    heading = page.side_by_side.toPlainText()
    assert f"#{now_selected.first_id}" in heading and f"#{now_selected.second_id}" in heading
    # Had the pane been left behind, no action runs on a pair it does not show.
    for act in (page.merge_selected, page.dismiss_selected):
        page.shown_pair = merged
        assert not act()
        assert page.shown_pair == now_selected  # it shows the selection instead
        assert now_selected in page.pairs
    assert page.merge_selected() is not None
