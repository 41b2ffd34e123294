"""A horizontal bar chart drawn with QPainter: one row per bar (label, bar, count), a
tooltip with the figure on hover, and a click that says which bar.

Drawn by Rabta rather than with QtCharts: a few bars need no chart engine, the installer
bundles no extra Qt module, and the text stays sharp at any scale factor."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

BAR = QColor("#2a6f97")
BAR_HOVER = QColor("#1b4965")
TRACK = QColor("#e8eef2")
TEXT = QColor("#1f2a33")
MUTED = QColor("#5b6b77")
ROW_HEIGHT = 24


@dataclass(frozen=True)
class Bar:
    """One bar: what it stands for (`key`, passed back on click), its label and count."""

    key: str
    label: str
    count: int


class BarChart(QWidget):
    """Bars of counts, longest first as given; `bar_clicked(key)` when one is clicked."""

    bar_clicked = Signal(str)

    def __init__(self, empty_text: str = "Nothing to show.", parent: QWidget | None = None):
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.empty_text = empty_text
        self._hovered: int | None = None
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_bars(self, bars: Sequence[Bar]) -> None:
        """Show these bars (replacing any shown)."""
        self.bars = list(bars)
        self._hovered = None
        self.updateGeometry()
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(320, max(1, len(self.bars)) * ROW_HEIGHT + 4)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.sizeHint().height())

    def _label_width(self) -> int:
        metrics = QFontMetrics(self.font())
        widest = max((metrics.horizontalAdvance(bar.label) for bar in self.bars), default=0)
        return min(widest + 12, int(self.width() * 0.45))

    def _bar_at(self, y: float) -> int | None:
        index = int((y - 2) // ROW_HEIGHT)
        return index if 0 <= index < len(self.bars) else None

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        if not self.bars:
            painter.setPen(MUTED)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignVCenter, self.empty_text)
            return
        label_width = self._label_width()
        count_width = metrics.horizontalAdvance("000,000") + 8
        track_width = max(20, self.width() - label_width - count_width)
        highest = max(bar.count for bar in self.bars) or 1
        for number, bar in enumerate(self.bars):
            top = 2 + number * ROW_HEIGHT
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_width - 8)
            painter.setPen(TEXT)
            painter.drawText(
                QRectF(0, top, label_width - 8, ROW_HEIGHT),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                label,
            )
            track = QRectF(label_width, top + 5, track_width, ROW_HEIGHT - 10)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(TRACK)
            painter.drawRoundedRect(track, 3, 3)
            painter.setBrush(BAR_HOVER if number == self._hovered else BAR)
            filled = QRectF(
                track.left(), track.top(), track.width() * bar.count / highest, track.height()
            )
            if bar.count:
                painter.drawRoundedRect(filled, 3, 3)
            painter.setPen(TEXT)
            painter.drawText(
                QRectF(label_width + track_width + 6, top, count_width, ROW_HEIGHT),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                f"{bar.count:,}",
            )

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hovered = self._bar_at(event.position().y())
        if hovered != self._hovered:
            self._hovered = hovered
            self.setCursor(
                Qt.CursorShape.PointingHandCursor
                if hovered is not None
                else Qt.CursorShape.ArrowCursor
            )
            self.update()
        if hovered is not None:
            bar = self.bars[hovered]
            QToolTip.showText(
                event.globalPosition().toPoint(),
                f"{bar.label}: {bar.count:,}. Click to list them.",
                self,
            )

    def leaveEvent(self, event) -> None:
        self._hovered = None
        self.update()
        super().leaveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        clicked = self._bar_at(event.position().y())
        if event.button() == Qt.MouseButton.LeftButton and clicked is not None:
            self.bar_clicked.emit(self.bars[clicked].key)
