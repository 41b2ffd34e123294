"""Several processes writing to one registry at once (a SQLite file or a database on a
server): how many writes land.

`python -m tests.perf.concurrent_writes [WRITERS] [EACH]` prints committed/attempted
for a fresh database; `make bench` reports 2 and 4 writers of 500 writes each, and
tests/db/test_concurrent_writes.py asserts that every write of 4 x 200 lands.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from db import store
from db.database_file.migrate import open_database
from db.foundations.actor import SYSTEM_ACTOR
from db.queries.audit import verify_audit_chain
from db.store.missions import create_mission
from db.store.organizations import create_organization

ROOT = Path(__file__).resolve().parents[2]

# One writer: reads before it writes (the engagement's references are validated first),
# the pattern whose deferred BEGIN could not upgrade to the write lock. Prints how many
# of its writes failed, and why on stderr.
WRITER = """
import sys
from db import store
from db.database_file.migrate import open_database
from db.foundations.actor import SYSTEM_ACTOR
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

# A process printing quarterly reports' figures over and over while the writers run.
READER = """
import sys, time
from sqlmodel import Session
from db.database_file.migrate import open_database
from db.figures.quarterly import quarterly_report_data
from db.foundations.periods import parse_quarter
engine = open_database(sys.argv[1]).engine
deadline = time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    with Session(engine) as s:
        quarterly_report_data(s, SYSTEM_ACTOR, parse_quarter("2026Q1", 7), "ALL")
"""


@dataclass(frozen=True)
class WriteRun:
    attempted: int
    failed: int  # as the writers counted their own refused writes
    landed: int  # engagement rows in the file afterwards
    audited: int  # their audit entries
    seconds: float
    errors: str  # what the writers printed about failures
    chain_intact: bool  # the audit chain verifies after all of them


def prepare(path: Path | str) -> tuple[int, int]:
    """A new database with one mission and one organization; their ids."""
    engine = open_database(str(path)).engine
    with store.session(engine) as s:
        mission = create_mission(
            s,
            SYSTEM_ACTOR,
            {
                "code": "HOU",
                "name": "Consulate General, Houston",
                "kind": "consulate_general",
                "country": "US",
            },
        )
        org = create_organization(s, SYSTEM_ACTOR, {"name": "APPNA", "kind": "professional"})
    engine.dispose()
    return org, mission


def run_writers(
    path: Path | str, writers: int, each: int, *, reader_seconds: float = 8
) -> WriteRun:
    """Start `writers` processes of `each` engagement writes (and one report reader) on
    the prepared database at `path`; wait for them and count what landed."""
    org, mission = prepare(path)
    started = time.perf_counter()
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(path), str(reader_seconds)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
    )
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                str(path),
                f"writer-{n}",
                str(each),
                str(org),
                str(mission),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(writers)
    ]
    outcomes = [p.communicate(timeout=600) for p in processes]
    seconds = time.perf_counter() - started
    reader.communicate(timeout=120)
    engine = open_database(str(path)).engine
    with engine.connect() as connection:
        landed = connection.execute(text("SELECT count(*) FROM engagement")).scalar()
        audited = connection.execute(
            text("SELECT count(*) FROM audit_entry WHERE entity_type = 'engagement'")
        ).scalar()
    with Session(engine) as s:
        chain = verify_audit_chain(s, SYSTEM_ACTOR)
    engine.dispose()
    return WriteRun(
        attempted=writers * each,
        failed=sum(int(out.strip() or 0) for out, _ in outcomes),
        landed=landed,
        audited=audited,
        seconds=seconds,
        errors="".join(err for _, err in outcomes),
        chain_intact=chain.broken_at is None,
    )


def main() -> int:
    writers = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    each = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    with tempfile.TemporaryDirectory() as folder:
        run = run_writers(Path(folder) / "writes.db", writers, each)
    print(
        f"{writers} writers x {each}: {run.landed:,} of {run.attempted:,} writes committed, "
        f"{run.failed} refused, {run.audited:,} audited, in {run.seconds:.1f} s"
    )
    if run.errors:
        print(run.errors[-2000:], file=sys.stderr)
    return 0 if run.landed == run.attempted else 1


if __name__ == "__main__":
    sys.exit(main())
