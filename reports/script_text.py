"""Text of any script on a PDF page: Urdu and English side by side, in their fonts,
in reading order.

reportlab lays out text left to right in the order it is stored. Text that holds
Arabic script, or a character Noto Sans lacks, is laid out here instead:

1. the Unicode bidirectional algorithm (python-bidi) gives every character its
   level; a paragraph whose first strong letter is Urdu is right to left and
   right-aligned;
2. the text is cut into pieces of one level and one font (Noto Naskh Arabic for
   Arabic script, Noto Sans for the rest, a visible replacement character for
   what neither has, so no character is ever dropped);
3. words are broken into lines in reading order, measured with HarfBuzz's shaped
   widths, then each line's pieces are put in visual order (rule L2) and drawn,
   Arabic pieces shaped by HarfBuzz.

`mixed_paragraph` is the one entry point the reports use for text a person typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape

from bidi import algorithm as uba
from bidi.mirror import MIRRORED
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfbase.ttfonts import shapeStr
from reportlab.platypus import Flowable, Paragraph

from reports.cell_text import (
    cut_with_note,
    fitted_markup,
    longest_fitting,
    most_characters,
    shortening_note,
)
from reports.fonts import SANS, SANS_BOLD, URDU, URDU_BOLD, register_fonts
from reports.shaped_text_layer import remember_sources

_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
REPLACEMENT = "\ufffd"  # drawn, visibly, for a character no bundled font has
URDU_SCALE = 1.15
_DIRECTION_CONTROLS = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}


@cache
def _covered(font_name: str) -> dict[int, int]:
    """The characters a bundled font has (its character-to-glyph map)."""
    register_fonts()
    return getFont(font_name).face.charToGlyph


def needs_script_layout(text: str) -> bool:
    """True when reportlab's own left-to-right layout would get `text` wrong: it holds
    Arabic script, or a character Noto Sans does not have."""
    if _ARABIC.search(text):
        return True
    sans = _covered(SANS)
    return any(ord(c) not in sans for c in text if not c.isspace())


@dataclass
class _Piece:
    text: str
    level: int
    font: str
    width: float = 0.0
    glyphs: str | None = None  # HarfBuzz's shaped form, for Arabic script at an odd level


def _font_for(character: str, bold: bool) -> tuple[str, str]:
    """The font that draws the character and the character to draw (a replacement when
    no bundled font has it)."""
    if _ARABIC.match(character) and ord(character) in _covered(URDU):
        return (URDU_BOLD if bold else URDU), character
    if ord(character) in _covered(SANS) or character == " ":
        return (SANS_BOLD if bold else SANS), character
    if ord(character) in _covered(URDU):
        return (URDU_BOLD if bold else URDU), character
    return (SANS_BOLD if bold else SANS), REPLACEMENT


def _levels(text: str) -> tuple[int, list[tuple[str, int]]]:
    """The paragraph's base level (0 left to right, 1 right to left) and each character
    with its resolved level (direction controls, having done their work, left out)."""
    storage = uba.get_empty_storage()
    base = uba.get_base_level(text)
    storage["base_level"] = base
    storage["base_dir"] = ("L", "R")[base]
    uba.get_embedding_levels(text, storage)
    uba.explicit_embed_and_overrides(storage)
    uba.resolve_weak_types(storage)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    return base, [
        (c["ch"], c["level"])
        for c in storage["chars"]
        if unicodedata.bidirectional(c["ch"]) not in _DIRECTION_CONTROLS
    ]


def _size_of(piece: _Piece, size: float) -> float:
    """Naskh letters sit small beside Latin ones of the same size; Urdu is set larger so
    both read alike."""
    return size * URDU_SCALE if piece.font in (URDU, URDU_BOLD) else size


def _measure(piece: _Piece, size: float) -> _Piece:
    # HarfBuzz lays a run of Arabic script out right to left; a left-to-right run in the
    # Urdu font (Urdu digits: ۱۴ is fourteen) is drawn glyph by glyph, unshaped.
    if piece.font in (URDU, URDU_BOLD) and piece.level % 2:
        piece.glyphs = shapeStr(piece.text, piece.font, _size_of(piece, size))
        advance = sum(g.x_advance for g in piece.glyphs.__shapeData__)
        piece.width = advance * _size_of(piece, size) / 1000
    else:
        piece.width = stringWidth(piece.text, piece.font, _size_of(piece, size))
    return piece


def _words(levelled: list[tuple[str, int]], bold: bool, size: float) -> list[list[_Piece]]:
    """The words of the levelled characters in reading order, each a list of pieces of
    one level and font; a single space piece stands between words."""
    words: list[list[_Piece]] = []
    current: list[_Piece] = []
    for character, level in levelled:
        if character == " ":
            if current:
                words.append(current)
                current = []
            words.append([_Piece(" ", level, SANS_BOLD if bold else SANS)])
            continue
        font, drawn = _font_for(character, bold)
        if level % 2 and drawn in MIRRORED:
            drawn = MIRRORED[drawn]
        if current and current[-1].level == level and current[-1].font == font:
            current[-1].text += drawn
        else:
            current.append(_Piece(drawn, level, font))
    if current:
        words.append(current)
    return [[_measure(p, size) for p in word] for word in words]


def _split_long_word(word: list[_Piece], room: float, size: float) -> list[list[_Piece]]:
    """A word wider than the line, cut into parts that fit (characters stay in order)."""
    parts: list[list[_Piece]] = [[]]
    used = 0.0
    for piece in word:
        for character in piece.text:
            part = _measure(_Piece(character, piece.level, piece.font), size)
            if used + part.width > room and parts[-1]:
                parts.append([])
                used = 0.0
            last = parts[-1][-1] if parts[-1] else None
            if last is not None and last.level == part.level and last.font == part.font:
                last.text += character
                _measure(last, size)
            else:
                parts[-1].append(part)
            used += part.width
    return parts


def _drawn(line: list[_Piece]) -> list[_Piece]:
    """The line's pieces in visual order, neighbouring left-to-right pieces of one font
    joined so that a run of English is one string in the PDF, as it reads."""
    joined: list[_Piece] = []
    for piece in _visual(line):
        last = joined[-1] if joined else None
        if (
            last is not None
            and last.glyphs is None
            and piece.glyphs is None
            and last.font == piece.font
            and last.level % 2 == 0
            and piece.level % 2 == 0
        ):
            joined[-1] = _Piece(last.text + piece.text, 0, last.font, last.width + piece.width)
        else:
            joined.append(piece)
    return joined


def _visual(line: list[_Piece]) -> list[_Piece]:
    """Rule L2: from the highest level down to the lowest odd one, reverse every run of
    pieces at that level or higher."""
    if not line:
        return line
    pieces = list(line)
    highest = max(p.level for p in pieces)
    lowest_odd = (
        min(p.level for p in pieces if p.level % 2)
        if any(p.level % 2 for p in pieces)
        else highest + 1
    )
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < len(pieces):
            if pieces[index].level >= level:
                end = index
                while end < len(pieces) and pieces[end].level >= level:
                    end += 1
                pieces[index:end] = reversed(pieces[index:end])
                index = end
            else:
                index += 1
    return pieces


def _english_note(left_out: int) -> str:
    """The shortening note, embedded left to right so that it reads as one English
    phrase inside Urdu text too."""
    return "\u202a" + shortening_note(left_out) + "\u202c"


class MixedScriptParagraph(Flowable):
    """A paragraph of text in any mix of scripts, laid out in reading order, wrapped to
    its width, split across pages like reportlab's Paragraph; at most `max_lines` lines,
    the last ending with `ending(left_out)` when text is left out."""

    def __init__(
        self,
        text: str,
        style: ParagraphStyle,
        *,
        color=None,
        max_lines: int | None = None,
        ending=None,
    ):
        super().__init__()
        self.text = " ".join(text.split())
        self.style = style
        self.color = color if color is not None else style.textColor
        self.max_lines = max_lines
        self.ending = ending or _english_note
        self.base, self._levels = _levels(self.text) if self.text else (0, [])
        self.bold = style.fontName in (SANS_BOLD, URDU_BOLD)
        self.lines: list[tuple[float, list[_Piece]]] = []
        self._all_lines: list[tuple[float, list[_Piece]]] | None = None

    # --- layout -----------------------------------------------------------------

    def _break(self, room: float) -> list[tuple[float, list[_Piece]]]:
        size = self.style.fontSize
        lines: list[list[_Piece]] = [[]]
        used = 0.0
        for word in _words(self._levels, self.bold, size):
            width = sum(p.width for p in word)
            if word[0].text == " ":
                if lines[-1]:
                    lines[-1].extend(word)
                    used += width
                continue
            if used + width > room and any(p.text != " " for p in lines[-1]):
                lines.append([])
                used = 0.0
            parts = _split_long_word(word, room, size) if width > room else [word]
            for number, part in enumerate(parts):
                if number:
                    lines.append([])
                    used = 0.0
                lines[-1].extend(part)
                used += sum(p.width for p in part)
        laid = []
        for line in lines:
            while line and line[-1].text == " ":
                line.pop()  # rule L1: no trailing space counts toward the line
            laid.append((sum(p.width for p in line), line))
        return laid

    def _shortened(self, room: float) -> list[tuple[float, list[_Piece]]]:
        lines = self._break(room)
        if self.max_lines is None or len(lines) <= self.max_lines:
            return lines
        full = self.text
        ceiling = min(len(full), most_characters(room, self.max_lines, self.style.fontSize))
        length = longest_fitting(ceiling, lambda n: self._fits(full, n, room))
        self._set_text(cut_with_note(full, length, self.ending))
        return self._break(room)

    def _fits(self, full: str, length: int, room: float) -> bool:
        self._set_text(cut_with_note(full, length, self.ending))
        return len(self._break(room)) <= self.max_lines

    def _set_text(self, text: str) -> None:
        self.text = text
        self.base, self._levels = _levels(text)

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        if self._all_lines is None:
            self._all_lines = self._shortened(availWidth) if self.text else [(0.0, [])]
            self.lines = self._all_lines
        self.height = len(self.lines) * self.style.leading
        return availWidth, self.height

    def split(self, availWidth, availHeight):
        self.wrap(availWidth, availHeight)
        fit = int(availHeight // self.style.leading)
        if fit <= 0 or fit >= len(self.lines):
            return [] if fit <= 0 else [self]
        first, rest = self._copy(self.lines[:fit]), self._copy(self.lines[fit:])
        return [first, rest]

    def _copy(self, lines):
        other = MixedScriptParagraph.__new__(MixedScriptParagraph)
        other.__dict__.update(self.__dict__)
        other.lines = lines
        other._all_lines = lines
        return other

    def getSpaceBefore(self):
        return self.style.spaceBefore

    def getSpaceAfter(self):
        return self.style.spaceAfter

    def visual_lines(self, width: float) -> list[list[str]]:
        """Each line's pieces of text, left to right as they are drawn at `width`."""
        self.wrap(width, 1e9)
        return [[piece.text for piece in _drawn(line)] for _width, line in self.lines]

    @property
    def right_to_left(self) -> bool:
        """True when the paragraph starts in a right-to-left script."""
        return self.base == 1

    # --- drawing ----------------------------------------------------------------

    def _x_of(self, line_width: float) -> float:
        alignment = self.style.alignment
        if alignment == TA_CENTER:
            return (self.width - line_width) / 2
        if alignment == TA_RIGHT or (self.right_to_left and alignment in (TA_LEFT, TA_JUSTIFY)):
            return self.width - line_width
        return 0.0

    def draw(self):
        canvas = self.canv
        size, leading = self.style.fontSize, self.style.leading
        canvas.saveState()
        canvas.setFillColor(self.color)
        y = self.height - size - (leading - size) / 2
        for line_width, line in self.lines:
            x = self._x_of(line_width)
            for piece in _drawn(line):
                draw_piece(canvas, x, y, piece, size)
                x += piece.width
            y -= leading
        canvas.restoreState()


