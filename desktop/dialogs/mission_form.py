"""Create or edit a mission (administrators)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget
from sqlmodel import Session

from db.foundations.models import Mission, MissionKind
from db.queries.editing import record_to_edit
from db.store.missions import create_mission, update_mission
from desktop.dialogs.record_form import RecordForm, focus_first
from desktop.widgets.country_box import CountryBox
from desktop.widgets.screen_fit import fit_on_screen
from desktop.workspace import Workspace


class MissionForm(RecordForm):
    entity_type = "mission"

    def __init__(
        self, workspace: Workspace, mission_id: int | None = None, parent: QWidget | None = None
    ):
        super().__init__(workspace, "New mission" if mission_id is None else "Edit mission", parent)
        self.mission_id = mission_id
        with Session(workspace.engine) as s:
            m = (
                record_to_edit(s, workspace.actor, "mission", mission_id)
                if mission_id
                else Mission(code="", name="", kind="", country="")
            )
        code = self.line("code", "Code", m.code, placeholder="e.g. HOU")
        self.line("name", "Name", m.name)
        self.choice("kind", "Kind", MissionKind, m.kind or None, empty="Choose…")
        self.country_box = CountryBox()
        self.country_box.set_code(m.country or "US")
        self.add_field("country", "Country", self.country_box, self.country_box.code)
        self.line("city", "City", m.city)
        fit_on_screen(self, 480, 300)
        focus_first(code)

    def save(self, s: Session, values: dict[str, Any]) -> int:
        if self.mission_id is None:
            return create_mission(s, self.workspace.actor, values)
        update_mission(s, self.workspace.actor, self.mission_id, values)
        return self.mission_id
