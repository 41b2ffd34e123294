"""Forms for programs and what hangs off them: participants, events, indicators and
quarterly measurements."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QWidget
from sqlmodel import Session

from db.foundations import clock
from db.foundations.errors import ValidationError
from db.foundations.models import (
    Mechanism,
    ParticipantRole,
    Program,
    ProgramKind,
    ProgramStatus,
)
from db.foundations.periods import quarter_containing
from db.queries.editing import record_to_edit
from db.queries.pickers import live_missions, organization_choices
from db.queries.programs import program_indicators
from db.rules.settings import read_settings
from db.store.programs import (
    add_event,
    add_indicator,
    add_participant,
    create_program,
    record_measurement,
    update_program,
)
from desktop.dialogs.record_form import RecordForm, focus_first
from desktop.widgets.entity_picker import EntityPicker
from desktop.widgets.screen_fit import fit_on_screen
from desktop.workspace import Workspace


class ProgramForm(RecordForm):
    entity_type = "program"

    def __init__(
        self, workspace: Workspace, program_id: int | None = None, parent: QWidget | None = None
    ):
        super().__init__(workspace, "New program" if program_id is None else "Edit program", parent)
        self.program_id = program_id
        with Session(workspace.engine) as s:
            p = (
                record_to_edit(s, workspace.actor, "program", program_id)
                if program_id
                else Program(name="", kind="")
            )
            self.loaded_version = p.version if p.id else None
            missions = [(m.id, m.name) for m in live_missions(s)]
        name = self.line("name", "Name", p.name)
        self.choice("kind", "Kind", ProgramKind, p.kind or None, empty="Choose…")
        self.choice("mechanism", "Mechanism", Mechanism, p.mechanism, empty="—")
        combo = QComboBox()
        combo.addItem("—", None)
        for mission_id, mission_name in missions:
            combo.addItem(mission_name, mission_id)
        combo.setCurrentIndex(
            max(0, combo.findData(p.lead_mission_id or workspace.actor.mission_id))
        )
        self.add_field("lead_mission_id", "Lead mission", combo, combo.currentData)
        self.day("start_date", "Starts", p.start_date)
        self.day("end_date", "Ends", p.end_date)
        self.choice("status", "Status", ProgramStatus, p.status)
        budget = f"{p.budget_minor / 100:.2f}" if p.budget_minor else ""
        self.line(
            "budget", "Budget", budget, placeholder="e.g. 45000", tooltip="In the currency below"
        )
        self.line("budget_currency", "Currency", p.budget_currency or "USD")
        self.text_area("description", "Description", p.description)
        focus_first(name)

    def values(self) -> dict[str, Any]:
        values = super().values()
        budget = values.pop("budget").replace(",", "").strip()
        try:
            values["budget_minor"] = round(float(budget) * 100) if budget else None
        except ValueError:
            values["budget_minor"] = budget  # the store refuses it with a sentence
        return values

    def show_errors(self, errors: dict[str, str]) -> None:
        if "budget_minor" in errors:
            errors = {**errors, "budget": "The budget is an amount such as 45000 or 45000.50."}
            errors.pop("budget_minor")
        super().show_errors(errors)

    def save(self, s: Session, values: dict[str, Any]) -> int:
        if self.program_id is None:
            return create_program(s, self.workspace.actor, values)
        update_program(s, self.workspace.actor, self.program_id, values)
        return self.program_id


class ParticipantForm(RecordForm):
    entity_type = "program"

    def __init__(self, workspace: Workspace, program_id: int, parent: QWidget | None = None):
        super().__init__(workspace, "Add a participant", parent)
        self.program_id = program_id
        self.picker = EntityPicker(
            workspace.engine,
            organization_choices,
            multiple=False,
            placeholder="Type a name or acronym",
        )
        self.add_field(
            "organization_id",
            "Organization",
            self.picker,
            lambda: (self.picker.chosen_ids() or [None])[0],
        )
        self.choice("role", "Role", ParticipantRole, ParticipantRole.PARTICIPANT)
        fit_on_screen(self, 480, 220)
        focus_first(self.picker.edit)

    def prepare(self) -> dict[str, str]:
        if not self.picker.resolve_typed():
            return {"organization_id": "No organization matches what is typed."}
        return {}

    def save(self, s: Session, values: dict[str, Any]) -> int:
        add_participant(
            s, self.workspace.actor, self.program_id, values["organization_id"], values["role"]
        )
        return self.program_id


class EventForm(RecordForm):
    entity_type = "program"

    def __init__(self, workspace: Workspace, program_id: int, parent: QWidget | None = None):
        super().__init__(workspace, "Add a program event", parent)
        self.program_id = program_id
        title = self.line("title", "Title")
        self.day("date", "Date", clock.today())
        self.line("venue", "Venue")
        self.line("city", "City")
        self.line("attendance", "Attendance", placeholder="number of people")
        fit_on_screen(self, 480, 320)
        focus_first(title)

    def save(self, s: Session, values: dict[str, Any]) -> int:
        add_event(s, self.workspace.actor, self.program_id, values)
        return self.program_id


class IndicatorForm(RecordForm):
    entity_type = "program"

    def __init__(self, workspace: Workspace, program_id: int, parent: QWidget | None = None):
        super().__init__(workspace, "Add an indicator", parent)
        self.program_id = program_id
        name = self.line("name", "Name", placeholder="e.g. Accounts opened")
        self.line("unit", "Unit", placeholder="e.g. accounts")
        self.line("target_per_quarter", "Target per quarter")
        fit_on_screen(self, 480, 240)
        focus_first(name)

    def save(self, s: Session, values: dict[str, Any]) -> int:
        add_indicator(s, self.workspace.actor, self.program_id, values)
        return self.program_id


class MeasurementForm(RecordForm):
    """Record an indicator's value for a quarter (the current quarter by default)."""

    entity_type = "program"

    def __init__(self, workspace: Workspace, program_id: int, parent: QWidget | None = None):
        super().__init__(workspace, "Record a measurement", parent)
        self.program_id = program_id
        with Session(workspace.engine) as s:
            indicators = program_indicators(s, program_id)
            settings = read_settings(s)
        fiscal, start_month = settings.fiscal, settings.fiscal_year_start_month
        self.indicator_combo = QComboBox()
        for indicator_id, name, unit in indicators:
            self.indicator_combo.addItem(f"{name} ({unit})" if unit else name, indicator_id)
        self.add_field(
            "indicator_id", "Indicator", self.indicator_combo, self.indicator_combo.currentData
        )
        quarter = quarter_containing(clock.today(), fiscal=fiscal, fiscal_start_month=start_month)
        self.period_edit = self.line(
            "period", "Quarter", quarter.code, placeholder="2026Q3 or FY2026-27Q1"
        )
        self.value_edit = self.line("value", "Value")
        self.line("source", "Source", placeholder="where the figure comes from")
        fit_on_screen(self, 480, 260)
        focus_first(self.value_edit)

    def save(self, s: Session, values: dict[str, Any]) -> int:
        indicator_id = values.pop("indicator_id")
        if indicator_id is None:
            raise ValidationError(
                {"indicator_id": "This program has no indicator yet; add one first."}
            )
        record_measurement(s, self.workspace.actor, indicator_id, values)
        return self.program_id
