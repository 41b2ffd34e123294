"""One Session per unit of work: commit on success, roll back on any error."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from db.foundations.engine import writing
from db.foundations.errors import explain_database_error, explain_unique_clash

_AFTER_COMMIT = "rabta_after_commit"


def after_commit(s: Session, action: Callable[[], None]) -> None:
    """Run `action` once this unit of work has committed (never if it rolls back): for
    files beside the database that must follow what the database now says."""
    s.info.setdefault(_AFTER_COMMIT, []).append(action)


@contextmanager
def session(engine: Engine) -> Iterator[Session]:
    """Yield a Session whose work is committed as one transaction when the block ends.

    The transaction holds the write lock from its start, so it waits for other writers
    instead of failing when it moves from reading to writing; use a plain Session for
    reading. Any exception rolls everything back; environment failures (locked,
    read-only, disk full) are re-raised as DatabaseUnavailable with a sentence for the user.
    """
    with Session(writing(engine), expire_on_commit=False) as s:
        try:
            yield s
            s.commit()
            for action in s.info.pop(_AFTER_COMMIT, []):
                action()
        except DBAPIError as error:
            s.rollback()
            clash = explain_unique_clash(error)
            if clash is not None:
                raise clash from error
            explained = explain_database_error(error, str(engine.url.database or engine.url))
            if explained is None:
                raise
            raise explained from error
        except BaseException:
            s.rollback()
            raise
