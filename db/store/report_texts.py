"""The words a quarterly report carries: the head of chancery's narrative and the
signature block, kept per quarter and scope."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.foundations import clock
from db.foundations.actor import Actor
from db.foundations.clock import utc_now
from db.foundations.errors import ValidationError
from db.foundations.models import Engagement, Mission, ReportText
from db.foundations.periods import parse_quarter
from db.rules.report_texts import find_report_text
from db.rules.rows import record_id
from db.rules.settings import read_settings
from db.store.audit import record_audit
from db.store.records import apply_changes
from db.store.validation import FieldChecker, plain_text

FIELDS = (
    "narrative",
    "prepared_by",
    "prepared_on",
    "reviewed_by",
    "reviewed_on",
    "approved_by",
    "approved_on",
    "highlights",
)


def save_report_text(
    s: Session, actor: Actor, period: str, scope: str, values: Mapping[str, Any]
) -> int:
    """Create or change the narrative and signatures of one quarter and scope ("ALL" or a
    mission code); return the row id."""
    actor.require_write()
    period = plain_text(period, "period", "The quarter", max_length=20)
    try:
        quarter = parse_quarter(period, read_settings(s).fiscal_year_start_month)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from error
    scope = plain_text(scope, "scope", "The scope", max_length=20).upper()
    if (
        scope != "ALL"
        and s.exec(select(Mission.id).where(func.upper(Mission.code) == scope)).first() is None
    ):
        raise ValidationError({"scope": f"There is no mission with the code {scope}."})
    check = FieldChecker(values, FIELDS, partial=True)
    check.text("narrative", max_length=20_000, multiline=True)
    latest = clock.today() + timedelta(days=31)
    for role in ("prepared", "reviewed", "approved"):
        check.text(f"{role}_by", max_length=200)
        check.day(f"{role}_on", earliest=quarter.start, latest=latest)
    if "highlights" in values:
        check.clean["highlights"] = _highlight_ids(s, check, values["highlights"])
    clean = check.done()
    actor.require_supervisor_of(
        None
        if scope == "ALL"
        else s.exec(select(Mission.id).where(func.upper(Mission.code) == scope)).first()
    )
    row = find_report_text(s, quarter, scope)
    if row is None:
        row = ReportText(
            period=quarter.code,
            period_start=quarter.start,
            period_end=quarter.end,
            scope=scope,
            **clean,
        )
        s.add(row)
        s.flush()
        record_audit(
            s,
            actor,
            "create",
            "report_text",
            row.id,
            {
                "period": (None, quarter.code),
                "scope": (None, scope),
                **{k: (None, v) for k, v in clean.items() if v not in (None, "")},
            },
        )
        return row.id
    changes = apply_changes(row, clean)
    if changes:
        row.updated_at = utc_now()
        s.add(row)
        record_audit(s, actor, "update", "report_text", row.id, changes)
    return row.id


def _highlight_ids(s: Session, check: FieldChecker, raw: Any) -> str:
    """The chosen engagements as stored: their ids, comma-separated ("" for none)."""
    if raw is None:
        return ""
    if not isinstance(raw, list | tuple) or len(raw) > 50:
        check.fail("highlights", "Highlights are a list of at most 50 engagements.")
        return ""
    ids = []
    for item in raw:
        try:
            ids.append(record_id(item, "highlights", "Engagement"))
        except ValidationError as error:
            check.fail("highlights", error.errors["highlights"])
            return ""
    found = set(
        s.exec(
            select(Engagement.id).where(
                col(Engagement.id).in_(ids), col(Engagement.archived_at).is_(None)
            )
        ).all()
    )
    missing = [i for i in ids if i not in found]
    if missing:
        check.fail("highlights", f"There is no engagement with the id {missing[0]}.")
        return ""
    return ",".join(str(i) for i in dict.fromkeys(ids))
