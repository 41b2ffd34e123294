"""Bringing one registry's records into another that already holds some: an office's
laptop file into the commission's server after weeks offline, or the server's records
back into the laptop. `copy_registry` (db/registry_sync/copy.py) copies into an empty
database; this is the step for one that is not.

Rows are matched by uid: a record the target already has is updated when the source's
copy is newer (updated_at) and kept otherwise. Missions, users and tags are matched by
their code, username or name too, since those name the same thing on both sides.
Organizations, programs and contacts with a uid the target does not know but the same
live name (or email) as one of its records, or an organization with the same acronym
and a name alike, are look-alikes: they are listed for a person
to decide, and nothing is written until that person says to treat each listed pair as
one record (`join_alike`) or renames or merges them on one side. Links (mechanisms,
tags, public roles, an engagement's organizations and people) follow their record: a
newer record brings its links with it. Everything is one transaction on the target,
checked before it commits by each table's row count and a SHA-256 over the rows written,
read back; the target's audit chain gets one entry per record added or updated, naming
where it came from.

Not brought: the source's audit log (the target keeps its own chain; the source file
keeps its history), its merge journals and duplicate dismissals (they name the source's
ids) and its settings (the target's installation keeps its own).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, delete, func, insert, select, text
from sqlalchemy import update as sql_update

from db.foundations.errors import DatabaseUnavailable, ValidationError
from db.foundations.models import UserRole
from db.foundations.sealed_text import Opened, Unopened
from db.registry_sync.copy import CHUNK, plain_value, registry_tables


@dataclass(frozen=True)
class Matching:
    """How a table's rows are found on the other side.

    key: the columns that make two rows the same row (a uid, or a natural key).
    also: columns that name the same thing on both sides though the uids differ.
    alike: a column whose folded value marks a look-alike, for a person to decide.
    newer: the column saying which side's copy is newer; without it a row there is kept.
    parent: for links, the column of the record that owns them.
    """

    key: tuple[str, ...]
    also: tuple[str, ...] = ()
    alike: str | None = None
    newer: str | None = None
    parent: str | None = None


MATCHING: dict[str, Matching] = {
    "region": Matching(("code",)),
    "mission": Matching(("uid",), also=("code",)),
    "jurisdiction": Matching(("region_code",)),
    "user": Matching(("uid",), also=("username",)),
    "tag": Matching(("name",)),
    "organization": Matching(("uid",), alike="name", newer="updated_at"),
    "organization_mechanism": Matching(("organization_id", "mechanism"), parent="organization_id"),
    "organization_tag": Matching(("organization_id", "tag_id"), parent="organization_id"),
    "contact": Matching(("uid",), alike="email", newer="updated_at"),
    "contact_public_role": Matching(("contact_id", "role"), parent="contact_id"),
    "affiliation": Matching(("contact_id", "organization_id", "role_title", "start_date")),
    "program": Matching(("uid",), alike="name", newer="updated_at"),
    "program_participant": Matching(("program_id", "organization_id")),
    "program_event": Matching(("uid",)),
    "event_guest": Matching(("uid",), newer="updated_at"),
    "indicator": Matching(("uid",)),
    "measurement": Matching(("indicator_id", "period_start"), newer="recorded_at"),
    "engagement": Matching(("uid",), newer="updated_at"),
    "engagement_organization": Matching(
        ("engagement_id", "organization_id"), parent="engagement_id"
    ),
    "engagement_contact": Matching(("engagement_id", "contact_id"), parent="engagement_id"),
    "report_text": Matching(("period", "scope"), newer="updated_at"),
}

ALIKE_ORDER = ("organization", "program", "contact")  # as a person reads the list
assert {name for name, m in MATCHING.items() if m.alike} == set(ALIKE_ORDER)

NOT_BROUGHT = {
    "sealing_key": "confidential text is sealed again under the target's own keys",
    "sealing_key_reader": "the target wraps its own keys to its own readers",
    "audit_entry": "the target keeps its own chain; the source keeps its history",
    "merge_record": "its journals name the source's ids",
    "duplicate_dismissal": "it names the source's ids",
    "setting": "the target's installation keeps its own settings",
}

SELF_REFERENCES = ("merged_into_id",)  # ids of the same table, not declared as foreign keys


@dataclass(frozen=True)
class LookAlike:
    """A record of the source and one of the target that look like the same thing."""

    table: str
    source: str
    target: str
    target_id: int
    source_uid: str


class LookAlikesFound(ValidationError):
    """Records that look the same on both sides: a person decides before anything is
    written."""

    def __init__(self, pairs: list[LookAlike]):
        self.pairs = pairs
        super().__init__(
            {
                "target": f"{len(pairs):,} record(s) look like ones already there (same name "
                "or email, another uid); nothing was copied. Merge or rename them on one side, "
                "or copy again treating each listed pair as one record."
            }
        )


@dataclass
class TableBrought:
    """What happened to one table's rows."""

    name: str
    added: int = 0
    updated: int = 0
    kept: int = 0
    joined: int = 0
    sha256: str = ""


