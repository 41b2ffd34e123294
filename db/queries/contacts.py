"""The read side of contacts: filtered, sorted pages of plain rows for lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import Select, case, func
from sqlmodel import Session, col, select

from db.foundations.models import Affiliation, Contact, Jurisdiction, Organization
from db.queries.created_within import created_within
from db.queries.paging import ordered_ids, ordered_page
from db.queries.search import text_filter
from db.rules.contact_mission import contact_mission
from db.rules.visibility import contact_details_withheld

PRIMARY_ORGANIZATION_LIMIT = 1


@dataclass(frozen=True)
class ContactFilter:
    """What a list of contacts is narrowed to; empty fields do not narrow."""

    text: str = ""
    consent: str | None = None
    mission_id: int | None = None
    region_code: str | None = None
    organization_id: int | None = None
    include_archived: bool = False
    # What a Dashboard figure counted (no filter bar control):
    created_from: date | None = None  # added on or after, with created_to
    created_to: date | None = None
    belongs_to_mission_id: int | None = None  # by db/rules/contact_mission.py's rule


class ContactRow(NamedTuple):
    id: int
    name: str
    name_urdu: str
    profession: str
    organization: str
    city: str
    region_code: str | None
    email: str
    phone: str
    consent: str
    do_not_contact: bool
    archived: bool


_organization = (
    select(func.coalesce(func.nullif(Organization.acronym, ""), Organization.name))
    .join(Affiliation, Affiliation.organization_id == Organization.id)
    .where(Affiliation.contact_id == Contact.id)
    .order_by(col(Affiliation.is_primary).desc(), Affiliation.id)
    .limit(PRIMARY_ORGANIZATION_LIMIT)
    .correlate(Contact)
    .scalar_subquery()
)
_full_name = Contact.given_name + " " + Contact.family_name

SORT_KEYS = {
    "name": func.lower(Contact.family_name),
    "given_name": func.lower(Contact.given_name),
    "profession": func.lower(Contact.profession),
    "city": func.lower(Contact.city),
    "region_code": Contact.region_code,
    "email": func.lower(Contact.email),
    "consent": Contact.consent,
}


def _filtered(s: Session, statement: Select, flt: ContactFilter) -> Select:
    if not flt.include_archived:
        statement = statement.where(col(Contact.archived_at).is_(None))
    if flt.text.strip():
        statement = statement.where(
            text_filter(
                s,
                "contact",
                col(Contact.id),
                flt.text,
                (_full_name, Contact.name_urdu, Contact.email, Contact.city, Contact.profession),
            )
        )
    if flt.consent:
        statement = statement.where(Contact.consent == flt.consent)
    if flt.region_code:
        statement = statement.where(Contact.region_code == flt.region_code)
    if flt.mission_id:
        statement = statement.where(
            col(Contact.region_code).in_(
                select(Jurisdiction.region_code).where(Jurisdiction.mission_id == flt.mission_id)
            )
        )
    if flt.organization_id:
        statement = statement.where(
            col(Contact.id).in_(
                select(Affiliation.contact_id).where(
                    Affiliation.organization_id == flt.organization_id
                )
            )
        )
    if flt.created_from and flt.created_to:
        statement = statement.where(
            *created_within(col(Contact.created_at), flt.created_from, flt.created_to)
        )
    if flt.belongs_to_mission_id:
        statement = statement.where(contact_mission() == flt.belongs_to_mission_id)
    return statement


def count_contacts(s: Session, flt: ContactFilter) -> int:
    """How many contacts match the filter."""
    return s.exec(_filtered(s, select(func.count()).select_from(Contact), flt)).one()


def contact_page(
    s: Session,
    flt: ContactFilter,
    *,
    sort: str = "name",
    descending: bool = False,
    offset: int = 0,
    after: tuple | None = None,
    limit: int = 200,
) -> list[ContactRow]:
    """One page of matching contacts, sorted in SQL (ties broken by id)."""
    details = select(
        Contact.id,
        _full_name,
        Contact.name_urdu,
        Contact.profession,
        _organization,
        Contact.city,
        Contact.region_code,
        case((contact_details_withheld(), ""), else_=Contact.email),
        case((contact_details_withheld(), ""), else_=Contact.phone),
        Contact.consent,
        Contact.do_not_contact,
        col(Contact.archived_at).is_not(None),
    )
    return ordered_page(
        s,
        col(Contact.id),
        _filtered(s, select(Contact.id), flt),
        SORT_KEYS[sort],
        descending,
        offset,
        limit,
        details,
        ContactRow,
        after=after,
    )


def matching_contact_ids(
    s: Session, flt: ContactFilter, *, sort: str = "name", descending: bool = False
) -> list[int]:
    """The ids of every contact the filter matches, in the list's order."""
    ids = _filtered(s, select(Contact.id), flt)
    return ordered_ids(s, col(Contact.id), ids, SORT_KEYS[sort], descending)
