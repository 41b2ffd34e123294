"""python main.py demo: the demo registry, small or large."""

from __future__ import annotations

import argparse
import time

from cli.sign_in import (
    administrator_for,
    database_location,
)


def add_commands(commands, database: argparse.ArgumentParser) -> None:
    """Add these commands to the command line."""
    demo = commands.add_parser(
        "demo", parents=[database], help="load the demo data into a new, empty database"
    )
    demo.add_argument(
        "--scale",
        choices=("small", "large"),
        default="small",
        help="small: the realistic demo; large: a commission-wide registry "
        "(10,000 organizations, 500,000 engagements) for speed tests",
    )

    demo.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    from db.demo.sample import load_demo
    from db.foundations.engine import shown_location

    location = database_location(args)
    with administrator_for(args, location, may_create=True) as signed_in:
        engine = signed_in.opened.engine
        if args.scale == "large":
            from db.demo.large import load_large_demo

            started = time.perf_counter()
            large = load_large_demo(
                engine, progress=lambda step: print(f"… {step}"), by=signed_in.actor
            )
            print(
                f"Built the large registry in {shown_location(location)} in "
                f"{time.perf_counter() - started:.0f} s:"
                f" {large.organizations:,} organizations, {large.contacts:,} contacts, "
                f"{large.affiliations:,} affiliations, {large.engagements:,} engagements, "
                f"{large.programs} programs, {large.measurements:,} measurements."
            )
            return 0
        summary = load_demo(engine, by=signed_in.actor)
    print(
        f"Loaded the demo data into {shown_location(location)}: {summary.missions} missions, "
        f"{summary.organizations} organizations, {summary.contacts} contacts, "
        f"{summary.engagements} engagements, {summary.programs} programs."
    )
    return 0
