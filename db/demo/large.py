"""A commission-wide registry for measuring speed: 10,000 organizations, 100,000
contacts, 150,000 affiliations, 500,000 engagements, 200 programs, 50,000 measurements.

Rows go in with executemany inside one transaction on SQLite, with COPY on PostgreSQL
(no ORM objects), skewed like the real thing: a few active organizations hold most
engagements and many are dormant. The missions, regions and users are the small demo's.
Generated rows carry no audit entries: they are measurement data, not anyone's work.
Fixed seed, so every build is the same database.
"""

from __future__ import annotations

import itertools
import random
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine

from db import store
from db.database_file.planner_statistics import drop_sampled_keys
from db.demo.sample import DatabaseNotEmpty, demo_rows, existing_record_count, split_list
from db.foundations import clock
from db.foundations.actor import SYSTEM_ACTOR, Actor
from db.foundations.periods import quarter_containing
from db.store import missions, settings, users
from db.store.sealing import note_plain_text, seal_unsealed

SCALE = {
    "organizations": 10_000,
    "contacts": 100_000,
    "affiliations": 150_000,
    "engagements": 500_000,
    "programs": 200,
    "measurements": 50_000,
}
INDICATORS_PER_PROGRAM = 5
# Dormant and closed organizations have engagements, but none in the last year.
QUIET_FOR_DAYS = 400
QUARTERS_MEASURED = SCALE["measurements"] // (SCALE["programs"] * INDICATORS_PER_PROGRAM)

