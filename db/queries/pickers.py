"""Type-ahead lookups for pickers: typed prefixes of a name or acronym find records."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import case, func, or_
from sqlmodel import Session, col, select

from db.models import Affiliation, Contact, Mission, Organization, Program, Region, Tag
from db.queries.text_match import starts_with, word_starts_with


class Choice(NamedTuple):
    id: int
    label: str


def organization_choices(s: Session, typed: str, limit: int = 12) -> list[Choice]:
    """Live organizations whose acronym or name (or a word of it) begins with `typed`;
    acronym matches first, then name matches, alphabetically."""
    if not typed.strip():
        return []
    rank = case(
        (starts_with(Organization.acronym, typed), 0),
        (starts_with(Organization.name, typed), 1),
        else_=2,
    )
    rows = s.exec(
        select(Organization.id, Organization.name, Organization.acronym)
        .where(
            col(Organization.archived_at).is_(None),
            or_(
                starts_with(Organization.acronym, typed),
                starts_with(Organization.name, typed),
                word_starts_with(Organization.name, typed),
            ),
        )
        .order_by(rank, func.lower(Organization.name))
        .limit(limit)
    ).all()
    return [Choice(i, f"{name} ({acronym})" if acronym else name) for i, name, acronym in rows]


def contact_choices(
    s: Session, typed: str, limit: int = 12, organization_ids: list[int] | None = None
) -> list[Choice]:
    """Live contacts whose given name, family name or Urdu name begins with `typed`;
    people of `organization_ids` come first."""
    if not typed.strip():
        return []
    full = Contact.given_name + " " + Contact.family_name
    members = select(Affiliation.contact_id).where(
        col(Affiliation.organization_id).in_(organization_ids or [])
    )
    rank = case((col(Contact.id).in_(members), 0), else_=1)
    rows = s.exec(
        select(Contact.id, full, Contact.do_not_contact)
        .where(
            col(Contact.archived_at).is_(None),
            or_(
                starts_with(Contact.given_name, typed),
                starts_with(Contact.family_name, typed),
                starts_with(full, typed),
                starts_with(Contact.name_urdu, typed),
            ),
        )
        .order_by(rank, func.lower(Contact.family_name), func.lower(Contact.given_name))
        .limit(limit)
    ).all()
    return [Choice(i, name + (" (do not contact)" if dnc else "")) for i, name, dnc in rows]


def mission_choices(s: Session, typed: str = "", limit: int = 50) -> list[Choice]:
    """Missions by code or name prefix (all of them when nothing is typed)."""
    statement = select(Mission.id, Mission.code, Mission.name).where(
        col(Mission.archived_at).is_(None)
    )
    if typed.strip():
        statement = statement.where(
            or_(
                starts_with(Mission.code, typed),
                starts_with(Mission.name, typed),
                word_starts_with(Mission.name, typed),
            )
        )
    rows = s.exec(statement.order_by(Mission.name).limit(limit)).all()
    return [Choice(i, f"{name} ({code})") for i, code, name in rows]


def program_choices(s: Session, typed: str = "", limit: int = 50) -> list[Choice]:
    """Live programs by name prefix (all of them when nothing is typed)."""
    statement = select(Program.id, Program.name).where(col(Program.archived_at).is_(None))
    if typed.strip():
        statement = statement.where(
            or_(starts_with(Program.name, typed), word_starts_with(Program.name, typed))
        )
    return [Choice(*row) for row in s.exec(statement.order_by(Program.name).limit(limit)).all()]


def mission_options(s: Session) -> list[tuple[int, str]]:
    """(id, "Name (CODE)") of every live mission, for filters."""
    return [(choice.id, choice.label) for choice in mission_choices(s)]


def region_options(s: Session) -> list[tuple[str, str]]:
    """(code, "CODE — Name") of the regions organizations or contacts are in."""
    rows = s.exec(select(Region.code, Region.name).order_by(Region.code)).all()
    return [(code, f"{code} — {name}") for code, name in rows]


def tag_options(s: Session) -> list[tuple[str, str]]:
    """(name, name) of every tag in use."""
    rows = s.exec(select(Tag.name).order_by(func.lower(Tag.name))).all()
    return [(name, name) for name in rows]
