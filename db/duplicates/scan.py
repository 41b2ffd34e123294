"""Candidate duplicates, with a score and the reasons. Records are not compared with
every other record: each gets blocking keys (an email, a phone number, the skeleton of
its name in either script, an acronym, a web domain), only records sharing a key are
compared, and common keys (many people called Muhammad Ali) are narrowed by city first.
Pairs someone marked "not a duplicate" are left out."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from rapidfuzz import fuzz
from sqlmodel import Session, select

from db.duplicates.names import canonical_name, is_urdu, name_skeleton
from db.foundations.models import Affiliation, Contact, DuplicateDismissal, Organization

MINIMUM_SCORE = 70
SHOWN_PAIRS = 2_000  # the best pairs kept; a registry with more is worked through in turns
BLOCK_LIMIT = 40  # a key shared by more records is narrowed by city before comparing
WEBMAIL = frozenset(
    (
        "gmail.com",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "aol.com",
        "icloud.com",
        "msn.com",
        "protonmail.com",
        "ymail.com",
    )
)
ORGANIZATION_FILLER = frozenset(
    (
        "the",
        "of",
        "and",
        "for",
        "in",
        "association",
        "associations",
        "society",
        "inc",
        "incorporated",
        "usa",
        "us",
        "america",
        "american",
        "north",
        "foundation",
        "council",
        "organization",
        "organisation",
        "club",
        "network",
        "group",
    )
)

Progress = Callable[[str], None]


class _Best:
    """The best `limit` pairs of a scan, and how many were found in all."""

    def __init__(self, limit: int):
        self.limit, self.total, self.heap = limit, 0, []

    def add(self, pair: CandidatePair) -> None:
        self.total += 1
        entry = (pair.score, -pair.first_id, -pair.second_id, pair)
        if len(self.heap) < self.limit:
            heapq.heappush(self.heap, entry)
        elif entry[:3] > self.heap[0][:3]:
            heapq.heapreplace(self.heap, entry)

    def result(self) -> ScanResult:
        pairs = [entry[3] for entry in self.heap]
        pairs.sort(key=lambda pair: (-pair.score, pair.first_id, pair.second_id))
        return ScanResult(pairs, self.total)


@dataclass(frozen=True)
class ScanResult:
    """The best candidate pairs, best first, and how many there were in all."""

    pairs: list
    total: int


@dataclass(frozen=True)
class CandidatePair:
    """Two records that may be one: ids in order, a score out of 100, why."""

    kind: str  # "contact" or "organization"
    first_id: int
    second_id: int
    score: int
    reasons: tuple[str, ...]
    first: str
    second: str


@dataclass(frozen=True)
class _Person:
    id: int
    name: str
    canonical: str  # the name in Latin script, canonical; "" when written only in Urdu
    urdu_canonical: str  # the Urdu name spelled in Latin letters; "" when there is none
    email: str
    phone: str
    city: str
    organizations: frozenset[int]


def dismissed_pairs(s: Session, kind: str) -> set[tuple[int, int]]:
    """The pairs marked "not a duplicate" for this kind of record."""
    return {
        (first, second)
        for first, second in s.exec(
            select(DuplicateDismissal.first_id, DuplicateDismissal.second_id).where(
                DuplicateDismissal.entity_type == kind
            )
        )
    }


def _blocks(keys: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    blocks: dict[str, list[int]] = defaultdict(list)
    for key, record_id in keys:
        if key:
            blocks[key].append(record_id)
    return blocks


def _pairs(blocks: dict[str, list[int]], city_of: Callable[[int], str]) -> set[tuple[int, int]]:
    """Each pair of ids sharing a key, large blocks narrowed by city."""
    return set(_each_pair(blocks, city_of))


def _each_pair(
    blocks: dict[str, list[int]], city_of: Callable[[int], str]
) -> Iterator[tuple[int, int]]:
    for ids in blocks.values():
        if len(ids) < 2:
            continue
        groups = [ids]
        if len(ids) > BLOCK_LIMIT:
            by_city: dict[str, list[int]] = defaultdict(list)
            for record_id in ids:
                by_city[city_of(record_id)].append(record_id)
            groups = [g for city, g in by_city.items() if city and len(g) <= BLOCK_LIMIT]
        for group in groups:
            ordered = sorted(set(group))
            for index, first in enumerate(ordered):
                for second in ordered[index + 1 :]:
                    yield first, second


def _people(s: Session) -> dict[int, _Person]:
    organizations: dict[int, set[int]] = defaultdict(set)
    for contact_id, organization_id in s.exec(
        select(Affiliation.contact_id, Affiliation.organization_id)
    ):
        organizations[contact_id].add(organization_id)
    people = {}
    for cid, given, family, urdu, email, phone, city in s.exec(
        select(
            Contact.id,
            Contact.given_name,
            Contact.family_name,
            Contact.name_urdu,
            Contact.email,
            Contact.phone,
            Contact.city,
        ).where(Contact.archived_at.is_(None), Contact.erased_at.is_(None))
    ):
        name = f"{given} {family}".strip()
        urdu = urdu or (name if is_urdu(name) else "")
        people[cid] = _Person(
            cid,
            name,
            "" if is_urdu(name) else canonical_name(name),
            canonical_name(urdu) if urdu else "",
            email.casefold(),
            phone,
            city.casefold().strip(),
            frozenset(organizations.get(cid, ())),
        )
    return people


def _name_likeness(a: _Person, b: _Person) -> tuple[float, str]:
    """How alike two people's names are (0-100): in Latin script where both have one,
    in Urdu where both have one, and across the scripts (by their consonants) only when
    they share no script, since Urdu omits the vowels that tell Bhatti from Butt."""
    scores = []
    if a.canonical and b.canonical:
        scores.append((fuzz.token_sort_ratio(a.canonical, b.canonical), "names alike"))
    if a.urdu_canonical and b.urdu_canonical:
        scores.append(
            (fuzz.token_sort_ratio(a.urdu_canonical, b.urdu_canonical), "Urdu names alike")
        )
    if not scores:
        for left, right in ((a.urdu_canonical, b.canonical), (a.canonical, b.urdu_canonical)):
            if left and right:
                across = fuzz.token_sort_ratio(name_skeleton(left), name_skeleton(right))
                scores.append((across, "the same name in Urdu and Latin script"))
    if not scores:
        return 0.0, ""
    if a.canonical and b.canonical and len(scores) == 2:
        # Both scripts on both sides: the Latin spelling decides, Urdu confirms.
        latin, urdu = scores[0][0], scores[1][0]
        return (latin if latin >= 80 else min(latin, urdu)), f"names alike ({a.name} / {b.name})"
    best, how = max(scores)
    if how == "names alike":
        how = f"names alike ({a.name} / {b.name})"
    return best, how


def _score_people(a: _Person, b: _Person) -> tuple[int, list[str]]:
    reasons = []
    score = 0.0
    likeness, how = _name_likeness(a, b)
    alike = likeness >= 80
    if a.email and a.email == b.email:
        reasons.append(f"same email ({a.email})")
        score = 100 if alike else 80  # a shared family or office address
    if a.phone and a.phone == b.phone:
        reasons.append(f"same phone ({a.phone})")
        score = max(score, 95 if alike else 72)
    if likeness >= 80:
        reasons.append(how)
    same_city = bool(a.city) and a.city == b.city
    shared = a.organizations & b.organizations
    name_score = likeness * 0.8 + (12 if same_city else 0) + (8 if shared else 0)
    if same_city and likeness >= 80:
        reasons.append("same city")
    if shared and likeness >= 80:
        reasons.append("same organization")
    if reasons and score:
        score = min(100, score + (5 if likeness >= 80 else 0))
    return round(max(score, name_score)), reasons


def find_duplicate_contacts(
    s: Session, progress: Progress | None = None, limit: int = SHOWN_PAIRS
) -> ScanResult:
    """Pairs of live contacts that may be one person: the best `limit`, best first."""
    report = progress or (lambda _message: None)
    report("Reading contacts…")
    people = _people(s)
    report(f"Comparing {len(people):,} contacts by email, phone and name…")
    keys: list[tuple[str, int]] = []
    for person in people.values():
        keys.append((f"e:{person.email}", person.id) if person.email else ("", 0))
        keys.append((f"p:{person.phone}", person.id) if person.phone else ("", 0))
        for name in filter(None, (person.canonical, person.urdu_canonical)):
            sk = name_skeleton(name)
            if sk:
                keys.append((f"n:{sk.replace(' ', '')}", person.id))
    dismissed = dismissed_pairs(s, "contact")
    found = _Best(limit)
    for number, (first, second) in enumerate(
        _pairs(_blocks(keys), lambda cid: people[cid].city), start=1
    ):
        if number % 100_000 == 0:
            report(f"Compared {number:,} pairs…")
        if (first, second) in dismissed:
            continue
        score, reasons = _score_people(people[first], people[second])
        if score >= MINIMUM_SCORE and reasons:
            found.add(
                CandidatePair(
                    "contact",
                    first,
                    second,
                    score,
                    tuple(reasons),
                    people[first].name,
                    people[second].name,
                )
            )
    report(f"{found.total:,} possible duplicates among {len(people):,} contacts.")
    return found.result()


def _domain(text: str) -> str:
    text = text.strip().casefold()
    if "@" in text:
        domain = text.rsplit("@", 1)[1]
        return "" if domain in WEBMAIL else domain
    if not text:
        return ""
    host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    return host.removeprefix("www.")


def _significant(name: str) -> str:
    return " ".join(t for t in canonical_name(name).split() if t not in ORGANIZATION_FILLER)


def _alike_in_a_city(rows, cities: dict[int, str]) -> set[tuple[int, int]]:
    """Pairs of organizations in one city whose names are alike: each name against the
    others of its city in rapidfuzz (C speed, so a city of a thousand is quick)."""
    from rapidfuzz import process

    by_city: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for oid, name, *_rest in rows:
        if cities[oid]:
            by_city[cities[oid]].append((oid, _significant(name)))
    pairs: set[tuple[int, int]] = set()
    for members in by_city.values():
        if len(members) < 2:
            continue
        names = [name for _oid, name in members]
        for i, name in enumerate(names):
            for _match, _score, j in process.extract(
                name, names, scorer=fuzz.token_set_ratio, score_cutoff=85, limit=None
            ):
                if i < j:
                    first, second = sorted((members[i][0], members[j][0]))
                    pairs.add((first, second))
    return pairs


def find_duplicate_organizations(
    s: Session, progress: Progress | None = None, limit: int = SHOWN_PAIRS
) -> ScanResult:
    """Pairs of live organizations that may be one: the best `limit`, best first."""
    report = progress or (lambda _message: None)
    rows = s.exec(
        select(
            Organization.id,
            Organization.name,
            Organization.acronym,
            Organization.website,
            Organization.email,
            Organization.city,
        ).where(Organization.archived_at.is_(None))
    ).all()
    report(f"Comparing {len(rows):,} organizations…")
    by_id = {row[0]: row for row in rows}
    cities = {oid: (city or "").casefold().strip() for oid, *_rest, city in rows}
    keys: list[tuple[str, int]] = []
    for oid, name, acronym, website, email, _city in rows:
        letters = "".join(c for c in acronym.casefold() if c.isalnum())
        if letters:
            keys.append((f"a:{letters}", oid))
        for domain in {_domain(website), _domain(email)} - {""}:
            keys.append((f"d:{domain}", oid))
        significant = _significant(name)
        if significant:
            keys.append((f"n:{significant}", oid))
    dismissed = dismissed_pairs(s, "organization")
    found = _Best(limit)
    for first, second in _pairs(_blocks(keys), cities.get) | _alike_in_a_city(rows, cities):
        if (first, second) in dismissed:
            continue
        a, b = by_id[first], by_id[second]
        reasons = []
        score = 0.0
        if a[2] and a[2].casefold() == b[2].casefold():
            reasons.append(f"same acronym ({a[2]})")
            score = 80
        shared_domain = {_domain(a[3]), _domain(a[4])} & {_domain(b[3]), _domain(b[4])} - {""}
        if shared_domain:
            reasons.append(f"same web or email domain ({sorted(shared_domain)[0]})")
            score = max(score, 85)
        likeness = fuzz.token_set_ratio(_significant(a[1]), _significant(b[1]))
        if likeness >= 85:
            reasons.append(f"names alike ({a[1]} / {b[1]})")
            score = max(score, likeness * 0.85) + (15 if score else 0)
        if reasons and cities[first] and cities[first] == cities[second]:
            reasons.append("same city")
            score += 10
        if reasons and score >= MINIMUM_SCORE:
            found.add(
                CandidatePair(
                    "organization",
                    first,
                    second,
                    round(min(score, 100)),
                    tuple(reasons),
                    a[1],
                    b[1],
                )
            )
    report(f"{found.total:,} possible duplicates among {len(rows):,} organizations.")
    return found.result()
