"""Desktop tests: Qt settings go to a temporary folder so runs never share window state,
and nothing a test left on screen outlives it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from desktop.app import configure_application


@pytest.fixture(autouse=True)
def isolated_settings(qapp, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    configure_application(qapp)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "config")
    )
    yield
    _close_what_is_left(qapp)
    _release_modifiers(qapp)


def _close_what_is_left(qapp) -> None:
    """Close every window a test left open. A dialog whose parent window was closed stays
    on screen until Python collects the window, and a modal one left from one test took
    the next test's shortcuts (Ctrl+N, Del) whenever collection came late."""
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.close()
    qapp.processEvents()


def _release_modifiers(qapp) -> None:
    """Forget a modifier a test's key click held (Ctrl+Return): Qt keeps the last key
    event's modifiers as the keyboard's state, and the next test's selectRow then added
    to the selection as a Ctrl+click does."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QWidget

    if QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier:
        return
    spare = QWidget()
    QTest.keyClick(spare, Qt.Key.Key_Shift)
    QTest.keyRelease(spare, Qt.Key.Key_Shift)
    spare.deleteLater()
    qapp.processEvents()


def open_workspace(path, login_name: str = "tester", role: str = "officer"):
    """A workspace signed in as `login_name` (made a user with that role if missing)."""
    from desktop.workspace import signed_in_workspace
    from tests.conftest import TEST_PASSWORD, ensure_user

    ensure_user(path, login_name, role)
    return signed_in_workspace(str(path), login_name, TEST_PASSWORD)


def active_main_window(qtbot, path, login_name: str = "tester"):
    """The main window on a database, shown and active so shortcuts reach it."""
    from PySide6.QtWidgets import QApplication

    from desktop.main_window import MainWindow

    window = MainWindow(open_workspace(str(path), login_name=login_name))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window
