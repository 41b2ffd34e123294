"""The fonts every Rabta PDF embeds: Noto Sans for Latin text, Noto Naskh Arabic for
Urdu, shaped with HarfBuzz (reportlab's `shapable` fonts)."""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"
SANS = "RabtaSans"
SANS_BOLD = "RabtaSans-Bold"
SANS_ITALIC = "RabtaSans-Italic"
SANS_BOLD_ITALIC = "RabtaSans-BoldItalic"
URDU = "RabtaNaskh"
URDU_BOLD = "RabtaNaskh-Bold"

_FILES = {
    SANS: "NotoSans-Regular.ttf",
    SANS_BOLD: "NotoSans-Bold.ttf",
    SANS_ITALIC: "NotoSans-Italic.ttf",
    SANS_BOLD_ITALIC: "NotoSans-BoldItalic.ttf",
    URDU: "NotoNaskhArabic-Regular.ttf",
    URDU_BOLD: "NotoNaskhArabic-Bold.ttf",
}
# Letters and marks of the Arabic script blocks, with the spaces between them.
_ARABIC_RUN = re.compile(
    r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]"
    r"(?:[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF ]*"
    r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF])?"
)


def register_fonts() -> None:
    """Register the bundled fonts with reportlab (once per process)."""
    if SANS in pdfmetrics.getRegisteredFontNames():
        return
    for name, file_name in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file_name), shapable=(URDU in name)))
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)
    addMapping(SANS, 0, 1, SANS_ITALIC)
    addMapping(SANS, 1, 1, SANS_BOLD_ITALIC)
    addMapping(URDU, 0, 0, URDU)
    addMapping(URDU, 1, 0, URDU_BOLD)
    addMapping(URDU, 0, 1, URDU)
    addMapping(URDU, 1, 1, URDU_BOLD)


def has_arabic_script(text: str) -> bool:
    """True when the text holds any Arabic-script letter (Urdu names)."""
    return bool(_ARABIC_RUN.search(text or ""))


def urdu_markup(text: str) -> str:
    """Paragraph markup for text in an Urdu-font paragraph: Arabic-script runs stay in
    the Urdu font; everything else (digits, dashes, Latin) falls back to Noto Sans."""
    parts: list[str] = []
    position = 0
    for match in _ARABIC_RUN.finditer(text):
        if match.start() > position:
            parts.append(f'<font name="{SANS}">{escape(text[position : match.start()])}</font>')
        parts.append(escape(match.group()))
        position = match.end()
    if position < len(text):
        parts.append(f'<font name="{SANS}">{escape(text[position:])}</font>')
    return "".join(parts)