@dataclass
class RegistryBrought:
    """What bringing a registry in wrote, table by table."""

    target: str
    tables: list[TableBrought] = field(default_factory=list)

    @property
    def added(self) -> int:
        """Rows added in all."""
        return sum(t.added for t in self.tables)

    @property
    def updated(self) -> int:
        """Rows updated in all."""
        return sum(t.updated for t in self.tables)


def _moment(value: Any) -> Any:
    """A timestamp comparable across engines (SQLite hands back naive UTC)."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _folded(value: Any) -> str:
    return str(value or "").strip().casefold()


def _references(table: Table) -> dict[str, str]:
    """Columns holding another row's integer id, and that row's table."""
    found = {
        fk.parent.name: fk.column.table.name
        for fk in table.foreign_keys
        if fk.column.name == "id"  # region codes are the same strings on both sides
    }
    for name in SELF_REFERENCES:
        if name in table.columns:
            found[name] = table.name
    return found


def _label(table: str, row: dict) -> str:
    if table == "contact":
        return f"{row['given_name']} {row['family_name']} <{row['email']}>".replace("  ", " ")
    if table == "organization" and row.get("acronym"):
        return f"{row['name']} ({row['acronym']})"
    return str(row["name"])


def _rows(connection: Connection, table: Table) -> Iterable[dict]:
    ordered = select(table).order_by(*table.primary_key.columns)
    for row in connection.execute(ordered).mappings().yield_per(CHUNK):
        yield dict(row)


def _live(row: dict) -> bool:
    return row.get("archived_at") is None


SIMILAR_NAMES = 80  # rapidfuzz token_sort_ratio for organizations sharing an acronym


def _same_acronym_and_like_name(row: dict, there: dict) -> bool:
    from rapidfuzz import fuzz

    acronym = _folded(row.get("acronym"))
    return (
        bool(acronym)
        and acronym == _folded(there.get("acronym"))
        and fuzz.token_sort_ratio(_folded(row["name"]), _folded(there["name"])) >= SIMILAR_NAMES
    )


def find_look_alikes(source: Connection, target: Connection) -> list[LookAlike]:
    """Live records of the source whose uid the target lacks but that a live record of
    the target looks like: the same folded name (or email), or for organizations the same
    acronym and a name alike."""
    pairs: list[LookAlike] = []
    tables = {table.name: table for table in registry_tables()}
    for name in ALIKE_ORDER:
        table, matching = tables[name], MATCHING[name]
        known_uids, live_by_value, by_acronym = set(), {}, defaultdict(list)
        for row in _rows(target, table):
            known_uids.add(row["uid"])
            if _live(row) and _folded(row[matching.alike]):
                live_by_value[_folded(row[matching.alike])] = row
                if _folded(row.get("acronym")):
                    by_acronym[_folded(row["acronym"])].append(row)
        for row in _rows(source, table):
            value = _folded(row[matching.alike])
            if row["uid"] in known_uids or not value or not _live(row):
                continue
            there = live_by_value.get(value) or next(
                (
                    other
                    for other in by_acronym.get(_folded(row.get("acronym")), [])
                    if _same_acronym_and_like_name(row, other)
                ),
                None,
            )
            if there is not None:
                pairs.append(
                    LookAlike(
                        table.name,
                        _label(table.name, row),
                        _label(table.name, there),
                        there["id"],
                        row["uid"],
                    )
                )
    return pairs


class _Bringing:
    """One run of bringing records in: the id each source row has in the target, what
    was written, and the lines its check compares."""

    def __init__(self, source: Connection, target: Connection, joined: list[LookAlike]):
        self.source, self.target = source, target
        self.joined = {(pair.table, pair.source_uid): pair.target_id for pair in joined}
        self.ids: dict[str, dict[int, int]] = defaultdict(dict)  # table → source id → target id
        self.added: dict[str, set] = defaultdict(set)  # table → target ids (or keys) added
        self.replaced: dict[str, set[int]] = defaultdict(set)  # target ids updated
        self.audit: list[tuple[str, str, int, str]] = []  # action, table, target id, uid
        self.touched_organizations: set[int] = set()

    # --- translating -------------------------------------------------------------

    def _translated(self, table: Table, row: dict) -> dict:
        translated = {column: _readable(table, row, value) for column, value in row.items()}
        for column, referenced in _references(table).items():
            value = row.get(column)
            if value is None:
                continue
            if column in SELF_REFERENCES:
                translated[column] = None  # set once the whole table is in (see _self_refs)
                continue
            mapped = self.ids[referenced].get(value)
            if mapped is None:
                raise DatabaseUnavailable(
                    f"{table.name}.{column} names {referenced} #{value}, which the source "
                    "does not hold; run python main.py check on the source first."
                )
            translated[column] = mapped
        return translated

    def _new_ids(self, table: Table, count: int) -> list[int]:
        if count == 0:
            return []
        if self.target.dialect.name == "postgresql":
            return list(
                self.target.execute(
                    text(
                        f"SELECT nextval(pg_get_serial_sequence('\"{table.name}\"', 'id')) "
                        "FROM generate_series(1, :n)"
                    ),
                    {"n": count},
                ).scalars()
            )
        highest = self.target.execute(select(func.max(table.c.id))).scalar() or 0
        return list(range(highest + 1, highest + 1 + count))

    # --- one table ---------------------------------------------------------------

    def bring_table(self, table: Table) -> TableBrought:
        """Bring one table's rows in: each source row joins, updates or is added to the
        target's row of the same key (the newer one winning), then the table is checked."""
        matching = MATCHING[table.name]
        if matching.parent is not None:
            return self._bring_links(table, matching)
        result = TableBrought(table.name)
        to_add, to_update = self._sort_source_rows(table, matching, result)
        self._add(table, matching, to_add)
        result.added = len(to_add)
        self._update(table, to_update)
        result.updated = len(to_update)
        self._self_refs(table, [r for r, _m in to_add] + [r for r, *_ in to_update])
        written = [moved for _r, moved in to_add] + [moved for _r, moved, *_ in to_update]
        self._note_written(table, to_add, to_update, written)
        result.sha256 = self._check(table, matching, written)
        return result

    def _sort_source_rows(
        self, table: Table, matching: Matching, result: TableBrought
    ) -> tuple[list[tuple[dict, dict]], list[tuple[dict, dict, int, int]]]:
        """(source row, translated) rows to add and (…, target id, target version) rows
        to update; rows joined to a target row or older than it are counted in `result`."""
        key_of = {}  # key → (target id, newer value, version)
        also_of = {}
        for row in _rows(self.target, table):
            key = tuple(row[c] for c in matching.key)
            key_of[key] = (row.get("id"), row.get(matching.newer or ""), row.get("version"))
            if matching.also:
                also_of[tuple(row[c] for c in matching.also)] = row.get("id")
        has_id = "id" in table.columns
        to_add: list[tuple[dict, dict]] = []
        to_update: list[tuple[dict, dict, int, int]] = []
        for row in _rows(self.source, table):
            moved = self._translated(table, row)
            there = key_of.get(tuple(moved[c] for c in matching.key))
            if there is None:
                joined_id = self._joined_id(table, matching, row, moved, also_of)
                if joined_id is not None:
                    self.ids[table.name][row["id"]] = joined_id
                    result.joined += 1
                else:
                    to_add.append((row, moved))
                continue
            target_id, target_newer, target_version = there
            if has_id:
                self.ids[table.name][row["id"]] = target_id
            if matching.newer and _moment(row[matching.newer]) > _moment(target_newer):
                to_update.append((row, moved, target_id, target_version))
            else:
                result.kept += 1
        return to_add, to_update

    def _joined_id(
        self, table: Table, matching: Matching, row: dict, moved: dict, also_of: dict
    ) -> int | None:
        """The target row a source row with no row of its key joins: one of its other key
        (`matching.also`), or a look-alike the person chose to join; else None."""
        if matching.also:
            also_id = also_of.get(tuple(moved[c] for c in matching.also))
            if also_id is not None:
                return also_id
        return self.joined.get((table.name, row.get("uid")))

    def _add(self, table: Table, matching: Matching, to_add: list[tuple[dict, dict]]) -> None:
        has_id = "id" in table.columns
        if has_id:
            for (row, moved), new_id in zip(to_add, self._new_ids(table, len(to_add)), strict=True):
                moved["id"] = new_id
                if "version" in moved:
                    moved["version"] = 1
                if table.name == "user":  # a server's administrator lets them in
                    moved["active"] = False
                    # This chain registered no key of theirs: they introduce one at their
                    # first sign-in here, as a user from before signatures does.
                    moved["signing_key"] = moved["signing_secret"] = moved["reading_key"] = None
                self.ids[table.name][row["id"]] = new_id
        for start in range(0, len(to_add), CHUNK):
            self.target.execute(
                insert(table), [moved for _row, moved in to_add[start : start + CHUNK]]
            )
        self.added[table.name] = {
            moved["id"] if has_id else tuple(moved[c] for c in matching.key) for _r, moved in to_add
        }

    def _update(self, table: Table, to_update: list[tuple[dict, dict, int, int]]) -> None:
        if not to_update:
            return
        columns = [c.name for c in table.columns if c.name not in ("id", "uid")]
        statement = (
            sql_update(table)
            .where(table.c.id == bindparam("target_id"))
            .values({name: bindparam(f"v_{name}") for name in columns})
        )
        values = []
        for _row, moved, target_id, target_version in to_update:
            moved["id"] = target_id
            if "version" in moved:  # a save: clients holding the old version must reload
                moved["version"] = (target_version or 1) + 1
            values.append({"target_id": target_id, **{f"v_{n}": moved[n] for n in columns}})
            self.replaced[table.name].add(target_id)
        for start in range(0, len(values), CHUNK):
            self.target.execute(statement, values[start : start + CHUNK])

    def _note_written(
        self,
        table: Table,
        to_add: list[tuple[dict, dict]],
        to_update: list[tuple[dict, dict, int, int]],
        written: list[dict],
    ) -> None:
        """The audit entries the run will add, and the organizations whose last
        engagement dates it must refresh."""
        if "uid" in table.columns:
            self.audit += [("copy_in", table.name, m["id"], m["uid"]) for _r, m in to_add]
            self.audit += [
                ("copy_update", table.name, m["id"], m["uid"]) for _r, m, *_ in to_update
            ]
        if table.name == "organization":
            self.touched_organizations |= {m["id"] for m in written}

    def _self_refs(self, table: Table, source_rows: list[dict]) -> None:
        for name in SELF_REFERENCES:
            if name not in table.columns:
                continue
            values = [
                {
                    "target_id": self.ids[table.name][row["id"]],
                    "v": self.ids[table.name].get(row[name]),
                }
                for row in source_rows
                if row[name] is not None
            ]
            if values:
                self.target.execute(
                    sql_update(table)
                    .where(table.c.id == bindparam("target_id"))
                    .values({name: bindparam("v")}),
                    values,
                )

    def _bring_links(self, table: Table, matching: Matching) -> TableBrought:
        """Links of records added or updated: an updated record's links are replaced by
        the source's; a kept record keeps the target's."""
        result = TableBrought(table.name)
        parent_table = _references(table)[matching.parent]
        owners = self.added[parent_table] | self.replaced[parent_table]
        replaced = sorted(self.replaced[parent_table])
        parent_column = table.c[matching.parent]
        for start in range(0, len(replaced), 500):
            chunk = replaced[start : start + 500]
            if table.name == "engagement_organization":
                self.touched_organizations |= set(
                    self.target.execute(
                        select(table.c.organization_id).where(parent_column.in_(chunk))
                    ).scalars()
                )
            self.target.execute(delete(table).where(parent_column.in_(chunk)))
        written = []
        for row in _rows(self.source, table):
            moved = self._translated(table, row)
            if moved[matching.parent] in owners:
                written.append(moved)
            else:
                result.kept += 1
        for start in range(0, len(written), CHUNK):
            self.target.execute(insert(table), written[start : start + CHUNK])
        result.added = len(written)
        if table.name == "engagement_organization":
            self.touched_organizations |= {m["organization_id"] for m in written}
        result.sha256 = self._check_links(table, matching, owners, written)
        return result

    # --- the check ----------------------------------------------------------------

    @staticmethod
    def _line(row: dict, columns: list[str]) -> str:
        return json.dumps(
            [plain_value(_moment(row[c])) for c in columns], ensure_ascii=False, default=str
        )

    def _check(self, table: Table, matching: Matching, written: list[dict]) -> str:
        """Read the written rows back and compare them with what was meant; return the
        SHA-256 of what is there."""
        columns = [c.name for c in table.columns if c.name not in SELF_REFERENCES]
        if "id" in table.columns:
            expected = sorted(self._line(m, columns) for m in written)
            ids = [m["id"] for m in written]
            found = []
            for start in range(0, len(ids), 500):
                rows = self.target.execute(
                    select(table).where(table.c.id.in_(ids[start : start + 500]))
                ).mappings()
                found += [self._line(dict(r), columns) for r in rows]
        else:
            expected = sorted(self._line(m, columns) for m in written)
            keys = {tuple(m[c] for c in matching.key) for m in written}
            found = [
                self._line(r, columns)
                for r in _rows(self.target, table)
                if tuple(r[c] for c in matching.key) in keys
            ]
        found.sort()
        return self._compare(table.name, expected, found)

    def _check_links(
        self, table: Table, matching: Matching, owners: set, written: list[dict]
    ) -> str:
        columns = [c.name for c in table.columns]
        expected = sorted(self._line(m, columns) for m in written)
        found = []
        ordered = sorted(owners)
        for start in range(0, len(ordered), 500):
            rows = self.target.execute(
                select(table).where(table.c[matching.parent].in_(ordered[start : start + 500]))
            ).mappings()
            found += [self._line(dict(r), columns) for r in rows]
        found.sort()
        return self._compare(table.name, expected, found)

    @staticmethod
    def _compare(name: str, expected: list[str], found: list[str]) -> str:
        there = hashlib.sha256("\n".join(found).encode("utf-8")).hexdigest()
        meant = hashlib.sha256("\n".join(expected).encode("utf-8")).hexdigest()
        if there != meant:
            raise DatabaseUnavailable(
                f"The {name} rows written do not read back as they were sent ({len(found):,} "
                f"against {len(expected):,}); nothing was copied."
            )
        return there


