"""One visibility rule everywhere: a confidential engagement is seen only by its own
officer, the supervisors of its mission, supervisors with no mission and administrators,
whether it is searched for, listed, counted, opened, printed in a brief or a quarterly
report; a contact who refused consent has their email and phone withheld in all of those
places."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from db import store
from db.figures.quarterly import quarterly_report_data
from db.foundations import clock
from db.foundations.actor import SYSTEM_ACTOR, Actor
from db.foundations.errors import NotFound, PermissionDenied
from db.foundations.models import Engagement, Organization
from db.foundations.periods import quarter_containing
from db.queries.contacts import ContactFilter, contact_page
from db.queries.details import contact_detail, engagement_detail, organization_detail
from db.queries.engagements import (
    EngagementFilter,
    count_engagements,
    engagement_page,
    open_follow_ups,
)
from db.queries.organizations import OrganizationFilter, organization_page
from db.queries.pickers import contact_choices, organization_choices
from db.queries.search import search
from db.store.contacts import create_contact
from db.store.engagements import log_engagement, update_engagement
from db.store.organizations import create_organization
from db.store.users import create_user
from reports.produce import produce_organization_brief, produce_quarterly_report
from tests.reports.conftest import pdf_pages

# Figures of a quarter: run again pinned to the days quarters and years turn (make test).
pytestmark = pytest.mark.calendar

SECRET = "Xanthic"  # a word only the confidential engagement's subject holds
TODAY = clock.today()
NORMAL_DAY = TODAY - timedelta(days=3)
SECRET_DAY = TODAY - timedelta(days=1)


@dataclass
class Registry:
    actors: dict[str, Actor]
    organization: int
    refusing_contact: int
    secret_engagement: int


def _user(engine: Engine, username: str, role: str, mission_id: int | None) -> Actor:
    with store.session(engine) as s:
        user_id = create_user(
            s,
            SYSTEM_ACTOR,
            {
                "username": username,
                "display_name": username.replace(".", " ").title(),
                "role": role,
                "mission_id": mission_id,
                "commission_wide": mission_id is None,
            },
        )
    return Actor(user_id, username, role, mission_id, username.title())


@pytest.fixture
def registry(engine, geography) -> Registry:
    houston = geography["HOU"]
    actors = {
        "author": _user(engine, "amina.author", "officer", houston),
        "colleague": _user(engine, "bilal.colleague", "officer", houston),
        "supervisor": _user(engine, "sana.supervisor", "supervisor", houston),
        "other_supervisor": _user(engine, "nadia.newyork", "supervisor", geography["NYC"]),
        "commission_supervisor": _user(engine, "kamran.commission", "supervisor", None),
        "viewer": _user(engine, "vera.viewer", "viewer", houston),
        "admin": _user(engine, "adeel.admin", "admin", None),
    }
    author = actors["author"]
    with store.session(engine) as s:
        org = create_organization(
            s,
            author,
            {
                "name": "Zephyr Valley Welfare Society",
                "kind": "philanthropy",
                "region_code": "US-TX",
            },
        )
        refusing = create_contact(
            s,
            author,
            {
                "given_name": "Quillon",
                "family_name": "Refuser",
                "email": "quillon@example.org",
                "phone": "+1 713 555 0147",
                "consent": "refused",
                "affiliations": [{"organization_id": org}],
            },
        )
        log_engagement(
            s,
            author,
            {
                "date": NORMAL_DAY,
                "kind": "meeting",
                "subject": "Routine welfare visit",
                "organization_ids": [org],
                "contact_ids": [refusing],
            },
        )
        secret = log_engagement(
            s,
            author,
            {
                "date": SECRET_DAY,
                "kind": "meeting",
                "subject": f"{SECRET} briefing on a sensitive case",
                "outcome": "Agreed next steps.",
                "sensitivity": "confidential",
                "follow_up_date": TODAY + timedelta(days=10),
                "organization_ids": [org],
                "contact_ids": [refusing],
            },
        )
    return Registry(actors, org, refusing, secret)


SEES = {
    "author": True,
    "colleague": False,
    "supervisor": True,
    "other_supervisor": False,  # of another mission
    "commission_supervisor": True,  # no mission: every mission's
    "viewer": False,
    "admin": True,
}


@pytest.mark.parametrize("who", SEES)
def test_reads_show_a_confidential_engagement_only_to_those_who_may_see_it(engine, registry, who):
    viewer, sees = registry.actors[who], SEES[who]
    with Session(engine) as s:
        found = search(s, SECRET, viewer=viewer)
        assert bool(found.get("engagement")) == sees, "search"

        flt = EngagementFilter(viewer=viewer)
        assert count_engagements(s, flt) == (2 if sees else 1), "engagement count"
        subjects = [row.subject for row in engagement_page(s, flt)]
        assert any(SECRET in subject for subject in subjects) == sees, "engagement list"
        texted = EngagementFilter(viewer=viewer, text=SECRET)
        assert count_engagements(s, texted) == (1 if sees else 0), "filter box"

        follow_ups = open_follow_ups(s, viewer, today=TODAY)
        assert (follow_ups.total == 1) == sees, "open follow-ups"

        brief = organization_detail(s, viewer, registry.organization)
        assert any(SECRET in e.subject for e in brief.engagements) == sees, "organization"
        assert any(SECRET in f.subject for f in brief.follow_ups) == sees, "its follow-ups"
        person = contact_detail(s, viewer, registry.refusing_contact)
        assert any(SECRET in e.subject for e in person.engagements) == sees, "contact"
        if sees:
            assert SECRET in engagement_detail(s, viewer, registry.secret_engagement, TODAY).subject
        else:
            with pytest.raises(NotFound):
                engagement_detail(s, viewer, registry.secret_engagement, TODAY)

        # The organizations list shows the last engagement date the reader may see;
        # an officer is shown the last one that is not confidential, even their own.
        (row,) = organization_page(s, OrganizationFilter(viewer=viewer))
        shown = SECRET_DAY if viewer.sees_all_confidential else NORMAL_DAY
        assert row.last_engagement == shown, "last engagement date"


@pytest.mark.parametrize("who", SEES)
def test_contact_details_of_a_person_who_refused_are_withheld_everywhere(engine, registry, who):
    viewer = registry.actors[who]
    with Session(engine) as s:
        (row,) = contact_page(s, ContactFilter(text="Quillon"))
        assert (row.email, row.phone) == ("", ""), "contacts list"
        hits = search(s, "Quillon", viewer=viewer)["contact"]
        assert "quillon@" not in " ".join(h.title + h.detail for h in hits), "search"
        profile = dict(contact_detail(s, viewer, registry.refusing_contact).profile)
        assert "quillon@" not in profile["Email"] and "555" not in profile["Phone"], "detail"
        labels = [c.label for c in contact_choices(s, "Quil")]
        labels += [c.label for c in organization_choices(s, "Zeph")]
        assert labels and not any("quillon@" in label for label in labels), "pickers"


@pytest.mark.parametrize("who", SEES)
def test_briefs_and_reports_follow_the_same_rule(engine, registry, tmp_path, who):
    # Printed documents leave every confidential engagement out (their author's too)
    # unless a supervisor or administrator asks for them.
    viewer = registry.actors[who]
    brief = tmp_path / "brief.pdf"
    produce_organization_brief(engine, viewer, "Zephyr Valley Welfare Society", brief)
    printed = " ".join(pdf_pages(brief))
    assert SECRET not in printed and "Routine welfare visit" in printed
    assert "quillon@" not in printed
    quarter = quarter_containing(SECRET_DAY, fiscal=True)
    report = tmp_path / "q.pdf"
    produce_quarterly_report(engine, viewer, quarter.code, report)
    assert SECRET not in " ".join(pdf_pages(report))
    if SEES[who] and viewer.supervises:
        produce_organization_brief(
            engine, viewer, "Zephyr Valley Welfare Society", brief, include_confidential=True
        )
        assert SECRET in " ".join(pdf_pages(brief))
        scope = "ALL" if viewer.sees_all_confidential else "HOU"  # a mission's: its own
        produce_quarterly_report(
            engine, viewer, quarter.code, report, mission=scope, include_confidential=True
        )
        assert SECRET in " ".join(pdf_pages(report))
    else:
        with pytest.raises(PermissionDenied):
            produce_quarterly_report(
                engine, viewer, quarter.code, report, mission="HOU", include_confidential=True
            )
    if not viewer.sees_all_confidential:
        with pytest.raises(PermissionDenied):
            produce_quarterly_report(
                engine, viewer, quarter.code, report, include_confidential=True
            )
    with Session(engine) as s:
        without = quarterly_report_data(s, SYSTEM_ACTOR, quarter, include_confidential=False)
        withal = quarterly_report_data(s, SYSTEM_ACTOR, quarter, include_confidential=True)
    assert (without.current.engagements, withal.current.engagements) == (1, 2)


def test_only_those_who_see_a_confidential_engagement_may_change_it(engine, registry):
    secret = registry.secret_engagement
    for who in ("colleague", "viewer"):
        for change in ({"subject": "Renamed"}, {"sensitivity": "normal"}):
            with pytest.raises(PermissionDenied), store.session(engine) as s:
                update_engagement(s, registry.actors[who], secret, change)
    with Session(engine) as s:
        row = s.get(Engagement, secret)
        assert (row.sensitivity, row.subject.startswith(SECRET)) == ("confidential", True)
    with store.session(engine) as s:
        update_engagement(s, registry.actors["supervisor"], secret, {"sensitivity": "normal"})
    with Session(engine) as s:
        # No longer confidential: its date is now everyone's last engagement date.
        assert s.get(Organization, registry.organization).last_normal_engagement_on == SECRET_DAY
    with store.session(engine) as s:
        update_engagement(s, registry.actors["author"], secret, {"sensitivity": "confidential"})
    with Session(engine) as s:
        assert s.get(Organization, registry.organization).last_normal_engagement_on == NORMAL_DAY
