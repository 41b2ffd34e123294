"""The Dashboard on the demo registry: its cards and bars show what the quarterly report
prints for the same quarter and scope, for all missions and for one; a number or a bar
opens the engagement list narrowed to what it counts, with as many rows; the chosen
scope is remembered; nothing is clipped at 1366x768, 1024x768 or a 150% scale factor."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from db.stats import ALL_MISSIONS, current_quarter, quarterly_report_data
from desktop.pages.dashboard import CARDS, DashboardPage
from tests.desktop.conftest import active_main_window


def _dashboard(qtbot, demo_path, login_name="supervisor_all") -> tuple:
    window = active_main_window(qtbot, demo_path, login_name=login_name)
    page = window.current_page()
    assert isinstance(page, DashboardPage)
    qtbot.waitUntil(lambda: page.figures is not None and not page.figures_loading, timeout=20_000)
    return window, page


def _shows_the_report(page: DashboardPage, engine, scope: str, confidential: bool) -> None:
    with Session(engine) as s:
        quarter = current_quarter(s, date.today())
        printed = quarterly_report_data(s, quarter, scope, include_confidential=confidential)
    for _title, field, _listable in CARDS:
        assert page.cards[field].value_label.text() == f"{getattr(printed.current, field):,}"
    assert [(b.label, b.count) for b in page.by_month.bars] == [
        (r.label, r.count) for r in printed.engagements_by_month
    ]
    assert [(b.key, b.count) for b in page.by_mechanism.bars] == [
        (r.key, r.count) for r in printed.engagements_by_mechanism
    ]
    assert [(b.key, b.count) for b in page.by_mission.bars] == [
        (r.key, r.count) for r in printed.engagements_by_mission
    ]
    assert quarter.title in page.quarter_label.text()


def test_the_dashboard_shows_what_the_report_prints(qtbot, demo_path):
    from tests.conftest import ensure_user

    ensure_user(demo_path, "supervisor_all", "supervisor")
    window, page = _dashboard(qtbot, demo_path)
    engine = window.workspace.engine
    assert page.scope == ALL_MISSIONS
    _shows_the_report(page, engine, ALL_MISSIONS, confidential=True)
    assert page.by_mission_section.isVisibleTo(page)

    with qtbot.waitSignal(page.figures_loaded, timeout=20_000):
        page.mission_box.setCurrentIndex(page.mission_box.findData("HOU"))
    _shows_the_report(page, engine, "HOU", confidential=True)
    assert not page.by_mission_section.isVisibleTo(page)
    window.close()

    _again, remembered = _dashboard(qtbot, demo_path)
    assert remembered.scope == "HOU"


def test_a_number_or_a_bar_lists_what_it_counts(qtbot, demo_path):
    from tests.conftest import ensure_user

    ensure_user(demo_path, "supervisor_all", "supervisor")
    window, page = _dashboard(qtbot, demo_path)
    card = page.cards["engagements"]
    counted = int(card.value_label.text().replace(",", ""))
    assert counted > 0
    card.click()
    listed = window.current_page()
    assert listed.title == "Engagements"
    qtbot.waitUntil(lambda: not listed.model.loading)
    assert listed.model.total == counted
    assert "dated" in listed.narrowing_label.text() and listed.narrowing_label.isVisibleTo(listed)

    window.show_page("Dashboard")
    mechanism = next(bar for bar in page.by_mechanism.bars if bar.key)
    page.by_mechanism.bar_clicked.emit(mechanism.key)
    qtbot.waitUntil(lambda: not listed.model.loading)
    assert listed.model.total == mechanism.count
    assert listed.combo_value("mechanism") == mechanism.key

    window.show_page("Dashboard")
    mission = page.by_mission.bars[0]
    page.by_mission.bar_clicked.emit(mission.key)
    qtbot.waitUntil(lambda: not listed.model.loading)
    assert listed.model.total == mission.count

    listed.narrowing_clear.click()
    qtbot.waitUntil(lambda: not listed.model.loading)
    assert listed.model.total > mission.count and not listed.narrowing_label.isVisibleTo(listed)


@pytest.mark.parametrize(
    "size", [(1366, 768), (1024, 768), (910, 512)], ids=["1366x768", "1024x768", "150%-of-1366x768"]
)
def test_nothing_is_clipped(qtbot, demo_path, size):
    from tests.conftest import ensure_user

    ensure_user(demo_path, "supervisor_all", "supervisor")
    window, page = _dashboard(qtbot, demo_path)
    window.resize(*size)  # at a 150% scale factor a 1366x768 screen holds 910x512 logical
    qtbot.wait(50)
    content = page.scroll.widget()
    assert content.width() <= page.scroll.viewport().width()  # scrolls down, never sideways
    for card in page.cards.values():
        assert card.width() >= card.minimumSizeHint().width()
        for label in (card.value_label, card.previous_label, card.last_year_label):
            assert label.sizeHint().width() <= card.width()


def test_follow_ups_are_red_amber_green_and_long_overdue_ones_reach_the_supervisor(
    qtbot, demo_path
):
    from tests.conftest import ensure_user

    ensure_user(demo_path, "sup_lax", "supervisor", "LAX")
    ensure_user(demo_path, "officer_lax", "officer", "LAX")
    window, page = _dashboard(qtbot, demo_path, login_name="sup_lax")
    qtbot.waitUntil(lambda: not page.loading)
    statuses = [page.table.item(n, 0).text() for n in range(page.table.rowCount())]
    assert "● Overdue" in statuses and set(statuses) <= {"● Overdue", "● Due soon", "● On track"}
    assert page.escalated_section.isVisibleTo(page)
    assert "overdue by more than 14 days in LAX" in page.escalated_heading.text()
    assert page.escalated_rows and all(
        (date.today() - row.due).days > 14 for row in page.escalated_rows
    )
    page.escalated_table.selectRow(0)
    dialog = page.open_escalated()
    assert dialog.saved_id is None and dialog.isVisible()
    dialog.reject()
    window.close()

    _officer_window, officer_page = _dashboard(qtbot, demo_path, login_name="officer_lax")
    qtbot.waitUntil(lambda: not officer_page.loading)
    assert not officer_page.escalated_section.isVisibleTo(officer_page)


def test_the_map_shades_the_states_and_a_click_lists_their_organizations(qtbot, demo_path):
    from PySide6.QtCore import QPoint, Qt

    from tests.conftest import ensure_user

    ensure_user(demo_path, "supervisor_all", "supervisor")
    window, page = _dashboard(qtbot, demo_path)
    region_map = page.region_map
    assert region_map is not None  # the demo's host country is the United States
    texas = next(row for row in page.figures.by_region if row.code == "US-TX")
    assert region_map.figures["US-TX"] == texas and texas.organizations > 0
    assert region_map.tooltip_for("US-TX").startswith(
        f"Texas: {texas.organizations:,} organizations, {texas.engagements:,} engagements"
    )
    page.scroll.ensureWidgetVisible(region_map)
    qtbot.wait(50)
    scale, dx, dy = region_map._frame()
    x, y = region_map.shapes.regions["US-TX"].label_point()
    with qtbot.waitSignal(region_map.region_clicked) as clicked:
        qtbot.mouseClick(
            region_map,
            Qt.MouseButton.LeftButton,
            pos=QPoint(round(x * scale + dx), round(y * scale + dy)),
        )
    assert clicked.args == ["US-TX"]
    listed = window.current_page()
    assert listed.title == "Organizations"
    qtbot.waitUntil(lambda: not listed.model.loading)
    assert listed.combo_value("region_code") == "US-TX"
    assert listed.model.total == texas.organizations
