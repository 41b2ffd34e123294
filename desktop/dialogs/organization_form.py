"""Create or edit an organization."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QWidget
from sqlmodel import Session

from db.foundations.models import (
    Mechanism,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Priority,
    Province,
)
from db.queries.editing import record_to_edit
from db.queries.pickers import live_missions
from db.rules.rows import tags_of
from db.store.organizations import create_organization, mechanisms_of, update_organization
from desktop.dialogs.record_form import RecordForm, focus_first
from desktop.workspace import Workspace


def _optional_int(text: str) -> str | None:
    return text.strip() or None


class OrganizationForm(RecordForm):
    entity_type = "organization"

    def __init__(
        self, workspace: Workspace, org_id: int | None = None, parent: QWidget | None = None
    ):
        super().__init__(
            workspace, "New organization" if org_id is None else "Edit organization", parent
        )
        self.org_id = org_id
        with Session(workspace.engine) as s:
            org = (
                record_to_edit(s, workspace.actor, "organization", org_id)
                if org_id
                else Organization(name="", kind="")
            )
            self.loaded_version = org.version if org.id else None
            mechanisms = mechanisms_of(s, org_id) if org_id else []
            tags = tags_of(s, org_id) if org_id else []
            missions = [(m.id, m.name, m.code) for m in live_missions(s)]
        self.name_edit = self.line("name", "Name", org.name)
        self.line("acronym", "Acronym", org.acronym)
        self.choice("kind", "Kind", OrganizationKind, org.kind or None, empty="Choose…")
        self.choice("status", "Status", OrganizationStatus, org.status)
        self.choice("priority", "Priority", Priority, org.priority)
        self.line("city", "City", org.city)
        self.line(
            "region_code",
            "Region",
            org.region_code or "",
            placeholder="e.g. US-TX",
            tooltip="ISO 3166-2 code; decides the owning mission",
        )
        self.mission_combo = QComboBox()
        self.mission_combo.addItem("From the region (jurisdiction)", None)
        for mission_id, name, code in missions:
            self.mission_combo.addItem(f"{name} ({code})", mission_id)
        if org.mission_set_by_hand and org.mission_id:
            self.mission_combo.setCurrentIndex(self.mission_combo.findData(org.mission_id))
        self.add_field(
            "mission_id",
            "Mission",
            self.mission_combo,
            self.mission_combo.currentData,
            tooltip="Leave on 'From the region' unless this organization is handled "
            "by another mission",
        )
        self.line(
            "hometown_district",
            "Home district",
            org.hometown_district,
            placeholder="hometown associations only, e.g. Jhelum",
        )
        self.choice(
            "hometown_province", "Home province", Province, org.hometown_province, empty="—"
        )
        self.several("mechanisms", "Focus", Mechanism, mechanisms)
        self.line("tags", "Tags", ", ".join(tags), placeholder="comma-separated")
        self.line("website", "Website", org.website)
        self.line("email", "Email", org.email)
        self.line("phone", "Phone", org.phone)
        self.line("founded_year", "Founded", str(org.founded_year or ""))
        self.line("members_estimate", "Members (estimate)", str(org.members_estimate or ""))
        self.text_area("address", "Address", org.address, height=50)
        self.text_area("description", "Description", org.description)
        focus_first(self.name_edit)

    def values(self) -> dict[str, Any]:
        values = super().values()
        values["tags"] = [t.strip() for t in values["tags"].split(",") if t.strip()]
        values["founded_year"] = _optional_int(values["founded_year"])
        values["members_estimate"] = _optional_int(values["members_estimate"])
        return values

    def save(self, s: Session, values: dict[str, Any]) -> int:
        if self.org_id is None:
            return create_organization(s, self.workspace.actor, values)
        update_organization(s, self.workspace.actor, self.org_id, values)
        return self.org_id
