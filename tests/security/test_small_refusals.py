"""Small ways round the rules, closed: a password that must be changed is refused on the
command line as in the window; an archived program takes no participants; a byte-order
mark in a password file is not part of the password; the log keeps no exception message."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from cli.run import run
from db import store
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.engine import forget_database_key
from db.foundations.errors import ValidationError
from db.foundations.models import ProgramParticipant
from db.security.password_file import read_password_file
from db.security.sign_in import MUST_CHANGE, create_first_administrator
from db.store.organizations import create_organization
from db.store.programs import add_participant, archive_program, create_program
from desktop.error_hook import logged_traceback
from tests.conftest import add_officer

PASSWORD = "correct horse battery"
ADDRESS = "".join(["shahnaz", ".tirmizi", "@example.org"])  # in no source line


def _password_file(folder, password: str, name: str = "password.txt", bom: bool = False):
    path = folder / name
    path.write_text(("\ufeff" if bom else "") + password + "\n", encoding="utf-8")
    path.chmod(0o600)
    return str(path)


def test_the_command_line_refuses_a_password_that_must_be_changed(tmp_path, capsys):
    path = tmp_path / "rabta.db"
    admin = create_first_administrator(str(path), "admin", "Admin", PASSWORD)
    with store.session(admin.opened.engine) as s:
        add_officer(s, admin.actor, "a.zaidi", "first password 1", "Ayesha Zaidi")
    admin.opened.engine.dispose()
    forget_database_key(str(path))
    given = _password_file(tmp_path, "first password 1")
    code = run(
        ["search", "anything", "--db", str(path), "--user", "a.zaidi", "--password-file", given]
    )
    assert code == 2
    assert MUST_CHANGE in capsys.readouterr().err


def test_a_password_file_with_a_byte_order_mark_signs_in(tmp_path, capsys):
    path = tmp_path / "rabta.db"
    admin = create_first_administrator(str(path), "admin", "Admin", PASSWORD)
    admin.opened.engine.dispose()
    forget_database_key(str(path))
    marked = _password_file(tmp_path, PASSWORD, bom=True)
    assert read_password_file(marked) == PASSWORD
    assert run(["check", "--db", str(path), "--user", "admin", "--password-file", marked]) == 0


def test_an_archived_program_takes_no_participants_events_or_indicators(engine):
    from db.store.programs import add_event, add_indicator

    with store.session(engine) as s:
        org = create_organization(
            s, SYSTEM_ACTOR, {"name": "Lahore Arts Circle", "kind": "cultural"}
        )
        program = create_program(s, SYSTEM_ACTOR, {"name": "Old Mela", "kind": "community_event"})
        archive_program(s, SYSTEM_ACTOR, program)
    for add in [
        lambda s: add_participant(s, SYSTEM_ACTOR, program, org),
        lambda s: add_event(s, SYSTEM_ACTOR, program, {"title": "Mela", "date": "2026-12-01"}),
        lambda s: add_indicator(s, SYSTEM_ACTOR, program, {"name": "Visitors"}),
    ]:
        with (
            pytest.raises(ValidationError, match="archived; restore it first"),
            store.session(engine) as s,
        ):
            add(s)
    with Session(engine) as s:
        assert s.exec(select(ProgramParticipant)).all() == []


def test_the_log_keeps_where_and_what_kind_of_error_but_not_its_message():
    def save(email: str) -> None:
        try:
            raise KeyError(email)
        except KeyError as error:
            raise ValueError(f"{email} is not a valid address") from error

    with pytest.raises(ValueError) as caught:
        save(ADDRESS)
    logged = logged_traceback(caught.value)
    assert "shahnaz" not in logged
    assert "builtins.ValueError" in logged and "builtins.KeyError" in logged
    assert "in save" in logged