GIVEN_PAKISTANI = [
    ("Ahmed", "احمد"),
    ("Ali", "علی"),
    ("Hassan", "حسن"),
    ("Imran", "عمران"),
    ("Usman", "عثمان"),
    ("Bilal", "بلال"),
    ("Omar", "عمر"),
    ("Tariq", "طارق"),
    ("Kamran", "کامران"),
    ("Asif", "آصف"),
    ("Shahid", "شاہد"),
    ("Hamza", "حمزہ"),
    ("Saad", "سعد"),
    ("Faisal", "فیصل"),
    ("Junaid", "جنید"),
    ("Adnan", "عدنان"),
    ("Fatima", "فاطمہ"),
    ("Ayesha", "عائشہ"),
    ("Zainab", "زینب"),
    ("Sana", "ثنا"),
    ("Farah", "فرح"),
    ("Nadia", "نادیہ"),
    ("Saima", "صائمہ"),
    ("Hina", "حنا"),
    ("Rabia", "رابعہ"),
    ("Amna", "آمنہ"),
    ("Sadia", "سعدیہ"),
    ("Mehwish", "مہوش"),
]
GIVEN_AMERICAN = [
    "Adam",
    "Sarah",
    "Zara",
    "Sameer",
    "Aliya",
    "Danyal",
    "Maryam",
    "Rayan",
    "Inaya",
    "Kabir",
    "Layla",
    "Zayn",
    "Noah",
    "Emma",
    "Liam",
    "Olivia",
    "Ethan",
    "Sophia",
    "Mason",
    "Ava",
]
FAMILY = [
    ("Khan", "خان"),
    ("Qureshi", "قریشی"),
    ("Malik", "ملک"),
    ("Chaudhry", "چوہدری"),
    ("Siddiqui", "صدیقی"),
    ("Sheikh", "شیخ"),
    ("Butt", "بٹ"),
    ("Awan", "اعوان"),
    ("Hashmi", "ہاشمی"),
    ("Rizvi", "رضوی"),
    ("Naqvi", "نقوی"),
    ("Baig", "بیگ"),
    ("Mirza", "مرزا"),
    ("Abbasi", "عباسی"),
    ("Jafri", "جعفری"),
    ("Farooqi", "فاروقی"),
    ("Ansari", "انصاری"),
    ("Bhatti", "بھٹی"),
    ("Gill", "گل"),
    ("Shah", "شاہ"),
    ("Durrani", "درانی"),
    ("Memon", "میمن"),
    ("Baloch", "بلوچ"),
    ("Khattak", "خٹک"),
    ("Soomro", "سومرو"),
    ("Paracha", "پراچہ"),
]
AMERICAN_FAMILY = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Garcia",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Martin",
]
CITIES = {
    "US-NY": ["New York", "Queens", "Brooklyn", "Buffalo"],
    "US-TX": ["Houston", "Dallas", "Austin", "Sugar Land", "Plano"],
    "US-IL": ["Chicago", "Naperville", "Skokie"],
    "US-CA": ["Los Angeles", "San Jose", "Fremont", "San Francisco"],
    "US-NJ": ["Jersey City", "Edison", "Paterson"],
    "US-VA": ["Fairfax", "Arlington"],
    "US-MD": ["Baltimore", "Silver Spring"],
    "US-GA": ["Atlanta"],
    "US-FL": ["Miami", "Orlando", "Tampa"],
    "US-MI": ["Detroit", "Dearborn"],
    "US-PA": ["Philadelphia", "Pittsburgh"],
    "US-MA": ["Boston", "Cambridge"],
    "US-WA": ["Seattle"],
    "US-OH": ["Columbus", "Cleveland"],
    "US-NC": ["Charlotte"],
    "US-MN": ["Minneapolis"],
    "US-AZ": ["Phoenix"],
    "US-CO": ["Denver"],
    "US-OK": ["Oklahoma City", "Tulsa"],
    "US-LA": ["New Orleans"],
    "US-DC": ["Washington"],
}
REGION_WEIGHTS = {
    "US-NY": 18,
    "US-TX": 16,
    "US-IL": 12,
    "US-CA": 12,
    "US-NJ": 9,
    "US-VA": 7,
    "US-MD": 4,
    "US-GA": 3,
    "US-FL": 4,
    "US-MI": 3,
    "US-PA": 3,
    "US-MA": 2,
    "US-WA": 2,
    "US-OH": 2,
    "US-NC": 1,
    "US-MN": 1,
    "US-AZ": 1,
    "US-CO": 1,
    "US-OK": 1,
    "US-LA": 1,
    "US-DC": 2,
}
ORG_WORDS = {
    "professional": [
        "Physicians",
        "Engineers",
        "Lawyers",
        "Pharmacists",
        "Nurses",
        "Dentists",
        "Accountants",
        "IT Professionals",
        "Architects",
        "Scientists",
    ],
    "business": [
        "Business Council",
        "Chamber of Commerce",
        "Entrepreneurs Network",
        "Traders Association",
        "Investors Forum",
    ],
    "hometown": [
        "Welfare Association",
        "Friends Society",
        "Overseas Association",
        "Community Trust",
    ],
    "advocacy": ["Civic Forum", "Public Affairs Committee", "Voters League"],
    "religious": ["Islamic Center", "Community Mosque", "Masjid Committee"],
    "cultural": ["Arts Council", "Literary Circle", "Music Society", "Heritage Society"],
    "student": ["Students Association", "Graduate Students Society"],
    "philanthropy": ["Relief Foundation", "Education Trust", "Medical Relief", "Water Initiative"],
    "media": ["Weekly", "Radio", "TV", "News Network"],
    "accelerator": ["Ventures", "Founders Lab", "Startup Accelerator"],
    "other": ["Sports Club", "Cricket League", "Women's Forum", "Youth Forum"],
}
DISTRICTS = [
    ("Jhelum", "punjab"),
    ("Sialkot", "punjab"),
    ("Gujrat", "punjab"),
    ("Faisalabad", "punjab"),
    ("Mirpur", "azad_kashmir"),
    ("Kotli", "azad_kashmir"),
    ("Swat", "khyber_pakhtunkhwa"),
    ("Mardan", "khyber_pakhtunkhwa"),
    ("Hyderabad", "sindh"),
    ("Larkana", "sindh"),
    ("Quetta", "balochistan"),
    ("Gilgit", "gilgit_baltistan"),
    ("Islamabad", "islamabad"),
]
MECHANISMS = [
    "remittances",
    "philanthropy",
    "volunteerism",
    "investment",
    "capital_markets",
    "tourism",
    "advocacy",
    "culture",
    "education",
    "knowledge_transfer",
]
KINDS = ["meeting", "call", "video_call", "email", "letter", "event", "site_visit", "ceremony"]
SUBJECTS = [
    "Roshan Digital Account briefing for {o}",
    "Remittance channels briefing with {o}",
    "School project proposal from {o}",
    "Flood relief coordination with {o}",
    "Investment roundtable hosted by {o}",
    "Congressional outreach planning with {o}",
    "Pakistan Day reception planning with {o}",
    "Literary evening with {o}",
    "Scholarship outreach at {o}",
    "Mentorship programme with {o}",
    "Consular camp hosted by {o}",
    "Medical camp planning with {o}",
    "Tourism promotion with {o}",
    "Trade delegation preparation with {o}",
]
SUMMARIES = [
    "Discussed next steps and agreed a follow-up meeting.",
    "Members raised questions on Roshan Digital accounts and remittance costs.",
    "Reviewed the proposal and the budget; the consulate will connect them with the "
    "district office.",
    "Attended with community leaders; consular desk served visitors.",
    "Shared figures on IT exports and investment facilitation.",
]
PROGRAM_KINDS = [
    "financial_product",
    "cultural_festival",
    "trade_delegation",
    "exchange",
    "philanthropy_matching",
    "advocacy_campaign",
    "community_event",
    "knowledge_transfer",
]
INDICATOR_NAMES = [
    "Accounts opened",
    "Deposits (USD thousand)",
    "Attendance",
    "Organizations engaged",
    "Partners signed",
    "Students placed",
    "Mentor pairs active",
    "Funds matched (USD thousand)",
]
BATCH = 20_000


