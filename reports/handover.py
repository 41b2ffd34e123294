"""The handover dossier: for an officer leaving a post, or a whole mission, every
organization of the portfolio as its brief tells it, the commitments still open and
room for notes to the successor; a cover with the period, a contents page with page
numbers, and the quarterly report's marking, header and footer."""

from __future__ import annotations

import tempfile
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, Spacer, Table

from db.queries.handover import HandoverData, PortfolioEntry
from reports.brief import organization_sections, profile_table
from reports.document import (
    CONTENT_WIDTH,
    RULE,
    Styles,
    build_pdf,
    data_table,
    empty_note,
    make_styles,
    table_style,
    text,
)
from reports.script_text import mixed_paragraph

NOTE_LINES = 3  # ruled lines for the successor under each organization
CONTENTS_TITLE = "Contents"


def _day(day) -> str:
    return day.strftime("%d %B %Y")


def _cover(data: HandoverData, styles: Styles) -> list:
    generated = data.generated_at.astimezone().strftime("%d %B %Y, %H:%M %Z")
    confidentiality = (
        "This dossier includes confidential engagements: its reader must be cleared for them."
        if data.includes_confidential
        else "Confidential engagements are not included in this dossier."
    )
    return [
        Spacer(1, 30 * mm),
        mixed_paragraph(data.marking, styles.marking),
        Spacer(1, 12 * mm),
        mixed_paragraph(data.installation_name, styles.subtitle),
        Paragraph("Handover Dossier", styles.title),
        mixed_paragraph(data.handed_over_by, styles.subtitle),
        Paragraph(
            text(f"Engagements from {_day(data.period_start)} to {_day(data.period_end)}"),
            styles.subtitle,
        ),
        Spacer(1, 70 * mm),
        mixed_paragraph(f"Prepared {generated} by {data.generated_by}.", styles.small),
        Paragraph(text(confidentiality), styles.small),
        Paragraph(
            "Contact details of people who refused consent or asked not to be contacted are "
            "withheld. Pass this dossier by hand; do not forward it by email.",
            styles.small,
        ),
        PageBreak(),
    ]


