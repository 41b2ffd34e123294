"""The events desk: a program event's guest list (invite people and organizations,
replies by key: A accepted, T tentative, D declined, N no-show, I back to invited) and
the check-in screen for the laptop at the door (a typed name or a scanned code, then
Enter; walk-ins added there). Every action takes its guest from the row shown selected
in this dialog."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from db import store
from db.foundations.errors import RabtaError, said
from db.foundations.labels import label_of
from db.foundations.models import GuestStatus
from db.queries.guests import GuestRow, event_summary, guest_at_the_door, guest_list, program_events
from db.queries.pickers import contact_choices, organization_choices
from db.rules.settings import read_settings
from db.store.guests import (
    add_walk_in,
    check_in,
    invite_guests,
    log_event,
    remove_guest,
    set_guest_reply,
)
from desktop.widgets.entity_picker import EntityPicker
from desktop.widgets.screen_fit import fit_on_screen
from desktop.workspace import Workspace

# The keys that record a reply on the selected guest.
REPLY_KEYS = {
    "A": GuestStatus.ACCEPTED,
    "T": GuestStatus.TENTATIVE,
    "D": GuestStatus.DECLINED,
    "N": GuestStatus.NO_SHOW,
    "I": GuestStatus.INVITED,
}


def local_time(moment: datetime | None) -> str:
    """A stored moment (UTC) as this computer's clock shows it, e.g. "18:42"."""
    if moment is None:
        return ""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%H:%M")


def counts_line(widget: QWidget, by_status: dict[str, int], came: int) -> str:
    """ "Invited 3 · Accepted 2 · … · Came 5 (with companions)"."""
    parts = [
        f"{label_of(GuestStatus, status)} {count:,}" for status, count in by_status.items() if count
    ]
    listed = " · ".join(parts) if parts else widget.tr("No one on the list yet")
    return widget.tr("{listed} · Came {came} (with companions)").format(
        listed=listed, came=f"{came:,}"
    )