def draw_piece(canvas, x: float, y: float, piece: _Piece, size: float) -> None:
    """Draw one piece at (x, y): Arabic script shaped by HarfBuzz, in visual order."""
    size = _size_of(piece, size)
    canvas.setFont(piece.font, size)
    if piece.glyphs is not None:
        remember_sources(piece.font, piece.text, piece.glyphs)
        canvas.drawString(x, y, piece.glyphs)
    else:
        canvas.drawString(x, y, piece.text)


def _one_line(text: str, font: str, size: float, room: float) -> tuple[float, list[_Piece]]:
    style = ParagraphStyle("line", fontName=font, fontSize=size, leading=size * 1.2)
    line = MixedScriptParagraph(text, style, max_lines=1, ending=lambda _left_out: "…")
    line.wrap(room, size * 2)
    return line.lines[0] if line.lines else (0.0, [])


def line_width(text: str, font: str, size: float) -> float:
    """How wide `text` is on one line, in points, in whichever fonts draw it."""
    if not needs_script_layout(text):
        return stringWidth(text, font, size)
    return _one_line(text, font, size, 1e9)[0]


def shortened_to_width(text: str, font: str, size: float, room: float) -> str:
    """Text Noto Sans draws, on one line no wider than `room`, with an ellipsis when cut
    (for labels drawn by reportlab itself, such as a chart's)."""
    if stringWidth(text, font, size) <= room:
        return text
    length = longest_fitting(
        len(text), lambda n: stringWidth(text[:n].rstrip() + "…", font, size) <= room
    )
    return text[:length].rstrip() + "…"


