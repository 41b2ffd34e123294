"""Shared fixtures: a fresh, really migrated SQLite file per test (copied from a
template migrated once per run), and the same with the demo data loaded."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from db import store
from db.migrate import open_database
from db.store.actor import SYSTEM_ACTOR, Actor
from db.store.missions import add_region, create_mission, set_jurisdiction
from db.store.users import create_user

TEST_PASSWORD = "correct horse battery"


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

    from db.models import Mission, User
    from db.security.passwords import hash_password

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
                    },
                )
        with store.session(opened.engine) as s:
            user = s.exec(select(User).where(User.username == username)).one()
            user.password_hash = hash_password(password)
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


@pytest.fixture
def db_path(tmp_path, migrated_template) -> Path:
    return _copy_database(migrated_template, tmp_path / "rabta.db")


@pytest.fixture
def engine(db_path) -> Iterator[Engine]:
    opened = open_database(str(db_path))
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
    from db.demo import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    opened = open_database(str(path))
    load_demo(opened.engine, today=date.today())
    opened.engine.dispose()
    return path


@pytest.fixture
def demo_path(tmp_path, demo_template) -> Path:
    return _copy_database(demo_template, tmp_path / "demo.db")


@pytest.fixture
def demo_engine(demo_path) -> Iterator[Engine]:
    opened = open_database(str(demo_path))
    yield opened.engine
    opened.engine.dispose()
