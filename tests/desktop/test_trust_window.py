"""The window's side of trust, driven as a user would: the idle lock that keeps what was
typed, the Users tab, changing one's password, backups taken, listed and restored, the
History tab, the Audit page, and erasing a person from the Contacts page."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from sqlmodel import Session, select

from db import store
from db.database_file.backups import list_backups
from db.foundations.errors import DatabaseUnavailable
from db.foundations.models import Contact, Organization, User
from db.security.sign_in import sign_in
from db.store.organizations import update_organization
from desktop.dialogs.contact_form import ContactForm
from desktop.idle_lock import LockCover
from desktop.pages.audit import AuditPage
from desktop.pages.contacts import ContactsPage
from desktop.pages.organizations import OrganizationsPage
from desktop.pages.settings import SettingsPage
from tests.conftest import TEST_PASSWORD, add_officer
from tests.desktop.conftest import active_main_window, open_workspace


def _settings(window) -> SettingsPage:
    window.show_page("Settings")
    page = window.current_page()
    assert isinstance(page, SettingsPage)
    return page


def test_a_closed_windows_idle_lock_never_locks_the_windows_after_it(qtbot, demo_path):
    """Once, a closed window's idle timer went on and locked the next window that opened
    (its modal dialog took every shortcut from it)."""
    first = active_main_window(qtbot, demo_path, login_name="n.jamil")
    lock = first.idle_lock
    lock.timer.setInterval(50)
    lock.timer.start()
    first.close()
    second = active_main_window(qtbot, demo_path, login_name="n.jamil")
    qtbot.wait(200)
    assert not lock.is_locked and not lock.timer.isActive()
    assert QApplication.activeModalWidget() is None
    lock.lock()  # asked directly, it still refuses for a closed window
    assert not lock.is_locked
    assert not second.idle_lock.is_locked


def test_the_idle_lock_covers_every_window_and_keeps_what_was_typed(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="n.jamil")
    form = ContactForm(window.workspace, None, window)
    qtbot.addWidget(form)
    form.show()
    form.given_edit.setText("Half-typed name")
    lock = window.idle_lock
    assert lock.minutes == 10 and lock.timer.isActive()
    lock.timer.setInterval(50)  # ten minutes without input, shortened
    lock.timer.start()
    qtbot.waitUntil(lambda: lock.is_locked, timeout=5000)
    covered = {cover.parentWidget() for cover in lock.covers}
    assert {window, form} <= covered
    assert all(cover.isVisible() for cover in lock.covers)
    dialog = lock.dialog
    assert dialog.username.text() == "n.jamil" and dialog.username.isReadOnly()

    dialog.password.setText("not the password")
    dialog.buttons.accepted.emit()
    assert lock.is_locked and "wrong" in dialog.error.text().lower()

    dialog.password.setText(TEST_PASSWORD)
    dialog.buttons.accepted.emit()
    assert not lock.is_locked
    # Counting again, a full ten minutes: once the shortened 50 ms stayed, and a slow
    # machine locked again before the covers were gone.
    assert lock.timer.isActive() and lock.timer.interval() == 10 * 60_000
    qtbot.waitUntil(lambda: not any(isinstance(w, LockCover) for w in form.children()))
    assert form.isVisible() and form.given_edit.text() == "Half-typed name"


def test_ctrl_shift_l_locks_at_once(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path)
    window.toolbar_actions["Lock"].trigger()
    assert window.idle_lock.is_locked
    window.idle_lock.dialog.password.setText(TEST_PASSWORD)
    window.idle_lock.dialog.buttons.accepted.emit()
    assert not window.idle_lock.is_locked


def test_an_administrator_adds_a_user_who_must_change_the_first_password(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="commission.admin")
    users = _settings(window).users
    assert users.server_button.isHidden() and users.server_role.isHidden()  # a file has none
    users.start_new()
    users.username.setText("Z.Qureshi")
    users.display_name.setText("Zara Qureshi, Vice Consul")
    users.role.setCurrentIndex(users.role.findData("officer"))
    users.mission.setCurrentIndex(users.mission.findText("HOU", flags=_contains()))
    users.password.setText("first password 2026")
    users.repeated.setText("first password 2026 ")
    assert not users.save()
    assert "differ" in users.message.text()
    users.repeated.setText("first password 2026")
    assert users.save(), users.message.text()
    row = [users.table.item(r, 0).text() for r in range(users.table.rowCount())].index("z.qureshi")
    assert users.table.item(row, 4).text() == "must change password"
    assert users.table.item(row, 3).text() == "HOU"
    signed_in = sign_in(str(demo_path), "z.qureshi", "first password 2026")
    assert signed_in.must_change_password and signed_in.actor.role == "officer"
    signed_in.opened.engine.dispose()

    users.active.setChecked(False)
    assert users.save()
    assert users.table.item(users.table.currentRow(), 4).text() == "deactivated"


def _contains():
    from PySide6.QtCore import Qt

    return Qt.MatchFlag.MatchContains


def test_an_officer_reads_the_users_but_cannot_change_them(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="n.jamil")
    users = _settings(window).users
    assert users.table.rowCount() >= 8
    assert not users.save_button.isEnabled() and not users.reset_button.isEnabled()
    assert "Only administrators" in users.message.text()
    users.select_username("u.tarar")
    users.display_name.setText("Renamed by an officer")
    assert not users.save()  # the store refuses, whatever the buttons say
    with Session(window.workspace.engine) as s:
        assert s.exec(select(User).where(User.username == "u.tarar")).one().display_name != (
            "Renamed by an officer"
        )


def test_the_signed_in_person_changes_their_password(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="n.jamil")
    dialog = window.change_password()
    dialog.current.setText(TEST_PASSWORD)
    dialog.new.setText("a brand new passphrase")
    dialog.repeated.setText("a brand new passphrase")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    assert "changed" in window.statusBar().currentMessage()
    signed_in = sign_in(str(demo_path), "n.jamil", "a brand new passphrase")
    signed_in.opened.engine.dispose()


def test_backups_are_taken_daily_listed_and_restored(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="commission.admin")
    qtbot.waitUntil(lambda: window.last_daily_backup is not None, timeout=20_000)
    assert window.last_daily_backup.name.endswith("-daily.db")
    backups = _settings(window).backups
    qtbot.waitUntil(lambda: backups.table.rowCount() == 1, timeout=20_000)
    assert backups.table.item(0, 1).text() == "daily"
    with Session(window.workspace.engine) as s:
        organizations = len(s.exec(select(Organization.id)).all())
    assert backups.table.item(0, 3).text() == f"{organizations:,}"

    backups.back_up_now()
    qtbot.waitUntil(lambda: backups.table.rowCount() == 2, timeout=20_000)
    daily_row = [backups.table.item(r, 1).text() for r in range(2)].index("daily")
    backups.table.selectRow(daily_row)
    with store.session(window.workspace.engine) as s:
        org = s.exec(select(Organization)).first()
        update_organization(s, window.workspace.actor, org.id, {"city": "After the backup"})
    kept = backups.restore(backups.selected_backup(), TEST_PASSWORD)
    assert kept is not None and kept.exists() and "-replaced" in kept.name
    backups.restored_note.done(0)
    qtbot.waitUntil(lambda: not window.isVisible())
    signed_in = sign_in(str(demo_path), "commission.admin", TEST_PASSWORD)
    with Session(signed_in.opened.engine) as s:
        assert s.get(Organization, org.id).city != "After the backup"
    signed_in.opened.engine.dispose()
    assert any(b.kind == "replaced" for b in list_backups(str(demo_path)))


def test_the_history_tab_shows_who_changed_which_field(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="n.jamil")
    window.show_page("Organizations")
    page = window.current_page()
    assert isinstance(page, OrganizationsPage)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    with Session(window.workspace.engine) as s:
        houston = window.workspace.actor.mission_id
        org = s.exec(select(Organization).where(Organization.mission_id == houston)).first()
    with store.session(window.workspace.engine) as s:
        update_organization(s, window.workspace.actor, org.id, {"city": "Sugar Land"})
    page.show_record(org.id)
    page.detail_tabs.setCurrentWidget(page.history_panel)
    history = page.history
    assert history.rowCount() >= 2  # created by the demo, changed just now
    assert history.item(0, 0).text().split("\n")[1:] == ["n.jamil", "update"]
    assert "City:" in history.item(0, 1).text() and "Sugar Land" in history.item(0, 1).text()


def test_supervisors_read_the_audit_page_and_verify_the_chain(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="r.sheikh")
    window.show_page("Audit")
    page = window.current_page()
    assert isinstance(page, AuditPage)
    assert page.table.rowCount() == min(200, page.total) and page.total > 200
    page.user_box.setCurrentIndex(page.user_box.findData("r.sheikh"))
    assert page.table.rowCount() >= 1
    assert {page.table.item(r, 1).text() for r in range(page.table.rowCount())} == {"r.sheikh"}
    page.verify_chain()
    qtbot.waitUntil(lambda: page.verify_button.isEnabled(), timeout=20_000)
    assert "intact" in page.chain_label.text()


def test_an_officer_is_told_the_audit_page_is_not_for_them(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="n.jamil")
    window.show_page("Audit")
    page = window.current_page()
    assert page.table is None


def test_an_administrator_erases_a_person_from_the_contacts_page(qtbot, demo_path, tmp_path):
    window = active_main_window(qtbot, demo_path, login_name="commission.admin")
    window.show_page("Contacts")
    page = window.current_page()
    assert isinstance(page, ContactsPage)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    with Session(window.workspace.engine) as s:
        person = s.exec(select(Contact).where(Contact.email != "")).first()
    page.show_record(person.id)
    assert page.export_held_data_to(person.id, str(tmp_path / "held.pdf"))
    assert Path(tmp_path / "held.json").exists()
    question = page.erase_selected()
    question.reject()  # Cancel: nothing happens
    with Session(window.workspace.engine) as s:
        assert s.get(Contact, person.id).erased_at is None
    assert page.erase(person.id)
    assert f"Erased contact #{person.id}" in page.detail.toPlainText()
    assert person.email not in page.detail.toPlainText()
    QApplication.processEvents()


def test_a_new_officer_saved_with_the_defaults_is_refused_until_given_a_mission(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="commission.admin")
    users = _settings(window).users
    users.start_new()
    assert users.mission.currentText() == "Choose a mission…"
    assert "on purpose" in users.mission_hint.text()
    users.username.setText("new.officer")
    users.display_name.setText("New Officer")
    users.password.setText("first password 2026")
    users.repeated.setText("first password 2026")
    assert not users.save()  # an officer saved with the defaults would reach every mission
    assert "needs a mission" in users.message.text()
    with Session(window.workspace.engine) as s:
        assert s.exec(select(User).where(User.username == "new.officer")).first() is None
    users.mission.setCurrentIndex(users.mission.findData("commission"))
    assert users.save(), users.message.text()  # commission-wide, chosen on purpose
    row = [users.table.item(r, 0).text() for r in range(users.table.rowCount())].index(
        "new.officer"
    )
    assert users.table.item(row, 3).text() == "commission-wide"
    assert users.mission.currentData() == "commission"  # shown as chosen when edited


def test_the_window_says_when_the_keys_file_was_copied_back(qtbot, tmp_path):
    from db.foundations.engine import forget_database_key
    from db.security.keyring import keyring_path
    from db.security.sign_in import create_first_administrator
    from desktop.main_window import MainWindow

    path = tmp_path / "rabta.db"
    made = create_first_administrator(str(path), "admin", "Admin", TEST_PASSWORD)
    made.opened.engine.dispose()
    older = keyring_path(path).read_bytes()
    first = sign_in(str(path), "admin", TEST_PASSWORD)  # the database notes the keys file
    first.opened.engine.dispose()
    forget_database_key(str(path))
    keyring_path(path).write_bytes(older)
    signed_in = sign_in(str(path), "admin", TEST_PASSWORD)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.open_signed_in(signed_in.opened, signed_in.actor, signed_in.warnings)
    qtbot.waitUntil(lambda: window.sign_in_warning.isVisible())
    assert "older than the database's own record" in window.sign_in_warning.text()
    window.sign_in_warning.done(0)
    window.workspace.engine.dispose()
    forget_database_key(str(path))


def test_deactivating_someone_offers_to_change_the_key_and_does(qtbot, tmp_path):
    from db.foundations.engine import forget_database_key
    from db.security.keyring import Keyring, key_that_opens
    from db.security.sign_in import create_first_administrator
    from desktop.main_window import MainWindow

    path = tmp_path / "rabta.db"
    admin = create_first_administrator(str(path), "admin", "Admin", TEST_PASSWORD)
    with store.session(admin.opened.engine) as s:
        add_officer(s, admin.actor, "leaving.officer", "first password 1", "Leaving Officer")
    old_keys = Keyring.load(path).open_keys("leaving.officer", "first password 1")
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.open_signed_in(admin.opened, admin.actor)
    users = _settings(window).users
    assert not users.rekey_button.isHidden() and users.rekey_note.isHidden()
    assert users.select_username("leaving.officer")
    users.active.setChecked(False)
    assert users.save(), users.message.text()
    question = users.key_question
    qtbot.waitUntil(question.isVisible)
    assert "still opens this database" in question.text()
    assert "leaving.officer was deactivated" in users.rekey_note.text()
    question.buttons()[0].click()  # Change the key now
    qtbot.waitUntil(lambda: "has a new key" in users.message.text())
    assert users.rekey_note.isHidden()
    with pytest.raises(DatabaseUnavailable):
        key_that_opens(path, old_keys)
    with Session(window.workspace.engine) as s:  # the window goes on with the new key
        assert s.exec(select(User.username).where(User.active)).all() == ["admin"]
    window.workspace.engine.dispose()
    forget_database_key(str(path))


def test_on_a_server_an_administrator_gives_and_withdraws_a_persons_own_role(qtbot, pg_databases):
    """The Users panel on a shared registry: the role typed is given to the user the form
    shows; connected as it (as psql would), the server shows no other officer's
    confidential engagement; withdrawn, it no longer connects. A file shows no such
    fields."""
    import psycopg

    from desktop.pages.users_panel import UsersPanel

    location = pg_databases.fresh("demo")
    workspace = open_workspace(location, login_name="commission.admin", role="admin")
    database = workspace.engine.url.database
    host = workspace.engine.url.query["host"]
    role = f"{database}.k.lodhi"
    try:
        panel = UsersPanel(workspace)
        qtbot.addWidget(panel)
        assert not panel.server_button.isHidden() and not panel.server_role.isHidden()
        assert panel.select_username("k.lodhi")
        panel.server_role.setText(role)
        panel.server_password.setText("a role password 1")
        assert panel.give_server_role(), panel.message.text()
        assert f"now connects to the server as {role}" in panel.message.text()
        assert panel.server_role.text() == role  # the form shows what was saved
        with psycopg.connect(host=host, dbname=database, user=role) as as_officer:
            others = as_officer.execute(
                "SELECT count(*) FROM engagement WHERE sensitivity = 'confidential' AND "
                "officer_id <> (SELECT id FROM \"user\" WHERE username = 'k.lodhi')"
            ).fetchone()[0]
        assert others == 0
        assert panel.withdraw_server_role(), panel.message.text()
        with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
            psycopg.connect(host=host, dbname=database, user=role)
    finally:
        workspace.engine.dispose()
        with psycopg.connect(
            host=host, dbname="postgres", user="postgres", autocommit=True
        ) as owner:
            owner.execute(f'DROP ROLE IF EXISTS "{role}"')
        pg_databases.drop(location)