@dataclass(frozen=True)
class LargeSummary:
    organizations: int
    contacts: int
    affiliations: int
    engagements: int
    programs: int
    measurements: int


def _batched(rows: Iterator[tuple], size: int = BATCH) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def load_large_demo(
    engine: Engine,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
    by: Actor | None = None,
) -> LargeSummary:
    """Fill an empty, migrated database with the large registry; refuse a non-empty one.
    Its confidential text, written in bulk, is sealed by `by` (the administrator
    building it), else at an administrator's next sign-in."""
    today = today or clock.today()
    report = progress or (lambda _message: None)
    rng = random.Random(20261123)
    with store.session(engine) as s:
        if existing_record_count(s):
            raise DatabaseNotEmpty("The large demo is only built into a new, empty database.")
        for row in demo_rows("settings.csv"):
            settings.set_setting(s, SYSTEM_ACTOR, row["key"], row["value"])
        for row in demo_rows("regions.csv"):
            missions.add_region(s, SYSTEM_ACTOR, row["code"], row["name"], row["country"])
        mission_of: dict[str, int] = {}
        mission_codes: dict[str, int] = {}
        for row in demo_rows("missions.csv"):
            regions = split_list(row.pop("regions"))
            mission_id = missions.create_mission(s, SYSTEM_ACTOR, row)
            missions.set_jurisdiction(s, SYSTEM_ACTOR, mission_id, regions)
            mission_of.update(dict.fromkeys(regions, mission_id))
            mission_codes[row["code"]] = mission_id
        officers: dict[int, list[int]] = {}
        for row in demo_rows("users.csv"):
            mission_id = mission_codes.get(row["mission"])
            user_id = users.create_user(
                s,
                SYSTEM_ACTOR,
                {
                    "username": row["username"],
                    "display_name": row["display_name"],
                    "role": row["role"],
                    "mission_id": mission_id,
                },
            )
            if mission_id:
                officers.setdefault(mission_id, []).append(user_id)
    raw = engine.raw_connection()
    sqlite = engine.dialect.name == "sqlite"
    try:
        cursor = raw.cursor() if sqlite else _CopyingCursor(raw.cursor())
        triggers = _begin_bulk_load(cursor) if sqlite else []
        now = clock.utc_now().strftime("%Y-%m-%d %H:%M:%S.%f")
        report("Organizations")
        orgs = _organizations(cursor, rng, mission_of, now, today)
        report("Contacts and affiliations")
        members = _contacts(cursor, rng, orgs, now, today)
        report("Programs, events, indicators and measurements")
        program_ids = _programs(cursor, rng, orgs, mission_of, now, today)
        report("Engagements")
        engagements = _engagements(cursor, rng, orgs, members, officers, program_ids, now, today)
        report("Last engagement dates")
        # What db/store/last_engagement.py keeps, computed for all in one grouped pass.
        cursor.execute(
            "UPDATE organization SET last_engagement_on = latest.day, "
            "last_normal_engagement_on = latest.normal_day FROM ("
            "SELECT engagement_organization.organization_id AS id, max(engagement.date) AS day, "
            "max(CASE WHEN engagement.sensitivity <> 'confidential' THEN engagement.date END) "
            "AS normal_day "
            "FROM engagement_organization JOIN engagement "
            "ON engagement.id = engagement_organization.engagement_id "
            "WHERE engagement.archived_at IS NULL GROUP BY 1) AS latest "
            "WHERE organization.id = latest.id"
        )
        report("Search index")
        if sqlite:
            _end_bulk_load(cursor, triggers)
        else:
            _end_copy_load(cursor, raw)
    except BaseException:
        raw.rollback()
        raise
    finally:
        raw.close()
    report("Sealing confidential text")
    with store.session(engine) as s:
        note_plain_text(s)
        if by is not None:
            seal_unsealed(s, by)
    return LargeSummary(
        len(orgs),
        SCALE["contacts"],
        SCALE["affiliations"],
        engagements,
        len(program_ids),
        SCALE["measurements"],
    )


