"""The code each guest of an event has, printed as a QR code on their invitation and
badge ("RABTA-G-" and 8 letters and digits no one misreads) and typed back at the door
by a scanner."""

from __future__ import annotations

import re
import secrets

CODE_PREFIX = "RABTA-G-"
_CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I
_TYPED_CODE = re.compile(r"^\s*(?:RABTA-G-)?([A-HJ-NP-Z2-9]{8})\s*$", re.IGNORECASE)


def new_guest_code() -> str:
    """A fresh guest code (without its prefix, as kept in the database)."""
    return "".join(secrets.choice(_CODE_LETTERS) for _ in range(8))


def printed_code(code: str) -> str:
    """What the QR code holds: the prefix and the code."""
    return CODE_PREFIX + code


def code_typed(typed: str) -> str | None:
    """The guest code in what a scanner (or a person) typed, or None when it is not one:
    the prefix is optional when typed by hand, and case does not matter. A bare word of
    eight letters is read as a code only with the prefix, so names are never taken for
    codes."""
    if not isinstance(typed, str):
        return None
    stripped = typed.strip()
    found = _TYPED_CODE.match(stripped)
    if found is None:
        return None
    if not stripped.upper().startswith(CODE_PREFIX) and not any(c.isdigit() for c in stripped):
        return None
    return found.group(1).upper()
