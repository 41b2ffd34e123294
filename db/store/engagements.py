"""Engagements: the log of meetings, calls, letters and events, and their follow-ups."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from db.foundations import clock
from db.foundations.actor import Actor
from db.foundations.clock import utc_now
from db.foundations.errors import PermissionDenied, ValidationError
from db.foundations.models import (
    Contact,
    Engagement,
    EngagementContact,
    EngagementKind,
    EngagementOrganization,
    Mechanism,
    Mission,
    Organization,
    Program,
    Sensitivity,
    User,
)
from db.rules.contact_mission import contact_mission
from db.rules.rows import get_record, linked_ids, record_id
from db.rules.visibility import may_see_engagement
from db.store.audit import record_audit
from db.store.last_engagement import refresh_last_engagement
from db.store.records import (
    apply_changes,
    expected_version,
    refuse_if_changed,
    saved_new_version,
    set_archived,
)
from db.store.sealing import seal_engagement_texts
from db.store.validation import FieldChecker

SCALAR_FIELDS = (
    "date",
    "kind",
    "subject",
    "summary",
    "outcome",
    "mission_id",
    "officer_id",
    "program_id",
    "mechanism",
    "follow_up_date",
    "sensitivity",
)
FIELDS = (*SCALAR_FIELDS, "organization_ids", "contact_ids")
EARLIEST_DATE = date(1990, 1, 1)
# Reaching out to someone who asked not to be contacted is refused; meeting them at an
# event they attend is not.
OUTREACH_KINDS = {
    EngagementKind.CALL,
    EngagementKind.VIDEO_CALL,
    EngagementKind.EMAIL,
    EngagementKind.LETTER,
}


def _ids(check: FieldChecker, s: Session, field: str, model: type, what: str) -> None:
    raw = check.values.get(field)
    if field not in check.values:
        return
    if raw is not None and not isinstance(raw, list | tuple | set | frozenset):
        check.fail(field, f"The {what}s must be given as a list of ids.")
        return
    try:
        ids = sorted({record_id(v, field, what.capitalize()) for v in raw or ()})
    except ValidationError:
        check.fail(field, f"The {what} list holds something that is not an id.")
        return
    if ids:
        found = dict(
            s.exec(select(model.id, model.archived_at).where(col(model.id).in_(ids))).all()
        )
        missing = [i for i in ids if i not in found]
        if missing:
            check.fail(field, f"No {what} has the id {missing[0]}.")
            return
        archived = [i for i in ids if found[i] is not None]
        if archived:
            check.fail(field, f"The {what} {archived[0]} is archived; restore it first.")
            return
    check.clean[field] = ids


def _check(
    s: Session, values: Mapping[str, Any], *, partial: bool, current: Engagement | None = None
) -> dict[str, Any]:
    check = FieldChecker(values, FIELDS, partial=partial)
    check.day(
        "date", earliest=EARLIEST_DATE, latest=clock.today() + timedelta(days=366), required=True
    )
    check.choice("kind", EngagementKind, required=True)
    check.text("subject", required=True, max_length=200)
    check.text("summary", multiline=True)
    check.text("outcome", multiline=True)
    check.reference(s, "mission_id", Mission, what="Mission")
    check.reference(s, "officer_id", User, what="Officer", allow_archived=True)
    check.reference(s, "program_id", Program, what="Program")
    check.choice("mechanism", Mechanism)
    check.day(
        "follow_up_date", earliest=EARLIEST_DATE, latest=clock.today() + timedelta(days=3 * 366)
    )
    check.choice("sensitivity", Sensitivity)
    _ids(check, s, "organization_ids", Organization, "organization")
    _ids(check, s, "contact_ids", Contact, "contact")

    on = check.clean.get("date", current.date if current else None)
    follow_up = check.clean.get("follow_up_date", current.follow_up_date if current else None)
    if on and follow_up and follow_up < on:
        check.fail("follow_up_date", "The follow-up cannot be before the engagement itself.")
    if not partial and not (check.clean.get("organization_ids") or check.clean.get("contact_ids")):
        check.fail("organization_ids", "Name at least one organization or contact.")
    if check.clean.get("sensitivity") is None and "sensitivity" in check.clean:
        check.clean["sensitivity"] = Sensitivity.NORMAL
    # Checked whenever who was reached or how changes (a meeting turned into a call is
    # a call), not when an old call's outcome is edited after the person said no.
    kind = check.clean.get("kind", current.kind if current else None)
    contact_ids = check.clean.get("contact_ids")
    if contact_ids is None and current is not None:
        contact_ids = linked_ids(s, current.id)[1]
    reach_changes = current is None or "kind" in check.clean or "contact_ids" in check.clean
    if reach_changes and kind in OUTREACH_KINDS and contact_ids:
        refusing = s.exec(
            select(Contact).where(
                col(Contact.id).in_(contact_ids),
                col(Contact.do_not_contact).is_(True),
            )
        ).first()
        if refusing is not None:
            check.fail(
                "contact_ids",
                f"{refusing.given_name} {refusing.family_name} asked not to be contacted; "
                "a call, email or letter to them cannot be logged.",
            )
    return check.done()


def log_engagement(s: Session, actor: Actor, values: Mapping[str, Any]) -> int:
    """Record an engagement; return its id.

    The mission defaults to the actor's, then to the first organization's, then to that
    of the first contact (by their organizations, then where they live); the officer
    defaults to the actor.
    """
    actor.require_write()
    clean = _check(s, values, partial=False)
    org_ids = clean.pop("organization_ids", [])
    contact_ids = clean.pop("contact_ids", [])
    if clean.get("mission_id") is None:
        clean["mission_id"] = (
            actor.mission_id
            or _first_org_mission(s, org_ids)
            or _first_contact_mission(s, contact_ids)
        )
    if clean.get("mission_id") is None:
        raise ValidationError(
            {
                "mission_id": "Choose the mission this engagement belongs to: neither you, "
                "its organizations nor its contacts belong to one."
            }
        )
    actor.require_mission(clean["mission_id"], "engagement")
    if clean.get("officer_id") is None:
        clean["officer_id"] = actor.id
    engagement = Engagement(**clean)
    changes = {k: (None, v) for k, v in clean.items() if v not in (None, "")}
    seal_engagement_texts(s, engagement, was_confidential=False, changes=changes)
    s.add(engagement)
    s.flush()
    _set_links(s, engagement.id, org_ids, contact_ids)
    refresh_last_engagement(s, org_ids)
    changes["organization_ids"] = (None, org_ids)
    changes["contact_ids"] = (None, contact_ids)
    record_audit(s, actor, "create", "engagement", engagement.id, changes, engagement.uid)
    return engagement.id


def update_engagement(
    s: Session, actor: Actor, engagement_id: int, values: Mapping[str, Any]
) -> None:
    """Change the given fields or links of an engagement."""
    actor.require_write()
    values, version = expected_version(values)
    engagement = changeable_engagement(s, actor, engagement_id, to_change=True)
    refuse_if_changed(s, engagement, version, "engagement")
    clean = _check(s, values, partial=True, current=engagement)
    org_ids = clean.pop("organization_ids", None)
    contact_ids = clean.pop("contact_ids", None)
    old_orgs, old_contacts = linked_ids(s, engagement.id)
    new_orgs = old_orgs if org_ids is None else org_ids
    new_contacts = old_contacts if contact_ids is None else contact_ids
    if not new_orgs and not new_contacts:
        raise ValidationError({"organization_ids": "Name at least one organization or contact."})
    if "mission_id" in clean and clean["mission_id"] is None:
        raise ValidationError({"mission_id": "Choose the mission this engagement belongs to."})
    actor.require_mission(clean.get("mission_id", engagement.mission_id), "engagement")
    was_confidential = engagement.sensitivity == Sensitivity.CONFIDENTIAL
    before = (engagement.mission_id, engagement.officer_id)
    changes = apply_changes(engagement, clean)
    if (new_orgs, new_contacts) != (old_orgs, old_contacts):
        _set_links(s, engagement.id, new_orgs, new_contacts)
        if new_orgs != old_orgs:
            changes["organization_ids"] = (old_orgs, new_orgs)
        if new_contacts != old_contacts:
            changes["contact_ids"] = (old_contacts, new_contacts)
    if changes:
        seal_engagement_texts(
            s, engagement, was_confidential=was_confidential, changes=changes, before=before
        )
        saved_new_version(engagement)
        s.add(engagement)
        record_audit(s, actor, "update", "engagement", engagement.id, changes, engagement.uid)
    if changes.keys() & {"date", "organization_ids", "sensitivity"}:
        refresh_last_engagement(s, [*old_orgs, *new_orgs])


def complete_follow_up(
    s: Session,
    actor: Actor,
    engagement_id: int,
    done_at: datetime | None = None,
    note: str = "",
) -> bool:
    """Mark an engagement's follow-up done (now, or at `done_at`) with what came of it
    (`note`, which may be empty); False if done already."""
    return _set_follow_up_done(s, actor, engagement_id, done=True, done_at=done_at, note=note)


def reopen_follow_up(s: Session, actor: Actor, engagement_id: int) -> bool:
    """Undo marking a follow-up done (its note goes too; the audit keeps it); False if
    it was not done."""
    return _set_follow_up_done(s, actor, engagement_id, done=False)


def archive_engagement(s: Session, actor: Actor, engagement_id: int) -> bool:
    """Hide an engagement logged by mistake; False if archived already."""
    return _set_engagement_archived(s, actor, engagement_id, True)


def restore_engagement(s: Session, actor: Actor, engagement_id: int) -> bool:
    """Bring an archived engagement back; False if it was not archived."""
    return _set_engagement_archived(s, actor, engagement_id, False)


def _set_engagement_archived(s: Session, actor: Actor, engagement_id: int, archived: bool) -> bool:
    actor.require_write()
    changeable_engagement(s, actor, engagement_id)
    changed = set_archived(s, actor, Engagement, "engagement", engagement_id, archived)
    if changed:
        refresh_last_engagement(s, linked_ids(s, engagement_id)[0])
    return changed


def _set_follow_up_done(
    s: Session,
    actor: Actor,
    engagement_id: int,
    *,
    done: bool,
    done_at: datetime | None = None,
    note: str = "",
) -> bool:
    actor.require_write()
    engagement = changeable_engagement(s, actor, engagement_id)
    if engagement.follow_up_date is None:
        raise ValidationError({"follow_up_date": "This engagement has no follow-up to complete."})
    if (engagement.follow_up_done_at is not None) == done:
        return False
    old, old_note = engagement.follow_up_done_at, engagement.follow_up_note
    given = {"follow_up_note": note}
    fields = ["follow_up_note"]
    if done_at is not None:
        given["follow_up_done_at"] = done_at
        fields.append("follow_up_done_at")
    check = FieldChecker(given, fields, partial=False)
    check.text("follow_up_note", max_length=2000, multiline=True, label_text="The outcome")
    if done_at is not None:
        check.moment("follow_up_done_at")
    checked = check.done()
    done_at = checked.get("follow_up_done_at")
    engagement.follow_up_done_at = (done_at or utc_now()) if done else None
    engagement.follow_up_note = checked.get("follow_up_note", "") if done else ""
    engagement.updated_at = utc_now()
    s.add(engagement)
    record_audit(
        s,
        actor,
        "complete_follow_up" if done else "reopen_follow_up",
        "engagement",
        engagement.id,
        {
            "follow_up_done_at": (old, engagement.follow_up_done_at),
            **(
                {"follow_up_note": (old_note, engagement.follow_up_note)}
                if old_note != engagement.follow_up_note
                else {}
            ),
        },
        engagement.uid,
    )
    return True


def changeable_engagement(
    s: Session, actor: Actor, engagement_id: int, *, to_change: bool = False
) -> Engagement:
    """The engagement, if `actor` may change it (else PermissionDenied): one of their
    mission, and a confidential one only by its own officer, a supervisor or an
    administrator."""
    engagement = get_record(s, Engagement, engagement_id, "engagement", to_change=to_change)
    if not may_see_engagement(actor, engagement):
        raise PermissionDenied(
            f"Engagement {engagement_id} is confidential; only its officer, a supervisor or "
            "an administrator may change it."
        )
    actor.require_mission(engagement.mission_id, "engagement")
    return engagement


def _first_org_mission(s: Session, org_ids: list[int]) -> int | None:
    for org_id in org_ids:
        org = s.get(Organization, org_id)
        if org is not None and org.mission_id is not None:
            return org.mission_id
    return None


def _first_contact_mission(s: Session, contact_ids: list[int]) -> int | None:
    for contact_id in contact_ids:
        mission = s.exec(select(contact_mission()).where(Contact.id == contact_id)).first()
        if mission is not None:
            return mission
    return None


def _set_links(s: Session, engagement_id: int, org_ids: list[int], contact_ids: list[int]) -> None:
    s.exec(
        delete(EngagementOrganization).where(EngagementOrganization.engagement_id == engagement_id)
    )
    s.exec(delete(EngagementContact).where(EngagementContact.engagement_id == engagement_id))
    for org_id in org_ids:
        s.add(EngagementOrganization(engagement_id=engagement_id, organization_id=org_id))
    for contact_id in contact_ids:
        s.add(EngagementContact(engagement_id=engagement_id, contact_id=contact_id))
