"""The Contacts page: people, with consent and do-not-contact shown plainly."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from sqlmodel import Session

from db import store
from db.foundations.errors import RabtaError, said
from db.foundations.labels import choices_of, label_of
from db.foundations.models import Consent, Contact
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
    first_step = (
        "Press Ctrl+N to add the first person, or File > Import… (Ctrl+Shift+I) to bring in "
        "an Outlook or Google contacts file."
    )
    export_kind = "contacts"
    import_kind = "contacts"
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
            **self.narrowing_fields(),
        )

    def detail_html(self, s: Session, record_id: int) -> str:
        return contact_html(contact_detail(s, self.workspace.actor, record_id))

    def form(self, record_id: int | None) -> QDialog:
        return ContactForm(self.workspace, record_id, self)

    def set_archived(self, s: Session, record_id: int, archived: bool) -> bool:
        change = archive_contact if archived else restore_contact
        return change(s, self.workspace.actor, record_id)

    def __init__(self, workspace, parent=None):
        super().__init__(workspace, parent)
        if not workspace.actor.may_administer:  # the store refuses everyone else
            for label in ("Export held data…", "Erase…"):
                self.extra_buttons[label].setEnabled(False)
                self.extra_buttons[label].setToolTip(
                    f"Only an administrator can do this; {workspace.actor.username} is not one."
                )

    def extra_actions(self):
        return [
            (
                "Export held data…",
                "Everything held about the selected person, as PDF and JSON, for a subject "
                "access request (administrators)",
                self.export_held_data,
            ),
            (
                "Erase…",
                "Erase the selected person's data at their request (administrators)",
                self.erase_selected,
            ),
        ]

    def export_held_data(self) -> None:
        """Ask where to write the subject access export of the selected person."""
        record_id = self.shown_id()
        if record_id is None:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export held data", f"contact-{record_id}-held-data.pdf", "PDF (*.pdf)"
        )
        if path:
            self.export_held_data_to(record_id, path)

    def export_held_data_to(self, record_id: int, path: str) -> bool:
        """Write the export of one person to `path` (and its JSON beside it)."""
        from reports.produce import produce_subject_access

        try:
            produced = produce_subject_access(
                self.workspace.engine, self.workspace.actor, record_id, path
            )
        except RabtaError as error:
            QMessageBox.warning(self, "Nothing was exported", said(error))
            return False
        self.window().statusBar().showMessage(
            f"Wrote {produced.path} and {produced.path.with_suffix('.json').name} beside it.",
            10_000,
        )
        return True

    def erase_selected(self) -> QMessageBox | None:
        """Ask before erasing the selected person; nothing happens until confirmed."""
        record_id = self.shown_id()
        if record_id is None:
            return None
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Erase this person's data?")
        box.setText(f"Erase contact #{record_id} at their request?")
        box.setInformativeText(
            "Their name, email, phone, Urdu name and every other personal field are removed; "
            f'the row stays as "Erased contact #{record_id}" so counts and engagements stay '
            "right, and earlier audit entries keep only digests. This cannot be undone. "
            "Backups taken before today still hold the person until they age out."
        )
        erase = box.addButton("Erase", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(
            lambda _result: self.erase(record_id) if box.clickedButton() is erase else None
        )
        self.erase_question = box
        box.open()
        return box

    def erase(self, record_id: int) -> bool:
        """Erase one person now; say what happened."""
        from db.store.erasure import erase_contact, erasure_summary

        try:
            with store.session(self.workspace.engine) as s:
                erased = erase_contact(s, self.workspace.actor, record_id)
        except RabtaError as error:
            QMessageBox.warning(self, "Nothing was erased", said(error))
            return False
        self.workspace.announce("contact", [record_id])
        self.workspace.announce("engagement")
        self.window().statusBar().showMessage(erasure_summary(erased), 30_000)
        return True
