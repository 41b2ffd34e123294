"""The read side of organizations: filtered, sorted pages of plain rows for lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import Select, func
from sqlmodel import Session, col, select

from db.foundations.actor import Actor
from db.foundations.models import (
    Engagement,
    EngagementOrganization,
    Mission,
    Organization,
    OrganizationTag,
    Sensitivity,
    Tag,
)
from db.queries.created_within import created_within
from db.queries.paging import ordered_ids, ordered_page
from db.queries.search import text_filter


@dataclass(frozen=True)
class OrganizationFilter:
    """What a list of organizations is narrowed to, for whom: `viewer` sees the last
    engagement date the visibility rule lets them see; empty fields do not narrow."""

    viewer: Actor
    text: str = ""
    kind: str | None = None
    status: str | None = None
    mission_id: int | None = None
    region_code: str | None = None
    tag: str | None = None
    include_archived: bool = False
    # What a Dashboard figure counted (no filter bar control):
    engaged_from: date | None = None  # engaged on or after, with engaged_to
    engaged_to: date | None = None
    engaged_by_mission_id: int | None = None  # by engagements of this mission
    created_from: date | None = None  # added on or after, with created_to
    created_to: date | None = None
    hometown_province: str | None = None  # "" for not recorded
    hometown_district: str | None = None


class OrganizationRow(NamedTuple):
    id: int
    name: str
    acronym: str
    kind: str
    status: str
    priority: str
    city: str
    region_code: str | None
    mission_code: str | None
    last_engagement: date | None
    archived: bool


def last_engagement_column(viewer: Actor):
    """The last engagement date `viewer` may see: those who do not see confidential
    engagements get the latest one that is not (their own confidential ones are left
    out too, so the date never depends on who logged what)."""
    if viewer.sees_all_confidential:
        return col(Organization.last_engagement_on)
    return col(Organization.last_normal_engagement_on)


SORT_KEYS = {
    "name": func.lower(Organization.name),
    "acronym": func.lower(Organization.acronym),
    "kind": Organization.kind,
    "status": Organization.status,
    "priority": Organization.priority,
    "city": func.lower(Organization.city),
    "region_code": Organization.region_code,
    "mission_code": Organization.mission_id,
}


def _filtered(s: Session, statement: Select, flt: OrganizationFilter) -> Select:
    if not flt.include_archived:
        statement = statement.where(col(Organization.archived_at).is_(None))
    if flt.text.strip():
        statement = statement.where(
            text_filter(
                s,
                "organization",
                col(Organization.id),
                flt.text,
                (Organization.name, Organization.acronym, Organization.city),
            )
        )
    if flt.kind:
        statement = statement.where(Organization.kind == flt.kind)
    if flt.status:
        statement = statement.where(Organization.status == flt.status)
    if flt.mission_id:
        statement = statement.where(Organization.mission_id == flt.mission_id)
    if flt.region_code:
        statement = statement.where(Organization.region_code == flt.region_code)
    if flt.tag:
        tagged = (
            select(OrganizationTag.organization_id)
            .join(Tag, Tag.id == OrganizationTag.tag_id)
            .where(func.lower(Tag.name) == flt.tag.lower())
        )
        statement = statement.where(col(Organization.id).in_(tagged))
    return _narrowed(statement, flt)


def _narrowed(statement: Select, flt: OrganizationFilter) -> Select:
    """The narrowing a Dashboard figure asks for, counted as db/figures/quarterly.py counts it."""
    if flt.engaged_from and flt.engaged_to:
        engaged = [
            col(Engagement.archived_at).is_(None),
            col(Engagement.date).between(flt.engaged_from, flt.engaged_to),
        ]
        if flt.engaged_by_mission_id:
            engaged.append(Engagement.mission_id == flt.engaged_by_mission_id)
        if not flt.viewer.sees_all_confidential:
            engaged.append(Engagement.sensitivity != Sensitivity.CONFIDENTIAL)
        statement = statement.where(
            col(Organization.id).in_(
                select(EngagementOrganization.organization_id)
                .join(Engagement, Engagement.id == EngagementOrganization.engagement_id)
                .where(*engaged)
            )
        )
    if flt.created_from and flt.created_to:
        statement = statement.where(
            *created_within(col(Organization.created_at), flt.created_from, flt.created_to)
        )
    if flt.hometown_province is not None:
        statement = statement.where(
            func.coalesce(Organization.hometown_province, "") == flt.hometown_province
        )
    if flt.hometown_district is not None:
        statement = statement.where(
            func.trim(func.coalesce(Organization.hometown_district, "")) == flt.hometown_district
        )
    return statement


def count_organizations(s: Session, flt: OrganizationFilter) -> int:
    """How many organizations match the filter."""
    statement = _filtered(s, select(func.count()).select_from(Organization), flt)
    return s.exec(statement).one()


def organization_page(
    s: Session,
    flt: OrganizationFilter,
    *,
    sort: str = "name",
    descending: bool = False,
    offset: int = 0,
    after: tuple | None = None,
    limit: int = 200,
) -> list[OrganizationRow]:
    """One page of matching organizations, sorted in SQL (ties broken by id)."""
    ids = _matching(s, flt)
    details = select(
        Organization.id,
        Organization.name,
        Organization.acronym,
        Organization.kind,
        Organization.status,
        Organization.priority,
        Organization.city,
        Organization.region_code,
        Mission.code,
        last_engagement_column(flt.viewer),
        col(Organization.archived_at).is_not(None),
    ).outerjoin(Mission, Mission.id == Organization.mission_id)
    return ordered_page(
        s,
        col(Organization.id),
        ids,
        _sort_key(flt, sort),
        descending,
        offset,
        limit,
        details,
        OrganizationRow,
        after=after,
    )


def _matching(s: Session, flt: OrganizationFilter) -> Select:
    joined = select(Organization.id).outerjoin(Mission, Mission.id == Organization.mission_id)
    return _filtered(s, joined, flt)


def _sort_key(flt: OrganizationFilter, sort: str):
    return last_engagement_column(flt.viewer) if sort == "last_engagement" else SORT_KEYS[sort]


def matching_organization_ids(
    s: Session, flt: OrganizationFilter, *, sort: str = "name", descending: bool = False
) -> list[int]:
    """The ids of every organization the filter matches, in the list's order."""
    return ordered_ids(s, col(Organization.id), _matching(s, flt), _sort_key(flt, sort), descending)
