"""Which kept narrative belongs to a quarter's report: one rule for the store that
writes it and the figures that print it."""

from __future__ import annotations

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from db.foundations.models import ReportText
from db.foundations.periods import Quarter


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