def _readable(table: Table, row: dict, value: Any) -> Any:
    """A value as the target is to hold it: confidential text plain, to be sealed there
    under the target's own keys (`bring_into` seals it before it commits); refused when
    the copier does not hold the source's key to it."""
    if isinstance(value, Unopened):
        raise ValidationError(
            {
                "source": f"{table.name} #{row.get('id')} holds confidential text sealed under "
                "a key you do not hold in the source; sign in there as an administrator "
                "first, or ask one to bring the records."
            }
        )
    return str(value) if isinstance(value, Opened) else value


def bring_into(
    source: Engine,
    target: Engine,
    target_shown: str,
    *,
    source_shown: str,
    username: str,
    join_alike: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RegistryBrought:
    """Bring the records of `source` into the registry on `target`, which holds some,
    all or nothing; return what was added, updated and kept, table by table. Raises
    LookAlikesFound, writing nothing, when records look alike and `join_alike` is off."""
    from db import store
    from db.foundations.actor import Actor
    from db.store.audit import AuditItem, record_audits
    from db.store.last_engagement import refresh_last_engagement
    from db.store.sealing import note_plain_text, seal_unsealed

    report = progress or (lambda _message: None)
    brought = RegistryBrought(target_shown)
    with source.connect() as reading, store.session(target) as s:
        writing = s.connection()
        report("Looking for records that look alike…")
        pairs = find_look_alikes(reading, writing)
        if pairs and not join_alike:
            raise LookAlikesFound(pairs)
        run = _Bringing(reading, writing, pairs)
        counts_before = {
            t.name: writing.execute(select(func.count()).select_from(t)).scalar()
            for t in registry_tables()
            if t.name in MATCHING
        }
        for table in registry_tables():
            if table.name in NOT_BROUGHT:
                continue
            report(f"Bringing {table.name}…")
            brought.tables.append(run.bring_table(table))
        report("Checking counts…")
        for table in registry_tables():
            if table.name not in MATCHING:
                continue
            now = writing.execute(select(func.count()).select_from(table)).scalar()
            outcome = next(t for t in brought.tables if t.name == table.name)
            if (
                MATCHING[table.name].parent is None
                and now != counts_before[table.name] + outcome.added
            ):
                raise DatabaseUnavailable(
                    f"{table.name} holds {now:,} rows after the copy, not "
                    f"{counts_before[table.name] + outcome.added:,}; nothing was copied."
                )
        if run.touched_organizations:
            refresh_last_engagement(s, sorted(run.touched_organizations))
        # confidential text came in plain: sealed here, under this registry's keys
        note_plain_text(s)
        seal_unsealed(s, Actor(None, username, role=UserRole.ADMIN))
        # The copier is signed in to the source, not here: the entries are Rabta's own,
        # naming them, and carry no signature of a key this chain registered.
        actor = Actor(None, username)
        record_audits(
            s,
            actor,
            [
                AuditItem(action, entity, entity_id, {"source": (None, source_shown)}, uid)
                for action, entity, entity_id, uid in run.audit
            ],
        )
    return brought
