"""What every Rabta PDF shares: page size, styles, tables, and a header and footer on
every page carrying the marking and "Page X of Y"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from reports.cell_text import CELL_LINES
from reports.fonts import SANS, SANS_BOLD, SANS_ITALIC, URDU, register_fonts
from reports.script_text import draw_line, line_width, mixed_paragraph, needs_script_layout

PAGE_SIZE = A4
MARGIN = 18 * mm
CONTENT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN
INK = colors.HexColor("#1c2b36")
ACCENT = colors.HexColor("#1f5f7a")
RULE = colors.HexColor("#c9d3da")
ZEBRA = colors.HexColor("#f2f5f7")
MUTED = colors.HexColor("#5b6b77")
CELL_PADDING = 6  # reportlab's default left and right cell padding
ALERT = colors.HexColor("#9b2226")


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    cell_head: ParagraphStyle
    urdu_cell: ParagraphStyle
    empty: ParagraphStyle
    marking: ParagraphStyle


def make_styles() -> Styles:
    """The paragraph styles of Rabta's documents (fonts registered on first use)."""
    register_fonts()
    body = ParagraphStyle(
        "body", fontName=SANS, fontSize=9.5, leading=13.5, textColor=INK, spaceAfter=5
    )
    cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=10, spaceAfter=0)
    return Styles(
        title=ParagraphStyle(
            "title",
            parent=body,
            fontName=SANS_BOLD,
            fontSize=24,
            leading=30,
            textColor=ACCENT,
            spaceAfter=10,
        ),
        subtitle=ParagraphStyle("subtitle", parent=body, fontSize=13, leading=18, spaceAfter=6),
        heading=ParagraphStyle(
            "heading",
            parent=body,
            fontName=SANS_BOLD,
            fontSize=14,
            leading=18,
            textColor=ACCENT,
            spaceBefore=10,
            spaceAfter=6,
        ),
        subheading=ParagraphStyle(
            "subheading",
            parent=body,
            fontName=SANS_BOLD,
            fontSize=10.5,
            leading=14,
            spaceBefore=8,
            spaceAfter=4,
        ),
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10.5, textColor=MUTED),
        cell=cell,
        cell_right=ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT),
        cell_head=ParagraphStyle(
            "cell_head", parent=cell, fontName=SANS_BOLD, textColor=colors.white
        ),
        urdu_cell=ParagraphStyle(
            "urdu_cell",
            parent=cell,
            fontName=URDU,
            fontSize=10,
            leading=14,
            alignment=TA_RIGHT,
        ),
        empty=ParagraphStyle("empty", parent=body, fontName=SANS_ITALIC, textColor=MUTED),
        marking=ParagraphStyle(
            "marking",
            parent=body,
            fontName=SANS_BOLD,
            fontSize=12,
            alignment=TA_CENTER,
            textColor=ALERT,
        ),
    )


def text(value: object) -> str:
    """Escape a value for paragraph markup (None prints as nothing)."""
    return escape("" if value is None else str(value))


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    styles: Styles,
    *,
    right_align: Sequence[int] = (),
    highlight_rows: Sequence[int] = (),
    cell_lines: int = CELL_LINES,
) -> Table:
    """A zebra table with a repeated header row; cells wrap, and a cell that would need
    more than a few lines is shortened with a note; numbers right-aligned."""

    room = [width - 2 * CELL_PADDING for width in widths]

    def cell(value: object, column: int, alert: bool) -> object:
        if isinstance(value, Flowable):
            return value
        plain_text = "" if value is None else str(value)
        # Text that fits its column needs no Paragraph (much faster on long tables).
        if (
            "\n" not in plain_text
            and stringWidth(plain_text, SANS, styles.cell.fontSize) <= room[column]
            and not needs_script_layout(plain_text)
        ):
            return plain_text
        style = styles.cell_right if column in right_align else styles.cell
        return mixed_paragraph(
            plain_text,
            style,
            color=ALERT if alert else None,
            max_lines=cell_lines,
            width=room[column],
        )

    head_right = styles.cell_head.clone("cell_head_right", alignment=TA_RIGHT)
    body = [
        [
            Paragraph(text(h), head_right if column in right_align else styles.cell_head)
            for column, h in enumerate(header)
        ]
    ]
    body += [
        [cell(value, column, index in highlight_rows) for column, value in enumerate(row)]
        for index, row in enumerate(rows)
    ]
    table = Table(body, colWidths=list(widths), repeatRows=1)
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("FONT", (0, 1), (-1, -1), SANS, styles.cell.fontSize),
        ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for column in right_align:
        commands.append(("ALIGN", (column, 1), (column, -1), "RIGHT"))
    for index in highlight_rows:
        commands.append(("TEXTCOLOR", (0, index + 1), (-1, index + 1), ALERT))
    for index in range(1, len(body)):
        if index % 2 == 0:
            commands.append(("BACKGROUND", (0, index), (-1, index), ZEBRA))
    table.setStyle(table_style(commands))
    return table


