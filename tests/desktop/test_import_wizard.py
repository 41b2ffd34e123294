"""The Import wizard as an officer meets it: a file, the columns, the check, the rows
like records already there, and the import; all work on a worker."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard
from sqlmodel import Session, func, select

from db.foundations.models import Contact
from tests.desktop.conftest import active_main_window
from tests.exchange import office_files


def _contacts(engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(Contact)).one()


def test_an_outlook_file_goes_through_every_step(qtbot, demo_path, tmp_path):
    window = active_main_window(qtbot, demo_path, login_name="supervisor.one")
    window.show_page("Contacts")
    page = window.page("Contacts")
    page.import_button.click()
    wizard = window.import_wizard
    assert wizard.isVisible() and wizard.file_page.kind_combo.currentData() == "contacts"
    before = _contacts(window.workspace.engine)
    wizard.file_page.path_edit.setText(str(office_files.outlook_contacts_csv(tmp_path)))
    wizard.next()
    mapping = wizard.mapping_page
    assert wizard.currentPage() is mapping
    assert "Windows-1252 text separated by commas" in mapping.about.text()
    chosen = {
        mapping.table.item(row, 0).text(): combo.currentData()
        for row, combo in enumerate(mapping.combos)
    }
    assert chosen["Company"] == "organization" and chosen["E-mail Address"] == "email"
    wizard.next()
    check = wizard.check_page
    qtbot.waitUntil(lambda: check.outcome is not None, timeout=20_000)
    assert check.isComplete() and "All 3 rows can be imported" in check.summary.text()
    assert check.problems.rowCount() == 1  # the employer not in the registry, as a note
    assert _contacts(window.workspace.engine) == before  # the check wrote nothing
    wizard.next()
    qtbot.waitUntil(lambda: wizard.import_page.outcome is not None, timeout=20_000)
    assert wizard.import_page.summary.text().startswith("<b>Imported.</b> 3 contacts added")
    assert _contacts(window.workspace.engine) == before + 3
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()


def test_rows_with_problems_stop_the_import_and_can_be_saved(qtbot, demo_path, tmp_path):
    window = active_main_window(qtbot, demo_path)
    path = tmp_path / "people.csv"
    path.write_text("Given name,Email\nAli,ali@example.com\nHina,not-an-email\n")
    wizard = window.import_file("contacts")
    wizard.file_page.path_edit.setText(str(path))
    wizard.next()
    wizard.next()
    check = wizard.check_page
    qtbot.waitUntil(lambda: check.outcome is not None, timeout=20_000)
    assert "1 of 2 rows has a problem" in check.summary.text()
    assert not check.isComplete()
    assert [check.problems.item(0, c).text() for c in range(2)] == ["3 · Hina", "Email"]
    saved = tmp_path / "fix.csv"
    from db.exchange.imports import write_problem_file

    assert write_problem_file(wizard.source, check.outcome, saved) == 1


def test_rows_like_existing_records_offer_a_choice(qtbot, demo_path, tmp_path):
    window = active_main_window(qtbot, demo_path)
    path = office_files.semicolon_windows_1252(tmp_path)
    first = window.import_file("contacts")
    first.file_page.path_edit.setText(str(path))
    first.next()
    first.next()
    qtbot.waitUntil(lambda: first.check_page.outcome is not None, timeout=20_000)
    first.next()
    qtbot.waitUntil(lambda: first.import_page.outcome is not None, timeout=20_000)
    first.accept()
    again = window.import_file("contacts")
    again.file_page.path_edit.setText(str(path))
    again.next()
    again.next()
    check = again.check_page
    qtbot.waitUntil(lambda: check.outcome is not None, timeout=20_000)
    assert check.matches.rowCount() == 3 and check.matches.item(0, 3).text() == "same email"
    assert check.matches.item(0, 1).text().startswith("Renée D'Souza (renee.dsouza@example.com")
    check.all_matches.setCurrentIndex(check.all_matches.findData("update"))
    check.all_matches.activated.emit(check.all_matches.currentIndex())
    assert set(again.decisions.values()) == {"update"}
    again.next()
    qtbot.waitUntil(lambda: again.import_page.outcome is not None, timeout=20_000)
    assert again.import_page.outcome.updated == 3


def test_a_file_that_cannot_be_read_keeps_the_first_step(qtbot, demo_path, tmp_path):
    window = active_main_window(qtbot, demo_path)
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4")
    wizard = window.import_file()
    wizard.file_page.path_edit.setText(str(path))
    wizard.next()
    assert wizard.currentPage() is wizard.file_page
    assert "cannot be imported" in wizard.file_page.about.text()


def test_ctrl_shift_i_on_contacts_opens_the_wizard_on_contacts_and_warns_of_another_kind(
    qtbot, demo_path, tmp_path
):
    from PySide6.QtCore import Qt

    window = active_main_window(qtbot, demo_path, login_name="supervisor.one")
    window.show_page("Contacts")
    qtbot.keyClick(
        window,
        Qt.Key.Key_I,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    wizard = window.import_wizard
    assert wizard.file_page.kind_combo.currentData() == "contacts" and wizard.kind == "contacts"
    path = tmp_path / "associations.csv"
    path.write_text("Name,Acronym,Type,City\nSialkot Welfare Society,SWS,welfare,Houston\n")
    wizard.file_page.path_edit.setText(str(path))
    wizard.next()
    assert wizard.currentPage() is wizard.file_page  # warned first, nothing mapped yet
    about = wizard.file_page.about.text()
    assert "look like a list of organizations" in about and "Next again" in about
    wizard.next()  # the officer means it: the rows are people after all
    assert wizard.currentPage() is wizard.mapping_page
    wizard.reject()


def test_an_engagement_log_gets_one_mission_and_officer_and_good_rows_can_go_in_alone(
    qtbot, demo_path, tmp_path
):
    from db.foundations.models import Engagement, Mission, User

    window = active_main_window(qtbot, demo_path, login_name="supervisor.one")
    path = tmp_path / "houston-log.csv"
    path.write_text(
        "Date,Kind,Subject,Organization,Remarks,Follow-up by\n"
        "2026-11-02,Meeting,Welfare desk visit,APPNA,Met the board,2026-12-20\n"
        '2026-11-03,Meeting,=HYPERLINK("x"),No Such Society,Bad row,\n'
        "2026-11-04,Meeting,Mela planning,APPNA,Venue chosen,\n"
    )
    wizard = window.import_file("engagements")
    wizard.file_page.path_edit.setText(str(path))
    wizard.next()
    mapping = wizard.mapping_page
    chosen = {
        mapping.table.item(row, 0).text(): combo.currentData()
        for row, combo in enumerate(mapping.combos)
    }
    assert chosen["Remarks"] == "summary" and chosen["Follow-up by"] == "follow_up_date"
    assert mapping.every_row.isVisibleTo(wizard)
    mapping.every_mission.setCurrentIndex(mapping.every_mission.findData("HOU"))
    mapping.every_officer.setCurrentIndex(mapping.every_officer.findData("n.jamil"))
    wizard.next()
    check = wizard.check_page
    qtbot.waitUntil(lambda: check.outcome is not None, timeout=20_000)
    assert not check.isComplete()  # a row has a problem: all or nothing by default
    assert check.problems.item(0, 0).text().startswith("3 · =HYPERLINK")
    assert "Import the 2 good rows" in check.keep_good_rows.text()
    check.keep_good_rows.setChecked(True)
    assert check.isComplete()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.import_page.outcome is not None, timeout=20_000)
    assert "1 row was left out" in wizard.import_page.summary.text()
    with Session(window.workspace.engine) as s:
        hou = s.exec(select(Mission.id).where(Mission.code == "HOU")).one()
        jamil = s.exec(select(User.id).where(User.username == "n.jamil")).one()
        subjects = ["Welfare desk visit", "Mela planning"]
        logged = s.exec(select(Engagement).where(Engagement.subject.in_(subjects))).all()
    assert len(logged) == 2 and {(e.mission_id, e.officer_id) for e in logged} == {(hou, jamil)}
    problems = (tmp_path / "houston-log.problems.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in problems and "No Such Society" in problems
