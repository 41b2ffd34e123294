"""Log or edit an engagement. As quick log (Ctrl+L) it is made for the keyboard:
focus starts in the organization picker and Tab goes organization, contacts, kind,
subject, summary, program, mechanism, follow-up date, date, mission; Ctrl+Return saves."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from PySide6.QtWidgets import QComboBox, QWidget
from sqlmodel import Session

from db.foundations import clock
from db.foundations.models import Engagement, EngagementKind, Mechanism, Sensitivity
from db.queries.editing import record_to_edit
from db.queries.pickers import (
    Choice,
    contact_choices,
    contact_choices_of,
    mission_choices,
    organization_choices,
    organization_choices_of,
    program_choices,
)
from db.rules.rows import linked_ids
from db.store.engagements import log_engagement, update_engagement
from desktop.dialogs.record_form import RecordForm, focus_first
from desktop.widgets.entity_picker import EntityPicker
from desktop.workspace import Workspace


class EngagementForm(RecordForm):
    entity_type = "engagement"

    def __init__(
        self,
        workspace: Workspace,
        engagement_id: int | None = None,
        parent: QWidget | None = None,
        organization: Choice | None = None,
    ):
        super().__init__(
            workspace, "Log an engagement" if engagement_id is None else "Edit engagement", parent
        )
        self.engagement_id = engagement_id
        self.keeps_drafts = engagement_id is None
        with Session(workspace.engine) as s:
            e = (
                record_to_edit(s, workspace.actor, "engagement", engagement_id)
                if engagement_id
                else Engagement(date=clock.today(), kind=EngagementKind.MEETING, subject="")
            )
            self.loaded_version = e.version if e.id else None
            org_ids, contact_ids = linked_ids(s, engagement_id) if engagement_id else ([], [])
            orgs = organization_choices_of(s, org_ids)
            people = contact_choices_of(s, contact_ids)
            programs = program_choices(s)
            missions = mission_choices(s)
        self.organizations = EntityPicker(
            workspace.engine, organization_choices, placeholder="Type a name or acronym, e.g. APP"
        )
        self.organizations.set_chosen(orgs or ([organization] if organization else []))
        self.add_field(
            "organization_ids", "Organizations", self.organizations, self.organizations.chosen_ids
        )
        self.contacts = EntityPicker(
            workspace.engine,
            lambda s, typed: contact_choices(
                s, typed, organization_ids=self.organizations.chosen_ids()
            ),
            placeholder="Type a person's name",
        )
        self.contacts.set_chosen(people)
        self.add_field("contact_ids", "Contacts", self.contacts, self.contacts.chosen_ids)
        self.kind_combo = self.choice("kind", "Kind", EngagementKind, e.kind)
        self.subject_edit = self.line("subject", "Subject", e.subject)
        self.summary_edit = self.text_area("summary", "Summary", e.summary)
        self.program_combo = QComboBox()
        self.program_combo.addItem("—", None)
        for choice in programs:
            self.program_combo.addItem(choice.label, choice.id)
        self.program_combo.setCurrentIndex(max(0, self.program_combo.findData(e.program_id)))
        self.add_field("program_id", "Program", self.program_combo, self.program_combo.currentData)
        self.mechanism_combo = self.choice(
            "mechanism", "Mechanism", Mechanism, e.mechanism, empty="—"
        )
        self.follow_up_edit = self.day(
            "follow_up_date",
            "Follow-up date",
            e.follow_up_date,
            placeholder="none; YYYY-MM-DD or +7",
        )
        self.date_edit = self.day("date", "Date", e.date)
        self.mission_combo = QComboBox()
        # A long mission name must not widen the form past the window.
        self.mission_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.mission_combo.setMinimumContentsLength(24)
        if engagement_id is None:
            self.mission_combo.addItem("From you, the organization or the contact", None)
        for choice in missions:
            self.mission_combo.addItem(choice.label, choice.id)
        mission = e.mission_id if engagement_id else workspace.actor.mission_id
        self.mission_combo.setCurrentIndex(max(0, self.mission_combo.findData(mission)))
        self.add_field("mission_id", "Mission", self.mission_combo, self.mission_combo.currentData)
        self.outcome_edit = self.text_area("outcome", "Outcome", e.outcome, height=50)
        self.sensitivity_combo = self.choice(
            "sensitivity", "Sensitivity", Sensitivity, e.sensitivity
        )
        chain = [
            self.organizations.edit,
            self.contacts.edit,
            self.kind_combo,
            self.subject_edit,
            self.summary_edit,
            self.program_combo,
            self.mechanism_combo,
            self.follow_up_edit,
            self.date_edit,
            self.mission_combo,
            self.outcome_edit,
            self.sensitivity_combo,
        ]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)
        focus_first(self.organizations.edit)

    def prepare(self) -> dict[str, str]:
        errors = {}
        if not self.organizations.resolve_typed():
            errors["organization_ids"] = "No organization matches what is typed."
        if not self.contacts.resolve_typed():
            errors["contact_ids"] = "No contact matches what is typed."
        return errors

    def save(self, s: Session, values: dict[str, Any]) -> int:
        if self.engagement_id is None:
            return log_engagement(s, self.workspace.actor, values)
        update_engagement(s, self.workspace.actor, self.engagement_id, values)
        return self.engagement_id
