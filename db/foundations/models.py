"""The domain model: SQLModel tables and the enums whose values they store.

Conventions (see DESIGN.md): integer primary keys, a unique `uid` on every
top-level record, timestamps as aware UTC datetimes, dates of events as dates,
money as integer minor units plus an ISO currency code, enums stored as short
strings, and `archived_at` instead of deletion.
"""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, MetaData, UniqueConstraint, text
from sqlalchemy import Integer as SAInteger
from sqlalchemy import Text as SAText
from sqlmodel import Field, SQLModel

from db.foundations import clock
from db.foundations.sealed_text import SealableText

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)


def new_uid() -> str:
    """Return a fresh UUID4 as a 36-character string."""
    return str(uuid.uuid4())


def _fk(target: str, *, nullable: bool = True, ondelete: str | None = None, index: bool = True):
    """A foreign-key column with the project's defaults (indexed, RESTRICT unless told)."""
    return Field(
        default=None,
        sa_column=Column(
            SAInteger,
            ForeignKey(target, ondelete=ondelete),
            nullable=nullable,
            index=index,
        ),
    )


# --- Enums -----------------------------------------------------------------


class MissionKind(StrEnum):
    EMBASSY = "embassy"
    HIGH_COMMISSION = "high_commission"
    CONSULATE_GENERAL = "consulate_general"
    COMMISSION = "commission"


class OrganizationKind(StrEnum):
    PROFESSIONAL = "professional"
    BUSINESS = "business"
    HOMETOWN = "hometown"
    ADVOCACY = "advocacy"
    RELIGIOUS = "religious"
    CULTURAL = "cultural"
    STUDENT = "student"
    PHILANTHROPY = "philanthropy"
    MEDIA = "media"
    ACCELERATOR = "accelerator"
    OTHER = "other"


class OrganizationStatus(StrEnum):
    PROSPECT = "prospect"
    ACTIVE = "active"
    DORMANT = "dormant"
    CLOSED = "closed"


class Priority(StrEnum):
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class Mechanism(StrEnum):
    """Engagement mechanisms: the USAID framework's taxonomy plus culture, education, knowledge."""

    REMITTANCES = "remittances"
    PHILANTHROPY = "philanthropy"
    VOLUNTEERISM = "volunteerism"
    INVESTMENT = "investment"
    CAPITAL_MARKETS = "capital_markets"
    TOURISM = "tourism"
    ADVOCACY = "advocacy"
    CULTURE = "culture"
    EDUCATION = "education"
    KNOWLEDGE_TRANSFER = "knowledge_transfer"


class Province(StrEnum):
    PUNJAB = "punjab"
    SINDH = "sindh"
    KHYBER_PAKHTUNKHWA = "khyber_pakhtunkhwa"
    BALOCHISTAN = "balochistan"
    GILGIT_BALTISTAN = "gilgit_baltistan"
    AZAD_KASHMIR = "azad_kashmir"
    ISLAMABAD = "islamabad"


class Generation(StrEnum):
    FIRST = "first"
    HOST_BORN = "host_born"
    UNKNOWN = "unknown"


class PublicRole(StrEnum):
    ELECTED_OFFICIAL = "elected_official"
    JOURNALIST = "journalist"
    BUSINESS_LEADER = "business_leader"
    ACADEMIC = "academic"
    COMMUNITY_LEADER = "community_leader"
    ARTIST = "artist"


class Consent(StrEnum):
    GRANTED = "granted"
    REFUSED = "refused"
    UNKNOWN = "unknown"


class EngagementKind(StrEnum):
    MEETING = "meeting"
    CALL = "call"
    VIDEO_CALL = "video_call"
    EMAIL = "email"
    LETTER = "letter"
    EVENT = "event"
    SITE_VISIT = "site_visit"
    CEREMONY = "ceremony"


class Sensitivity(StrEnum):
    NORMAL = "normal"
    CONFIDENTIAL = "confidential"


