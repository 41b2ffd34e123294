"""What the officer sees is what Rabta acts on: a picker links the row chosen, the
Duplicates page merges the pair its pane shows, a record opened from search is the one
Edit opens, a follow-up is closed only with its outcome asked and can be undone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlmodel import Session, select

from db.foundations import clock
from db.foundations.models import Contact, Engagement
from db.rules.rows import linked_ids
from tests.desktop.conftest import active_main_window
from tests.desktop.test_window_hardening import choose_from_popup


def _baloch_ids(engine) -> list[int]:
    with Session(engine) as s:
        return list(
            s.exec(
                select(Contact.id)
                .where(Contact.given_name == "Ahmed", Contact.family_name == "Baloch")
                .order_by(Contact.id)
            ).all()
        )


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
    choose_from_popup(qtbot, dialog.contacts, "Ahmed Bal", row=1)
    qtbot.wait(20)  # what Qt queues after the activation has run
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


def test_a_record_opened_that_the_filter_hides_is_the_one_edit_and_archive_act_on(qtbot, demo_path):
    from db.foundations.models import Organization

    window = active_main_window(qtbot, demo_path, login_name="c.officer")
    with Session(window.workspace.engine) as s:
        appna = s.exec(select(Organization).where(Organization.acronym == "APPNA")).one()
    window.show_page("Organizations")
    page = window.page("Organizations")
    page.filter_edit.setText("Karachi")  # a filter that hides APPNA
    page.apply_filter()
    qtbot.waitUntil(lambda: not page.model.loading and page.model.rowCount() > 0)
    page.table.selectRow(0)
    page.table.setCurrentIndex(page.model.index(0, 0))
    before = page.selected_id()
    assert before is not None and before != appna.id
    window.show_record("organization", appna.id)  # as Ctrl+K does
    assert page.selected_id() is None  # the row selected before is not chosen any more
    assert page.shown_id() == appna.id
    assert "Physicians of Pakistani Descent" in page.detail.toPlainText()
    assert page.alone_note.isVisible() and "shown on its own" in page.alone_note.text()
    assert page.edit_button.isEnabled()
    form = page.edit_selected()
    assert form.org_id == appna.id
    form.reject()
    box = page.archive_selected()
    assert "Physicians of Pakistani Descent" in box.text()
    box.reject()
    page.clear_filter_for_shown()
    qtbot.waitUntil(lambda: page.selected_id() == appna.id, timeout=10_000)
    assert page.filter_edit.text() == "" and not page.alone_note.isVisible()


def test_archiving_an_engagement_names_it_by_its_subject(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="c.officer")
    window.show_page("Engagements")
    page = window.page("Engagements")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    page.table.selectRow(0)
    page.table.setCurrentIndex(page.model.index(0, 0))
    subject = page.model.row_at(0).subject
    box = page.archive_selected()
    assert f"Archive {subject}?" == box.text()
    box.reject()


def test_ctrl_d_asks_for_the_outcome_marks_only_the_row_shown_and_can_be_undone(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="c.officer")
    window.show_page("Dashboard")
    dashboard = window.current_page()
    qtbot.waitUntil(lambda: not dashboard.loading and len(dashboard.rows) >= 2, timeout=10_000)
    dashboard.table.selectRow(0)
    first, second = dashboard.rows[0], dashboard.rows[1]
    dashboard.table.setFocus()
    # Two presses in quick succession: the first asks, the second reaches only the dialog.
    qtbot.keyClick(dashboard.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    asked = dashboard.open_dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is asked)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert dashboard.open_dialog is asked and asked.engagement_id == first.engagement_id
    assert first.subject in asked.what.text()
    dashboard.table.selectRow(1)  # the selection moves under the open dialog
    with qtbot.waitSignal(dashboard.loaded):
        asked.accept()  # an empty note is allowed
    with Session(window.workspace.engine) as s:
        assert s.get(Engagement, first.engagement_id).follow_up_done_at is not None
        assert s.get(Engagement, second.engagement_id).follow_up_done_at is None
    assert dashboard.undo_done_button.isVisible() and first.subject in dashboard.done_note.text()
    with qtbot.waitSignal(dashboard.loaded):
        assert dashboard.undo_last_done()
    with Session(window.workspace.engine) as s:
        assert s.get(Engagement, first.engagement_id).follow_up_done_at is None
    assert first.engagement_id in [row.engagement_id for row in dashboard.rows]


def _answer(qtbot, form, answer: str) -> None:
    asked = form.closing_asked
    assert asked is not None and asked.isVisible()
    next(b for b in asked.buttons() if b.text() == answer).click()
    qtbot.wait(10)


def test_esc_on_a_filled_form_asks_and_a_quick_log_can_come_back_as_a_draft(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="c.officer")
    empty = window.quick_log()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is empty)
    qtbot.keyClick(empty, Qt.Key.Key_Escape)  # nothing typed: closes at once
    assert not empty.isVisible() and empty.closing_asked is None

    dialog = window.quick_log()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClicks(dialog.subject_edit, "Visit to the Sialkot Association")
    qtbot.keyClicks(dialog.summary_edit, "Met the new board.")
    qtbot.keyClick(dialog.subject_edit, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # asked, not closed
    _answer(qtbot, dialog, "Keep editing")
    assert dialog.isVisible() and dialog.subject_edit.text().startswith("Visit")
    dialog.reject()
    _answer(qtbot, dialog, "Keep as draft")
    assert not dialog.isVisible()
    assert "draft" in window.statusBar().currentMessage()

    again = window.quick_log()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is again)
    assert again.subject_edit.text() == "Visit to the Sialkot Association"
    assert again.summary_edit.toPlainText() == "Met the new board."
    assert "back" in again.draft_note.text()
    again.reject()  # a draft brought back counts as typed: asked again
    _answer(qtbot, again, "Discard")
    third = window.quick_log()
    assert third.subject_edit.text() == ""  # discarded for good
    third.reject()
    assert not third.isVisible()

    window.show_page("Organizations")
    page = window.page("Organizations")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    page.table.selectRow(0)
    page.table.setCurrentIndex(page.model.index(0, 0))
    form = page.edit_selected()
    qtbot.keyClicks(form.name_edit, " (renamed)")
    qtbot.keyClick(form.name_edit, Qt.Key.Key_Escape)
    assert form.isVisible() and form.closing_asked is not None
    assert "Keep as draft" not in [b.text() for b in form.closing_asked.buttons()]
    _answer(qtbot, form, "Discard")
    assert not form.isVisible()


def test_an_officer_is_offered_only_the_changes_the_store_would_take(qtbot, demo_path):
    from db.foundations.models import Mission, Organization

    window = active_main_window(qtbot, demo_path, login_name="n.jamil")  # HOU
    with Session(window.workspace.engine) as s:
        lax, hou = (
            s.exec(
                select(Organization.id)
                .join(Mission, Mission.id == Organization.mission_id)
                .where(Mission.code == code, Organization.archived_at.is_(None))
            ).first()
            for code in ("LAX", "HOU")
        )
    window.show_page("Organizations")
    page = window.page("Organizations")
    page.show_record(lax)
    for button in (page.edit_button, page.archive_button):
        assert not button.isEnabled()
        assert "own mission only" in button.toolTip()
    assert page.edit_selected() is None and page.archive_selected() is None
    assert "own mission only" in window.statusBar().currentMessage()
    page.show_record(hou)
    assert page.edit_button.isEnabled() and page.archive_button.isEnabled()
    assert page.edit_button.toolTip().startswith("Change the selected")
    form = page.edit_selected()
    assert form is not None and form.org_id == hou
    form.reject()
    window.show_page("Contacts")
    erase = window.page("Contacts").extra_buttons["Erase…"]
    assert not erase.isEnabled() and "Only an administrator" in erase.toolTip()


def test_search_says_how_many_of_how_many_and_a_heading_opens_the_list(qtbot, demo_path):
    from db.queries.search import count_matches, search

    window = active_main_window(qtbot, demo_path, login_name="c.officer")
    titles = {"engagement": "Engagements", "organization": "Organizations"}
    with Session(window.workspace.engine) as s:
        for word in ("Houston", "welfare", "meeting", "association"):
            found = search(s, word, viewer=window.workspace.actor)
            counts = count_matches(s, word, viewer=window.workspace.actor)
            many = [k for k in titles if counts[k].total > len(found[k]) and not counts[k].more]
            if many:
                break
    kind = many[0]
    dialog = window.open_search()
    with qtbot.waitSignal(dialog.searched, timeout=10_000):
        qtbot.keyClicks(dialog.box, word)
    headings = [dialog.results.topLevelItem(i) for i in range(dialog.results.topLevelItemCount())]
    heading = next(h for h in headings if h.text(0).startswith(titles[kind]))
    assert f"({len(found[kind])} of {counts[kind].total:,})" in heading.text(0)
    assert "found" not in dialog.status.text() and "Enter on a heading" in dialog.status.text()
    dialog.results.setCurrentItem(heading)
    dialog.open_current()
    page = window.current_page()
    assert page.title == titles[kind] and page.filter_edit.text() == word
    qtbot.waitUntil(lambda: not page.model.loading and page.model.total > 0, timeout=10_000)
    assert page.model.total == counts[kind].total


def test_history_speaks_in_words_not_field_names():

    from db.foundations.labels import counted, field_label, readable_value
    from db.queries.audit import FieldChange, HistoryEntry
    from desktop.widgets.history_table import change_lines

    entry = HistoryEntry(
        1,
        clock.utc_now(),
        "keeper",
        "merge",
        [
            FieldChange("merge_id", None, 1),
            FieldChange("created_at", None, "2024-06-28T09:30:00+00:00"),
            FieldChange("follow_up_date", "2026-12-01", None),
            FieldChange("kind", "professional", "hometown"),
            FieldChange("do_not_contact", False, True),
        ],
        "organization",
        7,
    )
    lines = change_lines(entry).split("\n")
    assert lines == [
        "Merge: #1",
        "Added: 28 Jun 2024 09:30 UTC",
        "Follow-up date: 01 Dec 2026 → —",
        "Kind: Professional association → Hometown association",
        "Do not contact: No → Yes",
    ]
    assert field_label("region_code") == "Region" and field_label("given_name") == "Given name"
    assert readable_value("engagement", "sensitivity", "confidential") == "Confidential"
    assert [counted(1, "row"), counted(2, "row"), counted(1, "affiliation")] == [
        "1 row",
        "2 rows",
        "1 affiliation",
    ]


def test_the_status_bar_counts_the_engagements_the_officer_may_see(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="n.jamil")
    window.show_page("Engagements")
    page = window.page("Engagements")
    qtbot.waitUntil(lambda: not page.model.loading and page.model.total > 0, timeout=10_000)
    qtbot.waitUntil(lambda: "engagement" in window.status_counts.text(), timeout=10_000)
    assert f"{page.model.total:,} engagements" in window.status_counts.text()


def test_a_country_is_chosen_by_name_and_kept_as_its_code(qtbot):
    from desktop.widgets.country_box import CountryBox

    box = CountryBox()
    qtbot.addWidget(box)
    box.setEditText("United Kingdom")
    assert box.code() == "GB"
    box.set_code("pk")
    assert box.currentText() == "Pakistan (PK)" and box.code() == "PK"
    box.setEditText("Atlantis")
    assert box.code() == "Atlantis"  # passed on as typed, for the store to refuse


def test_one_quarter_is_written_one_way(demo_engine):
    from db.foundations.periods import quarter_name

    assert quarter_name("2026Q4", fiscal=True) == "Q2 FY2026-27"
    assert quarter_name("FY2026-27Q2", fiscal=False) == "Q4 2026"
    assert quarter_name("not a quarter", fiscal=True) == "not a quarter"


def test_history_names_the_records_an_entry_points_to(demo_engine):
    from db.foundations.actor import SYSTEM_ACTOR
    from db.queries.audit import AuditFilter, list_audit_entries

    with Session(demo_engine) as s:
        entries = list_audit_entries(
            s, SYSTEM_ACTOR, AuditFilter(entity_type="engagement", action="create"), limit=50
        )
    changes = {c.field: c.new for e in entries for c in e.changes}
    assert isinstance(changes["mission_id"], str) and len(changes["mission_id"]) <= 10  # "HOU"
    assert isinstance(changes["officer_id"], str) and not changes["officer_id"].startswith("#")
    assert all(isinstance(name, str) for name in changes["organization_ids"])
