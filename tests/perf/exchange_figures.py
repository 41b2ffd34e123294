"""Figures for data in and out on the large registry: 100,000 contacts imported from CSV
and from XLSX (committed, and as a dry run), the duplicate scan of every contact, and
every contact exported to XLSX. Each runs in its own process on its own copy of the
large registry, so its time and peak memory are its own.

The parent calls `exchange_figures`; each figure's process runs this module:
`python -m tests.perf.exchange_figures ACTION DATABASE USER PASSWORD_FILE [FILE]`.
"""

from __future__ import annotations

import csv
import random
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

IMPORT_ROWS = 100_000
HEADERS = [
    "First Name",
    "Last Name",
    "E-mail Address",
    "Mobile Phone",
    "Home City",
    "Home State",
    "Job Title",
    "Company",
]
CITIES = {
    "TX": ["Houston", "Dallas", "Sugar Land", "Austin"],
    "NY": ["New York", "Brooklyn", "Queens", "Hicksville"],
    "IL": ["Chicago", "Naperville", "Schaumburg"],
    "CA": ["Los Angeles", "San Jose", "Fremont", "Irvine"],
    "VA": ["Fairfax", "Herndon", "Sterling"],
}
PROFESSIONS = ["Physician", "Engineer", "Accountant", "Pharmacist", "Teacher", "Attorney", ""]


@dataclass(frozen=True)
class Figure:
    """One measured run: what it did, how long, and the process's peak memory."""

    seconds: float
    rss_mb: float
    detail: str


def import_files(folder: Path, registry: Path) -> tuple[Path, Path]:
    """A CSV and an XLSX of the same 100,000 people, as Outlook exports them: names from
    the large registry's own lists (so most are like someone already there), their own
    emails and mobile numbers, and one in three with an organization of the registry."""
    named = registry.name.removesuffix(".db").removesuffix("-plain")  # rebuilt with it
    csv_path = folder / f"{named}-import-100k.csv"
    xlsx_path = folder / f"{named}-import-100k.xlsx"
    if csv_path.exists() and xlsx_path.exists():
        return csv_path, xlsx_path
    from db.demo.large import FAMILY, GIVEN_AMERICAN, GIVEN_PAKISTANI

    connection = sqlite3.connect(registry)
    companies = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM organization WHERE archived_at IS NULL "
            "GROUP BY lower(name) HAVING count(*) = 1 ORDER BY name LIMIT 2000"
        )
    ]
    connection.close()
    given = [name for name, _urdu in GIVEN_PAKISTANI] + GIVEN_AMERICAN
    rng = random.Random(12)
    rows = []
    for number in range(IMPORT_ROWS):
        state = rng.choice(sorted(CITIES))
        first, last = rng.choice(given), rng.choice(FAMILY)[0]
        rows.append(
            [
                first,
                last,
                f"{first}.{last}.import{number}@example.net".lower(),
                f"+1 713 {200 + number // 10_000:03d} {number % 10_000:04d}",
                rng.choice(CITIES[state]),
                state,
                rng.choice(PROFESSIONS),
                rng.choice(companies) if number % 3 == 0 else "",
            ]
        )
    partial = csv_path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    partial.rename(csv_path)
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Contacts")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(partial)
    partial.rename(xlsx_path)
    return csv_path, xlsx_path


def copy_registry(database: Path, folder: Path) -> Path:
    """A copy of the (encrypted) registry with its keyring, to write into."""
    from db.security.keyring import keyring_path

    copy = folder / database.name
    shutil.copyfile(database, copy)
    shutil.copyfile(keyring_path(database), keyring_path(copy))
    return copy


