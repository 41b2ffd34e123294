"""Confidential text sealed in the file: a viewer who opens the encrypted file with the
key their own password gives reads none of a confidential engagement's subject, summary
or outcome, in its row, the audit or the search index; its officer, its mission's
supervisors and administrators read it in Rabta, a supervisor of another mission does
not; a supervisor named later, a changed and a reset password keep the rule; text from
before sealing is sealed at an administrator's sign-in and the chain still holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from cli.run import run
from db import store
from db.foundations import sealed_text
from db.foundations.actor import SYSTEM_ACTOR, Actor
from db.foundations.engine import connect_sqlite_file, forget_database_key
from db.foundations.errors import PermissionDenied
from db.foundations.models import Engagement, SealingKey, SealingKeyReader, User
from db.foundations.sealed_text import UNOPENED_TEXT
from db.queries.audit import record_history, verify_audit_chain
from db.queries.engagements import EngagementFilter, engagement_page
from db.queries.search import search
from db.security.keyring import Keyring
from db.security.sign_in import create_first_administrator, sign_in
from db.store.contacts import create_contact
from db.store.engagements import log_engagement, update_engagement
from db.store.erasure import erase_contact
from db.store.missions import add_region, create_mission
from db.store.users import change_own_password, create_user, reset_password

ADMIN_PASSWORD = "correct horse battery"
PASSWORD = "a first password 1"
SECRETS = ("Xanthic subject", "Quokka summary words", "Zygote outcome reached")


def _mission(s, admin, code: str) -> int:
    add_region(s, admin, f"US-{code[:2]}", f"State {code}", "US")
    return create_mission(
        s,
        admin,
        {
            "code": code,
            "name": f"Consulate General of Pakistan, {code}",
            "kind": "consulate_general",
            "country": "US",
            "city": code.title(),
        },
    )


def _user(s, admin, username: str, role: str, mission_id: int | None) -> int:
    return create_user(
        s,
        admin,
        {
            "username": username,
            "display_name": username.replace(".", " ").title(),
            "role": role,
            "mission_id": mission_id,
            "commission_wide": mission_id is None,
            "password": PASSWORD,
        },
    )


def _signed_in(location: str, username: str):
    """`username` signed in as a new process would be: holding only their own keys."""
    sealed_text.forget_all()
    return sign_in(location, username, PASSWORD)


def _office(location: str):
    """An administrator; a WAS officer, a HOU supervisor and a viewer; the officer's
    confidential engagement (its id) and a normal one."""
    admin = create_first_administrator(location, "admin", "Admin", ADMIN_PASSWORD)
    with store.session(admin.opened.engine) as s:
        was = _mission(s, admin.actor, "WAS")
        hou = _mission(s, admin.actor, "HOU")
        _user(s, admin.actor, "wasim.officer", "officer", was)
        _user(s, admin.actor, "hou.supervisor", "supervisor", hou)
        _user(s, admin.actor, "vera.viewer", "viewer", was)
    officer = _signed_in(location, "wasim.officer")
    with store.session(officer.opened.engine) as s:
        contact = create_contact(s, officer.actor, {"given_name": "Sana", "family_name": "Q"})
        values = {
            "date": "2026-11-02",
            "kind": "meeting",
            "contact_ids": [contact],
            "mission_id": was,
        }
        secret = log_engagement(
            s,
            officer.actor,
            {
                **values,
                "subject": SECRETS[0],
                "summary": SECRETS[1],
                "outcome": SECRETS[2],
                "sensitivity": "confidential",
            },
        )
        log_engagement(s, officer.actor, {**values, "subject": "An open meeting"})
    return admin, officer, secret, was


def _every_value(raw) -> str:
    """Every value of every table, the search index's own included, as text (bytes as
    Latin-1, so a word the index keeps in a blob is found too)."""
    tables = [row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    values = []
    for table in tables:
        for row in raw.execute(f'SELECT * FROM "{table}"'):
            for value in row:
                values.append(value.decode("latin-1") if isinstance(value, bytes) else str(value))
    return "\n".join(values)


def _subjects_seen(signed_in) -> dict[int, str]:
    with Session(signed_in.opened.engine) as s:
        rows = engagement_page(s, EngagementFilter(viewer=signed_in.actor))
    return {row.id: row.subject for row in rows}


def test_a_viewer_holding_the_file_reads_no_confidential_text(tmp_path):
    path = tmp_path / "rabta.db"
    admin, officer, secret, _was = _office(str(path))
    viewer = _signed_in(str(path), "vera.viewer")
    with Session(viewer.opened.engine) as s:
        viewer_id = viewer.actor.id
        wrapped_to_viewer = s.exec(
            select(SealingKeyReader).where(SealingKeyReader.user_id == viewer_id)
        ).all()
    assert wrapped_to_viewer == []
    for opened in (admin, officer, viewer):
        opened.opened.engine.dispose()
    forget_database_key(str(path))
    # what the viewer's own password opens: the database key; every table read raw
    key = Keyring.load(path).open_keys("vera.viewer", PASSWORD)[0]
    raw = connect_sqlite_file(path, key=key)
    everything = _every_value(raw)
    subject, summary, outcome = raw.execute(
        "SELECT subject, summary, outcome FROM engagement WHERE id = ?", (secret,)
    ).fetchone()
    found = raw.execute(
        "SELECT count(*) FROM engagement_fts WHERE engagement_fts MATCH 'Xanthic'"
    ).fetchone()[0]
    raw.close()
    assert all(value.startswith(sealed_text.SEALED_MARK) for value in (subject, summary, outcome))
    for words in SECRETS:
        assert words not in everything
        assert words.split()[0] not in everything  # nor its word in the search index
    assert found == 0
    assert "An open meeting" in everything  # only confidential text is sealed


def test_the_rule_decides_who_reads_the_text_in_rabta(tmp_path):
    location = str(tmp_path / "rabta.db")
    _admin, _officer, secret, was = _office(location)
    assert _subjects_seen(_signed_in(location, "wasim.officer"))[secret] == SECRETS[0]
    sealed_text.forget_all()
    again = sign_in(location, "admin", ADMIN_PASSWORD)
    assert _subjects_seen(again)[secret] == SECRETS[0]
    # another mission's supervisor: neither the row nor, were it there, its key
    other = _signed_in(location, "hou.supervisor")
    assert secret not in _subjects_seen(other)
    with Session(other.opened.engine) as s:
        keys_held = s.exec(
            select(SealingKeyReader).where(SealingKeyReader.user_id == other.actor.id)
        ).all()
    assert keys_held == []
    # a supervisor of the officer's mission named after it was written: the administrator
    # who adds them wraps the key to them at once
    sealed_text.forget_all()
    again = sign_in(location, "admin", ADMIN_PASSWORD)
    with store.session(again.opened.engine) as s:
        _user(s, again.actor, "was.supervisor", "supervisor", was)
    supervisor = _signed_in(location, "was.supervisor")
    assert _subjects_seen(supervisor)[secret] == SECRETS[0]
    with Session(supervisor.opened.engine) as s:
        shown = s.get(Engagement, secret)
        assert (shown.summary, shown.outcome) == SECRETS[1:]


def test_a_changed_and_a_reset_password_keep_the_text_readable(tmp_path):
    location = str(tmp_path / "rabta.db")
    admin, officer, secret, _was = _office(location)
    with store.session(officer.opened.engine) as s:
        change_own_password(s, officer.actor, PASSWORD, "the officer's new one")
    sealed_text.forget_all()
    again = sign_in(location, "wasim.officer", "the officer's new one")
    assert _subjects_seen(again)[secret] == SECRETS[0]
    sealed_text.forget_all()
    admin = sign_in(location, "admin", ADMIN_PASSWORD)
    with store.session(admin.opened.engine) as s:
        officer_id = s.exec(select(User.id).where(User.username == "wasim.officer")).one()
        reset_password(s, admin.actor, officer_id, PASSWORD)
    assert _subjects_seen(_signed_in(location, "wasim.officer"))[secret] == SECRETS[0]


def test_a_reader_without_the_key_sees_it_said_and_cannot_overwrite_it(tmp_path):
    location = str(tmp_path / "rabta.db")
    admin, _officer, secret, _was = _office(location)
    sealed_text.forget_all()  # a process that holds no key: an administrator not yet admitted
    with Session(admin.opened.engine) as s:
        assert s.get(Engagement, secret).subject == UNOPENED_TEXT
    with pytest.raises(PermissionDenied) as refused, store.session(admin.opened.engine) as s:
        update_engagement(s, admin.actor, secret, {"date": "2026-11-03"})
    assert "sealed under a key you do not hold" in str(refused.value)
    again = _signed_in(location, "wasim.officer")
    assert _subjects_seen(again)[secret] == SECRETS[0]


def test_text_from_before_sealing_is_sealed_at_an_administrators_sign_in(tmp_path):
    location = str(tmp_path / "rabta.db")
    admin = create_first_administrator(location, "admin", "Admin", ADMIN_PASSWORD)
    with store.session(admin.opened.engine) as s:
        was = _mission(s, admin.actor, "WAS")
        officer_id = create_user(
            s,
            admin.actor,
            {
                "username": "old.officer",
                "display_name": "Old",
                "role": "officer",
                "mission_id": was,
            },
        )
        # no one allowed holds a reading key: as written before sealing, the text is plain
        s.exec(select(User).where(User.username == "admin")).one().reading_key = None
        contact = create_contact(s, admin.actor, {"given_name": "Sana", "family_name": "Q"})
    sealed_text.forget_all()
    with store.session(admin.opened.engine) as s:
        old = Actor(id=officer_id, username="old.officer", mission_id=was)
        secret = log_engagement(
            s,
            old,
            {
                "date": "2026-11-02",
                "kind": "meeting",
                "contact_ids": [contact],
                "subject": SECRETS[0],
                "summary": SECRETS[1],
                "sensitivity": "confidential",
            },
        )
    with Session(admin.opened.engine) as s:
        assert s.get(Engagement, secret).subject == SECRETS[0]
        assert s.exec(select(SealingKey)).all() == []
    admin.opened.engine.dispose()
    again = sign_in(location, "admin", ADMIN_PASSWORD)
    with Session(again.opened.engine) as s:
        assert s.get(Engagement, secret).subject == SECRETS[0]
        assert verify_audit_chain(s, SYSTEM_ACTOR).intact
    again.opened.engine.dispose()
    forget_database_key(location)
    key = Keyring.load(Path(location)).open_keys("admin", ADMIN_PASSWORD)[0]
    raw = connect_sqlite_file(Path(location), key=key)
    everything = _every_value(raw)
    raw.close()
    assert SECRETS[0] not in everything and SECRETS[1] not in everything


def _location(engine) -> str:
    url = engine.url
    return url.database if url.get_backend_name() == "sqlite" else url.render_as_string(False)


def test_the_text_is_sealed_and_left_out_of_the_search_index_on_both_engines(engine):
    location = _location(engine)
    team = _office(location)
    _admin, _officer, secret, _was = team
    with engine.connect() as raw:
        stored = raw.execute(
            text("SELECT subject, summary, outcome FROM engagement WHERE id = :id"), {"id": secret}
        ).one()
        if engine.dialect.name == "postgresql":
            indexed = raw.execute(
                text(
                    "SELECT count(*) FROM engagement "
                    "WHERE search_vector @@ to_tsquery('simple', 'xanthic')"
                )
            ).scalar()
        else:
            indexed = raw.execute(
                text("SELECT count(*) FROM engagement_fts WHERE engagement_fts MATCH 'Xanthic'")
            ).scalar()
    assert all(value.startswith(sealed_text.SEALED_MARK) for value in stored)
    assert indexed == 0
    again = _signed_in(location, "wasim.officer")
    with Session(again.opened.engine) as s:
        assert search(s, "Xanthic", viewer=again.actor)["engagement"] == []
        found = search(s, "Sana", viewer=again.actor)
    assert _subjects_seen(again)[secret] == SECRETS[0]
    assert found["contact"]  # found by the people it names, as the rule allows
    for opened in (*team[:2], again):
        opened.opened.engine.dispose()


def test_the_history_shows_sealed_values_to_holders_only(tmp_path):
    location = str(tmp_path / "rabta.db")
    _office(location)
    sealed_text.forget_all()
    admin = sign_in(location, "admin", ADMIN_PASSWORD)
    with Session(admin.opened.engine) as s:
        secret = s.exec(select(Engagement.id).where(Engagement.sensitivity == "confidential")).one()
        held = record_history(s, admin.actor, "engagement", secret)
    shown = {change.field: change.new for entry in held for change in entry.changes}
    assert shown["subject"] == SECRETS[0]
    sealed_text.forget_all()  # a supervisor of the audit who does not hold the key
    with Session(admin.opened.engine) as s:
        unheld = record_history(s, admin.actor, "engagement", secret)
    shown = {change.field: change.new for entry in unheld for change in entry.changes}
    assert shown["subject"] == UNOPENED_TEXT


def test_an_erasure_reads_sealed_text_and_leaves_no_sealed_copy_naming_them(tmp_path):
    location = str(tmp_path / "rabta.db")
    admin, officer, _secret, was = _office(location)
    with store.session(officer.opened.engine) as s:
        person = create_contact(
            s, officer.actor, {"given_name": "Rukhsana", "family_name": "Bhatti"}
        )
        named = log_engagement(
            s,
            officer.actor,
            {
                "date": "2026-11-05",
                "kind": "meeting",
                "contact_ids": [person],
                "mission_id": was,
                "subject": "Rukhsana Bhatti on the hometown school",
                "summary": "Mrs Bhatti asked about fees.",
                "sensitivity": "confidential",
            },
        )
        elsewhere = log_engagement(
            s,
            officer.actor,
            {
                "date": "2026-11-06",
                "kind": "meeting",
                "contact_ids": [
                    create_contact(s, officer.actor, {"given_name": "A", "family_name": "B"})
                ],
                "mission_id": was,
                "subject": "Another meeting where Bhatti came up",
                "sensitivity": "confidential",
            },
        )
    sealed_text.forget_all()
    admin = sign_in(location, "admin", ADMIN_PASSWORD)
    with store.session(admin.opened.engine) as s:
        erased = erase_contact(s, admin.actor, person)
    # the family name alone may be someone else's: found in the sealed text, opened,
    # and listed for a person to review
    assert {named, elsewhere} <= set(erased.to_review)
    with Session(admin.opened.engine) as s:
        kept = s.get(Engagement, named)
        assert "Rukhsana" not in kept.subject
        history = record_history(s, admin.actor, "engagement", named)
    shown = [str(change.new) + str(change.old) for entry in history for change in entry.changes]
    assert not any("Rukhsana" in value for value in shown)
    admin.opened.engine.dispose()
    forget_database_key(location)
    key = Keyring.load(Path(location)).open_keys("admin", ADMIN_PASSWORD)[0]
    raw = connect_sqlite_file(Path(location), key=key)
    (stored,) = raw.execute("SELECT subject FROM engagement WHERE id = ?", (named,)).fetchone()
    raw.close()
    assert stored.startswith(sealed_text.SEALED_MARK)  # scrubbed, and sealed again


def test_the_large_demo_seals_its_confidential_text_as_it_is_built(tmp_path, monkeypatch):
    from db.demo import large as demo_large

    for key, value in {
        "organizations": 60,
        "contacts": 200,
        "affiliations": 200,
        "engagements": 800,
        "programs": 4,
        "measurements": 200,
    }.items():
        monkeypatch.setitem(demo_large.SCALE, key, value)
    location = str(tmp_path / "large.db")
    admin = create_first_administrator(location, "admin", "Admin", ADMIN_PASSWORD)
    demo_large.load_large_demo(admin.opened.engine, by=admin.actor)
    with admin.opened.engine.connect() as raw:
        confidential, plain = raw.execute(
            text(
                "SELECT count(*), "
                "sum(CASE WHEN substr(subject, 1, 1) = char(30) THEN 0 ELSE 1 END) "
                "FROM engagement WHERE sensitivity = 'confidential'"
            )
        ).one()
        flag = raw.execute(
            text("SELECT count(*) FROM setting WHERE key = 'security.unsealed_text'")
        ).scalar()
    assert confidential > 0 and plain == 0 and flag == 0


def test_copies_keep_the_text_sealed_and_a_registry_brought_in_is_sealed_there(tmp_path, capsys):
    source = str(tmp_path / "laptop.db")
    team = _office(source)
    secret = team[2]
    for opened in team[:2]:
        opened.opened.engine.dispose()
    password = tmp_path / "password"
    password.write_text(ADMIN_PASSWORD)
    password.chmod(0o600)
    signed = ["--db", source, "--user", "admin", "--password-file", str(password)]
    # a whole copy: the same rows, the text as sealed as it was, the same people read it
    assert run(["copy-to", str(tmp_path / "copy.db"), *signed]) == 0
    copy = _signed_in(str(tmp_path / "copy.db"), "wasim.officer")
    assert _subjects_seen(copy)[secret] == SECRETS[0]
    copy.opened.engine.dispose()
    # into a registry that holds records: the text arrives plain and is sealed there,
    # under that registry's keys, before the copy commits
    office = str(tmp_path / "office.db")
    create_first_administrator(office, "admin", "Admin", ADMIN_PASSWORD).opened.engine.dispose()
    sealed_text.forget_all()
    assert run(["copy-to", office, *signed]) == 0
    capsys.readouterr()
    sealed_text.forget_all()
    there = sign_in(office, "admin", ADMIN_PASSWORD)
    with Session(there.opened.engine) as s:
        brought = s.exec(select(Engagement).where(Engagement.sensitivity == "confidential")).one()
        assert brought.subject == SECRETS[0]
    with there.opened.engine.connect() as raw:
        stored, keys = raw.execute(
            text(
                "SELECT e.subject, (SELECT count(*) FROM sealing_key) FROM engagement e "
                "WHERE e.sensitivity = 'confidential'"
            )
        ).one()
    assert stored.startswith(sealed_text.SEALED_MARK) and keys == 1
    there.opened.engine.dispose()
