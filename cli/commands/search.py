"""python main.py search: find records from the terminal (printing them is a read-out)."""

from __future__ import annotations

import argparse

from cli.sign_in import (
    signed_in_for,
)


def add_commands(commands, database: argparse.ArgumentParser) -> None:
    """Add these commands to the command line."""
    search = commands.add_parser(
        "search", parents=[database], help="find organizations, contacts, engagements and programs"
    )
    search.add_argument("text", nargs="+", help="words to find; each matches as a prefix")

    search.set_defaults(handler=run_search)


def run_search(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from db import store
    from db.foundations.errors import ValidationError
    from db.queries.search import count_matches, search
    from db.store.pepper import peppered_digest
    from db.store.readouts import record_readout

    typed = " ".join(args.text)
    if any("\udc80" <= ch <= "\udcff" for ch in typed):
        raise ValidationError({"text": "The search text holds bytes that are not UTF-8 text."})
    with signed_in_for(args) as signed_in:
        engine, actor = signed_in.opened.engine, signed_in.actor
        with Session(engine) as s:
            results = search(s, typed, viewer=actor)
            counts = count_matches(s, typed, viewer=actor)
        hits = [hit for found in results.values() for hit in found]
        if hits:  # names and emails are personal data: printing them is a read-out
            with store.session(engine) as s:
                record_readout(  # what was typed may be a name: kept as a digest only
                    s,
                    actor,
                    "search",
                    {"query_digest": peppered_digest(s, typed), "results": len(hits)},
                )
    if not hits:
        print(f"Nothing matches {typed!r}.")
        return 1
    for kind, found in results.items():
        if not found:
            continue
        print(f"{kind.title()}s ({counts[kind].of(len(found))})")
        for hit in found:
            print(f"  [{hit.id}] {hit.title}" + (f" · {hit.detail}" if hit.detail else ""))
        left_out = counts[kind].total - len(found)
        if left_out > 0 or counts[kind].more:
            more = "more than " if counts[kind].more else ""
            print(
                f"  … {more}{left_out:,} more left out; all of them: "
                f"rabta export {kind}s --filter {typed!r} --out FILE"
            )
    return 0
