"""Ten thousand malformed rows, made with hypothesis: every one is refused with a row
problem naming its column, and the database file does not change by a byte."""

from __future__ import annotations

import csv
import hashlib
import random

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from db.exchange.imports import run_import
from db.exchange.mapping import suggest_mapping
from db.exchange.sources import open_source
from db.foundations.actor import Actor

ROWS = 10_000
HEADERS = ["Given name", "Family name", "Email", "Phone", "Consent", "Consent date", "Region"]
# Each row breaks at least one of these rules; the rest of it is random text.
BREAKS = {
    "Given name": ["", "   ", "Ali\x07", "\u202eilA", "N" * 101],
    "Email": ["no-at-sign", "two@@example.com", "a@b", "@example.com"],
    "Phone": ["call me", "12", "+999 000"],
    "Consent": ["perhaps", "yes please"],
    "Consent date": ["2026-02-30", "2999-01-01", "31/31/2026", "yesterday"],
    "Region": ["ZZ-99", "Atlantis"],
}
# Text a person might paste: any printable character but NUL (no CSV can hold one).
junk = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)


@settings(
    max_examples=2,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # shrinking 10,000 rows would take hours
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.large_base_example,
    ],
)
@given(filler=st.lists(junk, min_size=32, max_size=32), seed=st.integers(0, 2**32))
def test_ten_thousand_malformed_rows_are_all_refused(demo_path, demo_engine, filler, seed):
    chooser = random.Random(seed)  # the rows are drawn from hypothesis's texts by its seed
    path = demo_path.with_name("malformed.csv")
    broken_columns = {}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for number in range(2, ROWS + 2):
            row = {header: chooser.choice(filler) for header in HEADERS}
            row["Family name"] += " Khan"  # a row that is all blank is skipped, not refused
            column = chooser.choice(sorted(BREAKS))
            row[column] = chooser.choice(BREAKS[column])
            broken_columns[number] = column
            writer.writerow(row[header] for header in HEADERS)
    before = hashlib.sha256(demo_path.read_bytes()).digest()
    source = open_source(path)
    mapping = suggest_mapping("contacts", source.headers)
    outcome = run_import(
        demo_engine, Actor(id=None, username="t", role="admin"), source, mapping, commit=True
    )
    demo_engine.dispose()
    assert outcome.rows == ROWS and not outcome.committed
    refused = {}
    for problem in outcome.problems:
        refused.setdefault(problem.row, set()).add(problem.column)
    assert set(refused) == set(broken_columns)  # every row refused, none left out
    assert all(broken_columns[row] in columns for row, columns in refused.items())
    assert hashlib.sha256(demo_path.read_bytes()).digest() == before
