"""The events desk in the window: a program's guest list opened from the Programs
page, replies by key on the row selected, and the check-in screen at the door: a
scanned code, a second scan, a name in Urdu, a name no guest has, and a walk-in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from sqlmodel import Session, select

from db import store
from db.foundations.models import Contact, EventGuest
from db.store.guests import check_in as check_in_guest
from db.store.guests import invite_guests
from db.store.programs import add_event, create_program
from desktop.dialogs.guest_list import CheckInDialog
from tests.desktop.conftest import active_main_window


def _reception(window) -> tuple[int, int, list[int]]:
    """A program with a reception, and three demo people invited to it."""
    actor = window.workspace.actor
    with store.session(window.workspace.engine) as s:
        people = list(
            s.exec(
                select(Contact.id)
                .where(Contact.name_urdu != "", Contact.archived_at.is_(None))
                .order_by(Contact.id)
                .limit(3)
            ).all()
        )
        program = create_program(
            s, actor, {"name": "Pakistan Day 2027", "kind": "cultural_festival"}
        )
        event = add_event(
            s, actor, program, {"date": "2027-03-23", "title": "Pakistan Day reception"}
        )
        invite_guests(s, actor, event, contact_ids=people)
    return program, event, people


def test_the_guest_list_takes_replies_by_key_and_the_door_checks_in(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="c.officer")
    program, event, people = _reception(window)
    page = window.page("Programs")
    page.show_record(program)
    dialog = page._guest_lists()
    qtbot.waitUntil(lambda: dialog.isVisible())
    assert dialog.table.rowCount() == 3 and "Invited 3" in dialog.counts.text()
    dialog.table.setFocus()
    dialog.table.selectRow(1)
    chosen = dialog.shown_guest()
    qtbot.keyClick(dialog.table, Qt.Key.Key_A)
    with Session(window.workspace.engine) as s:
        assert s.get(EventGuest, chosen.id).status == "accepted"
        others = s.exec(
            select(EventGuest.status).where(
                EventGuest.event_id == event, EventGuest.id != chosen.id
            )
        ).all()
        other = next(person for person in people if person != chosen.contact_id)
        urdu = s.get(Contact, other).name_urdu
    assert set(others) == {"invited"}  # only the row selected
    assert dialog.shown_guest().id == chosen.id  # still selected after the list is read again
    door = CheckInDialog(window.workspace, event, dialog)
    qtbot.addWidget(door)
    door.show()
    qtbot.keyClicks(door.typed, chosen.code)
    qtbot.keyClick(door.typed, Qt.Key.Key_Return)
    assert "checked in at" in door.said.text() and chosen.name in door.said.text()
    qtbot.keyClicks(door.typed, chosen.code)
    qtbot.keyClick(door.typed, Qt.Key.Key_Return)
    assert door.said.text().startswith(f"{chosen.name} was already checked in at")
    door.typed.setText(urdu)  # typed with an Urdu keyboard (QTest types Latin keys only)
    qtbot.keyClick(door.typed, Qt.Key.Key_Return)
    assert "checked in at" in door.said.text() and "already" not in door.said.text()
    qtbot.keyClicks(door.typed, "Nobody Atall")
    qtbot.keyClick(door.typed, Qt.Key.Key_Return)
    assert "No guest of this event is called" in door.said.text()
    door.given.setText("Hina")
    door.family.setText("Malik")
    door.email.setText("hina.malik@example.org")
    door.consent.setChecked(True)
    (walk_in,) = [b for b in door.findChildren(QPushButton) if "walk-in" in b.text()]
    qtbot.mouseClick(walk_in, Qt.MouseButton.LeftButton)
    assert "walk-in" in door.said.text()
    assert "Came 3" in door.counts.text()
    door.close()
    QApplication.processEvents()


def test_the_sign_in_sheet_and_badges_are_saved_where_chosen(
    qtbot, demo_path, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    window = active_main_window(qtbot, demo_path, login_name="c.officer")
    program, _event, _people = _reception(window)
    page = window.page("Programs")
    page.show_record(program)
    dialog = page._guest_lists()
    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: said.append(a[2]))
    for name, kind in (("sheet.pdf", "sheet"), ("badges.pdf", "badges"), ("list.pdf", "guests")):
        target = tmp_path / name
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target: (str(t), ""))
        dialog.print_sheet(kind)
        assert target.read_bytes().startswith(b"%PDF-")
        assert (target.stat().st_mode & 0o777) == 0o600
    assert len(said) == 3 and said[1].startswith(f"Wrote {tmp_path / 'badges.pdf'}")


def test_log_the_event_from_the_guest_list(qtbot, demo_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from db.foundations.models import Engagement, ProgramEvent

    window = active_main_window(qtbot, demo_path, login_name="c.officer")
    program, event, _people = _reception(window)
    page = window.page("Programs")
    page.show_record(program)
    dialog = page._guest_lists()
    warned, told = [], []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    monkeypatch.setattr(QMessageBox, "information", lambda *a: told.append(a[2]))
    dialog.log_the_event()
    assert warned == ["No one has been checked in at this event yet; check guests in first."]
    dialog.table.selectRow(0)
    with store.session(window.workspace.engine) as s:
        check_in_guest(s, window.workspace.actor, dialog.shown_guest().id)
    dialog.log_the_event()
    assert told and told[0].startswith("Logged as engagement")
    with Session(window.workspace.engine) as s:
        logged = s.get(ProgramEvent, event).engagement_id
        assert s.get(Engagement, logged).kind == "event"


def test_invitations_are_sent_on_a_worker_and_the_list_says_so(qtbot, demo_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from db.foundations.actor import SYSTEM_ACTOR
    from db.store.settings import set_setting
    from tests.exchange.test_invitations import Inbox, _serve

    window = active_main_window(qtbot, demo_path, login_name="c.officer")
    program, event, _people = _reception(window)
    inbox = Inbox()
    controller = _serve(inbox)
    told = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a: told.append(a[2]))
    try:
        with store.session(window.workspace.engine) as s:
            for key, value in (
                ("email_host", "127.0.0.1"),
                ("email_port", str(controller.port)),
                ("email_security", "none"),
                ("email_sender", "events@example.org"),
                ("email_per_minute", "0"),
            ):
                set_setting(s, SYSTEM_ACTOR, key, value)
        page = window.page("Programs")
        page.show_record(program)
        dialog = page._guest_lists()
        dialog.send_invitations()
        qtbot.waitUntil(lambda: bool(told), timeout=10_000)
    finally:
        controller.stop()
    with Session(window.workspace.engine) as s:
        emailed = [
            guest
            for guest in s.exec(select(EventGuest).where(EventGuest.event_id == event)).all()
            if guest.invitation_sent_at is not None
        ]
    assert told[0].startswith(f"Invitations: {len(emailed)} sent") and emailed
    assert len(inbox.received) == len(emailed)
    shown = [dialog.table.item(row, 6).text() for row in range(dialog.table.rowCount())]
    assert sum(text.startswith("emailed ") for text in shown) == len(emailed)


def test_the_email_settings_save_together_and_a_plain_file_keeps_no_password(qtbot, demo_path):
    from db.rules.settings import read_settings
    from desktop.pages.email_panel import EmailPanel
    from tests.desktop.conftest import open_workspace

    workspace = open_workspace(demo_path, "admin.tester", role="admin")
    panel = EmailPanel(workspace)
    qtbot.addWidget(panel)
    panel.host.setText("smtp.example.org")
    panel.sender.setText("not an address")
    assert not panel.save()
    assert "is not an email address" in panel.message.text()
    with Session(workspace.engine) as s:
        assert read_settings(s).email_host == ""  # all or none
    panel.sender.setText("events@example.org")
    panel.password.setText("s3cret")
    assert not panel.save()  # a plain file keeps no password, and says so
    assert "Only an encrypted database file keeps the mail password" in panel.message.text()
    panel.password.clear()
    assert panel.save()
    with Session(workspace.engine) as s:
        saved = read_settings(s)
    assert (saved.email_host, saved.email_sender, saved.email_port) == (
        "smtp.example.org",
        "events@example.org",
        587,
    )
    workspace.engine.dispose()
