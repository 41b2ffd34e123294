"""Maps drawn from the shipped geometry: every state and DC has a shape inside the frame
(territories, which the Albers USA frame leaves out, are listed by the report's table
instead); the conversion script decodes TopoJSON's shared, reversed arcs; the figures by
region add up on both engines; the printed map has one shape per region and says its
source; a host country without geometry gets a table."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest
from reportlab.graphics.shapes import Path as DrawnPath
from sqlmodel import Session, col, func, select

from db.figures.dashboard import dashboard_data
from db.figures.quarterly import quarterly_report_data
from db.figures.scope import ALL_MISSIONS, current_quarter
from db.foundations import clock
from db.foundations.actor import SYSTEM_ACTOR, Actor
from db.foundations.models import Engagement, EngagementOrganization, Organization, Sensitivity
from reports.region_map import region_map_drawing
from reports.region_shapes import GEOMETRY, class_bounds, legend_entries, shade_of, shapes_for
from tests.reports.conftest import pdf_pages

# Figures of a quarter: run again pinned to the days quarters and years turn (make test).
pytestmark = pytest.mark.calendar

ROOT = Path(__file__).resolve().parent.parent.parent
TERRITORIES = {"US-AS", "US-GU", "US-MP", "US-PR", "US-UM", "US-VI"}


# Who reads the Dashboard: someone who sees every confidential engagement, and not.
HEAD = Actor(id=None, username="head", role="supervisor")
READER = Actor(id=None, username="reader", role="officer")


def test_every_state_has_a_shape_inside_the_frame():
    shapes = shapes_for("US")
    with (ROOT / "resources" / "demo" / "regions.csv").open(encoding="utf-8") as handle:
        states = {row["code"] for row in csv.DictReader(handle) if row["country"] == "US"}
    assert set(shapes.regions) == states - TERRITORIES
    for code, shape in shapes.regions.items():
        assert shape.rings, code
        for ring in shape.rings:
            assert len(ring) >= 4
            assert all(-60 <= x <= shapes.width and 0 <= y <= shapes.height for x, y in ring)
        x, y = shape.label_point()
        assert 0 <= x <= shapes.width and 0 <= y <= shapes.height, code
    assert "Census Bureau" in shapes.source and "ISC" in shapes.licence
    assert shapes_for("PK") is None and shapes_for("../etc") is None


def test_the_classes_rise_with_the_counts():
    bounds = class_bounds([0, 3, 17, 40])
    assert bounds == sorted(bounds) and bounds[-1] == 40
    shades = [shade_of(value, bounds) for value in (0, 1, 17, 40)]
    assert len(set(shades)) == 4
    assert [words for _colour, words in legend_entries(bounds)][:2] == ["None", f"1–{bounds[0]}"]
    assert class_bounds([0, 0]) == [] and shade_of(5, []) == shade_of(0, [])


def test_the_conversion_script_decodes_shared_reversed_arcs():
    spec = importlib.util.spec_from_file_location(
        "us_atlas", GEOMETRY / "us_states_from_us_atlas.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    # Two unit squares side by side sharing the arc x=1: the second walks it backwards.
    topology = {
        "transform": {"scale": [1, 1], "translate": [0, 0]},
        "arcs": [
            [[1, 0], [0, 1]],  # the shared edge, (1,0) → (1,1)
            [[1, 1], [-1, 0], [0, -1], [1, 0]],  # left square's other sides
            [[1, 0], [1, 0], [0, 1], [-1, 0]],  # right square's other sides
        ],
        "objects": {
            "states": {
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "id": "48", "properties": {"name": "A"}},
                    {
                        "type": "MultiPolygon",
                        "arcs": [[[2, -1]]],
                        "id": "40",
                        "properties": {"name": "B"},
                    },
                ]
            }
        },
    }
    found = script.states(topology)
    assert found["US-TX"]["rings"] == [[[1, 0], [1, 1], [0, 1], [0, 0], [1, 0]]]
    assert found["US-OK"]["rings"] == [[[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]]


def test_the_figures_by_region_add_up(demo_engine):
    today = clock.today()
    with Session(demo_engine) as s:
        quarter = current_quarter(s, today).previous()
        data = quarterly_report_data(s, SYSTEM_ACTOR, quarter, ALL_MISSIONS)
        organizations = s.exec(
            select(func.count())
            .select_from(Organization)
            .where(
                col(Organization.archived_at).is_(None), col(Organization.region_code).is_not(None)
            )
        ).one()
        texas_engagements = s.exec(
            select(func.count(func.distinct(Engagement.id)))
            .join(EngagementOrganization, EngagementOrganization.engagement_id == Engagement.id)
            .join(Organization, Organization.id == EngagementOrganization.organization_id)
            .where(
                Organization.region_code == "US-TX",
                col(Engagement.archived_at).is_(None),
                col(Engagement.date).between(quarter.start, quarter.end),
                Engagement.sensitivity != Sensitivity.CONFIDENTIAL,
            )
        ).one()
        shown = dashboard_data(s, READER, ALL_MISSIONS, today=today)
    assert sum(row.organizations for row in data.by_region) == organizations
    texas = next(row for row in data.by_region if row.code == "US-TX")
    assert texas.engagements == texas_engagements > 0 and texas.mission_code == "HOU"
    assert sum(row.organizations for row in shown.by_region) == organizations
    assert data.host_country == "US"


def test_the_printed_map_has_a_shape_per_region_and_says_its_source(
    demo_engine, demo_officer, tmp_path
):
    from reports.produce import produce_quarterly_report

    with Session(demo_engine) as s:
        quarter = current_quarter(s, clock.today()).previous()
        data = quarterly_report_data(s, SYSTEM_ACTOR, quarter, ALL_MISSIONS)
    shapes = shapes_for("US")
    drawing = region_map_drawing(shapes, data.by_region, 480)
    assert sum(isinstance(item, DrawnPath) for item in drawing.contents) == len(shapes.regions)
    out = tmp_path / "q.pdf"
    produce_quarterly_report(demo_engine, demo_officer, quarter.code, out)
    flat = " ".join(" ".join(pdf_pages(out)).split())
    assert "Where the engagements were" in flat
    assert "U.S. Census Bureau cartographic boundaries" in flat
    assert "Engagements this quarter:" in flat
