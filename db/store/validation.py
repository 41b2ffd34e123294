"""Field checks shared by the store modules.

A `FieldChecker` reads one record's input, normalises each value it accepts and
remembers one message per refused field; `done()` raises ValidationError with
all of them at once, so a form can show every problem beside its field.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session, select

from db.foundations import clock
from db.foundations.errors import ValidationError
from db.foundations.labels import label
from db.foundations.models import Region
from db.rules.rows import record_id

_MISSING = object()
LARGEST_INTEGER = 2**53  # beyond this a number is a typing slip, not a count or an amount
LONG_TEXT_LENGTH = 10_000  # summaries, outcomes, notes, descriptions, narratives
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2100, 12, 31)
# Control characters, bytes that were not UTF-8 (lone surrogates), and the bidi controls
# that can make a name display as something else. Long text may hold line breaks and tabs.
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_NOT_IN_A_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff{_BIDI_CONTROLS}]")
_NOT_IN_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_BIDI_CONTROLS}]")


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why a string cannot be stored as typed text, or None when it can."""
    found = (_NOT_IN_TEXT if multiline else _NOT_IN_A_LINE).search(value)
    if found is None:
        return None
    character = found.group()
    if "\ud800" <= character <= "\udfff":
        return "holds bytes that are not valid text (not UTF-8)."
    if character in "\n\r\t":
        return "must be on one line."
    return f"holds the invisible control character U+{ord(character):04X}; retype it."


def plain_text(raw: Any, field: str, what: str, *, max_length: int = 200) -> str:
    """A short one-line string given by a caller, stripped, or ValidationError."""
    if not isinstance(raw, str):
        raise ValidationError({field: f"{what} must be text."})
    value = raw.strip()
    problem = text_problem(value)
    if problem:
        raise ValidationError({field: f"{what} {problem}"})
    if len(value) > max_length:
        raise ValidationError({field: f"{what} is longer than {max_length} characters."})
    return value


