"""Mark one follow-up done: the dialog names the engagement it belongs to and asks what
came of it (the note may be empty); Ctrl+Return marks it done, Esc leaves it open."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget
from sqlmodel import Session

from db.store.engagements import complete_follow_up
from desktop.dialogs.record_form import RecordForm, focus_first
from desktop.widgets.screen_fit import fit_on_screen
from desktop.workspace import Workspace


class FollowUpDoneForm(RecordForm):
    """Marks exactly the follow-up it was opened on, whatever is selected meanwhile."""

    entity_type = "engagement"

    def __init__(
        self,
        workspace: Workspace,
        engagement_id: int,
        subject: str,
        due: date | None,
        parent: QWidget | None = None,
    ):
        super().__init__(workspace, "Follow-up done", parent)
        self.engagement_id = engagement_id
        self.subject = subject
        due_text = f" (due {due:%d %b %Y})" if due else ""
        self.what = QLabel(f"<b>{escape(subject)}</b>{due_text}")
        self.what.setWordWrap(True)
        self.form.addRow(self.what)
        self.note_edit = self.text_area(
            "follow_up_note",
            "What came of it",
            height=110,
            placeholder="Optional: what was done or agreed. Ctrl+Return marks it done.",
        )
        save = self.buttons.button(self.buttons.StandardButton.Save)
        save.setText("Mark done")
        save.setToolTip("Mark this follow-up done (Ctrl+Return)")
        fit_on_screen(self, 520, 280)
        focus_first(self.note_edit)

    def save(self, s: Session, values: dict[str, Any]) -> int:
        complete_follow_up(
            s, self.workspace.actor, self.engagement_id, note=values["follow_up_note"]
        )
        return self.engagement_id
