"""Two officers writing at once on a shared registry: every unique index has the store's
sentence for a clash, a new tag added by both is one tag on both organizations, and an
organization's last engagement date is the later of two logged at the same moment."""

from __future__ import annotations

import re
import threading
import time
from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from db import store
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.errors import UNIQUE_CLASHES, ValidationError
from db.foundations.models import Organization, OrganizationTag, Tag
from db.store.engagements import log_engagement
from db.store.organizations import create_organization


def _unique_indexes(engine) -> set[str]:
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            rows = connection.execute(
                text(
                    "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                    "AND indexdef LIKE 'CREATE UNIQUE%' AND indexname NOT LIKE 'pk_%' "
                    "AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_pkc'"
                )
            )
            return {name for (name,) in rows}
        rows = connection.execute(
            text(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE 'CREATE UNIQUE%'"
            )
        )
        names = {name for (name,) in rows}
        for (table,) in connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'")
        ):
            # A UNIQUE constraint is an automatic index: its name is in the table's SQL.
            sql = connection.execute(
                text("SELECT sql FROM sqlite_master WHERE name = :table"), {"table": table}
            ).scalar_one()
            names |= set(re.findall(r"CONSTRAINT (uq_\w+) UNIQUE", sql or ""))
    return names


def test_every_unique_index_has_the_stores_sentence(engine):
    found = _unique_indexes(engine)
    assert found, "no unique index found"
    assert found - set(UNIQUE_CLASHES) == set()


class HeldWrite(threading.Thread):
    """A store write that stays uncommitted until released (an officer mid-save)."""

    def __init__(self, engine, write):
        super().__init__(daemon=True)
        self.engine, self.write = engine, write
        self.written, self.release = threading.Event(), threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with store.session(self.engine) as s:
                self.write(s)
                s.flush()
                self.written.set()
                self.release.wait(30)
        except BaseException as error:
            self.error = error
            self.written.set()


class Write(threading.Thread):
    def __init__(self, engine, write):
        super().__init__(daemon=True)
        self.engine, self.write = engine, write
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with store.session(self.engine) as s:
                self.write(s)
        except BaseException as error:
            self.error = error


def _at_once(engine, first, second) -> tuple[BaseException | None, BaseException | None]:
    """`first` written and held, `second` started against it, then `first` committed."""
    held = HeldWrite(engine, first)
    held.start()
    assert held.written.wait(30)
    other = Write(engine, second)
    other.start()
    time.sleep(0.6)  # the second reaches the row or index the first holds
    held.release.set()
    held.join(30)
    other.join(30)
    return held.error, other.error


def _organization(name: str, tags: list[str]):
    return lambda s: create_organization(
        s, SYSTEM_ACTOR, {"name": name, "kind": "cultural", "tags": tags}
    )


@pytest.mark.postgresql_only
def test_two_officers_adding_the_same_new_tag_both_save(engine):
    errors = _at_once(
        engine,
        _organization("Karachi Youth Forum", ["Diaspora youth"]),
        _organization("Lahore Youth Circle", ["Diaspora youth"]),
    )
    assert errors == (None, None)
    with Session(engine) as s:
        tags = s.exec(select(Tag.id).where(Tag.name == "Diaspora youth")).all()
        assert len(tags) == 1
        tagged = s.exec(select(OrganizationTag).where(OrganizationTag.tag_id == tags[0])).all()
        assert len(tagged) == 2


@pytest.mark.postgresql_only
def test_the_same_new_name_at_once_is_refused_in_the_stores_sentence(engine):
    first, second = _at_once(
        engine,
        _organization("Sialkot Welfare Trust", []),
        _organization("Sialkot Welfare Trust", []),
    )
    assert first is None
    assert isinstance(second, ValidationError)
    assert "was just added to the registry" in str(second.errors)


@pytest.mark.postgresql_only
def test_two_engagements_at_once_leave_the_later_date(engine, geography):
    with store.session(engine) as s:
        org = create_organization(
            s, SYSTEM_ACTOR, {"name": "Quetta Circle", "kind": "cultural", "region_code": "US-TX"}
        )

    def logged(on: date):
        return lambda s: log_engagement(
            s,
            SYSTEM_ACTOR,
            {"date": on, "kind": "meeting", "subject": "Visit", "organization_ids": [org]},
        )

    errors = _at_once(engine, logged(date(2026, 11, 20)), logged(date(2026, 11, 2)))
    assert errors == (None, None)
    with Session(engine) as s:
        assert s.get(Organization, org).last_engagement_on == date(2026, 11, 20)
