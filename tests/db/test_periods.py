"""Calendar and fiscal quarters."""

from datetime import date

import pytest

from db.foundations.periods import parse_quarter, quarter_containing


def test_calendar_quarter():
    quarter = parse_quarter("2026Q3")
    assert (quarter.start, quarter.end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert quarter.title == "Q3 2026 (July–September 2026)"
    assert quarter.previous().code == "2026Q2" and quarter.next().code == "2026Q4"


def test_fiscal_quarter_of_a_july_year():
    quarter = parse_quarter("FY2026-27Q1")
    assert (quarter.start, quarter.end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert quarter.title == "Q1 FY2026-27 (July–September 2026)"
    assert parse_quarter("FY2026-27Q3").start == date(2027, 1, 1)
    assert quarter.previous().code == "FY2025-26Q4"
    assert quarter_containing(date(2027, 2, 14), fiscal=True).code == "FY2026-27Q3"


@pytest.mark.parametrize("text", ["2026Q5", "FY2026-28Q1", "Q3", "2026", ""])
def test_bad_quarters_are_refused_with_a_sentence(text):
    with pytest.raises(ValueError, match=r"quarter|fiscal year"):
        parse_quarter(text)
