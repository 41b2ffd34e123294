"""The text layer under shaped Urdu: what a PDF reader copies or searches.

HarfBuzz draws Urdu with glyphs the font reaches only through its shaping tables
(the lam-alef pair, Urdu digit forms); reportlab gives such glyphs private-use code
points, so a reader that extracts the text gets U+E000 where "لا" or "۴" was printed.
`remember_sources` notes which characters each such glyph stands for, and the
ToUnicode map reportlab writes for each font subset maps the glyph back to them.
"""

from __future__ import annotations

from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.pdfmetrics import getFont

_PRIVATE_USE = range(0xE000, 0xF900)
# (the font's PostScript name, private code point) -> the characters its glyph stands for
_SOURCES: dict[tuple[str, int], str] = {}
_reportlab_cmap = ttfonts.makeToUnicodeCMap


def remember_sources(font_name: str, text: str, shaped: str) -> None:
    """Note the characters of `text` behind each private-use glyph of its shaped form."""
    face = getFont(font_name).face.name.decode("latin-1")
    data = shaped.__shapeData__
    starts = sorted({glyph.cluster for glyph in data})
    ends = dict(zip(starts, [*starts[1:], len(text)], strict=True))
    clusters: dict[int, list[int]] = {}
    for index, glyph in enumerate(data):
        clusters.setdefault(glyph.cluster, []).append(index)
    for start, glyphs in clusters.items():
        source = text[start : ends[start]]
        # Glyphs run in visual order, right to left for Urdu: with one glyph per
        # character, the first glyph drawn is the cluster's last character.
        if len(source) == len(glyphs):
            per_glyph = list(reversed(source))
        else:
            per_glyph = [source] + [""] * (len(glyphs) - 1)
        for index, characters in zip(glyphs, per_glyph, strict=True):
            code = ord(shaped[index])
            if code in _PRIVATE_USE and characters:
                _SOURCES.setdefault((face, code), characters)


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with private-use glyphs mapped to their characters."""
    cmap = _reportlab_cmap(fontname, subset)
    face = fontname.split("+", 1)[-1]
    for index, code in enumerate(subset):
        characters = _SOURCES.get((face, code))
        if characters:
            target = characters.encode("utf-16-be").hex().upper()
            cmap = cmap.replace(f"<{index:02X}> <{code:04X}>", f"<{index:02X}> <{target}>")
    return cmap


def install() -> None:
    """Have reportlab write ToUnicode maps that know the shaped glyphs."""
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
