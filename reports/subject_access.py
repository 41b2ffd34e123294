"""The subject access export as a PDF: everything held about one person, in full."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from db.foundations.labels import label_of
from db.foundations.models import EngagementKind
from db.queries.subject_access import SubjectAccess
from reports.document import (
    CONTENT_WIDTH,
    Styles,
    build_pdf,
    data_table,
    empty_note,
    make_styles,
    text,
)
from reports.script_text import mixed_paragraph

WHOLE = 200  # lines a cell may take: nothing held about a person is shortened here

FIELD_LABELS = {
    "created_at": "Added",
    "updated_at": "Last changed",
    "archived_at": "Archived",
    "erased_at": "Erased",
    "name_urdu": "Name in Urdu",
    "region_code": "Region",
    "do_not_contact": "Do not contact",
}


def _label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def _shown(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "strftime"):
        return value.strftime("%d %b %Y %H:%M" if hasattr(value, "hour") else "%d %b %Y")
    return str(value)


def _change(name: str, old: object, new: object) -> str:
    if old is None or old == "":
        return f"{name}: {_shown(new)}"
    return f"{name}: {_shown(old)}, then {_shown(new)}"


def _table(header: list[str], rows: list[list[object]], shares, styles: Styles):
    return data_table(header, rows, [CONTENT_WIDTH * w for w in shares], styles, cell_lines=WHOLE)


def build_subject_access(data: SubjectAccess, path: Path | str) -> int:
    """Write the subject access PDF to `path`; return its page count."""
    styles = make_styles()
    prepared = data.prepared_at.astimezone().strftime("%d %B %Y %H:%M")
    story: list = [
        Paragraph("Subject access export", styles.small),
        mixed_paragraph(data.name, styles.heading.clone("sa_title", fontSize=17, leading=22)),
        Paragraph(
            f"Everything {text(data.installation_name)} holds in Rabta about contact "
            f"#{data.contact_id} (uid {text(data.uid)}), prepared {text(prepared)} by "
            f"{text(data.prepared_by)}. The same content is in the JSON file beside this one.",
            styles.small,
        ),
        Spacer(1, 3 * mm),
        Paragraph("Personal data", styles.heading),
        _table(
            ["Field", "Value"],
            [[_label(name), _shown(value)] for name, value in data.personal],
            (0.3, 0.7),
            styles,
        ),
        Paragraph("Public roles", styles.heading),
        Paragraph(text(", ".join(data.public_roles)), styles.body)
        if data.public_roles
        else empty_note("None recorded.", styles),
        Paragraph("Organizations", styles.heading),
    ]
    if data.affiliations:
        story.append(
            _table(
                ["Organization", "Role", "Primary", "From", "Until"],
                [
                    [
                        a["organization"],
                        a["role_title"],
                        _shown(a["primary"]),
                        _shown(a["start_date"]),
                        _shown(a["end_date"]),
                    ]
                    for a in data.affiliations
                ],
                (0.38, 0.26, 0.1, 0.13, 0.13),
                styles,
            )
        )
    else:
        story.append(empty_note("No affiliation recorded.", styles))
    story.append(Paragraph(f"Engagements ({len(data.engagements)})", styles.heading))
    if data.engagements:
        story.append(
            _table(
                ["Date", "Kind", "Mission", "Organizations", "Subject, summary and outcome"],
                [
                    [
                        _shown(e.date),
                        label_of(EngagementKind, e.kind),
                        e.mission,
                        ", ".join(e.organizations),
                        " · ".join(
                            part
                            for part in (
                                e.subject + (" [confidential]" if e.confidential else ""),
                                e.summary,
                                f"Outcome: {e.outcome}" if e.outcome else "",
                            )
                            if part
                        ),
                    ]
                    for e in data.engagements
                ],
                (0.12, 0.1, 0.09, 0.24, 0.45),
                styles,
            )
        )
    else:
        story.append(empty_note("The person appears in no engagement.", styles))
    story.append(Paragraph(f"Audit entries ({len(data.audit)})", styles.heading))
    if data.audit:
        story.append(
            _table(
                ["When", "By", "Action", "Record", "Changes"],
                [
                    [
                        _shown(a.at),
                        a.username,
                        a.action.replace("_", " "),
                        a.entity,
                        "; ".join(_change(c.field, c.old, c.new) for c in a.changes),
                    ]
                    for a in data.audit
                ],
                (0.15, 0.13, 0.12, 0.12, 0.48),
                styles,
            )
        )
    else:
        story.append(empty_note("No audit entry names the person.", styles))
    return build_pdf(
        story,
        path,
        title=f"Subject access export — contact #{data.contact_id}",
        subject="Subject access export",
        header_left=f"{data.installation_name} · Subject access export",
        header_right=f"Contact #{data.contact_id}",
        marking="PERSONAL DATA",
    )
