"""Create or edit a contact; a new contact can be placed in an organization at once."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget
from sqlmodel import Session

from db.foundations.models import Consent, Contact, Generation, PublicRole
from db.queries.editing import record_to_edit
from db.queries.pickers import Choice, organization_choices
from db.store.contacts import create_contact, public_roles_of, update_contact
from desktop.dialogs.record_form import RecordForm, focus_first
from desktop.widgets.entity_picker import EntityPicker
from desktop.workspace import Workspace


class ContactForm(RecordForm):
    entity_type = "contact"

    def __init__(
        self,
        workspace: Workspace,
        contact_id: int | None = None,
        parent: QWidget | None = None,
        organization: Choice | None = None,
    ):
        super().__init__(workspace, "New contact" if contact_id is None else "Edit contact", parent)
        self.contact_id = contact_id
        with Session(workspace.engine) as s:
            c = (
                record_to_edit(s, workspace.actor, "contact", contact_id)
                if contact_id
                else Contact(given_name="")
            )
            self.loaded_version = c.version if c.id else None
            roles = public_roles_of(s, contact_id) if contact_id else []
        self.line("honorific", "Honorific", c.honorific, placeholder="Dr., Prof., …")
        self.given_edit = self.line("given_name", "Given name", c.given_name)
        self.line("family_name", "Family name", c.family_name)
        self.line("name_urdu", "Name in Urdu", c.name_urdu, placeholder="اردو نام")
        if contact_id is None:
            self.organization_picker = EntityPicker(
                workspace.engine,
                organization_choices,
                multiple=False,
                placeholder="Type a name or acronym",
            )
            if organization is not None:
                self.organization_picker.add(organization)
            self.add_field(
                "organization",
                "Organization",
                self.organization_picker,
                self.organization_picker.chosen_ids,
                errors_for=("affiliations",),
            )
            self.role_edit = self.line("role_title", "Role", placeholder="e.g. President")
            self.primary_check = self.flag("is_primary", "", text="Primary contact")
        self.line("profession", "Profession", c.profession)
        self.choice("generation", "Generation", Generation, c.generation)
        self.line("city", "City", c.city)
        self.line("region_code", "Region", c.region_code or "", placeholder="e.g. US-NY")
        self.line("email", "Email", c.email)
        self.line("phone", "Phone", c.phone, placeholder="+1 212 555 0100")
        self.line("preferred_language", "Preferred language", c.preferred_language)
        self.several("public_roles", "Public roles", PublicRole, roles)
        self.choice("consent", "Consent", Consent, c.consent)
        self.day("consent_date", "Consent date", c.consent_date)
        self.line(
            "consent_source",
            "Consent source",
            c.consent_source,
            placeholder="e.g. signed form at meeting",
        )
        self.flag("do_not_contact", "", c.do_not_contact, text="Do not contact")
        self.text_area("notes", "Notes", c.notes, height=60)
        focus_first(self.given_edit)

    def values(self) -> dict[str, Any]:
        values = super().values()
        if self.contact_id is None:
            organization = values.pop("organization")
            role = values.pop("role_title")
            primary = values.pop("is_primary")
            if organization:
                values["affiliations"] = [
                    {"organization_id": organization[0], "role_title": role, "is_primary": primary}
                ]
        return values

    def prepare(self) -> dict[str, str]:
        if self.contact_id is None and not self.organization_picker.resolve_typed():
            return {"organization": "No organization matches what is typed."}
        return {}

    def save(self, s: Session, values: dict[str, Any]) -> int:
        if self.contact_id is None:
            return create_contact(s, self.workspace.actor, values)
        update_contact(s, self.workspace.actor, self.contact_id, values)
        return self.contact_id
