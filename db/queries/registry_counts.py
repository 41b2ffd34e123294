"""How many live records the registry holds, as the status bar says it: engagements
counted as the person asking may see them, so the bar agrees with their lists."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.foundations.actor import Actor
from db.foundations.models import Contact, Engagement, Organization
from db.rules.visibility import visible_engagements


class RegistryCounts(NamedTuple):
    organizations: int
    contacts: int
    engagements: int


def registry_counts(s: Session, viewer: Actor) -> RegistryCounts:
    """Live organizations, contacts and the engagements `viewer` may see."""

    def live(model, *more):
        return s.exec(
            select(func.count()).select_from(model).where(col(model.archived_at).is_(None), *more)
        ).one()

    return RegistryCounts(
        live(Organization), live(Contact), live(Engagement, visible_engagements(viewer))
    )
