"""Settings > Backups: the copies of this database with their date, kind, size and record
counts; a backup now; the folder they go to; and Restore for administrators, which
replaces the database after a confirmation, keeps the replaced file, and closes Rabta."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
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
from db.database_file.backups import (
    back_up,
    backup_folder,
    list_backups,
    record_counts,
)
from db.database_file.restore import restore_backup
from db.foundations.engine import is_sqlite
from db.foundations.errors import RabtaError, ValidationError, said
from db.rules.settings import read_settings
from db.store.settings import set_setting
from desktop.failures import failure_sentence
from desktop.tasks import BackgroundTask, DatabaseTask, start_task

PATH_ROLE = Qt.ItemDataRole.UserRole
HEADERS = ("Taken", "Kind", "Size", "Organizations", "Contacts", "Engagements", "File")
KIND_LABELS = {
    "daily": "daily",
    "manual": "by hand",
    "upgrade": "before an upgrade",
    "replaced": "replaced by a restore",
}


def _size(octets: int) -> str:
    return f"{octets / 1_048_576:,.1f} MB" if octets >= 1_048_576 else f"{octets / 1024:,.0f} KB"


class BackupsPanel(QWidget):
    """Lists backups on a worker (counting records opens every copy)."""

    def __init__(self, workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.location = workspace.location
        admin = workspace.actor.may_administer
        self.usable = is_sqlite(self.location)
        layout = QVBoxLayout(self)
        self.message = QLabel()
        self.message.setWordWrap(True)
        if not self.usable:
            self.message.setText(
                "This registry is on a PostgreSQL server: back it up with pg_dump on the server "
                "(see docs/deployment.md); Rabta's own backups are for database files."
            )
            layout.addWidget(self.message)
            layout.addStretch(1)
            return
        self.folder = QLineEdit()
        self.folder.setPlaceholderText(f"beside the database: {Path(self.location).parent}")
        self.choose_button = QPushButton("Choose…")
        self.save_folder_button = QPushButton("Save folder")
        folder_row = QHBoxLayout()
        folder_row.addWidget(QLabel("Backups go to"))
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose_button)
        folder_row.addWidget(self.save_folder_button)
        for widget in (self.folder, self.choose_button, self.save_folder_button):
            widget.setEnabled(admin)

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.backup_button = QPushButton("Back up now")
        self.restore_button = QPushButton("Restore…")
        self.restore_button.setEnabled(admin)
        self.restore_button.setToolTip(
            "Replace the database by the selected backup (administrators); the current file "
            "is kept as a 'replaced' backup"
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        layout.addLayout(folder_row)
        about = QLabel(
            "A backup is taken at the first start of each day and before every upgrade; "
            "7 daily and 4 weekly copies are kept. Copies are encrypted like the database "
            "and open with the passwords of the day they were taken."
        )
        about.setWordWrap(True)  # one long line made the tab wider than the page
        layout.addWidget(about)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

        self.choose_button.clicked.connect(self.choose_folder)
        self.save_folder_button.clicked.connect(self.save_folder)
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore_selected)
        with Session(workspace.engine) as s:
            self.folder.setText(read_settings(s).backup_folder)
        self.reload()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #9b2226;" if error else "color: #1f5f7a;")
        self.message.setText(text)

    def _folder(self) -> Path:
        return backup_folder(self.location, self.folder.text())

    def reload(self) -> None:
        """List the backups (and count their records) on a worker."""
        location, key = self.location, self.workspace.key
        folder = self._folder()

        def work(_report):
            return [(b, record_counts(b.path, key)) for b in list_backups(location, folder)]

        task = BackgroundTask(work)
        task.signals.finished.connect(self._show)
        task.signals.failed.connect(
            lambda error, details: self._say(failure_sentence(error, details), error=True)
        )
        self._list_task = task
        start_task(task)

    def _show(self, found) -> None:
        self.table.setRowCount(0)
        for backup, counts in found:
            row = self.table.rowCount()
            self.table.insertRow(row)
            numbers = (
                [f"{counts[t]:,}" for t in ("organization", "contact", "engagement")]
                if counts
                else ["?", "?", "?"]
            )
            cells = [
                backup.taken_at.strftime("%d %b %Y %H:%M"),
                KIND_LABELS.get(backup.kind, backup.kind),
                _size(backup.size),
                *numbers,
                backup.path.name,
            ]
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setData(PATH_ROLE, str(backup.path))
                if column in (2, 3, 4, 5):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        self.listed = len(found)
        if not found:
            self._say("No backup yet: the first is taken when Rabta starts today.")

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Backups go to", str(self._folder()))
        if chosen:
            self.folder.setText(chosen)

    def save_folder(self) -> bool:
        """Keep backups in the folder typed (empty: beside the database)."""
        typed = self.folder.text().strip()
        if typed and not Path(typed).expanduser().is_dir():
            self._say(f"{typed} is not a folder Rabta can reach.", error=True)
            return False
        try:
            with store.session(self.workspace.engine) as s:
                set_setting(s, self.workspace.actor, "backup_folder", typed)
        except RabtaError as error:
            self._say(
                " ".join(error.errors.values())
                if isinstance(error, ValidationError)
                else said(error),
                error=True,
            )
            return False
        self._say(f"Backups go to {self._folder()} from now on.")
        self.reload()
        return True

    def back_up_now(self) -> None:
        """Take a backup by hand, on a worker."""
        location, actor, folder = self.location, self.workspace.actor, self._folder()
        self.backup_button.setEnabled(False)
        self._say("Taking a backup…")
        task = DatabaseTask(
            self.workspace.address,
            lambda engine, _report: back_up(actor, engine, location, folder=folder),
        )
        task.signals.finished.connect(self._backed_up)
        task.signals.failed.connect(self._backup_failed)
        self._backup_task = task
        start_task(task)

    def _backed_up(self, path) -> None:
        self.backup_button.setEnabled(True)
        self._say(f"Backed up to {path}.")
        self.reload()

    def _backup_failed(self, error, details) -> None:
        self.backup_button.setEnabled(True)
        self._say(failure_sentence(error, details), error=True)

    def selected_backup(self) -> Path | None:
        item = self.table.item(self.table.currentRow(), 0)
        return Path(item.data(PATH_ROLE)) if item is not None else None

    def restore_selected(self) -> QDialog | None:
        """Ask, then replace the database by the selected backup and close Rabta."""
        backup = self.selected_backup()
        if backup is None:
            self._say("Choose the backup to restore.", error=True)
            return None
        box = QDialog(self)
        box.setWindowTitle(self.tr("Restore this backup?"))
        layout = QVBoxLayout(box)
        asked = self.tr("Replace the database by {name}?").format(name=backup.name)
        question = QLabel(f"<b>{html.escape(asked)}</b>")
        explained = QLabel(
            self.tr(
                "Everything entered since that backup is no longer in the database; the "
                "current file is kept beside it as a 'replaced' backup. The backup is checked "
                "first, and refused if it is damaged. Rabta closes afterwards; open it again "
                "and sign in with the passwords of the backup's day."
            )
        )
        explained.setWordWrap(True)
        self.restore_password = QLineEdit()
        self.restore_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.restore_password.setMaxLength(256)
        form = QFormLayout()
        form.addRow(self.tr("Your password (it opens the backup):"), self.restore_password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        restore = buttons.addButton(
            self.tr("Restore and close Rabta"), QDialogButtonBox.ButtonRole.DestructiveRole
        )
        restore.setAutoDefault(False)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAutoDefault(False)  # Enter after the password neither restores nor
        cancel.setDefault(False)  # silently cancels: the choice is a click (or Esc)
        buttons.rejected.connect(box.reject)
        restore.clicked.connect(box.accept)
        for widget in (question, explained):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(buttons)
        box.accepted.connect(lambda: self.restore(backup, self.restore_password.text()))
        self.restore_question = box
        box.open()
        return box

    def restore(self, backup: Path, password: str) -> Path | None:
        """Replace the database by `backup` once it checks out (administrators, with their
        password); return the kept file, or None with the refusal said."""
        self.workspace.engine.dispose()
        try:
            restored = restore_backup(
                self.workspace.actor, self.location, backup, password=password
            )
        except RabtaError as error:
            self._say(said(error), error=True)
            return None
        kept = self.kept = restored.kept
        window = self.window()
        counts = restored.counts
        done = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("Backup restored"),
            self.tr(
                "The database is now the backup {name}: {organizations:,} organizations, "
                "{contacts:,} contacts, {engagements:,} engagements, and an intact audit "
                "chain of {entries:,} entries. The replaced file is kept as {kept}. Rabta "
                "closes now: open it again to go on."
            ).format(
                name=backup.name,
                organizations=counts.get("organization", 0),
                contacts=counts.get("contact", 0),
                engagements=counts.get("engagement", 0),
                entries=restored.audit_entries,
                kept=kept.name,
            ),
            QMessageBox.StandardButton.Ok,
            window,
        )
        done.finished.connect(lambda _r: window.close())
        self.restored_note = done
        done.open()
        return kept
