"""The Settings page: the installation, missions and the regions each covers, and tags;
users, backups and the privacy review each on their own tab."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from db import store
from db.foundations.errors import RabtaError, said
from db.queries.pickers import live_missions, regions_of_mission
from db.rules.settings import setting_texts
from db.store.missions import set_jurisdiction
from db.store.settings import set_setting
from db.store.tags import delete_unused_tags, merge_tags, rename_tag, tag_usage
from desktop.dialogs.mission_form import MissionForm
from desktop.pages.backups_panel import BackupsPanel
from desktop.pages.email_panel import EmailPanel
from desktop.pages.review_panel import ReviewPanel
from desktop.pages.users_panel import UsersPanel
from desktop.widgets.country_box import CountryBox
from desktop.widgets.scrolled import scrolled
from desktop.workspace import Workspace

ID_ROLE = Qt.ItemDataRole.UserRole


class SettingsPage(QWidget):
    """Three groups, each saved with its own button; refusals are shown as sentences."""

    title = "Settings"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.open_dialog: MissionForm | None = None
        self.message = QLabel()
        self.message.setWordWrap(True)

        self.installation_name = QLineEdit()
        self.host_country = CountryBox()
        self.host_country.setToolTip("The country the missions serve: its states and provinces")
        self.fiscal_start = QSpinBox()
        self.fiscal_start.setRange(1, 12)
        self.fiscal_start.setToolTip("Month the fiscal year starts: 7 for July–June")
        self.period_style = QComboBox()
        self.period_style.addItem("Fiscal quarters", "fiscal")
        self.period_style.addItem("Calendar quarters", "calendar")
        self.marking = QLineEdit()
        self.confidential_marking = QLineEdit()
        self.confidential_marking.setToolTip(
            "Printed instead of the report marking on reports and briefs that include "
            "confidential engagements"
        )
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(1, 240)
        self.idle_minutes.setSuffix(" minutes")
        self.idle_minutes.setToolTip("Rabta locks itself after this long without input")
        self.review_years = QSpinBox()
        self.review_years.setRange(1, 50)
        self.review_years.setSuffix(" years")
        self.review_years.setToolTip(
            "Contacts with no engagement for this long are listed under Privacy review"
        )
        self.amber_days = QSpinBox()
        self.amber_days.setRange(0, 90)
        self.amber_days.setSuffix(" days before it is due")
        self.amber_days.setToolTip("A follow-up turns amber (due soon) this long before its day")
        self.escalation_days = QSpinBox()
        self.escalation_days.setRange(1, 365)
        self.escalation_days.setSuffix(" days overdue")
        self.escalation_days.setToolTip(
            "Overdue this long, a follow-up appears on its mission's supervisors' Dashboard"
        )
        self.save_installation_button = QPushButton("Save installation settings")
        installation = QGroupBox("Installation (the same for every officer)")
        form = QFormLayout(installation)
        form.addRow("Installation name", self.installation_name)
        form.addRow("Host country", self.host_country)
        form.addRow("Fiscal year starts in month", self.fiscal_start)
        form.addRow("Reports offer", self.period_style)
        form.addRow("Report marking", self.marking)
        form.addRow("Confidential marking", self.confidential_marking)
        form.addRow("Lock the window after", self.idle_minutes)
        form.addRow("Review contacts after", self.review_years)
        form.addRow("Follow-ups turn amber", self.amber_days)
        form.addRow("Escalate follow-ups to supervisors after", self.escalation_days)
        form.addRow(self.save_installation_button)

        self.missions = QListWidget()
        self.regions_edit = QPlainTextEdit()
        self.regions_edit.setPlaceholderText("Region codes this mission covers, e.g. US-TX, US-OK")
        self.regions_edit.setFixedHeight(70)
        self.new_mission_button = QPushButton("New mission")
        self.edit_mission_button = QPushButton("Edit mission")
        self.save_regions_button = QPushButton("Save regions")
        self.save_regions_button.setToolTip(
            "Organizations whose mission was not set by hand follow their region to its mission"
        )
        missions_box = QGroupBox("Missions and the regions they cover")
        missions_layout = QVBoxLayout(missions_box)
        row = QHBoxLayout()  # above the list: on a short screen it stays in sight
        for button in (self.new_mission_button, self.edit_mission_button, self.save_regions_button):
            row.addWidget(button)
        missions_layout.addLayout(row)
        missions_layout.addWidget(self.missions, 1)
        missions_layout.addWidget(self.regions_edit)

        self.tags = QListWidget()
        self.tag_name = QLineEdit()
        self.tag_name.setPlaceholderText("New name for the selected tag")
        self.rename_button = QPushButton("Rename")
        self.merge_target = QComboBox()
        self.merge_button = QPushButton("Merge into")
        self.delete_unused_button = QPushButton("Delete unused tags")
        tags_box = QGroupBox("Tags")
        tags_layout = QVBoxLayout(tags_box)
        tags_layout.addWidget(self.tags, 1)
        rename = QHBoxLayout()
        rename.addWidget(self.tag_name, 1)
        rename.addWidget(self.rename_button)
        merge = QHBoxLayout()
        merge.addWidget(self.merge_button)
        merge.addWidget(self.merge_target, 1)
        tags_layout.addLayout(rename)
        tags_layout.addLayout(merge)
        tags_layout.addWidget(self.delete_unused_button)

        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(installation)
        left.addWidget(tags_box, 1)
        columns.addLayout(left, 1)
        columns.addWidget(missions_box, 1)
        general = QWidget()
        general_layout = QVBoxLayout(general)
        general_layout.addWidget(self.message)
        general_layout.addLayout(columns, 1)
        self.users = UsersPanel(workspace)
        self.backups = BackupsPanel(workspace)
        self.review = ReviewPanel(workspace)
        self.review.open_contact.connect(self._open_contact)
        self.email = EmailPanel(workspace)
        self.tabs = QTabWidget()
        for panel, title in (
            (general, "Installation"),
            (self.users, "Users"),
            (self.backups, "Backups"),
            (self.email, "Email"),
            (self.review, "Privacy review"),
        ):
            # Scrolled rather than clipped, or the window widened, on a small screen.
            self.tabs.addTab(scrolled(panel), title)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Settings</h2>"))
        layout.addWidget(self.tabs, 1)

        self.save_installation_button.clicked.connect(self.save_installation)
        self.missions.currentRowChanged.connect(self._show_regions)
        self.new_mission_button.clicked.connect(self.new_mission)
        self.edit_mission_button.clicked.connect(self.edit_mission)
        self.save_regions_button.clicked.connect(self.save_regions)
        self.rename_button.clicked.connect(self.rename_selected_tag)
        self.merge_button.clicked.connect(self.merge_selected_tag)
        self.delete_unused_button.clicked.connect(self.delete_unused)
        admin = workspace.actor.may_administer
        for widget in (
            self.new_mission_button,
            self.edit_mission_button,
            self.save_regions_button,
            self.save_installation_button,
            self.rename_button,
            self.merge_button,
            self.delete_unused_button,
        ):
            widget.setEnabled(admin)
            widget.setToolTip(widget.toolTip() or "Administrators only")
        if not admin:
            self._say("Only administrators change these settings; they are shown for reading.")
        workspace.broadcast.changed.connect(self._on_changed)
        self.reload()

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Show the current settings, missions and tags."""
        with Session(self.workspace.engine) as s:
            values = setting_texts(s)
            missions = live_missions(s)
            usage = tag_usage(s)
        self.installation_name.setText(values["installation_name"])
        self.host_country.set_code(values["host_country"])
        self.fiscal_start.setValue(int(values["fiscal_year_start_month"]))
        self.period_style.setCurrentIndex(self.period_style.findData(values["period_style"]))
        self.marking.setText(values["report_marking"])
        self.confidential_marking.setText(values["report_marking_confidential"])
        self.idle_minutes.setValue(int(values["idle_lock_minutes"]))
        self.review_years.setValue(int(values["review_after_years"]))
        self.amber_days.setValue(int(values["follow_up_amber_days"]))
        self.escalation_days.setValue(int(values["follow_up_escalation_days"]))
        current = self.selected_mission_id()
        self.missions.clear()
        for mission in missions:
            item = QListWidgetItem(f"{mission.name} ({mission.code})")
            item.setData(ID_ROLE, mission.id)
            self.missions.addItem(item)
            if mission.id == current:
                self.missions.setCurrentItem(item)
        self.tags.clear()
        self.merge_target.clear()
        for tag_id, name, used in usage:
            item = QListWidgetItem(f"{name}  ({used} organization{'s' if used != 1 else ''})")
            item.setData(ID_ROLE, tag_id)
            self.tags.addItem(item)
            self.merge_target.addItem(name, tag_id)

    def _on_changed(self, entity_type: str, _ids: list) -> None:
        if entity_type in ("mission", "organization", "setting", "tag", "all"):
            self.reload()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #9b2226;" if error else "color: #1f5f7a;")
        self.message.setText(text)

    # --- installation --------------------------------------------------------------------------

    def save_installation(self) -> bool:
        """Save the installation settings together (all or none)."""
        values = {
            "installation_name": self.installation_name.text(),
            "host_country": self.host_country.code(),
            "fiscal_year_start_month": str(self.fiscal_start.value()),
            "period_style": self.period_style.currentData(),
            "report_marking": self.marking.text(),
            "report_marking_confidential": self.confidential_marking.text(),
            "idle_lock_minutes": str(self.idle_minutes.value()),
            "review_after_years": str(self.review_years.value()),
            "follow_up_amber_days": str(self.amber_days.value()),
            "follow_up_escalation_days": str(self.escalation_days.value()),
        }
        try:
            with store.session(self.workspace.engine) as s:
                for key, value in values.items():
                    set_setting(s, self.workspace.actor, key, value)
        except RabtaError as error:
            self._say(f"Not saved: {said(error)}", error=True)
            return False
        self._say("Installation settings saved.")
        self.workspace.announce("setting")
        return True

    def _open_contact(self, contact_id: int) -> None:
        window = self.window()
        if hasattr(window, "show_record"):
            window.show_record("contact", contact_id)

    # --- missions and regions ---------------------------------------------------------------------

    def selected_mission_id(self) -> int | None:
        item = self.missions.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def _show_regions(self) -> None:
        mission_id = self.selected_mission_id()
        if mission_id is None:
            self.regions_edit.clear()
            return
        with Session(self.workspace.engine) as s:
            codes = regions_of_mission(s, mission_id)
        self.regions_edit.setPlainText(", ".join(codes))

    def save_regions(self) -> int | None:
        """Make the selected mission cover the listed regions; say how many moved."""
        mission_id = self.selected_mission_id()
        if mission_id is None:
            self._say("Choose a mission first.", error=True)
            return None
        codes = [
            c.strip()
            for c in self.regions_edit.toPlainText().replace("\n", ",").split(",")
            if c.strip()
        ]
        try:
            with store.session(self.workspace.engine) as s:
                moved = set_jurisdiction(s, self.workspace.actor, mission_id, codes)
        except RabtaError as error:
            self._say(f"Regions not saved: {said(error)}", error=True)
            return None
        self._say(
            f"Regions saved; {moved} organization{'s' if moved != 1 else ''} moved to "
            "the mission their region now implies."
        )
        self.workspace.announce("mission", [mission_id])
        return moved

    def new_mission(self) -> MissionForm:
        """Open the form for a new mission."""
        return self._mission_form(None)

    def edit_mission(self) -> MissionForm | None:
        """Open the selected mission's form."""
        mission_id = self.selected_mission_id()
        return self._mission_form(mission_id) if mission_id is not None else None

    def _mission_form(self, mission_id: int | None) -> MissionForm:
        self.open_dialog = MissionForm(self.workspace, mission_id, self)
        self.open_dialog.open()
        return self.open_dialog

    # --- tags ---------------------------------------------------------------------------------

    def _selected_tag(self) -> int | None:
        item = self.tags.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def rename_selected_tag(self) -> None:
        tag_id = self._selected_tag()
        if tag_id is None:
            self._say("Choose a tag first.", error=True)
            return
        self._tag_change(
            lambda s: rename_tag(s, self.workspace.actor, tag_id, self.tag_name.text()),
            "Tag renamed.",
        )

    def merge_selected_tag(self) -> None:
        tag_id = self._selected_tag()
        target = self.merge_target.currentData()
        if tag_id is None or target is None:
            self._say("Choose the tag to merge and the tag to merge it into.", error=True)
            return
        self._tag_change(
            lambda s: merge_tags(s, self.workspace.actor, tag_id, target), "Tags merged."
        )

    def delete_unused(self) -> None:
        answer = QMessageBox.question(
            self, "Delete unused tags", "Delete every tag that no organization uses?"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._tag_change(
                lambda s: delete_unused_tags(s, self.workspace.actor), "Unused tags deleted."
            )

    def _tag_change(self, change, done: str) -> None:
        try:
            with store.session(self.workspace.engine) as s:
                change(s)
        except RabtaError as error:
            self._say(said(error), error=True)
            return
        self._say(done)
        self.tag_name.clear()
        self.workspace.announce("tag")
