"""The errors the data layer raises on purpose.

Two kinds reach the user as a sentence, never as a traceback:
`DatabaseUnavailable` (the environment's fault: not a database, read-only,
locked, too new, disk full) and `ValidationError` (bad input, one message per
field). Anything else is a bug and goes to the global exception hook.
"""

from __future__ import annotations

import sqlite3

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy.exc import DBAPIError

SQLITE_ERRORS = (sqlite3.DatabaseError, sqlcipher.DatabaseError)
"""A SQLite driver's errors: Python's own module, and SQLCipher's that Rabta connects with."""


class RabtaError(Exception):
    """Base of every error Rabta raises deliberately; `str()` is a sentence for the user."""


class DatabaseUnavailable(RabtaError):
    """The database cannot be opened or written for a reason outside Rabta's control."""


class EmptyDatabaseFile(DatabaseUnavailable):
    """The database file exists but holds nothing; only the window, after asking, starts
    a new database in it."""


class ValidationError(RabtaError):
    """Input was refused; `errors` maps each offending field to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.errors.items()))


def said(error: BaseException) -> str:
    """An error as the window shows it: a refusal's sentences alone (the form puts each
    beside its field; elsewhere "installation_name: …" would show a field's name), any
    other error as its text."""
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.errors.values())
    return str(error)


class NotFound(RabtaError):
    """The record asked for does not exist."""


class PermissionDenied(RabtaError):
    """The acting user may not do this."""


class StaleRecord(RabtaError):
    """Someone saved the record after the form that is saving it had read it."""


# What each unique index means when a write meets it, as the store says it: someone
# saved the same thing a moment before (two officers at once on a shared server). Keyed
# by the index's name (PostgreSQL names it; SQLite names an expression index) and the
# columns SQLite names for the others. tests/db/test_unique_clashes.py keeps it complete.
UNIQUE_CLASHES: dict[str, tuple[str, str, str]] = {
    "uq_organization_live_name": (
        "",
        "name",
        "An organization with this name was just added to the registry; open it instead.",
    ),
    "uq_program_live_name": (
        "",
        "name",
        "A program with this name was just added; open it instead.",
    ),
    "uq_contact_live_email": ("", "email", "Another contact was just given this email."),
    "uq_user_username": (
        "user.username",
        "username",
        "That username was just taken; choose another.",
    ),
    "uq_tag_name": ("tag.name", "tags", "That tag was just added by someone else; save again."),
    "ix_user_server_role": (
        "user.server_role",
        "server_role",
        "That server role was just given to someone else; choose another.",
    ),
    "uq_mission_code": (
        "mission.code",
        "code",
        "A mission with this code was just added; choose another code.",
    ),
    "uq_jurisdiction_region_code": (
        "jurisdiction.region_code",
        "regions",
        "That region was just given to another mission; open the missions again.",
    ),
    "uq_duplicate_dismissal_entity_type_first_id_second_id": (
        "duplicate_dismissal.entity_type, duplicate_dismissal.first_id",
        "pair",
        "Someone marked this pair as not a duplicate a moment ago.",
    ),
    "uq_report_text_period_scope": (
        "report_text.period, report_text.scope",
        "narrative",
        "Someone saved this quarter's words a moment ago; open them again before saving yours.",
    ),
    "uq_program_participant_program_id_organization_id": (
        "program_participant.program_id, program_participant.organization_id",
        "organization_id",
        "This organization was just added to the program.",
    ),
    "uq_event_guest_event_id_contact_id": (
        "event_guest.event_id, event_guest.contact_id",
        "contact_ids",
        "Someone put this person on the guest list a moment ago.",
    ),
    "uq_event_guest_code": (
        "event_guest.code",
        "code",
        "Two guests were given the same code at once; invite them again.",
    ),
    "uq_measurement_indicator_id_period_start": (
        "measurement.indicator_id, measurement.period_start",
        "period_start",
        "A measurement for this period was just recorded; open it instead.",
    ),
    **{
        f"uq_{table}_uid": (f"{table}.uid", "uid", "A record with this identifier is already here.")
        for table in (
            "contact",
            "engagement",
            "event_guest",
            "indicator",
            "mission",
            "organization",
            "program",
            "program_event",
            "sealing_key",
            "user",
        )
    },
}
_SOME_CLASH = "This clashes with a record saved a moment ago; open the list again and retry."


def explain_unique_clash(error: BaseException) -> ValidationError | None:
    """A write refused by a unique index (someone else saved the same a moment before)
    as the store's validation error, or None for any other error."""
    original = error.orig if isinstance(error, DBAPIError) else error
    diagnostics = getattr(original, "diag", None)  # psycopg names the constraint
    named = getattr(diagnostics, "constraint_name", None) or str(original)
    for index, (columns, field, message) in UNIQUE_CLASHES.items():
        if index in named or (columns and f"UNIQUE constraint failed: {columns}" in named):
            return ValidationError({field: message})
    if getattr(original, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in named:
        return ValidationError({"record": _SOME_CLASH})
    return None


def explain_database_error(error: BaseException, path: str) -> DatabaseUnavailable | None:
    """Translate a driver error caused by the environment into a user sentence, or None for bugs."""
    from db.foundations.engine import shown_location

    path = shown_location(path)
    original = error.orig if isinstance(error, DBAPIError) else error
    message = str(original).lower()
    if type(original).__module__.startswith("psycopg"):
        return _explain_server_error(original, message, path)
    if isinstance(original, SQLITE_ERRORS):
        if "file is not a database" in message or "file is encrypted" in message:
            return DatabaseUnavailable(f"{path} is not a Rabta database (it is not a SQLite file).")
        if "readonly" in message or "read-only" in message:
            return DatabaseUnavailable(
                f"{path} cannot be written: the file or its folder is read-only for you."
            )
        if "unable to open" in message:
            return DatabaseUnavailable(
                f"{path} cannot be opened: check that its folder exists and you may write there."
            )
        if "locked" in message or "busy" in message:
            return DatabaseUnavailable(
                f"{path} is locked by another program; close the other Rabta window and try again."
            )
        if "disk is full" in message or "database or disk is full" in message:
            return DatabaseUnavailable(f"The disk holding {path} is full; free some space.")
        if any(
            sign in message
            for sign in ("malformed", "disk i/o error", "corrupt", "vtable constructor failed")
        ):
            return DatabaseUnavailable(
                f"{path} is damaged; `rabta check` tells what is wrong, and the latest "
                "backup beside it holds an earlier copy."
            )
    return None


def _explain_server_error(
    original: BaseException, message: str, where: str
) -> DatabaseUnavailable | None:
    """A PostgreSQL connection problem in one sentence (never the password)."""
    if "password authentication failed" in message or "no password supplied" in message:
        return DatabaseUnavailable(
            f"The database server at {where} refused the user name or password."
        )
    if "does not exist" in message and "database" in message:
        return DatabaseUnavailable(f"The database named in {where} does not exist on its server.")
    unreachable = (
        "connection refused",
        "could not connect",
        "connection failed",
        "failed to resolve host",
        "could not translate host name",
        "name or service not known",
    )
    if any(sign in message for sign in unreachable):
        return DatabaseUnavailable(
            f"The database server at {where} cannot be reached: check that it is running "
            "and that this computer may connect to it."
        )
    if "timeout" in message or "timed out" in message:
        return DatabaseUnavailable(f"The database server at {where} did not answer in time.")
    if type(original).__name__ == "OperationalError":  # the server's own words, no password
        first_line = (str(original).strip().splitlines() or [""])[0]
        return DatabaseUnavailable(
            f"The database server at {where} could not be used: {first_line}"
        )
    return None
