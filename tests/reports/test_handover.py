"""The handover dossier for an officer leaving a post, or a mission: the portfolio is
every organization they engaged in the last three years, most recent first; every
page carries the marking, header and footer; the contents give the right pages; open
commitments and each organization's contacts, engagements and follow-ups are there as
the viewer may see them; who may produce one, and bad names, are refused in sentences."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, func, select

from db.foundations import clock
from db.foundations.actor import Actor
from db.foundations.errors import PermissionDenied, ValidationError
from db.foundations.models import (
    Engagement,
    EngagementOrganization,
    Organization,
    Sensitivity,
    User,
)
from db.queries.handover import handover_data
from db.store.users import actor_of
from reports.produce import produce_handover_dossier
from tests.reports.conftest import pdf_pages


def _actor(engine, username: str) -> Actor:
    with Session(engine) as s:
        return actor_of(s.exec(select(User).where(User.username == username)).one())


def test_the_portfolio_is_what_the_officer_engaged_in_three_years(demo_engine):
    admin = _actor(demo_engine, "commission.admin")
    with Session(demo_engine) as s:
        zaidi = s.exec(select(User).where(User.username == "a.zaidi")).one()
        since = clock.today() - timedelta(days=3 * 365 + 1)
        expected = set(
            s.exec(
                select(EngagementOrganization.organization_id)
                .join(Engagement, Engagement.id == EngagementOrganization.engagement_id)
                .join(Organization, Organization.id == EngagementOrganization.organization_id)
                .where(
                    Engagement.officer_id == zaidi.id,
                    col(Engagement.archived_at).is_(None),
                    col(Organization.archived_at).is_(None),
                    Engagement.date >= since,
                )
            )
        )
        names = dict(s.exec(select(Organization.id, Organization.name)).all())
        data = handover_data(s, admin, officer="Ayesha Zaidi")
        open_follow_ups = s.exec(
            select(func.count())
            .select_from(Engagement)
            .where(
                Engagement.officer_id == zaidi.id,
                col(Engagement.follow_up_date).is_not(None),
                col(Engagement.follow_up_done_at).is_(None),
                col(Engagement.archived_at).is_(None),
            )
        ).one()
    assert {names[i] for i in expected} == {entry.brief.name for entry in data.portfolio}
    lasts = [entry.last_engagement for entry in data.portfolio]
    assert lasts == sorted(lasts, reverse=True)
    assert len(data.commitments) == open_follow_ups
    assert data.handed_over_by.startswith("Ayesha Zaidi") and "(NYC)" in data.handed_over_by
    assert data.period_end == clock.today()


def test_the_dossier_pages_carry_the_marking_and_the_contents_are_right(demo_engine, tmp_path):
    admin = _actor(demo_engine, "commission.admin")
    out = tmp_path / "handover.pdf"
    produced = produce_handover_dossier(demo_engine, admin, out, mission="HOU")
    pages = pdf_pages(out)
    assert produced.pages == len(pages) >= 5
    with Session(demo_engine) as s:
        data = handover_data(s, admin, mission_code="HOU")
    assert "Handover Dossier" in pages[0] and "Consulate General of Pakistan, Houston" in pages[0]
    assert f"{data.period_start:%d %B %Y}" in pages[0]
    for number, page in enumerate(pages, start=1):
        assert data.marking in page
        if number > 1:
            assert f"Page {number} of {len(pages)}" in page
    contents = pages[1].splitlines()
    for entry in data.portfolio[:3]:
        brief = entry.brief
        title = f"{brief.name} ({brief.acronym})" if brief.acronym else brief.name
        listed = contents.index(title)
        page_number = int(contents[listed + 1])
        assert title in pages[page_number - 1]  # the contents send the reader to it
        assert "Notes for the successor" in " ".join(pages[page_number - 1 : page_number + 1])
    flat = " ".join(" ".join(pages).split())
    assert "Commitments still open" in flat and "The portfolio at a glance" in flat
    assert "Key contacts" in flat and "Latest engagements and their outcomes" in flat


def test_an_officer_sees_no_confidential_engagement_in_their_dossier(demo_engine, tmp_path):
    from db import store
    from db.foundations.actor import SYSTEM_ACTOR
    from db.store.engagements import log_engagement

    officer = _actor(demo_engine, "a.zaidi")
    with Session(demo_engine) as s:
        partner = s.exec(select(Organization.id).where(Organization.acronym == "FLLF-NY")).one()
    with store.session(demo_engine) as s:
        log_engagement(
            s,
            SYSTEM_ACTOR,
            {
                "date": clock.today() - timedelta(days=3),
                "kind": "meeting",
                "subject": "Quiet word on the consul's visit list",
                "organization_ids": [partner],
                "officer_id": officer.id,
                "mission_id": officer.mission_id,
                "sensitivity": Sensitivity.CONFIDENTIAL,
                "follow_up_date": clock.today() + timedelta(days=5),
            },
        )
    own, supervised = tmp_path / "own.pdf", tmp_path / "supervised.pdf"
    produce_handover_dossier(demo_engine, officer, own, officer="a.zaidi")
    admin = _actor(demo_engine, "commission.admin")
    produce_handover_dossier(demo_engine, admin, supervised, officer="a.zaidi")
    own_text = " ".join(" ".join(pdf_pages(own)).split())
    supervised_text = " ".join(" ".join(pdf_pages(supervised)).split())
    assert "Quiet word on the consul" not in own_text
    assert "Confidential engagements are not included" in own_text
    assert "Quiet word on the consul" in supervised_text
    assert "includes confidential engagements" in supervised_text


def test_who_may_produce_a_dossier_and_bad_names(demo_engine, tmp_path):
    officer = _actor(demo_engine, "a.zaidi")
    with pytest.raises(PermissionDenied, match="own portfolio"):
        produce_handover_dossier(demo_engine, officer, tmp_path / "x.pdf", officer="u.tarar")
    admin = _actor(demo_engine, "commission.admin")
    with pytest.raises(ValidationError, match="No officer is called 'nobody'"):
        produce_handover_dossier(demo_engine, admin, tmp_path / "x.pdf", officer="nobody")
    with pytest.raises(ValidationError, match="There is no mission 'XYZ'"):
        produce_handover_dossier(demo_engine, admin, tmp_path / "x.pdf", mission="XYZ")
    with pytest.raises(ValidationError, match="not both"), Session(demo_engine) as s:
        handover_data(s, admin, officer="a.zaidi", mission_code="HOU")
    assert not (tmp_path / "x.pdf").exists()
