"""Display labels for every stored enum value: the one place they live."""

from __future__ import annotations

from enum import StrEnum

from db import models as m

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
