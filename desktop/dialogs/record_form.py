"""The form every record is created and edited with: fields in a column, the store's
refusal shown in red beside each field, the dialog kept open with what was typed.
Ctrl+Return saves; Esc cancels, and asks first when something was typed (a form that
keeps drafts, the quick log, can also be closed with what was typed kept)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from db import store
from db.foundations import clock
from db.foundations.errors import RabtaError, StaleRecord, ValidationError, said
from db.foundations.labels import choices_of
from desktop.widgets.screen_fit import fit_on_screen
from desktop.workspace import Workspace

ERROR_STYLE = "color: #9b2226;"


def day_from_text(text: str) -> date | str | None:
    """What a date box holds: None when empty, today plus N for "+N", else the text as
    typed (the store says whether it is a date)."""
    text = text.strip()
    if not text:
        return None
    if text.startswith("+") and text[1:].isdigit():
        return clock.today() + timedelta(days=int(text[1:]))
    if text.lower() == "today":
        return clock.today()
    return text


class RecordForm(QDialog):
    """Subclasses add fields with `add_field` and implement `save(session, values)`."""

    entity_type = "record"
    keeps_drafts = False  # closing may keep what was typed, to come back (the quick log)
    reload_requested = Signal()  # the record changed under the form; open it afresh

    def __init__(self, workspace: Workspace, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.saved_id: int | None = None
        self.loaded_version: int | None = None  # of the record being edited, when it has one
        self.setWindowTitle(title)
        self.setModal(True)
        self._getters: dict[str, Callable[[], Any]] = {}
        self._widgets: dict[str, QWidget] = {}
        self._opened_with: dict[str, Any] | None = None  # the fields as the form opened
        self.closing_asked: QMessageBox | None = None
        self.draft_kept = False  # closed with "Keep as draft"
        self._close_confirmed = False
        self._errors: dict[str, QLabel] = {}
        self._aliases: dict[str, str] = {}
        self.general_error = QLabel()
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        body = QWidget()
        body.setLayout(self.form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setToolTip("Save (Ctrl+Return)")
        self.reload_button = self.buttons.addButton("Reload", QDialogButtonBox.ButtonRole.ResetRole)
        self.reload_button.setToolTip("Close this form and open the record as it is now")
        self.reload_button.hide()
        self.reload_button.clicked.connect(self._reload)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.general_error)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.accept)
        # The two-column choices (Focus) fit without scrolling sideways; on a small screen
        # the fields scroll and Save stays in sight.
        fit_on_screen(self, 680, 640)

    # --- building the form ----------------------------------------------------------------

    def add_field(
        self,
        key: str,
        label: str,
        widget: QWidget,
        getter: Callable[[], Any],
        *,
        tooltip: str = "",
        errors_for: tuple[str, ...] = (),
    ) -> QWidget:
        """Add a labelled field whose value `getter` reads; store errors for `key` (and for
        any of `errors_for`) appear under it."""
        error = QLabel()
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(1)
        grid.addWidget(widget, 0, 0)
        grid.addWidget(error, 1, 0)
        if tooltip:
            widget.setToolTip(tooltip)
        self.form.addRow(label, holder)
        self._getters[key] = getter
        self._widgets[key] = widget
        self._errors[key] = error
        for alias in errors_for:
            self._aliases[alias] = key
        return widget

    def line(
        self, key: str, label: str, value: str = "", *, placeholder: str = "", tooltip: str = ""
    ) -> QLineEdit:
        edit = QLineEdit(value or "")
        edit.setPlaceholderText(placeholder)
        self.add_field(key, label, edit, edit.text, tooltip=tooltip)
        return edit

    def text_area(
        self, key: str, label: str, value: str = "", *, height: int = 80, placeholder: str = ""
    ) -> QPlainTextEdit:
        edit = QPlainTextEdit(value or "")
        edit.setTabChangesFocus(True)
        edit.setPlaceholderText(placeholder)
        edit.setFixedHeight(height)
        self.add_field(key, label, edit, edit.toPlainText)
        return edit

    def choice(
        self,
        key: str,
        label: str,
        enum: type[StrEnum],
        value: str | None = None,
        *,
        empty: str | None = None,
    ) -> QComboBox:
        combo = QComboBox()
        if empty is not None:
            combo.addItem(empty, None)
        for stored, shown in choices_of(enum):
            combo.addItem(shown, stored)
        if value is not None:
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.add_field(key, label, combo, combo.currentData)
        return combo

    def day(
        self, key: str, label: str, value: date | None = None, *, placeholder: str = "YYYY-MM-DD"
    ) -> QLineEdit:
        edit = QLineEdit(value.isoformat() if value else "")
        edit.setPlaceholderText(placeholder)
        self.add_field(
            key,
            label,
            edit,
            lambda: day_from_text(edit.text()),
            tooltip="A date as YYYY-MM-DD, 'today', or +N for N days from today",
        )
        return edit

    def flag(self, key: str, label: str, value: bool = False, *, text: str = "") -> QCheckBox:
        box = QCheckBox(text)
        box.setChecked(bool(value))
        self.add_field(key, label, box, box.isChecked)
        return box

    def several(
        self, key: str, label: str, enum: type[StrEnum], chosen: list[str] | None = None
    ) -> list[QCheckBox]:
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        boxes: list[QCheckBox] = []
        for index, (stored, shown) in enumerate(choices_of(enum)):
            box = QCheckBox(shown)
            box.setProperty("stored", stored)
            box.setChecked(stored in (chosen or []))
            grid.addWidget(box, index // 2, index % 2)
            boxes.append(box)
        self.add_field(
            key, label, holder, lambda: [b.property("stored") for b in boxes if b.isChecked()]
        )
        return boxes

    # --- saving ------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """Every field's current value, keyed as the store expects, with the version of
        the record the form read (the store refuses a save over a newer one)."""
        values = {key: getter() for key, getter in self._getters.items()}
        if self.loaded_version is not None:
            values["version"] = self.loaded_version
        return values

    def save(self, s: Session, values: dict[str, Any]) -> int:
        """Write through the store; return the record id."""
        raise NotImplementedError

    def show_errors(self, errors: dict[str, str]) -> None:
        """Put each message under its field; unknown fields go to the top."""
        for label in self._errors.values():
            label.hide()
        general = []
        for field, message in errors.items():
            key = self._aliases.get(field, field)
            if key in self._errors:
                self._errors[key].setText(message)
                self._errors[key].show()
            else:
                general.append(message)
        self.general_error.setText("\n".join(general))
        self.general_error.setVisible(bool(general))

    def prepare(self) -> dict[str, str]:
        """Finish what is half-typed before saving (e.g. pickers); return refusals."""
        return {}

    def accept(self) -> None:
        unfinished = self.prepare()
        if unfinished:
            self.show_errors(unfinished)
            return
        try:
            with store.session(self.workspace.engine) as s:
                self.saved_id = self.save(s, self.values())
        except ValidationError as error:
            self.show_errors(error.errors)
            return
        except StaleRecord as error:  # what was typed stays; Reload shows the record now
            self.general_error.setText(said(error))
            self.general_error.show()
            self.reload_button.show()
            return
        except RabtaError as error:
            QMessageBox.warning(self, self.windowTitle(), said(error))
            return
        self.workspace.announce(self.entity_type, [self.saved_id])
        super().accept()

    def _reload(self) -> None:
        self.reload_requested.emit()
        self.discard()

    # --- closing without saving ------------------------------------------------------------

    def showEvent(self, event) -> None:
        if self._opened_with is None:
            self._opened_with = self.draft_state()
        super().showEvent(event)

    def draft_state(self) -> dict[str, Any]:
        """What every field holds as the officer sees it, to compare or bring back."""
        return {key: _widget_state(widget) for key, widget in self._widgets.items()}

    def restore_draft(self, state: dict[str, Any]) -> None:
        """Put back what `draft_state` read (fields the form no longer has are left); a
        draft brought back counts as typed."""
        if self._opened_with is None:
            self._opened_with = self.draft_state()
        for key, value in state.items():
            if key in self._widgets:
                _set_widget_state(self._widgets[key], value)

    def has_typed(self) -> bool:
        """Whether any field differs from what the form opened with."""
        opened = self._opened_with
        return opened is not None and self.draft_state() != opened

    def reject(self) -> None:
        """Esc, Cancel or the window's close button: close at once when nothing was
        typed; otherwise ask (Keep editing is the default, and Esc on the question)."""
        if self._close_confirmed or not self.has_typed():
            super().reject()
            return
        if self.closing_asked is not None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.windowTitle(),
            "Close without saving?",
            parent=self,
        )
        box.setInformativeText(
            "What you typed is not saved."
            + (" Keep it as a draft and Ctrl+L brings it back." if self.keeps_drafts else "")
        )
        keep_editing = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
        if self.keeps_drafts:
            box.addButton("Keep as draft", QMessageBox.ButtonRole.AcceptRole).setObjectName("draft")
        box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole).setObjectName("discard")
        box.setDefaultButton(keep_editing)
        box.setEscapeButton(keep_editing)
        box.finished.connect(lambda _result: self._closing_answered(box))
        self.closing_asked = box
        box.open()

    def _closing_answered(self, box: QMessageBox) -> None:
        self.closing_asked = None
        answer = box.clickedButton().objectName() if box.clickedButton() else ""
        if answer in ("draft", "discard"):
            self.draft_kept = answer == "draft"
            self.discard()

    def discard(self) -> None:
        """Close without saving and without asking."""
        self._close_confirmed = True
        super().reject()

    def error_text(self, key: str) -> str:
        """The message shown under a field ("" when none)."""
        label = self._errors[key]
        return label.text() if label.isVisibleTo(self) else ""


def _widget_state(widget: QWidget) -> Any:
    from desktop.widgets.entity_picker import EntityPicker

    if isinstance(widget, EntityPicker):
        return (tuple(widget.chosen()), widget.edit.text())
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentIndex()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    return tuple(box.isChecked() for box in widget.findChildren(QCheckBox))


def _set_widget_state(widget: QWidget, state: Any) -> None:
    from desktop.widgets.entity_picker import EntityPicker

    if isinstance(widget, EntityPicker):
        chosen, typed = state
        widget.set_chosen(list(chosen))
        widget.edit.setText(typed)
    elif isinstance(widget, QLineEdit):
        widget.setText(state)
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(state)
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(state)
    elif isinstance(widget, QCheckBox):
        widget.setChecked(state)
    else:
        for box, checked in zip(widget.findChildren(QCheckBox), state, strict=False):
            box.setChecked(checked)


def focus_first(widget: QWidget) -> None:
    """Give keyboard focus to a field when the dialog opens."""
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