class GuestStatus(StrEnum):
    """Where a guest of an event stands: asked, their reply, whether they came."""

    INVITED = "invited"
    ACCEPTED = "accepted"
    TENTATIVE = "tentative"
    DECLINED = "declined"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    WALK_IN = "walk_in"


GUESTS_WHO_CAME = (GuestStatus.ATTENDED, GuestStatus.WALK_IN)  # checked in, or walked in


class ProgramKind(StrEnum):
    FINANCIAL_PRODUCT = "financial_product"
    CULTURAL_FESTIVAL = "cultural_festival"
    TRADE_DELEGATION = "trade_delegation"
    EXCHANGE = "exchange"
    PHILANTHROPY_MATCHING = "philanthropy_matching"
    ADVOCACY_CAMPAIGN = "advocacy_campaign"
    COMMUNITY_EVENT = "community_event"
    KNOWLEDGE_TRANSFER = "knowledge_transfer"


class ProgramStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ParticipantRole(StrEnum):
    PARTNER = "partner"
    SPONSOR = "sponsor"
    PARTICIPANT = "participant"
    HOST = "host"


class UserRole(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    OFFICER = "officer"
    VIEWER = "viewer"


# --- Geography -------------------------------------------------------------


class Region(SQLModel, table=True):
    """A first-level subdivision of a country (ISO 3166-2 code, e.g. US-TX)."""

    __tablename__ = "region"

    code: str = Field(primary_key=True, max_length=10)
    name: str = Field(max_length=120)
    country: str = Field(max_length=2, index=True)


class Mission(SQLModel, table=True):
    """An embassy, high commission, consulate or commission."""

    __tablename__ = "mission"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, max_length=36, unique=True)
    code: str = Field(max_length=10, unique=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=32)
    country: str = Field(max_length=2)
    city: str = Field(default="", max_length=120)
    created_at: datetime = Field(default_factory=clock.utc_now)
    archived_at: datetime | None = None


class Jurisdiction(SQLModel, table=True):
    """Maps a region to the one mission that covers it."""

    __tablename__ = "jurisdiction"

    id: int | None = Field(default=None, primary_key=True)
    mission_id: int = _fk("mission.id", nullable=False, ondelete="CASCADE")
    region_code: str = Field(foreign_key="region.code", max_length=10, unique=True)


# --- People and users ------------------------------------------------------


class User(SQLModel, table=True):
    """Someone who signs in to Rabta."""

    __tablename__ = "user"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, max_length=36, unique=True)
    username: str = Field(max_length=64, unique=True)
    display_name: str = Field(max_length=200)
    role: str = Field(max_length=16)
    mission_id: int | None = _fk("mission.id")
    password_hash: str | None = Field(default=None, max_length=255)
    active: bool = True
    created_at: datetime = Field(default_factory=clock.utc_now)
    must_change_password: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    failed_sign_ins: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    locked_until: datetime | None = None
    # The public half of the user's audit signing key (the chain holds its registration)
    # and, on a plain file or a server, the private half sealed under their password.
    signing_key: str | None = Field(default=None, max_length=64)
    signing_secret: str | None = Field(default=None, max_length=255)
    # The public half of the user's X25519 reading key (derived from their signing key):
    # the sealing keys of the confidential engagements they may read are wrapped to it.
    reading_key: str | None = Field(default=None, max_length=64)
    # The PostgreSQL role this person connects as (a member of rabta_user): the server's
    # row-level security applies Rabta's rules to it (migration 0020).
    server_role: str | None = Field(default=None, max_length=63, unique=True, index=True)


class Tag(SQLModel, table=True):
    __tablename__ = "tag"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60, unique=True)


