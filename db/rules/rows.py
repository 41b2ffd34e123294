"""Finding a record and the rows it is made of, the same way for the store that changes
it and the queries that show it: ids as callers give them, one record or NotFound, an
engagement's links, an organization's tags."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlmodel import Session, select

from db.foundations.errors import NotFound, ValidationError
from db.foundations.models import EngagementContact, EngagementOrganization, OrganizationTag, Tag

LARGEST_ID = 2**63 - 1


def record_id(raw: Any, field: str, what: str) -> int:
    """The id of a record as given by a caller, or ValidationError naming the field."""
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise ValidationError({field: f"{what} must be given by its id (a whole number)."})
    try:
        key = int(raw)
    except ValueError:
        raise ValidationError(
            {field: f"{what} must be given by its id (a whole number)."}
        ) from None
    if not 1 <= key <= LARGEST_ID:
        raise ValidationError({field: f"There is no {what.lower()} with the id {raw}."})
    return key


def record_id_of(raw: Any, what: str) -> int:
    """The id of a `what` as a caller gave it, or ValidationError."""
    return record_id(raw, f"{what.replace(' ', '_')}_id", what.capitalize())


Record = TypeVar("Record")


def get_record(
    s: Session, model: type[Record], record_id: int, what: str, *, to_change: bool = False
) -> Record:
    """The row of `model` with this id, or NotFound naming `what` was missing (a value
    that cannot be an id is missing too). `to_change` locks the row on a server until the
    transaction ends, so a save that reads and then writes it waits for any other."""
    try:
        key = record_id_of(record_id, what)
    except ValidationError:
        raise NotFound(f"There is no {what} with that id.") from None
    if to_change:
        record = s.get(model, key, with_for_update=True, populate_existing=True)
    else:
        record = s.get(model, key)
    if record is None:
        raise NotFound(f"There is no {what} with id {record_id}.")
    return record


def linked_ids(s: Session, engagement_id: int) -> tuple[list[int], list[int]]:
    """The sorted organization ids and contact ids of an engagement."""
    engagement_id = record_id(engagement_id, "engagement_id", "Engagement")
    orgs = s.exec(
        select(EngagementOrganization.organization_id).where(
            EngagementOrganization.engagement_id == engagement_id
        )
    ).all()
    contacts = s.exec(
        select(EngagementContact.contact_id).where(EngagementContact.engagement_id == engagement_id)
    ).all()
    return sorted(orgs), sorted(contacts)


def tags_of(s: Session, org_id: int) -> list[str]:
    """The tag names of an organization, sorted."""
    org_id = record_id_of(org_id, "organization")
    return sorted(
        s.exec(
            select(Tag.name)
            .join(OrganizationTag, OrganizationTag.tag_id == Tag.id)
            .where(OrganizationTag.organization_id == org_id)
        ).all()
    )
