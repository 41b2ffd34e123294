"""Names vulture (`make lint`) reports as unused that are used, each with its reason.

Never imported or run: vulture only reads the names below as used ones."""

# A worker or dialog kept on its window so that it lives until it finishes or closes
# (Qt would delete an object no Python name holds).
_backup_task, _count_task, _demo_task, _verify_task, _list_task
change_password_dialog, merge_dialog, restore_question, erase_question

# Pages are built by name from the sidebar's table (desktop/main_window.py).
DuplicatesPage, EngagementsPage, ProgramsPage

# Model columns written by the store and read by SQLAlchemy, not by name.
recorded_at, dismissed_by, dismissed_at, checked_in_by
# Set for the sqlite3 driver, SQLAlchemy's compiler and openpyxl, which read them.
isolation_level, inherit_cache, ref
# A form's field registered by name in RecordForm (desktop/dialogs/record_form.py).
primary_check
# The store's change of a program indicator: permitted per role (tests/security/test_roles.py
# RULES); no screen edits an indicator yet.
update_indicator
# alembic calls include_in_comparison(obj, name, type_, reflected, compare_to).
obj, reflected, compare_to
# The sealed text column type (db/foundations/sealed_text.py): SQLAlchemy's TypeDecorator
# hooks, called by SQLAlchemy as values are written and read.
impl, cache_ok, load_dialect_impl, process_bind_param, process_result_value
# aiosmtpd calls its handler's hooks by name (tests/exchange/test_invitations.py).
handle_DATA
