"""Signing out and quitting: File > Sign out closes the session (its connections and
its key) so anyone can sign in; the last user is remembered per database; Ctrl+Q ends
the program even with a stray window up; the lock screen says who locked it."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel

from db.foundations.engine import database_key, remember_database_key
from desktop.app import last_user_key
from tests.desktop.conftest import active_main_window


def test_sign_out_closes_the_session_and_forgets_its_key(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="n.jamil")
    location = window.workspace.location
    remember_database_key(location, b"k" * 32)  # as an encrypted file's sign-in leaves it
    assert window.sign_out_action.text() == "Sign &out"
    window.sign_out_action.trigger()
    assert window.signing_out and not window.isVisible()
    assert database_key(location) is None
    assert window.workspace.engine.pool.checkedin() == 0  # no connection kept open


def test_the_last_user_is_remembered_for_each_database(tmp_path):
    one, other = str(tmp_path / "one.db"), str(tmp_path / "other.db")
    assert last_user_key(one) != last_user_key(other)
    assert last_user_key(one) == last_user_key(one)


# In a process of its own: once a program's event loop has quit, the test process's
# windows would no longer become active.
QUIT_WITH_A_STRAY_WINDOW = """
import sys
from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel
from desktop.app import configure_application
from desktop.main_window import MainWindow
from tests.desktop.conftest import open_workspace

app = QApplication(sys.argv)
configure_application(app)
window = MainWindow(open_workspace(sys.argv[1], login_name="n.jamil"))
window.show()
stray = QLabel("a window the main window does not own")
stray.show()  # before, this kept the program (and its database) running


def press_ctrl_q():
    QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)


QTimer.singleShot(300, window.activateWindow)
QTimer.singleShot(900, press_ctrl_q)
QTimer.singleShot(8000, lambda: app.exit(3))  # still running: Ctrl+Q did not end it
code = app.exec()
QThreadPool.globalInstance().waitForDone()
sys.exit(code)
"""


def test_ctrl_q_ends_the_program_even_with_a_stray_window_up(demo_path, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    ended = subprocess.run(
        [sys.executable, "-c", QUIT_WITH_A_STRAY_WINDOW, str(demo_path)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ended.returncode == 0, ended.stderr[-2000:]


def test_a_dashboard_scope_without_indicators_opens_no_stray_window(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="n.jamil")
    window.show_page("Dashboard")
    page = window.current_page()
    qtbot.waitUntil(lambda: page.figures is not None, timeout=20_000)
    page.indicators.empty_label.setVisible(True)  # what an empty scope does
    strays = [w for w in QApplication.topLevelWidgets() if isinstance(w, QLabel) and w.isVisible()]
    assert strays == []


def test_a_lock_by_hand_says_so_and_offers_sign_out(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="n.jamil")
    window.lock_now()
    dialog = window.idle_lock.dialog
    assert "You locked Rabta" in dialog.findChild(QLabel).text() or any(
        "You locked Rabta" in label.text() for label in dialog.findChildren(QLabel)
    )
    sign_out = next(b for b in dialog.buttons.buttons() if b.text() == "Sign out")
    sign_out.click()
    assert window.signing_out and not window.isVisible()
