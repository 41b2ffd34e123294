"""Type-ahead pickers: type a prefix of a name or acronym ("APP" finds APPNA); Enter or
Tab takes the best match; Backspace in the empty box removes the last one chosen. Each
offer shows what tells two of one name apart, and choosing an offer takes exactly that
row's record (by its id, never by its words)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLabel, QLineEdit, QVBoxLayout, QWidget
from sqlalchemy import Engine
from sqlmodel import Session

from db.queries.pickers import Choice

ChoicesQuery = Callable[[Session, str], list[Choice]]
ID_ROLE = Qt.ItemDataRole.UserRole + 1


class _PickerEdit(QLineEdit):
    """A line edit that resolves what was typed when Enter is pressed or focus leaves."""

    resolve_requested = Signal()
    remove_last_requested = Signal()

    def event(self, event: QEvent) -> bool:
        # Tab and Shift+Tab take the best match before focus moves on.
        if (
            event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
            and self.text().strip()
        ):
            if self.completer() is not None:
                self.completer().popup().hide()
            self.resolve_requested.emit()
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.text().strip():
            popup = self.completer().popup() if self.completer() else None
            if popup is None or not popup.isVisible():
                self.resolve_requested.emit()
                return
        if event.key() == Qt.Key.Key_Backspace and not self.text():
            self.remove_last_requested.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        # Leaving the box (Tab, a click elsewhere) takes the best match; moving into the
        # completion popup does not.
        if event.reason() != Qt.FocusReason.PopupFocusReason and self.text().strip():
            if self.completer() is not None:
                self.completer().popup().hide()
            self.resolve_requested.emit()
        super().focusOutEvent(event)


class EntityPicker(QWidget):
    """Chooses one or several records of a kind by typing."""

    selection_changed = Signal()

    def __init__(
        self,
        engine: Engine,
        query: ChoicesQuery,
        *,
        multiple: bool = True,
        placeholder: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._engine = engine
        self._query = query
        self.multiple = multiple
        self._chosen: list[Choice] = []
        self._offered: list[Choice] = []
        self.edit = _PickerEdit()
        self.edit.setPlaceholderText(placeholder)
        self._model = QStandardItemModel(self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.edit.setCompleter(completer)
        self.chosen_label = QLabel()
        self.chosen_label.setTextFormat(Qt.TextFormat.RichText)
        self.chosen_label.setWordWrap(True)
        self.chosen_label.linkActivated.connect(self._remove_link)
        self.chosen_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.chosen_label)
        self.setFocusProxy(self.edit)
        self.edit.textEdited.connect(self._offer)
        completer.activated[QModelIndex].connect(self._take_offer)
        self.edit.resolve_requested.connect(self.resolve_typed)
        self.edit.remove_last_requested.connect(self._remove_last)

    # --- what is chosen --------------------------------------------------------------------

    def chosen(self) -> list[Choice]:
        """The records chosen so far, in the order chosen."""
        return list(self._chosen)

    def chosen_ids(self) -> list[int]:
        return [choice.id for choice in self._chosen]

    def set_chosen(self, choices: list[Choice]) -> None:
        """Replace the selection (e.g. when a form opens on an existing record)."""
        self._chosen = list(choices if self.multiple else choices[:1])
        self._show_chosen()

    def add(self, choice: Choice) -> None:
        """Choose one more record (a single picker replaces its choice)."""
        if not self.multiple:
            self._chosen = [choice]
        elif choice.id not in self.chosen_ids():
            self._chosen.append(choice)
        self.edit.clear()
        self._show_chosen()

    def clear(self) -> None:
        self._chosen = []
        self.edit.clear()
        self._show_chosen()

    # --- typing ------------------------------------------------------------------------------

    def _offer(self, typed: str) -> None:
        with Session(self._engine) as s:
            self._offered = self._query(s, typed) if typed.strip() else []
        self._model.clear()
        for choice in self._offered:
            item = QStandardItem(choice.shown)
            item.setData(choice.id, ID_ROLE)
            item.setToolTip(choice.shown)
            self._model.appendRow(item)

    def _take_offer(self, index: QModelIndex) -> None:
        """The offer chosen from the list, found by the id its row carries (two people
        of one name are two rows with two ids)."""
        chosen_id = index.data(ID_ROLE)
        choice = next((c for c in self._offered if c.id == chosen_id), None)
        if choice is None:
            return
        # Later in the event loop: the line edit sets the row's words as its text when
        # the completion is activated (its own connection is remade on every focus-in,
        # so it can run after ours); taking the choice once that is done leaves the box
        # empty for the next name.
        QTimer.singleShot(0, self, lambda: self.add(choice))

    def offered(self) -> list[Choice]:
        """What the drop-down offers for the text typed, in its order."""
        return list(self._offered)

    def resolve_typed(self) -> bool:
        """Take the best match for what is typed; False (text kept) when nothing matches."""
        typed = self.edit.text().strip()
        if not typed:
            return True
        with Session(self._engine) as s:
            matches = self._query(s, typed)
        if not matches:
            self.edit.setToolTip(f"Nothing matches {typed!r}")
            return False
        self.add(matches[0])
        return True

    def _remove_last(self) -> None:
        if self._chosen:
            self._chosen.pop()
            self._show_chosen()

    def _remove_link(self, link: str) -> None:
        self._chosen = [c for c in self._chosen if str(c.id) != link]
        self._show_chosen()

    def _show_chosen(self) -> None:
        if self.multiple:
            links = " · ".join(f'{escape(c.shown)} <a href="{c.id}">✕</a>' for c in self._chosen)
            self.chosen_label.setText(links)
            self.chosen_label.setVisible(bool(self._chosen))
        else:
            self.edit.setPlaceholderText(self._chosen[0].shown if self._chosen else "")
            self.chosen_label.setText(escape(self._chosen[0].shown) if self._chosen else "")
            self.chosen_label.setVisible(bool(self._chosen))
        self.selection_changed.emit()
