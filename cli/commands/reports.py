"""python main.py report: the quarterly report, an organization's brief, a handover dossier."""

from __future__ import annotations

import argparse

from cli.sign_in import (
    signed_in_for,
)


def add_commands(commands, database: argparse.ArgumentParser) -> None:
    """Add these commands to the command line."""
    report = commands.add_parser("report", help="write a PDF report")
    kinds = report.add_subparsers(dest="report_kind", metavar="REPORT", required=True)
    quarterly = kinds.add_parser(
        "quarterly", parents=[database], help="the quarterly outreach report"
    )
    quarterly.add_argument(
        "--quarter", required=True, help="2026Q3 (calendar) or FY2026-27Q1 (fiscal, July-June)"
    )
    quarterly.add_argument(
        "--mission", default="ALL", help="a mission code such as HOU; default: all missions"
    )
    brief = kinds.add_parser(
        "brief", parents=[database], help="a one- or two-page brief on one organization"
    )
    brief.add_argument("--org", required=True, help="acronym, name or uid, e.g. APPNA")
    handover = kinds.add_parser(
        "handover",
        parents=[database],
        help="the handover dossier of an officer leaving a post, or of a mission",
    )
    leaving = handover.add_mutually_exclusive_group(required=True)
    leaving.add_argument("--officer", metavar="NAME", help="username or full name")
    leaving.add_argument("--mission", metavar="CODE", help="a mission code such as HOU")
    handover.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write")
    for sub in (quarterly, brief):
        sub.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write")
        sub.add_argument(
            "--include-confidential",
            action="store_true",
            help="include confidential engagements (supervisors only)",
        )
    quarterly.set_defaults(handler=run_quarterly_report)
    brief.set_defaults(handler=run_organization_brief)
    handover.set_defaults(handler=run_handover_dossier)


def run_quarterly_report(args: argparse.Namespace) -> int:
    """Write the quarterly outreach report of a quarter and scope."""
    from reports.produce import produce_quarterly_report

    with signed_in_for(args) as signed_in:
        produced = produce_quarterly_report(
            signed_in.opened.engine,
            signed_in.actor,
            args.quarter,
            args.out,
            mission=args.mission,
            include_confidential=args.include_confidential,
        )
    return _written(produced)


def run_organization_brief(args: argparse.Namespace) -> int:
    """Write the brief of one organization."""
    from reports.produce import produce_organization_brief

    with signed_in_for(args) as signed_in:
        produced = produce_organization_brief(
            signed_in.opened.engine,
            signed_in.actor,
            args.org,
            args.out,
            include_confidential=args.include_confidential,
        )
    return _written(produced)


def run_handover_dossier(args: argparse.Namespace) -> int:
    """Write the handover dossier of an officer or a mission."""
    from reports.produce import produce_handover_dossier

    with signed_in_for(args) as signed_in:
        produced = produce_handover_dossier(
            signed_in.opened.engine,
            signed_in.actor,
            args.out,
            officer=args.officer,
            mission=args.mission,
        )
    return _written(produced)


def _written(produced) -> int:
    print(
        f"Wrote {produced.path} ({produced.pages} page{'' if produced.pages == 1 else 's'}, "
        f"{produced.seconds:.2f} s): {produced.title}."
    )
    return 0
