"""The server enforces who may see what: connected to PostgreSQL as an officer's own
role (what psql with their credentials does), the server itself hides another officer's
confidential engagement, its audit entries, and refuses changes to another mission's
records and to one's own role; a supervisor reads their mission's confidential
engagements only, an administrator all of them."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from db import store
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.errors import ValidationError
from db.foundations.models import Engagement, Mission, Organization, User
from db.store.server_roles import grant_server_sign_in, withdraw_server_sign_in
from db.store.users import update_user

PASSWORD = "a server password 1"


@pytest.fixture
def roles(demo_engine):
    """Server roles for the demo's Houston officer, Washington officer, Houston supervisor
    and administrator; a connection as each, as psql would make it."""
    database = demo_engine.url.database
    made = {}
    with store.session(demo_engine) as s:
        for username in ("n.jamil", "f.rehman", "r.sheikh", "commission.admin"):
            user = s.exec(select(User).where(User.username == username)).one()
            role = f"{database}.{username}"[:63]
            grant_server_sign_in(s, SYSTEM_ACTOR, user.id, role, PASSWORD)
            made[username] = role
    host = demo_engine.url.query["host"]
    connections = {
        username: psycopg.connect(
            host=host, dbname=database, user=role, password=PASSWORD, autocommit=True
        )
        for username, role in made.items()
    }
    yield connections
    for connection in connections.values():
        connection.close()
    with demo_engine.begin() as owner:
        for role in made.values():
            owner.exec_driver_sql(f'DROP OWNED BY "{role}"; DROP ROLE IF EXISTS "{role}"')


def _one(connection, sql: str, *params):
    return connection.execute(sql, params).fetchone()[0]


def _confidential_of(engine, username: str) -> Engagement:
    with Session(engine) as s:
        officer = s.exec(select(User.id).where(User.username == username)).one()
        return s.exec(
            select(Engagement).where(
                Engagement.officer_id == officer, Engagement.sensitivity == "confidential"
            )
        ).first()


@pytest.mark.postgresql_only
def test_an_officers_role_cannot_read_another_officers_confidential_engagement(demo_engine, roles):
    theirs = _confidential_of(demo_engine, "f.rehman")  # Washington's officer
    assert theirs is not None
    houston = roles["n.jamil"]
    assert _one(houston, "SELECT count(*) FROM engagement WHERE id = %s", theirs.id) == 0
    assert (
        _one(
            houston,
            "SELECT count(*) FROM audit_entry WHERE entity_type = 'engagement' AND entity_id = %s",
            theirs.id,
        )
        == 0
    )
    assert _one(houston, "SELECT count(*) FROM engagement WHERE sensitivity <> 'confidential'") > 0
    own = _confidential_of(demo_engine, "n.jamil")
    assert _one(houston, "SELECT subject FROM engagement WHERE id = %s", own.id) == own.subject
    # Their own mission's supervisor reads Houston's, not Washington's; the administrator both.
    supervisor = roles["r.sheikh"]
    assert _one(supervisor, "SELECT count(*) FROM engagement WHERE id = %s", own.id) == 1
    assert _one(supervisor, "SELECT count(*) FROM engagement WHERE id = %s", theirs.id) == 0
    admin = roles["commission.admin"]
    assert _one(admin, "SELECT subject FROM engagement WHERE id = %s", theirs.id) == theirs.subject


@pytest.mark.postgresql_only
def test_an_officers_role_cannot_change_another_missions_records_or_its_own_role(
    demo_engine, roles
):
    with Session(demo_engine) as s:
        washington = s.exec(select(Mission.id).where(Mission.code == "WAS")).one()
        theirs = s.exec(select(Organization).where(Organization.mission_id == washington)).first()
        houston_officer = s.exec(select(User.id).where(User.username == "n.jamil")).one()
    with demo_engine.connect() as owner:  # there is something of Washington's to change
        held = owner.exec_driver_sql(
            "SELECT (SELECT count(*) FROM program WHERE lead_mission_id = %(m)s), "
            "(SELECT count(*) FROM affiliation a JOIN organization o ON o.id = a.organization_id "
            "WHERE o.mission_id = %(m)s), (SELECT count(*) FROM engagement_organization eo "
            "JOIN engagement e ON e.id = eo.engagement_id WHERE e.mission_id = %(m)s)",
            {"m": washington},
        ).one()
    assert all(count > 0 for count in held)
    houston = roles["n.jamil"]
    changed = houston.execute(
        "UPDATE organization SET name = 'Renamed by Houston' WHERE id = %s", (theirs.id,)
    )
    assert changed.rowcount == 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        houston.execute(
            "INSERT INTO engagement (uid, date, kind, subject, summary, outcome, mission_id, "
            "officer_id, sensitivity, created_at, updated_at) VALUES ('x', '2026-12-01', "
            "'call', 'Forged', '', '', %s, %s, 'normal', now(), now())",
            (washington, houston_officer),
        )
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        houston.execute("UPDATE \"user\" SET role = 'admin' WHERE id = %s", (houston_officer,))
    theirs_linked = houston.execute(
        "DELETE FROM engagement_organization WHERE engagement_id IN "
        "(SELECT id FROM engagement WHERE mission_id = %s)",
        (washington,),
    )
    assert theirs_linked.rowcount == 0  # an engagement's links change with it only
    others_contact = houston.execute(
        "UPDATE contact SET family_name = 'Renamed' WHERE id IN (SELECT a.contact_id "
        "FROM affiliation a JOIN organization o ON o.id = a.organization_id "
        "WHERE o.mission_id = %s)",
        (washington,),
    )
    assert others_contact.rowcount == 0
    assert (
        houston.execute(
            "UPDATE program SET name = 'Renamed' WHERE lead_mission_id = %s", (washington,)
        ).rowcount
        == 0
    )
    assert houston.execute("UPDATE setting SET value = 'x'").rowcount == 0
    assert houston.execute("DELETE FROM jurisdiction").rowcount == 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        houston.execute(
            "INSERT INTO mission (uid, code, name, kind, country, city, created_at) "
            "VALUES ('m', 'XXX', 'Forged', 'embassy', 'US', '', now())"
        )
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        houston.execute(
            "INSERT INTO audit_entry (at, user_id, username, action, entity_type, changes) "
            "VALUES (now(), 1, 'commission.admin', 'update', 'contact', '{}')"
        )
    with Session(demo_engine) as s:
        assert s.get(Organization, theirs.id).name == theirs.name


@pytest.mark.postgresql_only
def test_deactivating_or_withdrawing_stops_the_role_and_files_have_none(demo_engine, roles):
    with Session(demo_engine) as s:
        officer = s.exec(select(User).where(User.username == "n.jamil")).one()
        role = officer.server_role
    with store.session(demo_engine) as s:
        update_user(s, SYSTEM_ACTOR, officer.id, {"active": False})
    with demo_engine.connect() as owner:
        assert (
            owner.execute(
                text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :r"), {"r": role}
            ).scalar()
            is False
        )
    with store.session(demo_engine) as s:
        supervisor = s.exec(select(User).where(User.username == "r.sheikh")).one()
        withdrawn = supervisor.server_role
        withdraw_server_sign_in(s, SYSTEM_ACTOR, supervisor.id)
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        psycopg.connect(
            host=demo_engine.url.query["host"],
            dbname=demo_engine.url.database,
            user=withdrawn,
            password=PASSWORD,
        )


@pytest.mark.sqlite_only
def test_a_file_refuses_a_server_role_in_a_sentence(demo_engine):
    with store.session(demo_engine) as s, pytest.raises(ValidationError, match="PostgreSQL"):
        grant_server_sign_in(s, SYSTEM_ACTOR, 1, "someone", PASSWORD)


@pytest.mark.postgresql_only
def test_rabta_connected_as_an_officers_role_signs_in_logs_and_chains(demo_engine, roles):
    """Rabta itself connected through the officer's own role: their sign-in, an
    engagement naming another mission's organization (its last date kept right by the
    server), the chain continued after entries the role cannot read; another person's
    sign-in through that connection is refused."""
    from db.foundations.engine import shown_location
    from db.foundations.models import Contact
    from db.queries.audit import verify_audit_chain
    from db.security.sign_in import SignInRefused, sign_in
    from db.store.contacts import create_contact, update_contact
    from db.store.engagements import log_engagement
    from tests.conftest import TEST_PASSWORD, ensure_user

    owner_location = demo_engine.url.render_as_string(hide_password=False)
    ensure_user(owner_location, "n.jamil", "officer", "HOU")
    ensure_user(owner_location, "f.rehman", "officer", "WAS")
    url = demo_engine.url.set(
        username=f"{demo_engine.url.database}.n.jamil"[:63], password=PASSWORD
    )
    location = url.render_as_string(hide_password=False)
    with pytest.raises(SignInRefused, match=r"n\.jamil.s own role, not f\.rehman.s"):
        sign_in(location, "f.rehman", TEST_PASSWORD)
    signed_in = sign_in(location, "n.jamil", TEST_PASSWORD)
    try:
        with Session(demo_engine) as s:
            washington = s.exec(select(Mission.id).where(Mission.code == "WAS")).one()
            theirs = s.exec(
                select(Organization).where(Organization.mission_id == washington)
            ).first()
        with store.session(signed_in.opened.engine) as s:
            logged = log_engagement(
                s,
                signed_in.actor,
                {
                    "date": "2026-12-06",
                    "kind": "meeting",
                    "subject": "Joint mela planning",
                    "organization_ids": [theirs.id],
                },
            )
        with Session(demo_engine) as s:
            houston = s.exec(select(Mission.id).where(Mission.code == "HOU")).one()
            ours = s.exec(select(Organization.id).where(Organization.mission_id == houston)).first()
        with store.session(signed_in.opened.engine) as s:  # sealed by their own role
            sealed = log_engagement(
                s,
                signed_in.actor,
                {
                    "date": "2026-12-06",
                    "kind": "meeting",
                    "subject": "Xanthic welfare case",
                    "organization_ids": [ours],
                    "sensitivity": "confidential",
                },
            )
        with Session(signed_in.opened.engine) as s:
            assert s.get(Engagement, sealed).subject == "Xanthic welfare case"
        as_psql = _one(roles["n.jamil"], "SELECT subject FROM engagement WHERE id = %s", sealed)
        assert as_psql.startswith("\x1e") and "Xanthic" not in as_psql
        with store.session(signed_in.opened.engine) as s:  # a person of their own mission
            person = create_contact(
                s,
                signed_in.actor,
                {
                    "given_name": "Saba",
                    "family_name": "Karim",
                    "affiliations": [{"organization_id": ours}],
                },
            )
        with store.session(signed_in.opened.engine) as s:
            update_contact(s, signed_in.actor, person, {"family_name": "Kareem"})
    finally:
        signed_in.opened.engine.dispose()
    with Session(demo_engine) as s:
        assert s.get(Contact, person).family_name == "Kareem"
        assert s.get(Organization, theirs.id).last_engagement_on.isoformat() == "2026-12-06"
        assert s.get(Engagement, logged).officer_id == signed_in.actor.id
        chain = verify_audit_chain(s, SYSTEM_ACTOR)
    assert chain.intact, chain.problem
    assert PASSWORD not in shown_location(location)


@pytest.mark.postgresql_only
def test_a_mission_supervisors_role_is_told_it_cannot_verify_the_whole_chain(demo_engine, roles):
    from db.foundations.errors import PermissionDenied
    from db.queries.audit import verify_audit_chain
    from db.security.sign_in import sign_in
    from tests.conftest import TEST_PASSWORD, ensure_user

    ensure_user(
        demo_engine.url.render_as_string(hide_password=False), "r.sheikh", "supervisor", "HOU"
    )
    url = demo_engine.url.set(
        username=f"{demo_engine.url.database}.r.sheikh"[:63], password=PASSWORD
    )
    signed_in = sign_in(url.render_as_string(hide_password=False), "r.sheikh", TEST_PASSWORD)
    try:
        with Session(signed_in.opened.engine) as s, pytest.raises(PermissionDenied) as refused:
            verify_audit_chain(s, signed_in.actor)
    finally:
        signed_in.opened.engine.dispose()
    assert "verifying the whole chain needs an administrator's role" in str(refused.value)


@pytest.mark.postgresql_only
def test_the_windows_check_on_an_officers_role_says_who_verifies_the_chain(demo_engine, roles):
    """The check the window runs on open, for anyone signed in: through an officer's
    own role it cannot read every entry, and says so instead of failing."""
    from db.database_file.health import check_database
    from db.foundations.engine import create_database_engine

    url = demo_engine.url.set(
        username=f"{demo_engine.url.database}.n.jamil"[:63], password=PASSWORD
    )
    engine = create_database_engine(url.render_as_string(hide_password=False))
    try:
        checked = check_database(engine, SYSTEM_ACTOR, quick=True)
    finally:
        engine.dispose()
    assert checked.healthy
    assert any("needs an administrator's role" in fact for fact in checked.facts)
