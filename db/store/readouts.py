"""Read-outs of personal data (reports, exports) are audited like changes."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from db.foundations.actor import Actor
from db.store.audit import record_audit


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
