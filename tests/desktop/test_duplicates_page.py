"""The Duplicates page and the merge dialog as a registry keeper uses them: scan on a
worker, compare, say "not a duplicate", merge with chosen values, undo from History."""

from __future__ import annotations

from sqlmodel import Session, select

from db import store
from db.foundations.actor import Actor
from db.foundations.models import Contact, DuplicateDismissal
from db.store.contacts import create_contact
from db.store.merges import merge_contacts
from tests.desktop.conftest import active_main_window, open_workspace


def _add_the_same_person_twice(path) -> tuple[int, int]:
    from db.database_file.migrate import open_database

    engine = open_database(str(path)).engine
    admin = Actor(id=None, username="setup", role="admin")
    with store.session(engine) as s:
        latin = create_contact(
            s,
            admin,
            {
                "given_name": "Mohd",
                "family_name": "Ali",
                "city": "Houston",
                "email": "mohd.ali@example.com",
            },
        )
        urdu = create_contact(
            s, admin, {"given_name": "محمد", "family_name": "علی", "city": "Houston"}
        )
    engine.dispose()
    return latin, urdu


def _scan(qtbot, page) -> None:
    page.find_button.click()
    qtbot.waitUntil(lambda: page.find_button.isEnabled() and bool(page.pairs), timeout=20_000)


def test_the_same_person_in_two_scripts_is_found_and_merged_then_undone(qtbot, demo_path):
    latin, urdu = _add_the_same_person_twice(demo_path)
    window = active_main_window(qtbot, demo_path, login_name="keeper")
    window.show_page("Duplicates")
    page = window.page("Duplicates")
    assert "Find duplicates" in page.status.text()  # the empty state says what to do
    _scan(qtbot, page)
    found = [p for p in page.pairs if {p.first_id, p.second_id} == {latin, urdu}]
    assert found and "the same name in Urdu and Latin script" in found[0].reasons
    page.table.selectRow(page.pairs.index(found[0]))
    assert "mohd.ali@example.com" in page.side_by_side.toPlainText()
    dialog = page.merge_selected()
    first, _second = dialog.choices["email"]
    assert first.isChecked() or _second.isChecked()
    dialog.keep_first.setChecked(True)
    dialog.merge()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert "Merged" in page.status.text() and found[0] not in page.pairs
    with Session(window.workspace.engine) as s:
        survivor = s.get(Contact, found[0].first_id)
        other = s.get(Contact, found[0].second_id)
        assert survivor.email == "mohd.ali@example.com" and other.merged_into_id == survivor.id
    window.show_page("Contacts")
    contacts = window.page("Contacts")
    contacts.show_record(found[0].first_id)
    contacts.detail_tabs.setCurrentWidget(contacts.history_panel)
    assert contacts.merge_bar.isVisible() and "took in" in contacts.merge_note.text()
    assert contacts.undo_shown_merge()
    with Session(window.workspace.engine) as s:
        assert s.get(Contact, found[0].second_id).archived_at is None


def test_not_a_duplicate_is_remembered(qtbot, demo_path):
    latin, urdu = _add_the_same_person_twice(demo_path)
    window = active_main_window(qtbot, demo_path, login_name="keeper")
    window.show_page("Duplicates")
    page = window.page("Duplicates")
    _scan(qtbot, page)
    pair = next(p for p in page.pairs if {p.first_id, p.second_id} == {latin, urdu})
    page.table.selectRow(page.pairs.index(pair))
    assert page.dismiss_selected()
    assert pair not in page.pairs
    with Session(window.workspace.engine) as s:
        assert s.exec(select(DuplicateDismissal)).one().first_id == min(latin, urdu)
    _scan(qtbot, page)
    assert not any({p.first_id, p.second_id} == {latin, urdu} for p in page.pairs)


def test_a_merge_is_undone_from_the_audit_page(qtbot, demo_path):
    from desktop.main_window import MainWindow

    latin, urdu = _add_the_same_person_twice(demo_path)
    window = MainWindow(open_workspace(demo_path, login_name="supervisor", role="supervisor"))
    qtbot.addWidget(window)
    window.show()
    with store.session(window.workspace.engine) as s:
        merge_contacts(s, window.workspace.actor, latin, urdu)
    window.show_page("Audit")
    page = window.page("Audit")
    page.reload()
    merge_row = next(i for i, e in enumerate(page.table.entries) if e.action == "merge")
    page.table.selectRow(merge_row - 1 if merge_row else merge_row + 1)
    assert not page.undo_merge_button.isEnabled()  # only a merge's entry offers it
    page.table.selectRow(merge_row)
    assert page.undo_merge_button.isEnabled()
    page.undo_merge_button.click()
    assert "are two records again" in page.message.text()
    with Session(window.workspace.engine) as s:
        assert s.get(Contact, urdu).archived_at is None
    merge_row = next(i for i, e in enumerate(page.table.entries) if e.action == "merge")
    page.table.selectRow(merge_row)
    assert not page.undo_selected_merge()
    assert "undone already" in page.message.text()
