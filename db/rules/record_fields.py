"""Which fields make up a record, where the store that writes them and the queries that
show them must agree: a person's own fields (a subject access request prints exactly
those) and the fields a merge lets a person choose."""

from __future__ import annotations

# A contact's own fields, as a form edits them and a subject access request shows them.
CONTACT_FIELDS = (
    "given_name",
    "family_name",
    "name_urdu",
    "honorific",
    "profession",
    "generation",
    "city",
    "region_code",
    "email",
    "phone",
    "preferred_language",
    "consent",
    "consent_date",
    "consent_source",
    "do_not_contact",
    "notes",
)

# The fields a person chooses between when merging.
MERGE_FIELDS = {
    "contact": (
        "honorific", "given_name", "family_name", "name_urdu", "profession", "generation",
        "city", "region_code", "email", "phone", "preferred_language", "consent",
        "consent_date", "consent_source", "do_not_contact", "notes",
    ),
    "organization": (
        "name", "acronym", "kind", "description", "founded_year", "members_estimate",
        "website", "email", "phone", "address", "city", "region_code", "mission_id",
        "hometown_district", "hometown_province", "status", "priority",
    ),
}  # fmt: skip