class Organization(SQLModel, table=True):
    """A diaspora organization: association, network, hometown association, ..."""

    __tablename__ = "organization"
    __table_args__ = (Index("ix_organization_status_kind", "status", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})  # per save
    uid: str = Field(default_factory=new_uid, max_length=36, unique=True)
    name: str = Field(max_length=200, index=True)
    acronym: str = Field(default="", max_length=30, index=True)
    kind: str = Field(max_length=32, index=True)
    description: str = ""
    founded_year: int | None = None
    members_estimate: int | None = None
    website: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=20)
    address: str = ""
    city: str = Field(default="", max_length=120)
    region_code: str | None = Field(default=None, foreign_key="region.code", index=True)
    mission_id: int | None = _fk("mission.id")
    mission_set_by_hand: bool = False
    hometown_district: str = Field(default="", max_length=120)
    hometown_province: str | None = Field(default=None, max_length=32)
    status: str = Field(default=OrganizationStatus.ACTIVE, max_length=16, index=True)
    priority: str = Field(default=Priority.NORMAL, max_length=8, index=True)
    # The date of its latest live engagement, kept by db/store/last_engagement.py so lists
    # show and sort by it without reading the organization's engagements; the second
    # leaves confidential engagements out, for those who may not see them.
    last_engagement_on: dt.date | None = Field(default=None, index=True)
    last_normal_engagement_on: dt.date | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=clock.utc_now, index=True)
    updated_at: datetime = Field(default_factory=clock.utc_now)
    archived_at: datetime | None = Field(default=None, index=True)
    merged_into_id: int | None = None  # archived by a merge into this organization


class OrganizationMechanism(SQLModel, table=True):
    """An engagement mechanism an organization focuses on (many per organization)."""

    __tablename__ = "organization_mechanism"

    organization_id: int = Field(
        sa_column=Column(
            SAInteger, ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
        )
    )
    mechanism: str = Field(primary_key=True, max_length=32)


class OrganizationTag(SQLModel, table=True):
    __tablename__ = "organization_tag"

    organization_id: int = Field(
        sa_column=Column(
            SAInteger, ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
        )
    )
    tag_id: int = Field(
        sa_column=Column(
            SAInteger, ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )


class Contact(SQLModel, table=True):
    """A person. Deliberately no field for political opinion, party, religion or ethnicity."""

    __tablename__ = "contact"
    __table_args__ = (Index("ix_contact_family_name_given_name", "family_name", "given_name"),)

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})  # per save
    uid: str = Field(default_factory=new_uid, max_length=36, unique=True)
    given_name: str = Field(max_length=100)
    family_name: str = Field(default="", max_length=100)
    name_urdu: str = Field(default="", max_length=200, index=True)
    honorific: str = Field(default="", max_length=30)
    profession: str = Field(default="", max_length=120)
    generation: str = Field(default=Generation.UNKNOWN, max_length=16)
    city: str = Field(default="", max_length=120)
    region_code: str | None = Field(default=None, foreign_key="region.code", index=True)
    email: str = Field(default="", max_length=254, index=True)
    phone: str = Field(default="", max_length=20)
    preferred_language: str = Field(default="", max_length=35)
    consent: str = Field(default=Consent.UNKNOWN, max_length=16, index=True)
    consent_date: dt.date | None = None
    consent_source: str = Field(default="", max_length=200)
    do_not_contact: bool = False
    notes: str = ""
    created_at: datetime = Field(default_factory=clock.utc_now, index=True)
    updated_at: datetime = Field(default_factory=clock.utc_now)
    archived_at: datetime | None = Field(default=None, index=True)
    erased_at: datetime | None = None  # personal fields removed at the person's request
    merged_into_id: int | None = None  # archived by a merge into this contact


class ContactPublicRole(SQLModel, table=True):
    __tablename__ = "contact_public_role"

    contact_id: int = Field(
        sa_column=Column(SAInteger, ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True)
    )
    role: str = Field(primary_key=True, max_length=32)


class Affiliation(SQLModel, table=True):
    """A contact's place in an organization."""

    __tablename__ = "affiliation"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = _fk("contact.id", nullable=False, ondelete="CASCADE")
    organization_id: int = _fk("organization.id", nullable=False, ondelete="CASCADE")
    role_title: str = Field(default="", max_length=120)
    is_primary: bool = False
    start_date: dt.date | None = None
    end_date: dt.date | None = None


# --- Programs ----------------------------------------------------------------


