"""The Contacts page: people, with consent and do-not-contact shown plainly."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog
from sqlmodel import Session

from db.labels import choices_of, label_of
from db.models import Consent, Contact
from db.queries.contacts import ContactFilter, contact_page, count_contacts
from db.queries.details import contact_detail
from db.queries.organization_brief import readable_phone
from db.queries.pickers import mission_options, region_options
from db.store.contacts import archive_contact, restore_contact
from desktop.detail_html import contact_html
from desktop.dialogs.contact_form import ContactForm
from desktop.models.paged_table import Column
from desktop.pages.record_page import FilterChoice, RecordPage


class ContactsPage(RecordPage):
    title = "Contacts"
    noun = "contact"
    record_model = Contact
    entity_types = ("contact", "organization", "engagement")
    text_hint = "Filter by name (either script), email, city or profession"
    columns = (
        Column("Name", "name", "name", width=180),
        Column("Urdu", "name_urdu", None, width=120),
        Column("Organization", "organization", None, width=110),
        Column("Profession", "profession", "profession", width=130),
        Column("City", "city", "city", width=100),
        Column("Region", "region_code", "region_code", width=60),
        Column("Email", "email", "email", width=200),
        Column("Phone", "phone", None, readable_phone, width=120),
        Column("Consent", "consent", "consent", lambda v: label_of(Consent, v), width=75),
        Column(
            "Do not contact",
            "do_not_contact",
            None,
            lambda v: "DO NOT CONTACT" if v else "",
            width=110,
        ),
    )
    filter_choices = (
        FilterChoice("consent", "Any consent", lambda s: choices_of(Consent)),
        FilterChoice("mission_id", "All missions", mission_options),
        FilterChoice("region_code", "All regions", region_options),
    )

    def count_query(self, s: Session, flt: Any) -> int:
        return count_contacts(s, flt)

    def page_query(self, s: Session, flt: Any, **kwargs) -> list:
        return contact_page(s, flt, **kwargs)

    def make_filter(self) -> ContactFilter:
        return ContactFilter(
            text=self.text_value(),
            consent=self.combo_value("consent"),
            mission_id=self.combo_value("mission_id"),
            region_code=self.combo_value("region_code"),
            include_archived=self.archived_value(),
        )

    def detail_html(self, s: Session, record_id: int) -> str:
        return contact_html(contact_detail(s, self.workspace.actor, record_id))

    def form(self, record_id: int | None) -> QDialog:
        return ContactForm(self.workspace, record_id, self)

    def set_archived(self, s: Session, record_id: int, archived: bool) -> bool:
        change = archive_contact if archived else restore_contact
        return change(s, self.workspace.actor, record_id)
