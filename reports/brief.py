"""The organization brief: one or two pages to read before a meeting."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, Spacer, Table

from db.queries.organization_brief import OrganizationBriefData
from reports.cell_text import CELL_LINES
from reports.document import (
    CELL_PADDING,
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


def profile_table(data: OrganizationBriefData, styles: Styles) -> Table:
    """The organization's profile as a two-column table."""
    widths = [CONTENT_WIDTH * 0.22, CONTENT_WIDTH * 0.78]
    rows = [
        [
            Paragraph(f"<b>{text(label)}</b>", styles.cell),
            mixed_paragraph(
                value, styles.cell, max_lines=CELL_LINES, width=widths[1] - 2 * CELL_PADDING
            ),
        ]
        for label, value in data.profile
    ]
    table = Table(rows, colWidths=widths)
    table.setStyle(
        table_style(
            [("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        )
    )
    return table


CONTACTS_IN_BRIEF = 8  # more continue in the appendix, so a typical brief stays two pages


def _relationship(data: OrganizationBriefData, styles: Styles, heading: ParagraphStyle) -> list:
    r = data.relationship
    story = [CondPageBreak(35 * mm), Paragraph("Relationship", heading)]
    if r is None or r.first is None:
        return [*story, empty_note("No engagement with this organization is recorded.", styles)]
    years = ", ".join(f"{year}: {count:,}" for year, count in r.per_year)
    officers = ", ".join(f"{name} ({count:,})" for name, count in r.officers[:5])
    more = len(r.officers) - 5
    sentences = [
        f"First engagement {r.first:%d %b %Y}; latest {r.last:%d %b %Y}.",
        f"Engagements per year: {years}.",
    ]
    if officers:
        sentences.append(
            f"Officers who know them: {officers}" + (f" and {more:,} more." if more > 0 else ".")
        )
    return [*story, mixed_paragraph(" ".join(sentences), styles.body)]


def _contact_table(contacts: list, styles: Styles) -> Table:
    rows = []
    refusing = []
    for index, c in enumerate(contacts):
        role = c.role_title + (" (primary contact)" if c.is_primary else "")
        if c.do_not_contact:
            reach = "DO NOT CONTACT"
        elif c.consent_refused:
            reach = "Consent refused: details withheld"
        else:
            phone = c.phone.replace(" ", "-")  # one word, so never broken across lines
            reach = " · ".join(p for p in (c.email, phone) if p) or "—"
        if c.do_not_contact or c.consent_refused:
            refusing.append(index)
        name_urdu = mixed_paragraph(c.name_urdu, styles.urdu_cell) if c.name_urdu else ""
        consent = " · ".join(p for p in (c.consent, c.preferred_language) if p)
        rows.append([c.name, name_urdu, role, reach, consent])
    return data_table(
        ["Name", "Name in Urdu", "Role", "Reach", "Consent · language"],
        rows,
        [CONTENT_WIDTH * w for w in (0.2, 0.16, 0.2, 0.29, 0.15)],
        styles,
        highlight_rows=refusing,
    )


def _contacts(data: OrganizationBriefData, styles: Styles, heading: ParagraphStyle) -> list:
    story = [CondPageBreak(35 * mm), Paragraph("Key contacts", heading)]
    if not data.contacts:
        return [
            *story,
            empty_note("No current contacts are recorded for this organization.", styles),
        ]
    story.append(_contact_table(data.contacts[:CONTACTS_IN_BRIEF], styles))
    more = len(data.contacts) - CONTACTS_IN_BRIEF
    if more > 0:
        story.append(
            Paragraph(
                f"{more:,} more contact{' is' if more == 1 else 's are'} listed in the appendix.",
                styles.small,
            )
        )
    if any(c.do_not_contact or c.consent_refused for c in data.contacts):
        story.append(
            Paragraph(
                "People marked DO NOT CONTACT asked not to be approached, and others "
                "refused consent to their data being kept; their email and phone are "
                "withheld from this brief.",
                styles.small,
            )
        )
    return story


def _engagements(
    data: OrganizationBriefData, styles: Styles, heading: ParagraphStyle, title: str
) -> list:
    story = [CondPageBreak(35 * mm), Paragraph(title, heading)]
    hidden = data.hidden_engagements
    hidden_note = (
        f"{hidden:,} confidential engagement{' is' if hidden == 1 else 's are'} not shown."
        if hidden
        else ""
    )
    if not data.engagements:
        if hidden:
            return [*story, empty_note(f"No other engagement is recorded; {hidden_note}", styles)]
        return [
            *story,
            empty_note("No engagement with this organization has been logged yet.", styles),
        ]
    rows = [
        [
            e.date.strftime("%d %b %Y"),
            e.kind,
            e.subject + (" [confidential]" if e.confidential else ""),
            e.outcome,
            e.officer,
        ]
        for e in data.engagements
    ]
    story.append(
        data_table(
            ["Date", "Kind", "Subject", "Outcome", "Officer"],
            rows,
            [CONTENT_WIDTH * w for w in (0.13, 0.12, 0.31, 0.29, 0.15)],
            styles,
        )
    )
    if hidden_note:
        story.append(Paragraph(hidden_note, styles.small))
    return story


def _programs_and_follow_ups(
    data: OrganizationBriefData, styles: Styles, heading: ParagraphStyle
) -> list:
    story = [CondPageBreak(35 * mm), Paragraph("Programs", heading)]
    if data.programs:
        story.append(
            data_table(
                ["Program", "Role", "Status"],
                [[p.name, p.role, p.status] for p in data.programs],
                [CONTENT_WIDTH * w for w in (0.6, 0.2, 0.2)],
                styles,
            )
        )
    else:
        story.append(empty_note("This organization takes part in no program.", styles))
    story += [CondPageBreak(35 * mm), Paragraph("Open follow-ups", heading)]
    if data.follow_ups:
        overdue = [i for i, f in enumerate(data.follow_ups) if f.overdue]
        rows = [
            [f.due.strftime("%d %b %Y") + (" (overdue)" if f.overdue else ""), f.subject, f.officer]
            for f in data.follow_ups
        ]
        story.append(
            data_table(
                ["Due", "From the engagement", "Officer"],
                rows,
                [CONTENT_WIDTH * w for w in (0.2, 0.6, 0.2)],
                styles,
                highlight_rows=overdue,
            )
        )
    else:
        story.append(empty_note("No follow-up is open.", styles))
    return story


def organization_sections(
    data: OrganizationBriefData, styles: Styles, heading: ParagraphStyle, engagements_title: str
) -> list:
    """What is known of an organization after its profile: the relationship, key
    contacts, the latest engagements, programs and open follow-ups, each under
    `heading` (the brief's sections; the handover dossier's subsections)."""
    return [
        *_relationship(data, styles, heading),
        *_contacts(data, styles, heading),
        *_engagements(data, styles, heading, engagements_title),
        *_programs_and_follow_ups(data, styles, heading),
    ]


def build_organization_brief(data: OrganizationBriefData, path: Path | str) -> int:
    """Write the organization brief to `path`; return its page count."""
    styles = make_styles()
    title = f"{data.name} ({data.acronym})" if data.acronym else data.name
    generated = data.generated_at.astimezone().strftime("%d %B %Y")
    story = [
        Paragraph("Organization brief", styles.small),
        mixed_paragraph(title, styles.heading.clone("brief_title", fontSize=17, leading=22)),
        Paragraph(
            f"Prepared {text(generated)} from the Rabta registry."
            + ("" if data.includes_confidential else " Confidential engagements are not shown."),
            styles.small,
        ),
        Spacer(1, 3 * mm),
        profile_table(data, styles),
    ]
    if data.description:
        story += [Spacer(1, 2 * mm), mixed_paragraph(data.description, styles.body)]
    story += organization_sections(data, styles, styles.heading, "Last ten engagements")
    if len(data.contacts) > CONTACTS_IN_BRIEF:
        story += [
            PageBreak(),
            Paragraph("Appendix: key contacts, continued", styles.heading),
            _contact_table(data.contacts[CONTACTS_IN_BRIEF:], styles),
        ]
    return build_pdf(
        story,
        path,
        title=f"Organization brief — {title}",
        subject="Organization brief",
        header_left=f"{data.installation_name} · Organization brief",
        header_right=data.acronym or data.name,
        marking=data.marking,
    )
