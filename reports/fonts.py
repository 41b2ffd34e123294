"""The fonts every Rabta PDF embeds: Noto Sans for Latin text, Noto Naskh Arabic for
Urdu, shaped with HarfBuzz (reportlab's `shapable` fonts); reports/script_text.py
decides which draws what."""

from __future__ import annotations

from pathlib import Path

from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from reports.shaped_text_layer import install as install_shaped_text_layer

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


def register_fonts() -> None:
    """Register the bundled fonts with reportlab (once per process)."""
    if SANS in pdfmetrics.getRegisteredFontNames():
        return
    # Charts start from this font, not Helvetica, which a PDF would not embed.
    rl_config.defaultGraphicsFontName = SANS
    install_shaped_text_layer()
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
