"""The merge dialog: both records field by field, the one to keep, and for each field
the value to keep; what moves to the survivor is said before anything is done."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from db import store
from db.foundations.errors import RabtaError, ValidationError, said
from db.foundations.labels import counted
from db.queries.duplicates import PairComparison, label_of_value
from db.store.merges import merge_contacts, merge_organizations
from desktop.widgets.screen_fit import fit_on_screen
from desktop.workspace import Workspace


def shown(value: Any, field: str = "") -> str:
    """A field value as the dialog shows it: enums by their labels, names in Urdu kept
    whole beside Latin text."""
    value = label_of_value(field, value)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return f"\u2068{value}\u2069"  # isolated, so Urdu never reorders what is around it


SINGULAR = {"people": "person"}


class MergeDialog(QDialog):
    """Choose the record to keep and each field's value, then merge."""

    def __init__(self, workspace: Workspace, pair: PairComparison, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace, self.pair = workspace, pair
        self.done_merge = None
        self.setWindowTitle(f"Merge two {pair.kind}s")
        fit_on_screen(self, 760, 620)
        self.keep_first = QRadioButton(f"Keep #{pair.first_id}: {shown(pair.first_name)}")
        self.keep_second = QRadioButton(f"Keep #{pair.second_id}: {shown(pair.second_name)}")
        self.keep_first.setChecked(True)
        keep = QButtonGroup(self)
        keep.addButton(self.keep_first)
        keep.addButton(self.keep_second)
        grid = QGridLayout()
        grid.addWidget(QLabel("<b>Field</b>"), 0, 0)
        grid.addWidget(QLabel(f"<b>#{pair.first_id}</b>"), 0, 1)
        grid.addWidget(QLabel(f"<b>#{pair.second_id}</b>"), 0, 2)
        self.choices: dict[str, tuple[QRadioButton, QRadioButton]] = {}
        for row, field in enumerate(pair.fields, start=1):
            label = QLabel(field.label)
            first = QRadioButton(shown(field.first, field.field))
            second = QRadioButton(shown(field.second, field.field))
            group = QButtonGroup(self)
            group.addButton(first)
            group.addButton(second)
            # Keep a value over an empty one; otherwise the first record's.
            (second if field.first in (None, "") and field.second not in (None, "") else first
             ).setChecked(True)  # fmt: skip
            if not field.differs:
                second.setEnabled(False)
                first.setEnabled(False)
            grid.addWidget(label, row, 0)
            grid.addWidget(first, row, 1)
            grid.addWidget(second, row, 2)
            self.choices[field.field] = (first, second)
        fields = QWidget()
        fields.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidget(fields)
        scroll.setWidgetResizable(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a61b1b;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Merge")
        buttons.accepted.connect(self.merge)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Which record stays? The other is archived and points to it."))
        layout.addWidget(self.keep_first)
        layout.addWidget(self.keep_second)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.keep_first.toggled.connect(self._say_what_moves)
        self._say_what_moves()

    def survivor_and_other(self) -> tuple[int, int]:
        """(kept, merged) record ids as chosen."""
        pair = self.pair
        if self.keep_first.isChecked():
            return pair.first_id, pair.second_id
        return pair.second_id, pair.first_id

    def chosen_values(self) -> dict[str, Any]:
        """The value chosen for each field that differs."""
        values = {}
        for field in self.pair.fields:
            if not field.differs:
                continue
            first, _second = self.choices[field.field]
            value = field.first if first.isChecked() else field.second
            if field.field == "mission_id":
                continue  # a mission follows the region unless set by hand
            values[field.field] = value
        return values

    def _say_what_moves(self) -> None:
        pair = self.pair
        links = pair.second_links if self.keep_first.isChecked() else pair.first_links
        moving = ", ".join(
            counted(count, SINGULAR.get(what, what.removesuffix("s")), what)
            for what, count in links.items()
            if count
        )
        self.summary.setText(
            f"Moves to the kept record: {moving or 'nothing else'}. The merge is one step in "
            "the audit and can be undone from either record's History tab."
        )

    def merge(self) -> None:
        """Merge now; a refusal is shown here and nothing changes."""
        survivor, other = self.survivor_and_other()
        values = self.chosen_values()
        if any(v == "(withheld)" for v in values.values()):
            values = {k: v for k, v in values.items() if v != "(withheld)"}
        merge = merge_contacts if self.pair.kind == "contact" else merge_organizations
        try:
            with store.session(self.workspace.engine) as s:
                self.done_merge = merge(s, self.workspace.actor, survivor, other, values)
        except ValidationError as error:
            self.error.setText("Not merged: " + " ".join(error.errors.values()))
            return
        except RabtaError as error:
            self.error.setText(f"Not merged: {said(error)}")
            return
        self.workspace.announce(self.pair.kind, [survivor, other])
        self.accept()
