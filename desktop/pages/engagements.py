"""The Engagements page: the log of meetings, calls, letters and events."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QMessageBox
from sqlmodel import Session

from db import store
from db.foundations import clock
from db.foundations.errors import RabtaError, said
from db.foundations.labels import choices_of, label_of
from db.foundations.models import Engagement, EngagementKind, Mechanism
from db.queries.details import engagement_detail
from db.queries.engagements import EngagementFilter, count_engagements, engagement_page
from db.queries.pickers import mission_options
from db.store.engagements import (
    archive_engagement,
    reopen_follow_up,
    restore_engagement,
)
from desktop.detail_html import engagement_html
from desktop.dialogs.engagement_form import EngagementForm
from desktop.models.paged_table import Column
from desktop.pages.record_page import FilterChoice, RecordPage


class EngagementsPage(RecordPage):
    title = "Engagements"
    noun = "engagement"
    first_step = (
        "Press Ctrl+L from anywhere to log the first meeting, call or event; it takes "
        "the keyboard alone."
    )
    export_kind = "engagements"
    import_kind = "engagements"
    record_model = Engagement
    entity_types = ("engagement", "organization", "contact", "program")
    text_hint = "Filter by subject, summary or organization"
    default_sort = "date"
    default_descending = True
    columns = (
        Column("Date", "date", "date", width=90),
        Column("Kind", "kind", "kind", lambda v: label_of(EngagementKind, v), width=80),
        Column("Subject", "subject", None, width=360),
        Column("Organizations", "organizations", None, width=130),
        Column("Mission", "mission_code", None, width=60),
        Column("Officer", "officer", None, lambda v: (v or "").split(",")[0], width=120),
        Column("Mechanism", "mechanism", "mechanism", lambda v: label_of(Mechanism, v), width=140),
        Column("Follow-up", "follow_up", "follow_up_date", width=130),
        Column(
            "Sensitivity", "confidential", None, lambda v: "Confidential" if v else "", width=90
        ),
    )
    filter_choices = (
        FilterChoice("kind", "All kinds", lambda s: choices_of(EngagementKind)),
        FilterChoice("mechanism", "All mechanisms", lambda s: choices_of(Mechanism)),
        FilterChoice("mission_id", "All missions", mission_options),
    )

    def count_query(self, s: Session, flt: Any) -> int:
        return count_engagements(s, flt)

    def page_query(self, s: Session, flt: Any, **kwargs) -> list:
        return engagement_page(s, flt, **kwargs)

    def make_filter(self) -> EngagementFilter:
        return EngagementFilter(
            viewer=self.workspace.actor,
            text=self.text_value(),
            kind=self.combo_value("kind"),
            mechanism=self.combo_value("mechanism"),
            mission_id=self.combo_value("mission_id"),
            include_archived=self.archived_value(),
            **self.narrowing_fields(),
        )

    def detail_html(self, s: Session, record_id: int) -> str:
        return engagement_html(engagement_detail(s, self.workspace.actor, record_id, clock.today()))

    def form(self, record_id: int | None) -> QDialog:
        return EngagementForm(self.workspace, record_id, self)

    def set_archived(self, s: Session, record_id: int, archived: bool) -> bool:
        change = archive_engagement if archived else restore_engagement
        return change(s, self.workspace.actor, record_id)

    def extra_actions(self):
        return [
            (
                "Follow-up done",
                "Mark the selected engagement's follow-up done",
                self.complete_selected_follow_up,
            ),
            ("Reopen follow-up", "Undo marking the follow-up done", self.reopen_selected_follow_up),
        ]

    def changing_buttons(self):
        """Marking a follow-up done or reopening it changes the engagement too."""
        return [*super().changing_buttons(), *self.extra_buttons.values()]

    def complete_selected_follow_up(self) -> QDialog | None:
        """Ask what came of the shown engagement's follow-up, then mark it done."""
        record_id = self.shown_id()
        if record_id is None or self.shown_title is None or self._refused_here():
            return None
        from desktop.dialogs.follow_up_done import FollowUpDoneForm

        return self._open(
            FollowUpDoneForm(self.workspace, record_id, self.shown_title.title, None, self)
        )

    def reopen_selected_follow_up(self) -> None:
        """Undo marking the shown engagement's follow-up done."""
        record_id = self.shown_id()
        if record_id is None or self._refused_here():
            return
        try:
            with store.session(self.workspace.engine) as s:
                reopen_follow_up(s, self.workspace.actor, record_id)
        except RabtaError as error:
            QMessageBox.warning(self, "Follow-up", said(error))
            return
        self.workspace.announce("engagement", [record_id])
