"""The mission a contact belongs to, as one SQL expression for every query that needs it.
A server holds a person's own role to the same rule as the function
rabta_contact_mission (migration 0020): keep the two alike."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select

from db.foundations.models import Affiliation, Contact, Jurisdiction, Organization


def contact_mission():
    """SQL for the mission a contact belongs to: that of their primary (else first)
    organization, else the one whose jurisdiction covers where they live. The quarterly
    report counts new contacts by it, so that the missions add up to the installation,
    and an engagement with people alone takes its mission from it."""
    through_organization = (
        select(Organization.mission_id)
        .join(Affiliation, Affiliation.organization_id == Organization.id)
        .where(Affiliation.contact_id == Contact.id, col(Organization.mission_id).is_not(None))
        .order_by(col(Affiliation.is_primary).desc(), Affiliation.id)
        .limit(1)
        .correlate(Contact)
        .scalar_subquery()
    )
    by_residence = (
        select(Jurisdiction.mission_id)
        .where(Jurisdiction.region_code == Contact.region_code)
        .correlate(Contact)
        .scalar_subquery()
    )
    return func.coalesce(through_organization, by_residence)