class Program(SQLModel, table=True):
    """An engagement program with measured results (e.g. Roshan Digital outreach)."""

    __tablename__ = "program"

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})  # per save
    uid: str = Field(default_factory=new_uid, max_length=36, unique=True)
    name: str = Field(max_length=200, index=True)
    kind: str = Field(max_length=32, index=True)
    mechanism: str | None = Field(default=None, max_length=32)
    description: str = ""
    lead_mission_id: int | None = _fk("mission.id")
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    status: str = Field(default=ProgramStatus.ACTIVE, max_length=16, index=True)
    budget_minor: int | None = None
    budget_currency: str = Field(default="USD", max_length=3)
    created_at: datetime = Field(default_factory=clock.utc_now)
    updated_at: datetime = Field(default_factory=clock.utc_now)
    archived_at: datetime | None = Field(default=None, index=True)


class ProgramParticipant(SQLModel, table=True):
    __tablename__ = "program_participant"
    __table_args__ = (UniqueConstraint("program_id", "organization_id"),)

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = _fk("program.id", nullable=False, ondelete="CASCADE")
    organization_id: int = _fk("organization.id", nullable=False, ondelete="CASCADE")
    role: str = Field(default=ParticipantRole.PARTICIPANT, max_length=16)


class ProgramEvent(SQLModel, table=True):
    __tablename__ = "program_event"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, max_length=36, unique=True)
    program_id: int = _fk("program.id", nullable=False, ondelete="CASCADE")
    date: dt.date = Field(index=True)
    title: str = Field(max_length=200)
    venue: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=120)
    attendance: int | None = None  # typed by hand, for an event without a guest list
    # The engagement "Log the event" made of who came (db/store/guests.py).
    engagement_id: int | None = Field(
        default=None,
        sa_column=Column(
            SAInteger, ForeignKey("engagement.id", ondelete="SET NULL"), nullable=True
        ),
    )


class EventGuest(SQLModel, table=True):
    """A person on an event's guest list: their reply, companions and check-in; `code`
    is printed as a QR code on their invitation and badge and read at the door."""

    __tablename__ = "event_guest"
    __table_args__ = (
        UniqueConstraint("event_id", "contact_id", name="uq_event_guest_event_id_contact_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, max_length=36, unique=True)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    event_id: int = _fk("program_event.id", nullable=False, ondelete="CASCADE")
    contact_id: int = _fk("contact.id", nullable=False)
    status: str = Field(default=GuestStatus.INVITED, max_length=16)
    companions: int = 0
    code: str = Field(max_length=16, unique=True)
    checked_in_at: datetime | None = None
    checked_in_by: int | None = _fk("user.id", index=False)
    # The emailed invitation: kept before the next is sent, so a batch cut short
    # resumes without sending anyone twice; the server's refusal when it refused.
    invitation_sent_at: datetime | None = None
    message_id: str = Field(default="", max_length=255)
    send_error: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=clock.utc_now)
    updated_at: datetime = Field(default_factory=clock.utc_now)


class Indicator(SQLModel, table=True):
    """A measured result of a program, with a target per quarter."""

    __tablename__ = "indicator"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, max_length=36, unique=True)
    program_id: int = _fk("program.id", nullable=False, ondelete="CASCADE")
    name: str = Field(max_length=200)
    unit: str = Field(default="", max_length=40)
    target_per_quarter: float | None = None


