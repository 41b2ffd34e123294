"""Display labels for every stored enum value: the one place they live."""

from __future__ import annotations

from enum import StrEnum

from db.foundations import models as m

LABELS: dict[type[StrEnum], dict[str, str]] = {
    m.MissionKind: {
        m.MissionKind.EMBASSY: "Embassy",
        m.MissionKind.HIGH_COMMISSION: "High Commission",
        m.MissionKind.CONSULATE_GENERAL: "Consulate General",
        m.MissionKind.COMMISSION: "Commission",
    },
    m.OrganizationKind: {
        m.OrganizationKind.PROFESSIONAL: "Professional association",
        m.OrganizationKind.BUSINESS: "Business network",
        m.OrganizationKind.HOMETOWN: "Hometown association",
        m.OrganizationKind.ADVOCACY: "Advocacy / PAC",
        m.OrganizationKind.RELIGIOUS: "Religious / community",
        m.OrganizationKind.CULTURAL: "Cultural",
        m.OrganizationKind.STUDENT: "Student association",
        m.OrganizationKind.PHILANTHROPY: "Philanthropy / charity",
        m.OrganizationKind.MEDIA: "Media",
        m.OrganizationKind.ACCELERATOR: "Startup accelerator",
        m.OrganizationKind.OTHER: "Other",
    },
    m.OrganizationStatus: {
        m.OrganizationStatus.PROSPECT: "Prospect",
        m.OrganizationStatus.ACTIVE: "Active",
        m.OrganizationStatus.DORMANT: "Dormant",
        m.OrganizationStatus.CLOSED: "Closed",
    },
    m.Priority: {
        m.Priority.HIGH: "High",
        m.Priority.NORMAL: "Normal",
        m.Priority.LOW: "Low",
    },
    m.Mechanism: {
        m.Mechanism.REMITTANCES: "Remittances",
        m.Mechanism.PHILANTHROPY: "Diaspora philanthropy",
        m.Mechanism.VOLUNTEERISM: "Volunteerism",
        m.Mechanism.INVESTMENT: "Entrepreneurship and investment",
        m.Mechanism.CAPITAL_MARKETS: "Capital markets",
        m.Mechanism.TOURISM: "Tourism and nostalgic trade",
        m.Mechanism.ADVOCACY: "Advocacy and diplomacy",
        m.Mechanism.CULTURE: "Culture",
        m.Mechanism.EDUCATION: "Education and exchange",
        m.Mechanism.KNOWLEDGE_TRANSFER: "Knowledge transfer",
    },
    m.Province: {
        m.Province.PUNJAB: "Punjab",
        m.Province.SINDH: "Sindh",
        m.Province.KHYBER_PAKHTUNKHWA: "Khyber Pakhtunkhwa",
        m.Province.BALOCHISTAN: "Balochistan",
        m.Province.GILGIT_BALTISTAN: "Gilgit-Baltistan",
        m.Province.AZAD_KASHMIR: "Azad Jammu and Kashmir",
        m.Province.ISLAMABAD: "Islamabad Capital Territory",
    },
    m.Generation: {
        m.Generation.FIRST: "First generation",
        m.Generation.HOST_BORN: "Host-country born",
        m.Generation.UNKNOWN: "Unknown",
    },
    m.PublicRole: {
        m.PublicRole.ELECTED_OFFICIAL: "Elected official",
        m.PublicRole.JOURNALIST: "Journalist",
        m.PublicRole.BUSINESS_LEADER: "Business leader",
        m.PublicRole.ACADEMIC: "Academic",
        m.PublicRole.COMMUNITY_LEADER: "Community leader",
        m.PublicRole.ARTIST: "Artist",
    },
    m.Consent: {
        m.Consent.GRANTED: "Granted",
        m.Consent.REFUSED: "Refused",
        m.Consent.UNKNOWN: "Unknown",
    },
    m.EngagementKind: {
        m.EngagementKind.MEETING: "Meeting",
        m.EngagementKind.CALL: "Call",
        m.EngagementKind.VIDEO_CALL: "Video call",
        m.EngagementKind.EMAIL: "Email",
        m.EngagementKind.LETTER: "Letter",
        m.EngagementKind.EVENT: "Event",
        m.EngagementKind.SITE_VISIT: "Site visit",
        m.EngagementKind.CEREMONY: "Ceremony",
    },
    m.Sensitivity: {
        m.Sensitivity.NORMAL: "Normal",
        m.Sensitivity.CONFIDENTIAL: "Confidential",
    },
    m.ProgramKind: {
        m.ProgramKind.FINANCIAL_PRODUCT: "Financial product",
        m.ProgramKind.CULTURAL_FESTIVAL: "Cultural festival",
        m.ProgramKind.TRADE_DELEGATION: "Trade delegation",
        m.ProgramKind.EXCHANGE: "Scholarship / exchange",
        m.ProgramKind.PHILANTHROPY_MATCHING: "Philanthropy matching",
        m.ProgramKind.ADVOCACY_CAMPAIGN: "Advocacy campaign",
        m.ProgramKind.COMMUNITY_EVENT: "Community event",
        m.ProgramKind.KNOWLEDGE_TRANSFER: "Knowledge transfer",
    },
    m.ProgramStatus: {
        m.ProgramStatus.PLANNED: "Planned",
        m.ProgramStatus.ACTIVE: "Active",
        m.ProgramStatus.COMPLETED: "Completed",
        m.ProgramStatus.CANCELLED: "Cancelled",
    },
    m.ParticipantRole: {
        m.ParticipantRole.PARTNER: "Partner",
        m.ParticipantRole.SPONSOR: "Sponsor",
        m.ParticipantRole.PARTICIPANT: "Participant",
        m.ParticipantRole.HOST: "Host",
    },
    m.GuestStatus: {
        m.GuestStatus.INVITED: "Invited",
        m.GuestStatus.ACCEPTED: "Accepted",
        m.GuestStatus.TENTATIVE: "Tentative",
        m.GuestStatus.DECLINED: "Declined",
        m.GuestStatus.ATTENDED: "Attended",
        m.GuestStatus.NO_SHOW: "No-show",
        m.GuestStatus.WALK_IN: "Walk-in",
    },
    m.UserRole: {
        m.UserRole.ADMIN: "Administrator",
        m.UserRole.SUPERVISOR: "Supervisor",
        m.UserRole.OFFICER: "Officer",
        m.UserRole.VIEWER: "Viewer",
    },
}


