"""Convert the U.S. state shapes of the `us-atlas` npm package into the geometry file
Rabta draws its maps from (resources/geometry/regions-US.json). Run once, when the
source changes:

    python resources/geometry/us_states_from_us_atlas.py [us-atlas-3.0.1.tgz]

Without a file it downloads us-atlas 3.0.1 from the npm registry. It reads
states-albers-10m.json, a TopoJSON of the U.S. Census Bureau's 1:10,000,000 cartographic
boundaries already projected (Albers USA, Alaska and Hawaii inset) into a 975 × 610
frame, decodes its shared arcs into one list of rings per state, and writes each state
under its ISO 3166-2 code (US-TX), with the source and licence beside it (SOURCE.md).
"""

from __future__ import annotations

import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

SOURCE_URL = "https://registry.npmjs.org/us-atlas/-/us-atlas-3.0.1.tgz"
MEMBER = "package/states-albers-10m.json"
OUT = Path(__file__).resolve().parent / "regions-US.json"
WIDTH, HEIGHT = 975, 610  # the frame us-atlas projects into

# State FIPS codes to postal codes (ISO 3166-2 subdivision codes after "US-").
FIPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT",
    "10": "DE", "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL",
    "18": "IN", "19": "IA", "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD",
    "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE",
    "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND",
    "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD",
    "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV",
    "55": "WI", "56": "WY", "60": "AS", "66": "GU", "69": "MP", "72": "PR", "78": "VI",
}  # fmt: skip


def read_topology(archive: bytes) -> dict:
    """The states TopoJSON inside the package archive."""
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{MEMBER} is not in the archive")
        return json.load(member)


def decoded_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Every arc as absolute coordinates (TopoJSON stores quantized deltas)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, 1), round(y * sy + ty, 1)))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    """One closed ring from its arcs (a negative index ~i is arc i reversed)."""
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return [list(point) for point in points]


def states(topology: dict) -> dict[str, dict]:
    """Code → {name, rings} for every state in the topology."""
    arcs = decoded_arcs(topology)
    found = {}
    for geometry in topology["objects"]["states"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [ring(part, arcs) for polygon in polygons for part in polygon]
        rings = [r for r in rings if len(r) >= 4]  # islets rounded to a line drop out
        code = f"US-{FIPS[geometry['id']]}"
        found[code] = {"name": geometry["properties"]["name"], "rings": rings}
    return dict(sorted(found.items()))


def main(argv: list[str]) -> int:
    if argv:
        archive = Path(argv[0]).read_bytes()
    else:
        with urllib.request.urlopen(SOURCE_URL, timeout=60) as response:
            archive = response.read()
    shapes = states(read_topology(archive))
    OUT.write_text(
        json.dumps(
            {
                "country": "US",
                "source": "us-atlas 3.0.1 (npm), states-albers-10m.json: U.S. Census Bureau "
                "cartographic boundaries, 1:10,000,000, Albers USA projection",
                "licence": "Census data: public domain; us-atlas: ISC, Copyright 2013-2019 "
                "Michael Bostock",
                "width": WIDTH,
                "height": HEIGHT,
                "regions": shapes,
            },
            separators=(",", ":"),
        ),
        encoding="utf-8",
    )
    print(f"Wrote {len(shapes)} regions to {OUT} ({OUT.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
