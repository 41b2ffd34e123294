"""What is printed for an event's door: the sign-in sheet (each guest's name in both
scripts, organization and a column to sign, then blank rows for walk-ins) and name
badges on label sheets (A4 or US Letter, 8 or 10 to a sheet), each with the guest's QR
code, in the report's fonts with its marking and page numbers."""

from __future__ import annotations

from pathlib import Path

import segno
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Spacer, Table

from db.foundations.labels import label_of
from db.foundations.models import GuestStatus
from db.queries.guests import EventPrint
from reports.document import (
    ACCENT,
    ALERT,
    CONTENT_WIDTH,
    INK,
    MUTED,
    RULE,
    build_pdf,
    data_table,
    empty_note,
    make_styles,
    table_style,
    text,
)
from reports.fonts import SANS, SANS_BOLD, register_fonts
from reports.script_text import draw_line, mixed_paragraph

WALK_IN_ROWS = 12  # blank rows at the end of the sign-in sheet
PAPERS = {"a4": A4, "letter": LETTER}
# Badges to a sheet -> (columns, rows), as the common label sheets are cut.
LAYOUTS = {8: (2, 4), 10: (2, 5)}
SHEET_MARGIN = 12 * mm
# The guest list's sections, in the order a desk reads them.
STATUS_ORDER = (
    GuestStatus.ACCEPTED,
    GuestStatus.TENTATIVE,
    GuestStatus.INVITED,
    GuestStatus.DECLINED,
    GuestStatus.ATTENDED,
    GuestStatus.WALK_IN,
    GuestStatus.NO_SHOW,
)


def _when(data: EventPrint) -> str:
    event = data.event
    place = ", ".join(part for part in (event.venue, event.city) if part)
    return f"{event.date:%A %d %B %Y}" + (f" · {place}" if place else "")


def _event_pdf(story: list, path: Path | str, data: EventPrint, what: str) -> int:
    """A printed page set of an event, titled `what`, with the reports' header, marking
    and page numbers; return its page count."""
    return build_pdf(
        story,
        path,
        title=f"{what}: {data.event.title}",
        subject=f"{what} of {data.event.title}, {data.event.date:%d %B %Y}",
        header_left=data.installation_name,
        header_right=f"{what} · {data.event.date:%d %b %Y}",
        marking=data.marking,
    )


def build_sign_in_sheet(data: EventPrint, path: Path | str) -> int:
    """The sign-in sheet of an event; return its page count."""
    styles = make_styles()
    rows = [["#", "Name", "Organization", "Signature"]]
    for number, guest in enumerate(data.guests, start=1):
        name = guest.name + (f"\n{guest.name_urdu}" if guest.name_urdu else "")
        rows.append(
            [
                str(number),
                mixed_paragraph(name, styles.cell),
                mixed_paragraph(guest.organization, styles.cell),
                "",
            ]
        )
    rows += [[str(len(data.guests) + n), "", "", ""] for n in range(1, WALK_IN_ROWS + 1)]
    widths = [CONTENT_WIDTH * w for w in (0.06, 0.36, 0.30, 0.28)]
    table = Table(
        rows, colWidths=widths, rowHeights=[None] + [11 * mm] * (len(rows) - 1), repeatRows=1
    )
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
                ("TEXTCOLOR", (0, 0), (-1, 0), "white"),
                ("FONT", (0, 0), (-1, 0), SANS_BOLD, 8),
                ("TEXTCOLOR", (0, 1), (-1, -1), INK),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("GRID", (0, 0), (-1, -1), 0.4, RULE),
                ("TEXTCOLOR", (0, 1), (0, -1), MUTED),
            ]
        )
    )
    story = [
        mixed_paragraph(data.event.title, styles.title),
        Paragraph(text(_when(data)), styles.subtitle),
        Paragraph(
            text(
                f"{len(data.guests):,} guests on the list; the last {WALK_IN_ROWS} rows are for "
                "guests who come without an invitation."
            ),
            styles.small,
        ),
        Spacer(1, 3 * mm),
        table,
    ]
    return _event_pdf(story, path, data, "Sign-in sheet")


