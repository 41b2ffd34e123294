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
    ceiling = min(len(text), most_characters(width, max_lines, style.fontSize))

    def markup_cut_at(length: int) -> str:
        return escape(cut_with_note(text, length))

    length = longest_fitting(ceiling, lambda n: _lines(markup_cut_at(n), width, style) <= max_lines)
    return markup_cut_at(length)


def most_characters(width: float, lines: int, font_size: float) -> int:
    """No more characters than this fit in `lines` lines `width` wide, since none is
    narrower than 0.2 em."""
    return int(width * lines / (0.2 * font_size))


def cut_with_note(text: str, length: int, ending=shortening_note) -> str:
    """The first `length` characters of `text` (back to a word break within 25
    characters), then `ending` of how many characters were left out."""
    head = text[:length]
    space = head.rfind(" ")
    if space > length - 25:
        head = head[:space]
    head = head.rstrip()
    return head + ending(len(text) - len(head))


def longest_fitting(most: int, fits) -> int:
    """The largest n in 0..`most` for which `fits(n)` holds (it must hold for all
    smaller n): a binary search, as measuring text is slow."""
    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low