def _begin_bulk_load(cursor) -> list[tuple[str, str]]:
    """SQLite: one transaction kept in memory, the search triggers set aside; returns
    them, to be put back by _end_bulk_load."""
    cursor.execute("PRAGMA synchronous=OFF")
    # Keep the whole load in memory until commit: no page spills into the WAL.
    cursor.execute("PRAGMA cache_size=-1500000")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.execute("BEGIN")
    # Index the text once at the end rather than row by row through the triggers.
    triggers = cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_fts_%'"
    ).fetchall()
    for name, _sql in triggers:
        cursor.execute(f"DROP TRIGGER {name}")
    return triggers


def _end_bulk_load(cursor, triggers: list[tuple[str, str]]) -> None:
    """SQLite: the search index built once, its triggers back, committed and analysed."""
    for (table,) in cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING fts5%'"
    ).fetchall():
        cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
    for _name, sql in triggers:
        cursor.execute(sql)
    cursor.execute("COMMIT")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("ANALYZE")
    drop_sampled_keys(cursor)  # counts only, no names (db/database_file/planner_statistics.py)


def _end_copy_load(cursor: _CopyingCursor, raw) -> None:
    """PostgreSQL: each table's id sequence moved past the ids given, committed, analysed
    (the search vectors are generated columns, filled as the rows went in)."""
    numbered = cursor.execute(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND column_name = 'id' AND column_default LIKE 'nextval%%'"
    ).cursor.fetchall()
    for (table,) in numbered:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'coalesce(max(id), 0) + 1, false) FROM "{table}"'
        )
    raw.commit()
    cursor.execute("ANALYZE")
    raw.commit()


class _CopyingCursor:
    """This module's SQLite SQL on a psycopg cursor: every INSERT ... VALUES (?, ...)
    becomes COPY (which also reads SQLite's 0 and 1 as booleans), anything else has its
    ? placeholders turned into psycopg's."""

    _INSERT = re.compile(r"INSERT INTO (\w+) \(([^)]*)\) VALUES", re.DOTALL)

    def __init__(self, cursor):
        self.cursor = cursor

    def execute(self, sql: str, params: tuple = ()) -> _CopyingCursor:
        if self._INSERT.match(sql):
            self.executemany(sql, [params])
        else:
            self.cursor.execute(sql.replace("?", "%s"), params or None)
        return self

    def executemany(self, sql: str, rows) -> None:
        table, columns = self._INSERT.match(sql).groups()
        with self.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


@dataclass
class _Org:
    id: int
    name: str
    acronym: str
    region: str
    mission_id: int | None
    weight: float
    quiet: bool  # dormant or closed: nothing logged with it in the last year


