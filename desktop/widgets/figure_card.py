"""A Dashboard card: one figure of the quarter, large, with how it compares with the
previous quarter and the same quarter last year. A card that can list what it counts
is a button (click, or Enter/Space when focused)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

CARD_STYLE = """
QPushButton#figureCard {
    background: #ffffff; border: 1px solid #d9e2e8; border-radius: 8px; text-align: left;
}
QPushButton#figureCard:hover { border-color: #2a6f97; }
QPushButton#figureCard:focus { border: 2px solid #2a6f97; }
QPushButton#figureCard:disabled { background: #ffffff; }
QLabel#figureTitle { color: #5b6b77; }
QLabel#figureValue { color: #1f2a33; font-size: 20pt; font-weight: 600; }
QLabel#figureChange { color: #5b6b77; }
"""


def change_text(now: int, before: int, name: str) -> str:
    """How `now` compares with `before`, in words: "▲ 12% on Q1 (1,100)"."""
    if before == 0:
        return f"{name}: {before:,}" if now == 0 else f"new since {name} (0)"
    percent = round(100 * (now - before) / before)
    arrow = "▲" if percent > 0 else "▼" if percent < 0 else "="
    return f"{arrow} {abs(percent)}% on {name} ({before:,})"


class FigureCard(QPushButton):
    """Title, value and two comparison lines; `clicked` (a click, or Space when it has
    the focus) lists what it counts."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("figureCard")
        self.setStyleSheet(CARD_STYLE)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.title_label = QLabel(title)
        self.title_label.setObjectName("figureTitle")
        self.value_label = QLabel("…")
        self.value_label.setObjectName("figureValue")
        self.previous_label = QLabel()
        self.previous_label.setObjectName("figureChange")
        self.last_year_label = QLabel()
        self.last_year_label.setObjectName("figureChange")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        for label in (
            self.title_label,
            self.value_label,
            self.previous_label,
            self.last_year_label,
        ):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)
        for label in (self.previous_label, self.last_year_label):
            # A comparison longer than a narrow card (150% on a laptop) ends in "…" and
            # is read whole in the card's tooltip, instead of being cut mid-figure.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._comparisons = ("", "")
        self.setMinimumHeight(layout.sizeHint().height() + 8)
        self.setMinimumWidth(150)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(f"Click to list the {title.lower()} counted")

    def show_value(self, value: int) -> None:
        """Show the quarter's value while its comparisons are read."""
        self.value_label.setText(f"{value:,}")
        self.previous_label.setText("comparing…")
        self.last_year_label.setText("")
        self.setAccessibleName(f"{self.title_label.text()}: {value:,}")

    def show_figure(
        self, value: int, previous: int, previous_name: str, last_year: int, last_year_name: str
    ) -> None:
        """Show the quarter's value and its comparisons."""
        self.value_label.setText(f"{value:,}")
        self._comparisons = (
            change_text(value, previous, previous_name),
            change_text(value, last_year, last_year_name),
        )
        self._show_comparisons()
        self.setToolTip(
            f"{self.title_label.text()}: {value:,}\n{self._comparisons[0]}\n"
            f"{self._comparisons[1]}\nClick to list the {self.title_label.text().lower()} counted"
        )
        self.setAccessibleName(f"{self.title_label.text()}: {value:,}")

    def comparisons(self) -> tuple[str, str]:
        """The two comparison lines in full (the card may show them shortened)."""
        return self._comparisons

    def _show_comparisons(self) -> None:
        room = max(40, self.width() - 30)
        for label, text in zip(
            (self.previous_label, self.last_year_label), self._comparisons, strict=True
        ):
            label.setText(label.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, room))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if any(self._comparisons):
            self._show_comparisons()
