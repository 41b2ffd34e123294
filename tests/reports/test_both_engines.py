"""The same registry on SQLite and on PostgreSQL: every figure of the quarterly report,
for all missions and for each, and the organization brief, come out the same."""

from __future__ import annotations

import dataclasses

from sqlmodel import Session, select

from db.database_file.migrate import open_database
from db.figures.quarterly import quarterly_report_data
from db.figures.scope import ALL_MISSIONS
from db.foundations import clock
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.models import Mission, Organization
from db.foundations.periods import quarter_containing
from db.queries.organization_brief import organization_brief_data


def _figures(data):
    """The data without what differs by when and where it was made (the moment, and the
    audit chain's head, whose hashes cover each entry's time)."""
    names = {f.name for f in dataclasses.fields(data)}
    moments = {"generated_at", "audit_chain_head"} & names
    return dataclasses.replace(data, **dict.fromkeys(moments))


def test_the_reports_figures_are_the_same_on_both_engines(demo_path, pg_databases):
    engines = [
        open_database(str(demo_path)).engine,
        open_database(pg_databases.fresh("demo")).engine,
    ]
    quarter = quarter_containing(clock.today(), fiscal=True).previous()
    try:
        figures = []
        for engine in engines:
            with Session(engine) as s:
                codes = [ALL_MISSIONS, *s.exec(select(Mission.code).order_by(Mission.code))]
                briefs = [
                    organization_brief_data(s, SYSTEM_ACTOR, org_id, include_confidential=True)
                    for org_id in s.exec(select(Organization.id).order_by(Organization.id).limit(8))
                ]
                figures.append(
                    (
                        {
                            code: quarterly_report_data(
                                s, SYSTEM_ACTOR, quarter, code, include_confidential=True
                            )
                            for code in codes
                        },
                        briefs,
                    )
                )
        (reports_sqlite, briefs_sqlite), (reports_pg, briefs_pg) = figures
        assert len(reports_sqlite) > 2 and reports_sqlite[ALL_MISSIONS].current.engagements > 0
        for code, data in reports_sqlite.items():
            assert _figures(data) == _figures(reports_pg[code]), code
        assert [_figures(b) for b in briefs_sqlite] == [_figures(b) for b in briefs_pg]
    finally:
        for engine in engines:
            engine.dispose()
