"""Per-installation settings, the same for every officer: their defaults, the one check
each value passes, and the typed object every reader uses.

Values are stored as text (db/foundations/models.py Setting); `read_settings` turns
them into a `Settings` whose fields have their types, so no caller parses a setting
itself. A value that fails its check (written around the store) reads as its default
and is logged. Changing a setting is a write: db/store/settings.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session, select

from db.foundations.countries import country_name
from db.foundations.errors import ValidationError
from db.foundations.models import Setting

log = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class Settings:
    """Every setting, with its type."""

    installation_name: str
    host_country: str
    fiscal_year_start_month: int
    period_style: str
    report_marking: str
    report_marking_confidential: str
    idle_lock_minutes: int
    backup_folder: str
    review_after_years: int
    follow_up_amber_days: int
    follow_up_escalation_days: int

    @property
    def fiscal(self) -> bool:
        """True when quarters follow the fiscal year rather than the calendar."""
        return self.period_style == "fiscal"

    def marking(self, includes_confidential: bool) -> str:
        """The protective marking printed on a report, with or without confidential
        engagements in it."""
        return self.report_marking_confidential if includes_confidential else self.report_marking


def _whole_number(low: int, high: int, message: str) -> Callable[[str], int]:
    def parse(value: str) -> int:
        if value not in {str(n) for n in range(low, high + 1)}:
            raise ValueError(message)
        return int(value)

    return parse


def _one_of(choices: tuple[str, ...], message: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in choices:
            raise ValueError(message)
        return value

    return parse


def _country(value: str) -> str:
    if country_name(value) is None:
        raise ValueError(
            "Choose the host country from the list (it is kept as its ISO code, e.g. US)."
        )
    return value


def _backup_folder(value: str) -> str:
    windows_drive = len(value) > 2 and value[1] == ":"  # C:\Backups
    if value and not (value.startswith(("/", "~")) or windows_drive):
        raise ValueError("The backup folder is a full path, e.g. /media/usb.")
    return value


def _named(value: str) -> str:
    if not value:
        raise ValueError("The installation needs a name.")
    return value


def _any_text(value: str) -> str:
    return value


PARSERS: dict[str, Callable[[str], object]] = {
    "installation_name": _named,
    "host_country": _country,
    "fiscal_year_start_month": _whole_number(
        1, 12, "The fiscal year starts in a month from 1 to 12."
    ),
    "period_style": _one_of(("fiscal", "calendar"), "Quarters are either fiscal or calendar."),
    "report_marking": _any_text,
    "report_marking_confidential": _any_text,
    "idle_lock_minutes": _whole_number(1, 240, "The window locks after 1 to 240 idle minutes."),
    "backup_folder": _backup_folder,
    "review_after_years": _whole_number(
        1, 50, "Contacts are reviewed after 1 to 50 years without contact."
    ),
    "follow_up_amber_days": _whole_number(
        0, 90, "A follow-up turns amber 0 to 90 days before it is due."
    ),
    "follow_up_escalation_days": _whole_number(
        1, 365, "Follow-ups go to supervisors after 1 to 365 days overdue."
    ),
}


def require_known_setting(key: object) -> None:
    """Raise ValidationError unless `key` names a setting Rabta knows."""
    if not isinstance(key, str) or key not in DEFAULTS:
        raise ValidationError({"key": "That is not a setting Rabta knows."})


def check_setting(key: str, value: str) -> object:
    """The one check of a setting's value: its typed form, or ValidationError naming
    the key with a sentence."""
    require_known_setting(key)
    try:
        return PARSERS[key](value)
    except ValueError as error:
        raise ValidationError({key: str(error)}) from None


def setting_texts(s: Session) -> dict[str, str]:
    """Every setting's stored text (or its default), as a form shows it."""
    stored = {row.key: row.value for row in s.exec(select(Setting))}
    return {key: stored.get(key, default) for key, default in DEFAULTS.items()}


def read_settings(s: Session) -> Settings:
    """Every setting, typed; a stored value that fails its check reads as the default."""
    typed: dict[str, object] = {}
    for key, text in setting_texts(s).items():
        try:
            typed[key] = check_setting(key, text)
        except ValidationError:
            log.warning("The stored setting %s=%r is not valid; using its default.", key, text)
            typed[key] = PARSERS[key](DEFAULTS[key])
    return Settings(**typed)  # type: ignore[arg-type]
