"""The Organizations page: the registry, with each organization's contacts, engagements,
programs and follow-ups in the detail pane."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog
from sqlmodel import Session

from db.foundations.labels import choices_of, label_of
from db.foundations.models import Organization, OrganizationKind, OrganizationStatus, Priority
from db.queries.details import organization_detail
from db.queries.organizations import OrganizationFilter, count_organizations, organization_page
from db.queries.pickers import (
    Choice,
    mission_options,
    organization_choices_of,
    region_options,
    tag_options,
)
from db.store.organizations import archive_organization, restore_organization
from desktop.detail_html import organization_html
from desktop.dialogs.contact_form import ContactForm
from desktop.dialogs.engagement_form import EngagementForm
from desktop.dialogs.organization_form import OrganizationForm
from desktop.models.paged_table import Column
from desktop.pages.record_page import FilterChoice, RecordPage


def _enum(enum):
    return lambda value: label_of(enum, value)


class OrganizationsPage(RecordPage):
    title = "Organizations"
    noun = "organization"
    first_step = (
        "Press Ctrl+N to add the first organization, or File > Import… (Ctrl+Shift+I) to "
        "bring in the spreadsheet you keep today."
    )
    export_kind = "organizations"
    import_kind = "organizations"
    record_model = Organization
    entity_types = ("organization", "contact", "engagement", "program", "mission")
    text_hint = "Filter by name, acronym or city"
    columns = (
        Column("Name", "name", "name", width=320),
        Column("Acronym", "acronym", "acronym", width=90),
        Column("Kind", "kind", "kind", _enum(OrganizationKind), width=160),
        Column("Status", "status", "status", _enum(OrganizationStatus), width=75),
        Column("Priority", "priority", "priority", _enum(Priority), width=70),
        Column("City", "city", "city", width=110),
        Column("Region", "region_code", "region_code", width=65),
        Column("Mission", "mission_code", "mission_code", width=65),
        Column("Last engagement", "last_engagement", "last_engagement", width=110),
    )
    filter_choices = (
        FilterChoice("kind", "All kinds", lambda s: choices_of(OrganizationKind)),
        FilterChoice("status", "All statuses", lambda s: choices_of(OrganizationStatus)),
        FilterChoice("mission_id", "All missions", mission_options),
        FilterChoice("region_code", "All regions", region_options),
        FilterChoice("tag", "All tags", tag_options),
    )

    def count_query(self, s: Session, flt: Any) -> int:
        return count_organizations(s, flt)

    def page_query(self, s: Session, flt: Any, **kwargs) -> list:
        return organization_page(s, flt, **kwargs)

    def make_filter(self) -> OrganizationFilter:
        return OrganizationFilter(
            viewer=self.workspace.actor,
            text=self.text_value(),
            kind=self.combo_value("kind"),
            status=self.combo_value("status"),
            mission_id=self.combo_value("mission_id"),
            region_code=self.combo_value("region_code"),
            tag=self.combo_value("tag"),
            include_archived=self.archived_value(),
            **self.narrowing_fields(),
        )

    def detail_html(self, s: Session, record_id: int) -> str:
        return organization_html(organization_detail(s, self.workspace.actor, record_id))

    def form(self, record_id: int | None) -> QDialog:
        return OrganizationForm(self.workspace, record_id, self)

    def set_archived(self, s: Session, record_id: int, archived: bool) -> bool:
        change = archive_organization if archived else restore_organization
        return change(s, self.workspace.actor, record_id)

    def extra_actions(self):
        return [
            ("Add contact", "Add a person to the selected organization", self.add_contact),
            (
                "Log engagement",
                "Log an engagement with the selected organization (Ctrl+L logs one from anywhere)",
                self.log_engagement,
            ),
        ]

    def _selected_choice(self) -> Choice | None:
        record_id = self.shown_id()
        if record_id is None:
            return None
        with Session(self.workspace.engine) as s:
            return next(iter(organization_choices_of(s, [record_id])), None)

    def add_contact(self) -> QDialog:
        """A new contact, already placed in the selected organization."""
        return self._open(
            ContactForm(self.workspace, None, self, organization=self._selected_choice())
        )

    def log_engagement(self) -> QDialog:
        """Quick log with the selected organization filled in."""
        return self._open(
            EngagementForm(self.workspace, None, self, organization=self._selected_choice())
        )
