"""The printed map of the host country's regions: the same geometry, shading and legend
as the window's (reports/region_shapes.py), drawn with reportlab graphics."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing, Path, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from db.figures.measures import RegionFigures
from reports.fonts import SANS, SANS_BOLD, register_fonts
from reports.region_shapes import BORDER, RegionShapes, class_bounds, legend_entries, shade_of

LEGEND_HEIGHT = 16


def region_map_drawing(
    shapes: RegionShapes, figures: Sequence[RegionFigures], width: float
) -> Drawing:
    """A drawing `width` points wide: each region shaded by the quarter's engagements,
    each mission's code at the middle of the regions it covers, and a legend."""
    register_fonts()
    scale = width / shapes.width
    map_height = shapes.height * scale
    height = map_height + LEGEND_HEIGHT + 4
    drawing = Drawing(width, height)
    by_code = {row.code: row for row in figures}
    bounds = class_bounds([row.engagements for row in figures])

    def placed(x: float, y: float) -> tuple[float, float]:  # y grows down in the geometry
        return x * scale, height - y * scale

    for code, shape in shapes.regions.items():
        row = by_code.get(code)
        path = Path(
            fillColor=colors.HexColor(shade_of(row.engagements if row else 0, bounds)),
            strokeColor=colors.HexColor(BORDER),
            strokeWidth=0.4,
            fillMode=0,  # even-odd: islands and holes as drawn
        )
        for ring in shape.rings:
            path.moveTo(*placed(*ring[0]))
            for point in ring[1:]:
                path.lineTo(*placed(*point))
            path.closePath()
        drawing.add(path)

    spots: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for code, row in by_code.items():
        if row.mission_code and code in shapes.regions:
            spots[row.mission_code].append(shapes.regions[code].label_point())
    for mission, points in sorted(spots.items()):
        x, y = placed(
            sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)
        )
        label_width = stringWidth(mission, SANS_BOLD, 7) + 6
        drawing.add(
            Rect(
                x - label_width / 2,
                y - 5,
                label_width,
                10,
                rx=2,
                ry=2,
                fillColor=colors.Color(1, 1, 1, 0.9),
                strokeColor=colors.HexColor("#1f2a33"),
                strokeWidth=0.5,
            )
        )
        drawing.add(
            String(x, y - 2.5, mission, fontName=SANS_BOLD, fontSize=7, textAnchor="middle")
        )

    x = 0.0
    caption = "Engagements this quarter:"
    drawing.add(
        String(x, 4, caption, fontName=SANS, fontSize=7.5, fillColor=colors.HexColor("#5b6b77"))
    )
    x += stringWidth(caption, SANS, 7.5) + 6
    for colour, words in legend_entries(bounds):
        drawing.add(
            Rect(
                x,
                2,
                9,
                9,
                fillColor=colors.HexColor(colour),
                strokeColor=colors.HexColor("#9fb3c1"),
                strokeWidth=0.4,
            )
        )
        drawing.add(String(x + 12, 4, words, fontName=SANS, fontSize=7.5))
        x += 12 + stringWidth(words, SANS, 7.5) + 8
    return drawing
