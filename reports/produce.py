"""Producing a report end to end: permission, figures, PDF, and the audit entry.

The command line and the window both call these, so a report is the same
wherever it is asked for.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from db import store
from db.errors import PermissionDenied, ValidationError
from db.periods import Quarter, parse_quarter
from db.queries.organization_brief import find_organization, organization_brief_data
from db.stats import ALL_MISSIONS, quarterly_report_data
from db.store.actor import Actor
from db.store.readouts import record_readout
from db.store.settings import get_setting
from reports.brief import build_organization_brief
from reports.quarterly import build_quarterly_report

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ProducedReport:
    """A written PDF and what it took."""

    path: Path
    pages: int
    seconds: float
    title: str


def _no_progress(_message: str) -> None:
    return None


def _write(build: Callable[[Path], int], out: Path | str) -> int:
    """Build into a temporary file beside `out`, then move it into place: a failed build
    never leaves half a PDF under the requested name."""
    target = Path(out)
    partial = target.with_name(f".{target.name}.partial")
    try:
        pages = build(partial)
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise ValidationError(
            {"out": f"Cannot write {target}: {error.strerror or error}."}
        ) from error
    return pages


def _write_and_record(
    engine: Engine,
    actor: Actor,
    build: Callable[[Path], int],
    out: Path | str,
    what: str,
    details: dict,
    title: str,
    started: float,
    entity_id: int | None = None,
) -> ProducedReport:
    """Write the PDF, then note the read-out in the audit log (only once it exists)."""
    pages = _write(build, out)
    with store.session(engine) as s:
        record_readout(s, actor, what, {**details, "file": str(out)}, entity_id=entity_id)
    return ProducedReport(Path(out), pages, time.perf_counter() - started, title)


def _check_confidential(actor: Actor, include_confidential: bool) -> None:
    if include_confidential and not actor.sees_confidential:
        raise PermissionDenied(
            f"{actor.username} is not a supervisor; only supervisors and administrators may "
            "include confidential engagements in a report."
        )


def resolve_quarter(engine: Engine, quarter_text: str) -> Quarter:
    """Read a quarter code with the installation's fiscal year start."""
    with store.session(engine) as s:
        start_month = int(get_setting(s, "fiscal_year_start_month"))
    try:
        return parse_quarter(quarter_text, start_month)
    except ValueError as error:
        raise ValidationError({"quarter": str(error)}) from error


def produce_quarterly_report(
    engine: Engine,
    actor: Actor,
    quarter_text: str,
    out: Path | str,
    *,
    mission: str = ALL_MISSIONS,
    include_confidential: bool = False,
    progress: Progress = _no_progress,
) -> ProducedReport:
    """Build the quarterly outreach report for a quarter and scope into `out`."""
    started = time.perf_counter()
    _check_confidential(actor, include_confidential)
    quarter = resolve_quarter(engine, quarter_text)
    progress("Computing the figures")
    with store.session(engine) as s:
        try:
            data = quarterly_report_data(
                s, quarter, mission, include_confidential=include_confidential
            )
        except ValueError as error:
            raise ValidationError({"mission": str(error)}) from error
    progress("Laying out the pages")
    details = {"period": quarter.code, "scope": data.scope_code}
    return _write_and_record(
        engine,
        actor,
        lambda target: build_quarterly_report(data, target),
        out,
        "quarterly_report",
        {**details, "include_confidential": include_confidential},
        f"Quarterly report, {data.scope_label}, {quarter.title}",
        started,
    )


def produce_organization_brief(
    engine: Engine,
    actor: Actor,
    organization: str,
    out: Path | str,
    *,
    include_confidential: bool = False,
    progress: Progress = _no_progress,
) -> ProducedReport:
    """Build the brief of the organization named by acronym, name or uid into `out`."""
    started = time.perf_counter()
    _check_confidential(actor, include_confidential)
    progress("Gathering the organization's record")
    with store.session(engine) as s:
        org = find_organization(s, organization)
        data = organization_brief_data(s, org.id, include_confidential=include_confidential)
    progress("Laying out the pages")
    return _write_and_record(
        engine,
        actor,
        lambda target: build_organization_brief(data, target),
        out,
        "organization_brief",
        {"organization": data.name, "include_confidential": include_confidential},
        f"Organization brief, {data.name}",
        started,
        entity_id=org.id,
    )
