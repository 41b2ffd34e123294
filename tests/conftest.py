"""Shared fixtures: a fresh, really migrated database per test, copied from a template
migrated once per run, and the same with the demo data loaded.

Tests of db/, reports/, the exchange and the trust layer that take `engine` or
`demo_engine` run twice: on a SQLite file, and on a real PostgreSQL 16 server that the
session starts itself (tests/pg_server.py; a fresh database per test, made from a
template database). Tests that take `db_path` or `demo_path` are about the SQLite file
itself (its bytes, locks, WAL, keys or the command line's --db PATH) and run on SQLite only.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from db import store
from db.database_file.migrate import open_database
from db.foundations import clock
from db.foundations.actor import SYSTEM_ACTOR, Actor
from db.store.missions import add_region, create_mission, set_jurisdiction
from db.store.users import create_user

TEST_PASSWORD = "correct horse battery"


def location_of(engine: Engine) -> str:
    """The path or URL an engine was opened on, to open it again."""
    if engine.dialect.name == "sqlite":
        return engine.url.database
    return engine.url.render_as_string(hide_password=False)


def add_officer(s, admin: Actor, username: str, password: str, display_name: str = "") -> int:
    """A commission-wide officer an administrator adds with a first password (to be
    changed at their first sign-in); their id."""
    return create_user(
        s,
        admin,
        {
            "username": username,
            "display_name": display_name or username.replace(".", " ").title(),
            "role": "officer",
            "commission_wide": True,
            "password": password,
        },
    )


def ensure_user(
    location: Path | str,
    username: str,
    role: str = "officer",
    mission_code: str | None = None,
    password: str = TEST_PASSWORD,
) -> None:
    """A user who can sign in to the database with `password` (created when missing,
    with no password change pending)."""
    from sqlmodel import Session, select

    from db.foundations.models import Mission, User
    from db.security.passwords import password_matches
    from db.store.users import reset_password

    opened = open_database(str(location))
    try:
        with Session(opened.engine) as s:
            mission_id = (
                s.exec(select(Mission.id).where(Mission.code == mission_code)).first()
                if mission_code
                else None
            )
            exists = s.exec(select(User.id).where(User.username == username)).first()
        if exists is None:
            with store.session(opened.engine) as s:
                create_user(
                    s,
                    SYSTEM_ACTOR,
                    {
                        "username": username,
                        "display_name": username.title(),
                        "role": role,
                        "mission_id": mission_id,
                        "commission_wide": mission_id is None,
                    },
                )
        with store.session(opened.engine) as s:  # a password and a signing key under it
            user = s.exec(select(User).where(User.username == username)).one()
            if not (user.signing_key and password_matches(user.password_hash, password)):
                reset_password(s, SYSTEM_ACTOR, user.id, password)
        with store.session(opened.engine) as s:
            user = s.exec(select(User).where(User.username == username)).one()
            user.must_change_password = False
            s.add(user)
    finally:
        opened.engine.dispose()


def _copy_database(template: Path, target: Path) -> Path:
    shutil.copyfile(template, target)
    return target


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.db"
    opened = open_database(str(path))
    opened.engine.dispose()
    return path


BOTH_ENGINES = ("db", "reports", "exchange", "security")  # folders of tests/ run on both


def pytest_generate_tests(metafunc):
    """Run the tests that take `database_engine` (through `engine` or `demo_engine`) on
    SQLite and, in the folders named above, on PostgreSQL too."""
    if "database_engine" not in metafunc.fixturenames:
        return
    folder = metafunc.definition.path.parent.name
    both = (
        folder in BOTH_ENGINES
        and metafunc.definition.get_closest_marker("sqlite_only") is None
        and not any(name in metafunc.fixturenames for name in ("db_path", "demo_path"))
    )
    engines = ["sqlite", "postgresql"] if both else ["sqlite"]
    if metafunc.definition.get_closest_marker("postgresql_only") is not None:
        engines = ["postgresql"]
    metafunc.parametrize("database_engine", engines, scope="function")


@pytest.fixture
def db_path(tmp_path, migrated_template) -> Path:
    return _copy_database(migrated_template, tmp_path / "rabta.db")


@pytest.fixture
def engine(request, database_engine, tmp_path) -> Iterator[Engine]:
    if database_engine == "postgresql":
        location = request.getfixturevalue("pg_databases").fresh("empty")
        request.addfinalizer(lambda: request.getfixturevalue("pg_databases").drop(location))
    else:
        location = str(request.getfixturevalue("db_path"))
    opened = open_database(location)
    yield opened.engine
    opened.engine.dispose()


@pytest.fixture
def geography(engine) -> dict[str, int]:
    """Two missions covering three states, as a small installation would set up."""
    with store.session(engine) as s:
        for code, name in (
            ("US-TX", "Texas"),
            ("US-OK", "Oklahoma"),
            ("US-NY", "New York"),
            ("US-NJ", "New Jersey"),
        ):
            add_region(s, SYSTEM_ACTOR, code, name, "US")
        houston = create_mission(
            s,
            SYSTEM_ACTOR,
            {
                "code": "HOU",
                "name": "Consulate General of Pakistan, Houston",
                "kind": "consulate_general",
                "country": "US",
                "city": "Houston",
            },
        )
        new_york = create_mission(
            s,
            SYSTEM_ACTOR,
            {
                "code": "NYC",
                "name": "Consulate General of Pakistan, New York",
                "kind": "consulate_general",
                "country": "US",
                "city": "New York",
            },
        )
        set_jurisdiction(s, SYSTEM_ACTOR, houston, ["US-TX", "US-OK"])
        set_jurisdiction(s, SYSTEM_ACTOR, new_york, ["US-NY"])
    return {"HOU": houston, "NYC": new_york}


def _actor(engine: Engine, username: str, role: str, mission_id: int | None) -> Actor:
    with store.session(engine) as s:
        user_id = create_user(
            s,
            SYSTEM_ACTOR,
            {
                "username": username,
                "display_name": username.title(),
                "role": role,
                "mission_id": mission_id,
                "commission_wide": mission_id is None,
            },
        )
    return Actor(
        id=user_id,
        username=username,
        role=role,
        mission_id=mission_id,
        display_name=username.title(),
    )


@pytest.fixture
def officer(engine, geography) -> Actor:
    return _actor(engine, "officer", "officer", geography["HOU"])


@pytest.fixture
def viewer(engine, geography) -> Actor:
    return _actor(engine, "viewer", "viewer", geography["HOU"])


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    from db.demo.sample import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    opened = open_database(str(path))
    load_demo(opened.engine, today=clock.today())
    opened.engine.dispose()
    return path


@pytest.fixture
def demo_path(tmp_path, demo_template) -> Path:
    return _copy_database(demo_template, tmp_path / "demo.db")


@pytest.fixture
def demo_engine(request, database_engine) -> Iterator[Engine]:
    if database_engine == "postgresql":
        location = request.getfixturevalue("pg_databases").fresh("demo")
        request.addfinalizer(lambda: request.getfixturevalue("pg_databases").drop(location))
    else:
        location = str(request.getfixturevalue("demo_path"))
    opened = open_database(location)
    yield opened.engine
    opened.engine.dispose()


@pytest.fixture(scope="session")
def pg_databases(tmp_path_factory):
    """Fresh PostgreSQL databases on one server for the whole session."""
    from tests.pg_server import PgDatabases

    databases = PgDatabases(tmp_path_factory.mktemp("pg"))
    yield databases
    databases.stop()


def pytest_report_header(config):
    """Say when the clock is pinned (make test's calendar runs)."""
    from db.foundations.clock import pinned_today

    pinned = pinned_today()
    return f"rabta: the clock is pinned to {pinned.isoformat()}" if pinned else None
