"""Field checks shared by the store modules.

A `FieldChecker` reads one record's input, normalises each value it accepts and
remembers one message per refused field; `done()` raises ValidationError with
all of them at once, so a form can show every problem beside its field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session, select

from db.errors import ValidationError
from db.labels import label
from db.models import Region

_MISSING = object()


class FieldChecker:
    """Validates and normalises the fields of one create or update call."""

    def __init__(self, values: Mapping[str, Any], allowed: Iterable[str], *, partial: bool):
        unknown = set(values) - set(allowed)
        if unknown:
            raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
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
    ) -> None:
        """A string, stripped; required ones may not be blank."""
        raw = self._take(field)
        if raw is _MISSING:
            if required and not self.partial:
                self.fail(field, f"{label_text or _human(field)} is required.")
            return
        value = "" if raw is None else str(raw).strip()
        if required and not value:
            self.fail(field, f"{label_text or _human(field)} is required.")
            return
        if max_length is not None and len(value) > max_length:
            self.fail(
                field, f"{label_text or _human(field)} is longer than {max_length} characters."
            )
            return
        self.clean[field] = value

    def email(self, field: str) -> None:
        """An email address, checked for syntax only (offline) and normalised."""
        raw = self._take(field)
        if raw is _MISSING:
            return
        value = (raw or "").strip()
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
        raw = self._take(field)
        if raw is _MISSING:
            return
        value = (raw or "").strip()
        if not value:
            self.clean[field] = ""
            return
        import phonenumbers  # slow import, rare use

        try:
            number = phonenumbers.parse(value, default_country or None)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            self.fail(
                field,
                f"{value} is not a valid phone number; write it with its country code, "
                "e.g. +1 713 555 0147.",
            )
            return
        self.clean[field] = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

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
        except ValueError:
            allowed = ", ".join(label(member) for member in enum)
            self.fail(
                field, f"{raw!r} is not a known {_human(field).lower()}; choose one of: {allowed}."
            )

    def choices(self, field: str, enum: type[StrEnum]) -> None:
        """A set of enum values."""
        raw = self._take(field)
        if raw is _MISSING:
            return
        accepted: list[str] = []
        for item in raw or ():
            try:
                accepted.append(enum(item).value)
            except ValueError:
                self.fail(field, f"{item!r} is not a known {_human(field).lower().rstrip('s')}.")
                return
        self.clean[field] = sorted(set(accepted))

    def flag(self, field: str) -> None:
        """A yes/no value."""
        raw = self._take(field)
        if raw is not _MISSING:
            self.clean[field] = bool(raw)

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
        try:
            value = int(str(raw).replace(",", "").strip())
        except ValueError:
            self.fail(field, f"{_human(field)} must be a whole number.")
            return
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
        try:
            value = float(str(raw).replace(",", "").strip())
        except ValueError:
            self.fail(field, f"{_human(field)} must be a number.")
            return
        if value != value or value in (float("inf"), float("-inf")):
            self.fail(field, f"{_human(field)} must be a number.")
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
        else:
            try:
                value = date.fromisoformat(str(raw).strip())
            except ValueError:
                self.fail(field, f"{raw!r} is not a date; write it as YYYY-MM-DD.")
                return
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
        else:
            try:
                value = datetime.fromisoformat(str(raw).strip())
            except ValueError:
                self.fail(field, f"{raw!r} is not a date and time.")
                return
            value = value if value.tzinfo else value.replace(tzinfo=UTC)
        if value > datetime.now(UTC):
            self.fail(field, f"{_human(field)} cannot be in the future.")
            return
        self.clean[field] = value

    def region(self, s: Session, field: str = "region_code") -> None:
        """A region code known to the regions table (e.g. US-TX), or nothing."""
        raw = self._take(field)
        if raw is _MISSING:
            return
        value = (raw or "").strip().upper()
        if not value:
            self.clean[field] = None
            return
        if s.get(Region, value) is None:
            known = s.exec(select(Region.code).limit(1)).first()
            hint = " Region codes look like US-TX." if known else " No regions are set up yet."
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
    ) -> None:
        """The id of an existing row of `model`."""
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
            key = int(raw)
        except (TypeError, ValueError):
            self.fail(field, f"{what or _human(field)} {raw!r} does not exist.")
            return
        if s.get(model, key) is None:
            self.fail(field, f"{what or _human(field)} {raw!r} does not exist.")
            return
        self.clean[field] = key


def _human(field: str) -> str:
    text = field.removesuffix("_id").removesuffix("_code").replace("_", " ")
    return text[:1].upper() + text[1:]
