"""Several processes writing to one SQLite file at once: every write lands, none is refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from db import store
from db.migrate import open_database
from db.store.actor import SYSTEM_ACTOR
from db.store.organizations import create_organization

ROOT = Path(__file__).resolve().parents[2]

# One writer: reads before it writes (the engagement's references are validated first), the
# pattern whose deferred BEGIN could not upgrade to the write lock.
WRITER = """
import sys
from db import store
from db.migrate import open_database
from db.store.actor import SYSTEM_ACTOR
from db.store.engagements import log_engagement

path, name, count, org_id, mission_id = sys.argv[1:6]
engine = open_database(path).engine
failures = 0
for number in range(int(count)):
    try:
        with store.session(engine) as s:
            log_engagement(s, SYSTEM_ACTOR, {
                "date": "2026-01-05", "kind": "meeting", "subject": f"{name} {number}",
                "organization_ids": [int(org_id)], "mission_id": int(mission_id),
            })
    except Exception as error:
        failures += 1
        print(type(error).__name__, error, file=sys.stderr)
print(failures)
"""

READER = """
import sys, time
from sqlmodel import Session
from db.migrate import open_database
from db.stats import quarterly_report_data
from db.periods import parse_quarter
engine = open_database(sys.argv[1]).engine
deadline = time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    with Session(engine) as s:
        quarterly_report_data(s, parse_quarter("2026Q1", 7), "ALL")
"""


def test_four_processes_writing_at_once_all_land(db_path, geography):
    engine = open_database(str(db_path)).engine
    with store.session(engine) as s:
        org_id = create_organization(s, SYSTEM_ACTOR, {"name": "APPNA", "kind": "professional"})
    engine.dispose()
    writers, each = 4, 200
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db_path), "8"], cwd=ROOT, stderr=subprocess.PIPE
    )
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                str(db_path),
                f"writer-{n}",
                str(each),
                str(org_id),
                str(geography["HOU"]),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(writers)
    ]
    outcomes = [p.communicate(timeout=300) for p in processes]
    reader.communicate(timeout=60)
    for out, err in outcomes:
        assert out.strip() == "0", err[-2000:]
        assert "locked" not in err
    engine = open_database(str(db_path)).engine
    with engine.connect() as connection:
        landed = connection.execute(text("SELECT count(*) FROM engagement")).scalar()
        audited = connection.execute(
            text("SELECT count(*) FROM audit_entry WHERE entity_type = 'engagement'")
        ).scalar()
    engine.dispose()
    assert landed == writers * each
    assert audited == writers * each
