"""report_text found by the months it covers, not by how the quarter was typed

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24

A narrative saved for 2026Q3 was missing from the FY2026-27Q1 report of the same
months. Each saved text now carries the first and last day of its quarter, filled
here from its quarter code (fiscal quarters with the installation's fiscal year), and
the report finds it by those days and its scope; the newest wins where both spellings
were saved.
"""

import re
from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CALENDAR = re.compile(r"^(\d{4})Q([1-4])$")
_FISCAL = re.compile(r"^FY(\d{4})-\d{2}Q([1-4])$")


def _months(code: str, fiscal_start_month: int) -> tuple[date, date] | None:
    """First and last day of a stored quarter code (as db/foundations/periods.py wrote it)."""
    if match := _CALENDAR.match(code):
        year, number = int(match[1]), int(match[2])
        start = date(year, 3 * number - 2, 1)
    elif match := _FISCAL.match(code):
        year, number = int(match[1]), int(match[2])
        month = fiscal_start_month - 1 + 3 * (number - 1)
        start = date(year + month // 12, month % 12 + 1, 1)
    else:
        return None
    after = date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
    return start, after - timedelta(days=1)


def upgrade() -> None:
    op.add_column("report_text", sa.Column("period_start", sa.Date(), nullable=True))
    op.add_column("report_text", sa.Column("period_end", sa.Date(), nullable=True))
    op.create_index("ix_report_text_period_start_scope", "report_text", ["period_start", "scope"])
    connection = op.get_bind()
    stored = connection.execute(
        sa.text("SELECT value FROM setting WHERE key = 'fiscal_year_start_month'")
    ).scalar()
    fiscal_start_month = int(stored) if stored else 7
    for row_id, code in connection.execute(sa.text("SELECT id, period FROM report_text")).all():
        months = _months(code, fiscal_start_month)
        if months is not None:
            connection.execute(
                sa.text("UPDATE report_text SET period_start = :s, period_end = :e WHERE id = :i"),
                {"s": months[0], "e": months[1], "i": row_id},
            )


def downgrade() -> None:
    op.drop_index("ix_report_text_period_start_scope", table_name="report_text")
    op.execute("ALTER TABLE report_text DROP COLUMN period_end")
    op.execute("ALTER TABLE report_text DROP COLUMN period_start")
