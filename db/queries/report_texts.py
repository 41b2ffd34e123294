"""The narrative and signatures kept for a quarter's report, found by its months."""

from __future__ import annotations

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from db.models import Engagement, Mission, ReportText
from db.periods import Quarter
from db.queries.visibility import visible_engagements
from db.store.actor import Actor


def find_report_text(s: Session, quarter: Quarter, scope: str) -> ReportText | None:
    """The text kept for the months of `quarter` and a scope, however the quarter was
    typed when it was saved (the newest, where both spellings were saved before)."""
    return s.exec(
        select(ReportText)
        .where(
            ReportText.scope == scope.upper(),
            or_(
                and_(
                    ReportText.period_start == quarter.start, ReportText.period_end == quarter.end
                ),
                ReportText.period == quarter.code,
            ),
        )
        .order_by(col(ReportText.updated_at).desc(), col(ReportText.id).desc())
    ).first()


def highlight_candidates(
    s: Session, viewer: Actor, quarter: Quarter, scope_code: str, limit: int = 500
) -> list[tuple[int, str]]:
    """(id, label) of the quarter's engagements in the scope with a recorded outcome that
    `viewer` may see, newest first: what the Reports page offers to feature."""
    clauses = [
        col(Engagement.archived_at).is_(None),
        col(Engagement.date).between(quarter.start, quarter.end),
        Engagement.outcome != "",
        visible_engagements(viewer),
    ]
    if scope_code.upper() != "ALL":
        clauses.append(Mission.code == scope_code.upper())
    rows = s.exec(
        select(Engagement.id, Engagement.date, Engagement.subject, Mission.code)
        .outerjoin(Mission, Mission.id == Engagement.mission_id)
        .where(*clauses)
        .order_by(col(Engagement.date).desc(), col(Engagement.id).desc())
        .limit(limit)
    ).all()
    return [(i, f"{day:%d %b %Y} · {code or '—'} · {subject}") for i, day, subject, code in rows]
