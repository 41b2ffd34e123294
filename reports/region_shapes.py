"""The shapes of a host country's regions, read from resources/geometry/regions-<CC>.json
(see SOURCE.md there), and the shading both the window's map and the printed one use:
the same file, the same classes, the same colours.

A host country without a file has no shapes (`shapes_for` gives None) and its figures
are shown as a table; adding a country is adding its file."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GEOMETRY = Path(__file__).resolve().parent.parent / "resources" / "geometry"

Point = tuple[float, float]
# No engagement, then five classes from light to dark.
PALETTE = ("#eef2f5", "#c9dde9", "#93bdd6", "#5a97bf", "#2a6f97", "#163f5c")
BORDER = "#ffffff"


@dataclass(frozen=True)
class RegionShape:
    """One region: its name and its rings (outer boundaries and islands alike)."""

    name: str
    rings: tuple[tuple[Point, ...], ...]

    def label_point(self) -> Point:
        """Where its label goes: the centroid of its largest ring."""
        ring = max(self.rings, key=lambda r: abs(_area(r)))
        area = _area(ring)
        if abs(area) < 1e-9:
            xs, ys = zip(*ring, strict=True)
            return sum(xs) / len(xs), sum(ys) / len(ys)
        cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x0 * y1 - x1 * y0
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        return cx / (6 * area), cy / (6 * area)


@dataclass(frozen=True)
class RegionShapes:
    """A host country's regions in a projected frame (y downwards)."""

    country: str
    width: float
    height: float
    source: str
    licence: str
    regions: dict[str, RegionShape]


def _area(ring: Sequence[Point]) -> float:
    return (
        sum(
            x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True)
        )
        / 2
    )


@cache
def shapes_for(country: str) -> RegionShapes | None:
    """The regions of a host country (ISO code), or None when Rabta has no geometry for it."""
    path = GEOMETRY / f"regions-{country.upper()}.json"
    if not country.isalpha() or not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return RegionShapes(
        country=data["country"],
        width=float(data["width"]),
        height=float(data["height"]),
        source=data["source"],
        licence=data["licence"],
        regions={
            code: RegionShape(
                region["name"],
                tuple(tuple((float(x), float(y)) for x, y in ring) for ring in region["rings"]),
            )
            for code, region in data["regions"].items()
        },
    )


def class_bounds(values: Sequence[int], classes: int = len(PALETTE) - 1) -> list[int]:
    """Upper bounds of the shading classes for these counts: equal steps up to the
    highest, rounded up to whole numbers and never repeated (fewer classes for small
    counts)."""
    highest = max(values, default=0)
    if highest <= 0:
        return []
    bounds = sorted({max(1, math.ceil(highest * step / classes)) for step in range(1, classes + 1)})
    return bounds


def shade_of(value: int, bounds: Sequence[int]) -> str:
    """The colour of a count: the lightest for none, then its class's."""
    if value <= 0 or not bounds:
        return PALETTE[0]
    for number, bound in enumerate(bounds, start=1):
        if value <= bound:
            return PALETTE[number + (len(PALETTE) - 1 - len(bounds))]
    return PALETTE[-1]


def legend_entries(bounds: Sequence[int]) -> list[tuple[str, str]]:
    """(colour, words) for each class, the lightest first: "None", "1–3", "4–6", ..."""
    entries = [(PALETTE[0], "None")]
    lower = 1
    for bound in bounds:
        words = f"{lower:,}" if lower == bound else f"{lower:,}–{bound:,}"
        entries.append((shade_of(bound, bounds), words))
        lower = bound + 1
    return entries