class GuestListDialog(QDialog):
    """A program's events and the guest list of the one chosen."""

    COLUMNS = (
        "Name",
        "Urdu name",
        "Organization",
        "Status",
        "Companions",
        "Checked in",
        "Not sent",
    )

    def __init__(self, workspace: Workspace, program_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.program_id = program_id
        self.rows: list[GuestRow] = []
        self.setWindowTitle(self.tr("Guest lists"))
        self.event_combo = QComboBox()
        self.event_combo.currentIndexChanged.connect(self.refresh)
        self.counts = QLabel()
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.people = EntityPicker(
            workspace.engine, contact_choices, placeholder=self.tr("Type a person's name")
        )
        self.organizations = EntityPicker(
            workspace.engine,
            organization_choices,
            placeholder=self.tr("Type an organization: its people are invited"),
        )
        invite = QPushButton(self.tr("&Invite"))
        invite.clicked.connect(self.invite)
        invite_box = QGroupBox(self.tr("Invite"))
        invite_form = QFormLayout(invite_box)
        invite_form.addRow(self.tr("People"), self.people)
        invite_form.addRow(self.tr("Organizations"), self.organizations)
        invite_form.addRow("", invite)
        buttons = QHBoxLayout()
        for key, status in REPLY_KEYS.items():
            button = QPushButton(f"{label_of(GuestStatus, status)} ({key})")
            button.clicked.connect(lambda _=False, chosen=status: self.reply(chosen))
            buttons.addWidget(button)
        self.table.installEventFilter(self)
        remove = QPushButton(self.tr("Remove from list"))
        remove.clicked.connect(self.remove)
        buttons.addWidget(remove)
        buttons.addStretch()
        send = QPushButton(self.tr("Send &invitations…"))
        send.setToolTip(self.tr("Email the invitations not sent yet, through Settings > Email"))
        send.clicked.connect(self.send_invitations)
        buttons.addWidget(send)
        sheet = QPushButton(self.tr("Sign-in &sheet…"))
        sheet.clicked.connect(lambda: self.print_sheet("sheet"))
        buttons.addWidget(sheet)
        badges = QPushButton(self.tr("&Badges…"))
        badges.clicked.connect(lambda: self.print_sheet("badges"))
        buttons.addWidget(badges)
        printed_list = QPushButton(self.tr("Guest list &PDF…"))
        printed_list.clicked.connect(lambda: self.print_sheet("guests"))
        buttons.addWidget(printed_list)
        log = QPushButton(self.tr("&Log the event"))
        log.setToolTip(
            self.tr("One engagement of kind event naming everyone who came and their organizations")
        )
        log.clicked.connect(self.log_the_event)
        buttons.addWidget(log)
        door = QPushButton(self.tr("Check-in at the &door…"))
        door.clicked.connect(self.open_door)
        buttons.addWidget(door)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Event")))
        top.addWidget(self.event_combo, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.counts)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(invite_box)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)  # Enter in a picker chooses, it does not press
        invite.setDefault(False)
        self._load_events()
        fit_on_screen(self, 1000, 640)

    def eventFilter(self, watched, event) -> bool:
        """A, T, D, N or I on the list records the selected guest's reply (before the
        table takes the letter to jump to a row)."""
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            key = event.text().upper()
            if key in REPLY_KEYS and event.modifiers() in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.ShiftModifier,
            ):
                self.reply(REPLY_KEYS[key])
                return True
        return super().eventFilter(watched, event)

    def _load_events(self) -> None:
        with Session(self.workspace.engine) as s:
            events = program_events(s, self.program_id)
        self.event_combo.blockSignals(True)
        self.event_combo.clear()
        for event in events:
            self.event_combo.addItem(f"{event.date:%d %b %Y} · {event.title}", event.id)
        self.event_combo.blockSignals(False)
        if not events:
            self.counts.setText(self.tr("This program has no event yet: add one with Add event."))
        self.refresh()

    def event_id(self) -> int | None:
        """The event whose list is shown."""
        return self.event_combo.currentData()

    def refresh(self) -> None:
        """Read the shown event's list again, keeping the selected guest selected."""
        event_id = self.event_id()
        if event_id is None:
            self.table.setRowCount(0)
            return
        kept = self.shown_guest()
        with Session(self.workspace.engine) as s:
            self.rows = guest_list(s, self.workspace.actor, event_id)
            summary = event_summary(s, event_id)
        self.counts.setText(counts_line(self, summary.by_status, summary.came))
        self.table.setRowCount(len(self.rows))
        for number, row in enumerate(self.rows):
            shown = (
                row.name,
                row.name_urdu,
                row.organization,
                label_of(GuestStatus, row.status),
                str(row.companions or ""),
                local_time(row.checked_in_at),
                self._invitation(row),
            )
            for column, text in enumerate(shown):
                self.table.setItem(number, column, QTableWidgetItem(text))
            if row.id == (kept.id if kept else None):
                self.table.selectRow(number)
        self.table.resizeColumnsToContents()

    def _invitation(self, row: GuestRow) -> str:
        """What became of the guest's invitation, in words."""
        if row.not_sent:
            return self.tr("never sent anything: {why}").format(why=row.not_sent)
        if row.invitation_sent_at is not None:
            return self.tr("emailed {day} {time}").format(
                day=f"{row.invitation_sent_at:%d %b}", time=local_time(row.invitation_sent_at)
            )
        if row.send_error:
            return self.tr("refused: {reply}").format(reply=row.send_error)
        return ""

    def shown_guest(self) -> GuestRow | None:
        """The guest of the row selected in this table (what every action acts on)."""
        selected = self.table.selectionModel().selectedRows()
        if not selected or selected[0].row() >= len(self.rows):
            return None
        return self.rows[selected[0].row()]

    def _write(self, write) -> bool:
        try:
            with store.session(self.workspace.engine) as s:
                write(s)
        except RabtaError as refused:
            QMessageBox.warning(self, self.tr("Guest list"), said(refused))
            return False
        self.refresh()
        return True

    def invite(self) -> None:
        """Put the people and organizations chosen on the shown event's list."""
        event_id = self.event_id()
        if event_id is None:
            return
        self.people.resolve_typed()
        self.organizations.resolve_typed()
        people, organizations = self.people.chosen_ids(), self.organizations.chosen_ids()
        if self._write(
            lambda s: invite_guests(
                s,
                self.workspace.actor,
                event_id,
                contact_ids=people,
                organization_ids=organizations,
            )
        ):
            self.people.clear()
            self.organizations.clear()

    def reply(self, status: GuestStatus) -> None:
        """Record the selected guest's reply."""
        guest = self.shown_guest()
        if guest is None:
            return
        self._write(
            lambda s: set_guest_reply(
                s, self.workspace.actor, guest.id, {"status": status, "version": guest.version}
            )
        )

    def remove(self) -> None:
        """Take the selected guest off the list."""
        guest = self.shown_guest()
        if guest is not None:
            self._write(lambda s: remove_guest(s, self.workspace.actor, guest.id))

    def print_sheet(self, kind: str) -> None:
        """Save the shown event's sign-in sheet ("sheet"), its badges ("badges": A4, 8 to
        a sheet) or its guest list by status ("guests") as a PDF where the officer
        chooses."""
        from reports.produce import produce_event_sheet

        event_id = self.event_id()
        if event_id is None:
            return
        suggested = {
            "sheet": self.tr("sign-in sheet.pdf"),
            "badges": self.tr("badges.pdf"),
            "guests": self.tr("guest list.pdf"),
        }[kind]
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save as PDF"), suggested, self.tr("PDF (*.pdf)")
        )
        if not path:
            return
        try:
            produced = produce_event_sheet(
                self.workspace.engine, self.workspace.actor, event_id, path, kind=kind
            )
        except RabtaError as refused:
            QMessageBox.warning(self, self.tr("Guest list"), said(refused))
            return
        QMessageBox.information(
            self,
            self.tr("Guest list"),
            self.tr("Wrote {path} ({pages} pages).").format(
                path=produced.path, pages=produced.pages
            ),
        )

    def send_invitations(self) -> None:
        """Email the shown event's invitations not sent yet, on a worker, with progress
        and Cancel; each message is kept on its guest before the next is sent."""
        from db.exchange.invitations import send_invitations
        from db.security.mail_password import kept_mail_password
        from desktop.failures import failure_sentence
        from desktop.tasks import DatabaseTask, start_task

        event_id = self.event_id()
        if event_id is None:
            return
        try:
            counted = send_invitations(
                self.workspace.engine, self.workspace.actor, event_id, None, dry_run=True
            )
        except RabtaError as refused:
            QMessageBox.warning(self, self.tr("Invitations"), said(refused))
            return
        if not counted.left:
            QMessageBox.information(self, self.tr("Invitations"), counted.summary())
            return
        with Session(self.workspace.engine) as s:
            needs_password = bool(read_settings(s).email_user)
        password = kept_mail_password(self.workspace.location)
        if password is None and needs_password:
            typed, given = QInputDialog.getText(
                self,
                self.tr("Invitations"),
                self.tr("The mail account's password (this database keeps none):"),
                QLineEdit.EchoMode.Password,
            )
            if not given:
                return
            password = typed
        answer = QMessageBox.question(
            self,
            self.tr("Invitations"),
            self.tr("Send {count} invitations now?").format(count=f"{counted.left:,}"),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        progress = QProgressDialog(
            self.tr("Sending invitations…"), self.tr("Cancel"), 0, counted.left, self
        )
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        stop = threading.Event()
        progress.canceled.connect(stop.set)
        actor = self.workspace.actor

        def work(engine, report):
            return send_invitations(
                engine,
                actor,
                event_id,
                password,
                progress=lambda done, _total: report(str(done)),
                cancelled=stop.is_set,
            )

        def finished(sending) -> None:
            progress.close()
            self.refresh()
            QMessageBox.information(self, self.tr("Invitations"), sending.summary())

        def failed(error, details) -> None:
            progress.close()
            self.refresh()
            QMessageBox.warning(
                self,
                self.tr("Invitations"),
                failure_sentence(error, details, self.workspace.location),
            )

        self._sending = DatabaseTask(self.workspace.address, work)
        self._sending.signals.progress.connect(lambda done: progress.setValue(int(done)))
        self._sending.signals.finished.connect(finished)
        self._sending.signals.failed.connect(failed)
        progress.show()
        start_task(self._sending)

    def log_the_event(self) -> None:
        """Log the shown event as one engagement naming who came."""
        event_id = self.event_id()
        if event_id is None:
            return
        logged: list[int] = []
        if self._write(lambda s: logged.append(log_event(s, self.workspace.actor, event_id))):
            QMessageBox.information(
                self,
                self.tr("Guest list"),
                self.tr(
                    "Logged as engagement {number}: everyone who came and their "
                    "organizations now show it."
                ).format(number=logged[0]),
            )

    def open_door(self) -> None:
        """The check-in screen for the shown event."""
        event_id = self.event_id()
        if event_id is None:
            return
        door = CheckInDialog(self.workspace, event_id, self)
        door.exec()
        self.refresh()


class CheckInDialog(QDialog):
    """The laptop at the door: type a name (either script) or scan a code, then Enter."""

    def __init__(self, workspace: Workspace, event_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.event_id = event_id
        with Session(workspace.engine) as s:
            summary = event_summary(s, event_id)
        self.setWindowTitle(self.tr("Check-in: {title}").format(title=summary.title))
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.8)
        self.typed = QLineEdit()
        self.typed.setFont(big)
        self.typed.setPlaceholderText(self.tr("Type a guest's name or scan their code, then Enter"))
        self.typed.returnPressed.connect(self.check_in_typed)
        self.said = QLabel(" ")
        self.said.setFont(big)
        self.said.setWordWrap(True)
        self.counts = QLabel()
        self.given = QLineEdit()
        self.family = QLineEdit()
        self.email = QLineEdit()
        self.phone = QLineEdit()
        self.consent = QCheckBox(self.tr("Agrees to be kept in touch with"))
        walk_in = QPushButton(self.tr("Add &walk-in"))
        walk_in.setAutoDefault(False)  # Enter is for the name or code typed above
        walk_in.clicked.connect(self.add_walk_in)
        walk_box = QGroupBox(self.tr("Someone not on the list"))
        walk_form = QFormLayout(walk_box)
        walk_form.addRow(self.tr("Given name"), self.given)
        walk_form.addRow(self.tr("Family name"), self.family)
        walk_form.addRow(self.tr("Email"), self.email)
        walk_form.addRow(self.tr("Phone"), self.phone)
        walk_form.addRow("", self.consent)
        walk_form.addRow("", walk_in)
        layout = QVBoxLayout(self)
        layout.addWidget(self.typed)
        layout.addWidget(self.said)
        layout.addWidget(self.counts)
        layout.addStretch()
        layout.addWidget(walk_box)
        self._show_counts()
        fit_on_screen(self, 720, 520)
        self.typed.setFocus()

    def _show_counts(self) -> None:
        with Session(self.workspace.engine) as s:
            summary = event_summary(s, self.event_id)
        self.counts.setText(counts_line(self, summary.by_status, summary.came))

    def _say(self, text: str, colour: str) -> None:
        self.said.setText(text)
        self.said.setStyleSheet(f"color: {colour};")

    def check_in_typed(self) -> None:
        """Find the guest typed or scanned and check them in, saying what happened."""
        typed = self.typed.text()
        self.typed.clear()
        try:
            with store.session(self.workspace.engine) as s:
                guest_id = guest_at_the_door(s, self.event_id, typed)
                done = check_in(s, self.workspace.actor, guest_id)
        except RabtaError as refused:
            self._say(said(refused), "#b00020")
            return
        if done.already:
            self._say(
                self.tr("{name} was already checked in at {time}.").format(
                    name=done.name, time=local_time(done.at)
                ),
                "#a15c00",
            )
        else:
            self._say(
                self.tr("✓ {name}: checked in at {time}.").format(
                    name=done.name, time=local_time(done.at)
                ),
                "#1b6e20",
            )
        self._show_counts()

    def add_walk_in(self) -> None:
        """Add the person typed below as a walk-in, checked in now."""
        values = {
            "given_name": self.given.text(),
            "family_name": self.family.text(),
            "email": self.email.text(),
            "phone": self.phone.text(),
            "consent": self.consent.isChecked(),
        }
        try:
            with store.session(self.workspace.engine) as s:
                done = add_walk_in(s, self.workspace.actor, self.event_id, values)
        except RabtaError as refused:
            self._say(said(refused), "#b00020")
            return
        for edit in (self.given, self.family, self.email, self.phone):
            edit.clear()
        self.consent.setChecked(False)
        self._say(
            self.tr("✓ {name}: walk-in, checked in at {time}.").format(
                name=done.name, time=local_time(done.at)
            ),
            "#1b6e20",
        )
        self._show_counts()
        self.typed.setFocus()
