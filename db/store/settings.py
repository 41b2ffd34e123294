"""Changing a per-installation setting (administrators); reading them, their defaults
and their checks live in db/rules/settings.py."""

from __future__ import annotations

from sqlmodel import Session

from db.foundations.actor import Actor
from db.foundations.models import Setting
from db.rules.settings import DEFAULTS, check_setting, require_known_setting
from db.store.audit import record_audit
from db.store.validation import plain_text


def set_setting(s: Session, actor: Actor, key: str, value: str) -> None:
    """Change one setting (administrators), refusing unknown keys and values of the
    wrong shape."""
    actor.require_admin()
    require_known_setting(key)
    value = plain_text(value, key, "The setting", max_length=200)
    check_setting(key, value)
    row = s.get(Setting, key)
    old = row.value if row is not None else DEFAULTS[key]
    if old == value and row is not None:
        return
    if row is None:
        row = Setting(key=key, value=value)
    row.value = value
    s.add(row)
    record_audit(s, actor, "update", "setting", None, {key: (old, value)})
