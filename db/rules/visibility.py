"""Who may see what: the one rule every read path applies.

A confidential engagement is seen only by the officer it belongs to, the supervisors of
its mission, supervisors with no mission (commission-wide) and administrators; a report
without confidential engagements leaves them all out. A
contact who refused consent, or asked not to be contacted, has their email and phone
withheld wherever they would be shown or printed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, or_, true
from sqlmodel import col

from db.foundations.actor import Actor
from db.foundations.errors import PermissionDenied
from db.foundations.models import Consent, Contact, Engagement, Sensitivity, User, UserRole


def visible_engagements(actor: Actor, *, include_confidential: bool = True) -> ColumnElement:
    """The condition on Engagement rows `actor` may read; with `include_confidential`
    False (a report that leaves them out), no confidential engagement at all."""
    not_confidential = Engagement.sensitivity != Sensitivity.CONFIDENTIAL
    if not include_confidential:
        return not_confidential
    if actor.sees_all_confidential:
        return true()
    if actor.id is None:
        return not_confidential
    allowed = [not_confidential, Engagement.officer_id == actor.id]
    if actor.role == UserRole.SUPERVISOR and actor.mission_id is not None:
        allowed.append(Engagement.mission_id == actor.mission_id)
    return or_(*allowed)


def visible_engagements_sql(actor: Actor, alias: str) -> str:
    """The same rule as `visible_engagements`, as a fragment of raw SQL (" AND ...", or
    "") over the engagement table under `alias`, for the search index's own queries;
    the query binds `:viewer` to the actor's id (-1 when none)."""
    if actor.sees_all_confidential:
        return ""
    own_mission = ""
    if actor.role == UserRole.SUPERVISOR and actor.mission_id is not None:
        own_mission = f" OR {alias}.mission_id = {int(actor.mission_id)}"
    return (
        f" AND ({alias}.sensitivity <> 'confidential' OR {alias}.officer_id = :viewer{own_mission})"
    )


def require_confidential_allowed(
    actor: Actor, include_confidential: bool, mission_id: int | None = None
) -> None:
    """Raise PermissionDenied when `actor` asks for a report or brief with confidential
    engagements in it (of `mission_id`; None: of every mission) and may not see them all."""
    if not include_confidential or actor.sees_confidential_of(mission_id):
        return
    if actor.role == UserRole.SUPERVISOR:
        raise PermissionDenied(
            f"{actor.username} supervises one mission; a report with confidential "
            "engagements may cover that mission only."
        )
    raise PermissionDenied(
        f"{actor.username} is not a supervisor; only supervisors and administrators may "
        "include confidential engagements in a report."
    )


def may_see_engagement(actor: Actor, engagement: Engagement) -> bool:
    """The same rule for one loaded engagement."""
    return (
        engagement.sensitivity != Sensitivity.CONFIDENTIAL
        or actor.sees_all_confidential
        or (actor.id is not None and engagement.officer_id == actor.id)
        or (
            actor.role == UserRole.SUPERVISOR
            and actor.mission_id is not None
            and engagement.mission_id == actor.mission_id
        )
    )


def reads_confidential_of(mission_id: Any, officer_id: Any) -> ColumnElement:
    """The condition on User rows who may read the confidential engagements of
    `officer_id` in `mission_id` (values or columns): the same rule, from the reader's
    side, for those who hold a reading key; the sealing keys are wrapped to them."""
    return and_(
        col(User.active).is_(True),
        col(User.reading_key).is_not(None),
        or_(
            User.id == officer_id,
            User.role == UserRole.ADMIN,
            and_(
                User.role == UserRole.SUPERVISOR,
                or_(col(User.mission_id).is_(None), User.mission_id == mission_id),
            ),
        ),
    )


def withholds_contact_details(contact: Contact) -> bool:
    """True when the person's email and phone must not be shown or printed."""
    return bool(contact.do_not_contact) or contact.consent == Consent.REFUSED


def contact_details_withheld() -> ColumnElement:
    """The SQL form of `withholds_contact_details`."""
    return or_(col(Contact.do_not_contact).is_(True), Contact.consent == Consent.REFUSED)
