"""Read-outs of personal data (reports, exports) are audited like changes, and a file
of personal data reaches its place only once its read-out is recorded."""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from db.foundations.actor import Actor
from db.foundations.private_files import make_private
from db.store.audit import record_audit
from db.store.unit_of_work import session


def record_readout(
    s: Session, actor: Actor, what: str, details: dict[str, Any], entity_id: int | None = None
) -> None:
    """Note in the audit log that `actor` produced a read-out (e.g. "quarterly_report")."""
    record_audit(
        s,
        actor,
        "read_out",
        what,
        entity_id,
        {key: (None, value) for key, value in details.items()},
    )


def place_after_readout(
    engine: Engine,
    actor: Actor,
    what: str,
    details: dict[str, Any],
    placements: dict[Path, Path],
    entity_id: int | None = None,
) -> None:
    """Record the read-out, then move each written file (partial -> its place, made
    private) in the same transaction. When the read-out cannot be recorded, or a move
    fails, every partial and every file already placed is removed: a file of personal
    data is on disk under its name only with its read-out in the audit."""
    placed: list[Path] = []
    try:
        with session(engine) as s:
            record_readout(s, actor, what, details, entity_id)
            s.flush()
            for partial, target in placements.items():
                make_private(partial)
                os.replace(partial, target)
                placed.append(target)
    except BaseException:
        for leftover in [*placements, *placed]:
            with suppress(OSError):  # nothing more can be done; the error says what failed
                leftover.unlink(missing_ok=True)
        raise
