"""Every role against every store function and every query, found by introspection.

Viewers read; officers change records of their own mission (commission officers, with no
mission, any record) and read others'; supervisors also see their mission's confidential
engagements, write their mission's report narratives and its own settings; administrators manage
users, missions, installation settings and tags. The rules live in db/store and
db/queries, so each store function is called here directly, as every role, on a record of
the Houston mission, and must either succeed or raise PermissionDenied, as the rule says.
A new store function fails this test until its rule is written down in RULES.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlmodel import Session, select

import db.queries
import db.store
from db import store
from db.foundations import clock
from db.foundations.actor import SYSTEM_ACTOR, Actor
from db.foundations.errors import NotFound, PermissionDenied, ValidationError
from db.foundations.models import (
    Affiliation,
    Engagement,
    EngagementKind,
    EventGuest,
    ProgramParticipant,
    Tag,
)
from db.foundations.periods import quarter_containing
from db.store.contacts import archive_contact, create_contact
from db.store.engagements import archive_engagement, complete_follow_up, log_engagement
from db.store.guests import add_walk_in, invite_guests
from db.store.merges import merge_contacts
from db.store.organizations import archive_organization, create_organization
from db.store.programs import (
    add_event,
    add_indicator,
    add_participant,
    archive_program,
    create_program,
)
from tests.conftest import TEST_PASSWORD
from tests.db.test_store_fuzz import NOT_FROM_INPUT

TODAY = clock.today()
SECRET = "Quorvex"  # only the confidential engagement's subject holds this word

# Who is acting: (role, mission code or None for the commission).
ROLES = {
    "viewer": ("viewer", "HOU"),
    "officer.hou": ("officer", "HOU"),
    "officer.nyc": ("officer", "NYC"),
    "officer.commission": ("officer", None),
    "supervisor.hou": ("supervisor", "HOU"),
    "supervisor.nyc": ("supervisor", "NYC"),
    "admin": ("admin", None),
}


def writes_houston(role: str, mission: str | None) -> bool:
    return role == "admin" or (role != "viewer" and mission in ("HOU", None))


def supervises_houston(role: str, mission: str | None) -> bool:
    return role == "admin" or (role == "supervisor" and mission in ("HOU", None))


def administers(role: str, _mission: str | None) -> bool:
    return role == "admin"


def anyone(_role: str, _mission: str | None) -> bool:
    return True


@dataclass
class Houston:
    """Records of the Houston mission that every call works on."""

    engine: object
    missions: dict[str, int]
    users: dict[str, Actor]
    organization: int
    archived_organization: int
    spare_organization: int
    contact: int
    spare_contact: int
    archived_contact: int
    merge: int
    affiliation: int
    engagement: int
    archived_engagement: int
    confidential_engagement: int
    done_follow_up: int
    program: int
    archived_program: int
    participant: int
    event: int
    guest: int
    came_event: int
    indicator: int
    tag: int
    other_tag: int


# What each store function takes on those records, and who may call it.
RULES = {
    "contacts.create_contact": (
        writes_houston,
        lambda h: {
            "values": {
                "given_name": "Nadia",
                "family_name": "Qureshi",
                "affiliations": [{"organization_id": h.organization}],
            }
        },
    ),
    "contacts.create_contacts": (
        writes_houston,
        lambda h: {
            "rows": [
                {"given_name": "Nadia", "affiliations": [{"organization_id": h.organization}]},
                {"given_name": "Omar", "region_code": "US-TX"},
            ]
        },
    ),
    "contacts.update_contact": (
        writes_houston,
        lambda h: {"contact_id": h.contact, "values": {"given_name": "Renamed"}},
    ),
    "contacts.archive_contact": (writes_houston, lambda h: {"contact_id": h.contact}),
    "contacts.restore_contact": (writes_houston, lambda h: {"contact_id": h.archived_contact}),
    "contacts.add_affiliation": (
        writes_houston,
        lambda h: {"contact_id": h.contact, "values": {"organization_id": h.spare_organization}},
    ),
    "contacts.update_affiliation": (
        writes_houston,
        lambda h: {"affiliation_id": h.affiliation, "values": {"role_title": "Treasurer"}},
    ),
    "contacts.remove_affiliation": (writes_houston, lambda h: {"affiliation_id": h.affiliation}),
    "engagements.log_engagement": (
        writes_houston,
        lambda h: {
            "values": {
                "date": TODAY,
                "kind": "call",
                "subject": "A call",
                "organization_ids": [h.organization],
                "mission_id": h.missions["HOU"],
            }
        },
    ),
    "engagements.update_engagement": (
        writes_houston,
        lambda h: {"engagement_id": h.engagement, "values": {"subject": "Renamed"}},
    ),
    "engagements.complete_follow_up": (writes_houston, lambda h: {"engagement_id": h.engagement}),
    "engagements.reopen_follow_up": (
        writes_houston,
        lambda h: {"engagement_id": h.done_follow_up},
    ),
    "engagements.archive_engagement": (writes_houston, lambda h: {"engagement_id": h.engagement}),
    "engagements.restore_engagement": (
        writes_houston,
        lambda h: {"engagement_id": h.archived_engagement},
    ),
    "erasure.erase_contact": (administers, lambda h: {"contact_id": h.contact}),
    "dismissals.dismiss_duplicate": (
        writes_houston,
        lambda h: {"entity_type": "contact", "first_id": h.contact, "second_id": h.spare_contact},
    ),
    "merges.merge_contacts": (
        writes_houston,
        lambda h: {
            "survivor_id": h.contact,
            "merged_id": h.spare_contact,
            "chosen": {"family_name": "Siddiqui"},
        },
    ),
    "merges.merge_organizations": (
        writes_houston,
        lambda h: {"survivor_id": h.organization, "merged_id": h.spare_organization},
    ),
    "merges.undo_merge": (writes_houston, lambda h: {"merge_id": h.merge}),
    "missions.create_mission": (
        administers,
        lambda h: {
            "values": {
                "code": "CHI",
                "name": "Chicago",
                "kind": "consulate_general",
                "country": "US",
            }
        },
    ),
    "missions.update_mission": (
        supervises_houston,
        lambda h: {"mission_id": h.missions["HOU"], "values": {"city": "Houston, TX"}},
    ),
    "missions.add_region": (
        administers,
        lambda h: {"code": "US-IL", "name": "Illinois", "country": "US"},
    ),
    "missions.set_jurisdiction": (
        administers,
        lambda h: {"mission_id": h.missions["HOU"], "region_codes": ["US-TX"]},
    ),
    "missions.rederive_owning_missions": (administers, lambda h: {}),
    "organizations.create_organization": (
        writes_houston,
        lambda h: {
            "values": {"name": "Fresh Society", "kind": "philanthropy", "region_code": "US-TX"}
        },
    ),
    "organizations.update_organization": (
        writes_houston,
        lambda h: {"org_id": h.organization, "values": {"city": "Sugar Land"}},
    ),
    "organizations.archive_organization": (writes_houston, lambda h: {"org_id": h.organization}),
    "organizations.restore_organization": (
        writes_houston,
        lambda h: {"org_id": h.archived_organization},
    ),
    "programs.create_program": (
        writes_houston,
        lambda h: {
            "values": {
                "name": "Youth Forum",
                "kind": "community_event",
                "lead_mission_id": h.missions["HOU"],
            }
        },
    ),
    "programs.update_program": (
        writes_houston,
        lambda h: {"program_id": h.program, "values": {"name": "Renamed program"}},
    ),
    "programs.archive_program": (writes_houston, lambda h: {"program_id": h.program}),
    "programs.restore_program": (writes_houston, lambda h: {"program_id": h.archived_program}),
    "programs.add_participant": (
        writes_houston,
        lambda h: {"program_id": h.program, "organization_id": h.spare_organization},
    ),
    "programs.remove_participant": (writes_houston, lambda h: {"participant_id": h.participant}),
    "programs.add_event": (
        writes_houston,
        lambda h: {"program_id": h.program, "values": {"date": TODAY, "title": "Mela"}},
    ),
    "programs.update_event": (
        writes_houston,
        lambda h: {"event_id": h.event, "values": {"attendance": 120}},
    ),
    "guests.invite_guests": (
        writes_houston,
        lambda h: {"event_id": h.event, "contact_ids": [h.spare_contact]},
    ),
    "guests.set_guest_reply": (
        writes_houston,
        lambda h: {"guest_id": h.guest, "values": {"status": "accepted", "companions": 1}},
    ),
    "guests.remove_guest": (writes_houston, lambda h: {"guest_id": h.guest}),
    "guests.check_in": (writes_houston, lambda h: {"guest_id": h.guest}),
    "guests.log_event": (writes_houston, lambda h: {"event_id": h.came_event}),
    "guests.record_invitation_sent": (
        writes_houston,
        lambda h: {"guest_id": h.guest, "message_id": "<1@consulate.example.org>"},
    ),
    "guests.record_invitation_refused": (
        writes_houston,
        lambda h: {"guest_id": h.guest, "reply": "550 5.1.1 Mailbox unavailable"},
    ),
    "guests.record_invitations": (
        writes_houston,
        lambda h: {"event_id": h.event, "sent": 3, "refused": 1},
    ),
    "guests.add_walk_in": (
        writes_houston,
        lambda h: {
            "event_id": h.event,
            "values": {"given_name": "Hina", "email": "hina@example.org", "consent": True},
        },
    ),
    "programs.add_indicator": (
        writes_houston,
        lambda h: {"program_id": h.program, "values": {"name": "Visitors", "unit": "people"}},
    ),
    "programs.update_indicator": (
        writes_houston,
        lambda h: {"indicator_id": h.indicator, "values": {"target_per_quarter": 50}},
    ),
    "programs.record_measurement": (
        writes_houston,
        lambda h: {
            "indicator_id": h.indicator,
            "values": {"period": quarter_containing(TODAY, fiscal=True).code, "value": 7},
        },
    ),
    "report_texts.save_report_text": (
        supervises_houston,
        lambda h: {
            "period": quarter_containing(TODAY, fiscal=True).code,
            "scope": "HOU",
            "values": {"narrative": "A steady quarter."},
        },
    ),
    "settings.set_setting": (
        administers,
        lambda h: {"key": "installation_name", "value": "Embassy"},
    ),
    "tags.rename_tag": (administers, lambda h: {"tag_id": h.tag, "new_name": "heritage"}),
    "tags.merge_tags": (
        administers,
        lambda h: {"source_id": h.tag, "target_id": h.other_tag},
    ),
    "tags.delete_unused_tags": (administers, lambda h: {}),
    "users.create_user": (
        administers,
        lambda h: {
            "values": {
                "username": "new.officer",
                "display_name": "New Officer",
                "role": "officer",
                "mission_id": h.missions["HOU"],
                "password": "a fresh long password",
            }
        },
    ),
    "users.update_user": (
        administers,
        lambda h: {"user_id": h.users["officer.hou"].id, "values": {"display_name": "Renamed"}},
    ),
    "users.reset_password": (
        administers,
        lambda h: {"user_id": h.users["officer.hou"].id, "new_password": "another long password"},
    ),
    "users.change_own_password": (
        anyone,
        lambda h: {"current_password": TEST_PASSWORD, "new_password": "my own new password"},
    ),
    "server_roles.grant_server_sign_in": (
        administers,
        lambda h: {"user_id": h.users["officer.hou"].id, "role_name": "officer.hou"},
    ),
    "server_roles.withdraw_server_sign_in": (
        administers,
        lambda h: {"user_id": h.users["officer.hou"].id},
    ),
}
# Allowed to administrators, and then refused on this file in a sentence: only a server
# has roles (tests/security/test_server_roles.py gives and withdraws them on one).
SERVER_ONLY = {"server_roles.grant_server_sign_in", "server_roles.withdraw_server_sign_in"}


def store_functions_taking_an_actor() -> dict[str, object]:
    """Every public db.store function whose second parameter is the actor."""
    found = {}
    for module_info in pkgutil.iter_modules(db.store.__path__):
        module = importlib.import_module(f"db.store.{module_info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            if name in NOT_FROM_INPUT:
                continue
            if list(inspect.signature(function).parameters)[:2] == ["s", "actor"]:
                found[f"{module_info.name}.{name}"] = function
    return found


STORE_FUNCTIONS = store_functions_taking_an_actor()


def test_every_store_function_has_a_written_rule():
    assert set(STORE_FUNCTIONS) == set(RULES)


@pytest.fixture(scope="module")
def houston(tmp_path_factory, migrated_template) -> Houston:
    import shutil

    from db.database_file.migrate import open_database
    from db.foundations.models import User
    from db.security.passwords import hash_password
    from db.store.missions import add_region, create_mission, set_jurisdiction
    from db.store.users import actor_of, create_user

    path = tmp_path_factory.mktemp("roles") / "roles.db"
    shutil.copyfile(migrated_template, path)
    engine = open_database(str(path)).engine
    admin = SYSTEM_ACTOR
    with store.session(engine) as s:
        for code, name in (("US-TX", "Texas"), ("US-NY", "New York")):
            add_region(s, admin, code, name, "US")
        missions = {
            code: create_mission(
                s, admin, {"code": code, "name": name, "kind": "consulate_general", "country": "US"}
            )
            for code, name in (("HOU", "Houston"), ("NYC", "New York"))
        }
        set_jurisdiction(s, admin, missions["HOU"], ["US-TX"])
        set_jurisdiction(s, admin, missions["NYC"], ["US-NY"])
        password_hash = hash_password(TEST_PASSWORD)
        users = {}
        for username, (role, code) in ROLES.items():
            user_id = create_user(
                s,
                admin,
                {
                    "username": username,
                    "display_name": username.title(),
                    "role": role,
                    "mission_id": missions[code] if code else None,
                    "commission_wide": not code,
                },
            )
            user = s.get(User, user_id)
            user.password_hash = password_hash
            s.add(user)
            users[username] = actor_of(user)

        def organization(name: str, tags: list[str]) -> int:
            return create_organization(
                s,
                admin,
                {"name": name, "kind": "philanthropy", "region_code": "US-TX", "tags": tags},
            )

        org = organization("Gulf Coast Welfare Society", ["culture", "music"])
        archived_org = organization("Bayou Literary Circle", ["music"])
        spare_org = organization("Houston Poets Society", [])
        person = create_contact(
            s,
            admin,
            {
                "given_name": "Farah",
                "family_name": "Siddiqui",
                "affiliations": [{"organization_id": org}],
            },
        )
        affiliation = s.exec(select(Affiliation.id).where(Affiliation.contact_id == person)).one()

        def houston_person(given: str, family: str) -> int:
            return create_contact(
                s,
                admin,
                {
                    "given_name": given,
                    "family_name": family,
                    "affiliations": [{"organization_id": org}],
                },
            )

        spare_person = houston_person("Farah", "Siddiqi")
        merge = merge_contacts(
            s, admin, houston_person("Sana", "Mir"), houston_person("Sana", "Mirr")
        ).merge_id
        archived_person = create_contact(
            s,
            admin,
            {
                "given_name": "Omar",
                "family_name": "Baig",
                "affiliations": [{"organization_id": archived_org}],
            },
        )
        archive_contact(s, admin, archived_person)
        archive_organization(s, admin, archived_org)

        def engagement(subject: str, by: str = "officer.hou", **more) -> int:
            return log_engagement(
                s,
                users[by],
                {
                    "date": TODAY - timedelta(days=2),
                    "kind": "meeting",
                    "subject": subject,
                    "organization_ids": [org],
                    "contact_ids": [person],
                    "mission_id": missions["HOU"],
                    **more,
                },
            )

        meeting = engagement("Welfare visit", follow_up_date=TODAY + timedelta(days=5))
        archived_meeting = engagement("Old visit")
        archive_engagement(s, admin, archived_meeting)
        done = engagement("Visit with a done follow-up", follow_up_date=TODAY)
        complete_follow_up(s, admin, done)
        confidential = engagement(
            f"{SECRET} briefing on a sensitive case",
            by="admin",
            sensitivity="confidential",
            follow_up_date=TODAY + timedelta(days=3),
        )
        program_values = {"kind": "community_event", "lead_mission_id": missions["HOU"]}
        program = create_program(s, admin, {"name": "Independence Day Mela", **program_values})
        archived_program = create_program(s, admin, {"name": "Old Mela", **program_values})
        archive_program(s, admin, archived_program)
        participant = add_participant(s, admin, program, org)
        event = add_event(s, admin, program, {"date": TODAY, "title": "Opening"})
        invite_guests(s, admin, event, contact_ids=[person])
        came_event = add_event(s, admin, program, {"date": TODAY, "title": "Closing"})
        add_walk_in(
            s, admin, came_event, {"given_name": "Hina", "email": "h@example.org", "consent": True}
        )
        guest = s.exec(select(EventGuest.id).where(EventGuest.event_id == event)).one()
        indicator = add_indicator(s, admin, program, {"name": "Visitors", "unit": "people"})
        tag = s.exec(select(Tag.id).where(Tag.name == "music")).one()
        other_tag = s.exec(select(Tag.id).where(Tag.name == "culture")).one()
        assert s.exec(select(ProgramParticipant.id)).all() == [participant]
    yield Houston(
        engine=engine,
        missions=missions,
        users=users,
        organization=org,
        archived_organization=archived_org,
        spare_organization=spare_org,
        contact=person,
        spare_contact=spare_person,
        archived_contact=archived_person,
        merge=merge,
        affiliation=affiliation,
        engagement=meeting,
        archived_engagement=archived_meeting,
        confidential_engagement=confidential,
        done_follow_up=done,
        program=program,
        archived_program=archived_program,
        participant=participant,
        event=event,
        guest=guest,
        came_event=came_event,
        indicator=indicator,
        tag=tag,
        other_tag=other_tag,
    )
    engine.dispose()


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("name", sorted(RULES))
def test_each_role_may_do_what_its_rule_says_and_nothing_more(houston, name, who):
    rule, arguments = RULES[name]
    allowed = rule(*ROLES[who])
    function = STORE_FUNCTIONS[name]
    actor = houston.users[who]
    with Session(houston.engine) as s:  # every call is rolled back: the records stay
        try:
            if allowed and name in SERVER_ONLY:
                with pytest.raises(ValidationError, match="PostgreSQL server"):
                    function(s, actor, **arguments(houston))
            elif allowed:
                function(s, actor, **arguments(houston))
            else:
                with pytest.raises(PermissionDenied) as refused:
                    function(s, actor, **arguments(houston))
                assert who in str(refused.value) or "Sign in" in str(refused.value)
        finally:
            s.rollback()


# --- reading: a confidential engagement reaches only those who may see it -----------------

SEES_CONFIDENTIAL = {"supervisor.hou", "admin"}  # the engagement is Houston's

# Building blocks that take no reader and return no records of their own (clauses, the
# paging helper, formatting), or that are read for a reader by a function listed below.
NOT_READS = {
    "audit.field_changes",
    "paging.ordered_page",
    "paging.ordered_ids",
    "paging.highest_id",
    "text_match.contains",
    "text_match.starts_with",
    "text_match.word_starts_with",
    "text_match.prefix_range",
    "search.typed_words",  # what was typed, as words: no database
    "search.query_words",
    "search.fts_query",
    "search.prefix_tsquery",
    "search.pg_tsquery",  # the server's parse of typed words, no records
    "search.text_filter",  # a clause the lists narrow by, read through their pages
    "organizations.last_engagement_column",
    "organization_brief.readable_phone",
    "duplicates.label_of_value",
    "engagements.follow_up_status",  # a due day's colour, no database
    "created_within.day_start",
    "created_within.created_within",
}


def _reads() -> dict[str, object]:
    from db.queries.audit import AuditFilter
    from db.queries.contacts import ContactFilter
    from db.queries.engagements import EngagementFilter
    from db.queries.organizations import OrganizationFilter
    from db.queries.programs import ProgramFilter

    quarter = quarter_containing(TODAY, fiscal=True)
    return {
        "audit.audit_chain_head": lambda s, v, h: _module("audit").audit_chain_head(s),
        "audit.verify_audit_chain": lambda s, v, h: _module("audit").verify_audit_chain(s, v),
        "audit.audit_filter_choices": lambda s, v, h: _module("audit").audit_filter_choices(s, v),
        "audit.count_audit_entries": lambda s, v, h: _module("audit").count_audit_entries(
            s, v, AuditFilter()
        ),
        "audit.list_audit_entries": lambda s, v, h: _module("audit").list_audit_entries(
            s, v, AuditFilter()
        ),
        "audit.record_history": lambda s, v, h: [
            _module("audit").record_history(s, v, "engagement", engagement_id)
            for engagement_id in range(1, 6)
        ],
        "contacts.contact_page": lambda s, v, h: _module("contacts").contact_page(
            s, ContactFilter()
        ),
        "contacts.count_contacts": lambda s, v, h: _module("contacts").count_contacts(
            s, ContactFilter()
        ),
        "contacts.matching_contact_ids": lambda s, v, h: _module("contacts").matching_contact_ids(
            s, ContactFilter()
        ),
        "engagements.matching_engagement_ids": lambda s, v, h: _module(
            "engagements"
        ).matching_engagement_ids(s, EngagementFilter(viewer=v)),
        "organizations.matching_organization_ids": lambda s, v, h: _module(
            "organizations"
        ).matching_organization_ids(s, OrganizationFilter(viewer=v)),
        "programs.matching_program_ids": lambda s, v, h: _module("programs").matching_program_ids(
            s, ProgramFilter()
        ),
        "details.contact_detail": lambda s, v, h: _module("details").contact_detail(
            s, v, h.contact
        ),
        "details.organization_detail": lambda s, v, h: _module("details").organization_detail(
            s, v, h.organization
        ),
        "details.engagement_detail": lambda s, v, h: [
            _visible_or_none(_module("details").engagement_detail, s, v, engagement_id)
            for engagement_id in range(1, 6)
        ],
        "details.program_detail": lambda s, v, h: _module("details").program_detail(s, h.program),
        "duplicates.compare_pair": lambda s, v, h: _module("duplicates").compare_pair(
            s, v, "contact", h.contact, h.spare_contact
        ),
        "duplicates.merges_of": lambda s, v, h: _module("duplicates").merges_of(
            s, "contact", h.contact
        ),
        "engagements.contacts_of_engagement": lambda s, v, h: [
            _module("engagements").contacts_of_engagement(s, engagement_id)
            for engagement_id in range(1, 6)
        ],
        "engagements.count_engagements": lambda s, v, h: _module("engagements").count_engagements(
            s, EngagementFilter(viewer=v)
        ),
        "engagements.engagement_page": lambda s, v, h: _module("engagements").engagement_page(
            s, EngagementFilter(viewer=v)
        ),
        "engagements.open_follow_ups": lambda s, v, h: _module("engagements").open_follow_ups(
            s, v, today=TODAY
        ),
        "engagements.escalated_follow_ups": lambda s, v, h: _module(
            "engagements"
        ).escalated_follow_ups(s, v, today=TODAY, after_days=0),
        "handover.find_officer": lambda s, v, h: _module("handover").find_officer(s, "officer.hou"),
        "handover.find_mission": lambda s, v, h: _module("handover").find_mission(s, "hou"),
        "handover.handover_data": lambda s, v, h: [
            _module("handover").handover_data(s, v, mission_code="HOU", today=TODAY),
            _module("handover").handover_data(s, v, officer="officer.hou", today=TODAY),
        ],
        "organization_brief.find_organization": lambda s, v, h: _module(
            "organization_brief"
        ).find_organization(s, "Gulf Coast Welfare Society"),
        "organization_brief.organization_brief_data": lambda s, v, h: _module(
            "organization_brief"
        ).organization_brief_data(s, v, h.organization),
        "organizations.count_organizations": lambda s, v, h: _module(
            "organizations"
        ).count_organizations(s, OrganizationFilter(viewer=v)),
        "organizations.organization_page": lambda s, v, h: _module(
            "organizations"
        ).organization_page(s, OrganizationFilter(viewer=v)),
        "pickers.contact_choices": lambda s, v, h: _module("pickers").contact_choices(s, ""),
        "pickers.organization_choices": lambda s, v, h: _module("pickers").organization_choices(
            s, "G"
        ),
        "pickers.mission_choices": lambda s, v, h: _module("pickers").mission_choices(s),
        "pickers.program_choices": lambda s, v, h: _module("pickers").program_choices(s),
        "pickers.mission_options": lambda s, v, h: _module("pickers").mission_options(s),
        "pickers.region_options": lambda s, v, h: _module("pickers").region_options(s),
        "pickers.tag_options": lambda s, v, h: _module("pickers").tag_options(s),
        "pickers.mission_code_options": lambda s, v, h: _module("pickers").mission_code_options(s),
        "pickers.officer_choices": lambda s, v, h: _module("pickers").officer_choices(s),
        "pickers.every_organization_choice": lambda s, v, h: _module(
            "pickers"
        ).every_organization_choice(s),
        "pickers.organization_choices_of": lambda s, v, h: _module(
            "pickers"
        ).organization_choices_of(s, [h.organization]),
        "pickers.contact_choices_of": lambda s, v, h: _module("pickers").contact_choices_of(
            s, [h.contact]
        ),
        "registry_counts.registry_counts": lambda s, v, h: _module(
            "registry_counts"
        ).registry_counts(s, v),
        "record_titles.record_title": lambda s, v, h: [
            _module("record_titles").record_title(s, v, kind, record)
            for kind, record in (
                ("engagement", h.confidential_engagement),
                ("engagement", h.engagement),
                ("organization", h.organization),
                ("contact", h.contact),
                ("program", h.program),
            )
        ],
        "programs.program_page": lambda s, v, h: _module("programs").program_page(
            s, ProgramFilter()
        ),
        "programs.count_programs": lambda s, v, h: _module("programs").count_programs(
            s, ProgramFilter()
        ),
        "editing.record_to_edit": lambda s, v, h: [
            _found_or_none(_module("editing").record_to_edit, s, v, kind, record)
            for kind, record in (
                ("engagement", h.confidential_engagement),
                ("engagement", h.engagement),
                ("organization", h.organization),
                ("contact", h.contact),
                ("program", h.program),
                ("user", 1),
            )
        ],
        "users.user_accounts": lambda s, v, h: _module("users").user_accounts(s),
        "users.active_officers": lambda s, v, h: _module("users").active_officers(s),
        "users.user_id_named": lambda s, v, h: [_module("users").user_id_named(s, "officer.hou")],
        "pickers.live_missions": lambda s, v, h: _module("pickers").live_missions(s),
        "pickers.regions_of_mission": lambda s, v, h: _module("pickers").regions_of_mission(s, 1),
        "programs.program_indicators": lambda s, v, h: _module("programs").program_indicators(
            s, h.program
        ),
        "search.search": lambda s, v, h: _module("search").search(s, SECRET, viewer=v),
        "search.count_matches": lambda s, v, h: _module("search").count_matches(
            s, SECRET, viewer=v
        ),
        "subject_access.subject_access": lambda s, v, h: _module("subject_access").subject_access(
            s, v, h.contact
        ),
        "subject_access.contacts_due_for_review": lambda s, v, h: _module(
            "subject_access"
        ).contacts_due_for_review(s, v, today=TODAY, years=0),
        "report_texts.highlight_candidates": lambda s, v, h: _module(
            "report_texts"
        ).highlight_candidates(s, v, quarter, "HOU"),
        "guests.guest_list": lambda s, v, h: _module("guests").guest_list(s, v, h.event),
        "guests.event_summary": lambda s, v, h: _module("guests").event_summary(s, h.event),
        "guests.event_print_data": lambda s, v, h: _module("guests").event_print_data(
            s, v, h.event
        ),
        "guests.program_events": lambda s, v, h: _module("guests").program_events(s),
        "guests.guest_at_the_door": lambda s, v, h: _module("guests").guest_at_the_door(
            s, h.event, "Farah Siddiqui"
        ),
    }


def _module(name: str):
    return importlib.import_module(f"db.queries.{name}")


def _found_or_none(read, s, viewer, kind, record_id):
    try:
        return read(s, viewer, kind, record_id)
    except NotFound:
        return None


def _visible_or_none(read, s, viewer, engagement_id):
    try:
        return read(s, viewer, engagement_id, TODAY)
    except NotFound:
        return None


def public_functions(package) -> set[str]:
    """Every public function of every module of `package`, as "module.function"."""
    found = set()
    for module_info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                found.add(f"{module_info.name}.{name}")
    return found


def test_every_query_is_read_as_every_role_below():
    assert public_functions(db.queries) == set(_reads()) | NOT_READS


@pytest.mark.parametrize("who", ROLES)
def test_queries_show_a_confidential_engagement_only_to_those_who_may_see_it(houston, who):
    viewer = houston.users[who]
    seen = []
    with Session(houston.engine) as s:
        for name, read in sorted(_reads().items()):
            try:
                seen.append((name, repr(read(s, viewer, houston))))
            except PermissionDenied:
                assert viewer.role != "admin", name
        for name, read in sorted(_figures().items()):
            try:
                seen.append((name, repr(read(s, viewer, houston))))
            except PermissionDenied:
                assert viewer.role != "admin", name
    leaked = [name for name, shown in seen if SECRET in shown]
    if who in SEES_CONFIDENTIAL:
        assert {"engagements.engagement_page", "search.search"} <= set(leaked)
        assert "quarterly.quarterly_report_data" in leaked
    else:
        assert leaked == []


# --- figures: the report's and the Dashboard's numbers, for the person asking -----------

# Building blocks of the figures that take no reader and read no records of their own
# (a quarter's arithmetic, the installation's quarter of a day).
NOT_FIGURES = {
    "measures.percent_of",
    "scope.compared",
    "scope.same_quarter_last_year",
    "scope.year_start",
    "scope.current_quarter",
}


def _figures() -> dict[str, object]:
    from db.figures import dashboard, measures, quarterly
    from db.figures.scope import Scope

    quarter = quarter_containing(TODAY, fiscal=True)

    def scoped(measure):
        return lambda s, v, h: [
            measure(s, Scope(s, v, code, None), quarter) for code in ("ALL", "HOU")
        ]

    def by_kind(s, scope, q):
        return measures.by_column(s, scope, q, Engagement.kind, EngagementKind)

    return {
        "quarterly.quarterly_report_data": lambda s, v, h: [
            quarterly.quarterly_report_data(
                s,
                v,
                quarter,
                code,
                include_confidential=v.sees_confidential_of(
                    h.missions[code] if code != "ALL" else None
                ),
            )
            for code in ("ALL", "HOU")
        ],
        "quarterly.report_texts": lambda s, v, h: quarterly.report_texts(s, quarter, "HOU"),
        "dashboard.dashboard_data": lambda s, v, h: dashboard.dashboard_data(s, v, today=TODAY),
        "dashboard.dashboard_headline": lambda s, v, h: dashboard.dashboard_headline(
            s, v, "HOU", today=TODAY
        ),
        "measures.key_figures": scoped(measures.key_figures),
        "measures.by_month": scoped(measures.by_month),
        "measures.by_column": scoped(by_kind),
        "measures.by_mission": scoped(measures.by_mission),
        "measures.indicators": scoped(measures.indicators),
        "measures.program_events": scoped(measures.program_events),
        "measures.dormant_priority": scoped(measures.dormant_priority),
        "measures.by_region": scoped(measures.by_region),
        "measures.hometowns": lambda s, v, h: measures.hometowns(s, Scope(s, v, "ALL", None)),
    }


def test_every_figure_is_read_as_every_role():
    import db.figures

    assert public_functions(db.figures) == set(_figures()) | NOT_FIGURES


@pytest.mark.parametrize("who", ROLES)
def test_only_those_who_see_every_confidential_engagement_may_print_them(houston, who):
    from db.figures.quarterly import quarterly_report_data
    from db.queries.organization_brief import organization_brief_data

    viewer = houston.users[who]
    quarter = quarter_containing(TODAY, fiscal=True)
    with Session(houston.engine) as s:
        asks = [
            lambda: quarterly_report_data(s, viewer, quarter, "HOU", include_confidential=True),
            lambda: organization_brief_data(
                s, viewer, houston.organization, include_confidential=True
            ),
        ]
        for ask in asks:
            if who in SEES_CONFIDENTIAL:
                assert SECRET in repr(ask())
            else:
                with pytest.raises(PermissionDenied):
                    ask()
