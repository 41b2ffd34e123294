"""Settings > Email: the office's own mail server, through which invitations go; its
password is kept sealed in the keys file of an encrypted database, never in the
settings (db/security/mail_password.py)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from db import store
from db.foundations.errors import RabtaError, said
from db.rules.settings import setting_texts
from db.security.mail_password import keep_mail_password
from db.store.settings import set_setting
from desktop.workspace import Workspace


class EmailPanel(QWidget):
    """The mail server's settings, saved together (administrators)."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.host = QLineEdit()
        self.host.setPlaceholderText(self.tr("e.g. smtp.example.org"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.security = QComboBox()
        for label, value in (
            (self.tr("STARTTLS (port 587)"), "starttls"),
            (self.tr("SSL/TLS (port 465)"), "ssl"),
            (self.tr("None (a server inside the office only)"), "none"),
        ):
            self.security.addItem(label, value)
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("unchanged when left empty"))
        self.sender = QLineEdit()
        self.sender.setPlaceholderText(self.tr("the From address, e.g. events@consulate.example"))
        self.reply_to = QLineEdit()
        self.per_minute = QSpinBox()
        self.per_minute.setRange(0, 6000)
        self.per_minute.setSpecialValueText(self.tr("no limit"))
        self.per_minute.setSuffix(self.tr(" a minute"))
        self.save_button = QPushButton(self.tr("Save email settings"))
        self.save_button.clicked.connect(self.save)
        box = QGroupBox(self.tr("The office's mail server, for invitations"))
        form = QFormLayout(box)
        form.addRow(self.tr("Server"), self.host)
        form.addRow(self.tr("Port"), self.port)
        form.addRow(self.tr("Connection"), self.security)
        form.addRow(self.tr("User"), self.user)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Sender"), self.sender)
        form.addRow(self.tr("Replies go to"), self.reply_to)
        form.addRow(self.tr("Send at most"), self.per_minute)
        form.addRow(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(box)
        layout.addStretch()
        self.reload()

    def reload(self) -> None:
        """Show the settings as saved (never the password)."""
        with Session(self.workspace.engine) as s:
            values = setting_texts(s)
        self.host.setText(values["email_host"])
        self.port.setValue(int(values["email_port"]))
        self.security.setCurrentIndex(max(0, self.security.findData(values["email_security"])))
        self.user.setText(values["email_user"])
        self.sender.setText(values["email_sender"])
        self.reply_to.setText(values["email_reply_to"])
        self.per_minute.setValue(int(values["email_per_minute"]))
        self.password.clear()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #9b2226;" if error else "color: #1f5f7a;")
        self.message.setText(text)

    def save(self) -> bool:
        """Save every field together (all or none), then keep a typed password sealed."""
        values = {
            "email_host": self.host.text().strip(),
            "email_port": str(self.port.value()),
            "email_security": self.security.currentData(),
            "email_user": self.user.text().strip(),
            "email_sender": self.sender.text().strip(),
            "email_reply_to": self.reply_to.text().strip(),
            "email_per_minute": str(self.per_minute.value()),
        }
        try:
            with store.session(self.workspace.engine) as s:
                for key, value in values.items():
                    set_setting(s, self.workspace.actor, key, value)
            if self.password.text():
                keep_mail_password(self.workspace.location, self.password.text())
        except RabtaError as error:
            self._say(self.tr("Not saved: {why}").format(why=said(error)), error=True)
            return False
        self.password.clear()
        self._say(self.tr("Email settings saved."))
        self.workspace.announce("setting")
        return True
