"""What every list page shares: a filter bar, a paged sortable table, a detail pane,
and New / Edit / Archive / Restore with the usual keys (Ctrl+N, Enter, Del)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence, QTextOption
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from db import store
from db.foundations.errors import RabtaError, said
from db.queries.audit import record_history
from db.queries.duplicates import merges_of
from db.queries.paging import highest_id
from db.queries.record_titles import RecordTitle, record_title
from db.store.permissions import change_refused
from desktop.models.paged_table import ID_ROLE, Column, PagedTableModel
from desktop.widgets.filter_box import FilterBox
from desktop.widgets.history_table import HistoryTable
from desktop.widgets.widget_shortcut import widget_shortcut
from desktop.workspace import Workspace

FILTER_DELAY_MS = 200
MERGEABLE = ("contact", "organization")


@dataclass(frozen=True)
class FilterChoice:
    """A drop-down of the filter bar: the filter field it sets, what "everything" is
    called, and where its (value, label) pairs come from."""

    field: str
    everything: str
    options: Callable[[Session], list[tuple[Any, str]]]


class RecordPage(QWidget):
    """Subclasses set the class attributes and implement the hooks below."""

    title = ""
    noun = "record"
    record_model: type  # the table listed, e.g. Organization (subclasses set it)
    entity_types: tuple[str, ...] = ()
    columns: Sequence[Column] = ()
    filter_choices: Sequence[FilterChoice] = ()
    default_sort = "name"
    default_descending = False
    text_hint = "Filter"
    # What to do first on an empty registry (the page's empty state).
    first_step = "Press Ctrl+N to add the first one."
    export_kind: str | None = None  # the list db/exchange/exports.py writes for this page
    import_kind: str | None = None  # what the Import wizard reads in from this page

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.open_dialog: QDialog | None = None
        self.pending_confirmation: QMessageBox | None = None
        self.shown_alone: int | None = None  # a record opened from search, not listed
        self.shown_title: RecordTitle | None = None  # of the record in the detail pane
        # Why the store would refuse to change the record shown (None: it would not).
        self.shown_refusal: str | None = None
        self._dirty = False

        self.filter_edit = FilterBox()
        self.filter_edit.setPlaceholderText(f"{self.text_hint}  (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(140)
        self.combos: dict[str, QComboBox] = {}
        for choice in self.filter_choices:
            combo = QComboBox()
            combo.setToolTip(choice.everything)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)
            self.combos[choice.field] = combo
        self.archived_check = QCheckBox("Show archived")
        self.archived_check.setToolTip(f"Include archived {self.noun}s")
        self.count_label = QLabel()
        # A narrowing the filter bar has no control for (e.g. dates, from a Dashboard
        # figure), said in words with a button that takes it off.
        self.narrowing: dict[str, Any] = {}
        self.narrowing_label = QLabel()
        self.narrowing_label.setObjectName("narrowing")
        self.narrowing_label.setWordWrap(True)
        self.narrowing_clear = QPushButton("Show all")
        self.narrowing_clear.setToolTip("Take off the narrowing shown beside this button")
        self.narrowing_clear.clicked.connect(self.clear_narrowing)
        # A record opened from elsewhere that the filter hides: said, with a way to list it.
        self.alone_note = QLabel()
        self.alone_note.setObjectName("aloneNote")
        self.alone_note.setWordWrap(True)
        self.alone_clear = QPushButton("Clear the filter")
        self.alone_clear.setToolTip("Show the whole list, with the record opened selected in it")
        self.alone_clear.clicked.connect(self.clear_filter_for_shown)
        self.empty_state = QLabel()
        self.empty_state.setObjectName("emptyState")
        self.empty_state.setWordWrap(True)
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_state.setStyleSheet(
            "QLabel#emptyState { color: #5b6b77; font-size: 11pt; padding: 40px; }"
        )
        self.empty_state.hide()

        self.model = PagedTableModel(
            workspace.engine,
            self.columns,
            self.count_query,
            self.page_query,
            self.make_filter(),
            sort=self.default_sort,
            descending=self.default_descending,
            address=workspace.address,
            upper_bound=lambda s: highest_id(s, self.record_model),
            parent=self,
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        sort_column = next(
            (n for n, c in enumerate(self.columns) if c.sort_key == self.default_sort), 0
        )
        header.setSortIndicator(
            sort_column,
            Qt.SortOrder.DescendingOrder
            if self.default_descending
            else Qt.SortOrder.AscendingOrder,
        )
        for number, column in enumerate(self.columns):
            self.table.setColumnWidth(number, column.width)
        self.detail = QTextBrowser()
        # Lines break between words only: an email is never cut mid-word.
        self.detail.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        self.detail.setOpenLinks(False)
        self.detail.setPlaceholderText(f"Select {self.a_noun} to see it here.")
        self.detail.setMinimumWidth(240)
        self.history = HistoryTable()
        self.detail_tabs = QTabWidget()
        self.detail_tabs.addTab(self.detail, "Details")
        self.merge_note = QLabel()
        self.merge_note.setWordWrap(True)
        self.undo_merge_button = QPushButton("Undo merge")
        self.undo_merge_button.setToolTip(
            "Put both records and everything linked to them back as before the merge"
        )
        self.undo_merge_button.clicked.connect(self.undo_shown_merge)
        self.merge_bar = QWidget()
        merge_row = QHBoxLayout(self.merge_bar)
        merge_row.setContentsMargins(0, 0, 0, 0)
        merge_row.addWidget(self.merge_note, 1)
        merge_row.addWidget(self.undo_merge_button)
        self.merge_bar.setVisible(False)
        self.shown_merge: int | None = None
        self.history_panel = QWidget()
        history_layout = QVBoxLayout(self.history_panel)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.addWidget(self.merge_bar)
        history_layout.addWidget(self.history, 1)
        self.detail_tabs.addTab(self.history_panel, "History")
        self.detail_tabs.currentChanged.connect(lambda _index: self._show_history())
        self.table.setMinimumWidth(360)

        self.new_button = QPushButton(f"New {self.noun}")
        self.new_button.setToolTip(f"Add {self.a_noun} (Ctrl+N)")
        self.edit_button = QPushButton("Edit")
        self.edit_button.setToolTip(f"Change the selected {self.noun} (Enter)")
        self.archive_button = QPushButton("Archive")
        self.archive_button.setToolTip(
            f"Hide the selected {self.noun} from lists; it can be restored (Del)"
        )
        self.restore_button = QPushButton("Restore")
        self.restore_button.setToolTip(f"Bring the archived {self.noun} back")
        # A tool bar, so that on a narrow screen the buttons that do not fit move under
        # its » button instead of widening the window past the screen.
        self.actions_bar = QToolBar()
        self.actions_bar.setObjectName("recordActions")
        self.actions_bar.setStyleSheet("QToolBar#recordActions { border: none; spacing: 6px; }")
        for button in (self.new_button, self.edit_button, self.archive_button, self.restore_button):
            self.actions_bar.addWidget(button)
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip(
            "Write every row this filter shows to CSV, Excel or another format (Ctrl+Shift+E)"
        )
        self.export_button.clicked.connect(self.export_list)
        self.import_button = QPushButton("Import…")
        self.import_button.setToolTip(
            f"Bring {self.noun}s in from a CSV or Excel file (Ctrl+Shift+I)"
        )
        self.import_button.clicked.connect(lambda: self.window().import_file(self.import_kind))
        self.extra_buttons: dict[str, QPushButton] = {}
        for label, tooltip, handler in self.extra_actions():
            button = QPushButton(label)
            button.setToolTip(tooltip)
            button.clicked.connect(handler)
            self.actions_bar.addWidget(button)
            self.extra_buttons[label] = button
        for button in (
            self.edit_button,
            self.archive_button,
            self.restore_button,
            *self.extra_buttons.values(),
        ):
            button.setProperty("usual_tip", button.toolTip())
        if not workspace.actor.can_write:
            self.new_button.setEnabled(False)
            self.new_button.setToolTip(
                f"{workspace.actor.username} has read-only access and cannot add records."
            )
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.actions_bar.addWidget(spacer)
        # Hidden buttons in a tool bar are hidden through their actions.
        self.actions_bar.addWidget(self.import_button).setVisible(self.import_kind is not None)
        self.actions_bar.addWidget(self.export_button).setVisible(self.export_kind is not None)

        # The filter box on its own line, the drop-downs under it three to a line: one
        # line of all of them is wider than a small screen (or 150%) leaves the list.
        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.archived_check)
        choices = QGridLayout()
        for number, combo in enumerate(self.combos.values()):
            choices.addWidget(combo, number // 3, number % 3)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(bar)
        if self.combos:
            left_layout.addLayout(choices)
        narrowed = QHBoxLayout()
        narrowed.addWidget(self.narrowing_label, 1)
        narrowed.addWidget(self.narrowing_clear)
        left_layout.addLayout(narrowed)
        alone = QHBoxLayout()
        alone.addWidget(self.alone_note, 1)
        alone.addWidget(self.alone_clear)
        left_layout.addLayout(alone)
        for widget in (self.narrowing_label, self.narrowing_clear, self.alone_note):
            widget.hide()
        self.alone_clear.hide()
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty_state, 1)
        left_layout.addWidget(self.count_label)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail_tabs)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([760, 460])
        layout = QVBoxLayout(self)
        layout.addWidget(self.actions_bar)
        layout.addWidget(self.splitter, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(FILTER_DELAY_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(self._debounce.start)
        self.filter_edit.returnPressed.connect(self.apply_filter)
        self.filter_edit.down_pressed.connect(self._enter_list)
        for combo in self.combos.values():
            combo.currentIndexChanged.connect(self.apply_filter)
        self.archived_check.toggled.connect(self.apply_filter)
        self.model.modelReset.connect(self._after_reload)
        self.model.rowsInserted.connect(self._show_count)
        self.model.loading_changed.connect(self._show_loading)
        self.model.load_failed.connect(
            lambda sentence: self.count_label.setText(f"The list could not be read: {sentence}")
        )
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.new_button.clicked.connect(self.new_record)
        self.edit_button.clicked.connect(self.edit_selected)
        self.archive_button.clicked.connect(self.archive_selected)
        self.restore_button.clicked.connect(self.restore_selected)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            widget_shortcut(key, self.table, self.edit_selected)
        widget_shortcut(QKeySequence.StandardKey.Delete, self.table, self.archive_selected)
        workspace.broadcast.changed.connect(self._on_changed)
        self.refresh_filter_choices()
        self._after_reload()

    # --- hooks for subclasses ---------------------------------------------------------------

    def count_query(self, s: Session, flt: Any) -> int:
        raise NotImplementedError

    def page_query(self, s: Session, flt: Any, **kwargs) -> list:
        raise NotImplementedError

    def make_filter(self) -> Any:
        """The filter the bar describes (called before the bar exists, so read safely)."""
        raise NotImplementedError

    def detail_html(self, s: Session, record_id: int) -> str:
        raise NotImplementedError

    def form(self, record_id: int | None) -> QDialog:
        """The dialog that creates (None) or edits a record."""
        raise NotImplementedError

    def set_archived(self, s: Session, record_id: int, archived: bool) -> bool:
        raise NotImplementedError

    def extra_actions(self) -> list[tuple[str, str, Callable[[], None]]]:
        """More buttons for the page's action bar: (label, tooltip, handler)."""
        return []

    # --- filter ---------------------------------------------------------------------------

    def combo_value(self, field: str) -> Any:
        combo = getattr(self, "combos", {}).get(field)
        return combo.currentData() if combo is not None else None

    def text_value(self) -> str:
        edit = getattr(self, "filter_edit", None)
        return edit.text() if edit is not None else ""

    def archived_value(self) -> bool:
        check = getattr(self, "archived_check", None)
        return check.isChecked() if check is not None else False

    def refresh_filter_choices(self) -> None:
        """Reload the drop-downs' options (missions, tags, ... may have changed)."""
        with Session(self.workspace.engine) as s:
            for choice in self.filter_choices:
                combo = self.combos[choice.field]
                current = combo.currentData()
                combo.blockSignals(True)
                combo.clear()
                combo.addItem(choice.everything, None)
                for value, label in choice.options(s):
                    combo.addItem(label, value)
                combo.setCurrentIndex(max(0, combo.findData(current)))
                combo.blockSignals(False)

    def narrow(self, description: str, combos: dict[str, Any], **fields: Any) -> None:
        """Show the list narrowed as a Dashboard figure counted it: the filter bar's
        drop-downs set to `combos` (field → value), the other filter `fields` kept and
        said in `description` until Show all; drop-downs not named show everything."""
        for field, combo in self.combos.items():
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(combos.get(field))))
            combo.blockSignals(False)
        self.filter_edit.blockSignals(True)
        self.filter_edit.clear()
        self.filter_edit.blockSignals(False)
        self.narrowing = dict(fields)
        self.narrowing_label.setText(description)
        self.narrowing_label.setVisible(bool(fields))
        self.narrowing_clear.setVisible(bool(fields))
        self.apply_filter()

    def clear_narrowing(self) -> None:
        """Take off what `narrow` added beyond the filter bar."""
        self.narrowing = {}
        self.narrowing_label.hide()
        self.narrowing_clear.hide()
        self.apply_filter()

    def narrowing_fields(self) -> dict[str, Any]:
        """The filter fields `narrow` set (read safely before the bar exists)."""
        return dict(getattr(self, "narrowing", {}))

    def apply_filter(self) -> None:
        """Narrow the table to what the filter bar says."""
        self._debounce.stop()
        self.model.set_filter(self.make_filter())

    def focus_filter(self) -> None:
        """Put the cursor in the filter box (Ctrl+F)."""
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    # --- selection and detail -------------------------------------------------------------

    @property
    def a_noun(self) -> str:
        """The record kind with its article: "a contact", "an engagement"."""
        return ("an " if self.noun[:1] in "aeiou" else "a ") + self.noun

    def _enter_list(self) -> None:
        """Down in the filter box: into the list, on its first row unless one is chosen,
        so that Enter opens it as it does in search."""
        if self.model.rowCount() == 0:
            return
        if not self.table.currentIndex().isValid():
            self.table.selectRow(0)
            self.table.setCurrentIndex(self.model.index(0, 0))
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def select_id(self, record_id: int) -> bool:
        """Select a record's row if it is among the loaded rows."""
        row = self.model.row_of_id(record_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.setCurrentIndex(self.model.index(row, 0))
        return True

    def show_record(self, record_id: int) -> None:
        """Show a record: selected if it is listed; otherwise alone in the detail pane,
        no row selected, and a note says that the filter hides it (it is selected later
        if it turns up when a list still loading arrives). Edit and Archive then act on
        the record shown, never on a row selected before."""
        self.shown_alone = record_id
        if self.select_id(record_id):
            self.table.setFocus()
            return
        self.table.selectionModel().clear()  # the current row too: nothing else is chosen
        self._show_detail()

    def _show_detail(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            self.shown_alone = None  # the user chose a row: it replaces a record shown alone
        shown = record_id if record_id is not None else self.shown_alone
        if shown is None:
            self.detail.clear()
            self.shown_title = None
            self.shown_refusal = None
        else:
            with Session(self.workspace.engine) as s:
                self.detail.setHtml(self.detail_html(s, shown))
                self.shown_title = record_title(s, self.workspace.actor, self.noun, shown)
                self.shown_refusal = change_refused(s, self.workspace.actor, self.noun, shown)
        self._show_history()
        self._say_shown_alone()
        self._offer_changes(shown is not None)

    def changing_buttons(self) -> list[QPushButton]:
        """The buttons that change the record shown, offered only when the store would
        let the signed-in user change it (subclasses add theirs)."""
        return [self.edit_button, self.archive_button, self.restore_button]

    def _offer_changes(self, shown: bool) -> None:
        archived = self.shown_title is not None and self.shown_title.archived
        allowed = shown and self.shown_refusal is None
        for button in self.changing_buttons():
            button.setEnabled(allowed)
            button.setToolTip(self.shown_refusal or button.property("usual_tip") or "")
        self.archive_button.setEnabled(allowed and not archived)
        self.restore_button.setEnabled(allowed and archived)

    def _say_shown_alone(self) -> None:
        """The note over the list while the detail pane shows a record the list hides."""
        alone = self.shown_alone is not None and self.selected_id() is None
        if alone:
            what = self.shown_title.title if self.shown_title else f"#{self.shown_alone}"
            self.alone_note.setText(
                f"“{what}” is shown on its own: the list as filtered does not hold it."
            )
        self.alone_note.setVisible(alone)
        self.alone_clear.setVisible(alone)

    def clear_filter_for_shown(self) -> None:
        """Clear the filter box, the drop-downs and any narrowing (and show archived
        records when the one shown is archived), so the list holds the record shown."""
        archived = self.shown_title is not None and self.shown_title.archived
        for widget in (self.filter_edit, *self.combos.values(), self.archived_check):
            widget.blockSignals(True)
        self.filter_edit.clear()
        for combo in self.combos.values():
            combo.setCurrentIndex(0)
        if archived:
            self.archived_check.setChecked(True)
        for widget in (self.filter_edit, *self.combos.values(), self.archived_check):
            widget.blockSignals(False)
        self.clear_narrowing()

    def shown_id(self) -> int | None:
        """The record in the detail pane: the selected one, or one opened from elsewhere."""
        selected = self.selected_id()
        return selected if selected is not None else self.shown_alone

    def _show_history(self) -> None:
        """Fill the History tab for the record shown, when that tab is on screen."""
        if self.detail_tabs.currentWidget() is not self.history_panel:
            return
        shown = self.shown_id()
        self.merge_bar.setVisible(False)
        self.shown_merge = None
        if shown is None:
            self.history.setRowCount(0)
            return
        with Session(self.workspace.engine) as s:
            entries = record_history(s, self.workspace.actor, self.noun, shown)
            merges = merges_of(s, self.noun, shown) if self.noun in MERGEABLE else []
        self.history.show_entries(entries)
        if merges:
            merge = merges[0]
            other = merge.merged_id if merge.survivor_id == shown else merge.survivor_id
            how = "was merged into" if merge.merged_id == shown else "took in"
            self.merge_note.setText(
                f"This {self.noun} {how} #{other} on {merge.merged_at:%d %b %Y} "
                f"({merge.merged_by})."
            )
            self.shown_merge = merge.merge_id
            self.merge_bar.setVisible(True)

    def undo_shown_merge(self) -> bool:
        """Undo the merge named above the History tab; say what was kept."""
        if self.shown_merge is None:
            return False
        from db.store.merges import undo_merge

        try:
            with store.session(self.workspace.engine) as s:
                undone = undo_merge(s, self.workspace.actor, self.shown_merge)
        except RabtaError as error:
            self.merge_note.setText(f"Not undone: {said(error)}")
            return False
        kept = (
            f" Kept the later edits to {', '.join(undone.kept_edits)}." if undone.kept_edits else ""
        )
        self.workspace.announce(self.noun, [undone.survivor_id, undone.merged_id])
        self.window().statusBar().showMessage(
            f"Undid the merge: #{undone.survivor_id} and #{undone.merged_id} are two records "
            f"again.{kept}",
            15_000,
        )
        self._show_history()
        return True

    def _show_count(self) -> None:
        total = self.model.total
        self.count_label.setText(f"{total:,} {self.noun}{'s' if total != 1 else ''}")
        self._show_empty_state(total == 0)

    def _filtered(self) -> bool:
        """Whether anything narrows the list beyond its default."""
        return bool(
            self.text_value().strip()
            or any(combo.currentIndex() > 0 for combo in self.combos.values())
            or self.narrowing
        )

    def _show_empty_state(self, empty: bool) -> None:
        """In place of an empty table, what to do: loosen the filter, or the first step."""
        if empty:
            if self._filtered():
                self.empty_state.setText(
                    f"No {self.noun}s match what the filter bar says. Clear the filter box, "
                    "choose “All …” in the lists, or Show all."
                )
            else:
                self.empty_state.setText(f"No {self.noun}s yet. {self.first_step}")
        self.empty_state.setVisible(empty)
        self.table.setVisible(not empty)

    def _show_loading(self, loading: bool) -> None:
        if loading:
            self.count_label.setText(f"Updating the list of {self.noun}s…")
        else:
            self._show_count()

    def _after_reload(self) -> None:
        self._show_count()
        if self.shown_alone is not None and self.select_id(self.shown_alone):
            return  # the record opened from elsewhere is listed now: selected, detail shown
        self._show_detail()

    def reload_keeping_selection(self) -> None:
        selected = self.selected_id()
        self.model.reload()
        if selected is not None:
            self.select_id(selected)

    def _on_changed(self, entity_type: str, ids: list) -> None:
        if entity_type == "all" or entity_type in self.entity_types:
            if self.isVisible():
                self.refresh_filter_choices()
                self.reload_keeping_selection()
            else:
                self._dirty = True

    def showEvent(self, event) -> None:
        if self._dirty:
            self._dirty = False
            self.refresh_filter_choices()
            self.reload_keeping_selection()
        super().showEvent(event)

    # --- actions ------------------------------------------------------------------------------

    def _open(self, dialog: QDialog, record_id: int | None = None) -> QDialog:
        self.open_dialog = dialog
        dialog.accepted.connect(lambda: self._after_save(dialog))
        if record_id is not None and hasattr(dialog, "reload_requested"):
            # Someone saved the record after the form read it: show it as it is now.
            dialog.reload_requested.connect(lambda: self._reopen(record_id))
        dialog.open()
        return dialog

    def _reopen(self, record_id: int) -> None:
        self.reload_keeping_selection()  # the list and detail pane catch up too
        self._open(self.form(record_id), record_id)

    def _after_save(self, dialog: QDialog) -> None:
        # The form's change broadcast has already reloaded this page; select what was saved.
        saved = getattr(dialog, "saved_id", None)
        if saved is not None and getattr(dialog, "entity_type", None) == self.entity_types[0]:
            self.select_id(saved)

    def export_list(self) -> QDialog | None:
        """Open the export dialog for what the list shows now."""
        if self.export_kind is None:
            return None
        from desktop.dialogs.export_dialog import ExportDialog

        sort, descending = self.model.current_sort
        dialog = ExportDialog(
            self.workspace,
            self.export_kind,
            self.model.current_filter,
            sort,
            descending,
            self.model.total,
            self,
        )
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def new_record(self) -> QDialog:
        """Open the form for a new record (Ctrl+N)."""
        return self._open(self.form(None))

    def edit_selected(self) -> QDialog | None:
        """Open the form of the record the detail pane shows (Enter, double-click);
        when the store would refuse the change, say why instead."""
        record_id = self.shown_id()
        if record_id is None:
            return None
        if self._refused_here():
            return None
        return self._open(self.form(record_id), record_id)

    def _refused_here(self) -> bool:
        """Say in the status bar why the record shown may not be changed."""
        if self.shown_refusal is None:
            return False
        self.window().statusBar().showMessage(self.shown_refusal, 10_000)
        return True

    def archive_selected(self) -> QMessageBox | None:
        """Ask, then archive the record the detail pane shows (Del)."""
        record_id = self.shown_id()
        if record_id is None or self.shown_title is None or self._refused_here():
            return None
        name = self.shown_title.title
        box = QMessageBox(
            QMessageBox.Icon.Question,
            f"Archive {self.noun}",
            f"Archive {name}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setInformativeText(
            "It disappears from lists but is kept; tick “Show archived” "
            "and choose Restore to bring it back."
        )
        box.button(QMessageBox.StandardButton.Yes).setText("Archive")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda result: self._archive_answered(result, record_id))
        self.pending_confirmation = box
        box.open()
        return box

    def _archive_answered(self, result: int, record_id: int) -> None:
        self.pending_confirmation = None
        if result == QMessageBox.StandardButton.Yes:
            self._change_archived(record_id, True)

    def restore_selected(self) -> None:
        """Bring the archived record the detail pane shows back."""
        record_id = self.shown_id()
        if record_id is not None:
            self._change_archived(record_id, False)

    def _change_archived(self, record_id: int, archived: bool) -> None:
        try:
            with store.session(self.workspace.engine) as s:
                self.set_archived(s, record_id, archived)
        except RabtaError as error:
            QMessageBox.warning(self, self.title, said(error))
            return
        self.workspace.announce(self.entity_types[0], [record_id])

    # --- remembered state --------------------------------------------------------------------

    def save_state(self, settings: QSettings) -> None:
        """Remember column widths, sort order and the detail pane's width."""
        settings.setValue(f"{self.title}/header", self.table.horizontalHeader().saveState())
        settings.setValue(f"{self.title}/splitter", self.splitter.saveState())

    def restore_state(self, settings: QSettings) -> None:
        """Bring back column widths, sort order and the detail pane's width."""
        header_state = settings.value(f"{self.title}/header")
        if header_state is not None:
            header = self.table.horizontalHeader()
            header.restoreState(header_state)
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        splitter_state = settings.value(f"{self.title}/splitter")
        if splitter_state is not None:
            self.splitter.restoreState(splitter_state)