class Measurement(SQLModel, table=True):
    """The value of an indicator over one quarter."""

    __tablename__ = "measurement"
    __table_args__ = (UniqueConstraint("indicator_id", "period_start"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = _fk("indicator.id", nullable=False, ondelete="CASCADE")
    period: str = Field(max_length=12)  # quarter code, e.g. 2026Q3 or FY2026-27Q1
    period_start: dt.date = Field(index=True)
    period_end: dt.date
    value: float
    source: str = Field(default="", max_length=200)
    recorded_at: datetime = Field(default_factory=clock.utc_now)


# --- Engagements -------------------------------------------------------------


OPEN_FOLLOW_UP = text(
    "follow_up_date IS NOT NULL AND follow_up_done_at IS NULL AND archived_at IS NULL"
)


class Engagement(SQLModel, table=True):
    """One meeting, call, letter, event, ... with organizations and people."""

    __tablename__ = "engagement"
    __table_args__ = (
        # A mission's engagements by date; archived_at and sensitivity in it too, so that
        # when SQLite skip-scans it for a quarter of every mission it reads no rows.
        Index("ix_engagement_mission_id_date", "mission_id", "date", "archived_at", "sensitivity"),
        # Covers the report's GROUP BYs over a quarter: no table lookups per engagement.
        Index(
            "ix_engagement_report_scope",
            "date",
            "archived_at",
            "sensitivity",
            "mission_id",
            "kind",
            "mechanism",
        ),
        Index(
            "ix_engagement_follow_up_date_follow_up_done_at", "follow_up_date", "follow_up_done_at"
        ),
        # The Dashboard's open follow-ups, by date and by officer: small partial indexes
        # (partial on PostgreSQL too, by migration 0004; naming the PostgreSQL dialect
        # here would import it at every start).
        Index(
            "ix_engagement_open_follow_up_date",
            "follow_up_date",
            "officer_id",
            sqlite_where=OPEN_FOLLOW_UP,
        ),
        Index(
            "ix_engagement_open_follow_up_officer",
            "officer_id",
            "follow_up_date",
            sqlite_where=OPEN_FOLLOW_UP,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})  # per save
    uid: str = Field(default_factory=new_uid, max_length=36, unique=True)
    date: dt.date = Field(index=True)
    kind: str = Field(max_length=16, index=True)
    # Sealed in the file when the engagement is confidential (db/foundations/sealed_text.py).
    subject: str = Field(sa_column=Column("subject", SealableText("subject", 200), nullable=False))
    summary: str = Field(
        default="", sa_column=Column("summary", SealableText("summary"), nullable=False)
    )
    outcome: str = Field(
        default="", sa_column=Column("outcome", SealableText("outcome"), nullable=False)
    )
    mission_id: int | None = _fk("mission.id", index=False)
    officer_id: int | None = _fk("user.id")
    program_id: int | None = _fk("program.id")
    mechanism: str | None = Field(default=None, max_length=32, index=True)
    follow_up_date: dt.date | None = None
    follow_up_done_at: datetime | None = None
    # What came of the follow-up, asked when it is marked done (may be empty).
    follow_up_note: str = Field(default="", sa_column_kwargs={"server_default": ""})
    sensitivity: str = Field(default=Sensitivity.NORMAL, max_length=16)
    created_at: datetime = Field(default_factory=clock.utc_now)
    updated_at: datetime = Field(default_factory=clock.utc_now)
    archived_at: datetime | None = Field(default=None, index=True)


class SealingKey(SQLModel, table=True):
    """A key that seals the text of one officer's confidential engagements of one
    mission; held only by those the visibility rule lets read them (SealingKeyReader)."""

    __tablename__ = "sealing_key"
    __table_args__ = (Index("ix_sealing_key_mission_officer", "mission_id", "officer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(max_length=32, unique=True)
    mission_id: int | None = _fk("mission.id", index=False)
    officer_id: int | None = _fk("user.id", index=False)
    created_at: datetime = Field(default_factory=clock.utc_now)


class SealingKeyReader(SQLModel, table=True):
    """A sealing key wrapped to one reader's reading key."""

    __tablename__ = "sealing_key_reader"

    sealing_key_id: int = Field(
        sa_column=Column(
            SAInteger, ForeignKey("sealing_key.id", ondelete="CASCADE"), primary_key=True
        )
    )
    user_id: int = Field(
        sa_column=Column(
            SAInteger, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )
    wrapped: str = Field(sa_column=Column("wrapped", SAText, nullable=False))


class EngagementOrganization(SQLModel, table=True):
    __tablename__ = "engagement_organization"

    engagement_id: int = Field(
        sa_column=Column(
            SAInteger, ForeignKey("engagement.id", ondelete="CASCADE"), primary_key=True
        )
    )
    organization_id: int = Field(
        sa_column=Column(
            SAInteger,
            ForeignKey("organization.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        )
    )


class EngagementContact(SQLModel, table=True):
    __tablename__ = "engagement_contact"

    engagement_id: int = Field(
        sa_column=Column(
            SAInteger, ForeignKey("engagement.id", ondelete="CASCADE"), primary_key=True
        )
    )
    contact_id: int = Field(
        sa_column=Column(
            SAInteger, ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )


# --- Bookkeeping -------------------------------------------------------------


class AuditEntry(SQLModel, table=True):
    """One change: who, when, what, and the changed fields as JSON {field: [old, new]}."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_entity_type_entity_id", "entity_type", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=clock.utc_now, index=True)
    user_id: int | None = _fk("user.id", index=False)
    username: str = Field(max_length=64)
    action: str = Field(max_length=32)
    entity_type: str = Field(max_length=32)
    entity_id: int | None = None
    entity_uid: str | None = Field(default=None, max_length=36)
    changes: str = "{}"
    previous_hash: str | None = Field(default=None, max_length=64)
    entry_hash: str | None = Field(default=None, max_length=64)
    # The signature of entry_hash by the key of user signed_by: the last entry of each
    # batch a signed-in user writes is signed, covering the chain up to it.
    signed_by: int | None = None
    signature: str | None = Field(default=None, max_length=128)
    # 1: values hashed with plain SHA-256; 2: with the database's pepper (audit_chain.py)
    chain_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class DuplicateDismissal(SQLModel, table=True):
    """Two records someone said are not the same, so the duplicate scan leaves them out."""

    __tablename__ = "duplicate_dismissal"
    __table_args__ = (UniqueConstraint("entity_type", "first_id", "second_id"),)

    id: int | None = Field(default=None, primary_key=True)
    entity_type: str = Field(max_length=32)
    first_id: int  # the lower id of the two
    second_id: int
    dismissed_by: str = Field(max_length=64)
    dismissed_at: datetime = Field(default_factory=clock.utc_now)


class MergeRecord(SQLModel, table=True):
    """One merge of two records, with the journal that undoes it exactly."""

    __tablename__ = "merge_record"
    __table_args__ = (Index("ix_merge_record_entity_type_merged_id", "entity_type", "merged_id"),)

    id: int | None = Field(default=None, primary_key=True)
    entity_type: str = Field(max_length=32)
    survivor_id: int = Field(index=True)
    merged_id: int
    merged_by: str = Field(max_length=64)
    merged_at: datetime = Field(default_factory=clock.utc_now)
    journal: str = "{}"  # JSON: field values before, links moved and rows removed
    undone_by: str | None = Field(default=None, max_length=64)
    undone_at: datetime | None = None


class Setting(SQLModel, table=True):
    """A per-installation setting, the same for every officer."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=64)
    value: str = ""


class ReportText(SQLModel, table=True):
    """The words a quarterly report carries for one period and scope: the head of
    chancery's narrative and the signature block's names and dates."""

    __tablename__ = "report_text"
    __table_args__ = (
        UniqueConstraint("period", "scope"),
        Index("ix_report_text_period_start_scope", "period_start", "scope"),
    )

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=12)  # quarter code, e.g. 2026Q3 or FY2026-27Q1
    # The months it covers: a report finds its text by these, however it was typed.
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    scope: str = Field(max_length=10)  # a mission code, or ALL
    narrative: str = ""
    prepared_by: str = Field(default="", max_length=200)
    prepared_on: dt.date | None = None
    reviewed_by: str = Field(default="", max_length=200)
    reviewed_on: dt.date | None = None
    approved_by: str = Field(default="", max_length=200)
    approved_on: dt.date | None = None
    # Engagements chosen to feature, ids comma-separated; "" features the latest outcome
    # of each high-priority organization.
    highlights: str = Field(default="", sa_column_kwargs={"server_default": ""})
    updated_at: datetime = Field(default_factory=clock.utc_now)
