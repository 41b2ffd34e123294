"""Every list model passes Qt's model tester, pages through SQL, and agrees with a full
query of the same filter and order."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlmodel import Session, select

from db.foundations.models import Contact
from desktop.main_window import MainWindow
from desktop.models.paged_table import ID_ROLE
from tests.desktop.conftest import open_workspace

PAGES = ("Organizations", "Contacts", "Engagements", "Programs")


@pytest.fixture
def window(qtbot, demo_path) -> MainWindow:
    window = MainWindow(open_workspace(str(demo_path), login_name="tester"))
    qtbot.addWidget(window)
    window.show()
    return window


def _all_ids(model) -> list[int]:
    while model.canFetchMore():
        model.fetchMore()
    return [model.index(row, 0).data(ID_ROLE) for row in range(model.rowCount())]


@pytest.mark.parametrize("name", PAGES)
def test_model_passes_the_qt_model_tester(qtmodeltester, window, name):
    page = window.page(name)
    page.model.PAGE_SIZE = 25
    qtmodeltester.check(page.model, force_py=True)


@pytest.mark.parametrize("name", PAGES)
def test_paged_model_agrees_with_a_full_query(window, name):
    page = window.page(name)
    model = page.model
    model.PAGE_SIZE = 37
    model.reload()
    for column in range(len(model.columns)):
        if model.columns[column].sort_key is None:
            continue
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(column, order)
            assert model.rowCount() <= 37
            paged = _all_ids(model)
            with Session(window.workspace.engine) as s:
                full = page.page_query(
                    s,
                    model.current_filter,
                    sort=model.columns[column].sort_key,
                    descending=order == Qt.SortOrder.DescendingOrder,
                    offset=0,
                    limit=1_000_000,
                )
                total = page.count_query(s, model.current_filter)
            assert paged == [row.id for row in full]
            assert len(paged) == total == model.total


def test_ctrl_k_finds_and_opens_a_record(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    dialog = window.search_dialog
    with qtbot.waitSignal(dialog.searched, timeout=10_000) as searched:
        qtbot.keyClicks(dialog.box, "appn")
    assert searched.args[0] >= 1
    assert dialog.results.topLevelItem(0).text(0).startswith("Organizations")
    qtbot.keyClick(dialog.box, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    page = window.current_page()
    assert page.title == "Organizations"
    assert "Association of Physicians of Pakistani Descent" in page.detail.toPlainText()


def test_large_lists_filter_and_sort_on_a_worker(qtbot, window, monkeypatch):
    monkeypatch.setattr(type(window.page("Engagements").model), "BACKGROUND_ABOVE", 100)
    page = window.page("Engagements")
    window.show_page("Engagements")
    model = page.model
    before = model.total
    with qtbot.waitSignal(model.loading_changed, timeout=5000) as started:
        page.combos["kind"].setCurrentIndex(page.combos["kind"].findData("call"))
    assert started.args == [True]
    assert model.total == before  # the old rows stay until the new ones arrive
    assert page.count_label.text().startswith("Updating")
    qtbot.waitUntil(lambda: not model.loading, timeout=10_000)
    kinds = {model.row_at(row).kind for row in range(model.rowCount())}
    assert kinds == {"call"} and model.total < before
    assert page.count_label.text() == f"{model.total} engagements"


def test_enter_typed_before_the_results_arrive_opens_the_first_found(qtbot, window):
    dialog = window.open_search()
    with qtbot.waitSignal(dialog.chosen, timeout=10_000) as chosen:
        qtbot.keyClicks(dialog.box, "Omar Durr")
        qtbot.keyClick(dialog.box, Qt.Key.Key_Return)  # at once, before any search ran
        assert dialog.isVisible() and dialog.searching
    kind, record_id = chosen.args
    assert kind == "contact"
    with Session(window.workspace.engine) as s:
        assert s.get(Contact, record_id).family_name == "Durrani"
    assert not dialog.isVisible()


def test_a_record_opened_while_its_list_loads_stays_shown_then_selected(qtbot, window, monkeypatch):
    from desktop.models.paged_table import PagedTableModel

    monkeypatch.setattr(PagedTableModel, "BACKGROUND_ABOVE", 10)  # every list on a worker
    with Session(window.workspace.engine) as s:
        durrani = s.exec(
            select(Contact).where(Contact.given_name == "Omar", Contact.family_name == "Durrani")
        ).one()
    window.show_record("contact", durrani.id)
    page = window.current_page()
    assert page.model.loading and page.model.rowCount() == 0
    assert "Omar Durrani" in page.detail.toPlainText()  # shown alone at once
    qtbot.waitUntil(lambda: not page.model.loading, timeout=10_000)
    assert page.selected_id() == durrani.id  # listed now, so selected
    assert "Omar Durrani" in page.detail.toPlainText()
