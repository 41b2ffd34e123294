"""Every public store function, found by introspection, driven with arbitrary values:
each call either succeeds or raises the store's own error with a sentence (validation,
not found, not permitted), never anything else, and the file stays whole."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

import db.foundations.models
import db.store
from db import store
from db.foundations.actor import SYSTEM_ACTOR, Actor
from db.foundations.errors import RabtaError, ValidationError
from db.store.contacts import add_affiliation, create_contact
from db.store.engagements import log_engagement
from db.store.organizations import create_organization
from db.store.programs import add_event, add_indicator, add_participant, create_program

# Building blocks that take values from code, never from a person: the audit and read-out
# writers, the generic archive helper (given a model class), and the enrolment of an Actor.
NOT_FROM_INPUT = {
    "record_audit",
    "record_audits",
    "refuse_if_changed",
    "record_readout",
    "set_archived",
    "get_record",
    "apply_changes",
    "after_commit",
    "actor_of",
    "session",
    "latest_engagement_date",
    "changeable_engagement",
    "change_refused",
    "database_pepper",  # the sign-in's and erasure's own digests, from no one's input
    "peppered_digest",
    "close_server_role",  # a role name the user row holds, never typed
    # sealing keys, taken up at sign-in and after a user change, from no one's input
    "admit_readers",
    "seal_unsealed",
    "hold_sealing_keys",
    "forget_wraps_of",
    "seal_engagement_texts",
    "note_plain_text",
}


def public_store_functions() -> list:
    """Every public function of every db.store module that works on a Session."""
    found = []
    for module_info in pkgutil.iter_modules(db.store.__path__):
        module = importlib.import_module(f"db.store.{module_info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            if name in NOT_FROM_INPUT:
                continue
            parameters = list(inspect.signature(function).parameters)
            if parameters[:1] == ["s"]:
                found.append(function)
    return sorted(found, key=lambda f: (f.__module__, f.__name__))


def _field_names() -> list[str]:
    names = set()
    for module_info in pkgutil.iter_modules(db.store.__path__):
        module = importlib.import_module(f"db.store.{module_info.name}")
        for attribute, value in vars(module).items():
            if attribute.endswith("FIELDS") and isinstance(value, tuple):
                names.update(v for v in value if isinstance(v, str))
    return sorted(names)


def _enum_values() -> list[str]:
    from enum import StrEnum

    return sorted(
        {
            member.value
            for value in vars(db.foundations.models).values()
            if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum
            for member in value
        }
    )


HOSTILE_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "name\x00with NUL",
        "\ud800",
        "a\udcff",
        "\u202eevil",
        "\u2066x\u2069",
        "x" * 5000,
        "2026-13-45",
        "9" * 30,
        "-1",
        "1e400",
        "NaN",
        "یوم آزادی",
        "'; DROP TABLE contact; --",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.text(max_size=30),
    HOSTILE_TEXT,
    st.binary(max_size=8),
    st.dates(),
    st.datetimes(),
)
ANYTHING = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=2)
    ),
    max_leaves=4,
)
PLAUSIBLE = st.one_of(
    st.integers(min_value=1, max_value=6),
    st.sampled_from(_enum_values()),
    st.dates(min_value=date(1985, 1, 1), max_value=date(2030, 12, 31)).map(str),
    st.lists(st.integers(min_value=1, max_value=6), max_size=3),
    st.text(max_size=12),
)
VALUE = st.one_of(ANYTHING, PLAUSIBLE, PLAUSIBLE)
RECORD = (
    st.dictionaries(st.sampled_from(_field_names()) | st.text(max_size=6), VALUE, max_size=7)
    | ANYTHING
)


def argument_for(name: str) -> st.SearchStrategy:
    if name == "values":
        return RECORD
    if name.endswith("_id") or name.endswith("_ids"):
        return st.one_of(st.integers(min_value=1, max_value=6), ANYTHING)
    return VALUE


tally: Counter = Counter()
FUNCTIONS = public_store_functions()


@pytest.fixture(scope="module")
def fuzz_engine(tmp_path_factory, migrated_template):
    import shutil

    from db.database_file.migrate import open_database
    from db.store.missions import add_region, create_mission, set_jurisdiction

    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    shutil.copyfile(migrated_template, path)
    engine = open_database(str(path)).engine
    with store.session(engine) as s:
        add_region(s, SYSTEM_ACTOR, "US-TX", "Texas", "US")
        mission = create_mission(
            s,
            SYSTEM_ACTOR,
            {"code": "HOU", "name": "Houston", "kind": "consulate_general", "country": "US"},
        )
        set_jurisdiction(s, SYSTEM_ACTOR, mission, ["US-TX"])
        for number in range(3):
            org = create_organization(
                s, SYSTEM_ACTOR, {"name": f"Org {number}", "kind": "professional"}
            )
            person = create_contact(
                s, SYSTEM_ACTOR, {"given_name": f"Person {number}", "family_name": "Khan"}
            )
            add_affiliation(s, SYSTEM_ACTOR, person, {"organization_id": org})
            program = create_program(
                s, SYSTEM_ACTOR, {"name": f"Program {number}", "kind": "community_event"}
            )
            add_participant(s, SYSTEM_ACTOR, program, org)
            add_event(s, SYSTEM_ACTOR, program, {"date": "2026-01-10", "title": "Gala"})
            add_indicator(s, SYSTEM_ACTOR, program, {"name": "Accounts", "unit": "accounts"})
            log_engagement(
                s,
                SYSTEM_ACTOR,
                {
                    "date": "2026-01-05",
                    "kind": "meeting",
                    "subject": "Intro",
                    "organization_ids": [org],
                    "contact_ids": [person],
                    "mission_id": mission,
                    "follow_up_date": "2026-02-01",
                },
            )
    yield engine
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        for table in ("organization_fts", "contact_fts", "engagement_fts", "program_fts"):
            connection.execute(text(f"INSERT INTO {table}({table}) VALUES('integrity-check')"))
        connection.rollback()
    engine.dispose()
    print(
        f"\nstore fuzz: {sum(tally.values())} calls, {tally['accepted']} accepted, "
        f"{tally['validation']} validation errors, {tally['refused']} not found or not "
        f"permitted, {tally['other']} other exceptions"
    )


ACTOR = Actor(id=None, username="fuzz", role="admin")


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f"{f.__module__[9:]}.{f.__name__}")
def test_store_function_accepts_or_refuses_in_a_sentence(fuzz_engine, function):
    parameters = list(inspect.signature(function).parameters)[1:]
    takes_actor = parameters[:1] == ["actor"]
    inputs = parameters[1:] if takes_actor else parameters

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.fixed_dictionaries({name: argument_for(name) for name in inputs}))
    def call(arguments):
        try:
            with store.session(fuzz_engine) as s:
                if takes_actor:
                    function(s, ACTOR, **arguments)
                else:
                    function(s, **arguments)
        except ValidationError:
            tally["validation"] += 1
        except RabtaError:
            tally["refused"] += 1
        except Exception:
            tally["other"] += 1
            raise
        else:
            tally["accepted"] += 1

    call()


def test_every_store_module_is_driven():
    modules = {function.__module__ for function in FUNCTIONS}
    assert {"db.store.organizations", "db.store.contacts", "db.store.engagements"} <= modules
    assert len(FUNCTIONS) >= 40
