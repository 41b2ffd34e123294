"""The Programs page: programs with participants, events, and indicators target against
actual by quarter."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog
from sqlmodel import Session

from db.foundations.labels import choices_of, label_of
from db.foundations.models import Mechanism, Program, ProgramKind, ProgramStatus
from db.queries.details import program_detail
from db.queries.pickers import mission_options
from db.queries.programs import ProgramFilter, count_programs, program_page
from db.store.programs import archive_program, restore_program
from desktop.detail_html import program_html
from desktop.dialogs.program_forms import (
    EventForm,
    IndicatorForm,
    MeasurementForm,
    ParticipantForm,
    ProgramForm,
)
from desktop.models.paged_table import Column
from desktop.pages.record_page import FilterChoice, RecordPage


class ProgramsPage(RecordPage):
    title = "Programs"
    noun = "program"
    first_step = (
        "Press Ctrl+N to add the first program, e.g. Roshan Digital Account outreach, "
        "then its indicators and events."
    )
    export_kind = "programs"
    record_model = Program
    entity_types = ("program", "organization", "mission")
    text_hint = "Filter by name"
    columns = (
        Column("Name", "name", "name", width=300),
        Column("Kind", "kind", "kind", lambda v: label_of(ProgramKind, v), width=150),
        Column("Mechanism", "mechanism", "mechanism", lambda v: label_of(Mechanism, v), width=140),
        Column("Lead mission", "mission_code", "mission_code", width=90),
        Column("Starts", "start_date", "start_date", width=90),
        Column("Ends", "end_date", "end_date", width=90),
        Column("Status", "status", "status", lambda v: label_of(ProgramStatus, v), width=80),
        Column("Participants", "participants", "participants", width=90),
    )
    filter_choices = (
        FilterChoice("kind", "All kinds", lambda s: choices_of(ProgramKind)),
        FilterChoice("status", "All statuses", lambda s: choices_of(ProgramStatus)),
        FilterChoice("mission_id", "All missions", mission_options),
    )

    def count_query(self, s: Session, flt: Any) -> int:
        return count_programs(s, flt)

    def page_query(self, s: Session, flt: Any, **kwargs) -> list:
        return program_page(s, flt, **kwargs)

    def make_filter(self) -> ProgramFilter:
        return ProgramFilter(
            text=self.text_value(),
            kind=self.combo_value("kind"),
            status=self.combo_value("status"),
            mission_id=self.combo_value("mission_id"),
            include_archived=self.archived_value(),
            **self.narrowing_fields(),
        )

    def detail_html(self, s: Session, record_id: int) -> str:
        return program_html(program_detail(s, record_id))

    def form(self, record_id: int | None) -> QDialog:
        return ProgramForm(self.workspace, record_id, self)

    def set_archived(self, s: Session, record_id: int, archived: bool) -> bool:
        change = archive_program if archived else restore_program
        return change(s, self.workspace.actor, record_id)

    def extra_actions(self):
        return [
            (
                "Add participant",
                "Add an organization to the selected program",
                lambda: self._sub_form(ParticipantForm),
            ),
            (
                "Add event",
                "Record an event of the selected program",
                lambda: self._sub_form(EventForm),
            ),
            (
                "Guest lists",
                "The guest lists of the selected program's events, and the check-in at the door",
                self._guest_lists,
            ),
            (
                "Add indicator",
                "Add a measured indicator to the selected program",
                lambda: self._sub_form(IndicatorForm),
            ),
            (
                "Record measurement",
                "Record an indicator's value for a quarter",
                lambda: self._sub_form(MeasurementForm),
            ),
        ]

    def changing_buttons(self):
        """Participants, events, indicators and measurements change the program too."""
        return [*super().changing_buttons(), *self.extra_buttons.values()]

    def _guest_lists(self) -> QDialog | None:
        from desktop.dialogs.guest_list import GuestListDialog

        program_id = self.shown_id()
        if program_id is None:
            return None
        return self._open(GuestListDialog(self.workspace, program_id, self))

    def _sub_form(self, form_class) -> QDialog | None:
        program_id = self.shown_id()
        if program_id is None:
            return None
        return self._open(form_class(self.workspace, program_id, self))
