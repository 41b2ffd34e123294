"""Per-installation settings, the same for every officer (installation name, marking, ...)."""

from __future__ import annotations

from sqlmodel import Session, select

from db.countries import country_name
from db.errors import ValidationError
from db.models import Setting
from db.store.actor import Actor
from db.store.audit import record_audit
from db.store.validation import plain_text

DEFAULTS: dict[str, str] = {
    "installation_name": "Rabta",
    "host_country": "US",
    "fiscal_year_start_month": "7",
    "period_style": "fiscal",
    "report_marking": "OFFICIAL — SENSITIVE",
    # The marking of a report or brief that includes confidential engagements.
    "report_marking_confidential": "CONFIDENTIAL — INCLUDES CONFIDENTIAL ENGAGEMENTS",
    # Minutes without input after which the window locks and asks for the password.
    "idle_lock_minutes": "10",
    # Where the daily backups go ("" = beside the database): a USB stick or network share.
    "backup_folder": "",
    # Contacts with no engagement for this many years are listed for review (erasure).
    "review_after_years": "5",
    # A follow-up due within this many days is amber (overdue is red, later green).
    "follow_up_amber_days": "7",
    # Overdue by more than this many days, it appears on its mission's supervisors'
    # Dashboard.
    "follow_up_escalation_days": "14",
}


def get_setting(s: Session, key: str) -> str:
    """The stored value of a setting, or its default."""
    if not isinstance(key, str) or key not in DEFAULTS:
        raise ValidationError({"key": "That is not a setting Rabta knows."})
    row = s.get(Setting, key)
    return row.value if row is not None else DEFAULTS[key]


def all_settings(s: Session) -> dict[str, str]:
    """Every setting with its current value."""
    stored = {row.key: row.value for row in s.exec(select(Setting))}
    return {key: stored.get(key, default) for key, default in DEFAULTS.items()}


def set_setting(s: Session, actor: Actor, key: str, value: str) -> None:
    """Change one setting (administrators), refusing unknown keys and values of the
    wrong shape."""
    actor.require_admin()
    if not isinstance(key, str) or key not in DEFAULTS:
        raise ValidationError({"key": "That is not a setting Rabta knows."})
    value = plain_text(value, key, "The setting", max_length=200)
    _check(key, value)
    row = s.get(Setting, key)
    old = row.value if row is not None else DEFAULTS[key]
    if old == value and row is not None:
        return
    if row is None:
        row = Setting(key=key, value=value)
    row.value = value
    s.add(row)
    record_audit(s, actor, "update", "setting", None, {key: (old, value)})


def _check(key: str, value: str) -> None:
    if key == "fiscal_year_start_month" and value not in {str(n) for n in range(1, 13)}:
        raise ValidationError({key: "The fiscal year starts in a month from 1 to 12."})
    if key == "period_style" and value not in ("fiscal", "calendar"):
        raise ValidationError({key: "Quarters are either fiscal or calendar."})
    if key == "host_country" and country_name(value) is None:
        raise ValidationError(
            {key: "Choose the host country from the list (it is kept as its ISO code, e.g. US)."}
        )
    if key == "idle_lock_minutes" and value not in {str(n) for n in range(1, 241)}:
        raise ValidationError({key: "The window locks after 1 to 240 idle minutes."})
    if key == "review_after_years" and value not in {str(n) for n in range(1, 51)}:
        raise ValidationError({key: "Contacts are reviewed after 1 to 50 years without contact."})
    if key == "follow_up_amber_days" and value not in {str(n) for n in range(0, 91)}:
        raise ValidationError({key: "A follow-up turns amber 0 to 90 days before it is due."})
    if key == "follow_up_escalation_days" and value not in {str(n) for n in range(1, 366)}:
        raise ValidationError({key: "Follow-ups go to supervisors after 1 to 365 days overdue."})
    windows_drive = len(value) > 2 and value[1] == ":"  # C:\Backups
    if key == "backup_folder" and value and not (value.startswith(("/", "~")) or windows_drive):
        raise ValidationError({key: "The backup folder is a full path, e.g. /media/usb."})
    if key == "installation_name" and not value:
        raise ValidationError({key: "The installation needs a name."})
