"""The dialogs before any data shows: the first administrator, signing in, and a
password that must be changed. Each calls db.security and shows its one-sentence
refusals under the fields; nothing is written until the data layer accepts."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from db.foundations.engine import shown_location
from db.foundations.errors import RabtaError, ValidationError, said


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(256)
    return field


class _CredentialsDialog(QDialog):
    """Fields in a form, an error line under them, OK and Cancel; `attempt` runs on OK."""

    def __init__(self, title: str, intro: str, ok_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.intro)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        self.buttons.accepted.connect(self._try)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def attempt(self) -> None:
        """Do the work; raise RabtaError to show its sentence and stay open."""
        raise NotImplementedError

    def show_error(self, message: str) -> None:
        """Show why the last attempt was refused."""
        self.error.setText(message)
        self.error.show()

    def _try(self) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.attempt()
        except ValidationError as error:
            self.show_error(" ".join(error.errors.values()))
            return
        except RabtaError as error:
            self.show_error(said(error))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.accept()


class FirstAdministratorDialog(_CredentialsDialog):
    """The first run: who administers this installation, and the password that opens it."""

    def __init__(self, location: str, parent: QWidget | None = None, *, new_file: bool = True):
        encrypted = (
            "The database will be encrypted: it opens only with the password of a Rabta user. "
            "If every administrator's password is lost, no one can read the data again, "
            "not even the makers of Rabta. Keep the password safe, and add a second "
            "administrator once you are in."
            if new_file
            else "This database is from an earlier Rabta, where no one signed in. Choose its "
            "administrator now; you can encrypt it afterwards from Settings."
        )
        super().__init__(
            "Welcome to Rabta — create the administrator",
            f"{shown_location(location)}\n\n{encrypted}",
            "Create administrator",
            parent,
        )
        self.location = location
        self.username = QLineEdit()
        self.username.setPlaceholderText("e.g. commission.admin")
        self.username.setMaxLength(64)
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText("e.g. Registry Administrator")
        self.display_name.setMaxLength(200)
        self.password = _password_field()
        self.password.setPlaceholderText("at least 10 characters")
        self.repeated = _password_field()
        self.form.addRow("&Username", self.username)
        self.form.addRow("Full &name", self.display_name)
        self.form.addRow("&Password", self.password)
        self.form.addRow("&Again", self.repeated)
        self.signed_in = None

    def attempt(self) -> None:
        from db.security.sign_in import create_first_administrator

        if self.password.text() != self.repeated.text():
            raise ValidationError({"password": "The two passwords differ."})
        self.signed_in = create_first_administrator(
            self.location, self.username.text(), self.display_name.text(), self.password.text()
        )


class SignInDialog(_CredentialsDialog):
    """Username and password; five wrong passwords lock the account for a while."""

    def __init__(
        self,
        location: str,
        username: str = "",
        parent: QWidget | None = None,
        *,
        check: Callable[[str, str], object] | None = None,
        title: str = "Sign in to Rabta",
        intro: str | None = None,
    ):
        super().__init__(
            title,
            intro or f"Sign in to open {shown_location(location)}.",
            "Sign in",
            parent,
        )
        self.location = location
        self.username = QLineEdit(username)
        self.username.setMaxLength(64)
        self.password = _password_field()
        self.form.addRow("&Username", self.username)
        self.form.addRow("&Password", self.password)
        (self.password if username else self.username).setFocus()
        self._check = check
        self.signed_in = None

    def attempt(self) -> None:
        from db.security.sign_in import sign_in

        try:
            if self._check is not None:
                self.signed_in = self._check(self.username.text(), self.password.text())
            else:
                self.signed_in = sign_in(self.location, self.username.text(), self.password.text())
        finally:
            self.password.clear()


class ChangePasswordDialog(_CredentialsDialog):
    """Replace one's own password (required after an administrator set it)."""

    def __init__(
        self,
        change: Callable[[str, str], None],
        parent: QWidget | None = None,
        *,
        required: bool = False,
    ):
        from db.security.sign_in import MUST_CHANGE

        super().__init__(
            "Change your password",
            MUST_CHANGE if required else "Type your current password, then the new one twice.",
            "Change password",
            parent,
        )
        self._change = change
        self.current = _password_field()
        self.new = _password_field()
        self.new.setPlaceholderText("at least 10 characters")
        self.repeated = _password_field()
        self.form.addRow("&Current password", self.current)
        self.form.addRow("&New password", self.new)
        self.form.addRow("&Again", self.repeated)

    def attempt(self) -> None:
        if self.new.text() != self.repeated.text():
            raise ValidationError({"new_password": "The two new passwords differ."})
        self._change(self.current.text(), self.new.text())
