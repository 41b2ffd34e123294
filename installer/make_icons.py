"""Render resources/icons/rabta.svg to the PNG sizes and the Windows .ico the installers
need. Run once after changing the SVG: python installer/make_icons.py"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(size: int) -> QImage:
    """The icon drawn at size x size pixels on a transparent background."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(ICONS / "rabta.svg")).render(painter)
    painter.end()
    return image


def main() -> int:
    """Write rabta-N.png for every size and rabta.ico with the Windows sizes."""
    QGuiApplication.instance() or QGuiApplication(sys.argv)
    for size in SIZES:
        render(size).save(str(ICONS / f"rabta-{size}.png"))
    if not render(256).save(str(ICONS / "rabta.ico"), "ICO"):
        print("This Qt cannot write .ico files", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
