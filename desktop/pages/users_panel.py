"""Settings > Users: administrators add people, set their role and mission, deactivate
them and reset passwords; db/store/users.py refuses everyone else."""

from __future__ import annotations

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from db import store
from db.foundations.clock import utc_now
from db.foundations.errors import RabtaError, ValidationError, said
from db.foundations.labels import label_of
from db.foundations.models import UserRole
from db.queries.editing import record_to_edit
from db.queries.pickers import mission_options
from db.queries.users import user_accounts
from db.security.keyring import Keyring
from db.store.users import create_user, reset_password, update_user

ID_ROLE = Qt.ItemDataRole.UserRole
WORK_WAIT_MS = 10_000  # for this window's background reads to end before a key change
COMMISSION = "commission"  # the mission drop-down's deliberate "no mission"
HEADERS = ("Username", "Name", "Role", "Mission", "State")
ROLE_HINTS = {
    UserRole.VIEWER: "reads everything but confidential engagements",
    UserRole.OFFICER: "writes records of their own mission, reads others'",
    UserRole.SUPERVISOR: "also sees their mission's confidential engagements and writes "
    "report narratives",
    UserRole.ADMIN: "manages users, missions, settings, backups and erasure",
}


def _password_field(placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    field.setMaxLength(256)
    return field


class UsersPanel(QWidget):
    """The users in a table; the form below edits the selected one or adds a new one."""

    def __init__(self, workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        admin = workspace.actor.may_administer
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.username = QLineEdit()
        self.username.setMaxLength(64)
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(200)
        self.role = QComboBox()
        for role in UserRole:
            self.role.addItem(f"{label_of(UserRole, role)} — {ROLE_HINTS[role]}", role.value)
        self.mission = QComboBox()
        self.mission_hint = QLabel(
            "Officers and supervisors work for one mission. Commission-wide (no mission) "
            "lets them change every mission's records: choose it only on purpose."
        )
        self.mission_hint.setWordWrap(True)
        self.mission_hint.setStyleSheet("color: #5b6770;")
        self.active = QCheckBox("May sign in")
        self.password = _password_field("at least 10 characters; they change it at sign-in")
        self.repeated = _password_field("the same again")
        form = QFormLayout()
        form.addRow("&Username", self.username)
        form.addRow("Full &name", self.display_name)
        form.addRow("&Role", self.role)
        form.addRow("&Mission", self.mission)
        form.addRow("", self.mission_hint)
        form.addRow("", self.active)
        form.addRow("&Password", self.password)
        form.addRow("&Again", self.repeated)
        self.server_role = QLineEdit()
        self.server_role.setMaxLength(63)
        self.server_role.setPlaceholderText(self.tr("their own role on the server, e.g. a.zaidi"))
        self.server_password = _password_field(
            self.tr("the role's password; empty: the server knows them by certificate or Kerberos")
        )
        form.addRow(self.tr("Server r&ole"), self.server_role)
        form.addRow(self.tr("Role pass&word"), self.server_password)
        for row_field in (self.server_role, self.server_password):
            form.setRowVisible(row_field, self._on_server())

        self.new_button = QPushButton("New user")
        self.save_button = QPushButton("Save user")
        self.reset_button = QPushButton("Reset password")
        self.reset_button.setToolTip(
            "Set the password typed above; the user must change it at the next sign-in"
        )
        self.rekey_button = QPushButton(self.tr("Change the database key"))
        self.rekey_button.setToolTip(
            self.tr(
                "Re-encrypt the database under a new key, sealed for every user who may "
                "sign in: a keys file copied before opens nothing after"
            )
        )
        self.server_button = QPushButton(self.tr("Give server role"))
        self.server_button.setToolTip(
            self.tr(
                "Let the user shown connect to the server as this role: the server itself "
                "then holds it to Rabta's rules (confidential engagements, their mission)"
            )
        )
        self.withdraw_button = QPushButton(self.tr("Withdraw server role"))
        buttons = QHBoxLayout()
        for button in (
            self.new_button,
            self.save_button,
            self.reset_button,
            self.rekey_button,
            self.server_button,
            self.withdraw_button,
        ):
            buttons.addWidget(button)
            button.setEnabled(admin)
        self.rekey_button.setVisible(self._encrypted())
        self.server_button.setVisible(self._on_server())
        self.withdraw_button.setVisible(self._on_server())
        buttons.addStretch(1)
        self.rekey_note = QLabel()
        self.rekey_note.setWordWrap(True)
        self.rekey_note.setStyleSheet("color: #9b2226;")
        self.message = QLabel(
            "" if admin else "Only administrators manage users; this list is for reading."
        )
        self.message.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.rekey_note)

        self.table.currentCellChanged.connect(lambda *_: self._show_selected())
        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(self.reset_selected_password)
        self.rekey_button.clicked.connect(self.change_key)
        self.server_button.clicked.connect(self.give_server_role)
        self.withdraw_button.clicked.connect(self.withdraw_server_role)
        self.editing: int | None = None
        self.reload()
        self.start_new()
        self._show_rotation_due()

    def _refused(self, error: RabtaError) -> None:
        self._say(
            said(error),
            error=True,
        )

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #9b2226;" if error else "color: #1f5f7a;")
        self.message.setText(text)

    def _on_server(self) -> bool:
        return self.workspace.engine.dialect.name == "postgresql"

    def _encrypted(self) -> bool:
        from db.security.sign_in import is_encrypted

        return is_encrypted(self.workspace.location)

    def _deactivated_since_key(self) -> list[str]:
        """Users deactivated since the key last changed (a copy of the keys file they
        kept would still open the database)."""
        if not self._encrypted():
            return []
        return Keyring.load(self.workspace.location).rotation_due

    def _show_rotation_due(self) -> None:
        from db.security.sign_in import rotation_due_sentence

        due = self._deactivated_since_key() if self.workspace.actor.may_administer else []
        self.rekey_note.setText(rotation_due_sentence(due) if due else "")
        self.rekey_note.setVisible(bool(due))

    def offer_key_change(self, username: str) -> QMessageBox:
        """After a deactivation: say that the key must change, and offer to do it now."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Change the database key?"))
        box.setText(
            self.tr(
                "{name} may no longer sign in. A copy of the keys file they may have kept "
                "still opens this database until its key is changed."
            ).format(name=username)
        )
        box.setInformativeText(
            self.tr(
                "Changing the key takes a moment; other Rabta windows on this database "
                "must be closed first. Everyone else signs in as before."
            )
        )
        change = box.addButton(self.tr("Change the key now"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Later"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(change)
        box.finished.connect(
            lambda _r: self.change_key() if box.clickedButton() is change else None
        )
        self.key_question = box
        box.open()
        return box

    def change_key(self) -> bool:
        """Re-encrypt the database under a new key (administrators), saying how it went."""
        from db.foundations.engine import database_key
        from db.security.encryption import rotate_key

        location = self.workspace.location
        QThreadPool.globalInstance().waitForDone(WORK_WAIT_MS)  # this window's own readers
        try:
            users = rotate_key(self.workspace.actor, location, self.workspace.engine)
        except RabtaError as error:
            self._refused(error)
            return False
        self.workspace.key = database_key(location)  # the workers open it with the new key
        self._say(
            self.tr(
                "The database has a new key, sealed for {count} users; any keys file copied "
                "before opens nothing now."
            ).format(count=users)
        )
        self._show_rotation_due()
        return True

    def reload(self) -> None:
        """Show every user, active ones first."""
        with Session(self.workspace.engine) as s:
            accounts = user_accounts(s)
            options = mission_options(s)
        now = utc_now()
        self.table.setRowCount(0)
        for user, mission_code in accounts:
            row = self.table.rowCount()
            self.table.insertRow(row)
            locked = (
                user.locked_until is not None
                and (
                    user.locked_until
                    if user.locked_until.tzinfo
                    else user.locked_until.replace(tzinfo=now.tzinfo)
                )
                > now
            )
            state = (
                "deactivated"
                if not user.active
                else "locked out"
                if locked
                else "no password yet"
                if not user.password_hash
                else "must change password"
                if user.must_change_password
                else "active"
            )
            if user.server_role:
                state = self.tr("{state}; connects to the server as {role}").format(
                    state=state, role=user.server_role
                )
            cells = (
                user.username,
                user.display_name,
                label_of(UserRole, user.role),
                mission_code or "commission-wide",
                state,
            )
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setData(ID_ROLE, user.id)
                self.table.setItem(row, column, item)
        current = self.mission.currentData()
        self.mission.clear()
        self.mission.addItem("Choose a mission…", None)
        for mission_id, label in options:
            self.mission.addItem(label, mission_id)
        self.mission.addItem("Commission-wide: every mission (on purpose)", COMMISSION)
        self.mission.setCurrentIndex(max(0, self.mission.findData(current)))

    def selected_user_id(self) -> int | None:
        item = self.table.item(self.table.currentRow(), 0)
        return item.data(ID_ROLE) if item is not None else None

    def select_username(self, username: str) -> bool:
        """Select a user's row by username."""
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).text() == username:
                self.table.setCurrentCell(row, 0)
                return True
        return False

    def _show_selected(self) -> None:
        user_id = self.selected_user_id()
        if user_id is None:
            return
        with Session(self.workspace.engine) as s:
            user = record_to_edit(s, self.workspace.actor, "user", user_id)
        self.editing = user.id
        self.username.setText(user.username)
        self.username.setReadOnly(True)
        self.display_name.setText(user.display_name)
        self.role.setCurrentIndex(self.role.findData(user.role))
        shown = COMMISSION if user.mission_id is None else user.mission_id
        self.mission.setCurrentIndex(max(0, self.mission.findData(shown)))
        self.active.setChecked(user.active)
        self.password.clear()
        self.repeated.clear()
        self.server_role.setText(user.server_role or "")
        self.server_password.clear()

    def start_new(self) -> None:
        """Empty the form for a new user."""
        self.editing = None
        self.table.clearSelection()
        self.username.clear()
        self.username.setReadOnly(False)
        self.display_name.clear()
        self.role.setCurrentIndex(self.role.findData(UserRole.OFFICER))
        self.mission.setCurrentIndex(0)
        self.active.setChecked(True)
        self.password.clear()
        self.repeated.clear()
        self.server_role.clear()
        self.server_password.clear()

    def _typed_password(self) -> str | None:
        if self.password.text() != self.repeated.text():
            raise ValidationError({"password": "The two passwords differ."})
        return self.password.text() or None

    def save(self) -> bool:
        """Add the new user, or save the selected one's name, role, mission and state."""
        chosen_mission = self.mission.currentData()
        values = {
            "display_name": self.display_name.text(),
            "role": self.role.currentData(),
            "mission_id": None if chosen_mission in (None, COMMISSION) else chosen_mission,
            "commission_wide": chosen_mission == COMMISSION,
            "active": self.active.isChecked(),
        }
        deactivating = False
        try:
            with store.session(self.workspace.engine) as s:
                if self.editing is None:
                    password = self._typed_password()
                    if password is None:
                        raise ValidationError(
                            {
                                "password": "Give the new user a first password "
                                "(10 characters or more)."
                            }
                        )
                    create_user(
                        s,
                        self.workspace.actor,
                        {**values, "username": self.username.text(), "password": password},
                    )
                    done = (
                        f"Added {self.username.text().strip().lower()}; they choose their "
                        "own password at the first sign-in."
                    )
                else:
                    was_active = record_to_edit(s, self.workspace.actor, "user", self.editing)
                    deactivating = bool(was_active.active) and not values["active"]
                    update_user(s, self.workspace.actor, self.editing, values)
                    done = f"Saved {self.username.text()}."
        except RabtaError as error:
            self._refused(error)
            return False
        username = self.username.text().strip().lower()
        self.reload()
        self.select_username(username)  # the form now edits the saved user
        self._say(done)
        self.workspace.announce("user")
        self._show_rotation_due()
        if deactivating and self._encrypted():
            self.offer_key_change(username)
        return True

    def give_server_role(self) -> bool:
        """Let the user the form shows connect to the server as the role typed, with the
        role password typed (none: the server authenticates them otherwise)."""
        from db.store.server_roles import grant_server_sign_in

        if self.editing is None:
            self._say(self.tr("Choose the user to give a server role."), error=True)
            return False
        role = self.server_role.text()
        password = self.server_password.text() or None
        try:
            with store.session(self.workspace.engine) as s:
                grant_server_sign_in(s, self.workspace.actor, self.editing, role, password)
        except RabtaError as error:
            self._refused(error)
            return False
        self._show_changed(
            self.tr("{user} now connects to the server as {role}.").format(
                user=self.username.text(), role=role.strip().lower()
            )
        )
        return True

    def withdraw_server_role(self) -> bool:
        """Stop the role of the user the form shows from connecting."""
        from db.store.server_roles import withdraw_server_sign_in

        if self.editing is None:
            self._say(self.tr("Choose the user whose server role to withdraw."), error=True)
            return False
        try:
            with store.session(self.workspace.engine) as s:
                withdraw_server_sign_in(s, self.workspace.actor, self.editing)
        except RabtaError as error:
            self._refused(error)
            return False
        self._show_changed(
            self.tr("{user}'s server role no longer connects.").format(user=self.username.text())
        )
        return True

    def reset_selected_password(self) -> bool:
        """Give the selected user the password typed in the form."""
        if self.editing is None:
            self._say("Choose the user whose password to reset.", error=True)
            return False
        try:
            password = self._typed_password()
            if password is None:
                raise ValidationError({"password": "Type the new password twice."})
            with store.session(self.workspace.engine) as s:
                reset_password(s, self.workspace.actor, self.editing, password)
        except RabtaError as error:
            self._refused(error)
            return False
        self._show_changed(
            f"{self.username.text()} has a new password and must change it at the next sign-in."
        )
        return True

    def _show_changed(self, done: str) -> None:
        """After a change to the user the form shows: the list read again, that user
        still selected, and what was done said."""
        username = self.username.text()
        self.reload()
        self.select_username(username)
        self._say(done)
