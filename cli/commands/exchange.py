"""python main.py export and import: lists written to files, and spreadsheets brought in."""

from __future__ import annotations

import argparse

from cli.sign_in import (
    signed_in_for,
)


def add_commands(commands, database: argparse.ArgumentParser) -> None:
    """Add these commands to the command line."""
    export_list = commands.add_parser(
        "export",
        parents=[database],
        help="write a list to CSV, Excel (.xlsx), vCard (.vcf) or iCalendar (.ics)",
    )
    export_list.add_argument(
        "kind",
        choices=("organizations", "contacts", "affiliations", "engagements", "programs"),
        help="the list; engagements and programs as .ics hold open follow-ups and events",
    )
    export_list.add_argument("--out", required=True, metavar="FILE", help="where to write")
    export_list.add_argument(
        "--filter", default="", metavar="WORDS", help="only what these words find, as in a list"
    )
    export_list.add_argument(
        "--include-withheld",
        action="store_true",
        help="include people who asked not to be contacted or refused consent in a list of "
        "people (their email and phone stay withheld)",
    )

    import_file = commands.add_parser(
        "import",
        parents=[database],
        help="bring a CSV or Excel list into the registry, all rows or none",
    )
    import_file.add_argument("file", metavar="FILE", help="a .csv, .txt or .xlsx file")
    import_file.add_argument(
        "--as",
        dest="kind",
        required=True,
        choices=("organizations", "contacts", "engagements", "affiliations"),
        help="what the rows are",
    )
    import_file.add_argument(
        "--mapping", metavar="M.json", help="a saved mapping of columns to fields"
    )
    import_file.add_argument(
        "--save-mapping", metavar="M.json", help="keep the mapping used, to reuse"
    )
    import_file.add_argument(
        "--dry-run", action="store_true", help="check every row and write nothing"
    )
    import_file.add_argument(
        "--on-match",
        choices=("skip", "update", "add"),
        default="skip",
        help="rows that look like a record already there: skip them (default), update "
        "that record, or add them as new",
    )
    import_file.add_argument(
        "--keep-good-rows",
        action="store_true",
        help="import the rows without a problem and keep the others in FILE.problems.csv "
        "to fix (default: all rows or none)",
    )
    import_file.add_argument(
        "--mission",
        metavar="CODE",
        help="an engagement log's mission for every row (a consulate's own log)",
    )
    import_file.add_argument(
        "--officer",
        metavar="NAME",
        help="an engagement log's officer for every row (username or full name)",
    )
    import_file.add_argument(
        "--day-first",
        action="store_true",
        help="dates like 03/04/2026 are 3 April (default: March 4, as US offices write)",
    )

    export_list.set_defaults(handler=run_export)
    import_file.set_defaults(handler=run_import)


def run_export(args: argparse.Namespace) -> int:
    from db.exchange.exports import default_filter, export_list

    with signed_in_for(args) as signed_in:
        engine, actor = signed_in.opened.engine, signed_in.actor
        exported = export_list(
            engine,
            actor,
            args.kind,
            args.out,
            default_filter(args.kind, actor, args.filter),
            include_withheld=args.include_withheld,
        )
    print(
        f"Wrote {exported.rows:,} {'entries' if exported.format == 'icalendar' else 'rows'} "
        f"of {args.kind} to {exported.path}."
    )
    if exported.left_out:
        print(
            f"Left out {exported.left_out:,} people who asked not to be contacted or refused "
            "consent; --include-withheld includes them."
        )
    return 0


def run_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from db.exchange.imports import run_import, write_problem_file
    from db.exchange.mapping import load_mapping, suggest_mapping
    from db.exchange.sources import open_source
    from db.foundations.errors import ValidationError
    from db.foundations.labels import counted

    source = open_source(args.file)
    if args.mapping:
        mapping = load_mapping(args.mapping, args.kind)
        mapping.day_first = mapping.day_first or args.day_first
    else:
        mapping = suggest_mapping(args.kind, source.headers, day_first=args.day_first)
    for name in ("mission", "officer"):
        if getattr(args, name):
            if args.kind != "engagements":
                raise ValidationError({name: f"--{name} gives every row of an engagement log."})
            mapping.every_row[name] = getattr(args, name)
    for header in source.headers:
        target = mapping.columns.get(header)
        print(f"  {header} → {target or '(left out)'}")
    if args.save_mapping:
        mapping.save(args.save_mapping)
        print(f"Kept the mapping in {args.save_mapping}.")
    with signed_in_for(args) as signed_in:
        outcome = run_import(
            signed_in.opened.engine,
            signed_in.actor,
            source,
            mapping,
            commit=not args.dry_run,
            on_match=args.on_match,
            progress=lambda n: print(f"… {n:,} rows", flush=True),
            keep_good_rows=args.keep_good_rows,
        )
    for match in outcome.matches[:20]:
        print(
            f"Row {match.row} looks like {match.record!r} (#{match.record_id}, {match.why}): "
            f"{match.decision}."
        )
    if len(outcome.matches) > 20:
        print(f"… and {len(outcome.matches) - 20:,} more rows like records already there.")
    for warning in outcome.warnings[:20]:
        print(f"Row {warning.row}: {warning.reason}")
    if outcome.problems:
        for problem in outcome.problems[:20]:
            column = f", {problem.column}" if problem.column else ""
            print(f"{problem.where}{column}: {problem.reason}")
        problems_file = Path(args.file).with_name(Path(args.file).stem + ".problems.csv")
        written = write_problem_file(source, outcome, problems_file)
        refused = outcome.rows_with_problems
        if outcome.committed:
            print(
                f"Added {outcome.created:,} and updated "
                f"{counted(outcome.updated, args.kind[:-1], args.kind)}; "
                f"{counted(refused, 'row was', 'rows were')} left out and kept in "
                f"{problems_file} with what is wrong, to fix and import again."
            )
            return 1
        print(
            f"Nothing was imported: {refused:,} of {outcome.rows:,} rows "
            f"{'has a problem' if refused == 1 else 'have problems'}. "
            f"{'That row' if written == 1 else f'The {written:,} rows'} and what is wrong "
            f"{'with it' if written == 1 else 'with each'} are in {problems_file}; fix them "
            "there and import that file."
        )
        return 1
    verb = "Would add" if args.dry_run else "Added"
    print(
        f"{verb} {outcome.created:,} and {'would update' if args.dry_run else 'updated'} "
        f"{counted(outcome.updated, args.kind[:-1], args.kind)} from "
        f"{counted(outcome.rows, 'row')}; {outcome.skipped:,} skipped as already there."
        + (" Nothing was written (dry run)." if args.dry_run else "")
    )
    return 0