def _organizations(
    cursor, rng: random.Random, mission_of: dict[str, int], now: str, today: date
) -> list[_Org]:
    regions = list(REGION_WEIGHTS)
    region_weights = list(REGION_WEIGHTS.values())
    kinds = list(ORG_WORDS)
    kind_weights = [14, 12, 22, 4, 10, 10, 8, 8, 4, 3, 5]
    seen: set[str] = set()
    orgs: list[_Org] = []
    rows = []
    for number in range(1, SCALE["organizations"] + 1):
        kind = rng.choices(kinds, kind_weights)[0]
        region = rng.choices(regions, region_weights)[0]
        city = rng.choice(CITIES[region])
        district, province = rng.choice(DISTRICTS) if kind == "hometown" else ("", None)
        lead = (
            district
            if kind == "hometown"
            else rng.choice(
                ["Pakistani American", "Pakistan", "Pak-American", "Overseas Pakistani"]
            )
        )
        name = f"{lead} {rng.choice(ORG_WORDS[kind])} of {city}"
        while name in seen:
            name = f"{name} {rng.randint(2, 999)}"
        seen.add(name)
        acronym = "".join(word[0] for word in name.split() if word[0].isupper())[:10]
        status = rng.choices(["active", "dormant", "prospect", "closed"], [40, 40, 15, 5])[0]
        priority = rng.choices(["high", "normal", "low"], [5, 70, 25])[0]
        created = today - timedelta(days=rng.randint(30, 3000))
        weight = (1.0 / number**0.9) if status == "active" else 0.0005
        quiet = status in ("dormant", "closed")
        orgs.append(_Org(number, name, acronym, region, mission_of.get(region), weight, quiet))
        rows.append(
            (
                number,
                str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                name,
                acronym,
                kind,
                "",
                rng.randint(1960, 2024),
                rng.randint(10, 5000),
                "",
                f"info@org{number}.example.org",
                "",
                "",
                city,
                region,
                mission_of.get(region),
                0,
                district,
                province,
                status,
                priority,
                f"{created} 09:00:00.000000",
                now,
            )
        )
    cursor.executemany(
        "INSERT INTO organization (id, uid, name, acronym, kind, description, founded_year, "
        "members_estimate, website, email, phone, address, city, region_code, mission_id, "
        "mission_set_by_hand, hometown_district, hometown_province, status, priority, "
        "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    rng.shuffle(orgs)  # weights stay with their organization; ids no longer follow rank
    return orgs


def _contacts(
    cursor, rng: random.Random, orgs: list[_Org], now: str, today: date
) -> dict[int, list[int]]:
    members: dict[int, list[int]] = {}

    def contact_rows() -> Iterator[tuple]:
        for number in range(1, SCALE["contacts"] + 1):
            org = orgs[number % len(orgs)]
            if rng.random() < 0.25:
                given, given_urdu = rng.choice(GIVEN_AMERICAN), ""
                family, family_urdu = (
                    (rng.choice(AMERICAN_FAMILY), "") if rng.random() < 0.3 else rng.choice(FAMILY)
                )
                generation = "host_born"
            else:
                given, given_urdu = rng.choice(GIVEN_PAKISTANI)
                family, family_urdu = rng.choice(FAMILY)
                generation = "first"
            urdu = f"{given_urdu} {family_urdu}" if given_urdu and family_urdu else ""
            consent = rng.choices(["granted", "unknown", "refused"], [70, 27, 3])[0]
            created = today - timedelta(days=rng.randint(0, 2000))
            members.setdefault(org.id, []).append(number)
            yield (
                number,
                str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                given,
                family,
                urdu,
                "",
                "",
                generation,
                rng.choice(CITIES[org.region]),
                org.region,
                f"{given}.{family}.{number}@example.com".lower(),
                "",
                "",
                consent,
                None,
                "",
                1 if consent == "refused" else 0,
                "",
                f"{created} 10:00:00.000000",
                now,
            )

    for chunk in _batched(contact_rows()):
        cursor.executemany(
            "INSERT INTO contact (id, uid, given_name, family_name, name_urdu, honorific, "
            "profession, generation, city, region_code, email, phone, preferred_language, "
            "consent, consent_date, consent_source, do_not_contact, notes, created_at, "
            "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            chunk,
        )

    def affiliation_rows() -> Iterator[tuple]:
        for org_id, people in members.items():
            for index, contact_id in enumerate(people):
                yield (
                    contact_id,
                    org_id,
                    "President" if index == 0 else "Member",
                    1 if index == 0 else 0,
                )
        for _ in range(SCALE["affiliations"] - SCALE["contacts"]):
            yield (rng.randint(1, SCALE["contacts"]), rng.choice(orgs).id, "Member", 0)

    for chunk in _batched(affiliation_rows()):
        cursor.executemany(
            "INSERT INTO affiliation (contact_id, organization_id, role_title, "
            "is_primary) VALUES (?,?,?,?)",
            chunk,
        )
    return members


def _programs(
    cursor, rng: random.Random, orgs: list[_Org], mission_of: dict[str, int], now: str, today: date
) -> list[int]:
    mission_ids = sorted(set(mission_of.values()))
    quarter = quarter_containing(today)
    quarters = []
    for _ in range(QUARTERS_MEASURED):
        quarters.append(quarter)
        quarter = quarter.previous()
    indicator_id = 0
    measurements = []
    program_ids = []
    for number in range(1, SCALE["programs"] + 1):
        kind = PROGRAM_KINDS[number % len(PROGRAM_KINDS)]
        start = quarters[-1].start
        cursor.execute(
            "INSERT INTO program (id, uid, name, kind, mechanism, description, lead_mission_id, "
            "start_date, end_date, status, budget_minor, budget_currency, created_at, "
            "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                number,
                str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                f"{kind.replace('_', ' ').title()} programme {number}",
                kind,
                rng.choice(MECHANISMS),
                "",
                rng.choice(mission_ids),
                start.isoformat(),
                None,
                "active",
                rng.randint(1, 500) * 100_000,
                "USD",
                now,
                now,
            ),
        )
        program_ids.append(number)
        for org in rng.sample(orgs, 10):
            cursor.execute(
                "INSERT INTO program_participant (program_id, organization_id, role) "
                "VALUES (?,?,?)",
                (number, org.id, rng.choice(["partner", "sponsor", "participant", "host"])),
            )
        for _ in range(20):
            day = today - timedelta(days=rng.randint(0, 3 * 365))
            cursor.execute(
                "INSERT INTO program_event (uid, program_id, date, title, venue, city,"
                " attendance) VALUES (?,?,?,?,?,?,?)",
                (
                    str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    number,
                    day.isoformat(),
                    "Information session",
                    "Community hall",
                    rng.choice(CITIES["US-TX"]),
                    rng.randint(20, 800),
                ),
            )
        for name in rng.sample(INDICATOR_NAMES, INDICATORS_PER_PROGRAM):
            indicator_id += 1
            target = rng.randint(10, 500)
            cursor.execute(
                "INSERT INTO indicator (id, uid, program_id, name, unit, "
                "target_per_quarter) VALUES (?,?,?,?,?,?)",
                (
                    indicator_id,
                    str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    number,
                    name,
                    "",
                    target,
                ),
            )
            for q in quarters:
                measurements.append(
                    (
                        indicator_id,
                        q.code,
                        q.start.isoformat(),
                        q.end.isoformat(),
                        round(target * rng.uniform(0.4, 1.4)),
                        "Programme tracker",
                        now,
                    )
                )
    cursor.executemany(
        "INSERT INTO measurement (indicator_id, period, period_start, period_end,"
        " value, source, recorded_at) VALUES (?,?,?,?,?,?,?)",
        measurements,
    )
    return program_ids


