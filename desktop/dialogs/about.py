"""About Rabta: version, where the data is, and the licenses of what it bundles."""

from __future__ import annotations

from html import escape
from pathlib import Path

import platformdirs
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from db.foundations.engine import APP_AUTHOR, APP_NAME
from desktop.widgets.screen_fit import fit_on_screen

ICON = Path(__file__).resolve().parent.parent.parent / "resources" / "icons" / "rabta-128.png"
BUNDLED = (
    ("Noto Sans, Noto Naskh Arabic", "SIL Open Font License 1.1"),
    ("Qt and PySide6", "GNU LGPL v3"),
    ("SQLAlchemy, SQLModel, Alembic", "MIT License"),
    ("ReportLab", "BSD License"),
    ("HarfBuzz (uharfbuzz)", "MIT / Apache License 2.0"),
    ("phonenumbers", "Apache License 2.0"),
    ("email-validator", "The Unlicense (public domain)"),
    ("platformdirs", "MIT License"),
    ("openpyxl", "MIT License"),
    ("lxml, libxml2", "BSD License, MIT License"),
    ("RapidFuzz", "MIT License"),
    ("vobject", "Apache License 2.0"),
    ("icalendar", "BSD License"),
    ("pycountry", "GNU LGPL v2.1"),
    ("Python", "Python Software Foundation License"),
)


class AboutDialog(QDialog):
    def __init__(self, version: str, database: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("About Rabta")
        from db.database_file.migrate import head_revision

        data_dir = platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)
        licenses = "".join(
            f"<tr><td>{escape(name)}</td><td>{escape(licence)}</td></tr>"
            for name, licence in BUNDLED
        )
        self.text = QLabel(
            f"<h2>Rabta {escape(version)}</h2>"
            "<p>The diaspora engagement registry: organizations, people, engagements, "
            "programs and quarterly outreach reports.</p>"
            f"<p><b>Database:</b> {escape(database)}<br>"
            f"<b>Schema:</b> {escape(head_revision())}<br>"
            f"<b>Data folder:</b> {escape(data_dir)}<br>"
            f"<b>Qt for Python:</b> {escape(pyside_version)}</p>"
            f"<p><b>Bundled software and fonts</b></p><table>{licenses}</table>"
        )
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setWordWrap(True)
        icon = QLabel()
        icon.setPixmap(QPixmap(str(ICON)))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(icon)
        row.addWidget(self.text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(buttons)
        fit_on_screen(self, 560, 460)
