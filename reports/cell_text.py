"""Text too long for a table cell, shortened with a note saying how much was left out.

A table row cannot continue on the next page, so a cell holding a 10,000-character
outcome would make the report impossible to lay out. Cells keep at most
`CELL_LINES` lines; the reader is told how many characters the record holds beyond
them, so nothing is cut silently.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

CELL_LINES = 12


def _lines(markup: str, width: float, style: ParagraphStyle) -> int:
    paragraph = Paragraph(markup, style)
    _, height = paragraph.wrap(width, 1e9)
    return round(height / style.leading)


def shortening_note(left_out: int) -> str:
    """The words that end a shortened cell."""
    return f" … [{left_out:,} more characters in Rabta]"


def fitted_markup(
    value: str, width: float, style: ParagraphStyle, max_lines: int = CELL_LINES
) -> str:
    """Paragraph markup of `value` that fits in `max_lines` lines of a `width`-wide cell:
    the whole text when it fits, else its beginning (cut at a word where one is near)
    followed by a note of how many characters were left out."""
    text = " ".join(value.split())
    # Cheap test first: text whose total width fills under half the lines always fits.
    if stringWidth(text, style.fontName, style.fontSize) <= width * max_lines / 2:
        return escape(text)
    if _lines(escape(text), width, style) <= max_lines:
        return escape(text)
    # No more than this many characters can fit, since none is narrower than 0.2 em.
    ceiling = min(len(text), int(width * max_lines / (0.2 * style.fontSize)))

    def markup_cut_at(length: int) -> str:
        head = text[:length]
        space = head.rfind(" ")
        if space > length - 25:
            head = head[:space]
        head = head.rstrip()
        return escape(head) + escape(shortening_note(len(text) - len(head)))

    low, high = 0, ceiling
    while low < high:
        middle = (low + high + 1) // 2
        if _lines(markup_cut_at(middle), width, style) <= max_lines:
            low = middle
        else:
            high = middle - 1
    return markup_cut_at(low)