def table_style(commands: list) -> TableStyle:
    """A table's style in Rabta's font (reportlab's default, Helvetica, is not embedded)."""
    return TableStyle([("FONT", (0, 0), (-1, -1), SANS, 8), *commands])


def empty_note(message: str, styles: Styles) -> Paragraph:
    """What an empty section says instead of an empty chart or table."""
    return Paragraph(text(message), styles.empty)


def _canvas_class(
    header_left: str, header_right: str, marking: str, cover: bool, footer_note: str
) -> type[Canvas]:
    class MarkedCanvas(Canvas):
        """Holds every page until the end so the footer can say "Page X of Y"."""

        def __init__(self, *args, **kwargs):
            # Not Helvetica: a PDF carries only the fonts it embeds.
            super().__init__(*args, **{**kwargs, "initialFontName": SANS})
            self._pages: list[dict] = []
            self._bookmarks: dict[int, list[str]] = {}  # page index -> keys on it

        def bookmarkPage(self, key, **kwargs):
            # The page is written only in save(); mark it then, when it has its number.
            self._bookmarks.setdefault(len(self._pages), []).append(key)

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                for key in self._bookmarks.get(number - 1, ()):
                    super().bookmarkPage(key)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            width, height = PAGE_SIZE
            top_rule = height - MARGIN + 1 * mm
            bottom_rule = MARGIN - 6 * mm
            on_cover = cover and number == 1  # the cover carries its own title and marking
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN, bottom_rule, width - MARGIN, bottom_rule)
            if marking:
                self.setFillColor(ALERT)
                for y in (5 * mm,) if on_cover else (height - 9 * mm, 5 * mm):
                    draw_line(self, width / 2, y, marking, SANS_BOLD, 8, CONTENT_WIDTH, "centre")
            self.setFillColor(MUTED)
            if not on_cover:
                self.line(MARGIN, top_rule, width - MARGIN, top_rule)
                header_y = top_rule + 2 * mm
                right_room = min(line_width(header_right, SANS, 7.5), CONTENT_WIDTH * 0.55)
                draw_line(
                    self, width - MARGIN, header_y, header_right, SANS, 7.5, right_room, "right"
                )
                left_room = CONTENT_WIDTH - right_room - 6 * mm
                draw_line(self, MARGIN, header_y, header_left, SANS, 7.5, left_room, "left")
            self.setFont(SANS, 7.5)
            footer_left = f"Rabta · {footer_note}" if footer_note else "Rabta"
            self.drawString(MARGIN, bottom_rule - 4 * mm, footer_left)
            self.drawRightString(width - MARGIN, bottom_rule - 4 * mm, f"Page {number} of {total}")
            self.restoreState()

    return MarkedCanvas


class _OutlinedDocument(SimpleDocTemplate):
    """A document whose headings become bookmarks in the PDF reader's outline."""

    _levels = {"heading": 0, "subheading": 1}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.section_pages: list[tuple[str, int]] = []  # each heading's text and page

    def afterFlowable(self, flowable) -> None:
        level = self._levels.get(getattr(getattr(flowable, "style", None), "name", ""))
        if level is None or not isinstance(flowable, Paragraph):
            return
        if level == 0:
            self.section_pages.append((flowable.getPlainText(), self.page))
        key = f"section-{id(flowable)}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(flowable.getPlainText(), key, level=level, closed=False)


def build_pdf(
    story: list,
    path: Path | str,
    *,
    title: str,
    subject: str,
    header_left: str,
    header_right: str,
    marking: str,
    cover: bool = False,
    author: str = "Rabta",
    footer_note: str = "",
    section_pages: list[tuple[str, int]] | None = None,
) -> int:
    """Write the story as a PDF with Rabta's header and footer (none on a `cover` page
    one, which shows the marking itself); return the page count. `footer_note` follows
    "Rabta" at the foot of every page; `section_pages`, when given, receives each
    heading's text and page (for a contents page)."""
    document = _OutlinedDocument(
        str(path),
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 4 * mm,
        bottomMargin=MARGIN,
        title=title,
        author=author,
        lang="en",
        subject=subject,
        creator="Rabta",
    )
    document.build(
        story,
        canvasmaker=_canvas_class(header_left, header_right, marking, cover, footer_note),
    )
    if section_pages is not None:
        section_pages.extend(document.section_pages)
    return document.page