class FieldChecker:
    """Validates and normalises the fields of one create or update call."""

    def __init__(self, values: Mapping[str, Any], allowed: Iterable[str], *, partial: bool):
        if not isinstance(values, Mapping):
            raise ValidationError({"values": "The record's fields must be given by name."})
        unknown = [field for field in values if field not in set(allowed)]
        if unknown:
            raise ValidationError(
                {"values": f"{', '.join(sorted(map(repr, unknown)))} is not a field here."}
            )
        self.values = values
        self.partial = partial
        self.errors: dict[str, str] = {}
        self.clean: dict[str, Any] = {}

    def _take(self, field: str) -> Any:
        return self.values.get(field, _MISSING)

    def fail(self, field: str, message: str) -> None:
        """Record a refusal for a field (the first message per field wins)."""
        self.errors.setdefault(field, message)

    def done(self) -> dict[str, Any]:
        """Return the cleaned values, or raise ValidationError listing every refused field."""
        if self.errors:
            raise ValidationError(self.errors)
        return self.clean

    # --- text ---------------------------------------------------------------

    def text(
        self,
        field: str,
        *,
        required: bool = False,
        max_length: int | None = None,
        label_text: str | None = None,
        multiline: bool = False,
    ) -> None:
        """A string, stripped; required ones may not be blank. One-line text (names,
        titles) holds no control characters; long text may hold line breaks and tabs.
        Neither holds bidi overrides or bytes that are not text."""
        raw = self._take(field)
        if raw is _MISSING:
            if required and not self.partial:
                self.fail(field, f"{label_text or _human(field)} is required.")
            return
        if raw is not None and not isinstance(raw, str):
            self.fail(field, f"{label_text or _human(field)} must be text.")
            return
        value = "" if raw is None else raw.strip()
        if required and not value:
            self.fail(field, f"{label_text or _human(field)} is required.")
            return
        problem = text_problem(value, multiline=multiline)
        if problem:
            self.fail(field, f"{label_text or _human(field)} {problem}")
            return
        if max_length is None:
            max_length = LONG_TEXT_LENGTH
        if len(value) > max_length:
            self.fail(
                field, f"{label_text or _human(field)} is longer than {max_length} characters."
            )
            return
        self.clean[field] = value

    def email(self, field: str) -> None:
        """An email address, checked for syntax only (offline) and normalised."""
        value = self._short_string(field)
        if value is None:
            return
        if not value:
            self.clean[field] = ""
            return
        from email_validator import EmailNotValidError, validate_email  # slow import, rare use

        try:
            self.clean[field] = validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError as error:
            self.fail(field, f"{value} is not a valid email address: {error}")

    def phone(self, field: str, default_country: str) -> None:
        """A phone number, normalised to E.164 (numbers without +code use the host country)."""
        value = self._short_string(field)
        if value is None:
            return
        if not value:
            self.clean[field] = ""
            return
        import phonenumbers  # slow import, rare use

        try:
            number = phonenumbers.parse(value, default_country or None)
        except (phonenumbers.NumberParseException, UnicodeError):
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            self.fail(
                field,
                f"{value} is not a valid phone number; write it with its country code, "
                "e.g. +1 713 555 0147.",
            )
            return
        self.clean[field] = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def _short_string(self, field: str, max_length: int = 320) -> str | None:
        """The stripped string given for a field, "" for nothing, or None when the field
        is absent or was refused."""
        raw = self._take(field)
        if raw is _MISSING:
            return None
        if raw is None:
            return ""
        if not isinstance(raw, str):
            self.fail(field, f"{_human(field)} must be text.")
            return None
        value = raw.strip()
        problem = text_problem(value)
        if problem:
            self.fail(field, f"{_human(field)} {problem}")
            return None
        if len(value) > max_length:
            self.fail(field, f"{_human(field)} is longer than {max_length} characters.")
            return None
        return value

    # --- choices ------------------------------------------------------------

    def choice(self, field: str, enum: type[StrEnum], *, required: bool = False) -> None:
        """One value of an enum, given by its stored value."""
        raw = self._take(field)
        if raw is _MISSING:
            if required and not self.partial:
                self.fail(field, f"{_human(field)} is required.")
            return
        if raw in (None, "") and not required:
            self.clean[field] = None
            return
        try:
            self.clean[field] = enum(raw).value
        except (ValueError, TypeError):
            allowed = ", ".join(label(member) for member in enum)
            what = _human(field).lower()
            if isinstance(raw, str) and not text_problem(raw):
                said = f"{raw[:60]!r} is not a known {what}"
            else:  # a value that cannot be shown as text is not echoed
                said = f"The {what} given is not one Rabta knows"
            self.fail(field, f"{said}; choose one of: {allowed}.")

    def choices(self, field: str, enum: type[StrEnum]) -> None:
        """A set of enum values."""
        raw = self._take(field)
        if raw is _MISSING:
            return
        if raw is not None and not isinstance(raw, list | tuple | set | frozenset):
            self.fail(field, f"{_human(field)} must be a list.")
            return
        accepted: list[str] = []
        for item in raw or ():
            try:
                accepted.append(enum(item).value)
            except (ValueError, TypeError):
                self.fail(field, f"{_human(field)} holds a value Rabta does not know.")
                return
        self.clean[field] = sorted(set(accepted))

    def flag(self, field: str) -> None:
        """A yes/no value (True, False, or nothing for no)."""
        raw = self._take(field)
        if raw is _MISSING:
            return
        if raw is None or isinstance(raw, bool) or raw in (0, 1):
            self.clean[field] = bool(raw)
        else:
            self.fail(field, f"{_human(field)} is either yes or no.")

    # --- numbers and dates --------------------------------------------------

    def integer(
        self,
        field: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
        required: bool = False,
    ) -> None:
        """A whole number within bounds."""
        raw = self._take(field)
        if raw is _MISSING:
            if required and not self.partial:
                self.fail(field, f"{_human(field)} is required.")
            return
        if raw in (None, ""):
            if required:
                self.fail(field, f"{_human(field)} is required.")
            else:
                self.clean[field] = None
            return
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            self.fail(field, f"{_human(field)} must be a whole number.")
            return
        try:
            value = int(str(raw).replace(",", "").strip())
        except ValueError:
            self.fail(field, f"{_human(field)} must be a whole number.")
            return
        if maximum is None:
            maximum = LARGEST_INTEGER
        if minimum is None:
            minimum = -LARGEST_INTEGER
        if minimum is not None and value < minimum:
            self.fail(field, f"{_human(field)} must be at least {minimum}.")
        elif maximum is not None and value > maximum:
            self.fail(field, f"{_human(field)} must be at most {maximum}.")
        else:
            self.clean[field] = value

    def number(self, field: str, *, minimum: float | None = None, required: bool = False) -> None:
        """A decimal number, optionally bounded below."""
        raw = self._take(field)
        if raw is _MISSING:
            if required and not self.partial:
                self.fail(field, f"{_human(field)} is required.")
            return
        if raw in (None, ""):
            if required:
                self.fail(field, f"{_human(field)} is required.")
            else:
                self.clean[field] = None
            return
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            self.fail(field, f"{_human(field)} must be a number.")
            return
        try:
            value = float(str(raw).replace(",", "").strip())
        except (ValueError, OverflowError):
            self.fail(field, f"{_human(field)} must be a number.")
            return
        if value != value or abs(value) > LARGEST_INTEGER:
            self.fail(field, f"{_human(field)} must be a number below {LARGEST_INTEGER:,}.")
        elif minimum is not None and value < minimum:
            self.fail(field, f"{_human(field)} must be at least {minimum:g}.")
        else:
            self.clean[field] = value

    def day(
        self,
        field: str,
        *,
        earliest: date | None = None,
        latest: date | None = None,
        required: bool = False,
    ) -> None:
        """A calendar date (a date or an ISO string) within bounds."""
        raw = self._take(field)
        if raw is _MISSING:
            if required and not self.partial:
                self.fail(field, f"{_human(field)} is required.")
            return
        if raw in (None, ""):
            if required:
                self.fail(field, f"{_human(field)} is required.")
            else:
                self.clean[field] = None
            return
        if isinstance(raw, datetime):
            value = raw.date()
        elif isinstance(raw, date):
            value = raw
        elif isinstance(raw, str):
            try:
                value = date.fromisoformat(raw.strip())
            except ValueError:
                shown = raw[:40] if not text_problem(raw) else "That"
                self.fail(field, f"{shown!r} is not a date; write it as YYYY-MM-DD.")
                return
        else:
            self.fail(field, f"{_human(field)} must be a date, written as YYYY-MM-DD.")
            return
        earliest = earliest or EARLIEST_DAY
        latest = latest or LATEST_DAY
        if earliest is not None and value < earliest:
            self.fail(field, f"{_human(field)} cannot be before {earliest.isoformat()}.")
        elif latest is not None and value > latest:
            self.fail(field, f"{_human(field)} cannot be after {latest.isoformat()}.")
        else:
            self.clean[field] = value

    def moment(self, field: str) -> None:
        """A past point in time (an aware datetime, or a date meaning its start in UTC).

        Used when records arrive from elsewhere (imports, demo data) with their own history.
        """
        raw = self._take(field)
        if raw is _MISSING or raw in (None, ""):
            return
        if isinstance(raw, datetime):
            value = raw if raw.tzinfo else raw.replace(tzinfo=UTC)
        elif isinstance(raw, date):
            value = datetime(raw.year, raw.month, raw.day, tzinfo=UTC)
        elif isinstance(raw, str):
            try:
                value = datetime.fromisoformat(raw.strip())
            except ValueError:
                self.fail(field, f"{_human(field)} is not a date and time.")
                return
            value = value if value.tzinfo else value.replace(tzinfo=UTC)
        else:
            self.fail(field, f"{_human(field)} is not a date and time.")
            return
        try:
            too_early = value < datetime(EARLIEST_DAY.year, 1, 1, tzinfo=UTC)
        except OverflowError:
            too_early = True
        if too_early:
            self.fail(field, f"{_human(field)} cannot be before {EARLIEST_DAY.year}.")
            return
        if value > clock.utc_now():
            self.fail(field, f"{_human(field)} cannot be in the future.")
            return
        self.clean[field] = value

    def region(
        self, s: Session, field: str = "region_code", known: Container[str] | None = None
    ) -> None:
        """A region code known to the regions table (e.g. US-TX), or nothing; `known`
        holds the table's codes when many records are checked at once."""
        value = self._short_string(field, max_length=10)
        if value is None:
            return
        value = value.upper()
        if not value:
            self.clean[field] = None
            return
        exists = value in known if known is not None else s.get(Region, value) is not None
        if not exists:
            any_region = s.exec(select(Region.code).limit(1)).first()
            hint = " Region codes look like US-TX." if any_region else " No regions are set up yet."
            self.fail(field, f"{value} is not a known region code.{hint}")
            return
        self.clean[field] = value

    def reference(
        self,
        s: Session,
        field: str,
        model: type,
        *,
        required: bool = False,
        what: str | None = None,
        allow_archived: bool = False,
        known: Mapping[int, Any] | None = None,
    ) -> None:
        """The id of an existing row of `model`, not archived unless allowed; `known`
        holds the rows (by id) when many records are checked at once."""
        raw = self._take(field)
        if raw is _MISSING:
            if required and not self.partial:
                self.fail(field, f"{what or _human(field)} is required.")
            return
        if raw in (None, ""):
            if required:
                self.fail(field, f"{what or _human(field)} is required.")
            else:
                self.clean[field] = None
            return
        try:
            key = record_id(raw, field, what or _human(field))
        except ValidationError as error:
            self.fail(field, error.errors[field])
            return
        row = known.get(key) if known is not None else s.get(model, key)
        if row is None:
            self.fail(field, f"{what or _human(field)} {key} does not exist.")
            return
        if not allow_archived and getattr(row, "archived_at", None) is not None:
            self.fail(field, f"{what or _human(field)} {key} is archived; restore it first.")
            return
        self.clean[field] = key


def _human(field: str) -> str:
    text = field.removesuffix("_id").removesuffix("_code").replace("_", " ")
    return text[:1].upper() + text[1:]
