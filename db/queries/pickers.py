"""Type-ahead lookups for pickers: typed prefixes of a name or acronym find records."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from db.foundations.models import (
    Affiliation,
    Contact,
    Jurisdiction,
    Mission,
    Organization,
    Program,
    Region,
    Tag,
    User,
    UserRole,
)
from db.queries.text_match import prefix_range, starts_with, word_starts_with
from db.rules.visibility import contact_details_withheld


class Choice(NamedTuple):
    """A record a picker offers: its id, its name, and what tells it apart from another
    of the same name (a person's organization, city and email domain; an organization's
    city)."""

    id: int
    label: str
    detail: str = ""

    @property
    def shown(self) -> str:
        """The name with what tells it apart, as a picker lists it."""
        return f"{self.label} — {self.detail}" if self.detail else self.label


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
        select(Organization.id, Organization.name, Organization.acronym, Organization.city)
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
    return [_organization_choice(*row) for row in rows]


def _organization_choice(i: int, name: str, acronym: str, city: str) -> Choice:
    return Choice(i, f"{name} ({acronym})" if acronym else name, city or "")


def every_organization_choice(s: Session) -> list[Choice]:
    """Every live organization as a picker offers it, by name."""
    rows = s.exec(
        select(Organization.id, Organization.name, Organization.acronym, Organization.city)
        .where(col(Organization.archived_at).is_(None))
        .order_by(func.lower(Organization.name), Organization.id)
    ).all()
    return [_organization_choice(*row) for row in rows]


def organization_choices_of(s: Session, ids: Iterable[int]) -> list[Choice]:
    """The picker's choices for these organizations, in the order of `ids`."""
    ids = list(ids)
    rows = s.exec(
        select(Organization.id, Organization.name, Organization.acronym, Organization.city).where(
            col(Organization.id).in_(ids)
        )
    ).all()
    by_id = {row[0]: _organization_choice(*row) for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def contact_choices(
    s: Session, typed: str, limit: int = 12, organization_ids: list[int] | None = None
) -> list[Choice]:
    """Live contacts whose family name, given name, "given family" or Urdu name begins
    with `typed`, offered in that order; people of `organization_ids` come first."""
    typed = typed.strip()
    if not typed:
        return []
    on_sqlite = s.get_bind().dialect.name == "sqlite"

    def begins(column, text: str, *, lowered: bool = True):
        # On SQLite the range lets the index find the rows; the LIKE says it everywhere.
        matched = (
            starts_with(column, text)
            if lowered
            else column.startswith(text, autoescape=True)  # Urdu has no case
        )
        return and_(matched, prefix_range(column, text, lowered=lowered)) if on_sqlite else matched

    family, given = func.lower(Contact.family_name), func.lower(Contact.given_name)
    head, _space, rest = typed.partition(" ")
    matchers = [
        (begins(Contact.family_name, typed), (family, given)),
        (begins(Contact.given_name, typed), (given, family)),
        (begins(Contact.name_urdu, typed, lowered=False), (Contact.name_urdu,)),
    ]
    if rest.strip():
        matchers.append((and_(given == head.lower(), begins(Contact.family_name, rest)), (family,)))
    scopes = [None]
    if organization_ids:
        members = select(Affiliation.contact_id).where(
            col(Affiliation.organization_id).in_(organization_ids)
        )
        scopes.insert(0, col(Contact.id).in_(members))
    found: dict[int, Choice] = {}
    full = Contact.given_name + " " + Contact.family_name
    # One small ordered query per way of matching, each read from its index in order.
    for scope in scopes:
        for condition, order in matchers:
            if len(found) >= limit:
                break
            statement = select(Contact.id, full, Contact.do_not_contact).where(
                col(Contact.archived_at).is_(None), condition, col(Contact.id).not_in(found)
            )
            if scope is not None:
                statement = statement.where(scope)
            rows = s.exec(statement.order_by(*order, Contact.id).limit(limit - len(found)))
            for i, name, dnc in rows.all():
                found[i] = Choice(i, name + (" (do not contact)" if dnc else ""))
    return _with_contact_details(s, list(found.values()))


def contact_choices_of(s: Session, ids: Iterable[int]) -> list[Choice]:
    """The picker's choices for these people, in the order of `ids`."""
    ids = list(ids)
    rows = s.exec(
        select(Contact.id, Contact.given_name + " " + Contact.family_name).where(
            col(Contact.id).in_(ids)
        )
    ).all()
    by_id = {i: Choice(i, name.strip()) for i, name in rows}
    return _with_contact_details(s, [by_id[i] for i in ids if i in by_id])


def _with_contact_details(s: Session, choices: list[Choice]) -> list[Choice]:
    """Each person with what tells two of one name apart: their organization (the
    primary one first), city and email domain (withheld when they refused contact)."""
    if not choices:
        return choices
    ids = [choice.id for choice in choices]
    shown_email = case((contact_details_withheld(), ""), else_=Contact.email)
    people = {
        i: (city, email)
        for i, city, email in s.exec(
            select(Contact.id, Contact.city, shown_email).where(col(Contact.id).in_(ids))
        ).all()
    }
    organization_of: dict[int, str] = {}
    affiliations = s.exec(
        select(Affiliation.contact_id, Organization.name, Organization.acronym)
        .join(Organization, col(Organization.id) == Affiliation.organization_id)
        .where(col(Affiliation.contact_id).in_(ids), col(Organization.archived_at).is_(None))
        .order_by(col(Affiliation.is_primary).desc(), Affiliation.id)
    ).all()
    for contact_id, name, acronym in affiliations:
        organization_of.setdefault(contact_id, acronym or name)
    detailed = []
    for choice in choices:
        city, email = people[choice.id]
        domain = (email or "").partition("@")[2]
        parts = [organization_of.get(choice.id, ""), city or "", f"@{domain}" if domain else ""]
        detailed.append(choice._replace(detail=" · ".join(part for part in parts if part)))
    return detailed


def mission_choices(s: Session, typed: str = "", limit: int = 50) -> list[Choice]:
    """Missions by code or name prefix, at most `limit`; all of them when nothing is
    typed (a country has a few hundred missions at most)."""
    statement = (
        select(Mission.id, Mission.code, Mission.name)
        .where(col(Mission.archived_at).is_(None))
        .order_by(Mission.name)
    )
    if typed.strip():
        statement = statement.where(
            or_(
                starts_with(Mission.code, typed),
                starts_with(Mission.name, typed),
                word_starts_with(Mission.name, typed),
            )
        ).limit(limit)
    rows = s.exec(statement).all()
    return [Choice(i, f"{name} ({code})") for i, code, name in rows]


def program_choices(s: Session, typed: str = "", limit: int = 50) -> list[Choice]:
    """Live programs by name prefix (all of them when nothing is typed)."""
    statement = select(Program.id, Program.name).where(col(Program.archived_at).is_(None))
    if typed.strip():
        statement = statement.where(
            or_(starts_with(Program.name, typed), word_starts_with(Program.name, typed))
        )
    return [Choice(*row) for row in s.exec(statement.order_by(Program.name).limit(limit)).all()]


def mission_code_options(s: Session) -> list[tuple[str, str]]:
    """(code, "Name (CODE)") of every live mission, for a choice kept as its code."""
    rows = s.exec(
        select(Mission.code, Mission.name)
        .where(col(Mission.archived_at).is_(None))
        .order_by(Mission.name)
    ).all()
    return [(code, f"{name} ({code})") for code, name in rows]


def officer_choices(s: Session) -> list[tuple[str, str]]:
    """(username, "Full name (username)") of every active user who may log engagements."""
    rows = s.exec(
        select(User.username, User.display_name)
        .where(col(User.active).is_(True), User.role != UserRole.VIEWER)
        .order_by(User.display_name)
    ).all()
    return [(username, f"{name.split(',')[0]} ({username})") for username, name in rows]


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


def live_missions(s: Session) -> list[Mission]:
    """Every mission not archived, by name."""
    return list(
        s.exec(select(Mission).where(col(Mission.archived_at).is_(None)).order_by(Mission.name))
    )


def regions_of_mission(s: Session, mission_id: int) -> list[str]:
    """The codes of the regions a mission covers, in order."""
    return list(
        s.exec(
            select(Jurisdiction.region_code)
            .where(Jurisdiction.mission_id == mission_id)
            .order_by(Jurisdiction.region_code)
        )
    )
