"""The quarterly outreach report built from the demo data and read back."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from db import store
from db.figures.quarterly import quarterly_report_data
from db.foundations import clock
from db.foundations.actor import SYSTEM_ACTOR, Actor
from db.foundations.errors import PermissionDenied, ValidationError
from db.foundations.labels import counted
from db.foundations.models import AuditEntry, Engagement, Organization, ReportText, Sensitivity
from db.foundations.periods import parse_quarter, quarter_containing
from db.store.engagements import log_engagement
from db.store.organizations import create_organization
from db.store.report_texts import save_report_text
from reports.produce import produce_quarterly_report
from tests.reports.conftest import pdf_pages

# Figures of a quarter: run again pinned to the days quarters and years turn (make test).
pytestmark = pytest.mark.calendar


def _demo_actor(engine, username: str) -> Actor:
    from db.foundations.models import User
    from db.store.users import actor_of

    with Session(engine) as s:
        return actor_of(s.exec(select(User).where(User.username == username)).one())


def _all_missions(engine):
    """Every mission of the registry."""
    from db.foundations.models import Mission

    with Session(engine) as s:
        return list(s.exec(select(Mission)))


def _last_quarter():
    return quarter_containing(clock.today(), fiscal=True).previous()


def test_report_figures_equal_the_stats_and_every_page_is_marked(
    demo_engine, demo_officer, tmp_path
):
    quarter = _last_quarter()
    out = tmp_path / "q.pdf"
    produced = produce_quarterly_report(demo_engine, demo_officer, quarter.code, out)
    with Session(demo_engine) as s:
        data = quarterly_report_data(s, SYSTEM_ACTOR, quarter)
    pages = pdf_pages(out)
    assert produced.pages == len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        assert "OFFICIAL — SENSITIVE" in page
        assert f"Page {number} of {len(pages)}" in page
    summary = next(p for p in pages if "Executive summary" in p)
    assert (
        f"Officers logged {data.current.engagements:,} engagements with "
        f"{data.current.organizations_engaged:,} diaspora organizations"
        in " ".join(summary.split())
    )
    flat = " ".join(summary.split())
    assert re.search(
        rf"Engagements logged {data.current.engagements:,} "
        rf"{data.previous.engagements:,}",
        flat,
    )
    year_ago = data.last_year_quarter
    with Session(demo_engine) as s:
        assert data.last_year == quarterly_report_data(s, SYSTEM_ACTOR, year_ago).current
    assert year_ago.start.year == quarter.start.year - 1 and year_ago.code[-1] == quarter.code[-1]
    assert year_ago.title.split(" (")[0] in flat  # the same quarter last year, its own column
    assert re.search(
        rf"Engagements logged {data.current.engagements:,} {data.previous.engagements:,} "
        rf"\S+ {data.last_year.engagements:,} ",
        flat,
    )
    assert quarter.title in pages[0]
    assert "Pakistan Diaspora Commission" in pages[0]
    start = next(n for n, p in enumerate(pages) if "Appendix: engagement log" in p)
    appendix = " ".join(pages[start:])
    months = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
    assert len(re.findall(rf"\b\d{{2}} (?:{months})\b", appendix)) == len(data.engagement_log)


def test_no_confidential_subject_reaches_an_officer(demo_engine, demo_officer, tmp_path):
    quarter = _last_quarter()
    # The demo's confidential subjects may all be used by normal engagements too: one
    # that is only confidential, so that its absence from the PDF means something.
    supervisor = Actor(id=None, username="s.hashmi", role="supervisor")
    with store.session(demo_engine) as s:
        org = s.exec(select(Organization.id).order_by(Organization.id)).first()
        log_engagement(
            s,
            supervisor,
            {
                "date": quarter.start + timedelta(days=10),
                "kind": "meeting",
                "subject": "Closed-door briefing on a family's case",
                "organization_ids": [org],
                "sensitivity": Sensitivity.CONFIDENTIAL,
            },
        )
    with Session(demo_engine) as s:
        confidential = s.exec(
            select(Engagement.subject).where(
                Engagement.sensitivity == Sensitivity.CONFIDENTIAL,
                Engagement.date.between(quarter.start, quarter.end),
            )
        ).all()
        normal = set(
            s.exec(
                select(Engagement.subject).where(Engagement.sensitivity == Sensitivity.NORMAL)
            ).all()
        )
    only_confidential = [subject for subject in confidential if subject not in normal]
    assert only_confidential, "the demo quarter should hold a confidential-only subject"
    out = tmp_path / "q.pdf"
    produce_quarterly_report(demo_engine, demo_officer, quarter.code, out)
    text = " ".join(" ".join(pdf_pages(out)).split())
    for subject in only_confidential:
        assert subject not in text
    assert "[confidential]" not in text
    with pytest.raises(PermissionDenied):
        produce_quarterly_report(
            demo_engine, demo_officer, quarter.code, out, include_confidential=True
        )


def test_a_supervisor_may_include_confidential_engagements(demo_engine, tmp_path):
    supervisor = Actor(id=None, username="s.hashmi", role="supervisor")
    out = tmp_path / "q.pdf"
    produce_quarterly_report(
        demo_engine, supervisor, _last_quarter().code, out, include_confidential=True
    )
    assert "[confidential]" in " ".join(pdf_pages(out))


def test_a_quarter_without_data_still_gives_an_honest_pdf(demo_engine, demo_officer, tmp_path):
    out = tmp_path / "empty.pdf"
    produce_quarterly_report(demo_engine, demo_officer, "2015Q1", out)
    reader = PdfReader(str(out))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "No engagements were logged" in text
    assert "No program events were held" in text
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in text


def test_mission_scope_narrative_and_signatures(demo_engine, demo_officer, tmp_path):
    quarter = _last_quarter()
    with pytest.raises(PermissionDenied, match="supervisor"), store.session(demo_engine) as s:
        save_report_text(s, demo_officer, quarter.code, "hou", {"narrative": "Not mine."})
    with store.session(demo_engine) as s:
        save_report_text(
            s,
            _demo_actor(demo_engine, "r.sheikh"),  # the Head of Chancery, Houston
            quarter.code,
            "hou",
            {
                "narrative": "Roshan Digital outreach in Texas exceeded its target.",
                "prepared_by": "Nadia Jamil",
                "prepared_on": quarter.end,
                "approved_by": "Consul General",
            },
        )
    out = tmp_path / "hou.pdf"
    produce_quarterly_report(demo_engine, demo_officer, quarter.code, out, mission="HOU")
    text = " ".join(" ".join(pdf_pages(out)).split())
    assert "Consulate General of Pakistan, Houston" in text
    assert "Roshan Digital outreach in Texas exceeded its target." in text
    assert "Nadia Jamil" in text and quarter.end.strftime("%d %B %Y") in text
    assert "Engagements by mission" not in text
    with Session(demo_engine) as s:
        audit = s.exec(select(AuditEntry).where(AuditEntry.action == "read_out")).all()
    assert [a.entity_type for a in audit] == ["quarterly_report"]


def test_bad_requests_are_refused_with_sentences(demo_engine, demo_officer, tmp_path):
    with pytest.raises(ValidationError, match="not a quarter"):
        produce_quarterly_report(demo_engine, demo_officer, "2026Q9", tmp_path / "x.pdf")
    with pytest.raises(ValidationError, match="known codes: CHI, HOU, LAX, NYC, WAS"):
        produce_quarterly_report(
            demo_engine, demo_officer, "2026Q3", tmp_path / "x.pdf", mission="XYZ"
        )
    with pytest.raises(ValidationError, match="does not exist"):
        produce_quarterly_report(
            demo_engine, demo_officer, "2026Q3", tmp_path / "missing" / "x.pdf"
        )
    assert [p for p in tmp_path.rglob("*") if "x.pdf" in p.name] == []


def test_the_narrative_is_found_however_the_quarter_is_typed(demo_engine, demo_officer):
    """Text saved for 2026Q3 belongs to the FY2026-27Q1 report too: the same months."""
    with store.session(demo_engine) as s:
        admin = _demo_actor(demo_engine, "commission.admin")
        save_report_text(s, admin, "2026Q3", "ALL", {"narrative": "Typed as 2026Q3."})
        save_report_text(s, admin, "FY2026-27Q1", "ALL", {"prepared_by": "A. Officer"})
    with Session(demo_engine) as s:
        for typed in ("2026Q3", "FY2026-27Q1"):
            texts = quarterly_report_data(s, SYSTEM_ACTOR, parse_quarter(typed, 7)).texts
            assert (texts.narrative, texts.prepared_by) == ("Typed as 2026Q3.", "A. Officer")
        assert len(s.exec(select(ReportText)).all()) == 1


def test_overdue_follow_ups_are_listed_by_mission_and_counted(demo_engine, demo_officer, tmp_path):
    quarter = _last_quarter()  # the demo is dated from the day it is loaded
    with Session(demo_engine) as s:
        expected = s.exec(
            select(Engagement).where(
                Engagement.archived_at.is_(None),
                Engagement.follow_up_done_at.is_(None),
                Engagement.follow_up_date <= quarter.end,
                Engagement.sensitivity != Sensitivity.CONFIDENTIAL,
            )
        ).all()
        data = quarterly_report_data(s, SYSTEM_ACTOR, quarter)
    assert expected, "the demo has open follow-ups from before the quarter's end"
    assert data.follow_ups_overdue_total == len(expected)
    by_mission = {row.key: row.count for row in data.overdue_by_mission}
    assert sum(by_mission.values()) == len(expected)
    missions = {m.id: m.code for m in _all_missions(demo_engine)}
    for code, count in by_mission.items():
        assert count == sum(1 for e in expected if missions.get(e.mission_id) == code)
    listed = [(f.mission_code, f.due) for f in data.follow_ups_overdue]
    assert listed == sorted(listed)
    out = tmp_path / "q.pdf"
    produce_quarterly_report(demo_engine, demo_officer, quarter.code, out)
    flat = " ".join(" ".join(pdf_pages(out)).split())
    assert "Overdue follow-ups" in flat
    for row in data.overdue_by_mission:  # the count per mission, before the list
        assert f"{row.label} ({row.key}) {row.count}" in flat
    still_open = "is" if len(expected) == 1 else "are"
    assert (
        f"{counted(len(expected), 'follow-up')} due by the end of the quarter {still_open} "
        "still open" in flat
    )
    for engagement in expected:
        assert engagement.follow_up_date.strftime("%d %b %Y") in flat


def test_a_confidential_engagement_neither_shows_nor_ends_dormancy(engine, officer):
    """The dormant list reads engagements under the report's own rule: left out, a
    confidential meeting neither prints its date nor makes the organization active."""
    quarter = parse_quarter("2026Q3", 7)
    long_ago, recently = date(2025, 10, 6), date(2026, 8, 11)
    with store.session(engine) as s:
        org = create_organization(
            s,
            officer,
            {
                "name": "Quiet Society",
                "kind": "cultural",
                "priority": "high",
                "created_at": datetime(2024, 1, 1, tzinfo=UTC),
            },
        )
        for day, sensitivity in ((long_ago, "normal"), (recently, "confidential")):
            log_engagement(
                s,
                officer,
                {
                    "date": day,
                    "kind": "meeting",
                    "subject": f"Talk {day}",
                    "organization_ids": [org],
                    "sensitivity": sensitivity,
                },
            )
    with Session(engine) as s:
        left_out = quarterly_report_data(s, SYSTEM_ACTOR, quarter)
        included = quarterly_report_data(s, SYSTEM_ACTOR, quarter, include_confidential=True)
    assert [(d.name, d.last_engagement) for d in left_out.dormant_priority] == [
        ("Quiet Society", long_ago)
    ]
    assert included.dormant_priority == []


@pytest.mark.parametrize("mission", ["LAX", "NYC", "LONG"])
def test_the_running_header_fits_the_page_without_overlap(
    demo_engine, demo_officer, tmp_path, mission
):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from db.foundations.actor import SYSTEM_ACTOR
    from db.store.missions import create_mission
    from reports.document import CONTENT_WIDTH, MARGIN, PAGE_SIZE
    from reports.fonts import SANS

    if mission == "LONG":
        with store.session(demo_engine) as s:
            create_mission(
                s,
                SYSTEM_ACTOR,
                {
                    "code": "LONG",
                    "kind": "embassy",
                    "country": "US",
                    "name": "Embassy of the Islamic Republic of Pakistan to the United States "
                    "of America and Permanent Mission to the Organization of American States",
                },
            )
    out = tmp_path / "q.pdf"
    produce_quarterly_report(demo_engine, demo_officer, "FY2026-27Q1", out, mission=mission)
    header_y = PAGE_SIZE[1] - MARGIN + 3 * 2.8346  # 1 mm above the rule, 2 mm up
    for page in PdfReader(str(out)).pages[1:3]:
        spans = []

        def keep(text, cm, tm, font, size, spans=spans):
            y = tm[5] * cm[3] + cm[5]
            if text.strip() and abs(y - header_y) < 2:
                x = tm[4] * cm[0] + cm[4]
                spans.append((x, x + stringWidth(text.strip(), SANS, 7.5), text.strip()))

        page.extract_text(visitor_text=keep)
        (left_start, left_end, left), (right_start, right_end, right) = sorted(spans)
        assert left_start >= MARGIN - 0.5 and right_end <= MARGIN + CONTENT_WIDTH + 0.5
        assert left_end + 10 <= right_start, (left, right)


def test_a_report_with_confidential_engagements_says_so_on_every_page(demo_engine, tmp_path):
    from db.rules.settings import read_settings

    supervisor = Actor(id=None, username="sana.supervisor", role="supervisor")
    quarter = _last_quarter()
    out = tmp_path / "q.pdf"
    produce_quarterly_report(demo_engine, supervisor, quarter.code, out, include_confidential=True)
    with Session(demo_engine) as s:
        marking = read_settings(s).report_marking_confidential
    pages = pdf_pages(out)
    assert "Includes confidential engagements" in pages[0]
    assert all(marking in " ".join(page.split()) for page in pages)
    assert "[confidential]" in " ".join(pages)


def test_new_contacts_of_the_missions_add_up_to_the_installation(demo_engine):
    """A mission's new contacts are counted through their organizations' mission, so
    that every new contact with an organization or a home region belongs to one."""
    from db.foundations.actor import SYSTEM_ACTOR
    from db.foundations.models import Mission
    from db.store.contacts import create_contact

    quarter = _last_quarter()
    with store.session(demo_engine) as s:
        org = s.exec(select(Organization.id).where(Organization.mission_id.is_not(None))).first()
        create_contact(  # no home region: belongs to their organization's mission
            s,
            SYSTEM_ACTOR,
            {
                "given_name": "Regionless",
                "affiliations": [{"organization_id": org}],
                "created_at": datetime.combine(quarter.start, datetime.min.time(), tzinfo=UTC),
            },
        )
    with Session(demo_engine) as s:
        codes = s.exec(select(Mission.code)).all()
        total = quarterly_report_data(s, SYSTEM_ACTOR, quarter).current.new_contacts
        per_mission = [
            quarterly_report_data(s, SYSTEM_ACTOR, quarter, code).current.new_contacts
            for code in codes
        ]
    assert total > 0
    assert sum(per_mission) == total


def test_the_summary_counts_in_words_a_reader_would_write(engine, officer, tmp_path):
    from reports.quarterly import _change

    assert counted(1, "engagement") == "1 engagement"
    assert counted(1234, "engagement") == "1,234 engagements"
    assert _change(5, 5) == "no change"
    assert _change(4963, 3) == "from 3 to 4,963"
    assert _change(0, 3) == "-100%"
    assert _change(1001, 1000) == "+0.1%"
    quarter = parse_quarter("2026Q3", 7)
    with store.session(engine) as s:
        org = create_organization(s, officer, {"name": "Solo Society", "kind": "cultural"})
        log_engagement(
            s,
            officer,
            {
                "date": date(2026, 8, 3),
                "kind": "call",
                "subject": "Hello",
                "organization_ids": [org],
            },
        )
        from db.store.programs import add_event, create_program

        program = create_program(
            s,
            officer,
            {"name": "Mela", "kind": "cultural_festival", "lead_mission_id": officer.mission_id},
        )
        for day in (5, 6):
            add_event(s, officer, program, {"date": date(2026, 8, day), "title": f"Day {day}"})
    out = tmp_path / "q.pdf"
    produce_quarterly_report(engine, officer, quarter.code, out, mission="HOU")
    flat = " ".join(" ".join(pdf_pages(out)).split())
    assert (
        "Officers logged 1 engagement with 1 diaspora organization, against 0 engagements" in flat
    )
    assert "2 program events were held; attendance was not recorded." in flat
    assert "drew 0 people" not in flat


def test_the_log_header_repeats_once_per_page_and_labels_stay_on_the_page(
    demo_engine, demo_officer, tmp_path
):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from db.figures.measures import CountRow
    from reports.charts import horizontal_bars
    from reports.fonts import SANS

    out = tmp_path / "q.pdf"
    produce_quarterly_report(demo_engine, demo_officer, _last_quarter().code, out)
    pages = pdf_pages(out)
    start = next(n for n, p in enumerate(pages) if "Appendix: engagement log" in p)
    for page in pages[start:]:
        assert " ".join(page.split()).count("Date Kind Subject Organizations Mission Officer") == 1

    long_name = "Embassy of the Islamic Republic of Pakistan to the United States of America"
    drawing = horizontal_bars([CountRow("X", long_name, 12)], "By mission", 480, label_width=210)
    (chart,) = [node for node in drawing.contents if hasattr(node, "categoryAxis")]
    (label,) = chart.categoryAxis.categoryNames
    assert label.endswith("…") and stringWidth(label, SANS, 8) <= 210 - 10


def test_every_section_is_a_bookmark_on_its_own_page(demo_engine, demo_officer, tmp_path):
    out = tmp_path / "q.pdf"
    produce_quarterly_report(demo_engine, demo_officer, _last_quarter().code, out)
    reader = PdfReader(str(out))
    flat = [entry for entry in reader.outline if not isinstance(entry, list)]
    titles = [entry.title for entry in flat]
    assert titles[0] == "Executive summary" and titles[-1] == "Appendix: engagement log"
    for entry in flat:
        page = reader.pages[reader.get_destination_page_number(entry)].extract_text()
        assert entry.title in " ".join(page.split())
    assert reader.metadata["/Author"] == (demo_officer.display_name or demo_officer.username)


def test_what_readers_missed_is_in_the_all_missions_report(demo_engine, demo_officer, tmp_path):
    from db.foundations.models import ProgramEvent

    quarter = _last_quarter()
    upcoming = quarter.next()
    with Session(demo_engine) as s:
        data = quarterly_report_data(s, SYSTEM_ACTOR, quarter)
        scheduled = s.exec(
            select(ProgramEvent.title).where(
                ProgramEvent.date.between(upcoming.start, upcoming.end)
            )
        ).all()
    assert sum(m.engagements for m in data.mission_comparison) == data.current.engagements
    assert all(0 <= m.coverage <= 100 for m in data.mission_comparison if m.coverage is not None)
    assert scheduled, "the demo schedules program events for next quarter"
    assert sorted(e.title for e in data.upcoming_program_events) == sorted(scheduled)
    assert data.highlights and all(h.outcome for h in data.highlights)
    out = tmp_path / "q.pdf"
    produce_quarterly_report(demo_engine, demo_officer, quarter.code, out)
    flat = " ".join(" ".join(pdf_pages(out)).split())
    for heading in (
        "Missions compared",
        "Highlights",
        f"Program events planned for {upcoming.title}",
    ):
        assert heading in flat
    for title in scheduled:
        assert title in flat


def test_roshan_digital_figures_reach_every_mission_with_their_source(demo_engine, demo_officer):
    from sqlalchemy import func

    from db.foundations.models import Indicator, Measurement

    quarter = parse_quarter("FY2026-27Q1", 7)
    with Session(demo_engine) as s:
        opened = s.exec(
            select(func.sum(Measurement.value))
            .join(Indicator, Indicator.id == Measurement.indicator_id)
            .where(
                Indicator.name == "Roshan Digital Accounts opened",
                Measurement.period_start.between(date(2026, 7, 1), quarter.start),
            )
        ).one()
        for mission, source in (("LAX", "national"), ("HOU", "own"), ("ALL", "national")):
            data = quarterly_report_data(s, SYSTEM_ACTOR, quarter, mission)
            (figure,) = [
                h for h in data.headline_figures if h.indicator == "Roshan Digital Accounts opened"
            ]
            assert figure.year_to_date == opened
            assert figure.national == (source == "national")
            assert figure.reported_by == "Consulate General of Pakistan, Houston"
