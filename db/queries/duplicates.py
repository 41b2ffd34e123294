"""Two records side by side, field by field, for deciding whether they are one and
which values to keep; and the merges a record took part in, for undoing them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, select

from db.foundations.actor import Actor
from db.foundations.labels import label_of
from db.foundations.models import (
    Affiliation,
    Consent,
    Contact,
    EngagementContact,
    EngagementOrganization,
    Generation,
    MergeRecord,
    Mission,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Priority,
    ProgramParticipant,
    Province,
)
from db.rules.record_fields import MERGE_FIELDS
from db.rules.visibility import withholds_contact_details

LABELS = {
    "given_name": "Given name", "family_name": "Family name", "name_urdu": "Name in Urdu",
    "region_code": "Region", "preferred_language": "Preferred language",
    "consent_date": "Consent date", "consent_source": "Consent source",
    "do_not_contact": "Do not contact", "founded_year": "Founded",
    "members_estimate": "Members (estimate)", "mission_id": "Mission",
    "hometown_district": "Hometown district", "hometown_province": "Hometown province",
}  # fmt: skip


@dataclass(frozen=True)
class ComparedField:
    """One field of two records: its name and label, and each record's value."""

    field: str
    label: str
    first: Any
    second: Any

    @property
    def differs(self) -> bool:
        """True when the records hold different values."""
        return self.first != self.second


@dataclass(frozen=True)
class PairComparison:
    """Two records side by side, with what is linked to each."""

    kind: str
    first_id: int
    second_id: int
    first_name: str
    second_name: str
    fields: list[ComparedField]
    first_links: dict[str, int]
    second_links: dict[str, int]


@dataclass(frozen=True)
class MergeOf:
    """A merge a record took part in that can still be undone."""

    merge_id: int
    survivor_id: int
    merged_id: int
    merged_at: datetime
    merged_by: str


# The enums behind the fields that store one, so their labels are shown.
FIELD_ENUMS = {
    "generation": Generation, "consent": Consent, "kind": OrganizationKind,
    "status": OrganizationStatus, "priority": Priority, "hometown_province": Province,
}  # fmt: skip


def label_of_value(field: str, value: Any) -> Any:
    """A stored value as people read it: an enum's label, else the value."""
    enum = FIELD_ENUMS.get(field)
    return label_of(enum, value) if enum and isinstance(value, str) else value


def _label(field: str) -> str:
    return LABELS.get(field, field.replace("_", " ").capitalize())


def _links(s: Session, kind: str, record_id: int) -> dict[str, int]:
    def count(model, column) -> int:
        return s.exec(select(func.count()).select_from(model).where(column == record_id)).one()

    if kind == "contact":
        return {
            "affiliations": count(Affiliation, Affiliation.contact_id),
            "engagements": count(EngagementContact, EngagementContact.contact_id),
        }
    return {
        "people": count(Affiliation, Affiliation.organization_id),
        "engagements": count(EngagementOrganization, EngagementOrganization.organization_id),
        "programs": count(ProgramParticipant, ProgramParticipant.organization_id),
    }


def compare_pair(
    s: Session, viewer: Actor, kind: str, first_id: int, second_id: int
) -> PairComparison:
    """Two contacts or organizations field by field; a person's withheld email and
    phone stay withheld."""
    model = Contact if kind == "contact" else Organization
    first, second = s.get(model, first_id), s.get(model, second_id)
    missions = dict(s.exec(select(Mission.id, Mission.code)).all())

    def value(record, field):
        shown = getattr(record, field)
        if field in ("email", "phone") and kind == "contact" and withholds_contact_details(record):
            return "(withheld)" if shown else ""
        if field == "mission_id":
            return missions.get(shown, "")
        return shown

    fields = [
        ComparedField(field, _label(field), value(first, field), value(second, field))
        for field in MERGE_FIELDS[kind]
    ]
    if kind == "contact":
        names = [f"{c.given_name} {c.family_name}".strip() for c in (first, second)]
    else:
        names = [o.name for o in (first, second)]
    return PairComparison(
        kind,
        first_id,
        second_id,
        names[0],
        names[1],
        fields,
        _links(s, kind, first_id),
        _links(s, kind, second_id),
    )


def merges_of(s: Session, kind: str, record_id: int) -> list[MergeOf]:
    """The merges of this record (as survivor or as the one merged) not undone yet,
    newest first."""
    rows = s.exec(
        select(MergeRecord)
        .where(
            MergeRecord.entity_type == kind,
            MergeRecord.undone_at.is_(None),
            or_(MergeRecord.survivor_id == record_id, MergeRecord.merged_id == record_id),
        )
        .order_by(MergeRecord.id.desc())
    ).all()
    return [MergeOf(r.id, r.survivor_id, r.merged_id, r.merged_at, r.merged_by) for r in rows]
