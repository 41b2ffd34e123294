"""Urdu, English and both at once, in every printed field: nothing dropped, words in
reading order, only embedded fonts.

pypdf reads text in the order it was drawn, which for Rabta is left to right on the
page; so a right-to-left run reads back with its last word first. Each expected
visual order below was worked out by hand from the Unicode bidirectional algorithm.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest
from pypdf import PdfReader

from db import store
from db.foundations import clock
from db.foundations.periods import quarter_containing
from db.store.contacts import create_contact
from db.store.engagements import log_engagement
from db.store.organizations import create_organization
from db.store.validation import LONG_TEXT_LENGTH
from reports.document import make_styles
from reports.produce import produce_organization_brief, produce_quarterly_report
from reports.script_text import MixedScriptParagraph

ORG_URDU = "انجمن فلاح پاکستان"
SUBJECT_MIXED = "یوم آزادی reception — جشن"
SUBJECT_ENGLISH = "Consular camp planning"
SUBJECT_LTR_MIXED = "Briefing for انجمن فلاح members"
OUTCOME_URDU = "ملاقات کامیاب رہی۔ اگلے ماہ ۱۴ تاریخ کو دوبارہ ملیں گے، کیا آپ آئیں گے؟"
ROLE_MIXED = "صدر / President"
GIVEN_URDU = "عائشہ"
NO_FONT_HAS = "\U00013000"  # an Egyptian hieroglyph: drawn as a visible replacement

# What each reads back as, left to right on the page.
VISUAL = {
    SUBJECT_MIXED: ["جشن", "—", "reception", "آزادی", "یوم"],
    SUBJECT_LTR_MIXED: ["Briefing", "for", "فلاح", "انجمن", "members"],
    ROLE_MIXED: ["President", "/", "صدر"],
    ORG_URDU: ["پاکستان", "فلاح", "انجمن"],
    OUTCOME_URDU: ["ماہ", "اگلے"],  # then fourteen, in Urdu digits, reads left to right
}


def _pdf_words(path) -> list[str]:
    text = " ".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    return unicodedata.normalize("NFKC", text).split()


def _contains_in_order(words: list[str], expected: list[str]) -> bool:
    size = len(expected)
    return any(words[i : i + size] == expected for i in range(len(words) - size + 1))


def _fonts(path) -> list[tuple[str, bool]]:
    """Every font the PDF uses: its name and whether its file is embedded."""
    found = {}
    for page in PdfReader(str(path)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            found[str(font["/BaseFont"])] = embedded
    return sorted(found.items())


@pytest.fixture
def urdu_registry(engine, officer):
    day = clock.today() - timedelta(days=2)
    with store.session(engine) as s:
        org = create_organization(
            s,
            officer,
            {
                "name": ORG_URDU,
                "acronym": "AFP",
                "kind": "philanthropy",
                "region_code": "US-TX",
                "priority": "high",
                "description": f"{OUTCOME_URDU} Founded in Houston. {NO_FONT_HAS}",
            },
        )
        person = create_contact(
            s,
            officer,
            {
                "given_name": GIVEN_URDU,
                "name_urdu": "عائشہ بیگ",
                "consent": "granted",
                "affiliations": [{"organization_id": org, "role_title": ROLE_MIXED}],
            },
        )
        for number, (subject, outcome) in enumerate(
            [
                (SUBJECT_MIXED, OUTCOME_URDU),
                (SUBJECT_ENGLISH, "Agreed on three dates."),
                (SUBJECT_LTR_MIXED, ""),
                ("جلسہ " * 39 + "جلسہ", "نتیجہ " * (LONG_TEXT_LENGTH // 6)),
            ]
        ):
            log_engagement(
                s,
                officer,
                {
                    "date": day - timedelta(days=number),
                    "kind": "meeting",
                    "subject": subject,
                    "outcome": outcome.strip(),
                    "organization_ids": [org],
                    "contact_ids": [person],
                    "follow_up_date": clock.today() + timedelta(days=20),
                },
            )
    return day


def test_the_brief_prints_every_urdu_word_in_reading_order(
    engine, officer, urdu_registry, tmp_path
):
    out = tmp_path / "brief.pdf"
    produce_organization_brief(engine, officer, "AFP", out)
    words = _pdf_words(out)
    for text, visual in VISUAL.items():
        assert _contains_in_order(words, visual), text
    typed = [w for w in OUTCOME_URDU.split() if not w.isdigit()]  # digits: see below
    for word in [*typed, GIVEN_URDU, "بیگ", "عائشہ", "جلسہ", "نتیجہ"]:
        assert word in words, word
    assert "\ufffd" in words[words.index("Houston.") + 1], "a visible replacement"
    assert "more characters in Rabta]" in " ".join(words), "the longest outcome is shortened"
    assert all(embedded for _name, embedded in _fonts(out)), _fonts(out)


def test_the_quarterly_report_prints_urdu_in_its_tables(engine, officer, urdu_registry, tmp_path):
    out = tmp_path / "q.pdf"
    quarter = quarter_containing(urdu_registry, fiscal=True)
    produce_quarterly_report(engine, officer, quarter.code, out, mission="HOU")
    words = _pdf_words(out)
    for text in (ORG_URDU, SUBJECT_MIXED, SUBJECT_LTR_MIXED):
        assert _contains_in_order(words, VISUAL[text]), text
    assert all(embedded for _name, embedded in _fonts(out)), _fonts(out)
    assert not any("Helvetica" in name for name, _embedded in _fonts(out))


def test_every_character_typed_reaches_the_page(engine, officer, urdu_registry, tmp_path):
    out = tmp_path / "brief.pdf"
    produce_organization_brief(engine, officer, "AFP", out)
    printed = set("".join(_pdf_words(out)))
    typed = set("".join((ORG_URDU, SUBJECT_MIXED, OUTCOME_URDU, ROLE_MIXED, GIVEN_URDU)))
    missing = {c for c in typed if not c.isspace()} - printed
    assert not missing, [f"U+{ord(c):04X}" for c in sorted(missing)]


def test_urdu_digits_read_left_to_right_inside_urdu():
    """PDF readers reorder Urdu digits as they extract, so the layout itself is checked:
    fourteen is drawn as one run, 1 then 4, between the words it sits between."""
    style = make_styles().body
    (line,) = MixedScriptParagraph("اگلے ماہ ۱۴ تاریخ کو", style).visual_lines(400)
    assert [piece for piece in line if piece.strip()] == ["کو", "تاریخ", "۱۴", "ماہ", "اگلے"]
