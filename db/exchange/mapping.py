"""Which column of a file fills which field: suggested from the headers (Rabta's own
exports, Outlook's and Google Contacts' CSV exports, common English and Urdu headers),
changed by the person importing, and saved as a small JSON file to reuse."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from db.exchange.columns import COLUMNS
from db.foundations.errors import ValidationError
from db.foundations.private_files import make_private

IMPORT_KINDS = ("organizations", "contacts", "engagements", "affiliations")
FULL_NAME = "full_name"  # a contact's whole name in one column, split on import
# Fields several columns may fill (a business and a mobile phone): a row takes the first
# of them that is filled.
SEVERAL_COLUMNS = ("phone", "email", "city", "region_code")


def _fields(kind: str) -> dict[str, str]:
    """field -> label of what a file's columns may fill for a kind."""
    fields = {c.field: c.header for c in COLUMNS[kind] if c.imported}
    if kind == "contacts":
        fields = {FULL_NAME: "Full name (split into given and family)", **fields}
    return fields


def import_fields(kind: str) -> dict[str, str]:
    """The fields a column may be mapped to for `kind`, with their labels."""
    if kind not in IMPORT_KINDS:
        raise ValidationError({"kind": f"Rabta imports {', '.join(IMPORT_KINDS)}, not {kind!r}."})
    return _fields(kind)


