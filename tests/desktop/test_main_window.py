"""The main window on real databases, driven as a user would."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox
from sqlmodel import Session, select

from db.foundations.engine import connect_sqlite_file
from db.foundations.models import Organization
from db.security.sign_in import sign_in
from desktop.dialogs.sign_in import SignInDialog
from desktop.main_window import PAGE_ORDER, MainWindow
from desktop.models.paged_table import ID_ROLE
from desktop.pages.dashboard import DashboardPage
from desktop.pages.organizations import OrganizationsPage
from tests.conftest import TEST_PASSWORD, ensure_user
from tests.desktop.conftest import active_main_window


def _window(qtbot, path) -> MainWindow:
    return active_main_window(qtbot, path)


def _names(page: OrganizationsPage) -> list[str]:
    model = page.model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_demo_organizations_are_listed_and_filtered(qtbot, demo_path):
    window = _window(qtbot, demo_path)
    window.show_page("Organizations")
    page = window.current_page()
    assert isinstance(page, OrganizationsPage)
    assert "Association of Physicians of Pakistani Descent of North America" in _names(page)
    assert page.count_label.text() == f"{page.model.total} organizations"

    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.filter_edit.hasFocus()
    qtbot.keyClicks(page.filter_edit, "appna")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert _names(page) == ["Association of Physicians of Pakistani Descent of North America"]
    assert page.count_label.text() == "1 organization"

    page.filter_edit.clear()
    page.combos["kind"].setCurrentIndex(page.combos["kind"].findData("hometown"))
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    with Session(window.workspace.engine) as s:
        hometown = set(
            s.exec(select(Organization.name).where(Organization.kind == "hometown")).all()
        )
    assert set(_names(page)) == hometown


def test_sorting_happens_in_sql_and_is_remembered(qtbot, demo_path):
    window = _window(qtbot, demo_path)
    window.show_page("Organizations")
    page = window.current_page()
    page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    names = _names(page)
    assert names == sorted(names, key=str.lower, reverse=True)
    assert page.model.index(0, 0).data(ID_ROLE) is not None
    window.close()

    again = _window(qtbot, demo_path)
    header = again.current_page().table.horizontalHeader()
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert _names(again.current_page()) == names
    assert QSettings().value("main_window/page") == "Organizations"


def test_every_page_is_built_and_the_dashboard_comes_first(qtbot, demo_path):
    window = _window(qtbot, demo_path)
    assert window.sidebar.count() == len(PAGE_ORDER) == 9
    assert all(not window.sidebar.item(n).icon().isNull() for n in range(9))
    dashboard = window.current_page()
    assert isinstance(dashboard, DashboardPage)
    qtbot.waitUntil(lambda: not dashboard.loading)
    assert dashboard.table.rowCount() == len(dashboard.rows) > 0
    assert "open follow-ups" in dashboard.summary.text()
    for action in window.toolbar_actions.values():
        assert action.shortcut().toString() in action.toolTip()
    about = window.show_about()
    assert "Rabta 0.1.0" in about.text.text() and "SIL Open Font License" in about.text.text()
    about.close()
    for number, name in enumerate(PAGE_ORDER, start=1):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + number), Qt.KeyboardModifier.ControlModifier)
        assert window.sidebar.currentItem().text() == name


def test_empty_database_offers_the_demo_and_loads_it(qtbot, db_path):
    window = _window(qtbot, db_path)
    window.show_page("Organizations")
    page = window.current_page()
    assert page.model.total == 0
    assert page.empty_state.isVisibleTo(page) and not page.table.isVisibleTo(page)
    assert "No organizations yet. Press Ctrl+N" in page.empty_state.text()
    for name in ("Contacts", "Engagements", "Programs"):
        other = window.page(name)
        assert other.empty_state.text().startswith(f"No {other.noun}s yet."), name
    window.show_page("Organizations")
    window.offer_demo_if_empty()
    box = window.demo_offer
    assert box is not None and box.isVisible()
    with qtbot.waitSignal(window.workspace.broadcast.changed, timeout=60_000):
        box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: page.model.total > 40, timeout=5000)
    # The status bar counts the engagements this officer may see (the demo's 600 less
    # other officers' confidential ones), as their Engagements list does.
    from db.queries.engagements import EngagementFilter, count_engagements

    with Session(window.workspace.engine) as s:
        seen = count_engagements(s, EngagementFilter(viewer=window.workspace.actor))
    assert 0 < seen <= 600
    qtbot.waitUntil(lambda: f"{seen:,} engagements" in window.status_counts.text(), timeout=5000)
    assert page.table.isVisibleTo(page) and not page.empty_state.isVisibleTo(page)
    page.filter_edit.setText("zzzz no such name")
    page.apply_filter()
    qtbot.waitUntil(lambda: page.model.total == 0, timeout=5000)
    assert "match what the filter bar says" in page.empty_state.text()


def test_a_database_with_records_is_not_offered_the_demo(qtbot, demo_path):
    window = _window(qtbot, demo_path)
    window.offer_demo_if_empty()
    assert window.demo_offer is None


def test_the_window_shows_first_and_uses_the_signed_in_database_behind_it(qtbot, demo_path):
    ensure_user(demo_path, "tester")
    signed_in = sign_in(str(demo_path), "tester", TEST_PASSWORD)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.workspace is None and not window.sidebar.isEnabled()
    assert not any(action.isEnabled() for action in window.toolbar_actions.values())
    assert window.current_page() is window.opening_label
    with qtbot.waitSignal(window.ready, timeout=20_000):
        window.open_signed_in(signed_in.opened, signed_in.actor)
    assert window.workspace is not None and window.sidebar.isEnabled()
    assert window.workspace.actor.username == "tester"
    assert all(action.isEnabled() for action in window.toolbar_actions.values())
    assert str(demo_path) in window.windowTitle()
    dashboard = window.current_page()
    assert isinstance(dashboard, DashboardPage)
    qtbot.waitUntil(lambda: not dashboard.loading)
    assert dashboard.rows


def test_a_database_locked_by_another_program_is_said_plainly_at_sign_in(
    qtbot, demo_path, monkeypatch
):
    ensure_user(demo_path, "tester")
    monkeypatch.setattr("db.foundations.engine.BUSY_TIMEOUT_MS", 100)
    # Another connection through the same SQLite library (two copies of SQLite in one
    # process do not see each other's POSIX locks; another process would).
    other_program = connect_sqlite_file(demo_path)
    other_program.execute("BEGIN EXCLUSIVE")  # the sign-in's audit entry cannot be written
    dialog = SignInDialog(str(demo_path), "tester")
    qtbot.addWidget(dialog)
    try:
        dialog.password.setText(TEST_PASSWORD)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    finally:
        other_program.rollback()
        other_program.close()
    assert dialog.error.text() == (
        f"{demo_path} is locked by another program; close the other Rabta window and try again."
    )
    assert dialog.signed_in is None and dialog.result() != QDialog.DialogCode.Accepted


def test_the_bundled_urdu_font_covers_the_letters_system_fonts_may_lack(qapp):
    from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics

    from desktop.app import add_urdu_fonts

    add_urdu_fonts()
    assert "Noto Naskh Arabic" in QFontDatabase.families()
    metrics = QFontMetrics(QFont("Noto Naskh Arabic"))
    assert all(metrics.inFontUcs4(ord(letter)) for letter in "نادیہ چوہدری ٹڈڑے")


def test_down_in_the_filter_box_enters_the_list_and_enter_opens_the_row(qtbot, demo_path):
    window = _window(qtbot, demo_path)
    window.show_page("Engagements")
    page = window.current_page()
    assert page.detail.placeholderText() == "Select an engagement to see it here."
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(page.filter_edit, "Roshan")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and not page.model.loading)
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Down)
    assert page.table.hasFocus()
    first = page.model.index(0, 0).data(ID_ROLE)
    assert page.selected_id() == first
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.open_dialog is not None and page.open_dialog.isVisible())
    assert page.open_dialog.engagement_id == first
    page.open_dialog.reject()


def test_the_first_window_fits_a_small_screen(qtbot):
    """Before any geometry is saved the window takes 1280x800 or nine tenths of a
    smaller screen, so a 1366x768 laptop sees the status bar (a real X screen showed
    the bottom cut off)."""
    QSettings().remove("main_window/geometry")
    window = MainWindow()
    qtbot.addWidget(window)
    available = window.screen().availableGeometry()
    assert available.contains(window.geometry()), (available, window.geometry())
    assert window.width() == min(1280, int(available.width() * 0.9))


def test_every_page_fits_150_percent_of_a_1366x768_screen(qtbot, demo_path):
    """With every page built the window can still shrink to 910x512 logical pixels
    (1366x768 at 150%): the record pages put their drop-downs under the filter box and
    their buttons in a tool bar that folds, the Reports choices and Settings tabs scroll.
    Before, the Organizations page alone held the window 1434 pixels wide."""
    window = _window(qtbot, demo_path)
    for name in PAGE_ORDER:
        window.show_page(name)
    needed = window.minimumSizeHint()
    assert needed.width() <= 910 and needed.height() <= 512, needed
    window.resize(910, 512)
    qtbot.wait(50)
    assert window.width() == 910 and window.height() == 512