def label(member: StrEnum) -> str:
    """The display label of an enum member."""
    return LABELS[type(member)][member.value]


def choices_of(enum: type[StrEnum]) -> list[tuple[str, str]]:
    """(stored value, label) pairs of an enum in declaration order, for pickers."""
    return list(LABELS[enum].items())


def label_of(enum: type[StrEnum], value: str | None) -> str:
    """The display label of a stored value, or the value itself if it is unknown."""
    if value is None or value == "":
        return ""
    return LABELS[enum].get(value, value)


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """A number with its noun agreeing: "1 row", "2 rows", "1,204 engagements"."""
    return f"{number:,} {singular if number == 1 else (plural or singular + 's')}"


# What a field of an audit entry is called in the History tab and the Audit page, where
# its name alone would not say it ("merge_id", "follow_up_done_at").
FIELD_LABELS = {
    "merge_id": "Merge",
    "merged_into_id": "Merged into",
    "created_at": "Added",
    "updated_at": "Changed",
    "archived_at": "Archived",
    "erased_at": "Erased",
    "follow_up_done_at": "Follow-up done",
    "follow_up_note": "What came of the follow-up",
    "follow_up_date": "Follow-up date",
    "mission_id": "Mission",
    "lead_mission_id": "Lead mission",
    "officer_id": "Officer",
    "program_id": "Program",
    "region_code": "Region",
    "name_urdu": "Name in Urdu",
    "do_not_contact": "Do not contact",
    "organization_ids": "Organizations",
    "contact_ids": "Contacts",
    "members_estimate": "Members (estimate)",
    "hometown_district": "Home district",
    "hometown_province": "Home province",
    "mission_set_by_hand": "Mission chosen by hand",
    "installation_name": "Installation name",
    "host_country": "Host country",
}

# The enum a field's stored values belong to, by (record kind, field) or by field alone.
_FIELD_ENUMS: dict[tuple[str, str] | str, type[StrEnum]] = {
    ("organization", "kind"): m.OrganizationKind,
    ("engagement", "kind"): m.EngagementKind,
    ("program", "kind"): m.ProgramKind,
    ("mission", "kind"): m.MissionKind,
    ("organization", "status"): m.OrganizationStatus,
    ("program", "status"): m.ProgramStatus,
    "priority": m.Priority,
    "mechanism": m.Mechanism,
    "mechanisms": m.Mechanism,
    "hometown_province": m.Province,
    "generation": m.Generation,
    "public_roles": m.PublicRole,
    "consent": m.Consent,
    "sensitivity": m.Sensitivity,
    "role": m.UserRole,
}


def field_label(field: str) -> str:
    """A stored field's name as a person reads it: "follow_up_date" is "Follow-up date",
    "mission_id" "Mission"."""
    if field in FIELD_LABELS:
        return FIELD_LABELS[field]
    words = field.removesuffix("_id").removesuffix("_ids").replace("_", " ")
    return words[:1].upper() + words[1:]


def readable_value(kind: str, field: str, value: object) -> str:
    """A stored value as a person reads it: an enum's label, Yes or No, a date or a
    moment in words ("28 Jun 2024", "28 Jun 2024 09:30 UTC"), "—" for nothing."""
    import datetime as dt

    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(readable_value(kind, field, item) for item in value)
    enum = _FIELD_ENUMS.get((kind, field)) or _FIELD_ENUMS.get(field)
    if enum is not None and isinstance(value, str):
        return label_of(enum, value)
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            if len(value) == 10:
                return dt.date.fromisoformat(value).strftime("%d %b %Y")
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        return moment.strftime("%d %b %Y %H:%M") + (" UTC" if moment.tzinfo else "")
    if field.endswith("_id") and isinstance(value, int):
        return f"#{value}"
    return str(value)
