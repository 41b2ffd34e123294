"""Who may see what: the one rule every read path applies.

Confidential engagements are seen only by the officer they belong to, supervisors and
administrators; a report without confidential engagements leaves them all out. A
contact who refused consent, or asked not to be contacted, has their email and phone
withheld wherever they would be shown or printed.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true
from sqlmodel import col

from db.foundations.actor import Actor
from db.foundations.errors import PermissionDenied
from db.foundations.models import Consent, Contact, Engagement, Sensitivity


def visible_engagements(actor: Actor, *, include_confidential: bool = True) -> ColumnElement:
    """The condition on Engagement rows `actor` may read; with `include_confidential`
    False (a report that leaves them out), no confidential engagement at all."""
    not_confidential = Engagement.sensitivity != Sensitivity.CONFIDENTIAL
    if not include_confidential:
        return not_confidential
    if actor.sees_confidential:
        return true()
    if actor.id is None:
        return not_confidential
    return or_(not_confidential, Engagement.officer_id == actor.id)


def visible_engagements_sql(actor: Actor, alias: str) -> str:
    """The same rule as `visible_engagements`, as a fragment of raw SQL (" AND ...", or
    "") over the engagement table under `alias`, for the search index's own queries;
    the query binds `:viewer` to the actor's id (-1 when none)."""
    if actor.sees_confidential:
        return ""
    return f" AND ({alias}.sensitivity <> 'confidential' OR {alias}.officer_id = :viewer)"


def require_confidential_allowed(actor: Actor, include_confidential: bool) -> None:
    """Raise PermissionDenied when `actor` asks for a report or brief with confidential
    engagements in it and may not see them all."""
    if include_confidential and not actor.sees_confidential:
        raise PermissionDenied(
            f"{actor.username} is not a supervisor; only supervisors and administrators may "
            "include confidential engagements in a report."
        )


def may_see_engagement(actor: Actor, engagement: Engagement) -> bool:
    """The same rule for one loaded engagement."""
    return (
        engagement.sensitivity != Sensitivity.CONFIDENTIAL
        or actor.sees_confidential
        or (actor.id is not None and engagement.officer_id == actor.id)
    )


def withholds_contact_details(contact: Contact) -> bool:
    """True when the person's email and phone must not be shown or printed."""
    return bool(contact.do_not_contact) or contact.consent == Consent.REFUSED


def contact_details_withheld() -> ColumnElement:
    """The SQL form of `withholds_contact_details`."""
    return or_(col(Contact.do_not_contact).is_(True), Contact.consent == Consent.REFUSED)
