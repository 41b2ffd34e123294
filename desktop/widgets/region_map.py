"""A choropleth of the host country's regions drawn with QPainterPath from the shipped
geometry (reports/region_shapes.py): each region shaded by a count, the mission that
covers it named at the centre of its regions, the figures on hover, and a click that
says which region. Works offline; no map service."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from db.figures.measures import RegionFigures
from reports.region_shapes import RegionShapes, class_bounds, legend_entries, shade_of

LEGEND_ROW = 20
LEGEND_HEIGHT = 2 * LEGEND_ROW  # room for the legend to wrap once on a narrow map


class RegionMap(QWidget):
    """Regions shaded by their engagements this quarter; `region_clicked(code)`."""

    region_clicked = Signal(str)

    def __init__(self, shapes: RegionShapes, parent: QWidget | None = None):
        super().__init__(parent)
        self.shapes = shapes
        self.figures: dict[str, RegionFigures] = {}
        self.bounds: list[int] = []
        self._hovered: str | None = None
        self._paths = {code: self._path_of(shape.rings) for code, shape in shapes.regions.items()}
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    @staticmethod
    def _path_of(rings) -> QPainterPath:
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.OddEvenFill)
        for ring in rings:
            path.moveTo(*ring[0])
            for point in ring[1:]:
                path.lineTo(*point)
            path.closeSubpath()
        return path

    def set_figures(self, figures: Sequence[RegionFigures]) -> None:
        """Shade the regions by these figures' engagements."""
        self.figures = {row.code: row for row in figures}
        self.bounds = class_bounds([row.engagements for row in figures])
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(640, 420)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return int(width * self.shapes.height / self.shapes.width) + LEGEND_HEIGHT + 8

    def minimumSizeHint(self) -> QSize:
        return QSize(280, 220)  # the first window at 150% leaves the map this much

    def _frame(self) -> tuple[float, float, float]:
        """Scale and offsets that fit the geometry in the widget above the legend."""
        room_height = max(10, self.height() - LEGEND_HEIGHT - 8)
        scale = min(self.width() / self.shapes.width, room_height / self.shapes.height)
        dx = (self.width() - self.shapes.width * scale) / 2
        return scale, dx, 0.0

    def _region_at(self, position: QPointF) -> str | None:
        scale, dx, dy = self._frame()
        point = QPointF((position.x() - dx) / scale, (position.y() - dy) / scale)
        for code, path in self._paths.items():
            if path.contains(point):
                return code
        return None

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scale, dx, dy = self._frame()
        painter.save()
        painter.translate(dx, dy)
        painter.scale(scale, scale)
        border = QPen(QColor("#ffffff"), 0.8 / scale * 1.2)
        for code, path in self._paths.items():
            row = self.figures.get(code)
            colour = QColor(shade_of(row.engagements if row else 0, self.bounds))
            if code == self._hovered:
                colour = colour.darker(125)
            painter.setPen(border)
            painter.setBrush(colour)
            painter.drawPath(path)
        painter.restore()
        self._draw_missions(painter, scale, dx, dy)
        self._draw_legend(painter)

    def _draw_missions(self, painter: QPainter, scale: float, dx: float, dy: float) -> None:
        """Each mission's code at the middle of the regions it covers."""
        points: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for code, row in self.figures.items():
            if row.mission_code and code in self.shapes.regions:
                points[row.mission_code].append(self.shapes.regions[code].label_point())
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        for mission, spots in points.items():
            x = sum(p[0] for p in spots) / len(spots) * scale + dx
            y = sum(p[1] for p in spots) / len(spots) * scale + dy
            box = QRectF(x - 22, y - 9, 44, 18)
            painter.setPen(QPen(QColor("#1f2a33"), 1))
            painter.setBrush(QColor(255, 255, 255, 220))
            painter.drawRoundedRect(box, 4, 4)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, mission)

    def _draw_legend(self, painter: QPainter) -> None:
        painter.setFont(self.font())
        x, y = 4.0, self.height() - LEGEND_HEIGHT
        painter.setPen(QColor("#5b6b77"))
        label = "Engagements this quarter:"
        painter.drawText(QPointF(x, y + 15), label)
        x += painter.fontMetrics().horizontalAdvance(label) + 10
        for colour, words in legend_entries(self.bounds):
            entry_width = 18 + painter.fontMetrics().horizontalAdvance(words) + 12
            if x + entry_width > self.width():  # on to the second row
                x, y = 4.0, y + LEGEND_ROW
            painter.setPen(QPen(QColor("#9fb3c1"), 1))
            painter.setBrush(QColor(colour))
            painter.drawRect(QRectF(x, y + 4, 14, 14))
            painter.setPen(QColor("#1f2a33"))
            painter.drawText(QPointF(x + 18, y + 15), words)
            x += 18 + painter.fontMetrics().horizontalAdvance(words) + 12

    def tooltip_for(self, code: str) -> str:
        """The words shown when the pointer is over a region."""
        row = self.figures.get(code)
        name = self.shapes.regions[code].name
        if row is None:
            return f"{name}: no figures"
        covered = f" Covered by {row.mission_code}." if row.mission_code else ""
        return (
            f"{name}: {row.organizations:,} organizations, {row.engagements:,} engagements "
            f"this quarter.{covered} Click to list its organizations."
        )

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hovered = self._region_at(event.position())
        if hovered != self._hovered:
            self._hovered = hovered
            self.setCursor(
                Qt.CursorShape.PointingHandCursor if hovered else Qt.CursorShape.ArrowCursor
            )
            self.update()
        if hovered:
            QToolTip.showText(event.globalPosition().toPoint(), self.tooltip_for(hovered), self)
        else:
            QToolTip.hideText()

    def leaveEvent(self, event) -> None:
        self._hovered = None
        self.update()
        super().leaveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        clicked = self._region_at(event.position())
        if event.button() == Qt.MouseButton.LeftButton and clicked:
            self.region_clicked.emit(clicked)
