"""The Dashboard on the demo registry: its cards and bars show what the quarterly report
prints for the same quarter and scope, for all missions and for one; every card and bar
opens the list it counts, narrowed, with as many rows; the chosen
scope is remembered; nothing is clipped at 1366x768, 1024x768 or a 150% scale factor."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from db.figures.quarterly import quarterly_report_data
from db.figures.scope import ALL_MISSIONS, current_quarter
from db.foundations import clock
from db.foundations.actor import SYSTEM_ACTOR
from desktop.pages.dashboard import CARDS, DashboardPage
from tests.desktop.conftest import active_main_window

# Figures of a quarter: run again pinned to the days quarters and years turn (make test).
pytestmark = pytest.mark.calendar


def _dashboard(qtbot, demo_path, login_name="supervisor_all") -> tuple:
    window = active_main_window(qtbot, demo_path, login_name=login_name)
    page = window.current_page()
    assert isinstance(page, DashboardPage)
    qtbot.waitUntil(lambda: page.figures is not None and not page.figures_loading, timeout=20_000)
    return window, page


def _shows_the_report(page: DashboardPage, engine, scope: str, confidential: bool) -> None:
    with Session(engine) as s:
        quarter = current_quarter(s, clock.today())
        printed = quarterly_report_data(
            s, SYSTEM_ACTOR, quarter, scope, include_confidential=confidential
        )
    for _title, field in CARDS:
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


def _add_this_quarter(location) -> None:
    """The demo's organizations and people were added in earlier quarters: two of each
    today in Houston's jurisdiction, so that the new-record cards count something."""
    from sqlmodel import select

    from db import store
    from db.database_file.migrate import open_database
    from db.foundations.models import Mission
    from db.store.contacts import create_contact
    from db.store.organizations import create_organization

    opened = open_database(str(location))
    try:
        with store.session(opened.engine) as s:
            houston = s.exec(select(Mission.id).where(Mission.code == "HOU")).one()
            for n in (1, 2):
                create_organization(
                    s,
                    SYSTEM_ACTOR,
                    {"name": f"Gulf Coast Circle {n}", "kind": "other", "mission_id": houston},
                )
                create_contact(
                    s, SYSTEM_ACTOR, {"given_name": f"Newcomer {n}", "region_code": "US-TX"}
                )
    finally:
        opened.engine.dispose()


def _listed_after(qtbot, window, ask) -> tuple:
    ask()
    listed = window.current_page()
    qtbot.waitUntil(lambda: not listed.model.loading, timeout=10_000)
    return listed, listed.model.total


@pytest.mark.parametrize("scope", [ALL_MISSIONS, "HOU"])
@pytest.mark.parametrize("login_name", ["supervisor_all", "officer"])
def test_every_card_lists_as_many_as_it_counts(qtbot, demo_path, scope, login_name):
    """Organizations engaged, new organizations, new contacts: the list holds the number
    on the card; program events and attendance: the programs holding the events."""
    from tests.conftest import ensure_user

    ensure_user(demo_path, "supervisor_all", "supervisor")
    _add_this_quarter(demo_path)
    window, page = _dashboard(qtbot, demo_path, login_name=login_name)
    if page.scope != scope:
        with qtbot.waitSignal(page.figures_loaded, timeout=20_000):
            page.mission_box.setCurrentIndex(page.mission_box.findData(scope))
    figures = page.figures.current
    counted_fields = ("engagements", "organizations_engaged", "new_organizations", "new_contacts")
    assert all(getattr(figures, field) > 0 for field in counted_fields), figures
    for field in counted_fields:
        window.show_page("Dashboard")
        listed, total = _listed_after(qtbot, window, page.cards[field].click)
        assert total == getattr(figures, field), field
        assert listed.narrowing_label.isVisibleTo(listed)
    with Session(window.workspace.engine) as s:
        printed = quarterly_report_data(s, SYSTEM_ACTOR, page.figures.quarter, scope)
    holding = {row.program for row in printed.program_events}
    assert len(printed.program_events) == figures.program_events > 0
    for field in ("program_events", "attendance"):
        window.show_page("Dashboard")
        listed, total = _listed_after(qtbot, window, page.cards[field].click)
        assert listed.title == "Programs"
        assert total == len(holding)
        names = {listed.model.index(row, 0).data() for row in range(listed.model.rowCount())}
        assert names == holding


def test_a_hometown_bar_lists_its_associations(qtbot, demo_path):
    from tests.conftest import ensure_user

    ensure_user(demo_path, "supervisor_all", "supervisor")
    window, page = _dashboard(qtbot, demo_path)
    assert page.hometowns.bars
    for bar in page.hometowns.bars[:3]:
        window.show_page("Dashboard")
        listed, total = _listed_after(
            qtbot, window, lambda key=bar.key: page.hometowns.bar_clicked.emit(key)
        )
        assert listed.title == "Organizations"
        assert total == bar.count
        assert listed.combo_value("kind") == "hometown"


