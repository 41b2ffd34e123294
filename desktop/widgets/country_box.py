"""A country chosen by its name (type "United K" and pick United Kingdom), kept as its
two-letter ISO code."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from db.foundations.countries import country_choices


class CountryBox(QComboBox):
    """Every country by name; `code()` is the chosen one's ISO code ("" when what is
    typed names none)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for code, name in country_choices():
            self.addItem(f"{name} ({code})", code)
        self.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(18)

    def set_code(self, code: str) -> None:
        """Show the country with this code (nothing when it is unknown)."""
        self.setCurrentIndex(self.findData((code or "").upper()))

    def code(self) -> str:
        """The ISO code of the country shown; a typed name matching one country alone
        counts as chosen; otherwise what was typed, for the store to refuse."""
        typed = self.currentText().strip()
        index = self.currentIndex()
        if index >= 0 and self.itemText(index) == typed:
            return self.itemData(index)
        exact = self.findText(typed, Qt.MatchFlag.MatchStartsWith)
        return self.itemData(exact) if exact >= 0 and typed else typed
