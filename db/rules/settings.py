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
    # The office's own mail server, for invitations (its password is kept sealed in the
    # keys file, never here: db/security/mail_password.py).
    "email_host": "",
    "email_port": "587",
    "email_security": "starttls",
    "email_user": "",
    "email_sender": "",
    "email_reply_to": "",
    # At most this many messages a minute (0: no limit), as the mail server allows.
    "email_per_minute": "30",
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
    email_host: str
    email_port: int
    email_security: str
    email_user: str
    email_sender: str
    email_reply_to: str
    email_per_minute: int

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


def _counted(low: int, high: int, message: str) -> Callable[[str], int]:
    """A whole number in a wide range, written in ASCII digits without a sign."""

    def parse(value: str) -> int:
        if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
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


def _host(value: str) -> str:
    if value and (any(c.isspace() for c in value) or "/" in value or len(value) > 253):
        raise ValueError("The mail server is a host name, e.g. smtp.example.org.")
    return value


def _address(required: bool) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if not value and not required:
            return value
        from email_validator import EmailNotValidError, validate_email

        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError as error:
            raise ValueError(
                f"{value or 'An empty address'} is not an email address: {error}"
            ) from error

    return parse


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
    "email_host": _host,
    "email_port": _counted(1, 65535, "A mail server's port is a number from 1 to 65535."),
    "email_security": _one_of(
        ("starttls", "ssl", "none"), "The connection is starttls, ssl or none."
    ),
    "email_user": _any_text,
    "email_sender": _address(required=False),
    "email_reply_to": _address(required=False),
    "email_per_minute": _whole_number(0, 6000, "Messages a minute: from 0 (no limit) to 6000."),
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
