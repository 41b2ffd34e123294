"""Who may see what: the one rule every read path applies.

Confidential engagements are seen only by the officer they belong to, supervisors and
administrators; a report without confidential engagements leaves them all out. A
contact who refused consent, or asked not to be contacted, has their email and phone
withheld wherever they would be shown or printed.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true
from sqlmodel import col

from db.models import Consent, Contact, Engagement, Sensitivity
from db.store.actor import Actor


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
