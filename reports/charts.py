"""Bar charts drawn with reportlab.graphics from CountRow lists."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from db.figures.measures import CountRow
from reports.fonts import SANS, SANS_BOLD
from reports.script_text import shortened_to_width

BAR = colors.HexColor("#2e7d9a")
GRID = colors.HexColor("#dde4e9")


def _nice_maximum(value: int) -> int:
    if value <= 5:
        return 5
    step = 10 ** (len(str(value)) - 1)
    for factor in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= factor * step:
            return int(factor * step)
    return value


def _title(drawing: Drawing, title: str, width: float, height: float) -> None:
    drawing.add(
        String(
            0,
            height - 12,
            title,
            fontName=SANS_BOLD,
            fontSize=9.5,
            fillColor=colors.HexColor("#1c2b36"),
        )
    )


def _thousands(value: float) -> str:
    return f"{value:,.0f}"


def vertical_bars(
    rows: Sequence[CountRow], title: str, width: float, height: float = 170
) -> Drawing:
    """Columns with their values on top, e.g. engagements by month."""
    drawing = Drawing(width, height)
    _title(drawing, title, width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 34, 24
    chart.width, chart.height = width - 44, height - 50
    chart.data = [[row.count for row in rows]]
    chart.categoryAxis.categoryNames = [row.label for row in rows]
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _nice_maximum(max((row.count for row in rows), default=0))
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.labelTextFormat = _thousands
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.visibleGrid = True
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = _thousands
    chart.barLabels.fontName = SANS
    chart.barLabels.fontSize = 8
    chart.barLabels.nudge = 7
    drawing.add(chart)
    return drawing


def horizontal_bars(
    rows: Sequence[CountRow], title: str, width: float, label_width: float = 150
) -> Drawing:
    """One labelled bar per row, longest first, with the value at the bar's end."""
    bar_height = 15
    height = 34 + bar_height * max(len(rows), 1)
    drawing = Drawing(width, height)
    _title(drawing, title, width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 6
    chart.width, chart.height = width - label_width - 30, height - 30
    ordered = list(reversed(rows))  # reportlab draws the first category at the bottom
    chart.data = [[row.count for row in ordered]]
    # A label longer than its room is shortened, never drawn past the page's edge.
    chart.categoryAxis.categoryNames = [
        shortened_to_width(row.label, SANS, 8, label_width - 10) for row in ordered
    ]
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.visibleTicks = False
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _nice_maximum(max((row.count for row in rows), default=0))
    chart.valueAxis.visible = False
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = _thousands
    chart.barLabels.fontName = SANS
    chart.barLabels.fontSize = 8
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 4
    drawing.add(chart)
    return drawing
