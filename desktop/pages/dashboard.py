"""The Dashboard: the quarter at a glance for a mission or all missions (figures against
the previous quarter and the same quarter last year, charts by month, mechanism and
mission, program indicators, upcoming program events, high-priority organizations gone
quiet), then the open follow-ups of the same scope, the user's own first, overdue first.

Figures come from db/figures/quarterly.py `dashboard_data`, the same functions as the quarterly
report's, read on a worker; the follow-ups are read on another, so either shows as soon
as it is ready."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from db import store
from db.figures.dashboard import (
    DashboardData,
    DashboardHeadline,
    dashboard_data,
    dashboard_headline,
)
from db.figures.measures import percent_of
from db.figures.scope import ALL_MISSIONS
from db.foundations import clock
from db.foundations.errors import RabtaError, said
from db.foundations.labels import counted
from db.queries.engagements import (
    EscalatedFollowUps,
    FollowUpRow,
    FollowUpStatus,
    OpenFollowUps,
    escalated_follow_ups,
    follow_up_status,
    open_follow_ups,
)
from db.queries.pickers import live_missions
from db.rules.settings import read_settings
from db.store.engagements import reopen_follow_up
from desktop.failures import failure_sentence
from desktop.tasks import LatestOnly
from desktop.widgets.bar_chart import Bar, BarChart
from desktop.widgets.figure_card import FigureCard
from desktop.widgets.region_map import RegionMap
from desktop.widgets.scrolled import scrolled
from desktop.widgets.widget_shortcut import widget_shortcut
from desktop.workspace import Workspace
from reports.region_shapes import shapes_for

if TYPE_CHECKING:
    from desktop.dialogs.engagement_form import EngagementForm
    from desktop.dialogs.follow_up_done import FollowUpDoneForm

HEADERS = ("Status", "Due", "Engagement", "Organizations", "Officer")
# Red, amber, green: the colour and the words of each follow-up status.
STATUS_LOOK = {
    FollowUpStatus.OVERDUE: (QColor("#9b2226"), "● Overdue"),
    FollowUpStatus.DUE_SOON: (QColor("#b26b00"), "● Due soon"),
    FollowUpStatus.ON_TRACK: (QColor("#2d6a4f"), "● On track"),
}
SECTION_STYLE = (
    "QFrame#section { background: #ffffff; border: 1px solid #d9e2e8; border-radius: 8px; }"
)
# The cards: title and the KeyFigures field; a click lists what the card counts.
CARDS = (
    ("Engagements", "engagements"),
    ("Organizations engaged", "organizations_engaged"),
    ("New organizations", "new_organizations"),
    ("New contacts", "new_contacts"),
    ("Program events", "program_events"),
    ("Attendance", "attendance"),
)


def _section(title: str, body: QWidget, note: str = "") -> QFrame:
    """A titled white card holding `body`."""
    frame = QFrame()
    frame.setObjectName("section")
    frame.setStyleSheet(SECTION_STYLE)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 10, 14, 12)
    heading = QLabel(f"<b>{title}</b>")
    heading.setWordWrap(True)
    layout.addWidget(heading)
    if note:
        hint = QLabel(note)
        hint.setStyleSheet("color: #5b6b77;")
        hint.setWordWrap(True)
        layout.addWidget(hint)
    layout.addWidget(body)
    layout.addStretch(1)
    return frame


def _small_table(headers: tuple[str, ...]) -> QTableWidget:
    """A short read-only table; its `empty_label` stands in for it when it has no rows
    (made here, placed by `_listing`)."""
    table = QTableWidget(0, len(headers))
    table.empty_label = QLabel()
    table.empty_label.setWordWrap(True)
    table.empty_label.setStyleSheet("color: #5b6b77;")
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(24)
    table.horizontalHeader().setStretchLastSection(True)
    table.setWordWrap(False)
    table.setMinimumHeight(120)
    return table


def _opens_rows(table: QTableWidget, what: str, open_row: Callable[[int], None]) -> None:
    """Double-click or Enter on a row of `table` calls `open_row(row)`."""
    table.setToolTip(f"Double-click or Enter: open {what}")
    table.doubleClicked.connect(lambda index: open_row(index.row()))
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        widget_shortcut(key, table, lambda: open_row(table.currentRow()))


def _listing(table: QTableWidget) -> QWidget:
    """The table with its empty state, one shown at a time."""
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(table)
    layout.addWidget(table.empty_label)
    table.empty_label.hide()
    return holder


def _fill(table: QTableWidget, rows: list[tuple[str, ...]], empty: str) -> None:
    table.setVisible(bool(rows))
    table.empty_label.setText(empty)
    table.empty_label.setVisible(not rows)
    table.setRowCount(len(rows))
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            table.setItem(number, column, item)
    table.resizeColumnsToContents()
    table.setFixedHeight(min(24 * len(rows) + 32, 24 * 8 + 32))


class DashboardPage(QWidget):
    """The quarter at a glance for the chosen scope; open follow-ups with Mark done
    (Ctrl+D) and Open (Enter). `list_requested(page, description, combos, fields)` asks
    the window to show the list a figure counts."""

    title = "Dashboard"
    loaded = Signal()  # the follow-ups on screen are fresh
    first_figures_loaded = Signal()  # the quarter's own figures are on screen
    figures_loaded = Signal()  # every figure, comparisons and lists included, is fresh
    list_requested = Signal(str, str, dict, dict)
    record_requested = Signal(str, int)  # kind, id: open that record on its page

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.rows: list[FollowUpRow] = []
        self.open_dialog: EngagementForm | FollowUpDoneForm | None = None
        self._dirty = False
        self._latest = LatestOnly(workspace.address, self, self._show, self._failed)
        self._headline_latest = LatestOnly(
            workspace.address, self, self._show_headline, self._figures_failed
        )
        self._figures_latest = LatestOnly(
            workspace.address, self, self._show_figures, self._figures_failed
        )
        self.loading = False
        self.figures_loading = False
        self.figures: DashboardData | None = None
        self.scope_mission_ids: dict[str, int | None] = {ALL_MISSIONS: None}
        glance = self._build_glance()
        heading = QLabel("<b>Follow-ups</b>")
        self.summary = QLabel()
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((100, 110, 420, 160)):
            self.table.setColumnWidth(column, width)
        self.escalated_table = _small_table(("Due", "Engagement", "Organizations", "Officer"))
        self.escalated_heading = QLabel()
        self.escalated_heading.setWordWrap(True)
        self.escalated_rows: list[FollowUpRow] = []
        self.escalated_table.doubleClicked.connect(lambda _index: self.open_escalated())
        self.done_button = QPushButton("Mark done")
        self.done_button.setToolTip("Mark the selected follow-up done (Ctrl+D)")
        self.open_button = QPushButton("Open engagement")
        self.open_button.setToolTip("Open the engagement the follow-up belongs to (Enter)")
        self.done_button.clicked.connect(self.mark_selected_done)
        # After a follow-up is marked done: what was done, and Undo (reopens it).
        self.done_note = QLabel()
        self.done_note.setWordWrap(True)
        self.undo_done_button = QPushButton("Undo")
        self.undo_done_button.setToolTip("Reopen the follow-up just marked done")
        self.undo_done_button.clicked.connect(self.undo_last_done)
        self.last_done: int | None = None  # the engagement whose follow-up was marked done
        self.open_button.clicked.connect(self.open_selected)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        QShortcut(QKeySequence("Ctrl+D"), self, self.mark_selected_done)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            widget_shortcut(key, self.table, self.open_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.done_note)
        buttons.addWidget(self.undo_done_button)
        buttons.addStretch(1)
        self.done_note.hide()
        self.undo_done_button.hide()
        follow_ups = QFrame()
        follow_ups.setObjectName("section")
        follow_ups.setStyleSheet(SECTION_STYLE)
        follow_layout = QVBoxLayout(follow_ups)
        follow_layout.setContentsMargins(14, 10, 14, 12)
        follow_layout.addWidget(heading)
        follow_layout.addWidget(self.summary)
        follow_layout.addLayout(buttons)
        self.table.setMinimumHeight(260)
        follow_layout.addWidget(self.table, 1)

        content = QWidget()
        content.setObjectName("dashboardContent")
        content.setStyleSheet("QWidget#dashboardContent { background: #f4f7f9; }")
        column = QVBoxLayout(content)
        column.setContentsMargins(16, 12, 16, 16)
        column.setSpacing(12)
        column.addLayout(glance)
        self.escalated_section = QFrame()
        self.escalated_section.setObjectName("section")
        self.escalated_section.setStyleSheet(
            "QFrame#section { background: #fff5f5; border: 1px solid #9b2226; border-radius: 8px; }"
        )
        escalated_layout = QVBoxLayout(self.escalated_section)
        escalated_layout.setContentsMargins(14, 10, 14, 12)
        escalated_layout.addWidget(self.escalated_heading)
        escalated_layout.addWidget(self.escalated_table)
        self.escalated_section.hide()
        column.addWidget(self.escalated_section)
        column.addWidget(follow_ups, 1)
        self.scroll = scrolled(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)
        workspace.broadcast.changed.connect(self._on_changed)
        self.reload()

    # --- the quarter at a glance -------------------------------------------------------

    def _build_glance(self) -> QVBoxLayout:
        self.mission_box = QComboBox()
        self.mission_box.setToolTip("Whose figures: one mission, or all missions")
        self.mission_box.setMinimumContentsLength(18)
        with Session(self.workspace.engine) as s:
            missions = sorted(live_missions(s), key=lambda mission: mission.code)
        self.mission_box.addItem("All missions", ALL_MISSIONS)
        for mission in missions:
            place = mission.city or mission.name
            self.mission_box.addItem(f"{mission.code} · {place}", mission.code)
            self.mission_box.setItemData(
                self.mission_box.count() - 1, mission.name, Qt.ItemDataRole.ToolTipRole
            )
            self.scope_mission_ids[mission.code] = mission.id
        remembered = QSettings().value("dashboard/scope", "")
        own = next((m.code for m in missions if m.id == self.workspace.actor.mission_id), None)
        chosen = remembered or own or ALL_MISSIONS
        self.mission_box.setCurrentIndex(max(0, self.mission_box.findData(chosen)))
        self.mission_box.currentIndexChanged.connect(self._scope_changed)
        self.quarter_label = QLabel()
        self.quarter_label.setStyleSheet("color: #5b6b77;")
        self.quarter_label.setWordWrap(True)
        self.figures_status = QLabel("Reading the quarter's figures…")
        self.figures_status.setStyleSheet("color: #5b6b77;")
        self.mission_box.setMinimumContentsLength(12)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(QLabel("<h2 style='margin:0'>The quarter at a glance</h2>"))
        titles.addWidget(self.quarter_label)
        top = QHBoxLayout()
        top.addLayout(titles, 1)
        top.addWidget(self.mission_box, 0, Qt.AlignmentFlag.AlignTop)

        self.cards: dict[str, FigureCard] = {}
        grid = QGridLayout()
        grid.setSpacing(10)
        for number, (title, field) in enumerate(CARDS):
            card = FigureCard(title)
            card.clicked.connect(lambda _checked=False, f=field: self.list_counted(f))
            self.cards[field] = card
            grid.addWidget(card, number // 3, number % 3)

        self.by_month = BarChart("No engagements this quarter yet.")
        self.by_mechanism = BarChart("No engagements this quarter yet.")
        self.by_mission = BarChart("No engagements this quarter yet.")
        self.by_month.bar_clicked.connect(self._list_month)
        self.by_mechanism.bar_clicked.connect(self._list_mechanism)
        self.by_mission.bar_clicked.connect(self._list_mission)
        charts = QGridLayout()
        charts.setSpacing(10)
        charts.addWidget(_section("Engagements by month", self.by_month), 0, 0)
        charts.addWidget(_section("By mechanism", self.by_mechanism), 0, 1)
        self.by_mission_section = _section("By mission", self.by_mission)
        charts.addWidget(self.by_mission_section, 1, 0, 1, 2)

        self.region_map: RegionMap | None = None
        with Session(self.workspace.engine) as s:
            shapes = shapes_for(read_settings(s).host_country)
        if shapes is not None:
            self.region_map = RegionMap(shapes)
            self.region_map.region_clicked.connect(self._list_region)
            where = self.region_map
        else:  # no geometry for this host country yet: the figures as bars
            self.by_region = BarChart("No organization has a region yet.")
            self.by_region.bar_clicked.connect(self._list_region)
            where = self.by_region
        self.where_section = _section(
            "Where: this quarter's engagements by region, and the missions covering them",
            where,
            "Hover over a region for its figures; click it to list its organizations.",
        )
        self.hometowns = BarChart("No hometown association records its district of origin yet.")
        self.hometowns.bar_clicked.connect(self._list_hometown)
        self.indicators = _small_table(
            ("Program", "Indicator", "This quarter", "Target", "Progress")
        )
        self.upcoming = _small_table(("Date", "Program", "Event", "City"))
        self.dormant = _small_table(("Organization", "Kind", "Mission", "Last engagement"))
        _opens_rows(self.dormant, "the organization", self.open_dormant)
        _opens_rows(self.indicators, "its program", self.open_indicator_program)
        _opens_rows(self.upcoming, "its program", self.open_event_program)
        lists = QGridLayout()
        lists.setSpacing(10)
        lists.addWidget(
            _section(
                "Program indicators",
                _listing(self.indicators),
                "Progress toward this quarter's target.",
            ),
            0,
            0,
            1,
            2,
        )
        lists.addWidget(
            _section("Program events in the next 60 days", _listing(self.upcoming)), 1, 0
        )
        self.dormant_section = _section(
            "High-priority organizations with no engagement for 180 days", _listing(self.dormant)
        )
        lists.addWidget(self.dormant_section, 1, 1)

        glance = QVBoxLayout()
        glance.setSpacing(10)
        glance.addLayout(top)
        glance.addWidget(self.figures_status)
        glance.addLayout(grid)
        glance.addLayout(charts)
        places = QGridLayout()
        places.setSpacing(10)
        places.addWidget(self.where_section, 0, 0)
        places.addWidget(_section("Hometown associations by place of origin", self.hometowns), 0, 1)
        places.setColumnStretch(0, 3)
        places.setColumnStretch(1, 2)
        glance.addLayout(places)
        glance.addLayout(lists)
        return glance

    @property
    def scope(self) -> str:
        """The chosen mission's code, or ALL."""
        return self.mission_box.currentData() or ALL_MISSIONS

    def _scope_changed(self) -> None:
        QSettings().setValue("dashboard/scope", self.scope)
        self.reload()  # the figures and the follow-ups, both of the chosen scope

    def reload_figures(self) -> None:
        """Read the quarter's figures for the chosen scope again on a worker thread: its
        own numbers and charts first (`first_figures_loaded`), then the comparisons, map
        and lists (`figures_loaded`)."""
        scope, today, viewer = self.scope, clock.today(), self.workspace.actor

        def headline(engine, _report):
            with Session(engine) as s:
                return dashboard_headline(s, viewer, scope, today=today)

        self.figures_loading = True
        self._figures_latest.supersede()
        if self.figures is not None:
            self.figures_status.setText("Bringing the figures up to date…")
            self.figures_status.show()
        self._headline_latest.start(headline)

    def _show_headline(self, headline: DashboardHeadline) -> None:
        """The quarter's own figures and charts; the comparisons follow."""
        scope, today, viewer = headline.scope_code, headline.today, self.workspace.actor
        self._show_quarter(headline.quarter, today)
        for field, card in self.cards.items():
            card.show_value(getattr(headline.current, field))
        self._show_charts(headline)
        self.figures_status.setText("Comparing with earlier quarters…")
        self.figures_status.show()
        self.first_figures_loaded.emit()

        def everything(engine, _report):
            with Session(engine) as s:
                return dashboard_data(s, viewer, scope, today=today)

        self._figures_latest.start(everything)

    def _show_quarter(self, quarter, today: date) -> None:
        elapsed = (today - quarter.start).days + 1
        length = (quarter.end - quarter.start).days + 1
        self.quarter_label.setText(f"{quarter.title}: day {elapsed} of {length}")

    def _show_charts(self, data: DashboardHeadline | DashboardData) -> None:
        self.by_month.set_bars([Bar(r.key, r.label, r.count) for r in data.engagements_by_month])
        self.by_mechanism.set_bars(
            [Bar(r.key, r.label, r.count) for r in data.engagements_by_mechanism]
        )
        self.by_mission.set_bars(
            [Bar(r.key, f"{r.key} · {r.label}", r.count) for r in data.engagements_by_mission]
        )
        self.by_mission_section.setVisible(data.scope_code == ALL_MISSIONS)

    def _show_figures(self, data: DashboardData) -> None:
        self.figures_loading = False
        self.figures = data
        self.figures_status.hide()
        previous, year_ago = data.previous_quarter, data.last_year_quarter
        self._show_quarter(data.quarter, data.today)
        previous_name = previous.short_title
        year_ago_name = year_ago.short_title
        if data.compared_days is not None:  # a running quarter: the same days of each
            self.quarter_label.setText(
                self.quarter_label.text()
                + f"; compared with the same days of each quarter (days 1–{data.compared_days})"
            )
        for field, card in self.cards.items():
            card.show_figure(
                getattr(data.current, field),
                getattr(data.previous, field),
                previous_name,
                getattr(data.last_year, field),
                year_ago_name,
            )
        self._show_charts(data)
        if self.region_map is not None:
            self.region_map.set_figures(data.by_region)
        else:
            self.by_region.set_bars(
                [
                    Bar(r.code, r.name, r.organizations)
                    for r in sorted(data.by_region, key=lambda r: -r.organizations)
                    if r.organizations
                ]
            )
        self.hometowns.set_bars(
            [
                Bar(
                    f"{h.province_code}/{h.district}",
                    _origin(h.district, h.province),
                    h.organizations,
                )
                for h in data.hometowns
            ]
        )
        _fill(
            self.indicators,
            [
                (
                    row.program,
                    row.indicator,
                    _number(row.actual, row.unit),
                    _number(row.target, row.unit),
                    _progress(row.actual, row.target),
                )
                for row in data.indicators
            ],
            "No program in this scope measures an indicator this quarter.",
        )
        _fill(
            self.upcoming,
            [
                (f"{e.date:%d %b %Y}", e.program, e.title, e.city)
                for e in data.upcoming_program_events
            ],
            "No program event in the next 60 days. Add one to a program's events.",
        )
        _fill(
            self.dormant,
            [
                (
                    d.name,
                    d.kind,
                    d.mission_code,
                    f"{d.last_engagement:%d %b %Y}" if d.last_engagement else "never",
                )
                for d in data.dormant_priority
            ],
            "Every high-priority organization was engaged in the last 180 days.",
        )
        self.figures_loaded.emit()

    def _figures_failed(self, error: Exception, details: str) -> None:
        """Said on the page, not raised: a damaged database is already reported by the
        window's health check, and the follow-ups below may still read."""
        self.figures_loading = False
        sentence = failure_sentence(error, details, self.workspace.location)
        self.figures_status.setText(f"The quarter's figures could not be read: {sentence}")
        self.figures_status.show()
        self.first_figures_loaded.emit()
        self.figures_loaded.emit()

    # --- a figure's list -----------------------------------------------------------------

    def _ask_for_engagements(self, description: str, start: date, end: date, **combos) -> None:
        mission_id = self.scope_mission_ids.get(self.scope)
        where = "" if mission_id is None else f" by {self.scope}"
        self.list_requested.emit(
            "Engagements",
            f"Engagements{where} dated {start:%d %b %Y} to {end:%d %b %Y}{description}",
            {"mission_id": mission_id, **combos},
            {"date_from": start, "date_to": end},
        )

    def list_counted(self, field: str) -> None:
        """Open the list a figure card counts: the quarter's engagements, the
        organizations engaged or added, the contacts added, the programs holding the
        events (and their attendance)."""
        if self.figures is None:
            return
        quarter = self.figures.quarter
        mission_id = self.scope_mission_ids.get(self.scope)
        span = f"{quarter.start:%d %b %Y} to {quarter.end:%d %b %Y}"
        whose = "" if mission_id is None else f" of {self.scope}"
        if field == "engagements":
            self._ask_for_engagements("", quarter.start, quarter.end)
        elif field == "organizations_engaged":
            by = "" if mission_id is None else f" by {self.scope}"
            self.list_requested.emit(
                "Organizations",
                f"Organizations engaged{by} from {span}",
                {},
                {
                    "engaged_from": quarter.start,
                    "engaged_to": quarter.end,
                    "engaged_by_mission_id": mission_id,
                },
            )
        elif field == "new_organizations":
            self.list_requested.emit(
                "Organizations",
                f"Organizations{whose} added from {span}",
                {"mission_id": mission_id},
                {"created_from": quarter.start, "created_to": quarter.end},
            )
        elif field == "new_contacts":
            self.list_requested.emit(
                "Contacts",
                f"Contacts{whose} added from {span}",
                {},
                {
                    "created_from": quarter.start,
                    "created_to": quarter.end,
                    "belongs_to_mission_id": mission_id,
                },
            )
        elif field in ("program_events", "attendance"):
            led = "" if mission_id is None else f" led by {self.scope}"
            self.list_requested.emit(
                "Programs",
                f"Programs{led} holding events from {span}; a program's details list "
                "its events with their attendance",
                {"mission_id": mission_id},
                {"events_from": quarter.start, "events_to": quarter.end},
            )

    def _list_month(self, key: str) -> None:
        if self.figures is None:
            return
        year, month = (int(part) for part in key.split("-"))
        start = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        quarter = self.figures.quarter
        end = min(quarter.end, following - timedelta(days=1))
        self._ask_for_engagements("", max(start, quarter.start), end)

    def _list_mechanism(self, key: str) -> None:
        if self.figures is None or not key:
            return
        quarter = self.figures.quarter
        label = next(r.label for r in self.figures.engagements_by_mechanism if r.key == key)
        self._ask_for_engagements(f", mechanism {label}", quarter.start, quarter.end, mechanism=key)

    def _list_region(self, code: str) -> None:
        """The organizations of a region (in the chosen mission's scope)."""
        name = code
        if self.figures is not None:
            name = next((r.name for r in self.figures.by_region if r.code == code), code)
        self.list_requested.emit(
            "Organizations",
            f"Organizations in {name}",
            {"region_code": code, "mission_id": self.scope_mission_ids.get(self.scope)},
            {},
        )

    def open_dormant(self, row: int) -> None:
        """Open the quiet high-priority organization on that row of the list."""
        if self.figures is not None and 0 <= row < len(self.figures.dormant_priority):
            chosen = self.figures.dormant_priority[row]
            self.record_requested.emit("organization", chosen.organization_id)

    def open_indicator_program(self, row: int) -> None:
        """Open the program of the indicator on that row."""
        if self.figures is not None and 0 <= row < len(self.figures.indicators):
            self._open_program(self.figures.indicators[row].program_id)

    def open_event_program(self, row: int) -> None:
        """Open the program of the upcoming event on that row."""
        if self.figures is not None and 0 <= row < len(self.figures.upcoming_program_events):
            self._open_program(self.figures.upcoming_program_events[row].program_id)

    def _open_program(self, program_id: int | None) -> None:
        if program_id is not None:
            self.record_requested.emit("program", program_id)

    def _list_hometown(self, key: str) -> None:
        """The hometown associations from one district of origin, in the scope."""
        province, _, district = key.partition("/")
        hometowns = self.figures.hometowns if self.figures is not None else []
        shown = next((h for h in hometowns if f"{h.province_code}/{h.district}" == key), None)
        place = _origin(district, shown.province if shown else province)
        self.list_requested.emit(
            "Organizations",
            "Hometown associations with no recorded place of origin"
            if place == "Not recorded"
            else f"Hometown associations from {place}",
            {"kind": "hometown", "mission_id": self.scope_mission_ids.get(self.scope)},
            {"hometown_province": province, "hometown_district": district},
        )

    def _list_mission(self, key: str) -> None:
        if self.figures is None:
            return
        quarter = self.figures.quarter
        mission_id = self.scope_mission_ids.get(key)
        self.list_requested.emit(
            "Engagements",
            f"Engagements by {key} dated {quarter.start:%d %b %Y} to {quarter.end:%d %b %Y}",
            {"mission_id": mission_id},
            {"date_from": quarter.start, "date_to": quarter.end},
        )

    def reload(self) -> None:
        """Read the quarter's figures and the open follow-ups again, each on a worker
        thread; `figures_loaded` and `loaded` say when each is on screen."""
        self.reload_figures()
        today = clock.today()
        viewer = self.workspace.actor
        scope = self.scope
        mission_id = self.scope_mission_ids.get(scope)

        def work(engine, _report):
            with Session(engine) as s:
                settings = read_settings(s)
                amber = settings.follow_up_amber_days
                escalation = settings.follow_up_escalation_days
                found = open_follow_ups(s, viewer, today=today, mission_id=mission_id)
                escalated = escalated_follow_ups(
                    s, viewer, today=today, after_days=escalation, mission_id=mission_id
                )
            return found, escalated, amber, today, scope

        self.loading = True
        if not self.rows:
            self.summary.setText("Reading the open follow-ups…")
        self._latest.start(work)

    def _show(self, read: tuple[OpenFollowUps, EscalatedFollowUps | None, int, date, str]) -> None:
        found, escalated, amber_days, today, scope = read
        self.loading = False
        self.rows = found.rows
        self.statuses = [follow_up_status(row.due, today, amber_days) for row in self.rows]
        self.table.setRowCount(len(self.rows))
        for number, (row, status) in enumerate(zip(self.rows, self.statuses, strict=True)):
            colour, words = STATUS_LOOK[status]
            cells = (
                words,
                f"{row.due:%d %b %Y}",
                row.subject,
                row.organizations or "",
                (row.officer or "").split(",")[0],
            )
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if column == 0 or status == FollowUpStatus.OVERDUE:
                    item.setForeground(QBrush(colour))
                self.table.setItem(number, column, item)
        self._show_escalated(escalated)
        of_scope = "" if scope == ALL_MISSIONS else f" of {scope}'s engagements"
        summary = (
            f"{counted(found.total, 'open follow-up')}{of_scope}, {found.overdue:,} overdue; "
            f"{found.mine:,} {'is' if found.mine == 1 else 'are'} yours and listed first."
        )
        if found.total > len(self.rows):
            summary += f" The first {len(self.rows):,} are listed."
        self.summary.setText(summary)
        self.loaded.emit()

    def _failed(self, error: Exception, details: str) -> None:
        self.loading = False
        sentence = failure_sentence(error, details, self.workspace.location)
        self.summary.setText(f"The follow-ups could not be read: {sentence}")

    def _show_escalated(self, escalated: EscalatedFollowUps | None) -> None:
        """Supervisors see their mission's follow-ups overdue past the escalation days."""
        self.escalated_rows = escalated.rows if escalated else []
        if not self.escalated_rows:
            self.escalated_section.hide()
            return
        where = f" in {escalated.mission_code}" if escalated.mission_code else ""
        more = (
            f" The oldest {len(self.escalated_rows):,} are listed."
            if escalated.total > len(self.escalated_rows)
            else ""
        )
        self.escalated_heading.setText(
            f"<b style='color:#9b2226'>Escalated to you: {escalated.total:,} follow-up"
            f"{'s' if escalated.total != 1 else ''} overdue by more than "
            f"{escalated.after_days} days{where}.</b> Double-click one to open it.{more}"
        )
        _fill(
            self.escalated_table,
            [
                (
                    f"{row.due:%d %b %Y}",
                    row.subject,
                    row.organizations or "",
                    (row.officer or "").split(",")[0],
                )
                for row in self.escalated_rows
            ],
            "",
        )
        self.escalated_section.show()

    def open_escalated(self) -> EngagementForm | None:
        """Open the engagement of the selected escalated follow-up."""
        index = self.escalated_table.currentRow()
        if not 0 <= index < len(self.escalated_rows):
            return None
        from desktop.dialogs.engagement_form import EngagementForm

        self.open_dialog = EngagementForm(
            self.workspace, self.escalated_rows[index].engagement_id, self
        )
        self.open_dialog.open()
        return self.open_dialog

    def selected_row(self) -> FollowUpRow | None:
        index = self.table.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def mark_selected_done(self) -> FollowUpDoneForm | None:
        """Ask what came of the selected follow-up, then mark exactly that one done
        (Ctrl+D); the officer can undo it from the line that says so."""
        row = self.selected_row()
        if row is None or not self.table.selectionModel().isRowSelected(self.table.currentRow()):
            return None
        from desktop.dialogs.follow_up_done import FollowUpDoneForm

        dialog = FollowUpDoneForm(self.workspace, row.engagement_id, row.subject, row.due, self)
        dialog.accepted.connect(lambda: self._marked_done(row))
        self.open_dialog = dialog
        dialog.open()
        return dialog

    def _marked_done(self, row: FollowUpRow) -> None:
        self.last_done = row.engagement_id
        self.done_note.setText(f"Marked done: {row.subject}.")
        self.done_note.show()
        self.undo_done_button.show()

    def undo_last_done(self) -> bool:
        """Reopen the follow-up marked done last."""
        if self.last_done is None:
            return False
        engagement_id, self.last_done = self.last_done, None
        self.undo_done_button.hide()
        try:
            with store.session(self.workspace.engine) as s:
                reopen_follow_up(s, self.workspace.actor, engagement_id)
        except RabtaError as error:
            self.done_note.setText(f"Not reopened: {said(error)}")
            return False
        self.done_note.setText("Reopened: the follow-up is open again.")
        self.workspace.announce("engagement", [engagement_id])
        return True

    def open_selected(self) -> EngagementForm | None:
        """Open the engagement of the selected follow-up."""
        row = self.selected_row()
        if row is None:
            return None
        from desktop.dialogs.engagement_form import EngagementForm

        self.open_dialog = EngagementForm(self.workspace, row.engagement_id, self)
        self.open_dialog.open()
        return self.open_dialog

    def _on_changed(self, entity_type: str, _ids: list) -> None:
        if entity_type in ("engagement", "organization", "all"):
            if self.isVisible():
                self.reload()
            else:
                self._dirty = True

    def showEvent(self, event) -> None:
        if self._dirty:
            self._dirty = False
            self.reload()
        super().showEvent(event)


def _origin(district: str, province: str) -> str:
    """A place of origin, the district first so that a narrow bar label that is cut
    still tells districts of one province apart: "Kotli (Azad Jammu and Kashmir)"."""
    if district and province:
        return f"{district} ({province})"
    return district or province or "Not recorded"


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{shown} {unit}".strip()


def _progress(actual: float | None, target: float | None) -> str:
    share = percent_of(actual, target)
    return "—" if share is None else f"{share:.0f}%"