def build_guest_list(data: EventPrint, path: Path | str) -> int:
    """The guest list by status (accepted first, then tentative, invited, declined, and
    who came), with companions and why nothing may be sent to some; return its pages."""
    styles = make_styles()
    story = [
        mixed_paragraph(data.event.title, styles.title),
        Paragraph(text(_when(data)), styles.subtitle),
    ]
    by_status: dict[str, list] = {}
    for guest in data.guests:
        by_status.setdefault(guest.status, []).append(guest)
    for status in STATUS_ORDER:
        listed = by_status.get(status, [])
        if not listed:
            continue
        story.append(
            Paragraph(text(f"{label_of(GuestStatus, status)} ({len(listed):,})"), styles.heading)
        )
        story.append(
            data_table(
                ["Name", "Organization", "Companions", "Note"],
                [
                    [
                        guest.name + (f"\n{guest.name_urdu}" if guest.name_urdu else ""),
                        guest.organization,
                        str(guest.companions or ""),
                        f"never sent anything: {guest.not_sent}" if guest.not_sent else "",
                    ]
                    for guest in listed
                ],
                [CONTENT_WIDTH * w for w in (0.33, 0.31, 0.14, 0.22)],
                styles,
                right_align=(2,),
            )
        )
    if not data.guests:
        story.append(empty_note("No one is on this event's guest list yet.", styles))
    return _event_pdf(story, path, data, "Guest list")


def build_badges(
    data: EventPrint, path: Path | str, *, paper: str = "a4", per_sheet: int = 8
) -> int:
    """Name badges of every guest, `per_sheet` (8 or 10) to a sheet of `paper` ("a4" or
    "letter"), each with the guest's QR code; return the page count."""
    if paper not in PAPERS:
        raise ValueError(f"Paper must be one of {', '.join(PAPERS)}.")
    if per_sheet not in LAYOUTS:
        raise ValueError(f"Badges come {' or '.join(map(str, LAYOUTS))} to a sheet.")
    register_fonts()
    size = PAPERS[paper]
    columns, rows = LAYOUTS[per_sheet]
    width = (size[0] - 2 * SHEET_MARGIN) / columns
    height = (size[1] - 2 * SHEET_MARGIN) / rows
    canvas = Canvas(str(path), pagesize=size, pageCompression=1)
    canvas.setTitle(f"Badges: {data.event.title}")
    canvas.setAuthor("Rabta")
    guests = data.guests or []
    sheets = max(1, -(-len(guests) // per_sheet))
    for sheet in range(sheets):
        _sheet_margins(canvas, data, size, sheet + 1, sheets)
        for place, guest in enumerate(guests[sheet * per_sheet : (sheet + 1) * per_sheet]):
            column, row = place % columns, place // columns
            x = SHEET_MARGIN + column * width
            y = size[1] - SHEET_MARGIN - (row + 1) * height
            _badge(canvas, data, guest, x, y, width, height)
        canvas.showPage()
    canvas.save()
    return sheets


def _sheet_margins(canvas: Canvas, data: EventPrint, size, page: int, pages: int) -> None:
    """The marking at the head of the sheet, the page number at its foot."""
    canvas.setFillColor(ALERT)
    canvas.setFont(SANS_BOLD, 8)
    canvas.drawCentredString(size[0] / 2, size[1] - SHEET_MARGIN / 2, data.marking)
    canvas.setFillColor(MUTED)
    canvas.setFont(SANS, 7)
    canvas.drawCentredString(
        size[0] / 2, SHEET_MARGIN / 2 - 2, f"{data.event.title} · badges · page {page} of {pages}"
    )


def _badge(canvas: Canvas, data: EventPrint, guest, x: float, y: float, w: float, h: float) -> None:
    inset = 5 * mm
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.4)
    canvas.roundRect(x + 1.5 * mm, y + 1.5 * mm, w - 3 * mm, h - 3 * mm, 3 * mm)
    qr_size = min(h - 2 * inset, 30 * mm)
    _qr(canvas, guest.code, x + w - inset - qr_size, y + (h - qr_size) / 2, qr_size)
    room = w - 3 * inset - qr_size
    left = x + inset
    canvas.setFillColor(ACCENT)
    draw_line(canvas, left, y + h - inset - 8, data.event.title, SANS, 8, room, "left")
    canvas.setFillColor(INK)
    middle = y + h / 2
    draw_line(canvas, left, middle + 4, guest.name, SANS_BOLD, 15, room, "left")
    if guest.name_urdu:
        draw_line(canvas, left, middle - 14, guest.name_urdu, SANS, 13, room, "left")
    canvas.setFillColor(MUTED)
    draw_line(canvas, left, y + inset + 2, guest.organization, SANS, 8, room, "left")


def _qr(canvas: Canvas, code: str, x: float, y: float, size: float) -> None:
    """The guest's code as a QR code, `size` wide, its lower left corner at (x, y)."""
    qr = segno.make(code, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix]
    quiet = 2  # modules of white around it, within `size`
    modules = len(matrix) + 2 * quiet
    cell = size / modules
    canvas.setFillColor("white")
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor("black")
    for r, line in enumerate(matrix):
        for c, dark in enumerate(line):
            if dark:
                canvas.rect(
                    x + (c + quiet) * cell,
                    y + size - (r + quiet + 1) * cell,
                    cell,
                    cell,
                    stroke=0,
                    fill=1,
                )
