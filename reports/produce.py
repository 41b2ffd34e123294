"""Producing a report end to end: permission, figures, PDF, and the audit entry.

The command line and the window both call these, so a report is the same
wherever it is asked for.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from db.figures.quarterly import quarterly_report_data
from db.figures.scope import ALL_MISSIONS
from db.foundations.actor import Actor
from db.foundations.errors import ValidationError
from db.foundations.periods import Quarter, parse_quarter
from db.queries.guests import event_print_data
from db.queries.handover import handover_data
from db.queries.organization_brief import find_organization, organization_brief_data
from db.queries.subject_access import subject_access
from db.rules.settings import read_settings
from db.rules.visibility import require_confidential_allowed
from db.store.readouts import place_after_readout
from reports.brief import build_organization_brief
from reports.event_sheets import (
    LAYOUTS,
    PAPERS,
    build_badges,
    build_guest_list,
    build_sign_in_sheet,
)
from reports.handover import build_handover_dossier
from reports.quarterly import build_quarterly_report
from reports.subject_access import build_subject_access

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


PDF_MAGIC = b"%PDF-"


def _database_file(engine: Engine) -> Path | None:
    if engine.dialect.name != "sqlite" or not engine.url.database:
        return None
    return Path(engine.url.database).resolve()


def check_output_path(out: Path | str, database: Path | None) -> Path:
    """The file a report may be written to, or ValidationError saying why not.

    Refused: an empty name, a folder, the database itself, its -wal/-shm/-journal
    files or a backup beside it, an existing file that is not a PDF, and a folder
    that does not exist or cannot be written.
    """
    if not str(out).strip():
        raise ValidationError({"out": "Name the PDF file to write, e.g. --out report.pdf."})
    target = Path(out).expanduser()
    try:
        resolved = target.resolve()
    except (OSError, RuntimeError, ValueError) as error:
        raise ValidationError({"out": f"{out} is not a usable file name."}) from error
    if database is not None:
        protected = {database, *(database.with_name(database.name + s) for s in _SIDE_FILES)}
        is_backup = resolved.parent == database.parent and resolved.name.startswith(
            f"{database.stem}.backup-"
        )
        if resolved in protected or is_backup:
            raise ValidationError(
                {"out": f"{target} is the database or one of its files; write the PDF elsewhere."}
            )
    if resolved.is_dir():
        raise ValidationError({"out": f"{target} is a folder; name a PDF file inside it."})
    if resolved.exists():
        try:
            with resolved.open("rb") as handle:
                is_pdf = handle.read(len(PDF_MAGIC)) == PDF_MAGIC
        except OSError as error:
            raise ValidationError(
                {"out": f"{target} cannot be replaced: {error.strerror or error}."}
            ) from error
        if not is_pdf:
            raise ValidationError(
                {"out": f"{target} exists and is not a PDF; choose another name."}
            )
    folder = resolved.parent
    if not folder.is_dir():
        raise ValidationError({"out": f"The folder {folder} does not exist."})
    if not os.access(folder, os.W_OK):
        raise ValidationError({"out": f"The folder {folder} cannot be written by you."})
    return target


_SIDE_FILES = ("-wal", "-shm", "-journal")


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _cannot_write(target: Path, error: OSError) -> ValidationError:
    return ValidationError({"out": f"Cannot write {target}: {error.strerror or error}."})


def _write_and_record(
    engine: Engine,
    actor: Actor,
    build: Callable[[Path], int],
    target: Path,
    what: str,
    details: dict,
    title: str,
    started: float,
    entity_id: int | None = None,
    companions: dict[Path, Path] | None = None,
) -> ProducedReport:
    """Build the PDF beside `target` (and any `companions`, partial -> place), record the
    read-out, then move them into place: a report whose read-out cannot be recorded is
    never left on disk, and a failed build never leaves half a PDF under the requested
    name."""
    partial = target.with_name(f".{target.name}.partial")
    placements = {partial: target, **(companions or {})}
    try:
        pages = build(partial)
    except BaseException as error:
        for leftover in placements:
            _unlink_quietly(leftover)
        if isinstance(error, OSError):
            raise _cannot_write(target, error) from error
        raise
    try:
        place_after_readout(
            engine, actor, what, {**details, "file": str(target)}, placements, entity_id
        )
    except OSError as error:
        raise _cannot_write(target, error) from error
    return ProducedReport(target, pages, time.perf_counter() - started, title)


def resolve_quarter(engine: Engine, quarter_text: str) -> Quarter:
    """Read a quarter code with the installation's fiscal year start."""
    with Session(engine) as s:
        start_month = read_settings(s).fiscal_year_start_month
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
    target = check_output_path(out, _database_file(engine))
    # before any work; the figures check the mission chosen too
    require_confidential_allowed(actor, include_confidential, actor.mission_id)
    quarter = resolve_quarter(engine, quarter_text)
    progress("Computing the figures")
    with Session(engine) as s:
        try:
            data = quarterly_report_data(
                s, actor, quarter, mission, include_confidential=include_confidential
            )
        except ValueError as error:
            raise ValidationError({"mission": str(error)}) from error
    progress("Laying out the pages")
    data = replace(data, generated_by=actor.display_name or actor.username)
    details = {"period": quarter.code, "scope": data.scope_code}
    return _write_and_record(
        engine,
        actor,
        lambda path: build_quarterly_report(data, path),
        target,
        "quarterly_report",
        {**details, "include_confidential": include_confidential},
        f"Quarterly report, {data.scope_label}, {quarter.title}",
        started,
    )


