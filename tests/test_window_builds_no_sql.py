"""The window builds no SQL and loads no rows itself: every read goes through a function
of db/queries (which applies the visibility rule), every write through db/store.

ruff's banned-API rule (desktop/ruff.toml) keeps select(), func, text and friends out
of desktop/; this test catches what an import rule cannot see: a session's own methods
called in the window (`s.get(Model, id)`, `s.exec(...)`)."""

from __future__ import annotations

import ast
from pathlib import Path

DESKTOP = Path(__file__).resolve().parents[1] / "desktop"
SESSION_NAMES = {"s", "session"}
SESSION_METHODS = {"get", "exec", "execute", "scalar", "scalars", "add", "delete", "merge"}


def session_calls(source: str) -> list[tuple[int, str]]:
    """(line, "s.get") of every call of a session method in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in SESSION_NAMES
            and node.func.attr in SESSION_METHODS
        ):
            found.append((node.lineno, f"{node.func.value.id}.{node.func.attr}"))
    return found


def test_the_check_finds_a_session_read():
    assert session_calls("with Session(e) as s:\n    c = s.get(Contact, 1)\n") == [(2, "s.get")]
    assert session_calls("rows = s.exec(select(Mission)).all()\n") == [(1, "s.exec")]
    assert session_calls("dialog.exec()\nvalues.get('a')\n") == []


def test_no_desktop_module_reads_or_writes_through_a_session_itself():
    offending = {
        str(path.relative_to(DESKTOP.parent)): calls
        for path in sorted(DESKTOP.rglob("*.py"))
        if (calls := session_calls(path.read_text(encoding="utf-8")))
    }
    assert offending == {}