def run_figure(action: str, database: Path, user: str, password_file: Path, file: Path | None):
    """Run one figure in its own process on a copy of `database`; return it."""
    with tempfile.TemporaryDirectory(dir=database.parent) as folder:
        copy = copy_registry(database, Path(folder))
        command = [sys.executable, "-m", "tests.perf.exchange_figures", action, str(copy), user]
        command += [str(password_file)] + ([str(file)] if file else [])
        result = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{action} failed:\n{result.stderr[-3000:]}")
    found = dict(re.findall(r"^(\w+)=(.*)$", result.stdout, re.MULTILINE))
    return Figure(float(found["seconds"]), int(found["maxrss_kb"]) / 1024, found["detail"])


def exchange_figures(
    database: Path, plain: Path, user: str, password_file: Path, cache: Path
) -> list[tuple[str, str, str, str, str]]:
    """The rows of the performance table for import, duplicates and export."""
    csv_path, xlsx_path = import_files(cache, plain)
    figures = {
        "csv": run_figure("import", database, user, password_file, csv_path),
        "xlsx": run_figure("import", database, user, password_file, xlsx_path),
        "csv_dry": run_figure("dry-run", database, user, password_file, csv_path),
        "xlsx_dry": run_figure("dry-run", database, user, password_file, xlsx_path),
        "scan": run_figure("scan", database, user, password_file, None),
        "export": run_figure("export", database, user, password_file, None),
    }

    def row(label: str, key: str, target: str) -> tuple[str, str, str, str, str]:
        figure = figures[key]
        shown = f"{figure.seconds:.1f} s, peak {figure.rss_mb:.0f} MB ({figure.detail})"
        return (label, shown, "—", "—", target)

    return [
        row("Import 100,000 contacts from CSV, committed", "csv", "≤ 60 s and ≤ 400 MB"),
        row("Import 100,000 contacts from XLSX, committed", "xlsx", "≤ 60 s and ≤ 400 MB"),
        row("Dry run of the same CSV", "csv_dry", "≤ 60 s and ≤ 400 MB"),
        row("Dry run of the same XLSX", "xlsx_dry", "≤ 60 s and ≤ 400 MB"),
        row("Duplicate scan of every contact", "scan", "≤ 60 s"),
        row("Export every contact to XLSX", "export", "≤ 30 s"),
    ]


def _measure(action: str, engine, actor, file: str | None) -> str:
    """Do one figure's work; return what it did, in a few words."""
    if action in ("import", "dry-run"):
        from db.exchange.imports import ADD, run_import
        from db.exchange.mapping import suggest_mapping
        from db.exchange.sources import open_source

        source = open_source(file)
        mapping = suggest_mapping("contacts", source.headers)
        outcome = run_import(
            engine, actor, source, mapping, commit=action == "import", on_match=ADD
        )
        if outcome.problems:
            raise RuntimeError(f"{len(outcome.problems)} problems, first {outcome.problems[0]}")
        return (
            f"{outcome.created:,} added, {len(outcome.matches):,} like someone there, "
            f"{len(outcome.warnings):,} warnings"
        )
    if action == "scan":
        from sqlmodel import Session

        from db.duplicates.scan import find_duplicate_contacts

        with Session(engine) as s:
            result = find_duplicate_contacts(s)
        return f"{result.total:,} candidate pairs, best {len(result.pairs):,} kept"
    if action == "export":
        from db.exchange.exports import export_list

        with tempfile.TemporaryDirectory() as folder:
            exported = export_list(
                engine, actor, "contacts", Path(folder) / "c.xlsx", include_withheld=True
            )
        return f"{exported.rows:,} rows"
    raise SystemExit(f"unknown action {action}")


def main(argv: list[str]) -> int:
    action, database, user, password_file = argv[:4]
    file = argv[4] if len(argv) > 4 else None
    from db.security.password_file import read_password_file
    from db.security.sign_in import sign_in

    signed_in = sign_in(database, user, read_password_file(password_file))
    engine, actor = signed_in.opened.engine, signed_in.actor
    started = time.perf_counter()
    detail = _measure(action, engine, actor, file)
    seconds = time.perf_counter() - started
    engine.dispose()
    print(f"seconds={seconds:.3f}")
    print(f"maxrss_kb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")
    print(f"detail={detail}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
