"""Both reports print when every text field holds as much as the store accepts.

Long text in a table cell is shortened with a note saying how much was left out;
paragraphs (description, narrative) flow across pages in full.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from db import store
from db.foundations import clock
from db.foundations.actor import SYSTEM_ACTOR
from db.foundations.periods import quarter_containing
from db.store.contacts import create_contact
from db.store.engagements import log_engagement
from db.store.missions import create_mission, set_jurisdiction
from db.store.organizations import create_organization
from db.store.programs import (
    add_event,
    add_indicator,
    add_participant,
    create_program,
    record_measurement,
)
from db.store.report_texts import save_report_text
from db.store.settings import set_setting
from db.store.validation import LONG_TEXT_LENGTH
from reports.produce import produce_organization_brief, produce_quarterly_report
from tests.reports.conftest import pdf_pages

WORDS = [
    "community",
    "welfare",
    "association",
    "reception",
    "consulate",
    "outreach",
    "program",
    "meeting",
]


def prose(length: int, seed: int = 0, *, breaks: bool = False) -> str:
    """Ordinary words filling exactly `length` characters (a line break now and then if
    asked), starting at a different word for each seed."""
    turn = seed % len(WORDS)
    words = (WORDS[turn:] + WORDS[:turn]) * (length // 40 + 1)
    separators = ["\n" if breaks and n % 40 == 39 else " " for n in range(len(words))]
    pairs = zip(words, separators, strict=True)
    text = "".join(word + separator for word, separator in pairs)[:length]
    return text[:-1] + "x" if text[-1].isspace() else text


def unbroken(length: int, letter: str = "W") -> str:
    """One word as long as the field allows: the widest text a cell can get."""
    return letter * length


@pytest.fixture(params=["prose", "unbroken"])
def longest(request, engine, geography):
    """A registry whose every text field is at its maximum length."""
    fill = prose if request.param == "prose" else (lambda n, seed=0, breaks=False: unbroken(n))
    quarter = quarter_containing(clock.today() - timedelta(days=100), fiscal=True)
    day = quarter.start + timedelta(days=10)
    with store.session(engine) as s:
        set_setting(s, SYSTEM_ACTOR, "installation_name", fill(200, 1))
        set_setting(s, SYSTEM_ACTOR, "report_marking", fill(200, 2).upper())
        long_mission = create_mission(
            s,
            SYSTEM_ACTOR,
            {
                "code": "LONGEST",
                "name": fill(200, 2),
                "kind": "consulate_general",
                "country": "US",
                "city": fill(120, 3),
            },
        )
        set_jurisdiction(s, SYSTEM_ACTOR, long_mission, ["US-NJ"])
        org_ids = []
        for n in range(3):
            org_ids.append(
                create_organization(
                    s,
                    SYSTEM_ACTOR,
                    {
                        "name": f"{n:x} " + fill(198, n),
                        "acronym": f"{n:x}" + fill(29, n),
                        "kind": "professional",
                        "description": prose(LONG_TEXT_LENGTH, n, breaks=True),
                        "website": "https://" + fill(180, n) + ".org",
                        "email": "office@example.org" if n == 0 else "",
                        "address": fill(500, n),
                        "city": fill(120, n),
                        "region_code": "US-TX",
                        "priority": "high",
                        "tags": [fill(60, n), fill(60, n + 1)],
                        "created_at": quarter.start - timedelta(days=400),
                    },
                )
            )
        contact_ids = []
        for n in range(12):
            contact_ids.append(
                create_contact(
                    s,
                    SYSTEM_ACTOR,
                    {
                        "given_name": f"{n:x}" + fill(99, n),
                        "family_name": fill(100, n + 1),
                        "name_urdu": "محمد " * 40,
                        "honorific": fill(30, n),
                        "profession": fill(120, n),
                        "city": fill(120, n),
                        "email": f"person{n}@" + "a" * 50 + ".example.org",
                        "phone": "+1 713 555 0147",
                        "consent": "granted" if n % 3 else "refused",
                        "consent_source": fill(200, n),
                        "do_not_contact": n == 5,
                        "notes": prose(LONG_TEXT_LENGTH, n, breaks=True),
                        "affiliations": [
                            {
                                "organization_id": org_ids[0],
                                "role_title": fill(120, n),
                                "is_primary": n == 0,
                            }
                        ],
                    },
                )
            )
        program = create_program(
            s,
            SYSTEM_ACTOR,
            {
                "name": fill(200, 4),
                "kind": "cultural_festival",
                "description": prose(LONG_TEXT_LENGTH, 4, breaks=True),
                "start_date": quarter.start - timedelta(days=30),
            },
        )
        add_participant(s, SYSTEM_ACTOR, program, org_ids[0])
        for n in range(3):
            add_event(
                s,
                SYSTEM_ACTOR,
                program,
                {
                    "date": day + timedelta(days=n),
                    "title": f"{n:x}" + fill(199, n),
                    "venue": fill(200, n),
                    "city": fill(120, n),
                    "attendance": 999_999,
                },
            )
            indicator = add_indicator(
                s,
                SYSTEM_ACTOR,
                program,
                {"name": f"{n:x}" + fill(199, n), "unit": fill(40, n), "target_per_quarter": 10**9},
            )
            record_measurement(
                s,
                SYSTEM_ACTOR,
                indicator,
                {"period": quarter.code, "value": 10**9, "source": fill(200, n)},
            )
        for n in range(14):
            log_engagement(
                s,
                SYSTEM_ACTOR,
                {
                    "date": day + timedelta(days=n % 40),
                    "kind": ("meeting", "call", "event", "ceremony")[n % 4],
                    "subject": f"{n:x}" + fill(199, n),
                    "summary": prose(LONG_TEXT_LENGTH, n, breaks=True),
                    "outcome": fill(LONG_TEXT_LENGTH, n),
                    "mission_id": geography["HOU"],
                    "program_id": program,
                    "follow_up_date": quarter.end + timedelta(days=5 + n),
                    "organization_ids": org_ids,
                    "contact_ids": [c for c in contact_ids if c != contact_ids[5]],
                },
            )
        signatures = {}
        for role in ("prepared", "reviewed", "approved"):
            signatures[f"{role}_by"] = fill(200, len(role))
            signatures[f"{role}_on"] = min(quarter.end + timedelta(days=3), clock.today())
        for scope in ("ALL", "HOU"):
            save_report_text(
                s,
                SYSTEM_ACTOR,
                quarter.code,
                scope,
                {"narrative": prose(20_000, 7, breaks=True), **signatures},
            )
    return {"quarter": quarter, "first_acronym": "0" + fill(29, 0)}


def _flat(path) -> str:
    return " ".join(" ".join(pdf_pages(path)).split())


def test_the_brief_prints_with_every_field_at_its_longest(engine, longest, tmp_path):
    out = tmp_path / "brief.pdf"
    produced = produce_organization_brief(engine, SYSTEM_ACTOR, longest["first_acronym"], out)
    pages = pdf_pages(out)
    assert produced.pages == len(pages)
    assert all(f"Page {n} of {len(pages)}" in p for n, p in enumerate(pages, start=1))
    flat = _flat(out)
    assert "Last ten engagements" in flat and "Open follow-ups" in flat
    assert "more characters in Rabta" in flat, "a shortened cell says so"


@pytest.mark.parametrize("scope", ["ALL", "HOU"])
def test_the_quarterly_report_prints_with_every_field_at_its_longest(
    engine, longest, tmp_path, scope
):
    out = tmp_path / "q.pdf"
    produced = produce_quarterly_report(
        engine, SYSTEM_ACTOR, longest["quarter"].code, out, mission=scope
    )
    pages = pdf_pages(out)
    assert produced.pages == len(pages)
    assert all(f"Page {n} of {len(pages)}" in p for n, p in enumerate(pages, start=1))
    flat = _flat(out)
    assert "Appendix: engagement log" in flat
