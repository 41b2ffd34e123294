"""Two officers writing at once on a shared registry: every unique index has the store's
sentence for a clash, a new tag added by both is one tag on both organizations, and an
organization's last engagement date is the later of two logged at the same moment."""

from __future__ import annotations

import re
import threading
import time
import uuid
from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel, select

from db import store
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.errors import UNIQUE_CLASHES, ValidationError
from db.foundations.models import Contact, Organization, OrganizationTag, Tag, User
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


def _every_table_has_a_row(engine, geography) -> None:
    """One row in each table a unique index guards, written through the store."""
    from db.store.contacts import create_contact
    from db.store.dismissals import dismiss_duplicate
    from db.store.guests import invite_guests
    from db.store.programs import (
        add_event,
        add_indicator,
        add_participant,
        create_program,
        record_measurement,
    )
    from db.store.report_texts import save_report_text
    from db.store.users import create_user

    with store.session(engine) as s:
        org = create_organization(
            s,
            SYSTEM_ACTOR,
            {"name": "Clash Society", "kind": "cultural", "region_code": "US-TX", "tags": ["t"]},
        )
        other = create_organization(s, SYSTEM_ACTOR, {"name": "Other Society", "kind": "cultural"})
        dismiss_duplicate(s, SYSTEM_ACTOR, "organization", org, other)
        guest = create_contact(s, SYSTEM_ACTOR, {"given_name": "Amna", "email": "amna@example.org"})
        program = create_program(s, SYSTEM_ACTOR, {"name": "Clash Mela", "kind": "community_event"})
        add_participant(s, SYSTEM_ACTOR, program, org)
        mela = add_event(s, SYSTEM_ACTOR, program, {"date": "2026-10-10", "title": "Mela"})
        invite_guests(s, SYSTEM_ACTOR, mela, contact_ids=[guest])
        create_contact(s, SYSTEM_ACTOR, {"given_name": "Bilal"})  # not on the list
        indicator = add_indicator(s, SYSTEM_ACTOR, program, {"name": "Visitors"})
        record_measurement(s, SYSTEM_ACTOR, indicator, {"value": 5, "period": "FY2026-27Q2"})
        save_report_text(s, SYSTEM_ACTOR, "FY2026-27Q2", "ALL", {"narrative": "A quarter."})
        clashing = create_user(
            s,
            SYSTEM_ACTOR,
            {
                "username": "clash.user",
                "display_name": "Clash",
                "role": "viewer",
                "commission_wide": True,
            },
        )
        s.get(User, clashing).server_role = "clash.role"  # as grant_server_sign_in sets it
        log_engagement(
            s,
            SYSTEM_ACTOR,
            {"date": "2026-11-01", "kind": "meeting", "subject": "S", "organization_ids": [org]},
        )
        # a confidential one, by an officer holding a reading key: its sealing key
        reader = create_user(
            s,
            SYSTEM_ACTOR,
            {
                "username": "clash.officer",
                "display_name": "Clash Officer",
                "role": "officer",
                "commission_wide": True,
                "password": "a first password 1",
            },
        )
        log_engagement(
            s,
            SYSTEM_ACTOR,
            {
                "date": "2026-11-02",
                "kind": "meeting",
                "subject": "Sealed",
                "organization_ids": [org],
                "officer_id": reader,
                "mission_id": geography["HOU"],
                "sensitivity": "confidential",
            },
        )


# A clash is made by copying a row with the guarded columns kept and the others made new.
_FRESH = {
    "uid": lambda: str(uuid.uuid4()),
    "code": lambda: "ZZ" + uuid.uuid4().hex[:4],
    "name": lambda: "Fresh " + uuid.uuid4().hex[:8],
    "email": lambda: uuid.uuid4().hex[:8] + "@example.org",
    "server_role": lambda: "role." + uuid.uuid4().hex[:8],
}
_EXPRESSION_INDEXES = {  # unique indexes, not constraints: the table and the column each guards
    "uq_organization_live_name": ("organization", "name"),
    "uq_program_live_name": ("program", "name"),
    "uq_contact_live_email": ("contact", "email"),
    "ix_user_server_role": ("user", "server_role"),
}


def _clashing_row(s, name: str) -> tuple[str, dict]:
    if name in _EXPRESSION_INDEXES:
        table_name, guarded = _EXPRESSION_INDEXES[name]
        kept = {guarded}
    else:
        table_name = next(
            t.name for t in SQLModel.metadata.sorted_tables for c in t.constraints if c.name == name
        )
        constraint = next(
            c for c in SQLModel.metadata.tables[table_name].constraints if c.name == name
        )
        kept = {column.name for column in constraint.columns}
    table = SQLModel.metadata.tables[table_name]
    row = dict(s.execute(table.select().limit(1)).mappings().one())
    row.pop("id", None)
    for column, fresh in _FRESH.items():
        if column in row and column not in kept:
            row[column] = fresh()
    if table_name == "user" and "username" not in kept:
        row["username"] = "u" + uuid.uuid4().hex[:8]
    if table_name == "event_guest" and "contact_id" not in kept:  # another person's place
        row["contact_id"] = s.execute(
            select(Contact.id).where(Contact.id != row["contact_id"]).limit(1)
        ).scalar_one()
    if table_name == "jurisdiction" and "region_code" not in kept:
        row["region_code"] = "US-OK"
    return table_name, row


@pytest.mark.parametrize("name", sorted(UNIQUE_CLASHES))
def test_each_unique_index_clashes_in_the_stores_sentence(engine, geography, name):
    _every_table_has_a_row(engine, geography)
    present = _unique_indexes(engine)
    if name not in present:
        pytest.skip(f"{name} is not an index of this engine")
    with Session(engine) as s:
        table_name, row = _clashing_row(s, name)
    field = UNIQUE_CLASHES[name][1]
    with pytest.raises(ValidationError) as refused, store.session(engine) as s:
        s.execute(SQLModel.metadata.tables[table_name].insert().values(**row))
    assert field in refused.value.errors, refused.value.errors