def header_key(header: str) -> str:
    """A header as compared: lower case, accents and punctuation gone, spaces single."""
    text = unicodedata.normalize("NFKD", header.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


# Headers other programs and people write, by what they hold. Rabta's own export headers
# are added from db/exchange/columns.py below.
_CONTACT_SYNONYMS = {
    FULL_NAME: [
        "name",
        "full name",
        "contact name",
        "display name",
        "person",
        "نام",
        "پورا نام",
    ],
    "honorific": ["title", "name prefix", "prefix", "salutation", "لقب"],
    "given_name": [
        "first name",
        "given name",
        "first",
        "forename",
        "پہلا نام",
        "نام اول",
    ],
    "family_name": [
        "last name",
        "family name",
        "surname",
        "last",
        "خاندانی نام",
        "آخری نام",
    ],
    "name_urdu": ["urdu name", "name urdu", "name in urdu", "اردو نام", "نام اردو میں"],
    "profession": ["profession", "occupation", "پیشہ"],
    "organization": [
        "company",
        "organization",
        "organisation",
        "organization name",
        "organization 1 name",
        "employer",
        "association",
        "تنظیم",
        "ادارہ",
    ],
    "role_title": [
        "job title",
        "role",
        "position",
        "designation",
        "organization title",
        "organization 1 title",
        "عہدہ",
    ],
    "email": [
        "email",
        "e mail",
        "email address",
        "e mail address",
        "e mail 1 value",
        "email 1 value",
        "primary email",
        "ای میل",
    ],
    "phone": [
        "phone",
        "mobile",
        "mobile phone",
        "cell",
        "telephone",
        "business phone",
        "primary phone",
        "home phone",
        "phone 1 value",
        "فون",
        "موبائل",
        "فون نمبر",
    ],
    "city": [
        "city",
        "business city",
        "home city",
        "address 1 city",
        "town",
        "شہر",
    ],
    "region_code": [
        "state",
        "region",
        "business state",
        "home state",
        "address 1 region",
        "province",
        "ریاست",
    ],
    "preferred_language": ["language", "preferred language", "زبان"],
    "notes": ["notes", "note", "comments", "remarks", "تبصرہ", "نوٹس", "کیفیت"],
    "consent": ["consent"],
    "do_not_contact": ["do not contact", "dnc", "no contact"],
}
_ORGANIZATION_SYNONYMS = {
    "name": [
        "name",
        "organization",
        "organisation",
        "organization name",
        "association",
        "تنظیم",
        "تنظیم کا نام",
        "نام",
    ],
    "acronym": ["acronym", "abbreviation", "short name", "مخفف"],
    "kind": ["kind", "type", "category", "قسم"],
    "website": ["website", "web site", "web", "url", "ویب سائٹ"],
    "email": ["email", "e mail", "email address", "ای میل"],
    "phone": ["phone", "telephone", "فون"],
    "address": ["address", "street", "پتہ"],
    "city": ["city", "شہر"],
    "region_code": ["state", "region", "ریاست"],
    "mission": ["mission", "consulate", "mission code"],
    "description": ["description", "about", "notes", "تفصیل"],
    "founded_year": ["founded", "year founded", "established"],
    "members_estimate": ["members", "membership", "members estimate", "اراکین"],
    "hometown_district": ["district", "hometown district", "home district", "ضلع"],
    "hometown_province": ["province", "hometown province", "home province", "صوبہ"],
}
_ENGAGEMENT_SYNONYMS = {
    "date": ["date", "when", "meeting date", "تاریخ"],
    "kind": ["kind", "type", "قسم"],
    "subject": ["subject", "title", "topic", "موضوع"],
    "organizations": ["organizations", "organization", "organisations", "تنظیمیں", "تنظیم"],
    "contacts": [
        "contacts",
        "contact",
        "contact person",
        "contact persons",
        "people",
        "attendees",
        "participants",
        "افراد",
    ],
    "mission": ["mission", "consulate"],
    "officer": ["officer", "logged by", "افسر"],
    "summary": ["summary", "notes", "description", "remarks", "comments", "خلاصہ", "کیفیت"],
    "outcome": ["outcome", "result", "نتیجہ"],
    "follow_up_date": [
        "follow up",
        "follow up date",
        "follow up by",
        "follow up on",
        "next step date",
    ],
}
_AFFILIATION_SYNONYMS = {
    "contact": ["contact", "person", "name", "نام"],
    "contact_email": ["contact email", "email", "e mail", "ای میل"],
    "organization": ["organization", "organisation", "company", "تنظیم"],
    "role_title": ["role", "title", "position", "job title", "عہدہ"],
    "is_primary": ["primary", "primary contact", "main contact"],
    "start_date": ["since", "start", "start date", "from"],
    "end_date": ["until", "end", "end date", "to"],
}
_SYNONYMS = {
    "contacts": _CONTACT_SYNONYMS,
    "organizations": _ORGANIZATION_SYNONYMS,
    "engagements": _ENGAGEMENT_SYNONYMS,
    "affiliations": _AFFILIATION_SYNONYMS,
}


def _lookup(kind: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for column in COLUMNS[kind]:  # Rabta's own headers first: a round trip needs no choices
        if column.imported:
            table[header_key(column.header)] = column.field
    for target, headers in _SYNONYMS[kind].items():
        for header in headers:
            table.setdefault(header_key(header), target)
    return table


@dataclass
class Mapping:
    """Which field each column fills (None: left out), and how dates are written."""

    kind: str
    columns: dict[str, str | None] = field(default_factory=dict)
    day_first: bool = False  # 03/04/2026 is 3 April (True) or March 4 (False)
    # A value given to every row whatever the file says, e.g. {"mission": "HOU"} for a
    # consulate's whole engagement log.
    every_row: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        """The mapping as the JSON a saved mapping file holds."""
        return json.dumps(
            {
                "kind": self.kind,
                "columns": self.columns,
                "day_first": self.day_first,
                "every_row": self.every_row,
            },
            ensure_ascii=False,
            indent=2,
        )

    def save(self, path: Path | str) -> None:
        """Keep the mapping in a file to use for the next file of the same shape."""
        Path(path).write_text(self.to_json() + "\n", encoding="utf-8")
        make_private(path)


# Headers whose field depends on what the column holds: Google's Nickname written in
# Urdu script is a contact's Urdu name.
_URDU_SCRIPT_HEADERS = {"contacts": {"nickname": "name_urdu", "nick name": "name_urdu"}}
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def _in_urdu_script(values: list[str]) -> bool:
    filled = [value for value in values if value.strip()]
    return bool(filled) and all(_ARABIC_SCRIPT.search(value) for value in filled)


def suggest_mapping(
    kind: str,
    headers: tuple[str, ...],
    *,
    day_first: bool = False,
    samples: list[list[str]] | None = None,
) -> Mapping:
    """A mapping from the headers (and, given `samples`, the first values of each
    column): each header known for a field fills it; the first of several columns for
    one field wins, except phones and emails, which take the first filled one of each
    row."""
    fields = import_fields(kind)
    table = _lookup(kind)
    by_script = _URDU_SCRIPT_HEADERS.get(kind, {})
    chosen: dict[str, str | None] = {}
    taken: set[str] = set()
    for number, header in enumerate(headers):
        target = table.get(header_key(header))
        urdu_column = (
            samples is not None and number < len(samples) and _in_urdu_script(samples[number])
        )
        if target is None and header_key(header) in by_script and urdu_column:
            target = by_script[header_key(header)]
        repeated = target in taken and target not in SEVERAL_COLUMNS
        if target is None or target not in fields or repeated:
            chosen[header] = None
        else:
            chosen[header] = target
            taken.add(target)
    return Mapping(kind, chosen, day_first)


def likely_kind(headers: tuple[str, ...]) -> str | None:
    """The kind of list these headers most look like (most columns a field of it), or
    None when no kind stands out: for the wizard to warn when the kind chosen differs."""
    matched = {
        kind: sum(1 for target in suggest_mapping(kind, headers).columns.values() if target)
        for kind in IMPORT_KINDS
    }
    best = max(matched, key=lambda kind: matched[kind])
    runners_up = [kind for kind in matched if kind != best and matched[kind] == matched[best]]
    return None if runners_up or matched[best] == 0 else best


def load_mapping(path: Path | str, kind: str) -> Mapping:
    """A mapping saved earlier, checked against the fields `kind` has."""
    try:
        saved = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeError, json.JSONDecodeError) as error:
        raise ValidationError({"mapping": f"The mapping file cannot be read: {error}"}) from None
    if not isinstance(saved, dict) or not isinstance(saved.get("columns"), dict):
        raise ValidationError({"mapping": "The mapping file is not one Rabta saved."})
    if saved.get("kind") != kind:
        raise ValidationError({"mapping": f"The mapping is for {saved.get('kind')}, not {kind}."})
    fields = import_fields(kind)
    columns: dict[str, str | None] = {}
    for header, target in saved["columns"].items():
        if target is not None and target not in fields:
            raise ValidationError(
                {"mapping": f"The mapping sends {header!r} to {target!r}, not a field of {kind}."}
            )
        columns[str(header)] = target
    every_row = saved.get("every_row") or {}
    if not isinstance(every_row, dict) or any(name not in fields for name in every_row):
        raise ValidationError({"mapping": "The mapping gives every row a field it does not have."})
    return Mapping(
        kind,
        columns,
        bool(saved.get("day_first", False)),
        {str(name): str(value) for name, value in every_row.items()},
    )