def produce_handover_dossier(
    engine: Engine,
    actor: Actor,
    out: Path | str,
    *,
    officer: str | None = None,
    mission: str | None = None,
    progress: Progress = _no_progress,
) -> ProducedReport:
    """Build the handover dossier of an officer (username or name) or a mission (code)
    into `out`. An officer may hand over their own portfolio or their mission's;
    supervisors and administrators anyone's in their reach; viewers none."""
    started = time.perf_counter()
    target = check_output_path(out, _database_file(engine))
    progress("Gathering the portfolio")
    with Session(engine) as s:
        data = handover_data(s, actor, officer=officer, mission_code=mission)
    progress("Laying out the pages")
    return _write_and_record(
        engine,
        actor,
        lambda path: build_handover_dossier(data, path),
        target,
        "handover_dossier",
        {"officer": officer or "", "mission": mission or "", "organizations": len(data.portfolio)},
        f"Handover dossier, {data.handed_over_by}",
        started,
    )


def produce_organization_brief(
    engine: Engine,
    actor: Actor,
    organization: str | int,
    out: Path | str,
    *,
    include_confidential: bool = False,
    progress: Progress = _no_progress,
) -> ProducedReport:
    """Build the brief of the organization named by acronym, name or uid (or given by
    its id) into `out`."""
    started = time.perf_counter()
    target = check_output_path(out, _database_file(engine))
    # before any work; the figures check the mission chosen too
    require_confidential_allowed(actor, include_confidential, actor.mission_id)
    progress("Gathering the organization's record")
    with Session(engine) as s:
        org = find_organization(s, organization)
        data = organization_brief_data(s, actor, org.id, include_confidential=include_confidential)
    progress("Laying out the pages")
    return _write_and_record(
        engine,
        actor,
        lambda path: build_organization_brief(data, path),
        target,
        "organization_brief",
        {"organization": data.name, "include_confidential": include_confidential},
        f"Organization brief, {data.name}",
        started,
        entity_id=org.id,
    )


def produce_subject_access(
    engine: Engine,
    actor: Actor,
    contact_id: int,
    out: Path | str,
    *,
    progress: Progress = _no_progress,
) -> ProducedReport:
    """Write everything held about a contact to `out` (a PDF) and the same as JSON beside
    it (`out` with .json); administrators only."""
    started = time.perf_counter()
    target = check_output_path(out, _database_file(engine))
    if target.suffix.lower() != ".pdf":
        raise ValidationError(
            {"out": f"Name a PDF file (e.g. {target.stem}.pdf); the JSON is written beside it."}
        )
    progress("Gathering what is held about the person")
    with Session(engine) as s:
        data = subject_access(s, actor, contact_id)
    json_target = target.with_suffix(".json")
    partial_json = json_target.with_name(f".{json_target.name}.partial")
    progress("Laying out the pages")

    def build(path: Path) -> int:
        pages = build_subject_access(data, path)
        partial_json.write_text(data.as_json(), encoding="utf-8")
        return pages

    return _write_and_record(
        engine,
        actor,
        build,
        target,
        "subject_access",
        {"json": str(json_target)},
        f"Subject access export, contact #{data.contact_id}",
        started,
        entity_id=data.contact_id,
        companions={partial_json: json_target},
    )


# What an event prints, and the name of its read-out in the audit.
EVENT_PRINTS = {
    "sheet": "sign_in_sheet",
    "badges": "event_badges",
    "guests": "guest_list",
}


def produce_event_sheet(
    engine: Engine,
    actor: Actor,
    event_id: int,
    out: Path | str,
    *,
    kind: str = "sheet",
    paper: str = "a4",
    per_sheet: int = 8,
    progress: Progress = _no_progress,
) -> ProducedReport:
    """An event's sign-in sheet (`kind` "sheet"), name badges ("badges", `per_sheet` to
    a sheet of `paper`) or guest list by status ("guests"), into `out`; noted as a
    read-out like every report."""
    if kind not in EVENT_PRINTS:
        raise ValidationError(
            {"kind": "An event prints a sign-in sheet, badges or its guest list."}
        )
    if kind == "badges" and (paper not in PAPERS or per_sheet not in LAYOUTS):
        raise ValidationError({"badges": "Badges print on a4 or letter paper, 8 or 10 to a sheet."})
    started = time.perf_counter()
    target = check_output_path(out, _database_file(engine))
    progress("Reading the guest list")
    with Session(engine) as s:
        data = event_print_data(s, actor, event_id)
    progress("Laying out the pages")
    builders = {
        "sheet": lambda path: build_sign_in_sheet(data, path),
        "badges": lambda path: build_badges(data, path, paper=paper, per_sheet=per_sheet),
        "guests": lambda path: build_guest_list(data, path),
    }
    titles = {"sheet": "Sign-in sheet", "badges": "Badges", "guests": "Guest list"}
    return _write_and_record(
        engine,
        actor,
        builders[kind],
        target,
        EVENT_PRINTS[kind],
        {"event": data.event.title, "guests": len(data.guests)},
        f"{titles[kind]}, {data.event.title}",
        started,
        entity_id=event_id,
    )
