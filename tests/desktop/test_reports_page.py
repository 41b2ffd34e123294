"""The Reports page: build in the background, preview, print, save; narrative kept."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtCore import QDate
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox
from sqlmodel import Session, select

from db.foundations.models import ReportText
from desktop.main_window import MainWindow
from desktop.pages.reports import BRIEF, HANDOVER, ReportsPage
from tests.desktop.conftest import open_workspace


def _page(qtbot, path, login_name: str = "tester") -> ReportsPage:
    window = MainWindow(open_workspace(str(path), login_name=login_name))
    qtbot.addWidget(window)
    window.show()
    window.show_page("Reports")
    page = window.current_page()
    assert isinstance(page, ReportsPage)
    return page


def _build(qtbot, page: ReportsPage) -> None:
    page.build_button.click()
    qtbot.waitUntil(lambda: page.document.status() == QPdfDocument.Status.Ready, timeout=60_000)


def test_quarterly_report_is_built_previewed_saved_and_printed(qtbot, demo_path, tmp_path):
    page = _page(qtbot, demo_path)
    assert page.period_combo.count() == 8
    assert page.scope_combo.itemData(0) == "ALL"
    assert not page.confidential_check.isEnabled()
    _build(qtbot, page)
    pages = page.document.pageCount()
    assert pages >= 4
    assert "pages, built in" in page.status_label.text()
    assert page.save_copy(tmp_path / "saved")
    assert (tmp_path / "saved.pdf").stat().st_mode & 0o777 == 0o600  # its owner's alone
    saved = PdfReader(str(tmp_path / "saved.pdf"))
    assert len(saved.pages) == pages
    assert page.period_combo.currentText() in saved.pages[0].extract_text()

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert page.render_to(printer) == pages
    assert len(PdfReader(str(tmp_path / "printed.pdf")).pages) == pages


def test_brief_of_a_typed_organization(qtbot, demo_path):
    page = _page(qtbot, demo_path)
    page.kind_combo.setCurrentIndex(page.kind_combo.findData(BRIEF))
    assert page.organization_combo.isVisible() and not page.period_combo.isVisible()
    page.organization_combo.setEditText("APPNA")
    _build(qtbot, page)
    assert page.document.pageCount() in (1, 2)
    assert "Association of Physicians" in page.status_label.text()


def test_unknown_organization_says_so(qtbot, demo_path):
    page = _page(qtbot, demo_path)
    page.kind_combo.setCurrentIndex(page.kind_combo.findData(BRIEF))
    page.organization_combo.setEditText("Nonexistent Society")
    page.build_button.click()
    qtbot.waitUntil(lambda: page.status_label.text().startswith("Not built"), timeout=30_000)
    assert "No organization is called" in page.status_label.text()
    assert page.current_pdf is None


def test_an_officer_cannot_save_the_narrative(qtbot, demo_path):
    page = _page(qtbot, demo_path)
    assert not page.save_texts_button.isEnabled()
    assert "Supervisors" in page.save_texts_button.toolTip()


def test_narrative_and_signatures_are_kept_per_quarter_and_scope(qtbot, demo_path, monkeypatch):
    page = _page(qtbot, demo_path, login_name="r.sheikh")  # Head of Chancery, Houston
    page.scope_combo.setCurrentIndex(page.scope_combo.findData("HOU"))
    qtbot.keyClicks(page.narrative_edit, "Outreach in Texas went well.")
    page.signature_names["prepared"].setText("Nadia Jamil")
    assert page.save_texts()
    with Session(page.workspace.engine) as s:
        row = s.exec(select(ReportText)).one()
    assert (row.scope, row.narrative, row.prepared_by) == (
        "HOU",
        "Outreach in Texas went well.",
        "Nadia Jamil",
    )

    page.scope_combo.setCurrentIndex(page.scope_combo.findData("ALL"))
    assert page.narrative_edit.toPlainText() == ""
    page.scope_combo.setCurrentIndex(page.scope_combo.findData("HOU"))
    assert page.narrative_edit.toPlainText() == "Outreach in Texas went well."

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    page.signature_dates["approved"].setDate(QDate(2001, 1, 1))
    page.narrative_edit.setPlainText("Changed")
    assert not page.save_texts()
    assert "cannot be before" in warnings[0]
    with Session(page.workspace.engine) as s:
        assert s.exec(select(ReportText)).one().narrative == "Outreach in Texas went well."


def test_building_keeps_the_narrative_just_typed(qtbot, demo_path, tmp_path):
    page = _page(qtbot, demo_path, login_name="commission.admin")
    page.narrative_edit.setPlainText("A quarter of steady outreach.")
    _build(qtbot, page)
    page.save_copy(tmp_path / "q.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(str(tmp_path / "q.pdf")).pages)
    assert "A quarter of steady outreach." in text


def test_the_officer_chooses_the_highlights_the_report_features(qtbot, demo_path, tmp_path):
    from PySide6.QtCore import Qt

    page = _page(qtbot, demo_path, login_name="commission.admin")
    page.scope_combo.setCurrentIndex(page.scope_combo.findData("LAX"))
    offered = page.highlights_list
    assert offered.count() > 2
    chosen = offered.item(offered.count() - 1)  # the oldest offered, not a default pick
    chosen.setCheckState(Qt.CheckState.Checked)
    chosen_id, label = chosen.data(Qt.ItemDataRole.UserRole), chosen.text()
    assert page.save_texts()
    page.scope_combo.setCurrentIndex(page.scope_combo.findData("ALL"))
    page.scope_combo.setCurrentIndex(page.scope_combo.findData("LAX"))
    assert page.chosen_highlights() == [chosen_id]
    _build(qtbot, page)
    page.save_copy(tmp_path / "q.pdf")
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(str(tmp_path / "q.pdf")).pages
    )
    subject = label.split(" · ", 2)[2]
    highlights = text[text.index("Highlights") : text.index("Programs and indicators")]
    assert " ".join(subject.split()[:3]) in highlights
    assert "The engagements chosen for this report" in highlights


def test_a_handover_dossier_from_the_reports_menu(qtbot, demo_path):
    from tests.conftest import ensure_user

    ensure_user(demo_path, "sup_hou", "supervisor", "HOU")
    window = MainWindow(open_workspace(str(demo_path), login_name="sup_hou"))
    qtbot.addWidget(window)
    window.show()
    window.report_actions["handover"].trigger()
    page = window.current_page()
    assert isinstance(page, ReportsPage) and page.kind_combo.currentData() == HANDOVER
    assert page.handover_combo.isVisible() and not page.organization_combo.isVisible()
    assert page.handover_combo.itemData(0) == "officer:sup_hou"  # oneself first
    page.handover_combo.setCurrentIndex(page.handover_combo.findData("mission:HOU"))
    _build(qtbot, page)
    assert page.document.pageCount() >= 5
    assert "Handover dossier, Consulate General of Pakistan, Houston" in page.status_label.text()

    page.handover_combo.setCurrentIndex(page.handover_combo.findData("mission:NYC"))
    page.build_button.click()
    qtbot.waitUntil(lambda: page.status_label.text().startswith("Not built"), timeout=30_000)
    assert "own mission only" in page.status_label.text()


def test_a_preview_goes_when_its_choices_change_and_save_as_proposes_its_title(qtbot, demo_path):
    page = _page(qtbot, demo_path)
    page.kind_combo.setCurrentIndex(page.kind_combo.findData(BRIEF))
    page.organization_combo.setEditText("APPNA")
    _build(qtbot, page)
    assert page.save_button.isEnabled() and page.print_button.isEnabled()
    assert page.proposed_file_name() == f"{page.current_title}.pdf"
    assert page.proposed_file_name().startswith("Organization brief, ")
    page.kind_combo.setCurrentIndex(page.kind_combo.findData(HANDOVER))
    assert page.current_pdf is None and page.document.pageCount() == 0
    assert not page.save_button.isEnabled() and not page.print_button.isEnabled()
    assert page.preview_stack.currentWidget() is page.preview_placeholder
    page.save_as()  # nothing previewed: no dialog, nothing written
    page.print_report()


def test_enter_in_the_organization_box_takes_the_first_match(qtbot, demo_path):
    from PySide6.QtCore import Qt

    page = _page(qtbot, demo_path)
    page.kind_combo.setCurrentIndex(page.kind_combo.findData(BRIEF))
    page.organization_combo.setFocus()
    page.organization_combo.lineEdit().setText("APP")
    qtbot.keyClick(page.organization_combo.lineEdit(), Qt.Key.Key_Return)
    assert "(APPNA)" in page.organization_combo.currentText()
    _build(qtbot, page)
    assert "Association of Physicians" in page.status_label.text()