def _engagements(
    cursor,
    rng: random.Random,
    orgs: list[_Org],
    members: dict[int, list[int]],
    officers: dict[int, list[int]],
    program_ids: list[int],
    now: str,
    today: date,
) -> int:
    weights = list(itertools.accumulate(org.weight for org in orgs))
    total = SCALE["engagements"]
    picked = rng.choices(orgs, cum_weights=weights, k=total)
    links_org: list[tuple] = []
    links_contact: list[tuple] = []

    def rows() -> Iterator[tuple]:
        for number, org in enumerate(picked, start=1):
            if org.quiet:
                day = today - timedelta(days=rng.randint(QUIET_FOR_DAYS, 730))
            else:
                day = today - timedelta(days=int(rng.triangular(0, 730, 60)))
            follow = day + timedelta(days=rng.randint(7, 45)) if rng.random() < 0.2 else None
            done = (
                f"{follow} 12:00:00.000000"
                if follow and follow < today and rng.random() < 0.9
                else None
            )
            mission = org.mission_id or 1
            links_org.append((number, org.id))
            if rng.random() < 0.1:  # a second organization, as active as the first are
                other = rng.choices(orgs, cum_weights=weights)[0]
                if other.id != org.id and not (other.quiet and not org.quiet):
                    links_org.append((number, other.id))
            people = members.get(org.id, [])
            for contact_id in rng.sample(people, min(len(people), rng.choice([0, 1, 1, 2]))):
                links_contact.append((number, contact_id))
            yield (
                number,
                str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                day.isoformat(),
                rng.choice(KINDS),
                rng.choice(SUBJECTS).format(o=org.acronym or org.name),
                rng.choice(SUMMARIES),
                "",
                mission,
                rng.choice(officers.get(mission, [None])),
                rng.choice(program_ids) if rng.random() < 0.15 else None,
                rng.choice(MECHANISMS),
                follow.isoformat() if follow else None,
                done,
                "confidential" if rng.random() < 0.04 else "normal",
                now,
                now,
            )

    for chunk in _batched(rows()):
        cursor.executemany(
            "INSERT INTO engagement (id, uid, date, kind, subject, summary, outcome, mission_id,"
            " officer_id, program_id, mechanism, follow_up_date, follow_up_done_at, "
            "sensitivity, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            chunk,
        )
        cursor.executemany(
            "INSERT INTO engagement_organization (engagement_id, organization_id) VALUES (?,?)",
            links_org,
        )
        cursor.executemany(
            "INSERT INTO engagement_contact (engagement_id, contact_id) VALUES (?,?)", links_contact
        )
        links_org.clear()
        links_contact.clear()
    return total