def _contents(sections: list[tuple[str, int]], styles: Styles) -> list:
    """The contents page: each section with its page (placeholders on the first pass)."""
    rows = [
        [mixed_paragraph(title, styles.body), str(page) if page else ""] for title, page in sections
    ]
    table = Table(rows, colWidths=[CONTENT_WIDTH * 0.88, CONTENT_WIDTH * 0.12], repeatRows=0)
    table.setStyle(
        table_style(
            [
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return [Paragraph(CONTENTS_TITLE, styles.title), Spacer(1, 4 * mm), table, PageBreak()]


def _commitments(data: HandoverData, styles: Styles) -> list:
    story = [Paragraph("Commitments still open", styles.heading)]
    if not data.commitments:
        return [*story, empty_note("Every follow-up has been done.", styles), PageBreak()]
    overdue = [n for n, c in enumerate(data.commitments) if c.overdue]
    story += [
        Paragraph(
            f"{len(data.commitments):,} follow-ups not yet done, the oldest first; "
            f"{len(overdue):,} are overdue (shown in red).",
            styles.small,
        ),
        data_table(
            ["Due", "Engagement", "Organizations", "Officer"],
            [
                [c.due.strftime("%d %b %Y"), c.subject, c.organizations, c.officer]
                for c in data.commitments
            ],
            [CONTENT_WIDTH * w for w in (0.14, 0.44, 0.24, 0.18)],
            styles,
            highlight_rows=overdue,
        ),
        PageBreak(),
    ]
    return story


def _portfolio(data: HandoverData, styles: Styles) -> list:
    story = [Paragraph("The portfolio at a glance", styles.heading)]
    if not data.portfolio:
        return [
            *story,
            empty_note("No organization was engaged in these three years.", styles),
            PageBreak(),
        ]
    rows = []
    for entry in data.portfolio:
        brief = entry.brief
        primary = next((c for c in brief.contacts if c.is_primary), None) or (
            brief.contacts[0] if brief.contacts else None
        )
        rows.append(
            [
                f"{brief.name} ({brief.acronym})" if brief.acronym else brief.name,
                f"{entry.engagements:,}",
                entry.last_engagement.strftime("%d %b %Y"),
                f"{primary.name}, {primary.role_title}".strip(", ") if primary else "—",
            ]
        )
    story += [
        Paragraph(
            f"{len(data.portfolio):,} organizations engaged in the period, the most recently "
            "engaged first.",
            styles.small,
        ),
        data_table(
            ["Organization", "Engagements", "Last", "Key contact"],
            rows,
            [CONTENT_WIDTH * w for w in (0.40, 0.15, 0.15, 0.30)],
            styles,
            right_align=(1,),
        ),
        PageBreak(),
    ]
    return story


def _notes(styles: Styles, title: str, lines: int) -> list:
    rows = [[""] for _ in range(lines)]
    table = Table(rows, colWidths=[CONTENT_WIDTH], rowHeights=[8 * mm] * lines)
    table.setStyle(table_style([("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE)]))
    return [Paragraph(title, styles.subheading), table]


def _organization(entry: PortfolioEntry, styles: Styles) -> list:
    brief = entry.brief
    title = f"{brief.name} ({brief.acronym})" if brief.acronym else brief.name
    story = [
        CondPageBreak(120 * mm),  # an organization starts high on a page
        mixed_paragraph(title, styles.heading),
        Paragraph(
            text(
                f"Engaged {entry.engagements:,} times in the period, most recently on "
                f"{_day(entry.last_engagement)}."
            ),
            styles.small,
        ),
        Spacer(1, 2 * mm),
        profile_table(brief, styles),
    ]
    if brief.description:
        story += [Spacer(1, 2 * mm), mixed_paragraph(brief.description, styles.body)]
    story += organization_sections(
        brief, styles, styles.subheading, "Latest engagements and their outcomes"
    )
    story += [CondPageBreak(35 * mm), *_notes(styles, "Notes for the successor", NOTE_LINES)]
    return [*story, Spacer(1, 6 * mm)]


def _story(data: HandoverData, styles: Styles, sections: list[tuple[str, int]]) -> list:
    story = _cover(data, styles) + _contents(sections, styles)
    story += _commitments(data, styles)
    story += _portfolio(data, styles)
    for entry in data.portfolio:
        story += _organization(entry, styles)
    story += [
        PageBreak(),
        Paragraph("Notes for the successor", styles.heading),
        Paragraph(
            "What the registry does not hold: people to call first, sensitivities, promises "
            "made in person.",
            styles.small,
        ),
        Spacer(1, 2 * mm),
        *_notes(styles, "", 22)[1:],
    ]
    return story


def _section_titles(data: HandoverData) -> list[str]:
    titles = ["Commitments still open", "The portfolio at a glance"]
    for entry in data.portfolio:
        brief = entry.brief
        titles.append(f"{brief.name} ({brief.acronym})" if brief.acronym else brief.name)
    return [*titles, "Notes for the successor"]


def build_handover_dossier(data: HandoverData, path: Path | str) -> int:
    """Write the dossier to `path`; return its page count. Built twice: the first pass
    finds each section's page for the contents."""
    styles = make_styles()
    options = {
        "title": f"Handover dossier — {data.handed_over_by}",
        "subject": "Handover dossier",
        "header_left": f"{data.installation_name} · Handover Dossier",
        "header_right": data.handed_over_by,
        "marking": data.marking,
        "cover": True,
    }
    placeholders = [(title, 0) for title in _section_titles(data)]
    found: list[tuple[str, int]] = []
    with tempfile.TemporaryDirectory() as folder:
        build_pdf(
            _story(data, styles, placeholders),
            Path(folder) / "first-pass.pdf",
            section_pages=found,
            **options,
        )
    if len(found) == len(placeholders):
        pages = [(title, page) for (title, _), (_, page) in zip(placeholders, found, strict=True)]
    else:  # a heading that is not a plain paragraph: the contents without page numbers
        pages = placeholders
    return build_pdf(_story(data, styles, pages), path, **options)