def draw_line(
    canvas, x: float, y: float, text: str, font: str, size: float, room: float, align: str
) -> None:
    """One line of text in any scripts at `y`, shortened with an ellipsis to fit `room`;
    `align` ("left", "centre" or "right") says which edge of the line `x` is."""
    if not needs_script_layout(text):
        shown = shortened_to_width(text, font, size, room)
        width = stringWidth(shown, font, size)
        start = {"left": x, "centre": x - width / 2, "right": x - width}[align]
        canvas.setFont(font, size)
        canvas.drawString(start, y, shown)
        return
    width, pieces = _one_line(text, font, size, room)
    start = {"left": x, "centre": x - width / 2, "right": x - width}[align]
    for piece in _drawn(pieces):
        draw_piece(canvas, start, y, piece, size)
        start += piece.width


def mixed_paragraph(
    value: object,
    style: ParagraphStyle,
    *,
    color=None,
    max_lines: int | None = None,
    width: float | None = None,
) -> Flowable:
    """The flowable for text a person typed: reportlab's Paragraph for text Noto Sans
    draws left to right, a MixedScriptParagraph for anything else. With `max_lines`
    (and the cell's inner `width`), text beyond them is left out with a note."""
    text = "" if value is None else str(value)
    if needs_script_layout(text):
        return MixedScriptParagraph(text, style, color=color, max_lines=max_lines)
    if max_lines is not None and width is not None:
        markup = fitted_markup(text, width, style, max_lines)
    else:
        markup = escape(" ".join(text.split()))
    if color is not None:
        markup = f'<font color="#{color.hexval()[2:]}">{markup}</font>'
    return Paragraph(markup, style)
