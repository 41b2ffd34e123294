"""The columns of every list Rabta exports and imports. Export and import read the same
definitions, so a file exported from one registry imports into another as it is.

A column names the store field it fills (or the reference an import resolves, such as a
mission code), its title in files, and the kind of value it holds, which says how a cell
is written and read back: enums by their labels, lists joined by "; ", dates as dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from db.foundations.models import (
    Consent,
    EngagementKind,
    Generation,
    Mechanism,
    OrganizationKind,
    OrganizationStatus,
    Priority,
    ProgramKind,
    ProgramStatus,
    Province,
    PublicRole,
    Sensitivity,
)

# How a cell's value is written and read.
TEXT = "text"
LONG_TEXT = "long_text"  # may hold line breaks
CHOICE = "choice"  # one enum value, written as its label
CHOICES = "choices"  # several enum values, "; "-separated labels
NAMES = "names"  # several names, "; "-separated (tags, organizations, contacts)
FLAG = "flag"  # Yes / No
DAY = "day"
MOMENT = "moment"  # a date and time, in UTC
INTEGER = "integer"
NUMBER = "number"

LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class ExchangeColumn:
    """One column of an exchanged list."""

    field: str
    header: str
    kind: str = TEXT
    enum: type[StrEnum] | None = None
    width: int = 16  # characters, for spreadsheets
    imported: bool = True  # False: written for the reader, ignored when read back


ORGANIZATION_COLUMNS = (
    ExchangeColumn("name", "Name", width=44),
    ExchangeColumn("acronym", "Acronym", width=12),
    ExchangeColumn("kind", "Kind", CHOICE, OrganizationKind, width=24),
    ExchangeColumn("status", "Status", CHOICE, OrganizationStatus, width=10),
    ExchangeColumn("priority", "Priority", CHOICE, Priority, width=10),
    ExchangeColumn("mechanisms", "Mechanisms", CHOICES, Mechanism, width=36),
    ExchangeColumn("tags", "Tags", NAMES, width=20),
    ExchangeColumn("website", "Website", width=30),
    ExchangeColumn("email", "Email", width=30),
    ExchangeColumn("phone", "Phone", width=18),
    ExchangeColumn("address", "Address", LONG_TEXT, width=36),
    ExchangeColumn("city", "City", width=16),
    ExchangeColumn("region_code", "Region", width=8),
    ExchangeColumn("mission", "Mission", width=9),
    ExchangeColumn("hometown_district", "Hometown district", width=18),
    ExchangeColumn("hometown_province", "Hometown province", CHOICE, Province, width=18),
    ExchangeColumn("founded_year", "Founded", INTEGER, width=9),
    ExchangeColumn("members_estimate", "Members (estimate)", INTEGER, width=12),
    ExchangeColumn("description", "Description", LONG_TEXT, width=50),
    ExchangeColumn("last_engagement_on", "Last engagement", DAY, width=14, imported=False),
    ExchangeColumn("created_at", "Added", MOMENT, width=18),
)

CONTACT_COLUMNS = (
    ExchangeColumn("honorific", "Honorific", width=10),
    ExchangeColumn("given_name", "Given name", width=18),
    ExchangeColumn("family_name", "Family name", width=18),
    ExchangeColumn("name_urdu", "Name in Urdu", width=20),
    ExchangeColumn("profession", "Profession", width=20),
    ExchangeColumn("organization", "Organization", width=30),
    ExchangeColumn("role_title", "Role", width=20),
    ExchangeColumn("email", "Email", width=30),
    ExchangeColumn("phone", "Phone", width=18),
    ExchangeColumn("city", "City", width=16),
    ExchangeColumn("region_code", "Region", width=8),
    ExchangeColumn("generation", "Generation", CHOICE, Generation, width=14),
    ExchangeColumn("preferred_language", "Preferred language", width=12),
    ExchangeColumn("consent", "Consent", CHOICE, Consent, width=10),
    ExchangeColumn("consent_date", "Consent date", DAY, width=12),
    ExchangeColumn("consent_source", "Consent source", width=24),
    ExchangeColumn("do_not_contact", "Do not contact", FLAG, width=9),
    ExchangeColumn("public_roles", "Public roles", CHOICES, PublicRole, width=20),
    ExchangeColumn("notes", "Notes", LONG_TEXT, width=40),
    ExchangeColumn("created_at", "Added", MOMENT, width=18),
)

AFFILIATION_COLUMNS = (
    ExchangeColumn("contact", "Contact", width=28),
    ExchangeColumn("contact_email", "Contact email", width=30),
    ExchangeColumn("organization", "Organization", width=40),
    ExchangeColumn("role_title", "Role", width=22),
    ExchangeColumn("is_primary", "Primary contact", FLAG, width=9),
    ExchangeColumn("start_date", "Since", DAY, width=12),
    ExchangeColumn("end_date", "Until", DAY, width=12),
)

ENGAGEMENT_COLUMNS = (
    ExchangeColumn("date", "Date", DAY, width=12),
    ExchangeColumn("kind", "Kind", CHOICE, EngagementKind, width=12),
    ExchangeColumn("subject", "Subject", width=44),
    ExchangeColumn("organizations", "Organizations", NAMES, width=30),
    ExchangeColumn("contacts", "Contacts", NAMES, width=30),
    ExchangeColumn("mission", "Mission", width=9),
    ExchangeColumn("officer", "Officer", width=16),
    ExchangeColumn("program", "Program", width=24),
    ExchangeColumn("mechanism", "Mechanism", CHOICE, Mechanism, width=22),
    ExchangeColumn("summary", "Summary", LONG_TEXT, width=50),
    ExchangeColumn("outcome", "Outcome", LONG_TEXT, width=40),
    ExchangeColumn("follow_up_date", "Follow-up", DAY, width=12),
    ExchangeColumn("follow_up_done_at", "Follow-up done", MOMENT, width=18, imported=False),
    ExchangeColumn("sensitivity", "Sensitivity", CHOICE, Sensitivity, width=12),
)

PROGRAM_COLUMNS = (
    ExchangeColumn("name", "Name", width=40),
    ExchangeColumn("kind", "Kind", CHOICE, ProgramKind, width=22),
    ExchangeColumn("mechanism", "Mechanism", CHOICE, Mechanism, width=22),
    ExchangeColumn("status", "Status", CHOICE, ProgramStatus, width=10),
    ExchangeColumn("mission", "Lead mission", width=9),
    ExchangeColumn("start_date", "Starts", DAY, width=12),
    ExchangeColumn("end_date", "Ends", DAY, width=12),
    ExchangeColumn("budget", "Budget", NUMBER, width=12),
    ExchangeColumn("budget_currency", "Currency", width=8),
    ExchangeColumn("participants", "Participants", NAMES, width=40, imported=False),
    ExchangeColumn("description", "Description", LONG_TEXT, width=50),
)

COLUMNS: dict[str, tuple[ExchangeColumn, ...]] = {
    "organizations": ORGANIZATION_COLUMNS,
    "contacts": CONTACT_COLUMNS,
    "affiliations": AFFILIATION_COLUMNS,
    "engagements": ENGAGEMENT_COLUMNS,
    "programs": PROGRAM_COLUMNS,
}
