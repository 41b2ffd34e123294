"""One Session per unit of work: commit on success, roll back on any error."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from filelock import Timeout
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from db.foundations.clock import utc_now
from db.foundations.engine import writing
from db.foundations.errors import RabtaError, explain_database_error, explain_unique_clash
from db.rules.audit_chain import witness_agrees
from db.security.keyring import Keyring, keyring_held_here, keyring_path
from db.store.audit import CHAIN_HEAD

_AFTER_COMMIT = "rabta_after_commit"


def after_commit(s: Session, action: Callable[[], None]) -> None:
    """Run `action` once this unit of work has committed (never if it rolls back): for
    files beside the database that must follow what the database now says."""
    s.info.setdefault(_AFTER_COMMIT, []).append(action)


def _witness_head(engine: Engine, entry_id: int, entry_hash: str) -> None:
    """Note the chain's head in an encrypted file's keys file, a witness outside the
    database (db/database_file/witnesses.py): a chain later cut short or rewritten
    disagrees with it. A server has no keys file."""
    location = engine.url.database if engine.dialect.name == "sqlite" else None
    if not location or not keyring_path(location).exists() or keyring_held_here(location):
        return  # (a sign-in holding the keys file notes the head itself)
    try:
        with Keyring.changed(location) as keyring, Session(engine) as s:
            seen = keyring.audit_head
            if int(seen.get("id", 0)) < entry_id and witness_agrees(s, seen):
                keyring.audit_head = {
                    "id": entry_id,
                    "hash": entry_hash,
                    "at": utc_now().isoformat(),
                }
    except (OSError, RabtaError, Timeout):
        pass  # the change is committed; a witness missed is only a weaker check


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
            head = s.info.pop(CHAIN_HEAD, None)
            if head is not None:
                _witness_head(engine, *head)
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