@pytest.mark.parametrize(
    "size",
    [(1366, 768), (1024, 768), (910, 512), (819, 460)],
    # The last: the window's first size at 150% (nine tenths of 910x512).
    ids=["1366x768", "1024x768", "150%-of-1366x768", "first-window-at-150%"],
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
        (clock.today() - row.due).days > 14 for row in page.escalated_rows
    )
    page.escalated_table.selectRow(0)
    dialog = page.open_escalated()
    assert dialog.saved_id is None and dialog.isVisible()
    dialog.reject()
    window.close()

    _officer_window, officer_page = _dashboard(qtbot, demo_path, login_name="officer_lax")
    qtbot.waitUntil(lambda: not officer_page.loading)
    assert not officer_page.escalated_section.isVisibleTo(officer_page)


def test_the_chosen_mission_narrows_the_follow_ups_too(qtbot, demo_path):
    from sqlmodel import select

    from db.foundations.models import Engagement, Mission
    from tests.conftest import ensure_user

    ensure_user(demo_path, "supervisor_all", "supervisor")
    window, page = _dashboard(qtbot, demo_path)
    page.mission_box.setCurrentIndex(page.mission_box.findData(ALL_MISSIONS))
    qtbot.waitUntil(lambda: not page.loading and "of " not in page.summary.text())
    everywhere = page.table.rowCount()

    page.mission_box.setCurrentIndex(page.mission_box.findData("LAX"))
    qtbot.waitUntil(lambda: not page.loading and "of LAX's engagements" in page.summary.text())
    shown = [row.engagement_id for row in page.rows]
    assert 0 < len(shown) < everywhere
    with Session(window.workspace.engine) as s:
        missions = set(
            s.exec(
                select(Mission.code)
                .join(Engagement, Engagement.mission_id == Mission.id)
                .where(Engagement.id.in_(shown))
            ).all()
        )
    assert missions == {"LAX"}
    assert {row.engagement_id for row in page.escalated_rows} <= set(shown)  # LAX's only


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


def test_a_quiet_high_priority_organization_opens_from_the_list(qtbot, demo_path):
    from PySide6.QtCore import Qt

    from tests.conftest import ensure_user

    ensure_user(demo_path, "supervisor_all", "supervisor")
    window, page = _dashboard(qtbot, demo_path)
    quiet = page.figures.dormant_priority
    assert quiet, "the demo keeps some high-priority organizations quiet"
    page.scroll.ensureWidgetVisible(page.dormant)
    qtbot.wait(50)
    cell = page.dormant.visualItemRect(page.dormant.item(0, 0)).center()
    # A view sees a double-click only after the press and release that start it.
    qtbot.mouseClick(page.dormant.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(page.dormant.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    shown = window.current_page()
    assert shown.title == "Organizations"
    qtbot.waitUntil(lambda: quiet[0].name in shown.detail.toPlainText(), timeout=10_000)


def test_an_indicator_or_an_upcoming_event_opens_its_program(qtbot, demo_path):
    from datetime import timedelta

    from PySide6.QtCore import Qt
    from sqlmodel import select

    from db import store
    from db.database_file.migrate import open_database
    from db.foundations.models import Program
    from db.store.programs import add_event
    from tests.conftest import ensure_user

    opened = open_database(str(demo_path))
    try:  # the demo's events depend on today's date: one in ten days, to be sure
        with store.session(opened.engine) as s:
            program_id = s.exec(select(Program.id).order_by(Program.id.desc())).first()
            add_event(
                s,
                SYSTEM_ACTOR,
                program_id,
                {"date": clock.today() + timedelta(days=10), "title": "Open house"},
            )
    finally:
        opened.engine.dispose()
    ensure_user(demo_path, "supervisor_all", "supervisor")
    window, page = _dashboard(qtbot, demo_path)
    page.mission_box.setCurrentIndex(page.mission_box.findData(ALL_MISSIONS))
    qtbot.waitUntil(lambda: not page.figures_loading, timeout=20_000)
    indicators, events = page.figures.indicators, page.figures.upcoming_program_events
    assert indicators and events, "the demo measures its programs; an event was added"
    for table, row in ((page.indicators, indicators[-1]), (page.upcoming, events[0])):
        window.show_page("Dashboard")
        table.setFocus()
        table.selectRow(table.rowCount() - 1 if row is indicators[-1] else 0)
        qtbot.keyClick(table, Qt.Key.Key_Return)
        shown = window.current_page()
        assert shown.title == "Programs"
        qtbot.waitUntil(lambda shown=shown, row=row: shown.selected_id() == row.program_id)
        assert row.program in shown.detail.toPlainText()
