"""The window locks itself after a while without input, and on Ctrl+Shift+L.

Locked, every Rabta window (the main window and any open form) is covered by an opaque
panel and a sign-in dialog asks for the password of the person signed in. Forms stay open
under the cover with what was typed in them; the password is checked by a full sign-in,
so wrong ones count toward the lockout and are audited like any other.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget

from desktop.dialogs.sign_in import SignInDialog

# Input that counts as someone at the keyboard.
ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class LockCover(QLabel):
    """An opaque panel over one window while Rabta is locked."""

    def __init__(self, window: QWidget):
        super().__init__("Rabta is locked.\nSign in again to go on.", window)
        self.setObjectName("lockCover")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            "QLabel#lockCover { background: #1f3b4d; color: white; font-size: 18px; }"
        )
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(watched.rect())
        return False


class IdleLock(QObject):
    """Locks after `minutes` without input (0: never by itself); `check(username,
    password)` signs in again and raises RabtaError with the reason when it cannot."""

    locked = Signal()
    unlocked = Signal()
    sign_out_requested = Signal()  # from the lock screen: someone else is to sign in

    def __init__(
        self,
        window: QWidget,
        username: str,
        location: str,
        minutes: int,
        check: Callable[[str, str], object],
    ):
        super().__init__(window)
        self.window = window
        self.username = username
        self.location = location
        self.check = check
        self.covers: list[LockCover] = []
        self.dialog: SignInDialog | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.set_minutes(minutes)
        QApplication.instance().installEventFilter(self)

    @property
    def is_locked(self) -> bool:
        return bool(self.covers)

    def set_minutes(self, minutes: int) -> None:
        """Lock after this many idle minutes from now on (0 or less: never by itself)."""
        self.timer.stop()
        self.minutes = minutes
        if minutes > 0:
            self.timer.setInterval(minutes * 60_000)
            self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY and not self.covers and self.minutes > 0:
            self.timer.start()
        return False

    def stop(self) -> None:
        """The window is closing: never lock again (a closed window's timer once locked
        the windows that came after it)."""
        self.timer.stop()
        self.minutes = 0
        QApplication.instance().removeEventFilter(self)

    def lock(self, by_hand: bool = False) -> None:
        """Cover every visible Rabta window and ask for the password (not when this
        lock's own window is closed); `by_hand` when the person locked it themselves."""
        if self.covers or not self.window.isVisible():
            return
        self.timer.stop()
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible() and not isinstance(widget, LockCover):
                self.covers.append(LockCover(widget))
        dialog = SignInDialog(
            self.location,
            self.username,
            None,
            check=self.check,
            title="Rabta is locked",
            intro=(
                "You locked Rabta. "
                if by_hand
                else "Rabta locked itself to keep the registry private. "
            )
            + f"Type the password of {self.username} to go on; anything you were typing "
            "is still there. Someone else: Sign out, then sign in as yourself.",
        )
        dialog.username.setReadOnly(True)
        dialog.password.setFocus()
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.buttons.rejected.disconnect()
        dialog.buttons.button(dialog.buttons.StandardButton.Cancel).setText("Quit Rabta")
        dialog.buttons.rejected.connect(self._quit)
        sign_out = dialog.buttons.addButton("Sign out", dialog.buttons.ButtonRole.ResetRole)
        sign_out.setToolTip("Close this session (nothing unsaved is kept) and sign in again")
        sign_out.clicked.connect(self._sign_out)
        dialog.accepted.connect(self._unlock)
        self.dialog = dialog
        dialog.show()
        self.locked.emit()

    def _unlock(self) -> None:
        for cover in self.covers:
            if shiboken6.isValid(cover):
                cover.parentWidget().removeEventFilter(cover)
                cover.deleteLater()
        self.covers.clear()
        self.dialog = None
        self.set_minutes(self.minutes)  # a full period again, whatever the timer held
        self.unlocked.emit()

    def _sign_out(self) -> None:
        if self.dialog is not None:
            self.dialog.done(QDialog.DialogCode.Rejected)
        self.sign_out_requested.emit()

    def _quit(self) -> None:
        if self.dialog is not None:
            self.dialog.done(QDialog.DialogCode.Rejected)
        self.window.close()
        QApplication.instance().quit()
