"""What a quarter's report may feature: the engagements with an outcome a viewer may see."""

from __future__ import annotations

from sqlmodel import Session, col, select

from db.foundations.actor import Actor
from db.foundations.models import Engagement, Mission
from db.foundations.periods import Quarter
from db.rules.visibility import visible_engagements


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
