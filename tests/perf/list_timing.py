"""How `make bench` times a list and a search on either engine: the contacts list's first
page and a re-sort through the window's own model, the same SQL through the plain
driver, and searches taking turns with their floor."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

# The contacts list's first page and its re-sort by city, as the model asks for them.
PAGE_SQL = (
    "SELECT id, given_name || ' ' || family_name, name_urdu, profession, city, "
    "region_code, email, phone, consent, do_not_contact FROM contact "
    "WHERE archived_at IS NULL ORDER BY {order} LIMIT 200"
)
COUNT_SQL = "SELECT count(*) FROM contact WHERE archived_at IS NULL"
FIRST_ORDER, RESORT_ORDER = "lower(family_name), id", "lower(city) DESC, id DESC"


def _ms(started: float) -> float:
    return 1000 * (time.perf_counter() - started)


def contacts_list_times(engine, run_sql: Callable[[str], object], runs: int) -> dict[str, float]:
    """Median milliseconds of the contacts list's first page and a re-sort by city through
    the window's model on `engine`, and of the same count and page SQL through
    `run_sql` (the plain driver, which must fetch what it runs)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from db.queries.contacts import ContactFilter, contact_page, count_contacts
    from desktop.models.paged_table import PagedTableModel
    from desktop.pages.contacts import ContactsPage

    QApplication.instance() or QApplication([])
    times: dict[str, list[float]] = {"first": [], "resort": [], "raw_first": [], "raw_resort": []}
    for _ in range(runs):
        started = time.perf_counter()
        model = PagedTableModel(
            engine, ContactsPage.columns, count_contacts, contact_page, ContactFilter(), sort="name"
        )
        times["first"].append(_ms(started))
        started = time.perf_counter()
        model.sort(4, Qt.SortOrder.DescendingOrder)  # by city
        times["resort"].append(_ms(started))
    for _ in range(runs):
        for order, key in ((FIRST_ORDER, "raw_first"), (RESORT_ORDER, "raw_resort")):
            started = time.perf_counter()
            run_sql(COUNT_SQL)
            run_sql(PAGE_SQL.format(order=order))
            times[key].append(_ms(started))
    return {key: statistics.median(values) for key, values in times.items()}


def search_times_taking_turns(
    engine, queries: list[str], floor: Callable[[str], None]
) -> tuple[list[float], list[float]]:
    """Milliseconds per query through db.queries.search on `engine` and through `floor` (the same
    SQL by the plain driver). Whichever runs a query first reads its pages from disk for
    both, so they take turns going first."""
    from sqlmodel import Session

    from db.foundations.actor import SYSTEM_ACTOR
    from db.queries.search import search

    rabta_ms, floor_ms = [], []

    def through_rabta(s: Session, query: str) -> None:
        started = time.perf_counter()
        search(s, query, viewer=SYSTEM_ACTOR)
        rabta_ms.append(_ms(started))

    def through_floor(query: str) -> None:
        started = time.perf_counter()
        floor(query)
        floor_ms.append(_ms(started))

    with Session(engine) as s:
        search(s, "warm up", viewer=SYSTEM_ACTOR)
        for number, query in enumerate(queries):
            if number % 2:
                through_floor(query)
                through_rabta(s, query)
            else:
                through_rabta(s, query)
                through_floor(query)
    return rabta_ms, floor_ms


def deep_page_times(engine, runs: int, depth: int = 400_000) -> dict[str, float]:
    """Median milliseconds of the engagements list's first page (newest first, as the
    window opens it), of the page at row `depth` read from where the page before ended
    (keyset, as the window scrolls), and of the same page asked for by offset."""
    from sqlmodel import Session

    from db.foundations.actor import SYSTEM_ACTOR
    from db.queries.engagements import EngagementFilter, engagement_page

    flt = EngagementFilter(viewer=SYSTEM_ACTOR)
    times: dict[str, list[float]] = {"first": [], "deep": [], "offset": []}
    with Session(engine) as s:
        before = engagement_page(s, flt, offset=depth - 200, limit=200)  # where it starts
        for _ in range(runs):
            started = time.perf_counter()
            engagement_page(s, flt, offset=0, limit=200)
            times["first"].append(_ms(started))
            started = time.perf_counter()
            deep = engagement_page(s, flt, after=before.after, limit=200)
            times["deep"].append(_ms(started))
            started = time.perf_counter()
            engagement_page(s, flt, offset=depth, limit=200)
            times["offset"].append(_ms(started))
        assert len(deep) == 200
    return {key: statistics.median(values) for key, values in times.items()}
