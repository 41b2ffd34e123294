"""One way to meet the failure of work done on a worker: a refusal, or a database that
cannot be reached (a RabtaError, or a database error that can be said in a sentence),
is shown as its sentence; anything else is written to the log with the worker's
traceback and shown as an unexpected error that names the log. Nothing is swallowed,
and nothing is raised again into Qt's event loop."""

from __future__ import annotations

import logging

from db.foundations.errors import RabtaError, explain_database_error, said

log = logging.getLogger("rabta")


def failure_sentence(error: BaseException, details: str, location: str | None = None) -> str:
    """What to show for a worker's failure (the page puts it in its own words around)."""
    if isinstance(error, RabtaError):
        return said(error)
    if location is not None:
        explained = explain_database_error(error, location)
        if explained is not None:
            return said(explained)
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}."
    log.error("Work on a worker failed (%s)\n%s", type(error).__name__, details)
    from desktop.error_hook import log_file_path

    return f"an unexpected error ({type(error).__name__}); it is written to {log_file_path()}."
