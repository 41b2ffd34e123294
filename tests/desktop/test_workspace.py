"""The officer's daily work in the window, driven as a user would: typing, clicking,
pressing keys, then checking what the database holds and what the tables show."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from sqlmodel import Session, col, select

from db.foundations import clock
from db.foundations.models import (
    Affiliation,
    Contact,
    Engagement,
    Indicator,
    Measurement,
    Organization,
    OrganizationTag,
    Program,
    Tag,
)
from db.foundations.periods import quarter_containing
from db.rules.rows import linked_ids
from db.rules.settings import read_settings
from desktop.main_window import MainWindow
from tests.desktop.conftest import active_main_window, open_workspace


@pytest.fixture
def window(qtbot, demo_path) -> MainWindow:
    return active_main_window(qtbot, demo_path, login_name="c.officer")


def _engine(window):
    return window.workspace.engine


def _type(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def _save(qtbot, dialog) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )


def _field(dialog, key):
    """The input widget of a form field."""
    holder = dialog.form.itemAt(
        list(dialog._getters).index(key), dialog.form.ItemRole.FieldRole
    ).widget()
    return holder.layout().itemAt(0).widget()


def test_new_user_adds_an_organization_with_two_contacts_and_logs_with_both(qtbot, window):
    window.show_page("Organizations")
    page = window.current_page()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = page.open_dialog
    assert form is not None and form.isVisible()
    _type(qtbot, form.name_edit, "Pakistani American Teachers Network")
    _type(qtbot, _field(form, "acronym"), "PATN")
    _field(form, "kind").setCurrentIndex(_field(form, "kind").findData("professional"))
    _type(qtbot, _field(form, "city"), "Austin")
    _type(qtbot, _field(form, "region_code"), "us-tx")
    _type(qtbot, _field(form, "tags"), "education, texas")
    _save(qtbot, form)
    assert not form.isVisible()
    with Session(_engine(window)) as s:
        org = s.exec(select(Organization).where(Organization.acronym == "PATN")).one()
    assert org.region_code == "US-TX" and org.mission_id is not None
    assert page.selected_id() == org.id
    assert "Pakistani American Teachers Network" in page.detail.toPlainText()

    for given, family, role in (
        ("Zubair", "Testwala", "President"),
        ("Mariam", "Testwala", "Treasurer"),
    ):
        page.add_contact()
        contact_form = page.open_dialog
        assert contact_form.organization_picker.chosen_ids() == [org.id]
        _type(qtbot, contact_form.given_edit, given)
        _type(qtbot, _field(contact_form, "family_name"), family)
        _type(qtbot, contact_form.role_edit, role)
        _type(qtbot, _field(contact_form, "email"), f"{given.lower()}@example.net")
        _save(qtbot, contact_form)
        assert not contact_form.isVisible(), contact_form.general_error.text()
    with Session(_engine(window)) as s:
        members = s.exec(
            select(Contact.given_name, Affiliation.role_title)
            .join(Affiliation, Affiliation.contact_id == Contact.id)
            .where(Affiliation.organization_id == org.id)
        ).all()
    assert sorted(members) == [("Mariam", "Treasurer"), ("Zubair", "President")]
    assert "Zubair Testwala" in page.detail.toPlainText()

    # Quick log with the keyboard alone: Ctrl+L, then Tab from field to field.
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dialog = window.quick_log_dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert dialog.focusWidget() is dialog.organizations.edit

    def type_here(text):
        qtbot.keyClicks(dialog.focusWidget(), text)

    def press(key, modifier=Qt.KeyboardModifier.NoModifier):
        qtbot.keyClick(dialog.focusWidget(), key, modifier)

    type_here("PAT")
    press(Qt.Key.Key_Tab)
    assert dialog.organizations.chosen_ids() == [org.id]
    assert dialog.focusWidget() is dialog.contacts.edit
    type_here("Zub")
    press(Qt.Key.Key_Return)
    type_here("Mariam T")
    press(Qt.Key.Key_Tab)
    assert [c.label for c in dialog.contacts.chosen()] == ["Zubair Testwala", "Mariam Testwala"]
    assert dialog.focusWidget() is dialog.kind_combo
    press(Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.subject_edit
    type_here("Teacher exchange and Roshan Digital briefing")
    press(Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.summary_edit
    type_here("Agreed a joint session in Austin.")
    press(Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.program_combo
    press(Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.mechanism_combo
    press(Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.follow_up_edit
    type_here("+7")
    press(Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.date_edit
    assert dialog.date_edit.text() == clock.today().isoformat()
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible()
    with Session(_engine(window)) as s:
        engagement = s.get(Engagement, dialog.saved_id)
        orgs, people = linked_ids(s, engagement.id)
        names = s.exec(select(Contact.given_name).where(col(Contact.id).in_(people))).all()
    assert engagement.subject == "Teacher exchange and Roshan Digital briefing"
    assert engagement.follow_up_date == clock.today() + timedelta(days=7)
    assert orgs == [org.id] and sorted(names) == ["Mariam", "Zubair"]

    # The follow-up is on the Dashboard, the user's own first; mark it done there.
    window.show_page("Dashboard")
    dashboard = window.current_page()
    qtbot.waitUntil(lambda: not dashboard.loading)
    assert dashboard.rows[0].engagement_id == engagement.id
    dashboard.table.selectRow(0)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(dashboard.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    asked = dashboard.open_dialog  # Ctrl+D asks what came of it before marking it done
    qtbot.waitUntil(lambda: QApplication.activeWindow() is asked)
    assert asked.engagement_id == engagement.id
    qtbot.keyClicks(asked.note_edit, "Briefing held; 12 teachers signed up")
    with qtbot.waitSignal(dashboard.loaded):
        qtbot.keyClick(asked.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with Session(_engine(window)) as s:
        done = s.get(Engagement, engagement.id)
        assert done.follow_up_done_at is not None
        assert done.follow_up_note == "Briefing held; 12 teachers signed up"
    assert engagement.id not in [row.engagement_id for row in dashboard.rows]


def test_a_refused_save_shows_its_error_beside_the_field_and_writes_nothing(qtbot, window):
    window.show_page("Organizations")
    page = window.current_page()
    with Session(_engine(window)) as s:
        before = len(s.exec(select(Organization)).all())
    form = page.new_record()
    _type(qtbot, form.name_edit, "Association of Physicians of Pakistani Descent of North America")
    _field(form, "kind").setCurrentIndex(_field(form, "kind").findData("hometown"))
    _type(qtbot, _field(form, "email"), "not an email")
    _type(qtbot, _field(form, "region_code"), "US-ZZ")
    _save(qtbot, form)
    assert form.isVisible()
    assert "already in the registry" in form.error_text("name")
    assert "not a valid email" in form.error_text("email")
    assert "US-ZZ is not a known region code" in form.error_text("region_code")
    assert "home district" in form.error_text("hometown_district")
    assert form.name_edit.text().startswith("Association of Physicians")
    with Session(_engine(window)) as s:
        assert len(s.exec(select(Organization)).all()) == before
    qtbot.keyClick(form, Qt.Key.Key_Escape)  # something was typed: Esc asks first
    asked = form.closing_asked
    assert form.isVisible() and asked is not None
    next(b for b in asked.buttons() if b.text() == "Discard").click()
    assert not form.isVisible()


def test_quick_log_refuses_an_unknown_organization(qtbot, window):
    dialog = window.quick_log()
    qtbot.keyClicks(dialog.organizations.edit, "Zzzz Society")
    dialog.subject_edit.setText("Call")
    _save(qtbot, dialog)
    assert dialog.isVisible()
    assert "No organization matches" in dialog.error_text("organization_ids")


def test_archive_asks_first_and_restore_brings_it_back(qtbot, window):
    window.show_page("Organizations")
    page = window.current_page()
    page.table.selectRow(0)
    first_id = page.selected_id()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    box = page.pending_confirmation
    assert box is not None and "Archive" in box.text()
    box.button(QMessageBox.StandardButton.No).click()
    with Session(_engine(window)) as s:
        assert s.get(Organization, first_id).archived_at is None
    page.archive_selected().button(QMessageBox.StandardButton.Yes).click()
    with Session(_engine(window)) as s:
        assert s.get(Organization, first_id).archived_at is not None
    assert page.model.row_of_id(first_id) is None
    page.archived_check.setChecked(True)
    assert page.select_id(first_id)
    assert page.restore_button.isEnabled()
    page.restore_button.click()
    with Session(_engine(window)) as s:
        assert s.get(Organization, first_id).archived_at is None


def test_delete_and_enter_act_on_the_list_only_while_it_has_the_focus(qtbot, window):
    """Once, a list's Delete and Enter worked window-wide: Delete on a filter drop-down
    asked to archive the selected organization."""
    from PySide6.QtWidgets import QComboBox

    window.show_page("Organizations")
    page = window.current_page()
    page.table.selectRow(0)
    combo = page.findChildren(QComboBox)[0]
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    qtbot.keyClick(combo, Qt.Key.Key_Delete)
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    assert page.pending_confirmation is None
    assert page.open_dialog is None

    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.open_dialog is not None and page.open_dialog.isVisible()
    page.open_dialog.reject()


def test_record_a_measurement_for_a_program_indicator(qtbot, window):
    window.show_page("Programs")
    page = window.current_page()
    with Session(_engine(window)) as s:
        program = s.exec(select(Program).where(Program.name.like("Silicon Valley%"))).one()
        indicator = s.exec(select(Indicator).where(Indicator.program_id == program.id)).first()
    assert page.select_id(program.id)
    form = next(
        b for b in page.findChildren(type(page.new_button)) if b.text() == "Record measurement"
    )
    form.click()
    dialog = page.open_dialog
    quarter = quarter_containing(clock.today(), fiscal=True)
    assert dialog.period_edit.text() == quarter.code
    dialog.indicator_combo.setCurrentIndex(dialog.indicator_combo.findData(indicator.id))
    qtbot.keyClicks(dialog.value_edit, "47")
    _save(qtbot, dialog)
    assert not dialog.isVisible()
    with Session(_engine(window)) as s:
        value = s.exec(
            select(Measurement.value).where(
                Measurement.indicator_id == indicator.id, Measurement.period_start == quarter.start
            )
        ).one()
    assert value == 47
    assert "47" in page.detail.toPlainText()


def test_changing_a_jurisdiction_says_how_many_organizations_moved(qtbot, demo_path):
    window = MainWindow(open_workspace(str(demo_path), login_name="commission.admin"))
    qtbot.addWidget(window)
    window.show_page("Settings")
    page = window.current_page()
    houston = next(
        i for i in range(page.missions.count()) if "(HOU)" in page.missions.item(i).text()
    )
    page.missions.setCurrentRow(houston)
    assert "US-TX" in page.regions_edit.toPlainText()
    with Session(window.workspace.engine) as s:
        in_texas = len(
            s.exec(
                select(Organization).where(
                    Organization.region_code == "US-TX", Organization.archived_at.is_(None)
                )
            ).all()
        )
    codes = [c.strip() for c in page.regions_edit.toPlainText().split(",") if c.strip() != "US-TX"]
    page.regions_edit.setPlainText(", ".join(codes))
    moved = page.save_regions()
    assert moved == in_texas > 0
    assert f"{moved} organizations moved" in page.message.text()
    page.regions_edit.setPlainText(page.regions_edit.toPlainText() + ", US-XX")
    assert page.save_regions() is None
    assert "US-XX" in page.message.text()


def test_tags_are_renamed_merged_and_unused_ones_deleted(qtbot, demo_path, monkeypatch):
    window = active_main_window(qtbot, demo_path, login_name="commission.admin")
    window.show_page("Settings")
    page = window.current_page()

    def select_tag(name):
        for row in range(page.tags.count()):
            if page.tags.item(row).text().startswith(name + "  ("):
                page.tags.setCurrentRow(row)
                return
        raise AssertionError(name)

    select_tag("music")
    page.tag_name.setText("qawwali")
    page.rename_button.click()
    select_tag("qawwali")
    page.merge_target.setCurrentIndex(page.merge_target.findText("culture"))
    page.merge_button.click()
    with Session(_engine(window)) as s:
        names = set(s.exec(select(Tag.name)).all())
        culture = s.exec(select(Tag).where(Tag.name == "culture")).one()
        qsms = s.exec(select(Organization).where(Organization.acronym == "QSMS")).one()
        assert (
            s.exec(
                select(OrganizationTag).where(
                    OrganizationTag.tag_id == culture.id, OrganizationTag.organization_id == qsms.id
                )
            ).first()
            is not None
        )
    assert "music" not in names and "qawwali" not in names
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    page.delete_unused_button.click()
    assert "Unused tags deleted." in page.message.text()


def test_settings_refuse_a_bad_month_and_keep_the_old_value(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="commission.admin")
    window.show_page("Settings")
    page = window.current_page()
    page.host_country.setEditText("U1")
    assert not page.save_installation()
    assert "Choose the host country from the list" in page.message.text()
    assert "host_country" not in page.message.text()  # a sentence, not a field's name
    page.host_country.setEditText("United Kingdom")  # chosen by name, kept as its code
    page.marking.setText("RESTRICTED")
    assert page.save_installation()
    with Session(window.workspace.engine) as s:
        assert read_settings(s).host_country == "GB"
    page.reload()
    assert page.host_country.currentText() == "United Kingdom (GB)"
    window.show_page("Reports")


def test_a_save_over_someone_elses_newer_save_is_refused_and_reload_shows_theirs(qtbot, window):
    from db import store
    from db.foundations.actor import Actor
    from db.store.organizations import update_organization

    window.show_page("Organizations")
    page = window.current_page()
    page.table.selectRow(0)
    org_id = page.selected_id()
    form = page.edit_selected()
    _type(qtbot, _field(form, "city"), " North")
    # Meanwhile another officer saves the same organization from another window.
    colleague = Actor(id=None, username="colleague", role="admin")
    with store.session(_engine(window)) as s:
        update_organization(s, colleague, org_id, {"description": "Their change"})
    _save(qtbot, form)
    assert form.isVisible()  # nothing saved over their change; what was typed stays
    assert "colleague changed this organization" in form.general_error.text()
    assert _field(form, "city").text().endswith(" North")
    assert form.reload_button.isVisible()
    qtbot.mouseClick(form.reload_button, Qt.MouseButton.LeftButton)
    fresh = page.open_dialog
    assert fresh is not form and fresh.isVisible() and not form.isVisible()
    assert "Their change" in _field(fresh, "description").toPlainText()
    qtbot.waitUntil(lambda: "Their change" in page.detail.toPlainText())  # the pane caught up
    _type(qtbot, _field(fresh, "city"), " North")
    _save(qtbot, fresh)
    with Session(_engine(window)) as s:
        org = s.get(Organization, org_id)
        assert org.city.endswith(" North") and org.description == "Their change"
