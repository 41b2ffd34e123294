"""Importing a list: every row read through the store's own functions, in one
transaction. A dry run does all of it and rolls back, so it finds every problem the real
run would meet; the real run commits only when no row has a problem, so a file comes in
whole or not at all, and a cancel leaves the database exactly as it was.

Rows that look like a record already in the registry are matched (organizations by
acronym or name, contacts by email, phone or name, engagements by date and subject) and
skipped, used to update that record, or added as new, as the person importing chooses.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from db.exchange.cell_reading import text_of, value_of
from db.exchange.cells import neutralised
from db.exchange.columns import COLUMNS, ExchangeColumn
from db.exchange.mapping import FULL_NAME, Mapping
from db.exchange.sources import Source
from db.foundations.actor import Actor
from db.foundations.engine import roomy_page_cache, writing
from db.foundations.errors import RabtaError, ValidationError
from db.foundations.models import (
    Affiliation,
    Contact,
    Engagement,
    Mission,
    Organization,
    Program,
    Region,
    User,
)
from db.foundations.private_files import make_private
from db.store.audit import record_audit
from db.store.contacts import (
    add_affiliation,
    create_contact,
    create_contacts,
    update_affiliation,
    update_contact,
)
from db.store.engagements import log_engagement, update_engagement
from db.store.organizations import create_organization, update_organization

SKIP, UPDATE, ADD = "skip", "update", "add"
EVERY_ROW = "(every row)"  # where a value chosen for the whole file is said to come from
BATCH_ROWS = 500  # new contacts written together; also how often progress is told
DECISIONS = (SKIP, UPDATE, ADD)
_NAME_WITH_EMAIL = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^<>\s]+@[^<>\s]+)>\s*$")


class ImportCancelled(RabtaError):
    """The person importing pressed Cancel; nothing was written."""


@dataclass(frozen=True)
class RowProblem:
    """Why a row (or one of its cells) was refused, or a warning about it."""

    row: int
    column: str  # the file's header, or "" for the whole row
    reason: str
    named: str = ""  # the row's person, organization or subject, to find it by

    @property
    def where(self) -> str:
        """The row as a person finds it: "Row 12 (Hina Aslam)"."""
        return f"Row {self.row}" + (f" ({self.named})" if self.named else "")


@dataclass(frozen=True)
class RowMatch:
    """A row that looks like a record already in the registry."""

    row: int
    record_id: int
    record: str  # how the existing record is named
    why: str
    decision: str
    incoming: str = ""  # how the row names it


@dataclass
class ImportOutcome:
    """What an import did (or, for a dry run, would do)."""

    kind: str
    file: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    matches: list[RowMatch] = field(default_factory=list)
    committed: bool = False

    @property
    def rows_with_problems(self) -> int:
        """How many rows were refused."""
        return len({problem.row for problem in self.problems})


class _Registry:
    """What rows refer to by name (missions, regions, organizations, contacts, users,
    programs), read once per import and kept current as rows add records."""

    def __init__(self, s: Session):
        self.s = s
        self.missions = {
            code.upper(): mid for mid, code in s.exec(select(Mission.id, Mission.code))
        }
        self.regions: dict[str, str] = {}
        for code, name in s.exec(select(Region.code, Region.name)):
            self.regions[code.upper()] = code
            self.regions[code.split("-")[-1].upper()] = code
            self.regions[name.upper()] = code
        self.users: dict[str, int] = {}
        for uid, username, display in s.exec(select(User.id, User.username, User.display_name)):
            self.users[username.casefold()] = uid
            self.users.setdefault(display.casefold(), uid)
        self.programs = {
            name.casefold(): pid
            for pid, name in s.exec(
                select(Program.id, Program.name).where(Program.archived_at.is_(None))
            )
        }
        self._organizations: dict[str, list[int]] | None = None
        self._contacts: dict[str, list[int]] | None = None
        self.names: dict[tuple[str, int], str] = {}  # how a matched record is shown

    @property
    def organizations(self) -> dict[str, list[int]]:
        if self._organizations is None:
            self._organizations = {}
            for oid, name, acronym in self.s.exec(
                select(Organization.id, Organization.name, Organization.acronym).where(
                    Organization.archived_at.is_(None)
                )
            ):
                self.add_organization(oid, name, acronym)
        return self._organizations

    def add_organization(self, oid: int, name: str, acronym: str) -> None:
        found = self.organizations if self._organizations is not None else None
        if found is None:
            return
        for key in {_key(name), _key(acronym)} - {""}:
            found.setdefault(key, []).append(oid)
        self.names["organization", oid] = name

    @property
    def contacts(self) -> dict[str, list[int]]:
        if self._contacts is None:
            self._contacts = {}
            self.add_contacts_where(Contact.archived_at.is_(None), Contact.erased_at.is_(None))
        return self._contacts

    def add_contacts_where(self, *conditions) -> None:
        """Keep the keys of the contacts these conditions select."""
        for cid, given, family, email, phone in self.s.exec(
            select(
                Contact.id, Contact.given_name, Contact.family_name, Contact.email, Contact.phone
            ).where(*conditions)
        ):
            self.add_contact(cid, given, family, email, phone)

    def add_contact(self, cid: int, given: str, family: str, email: str, phone: str) -> None:
        found = self.contacts if self._contacts is not None else None
        if found is None:
            return
        for key in {_key(f"{given} {family}"), _key(email), _key(phone)} - {""}:
            found.setdefault(key, []).append(cid)
        self.names["contact", cid] = f"{given} {family}".strip()

    def organization(self, text: str) -> int:
        found = self.organizations.get(_key(text), [])
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValueError(f"No organization called {text!r} is in the registry.")
        raise ValueError(f"{len(found)} organizations are called {text!r}; use the full name.")

    def contact(self, text: str) -> int:
        shown = _NAME_WITH_EMAIL.match(text)
        keys = [shown.group("email"), shown.group("name")] if shown else [text]
        for key in keys:
            found = self.contacts.get(_key(key), [])
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise ValueError(
                    f"{len(found)} contacts are called {key!r}; write their email as "
                    f'"Name <email>".'
                )
        raise ValueError(f"No contact {text!r} is in the registry.")


def _key(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def _row_values(
    columns: dict[str, ExchangeColumn], mapping: Mapping, headers: tuple[str, ...], cells: tuple
) -> tuple[dict[str, Any], dict[str, str]]:
    """field -> value from one row, and field -> the header it came from. Where several
    columns fill one field (a business and a mobile phone), the first filled one wins."""
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for header, cell in zip(headers, cells, strict=False):
        target = mapping.columns.get(header)
        if target is None:
            continue
        if target in values and values[target] not in (None, "", []):
            continue
        column = columns.get(target) or ExchangeColumn(target, header)
        values[target] = value_of(column, cell, day_first=mapping.day_first)
        origin[target] = header
    for target, value in mapping.every_row.items():  # chosen for the whole file
        values[target] = value
        origin[target] = EVERY_ROW
    return values, origin


def _split_full_name(values: dict[str, Any]) -> None:
    full = values.pop(FULL_NAME, None)
    if full and not values.get("given_name"):
        parts = str(full).split()
        values["given_name"] = " ".join(parts[:-1]) if len(parts) > 1 else parts[0]
        if not values.get("family_name"):
            values["family_name"] = parts[-1] if len(parts) > 1 else ""


class _Importer:
    def __init__(self, s: Session, actor: Actor, source: Source, mapping: Mapping, outcome):
        self.s, self.actor, self.source, self.mapping = s, actor, source, mapping
        self.outcome: ImportOutcome = outcome
        self.registry = _Registry(s)
        self.columns = {c.field: c for c in COLUMNS[mapping.kind]}
        self.pending: list[tuple[int, dict, dict]] = []  # new contacts: row, values, origin
        self.pending_keys: set[str] = set()
        self.names: dict[int, str] = {}  # row -> how it names its record, for its problems

    # --- references by name -------------------------------------------------------------

    def _resolve(self, values: dict, origin: dict, row: int) -> dict[str, str]:
        """Names in the row turned into ids; field -> reason for those that are not."""
        failed: dict[str, str] = {}
        registry = self.registry

        def one(field_name: str, target: str, table: dict[str, Any], what: str) -> None:
            text = values.pop(field_name, None)
            if text in (None, ""):
                return
            key = str(text).upper() if table is registry.missions else str(text).casefold()
            if key in table:
                values[target] = table[key]
            else:
                failed[field_name] = f"There is no {what} {text!r} in the registry."

        region = values.get("region_code")
        if region:
            values["region_code"] = registry.regions.get(str(region).upper(), region)
        one("mission", "mission_id", registry.missions, "mission")
        if self.mapping.kind == "engagements":
            one("officer", "officer_id", registry.users, "user")
            one("program", "program_id", registry.programs, "program")
            for name_field, target, lookup in (
                ("organizations", "organization_ids", registry.organization),
                ("contacts", "contact_ids", registry.contact),
            ):
                ids = []
                for item in values.pop(name_field, None) or []:
                    try:
                        ids.append(lookup(item))
                    except ValueError as error:
                        failed[name_field] = str(error)
                if name_field in origin:
                    values[target] = ids
        if self.mapping.kind == "affiliations":
            email, name = values.pop("contact_email", ""), values.pop("contact", "")
            try:
                values["contact_id"] = registry.contact(email or name)
            except ValueError as error:
                failed["contact" if name else "contact_email"] = str(error)
            organization = values.pop("organization", "")
            try:
                values["organization_id"] = registry.organization(organization)
            except ValueError as error:
                failed["organization"] = str(error)
        if self.mapping.kind == "contacts":
            organization = values.pop("organization", "")
            role = values.pop("role_title", "")
            if organization:
                try:
                    values["affiliations"] = [
                        {"organization_id": registry.organization(organization), "role_title": role}
                    ]
                except ValueError as error:
                    header = origin.get("organization", "")
                    self.outcome.warnings.append(
                        RowProblem(row, header, f"{error} The person is added without it.")
                    )
        return failed

    # --- matches ------------------------------------------------------------------------

    def _match(self, values: dict) -> tuple[int, str, str] | None:
        """(id, name, why) of the record this row looks like, if any."""
        s, kind = self.s, self.mapping.kind
        if kind == "organizations":
            for field_name, why in (("acronym", "same acronym"), ("name", "same name")):
                key = _key(values.get(field_name))
                if key:
                    found = self.registry.organizations.get(key)
                    if found:
                        return found[0], self.registry.names["organization", found[0]], why
            return None
        if kind == "contacts":
            registry = self.registry
            candidates = (
                ("email", _key(values.get("email")), "same email"),
                ("phone", _key(values.get("phone")), "same phone"),
                (
                    "name",
                    _key(f"{values.get('given_name', '')} {values.get('family_name', '')}"),
                    "same name",
                ),
            )
            for _field, key, why in candidates:
                found = registry.contacts.get(key) if key else None
                if found:
                    return found[0], self.registry.names["contact", found[0]], why
            return None
        if kind == "engagements":
            if values.get("date") and values.get("subject"):
                found = s.exec(
                    select(Engagement.id).where(
                        Engagement.date == values["date"],
                        func.lower(Engagement.subject) == str(values["subject"]).lower(),
                        Engagement.archived_at.is_(None),
                    )
                ).first()
                if found is not None:
                    return found, str(values["subject"]), "same date and subject"
            return None
        found = s.exec(
            select(Affiliation.id).where(
                Affiliation.contact_id == values.get("contact_id"),
                Affiliation.organization_id == values.get("organization_id"),
            )
        ).first()
        return (found, "the same affiliation", "same person and organization") if found else None

    # --- writing ------------------------------------------------------------------------

    def _create(self, values: dict) -> None:
        kind, s, actor = self.mapping.kind, self.s, self.actor
        if kind == "organizations":
            oid = create_organization(s, actor, values)
            self.registry.add_organization(oid, values.get("name", ""), values.get("acronym", ""))
        elif kind == "contacts":
            cid = create_contact(s, actor, values)
            contact = s.get(Contact, cid)
            self.registry.add_contact(
                cid, contact.given_name, contact.family_name, contact.email, contact.phone
            )
        elif kind == "engagements":
            log_engagement(s, actor, values)
        else:
            add_affiliation(s, actor, values.pop("contact_id"), values)

    def _update(self, record_id: int, values: dict) -> None:
        kind, s, actor = self.mapping.kind, self.s, self.actor
        filled = {k: v for k, v in values.items() if v not in (None, "", [])}
        if kind == "organizations":
            update_organization(s, actor, record_id, filled)
        elif kind == "contacts":
            filled.pop("affiliations", None)
            filled.pop("created_at", None)
            update_contact(s, actor, record_id, filled)
        elif kind == "engagements":
            update_engagement(s, actor, record_id, filled)
        else:
            filled.pop("contact_id", None)
            filled.pop("organization_id", None)
            update_affiliation(s, actor, record_id, filled)

    def row(self, number: int, cells: tuple, decision_for: Callable[[int], str]) -> None:
        """Read one row: resolve its names, match it, then write it (new contacts wait
        in a batch that is written together)."""
        outcome = self.outcome
        values, origin = _row_values(self.columns, self.mapping, self.source.headers, cells)
        if self.mapping.kind == "contacts":
            if FULL_NAME in origin:
                origin.setdefault("given_name", origin[FULL_NAME])
            _split_full_name(values)
        self.names[number] = _row_name(self.mapping.kind, values)
        failed = self._resolve(values, origin, number)
        for field_name, reason in failed.items():
            outcome.problems.append(RowProblem(number, origin.get(field_name, ""), reason))
        if failed:
            return
        batching = self.mapping.kind == "contacts"
        keys = _contact_keys(values) if batching else set()
        if any(k in self.pending_keys and k not in self.registry.contacts for k in keys):
            self.write_pending()  # the row would match one waiting in the batch
        match = self._match(values)
        decision = ADD
        if match is not None:
            decision = decision_for(number)
            record_id, shown, why = match
            outcome.matches.append(
                RowMatch(number, record_id, shown, why, decision, _incoming(values))
            )
            if decision == SKIP:
                outcome.skipped += 1
                return
        if batching and decision == ADD:
            self.pending.append((number, values, origin))
            self.pending_keys |= keys
            if len(self.pending) >= BATCH_ROWS:
                self.write_pending()
            return
        self._write_one(number, values, origin, match[0] if decision == UPDATE else None)

    def _write_one(self, number: int, values: dict, origin: dict, update_id: int | None) -> None:
        outcome = self.outcome
        try:
            with self.s.begin_nested():
                if update_id is not None:
                    self._update(update_id, values)
                    outcome.updated += 1
                else:
                    self._create(values)
                    outcome.created += 1
        except ValidationError as error:
            self._refused(number, origin, error)
        except RabtaError as error:
            outcome.problems.append(RowProblem(number, "", str(error)))

    def _refused(self, number: int, origin: dict, error: ValidationError) -> None:
        for field_name, reason in error.errors.items():
            header = origin.get(field_name) or _origin_of(field_name, origin)
            self.outcome.problems.append(RowProblem(number, header, reason))

    def write_pending(self) -> None:
        """Write the new contacts waiting in the batch. When the batch as a whole is
        refused (a person of another mission), each row is written alone for its reason."""
        pending, self.pending, self.pending_keys = self.pending, [], set()
        if not pending:
            return
        try:
            with self.s.begin_nested():
                results = create_contacts(
                    self.s, self.actor, [values for _n, values, _o in pending]
                )
        except RabtaError:
            for number, values, origin in pending:
                self._write_one(number, values, origin, None)
            return
        created = []
        for (number, _values, origin), result in zip(pending, results, strict=True):
            if isinstance(result, ValidationError):
                self._refused(number, origin, result)
            else:
                created.append(result)
        self.outcome.created += len(created)
        for start in range(0, len(created), BATCH_ROWS):
            self.registry.add_contacts_where(Contact.id.in_(created[start : start + BATCH_ROWS]))


def _row_name(kind: str, values: dict) -> str:
    """What a row names: its person, organization or subject (the first 60 letters)."""
    if kind == "contacts":
        name = f"{values.get('given_name') or ''} {values.get('family_name') or ''}"
    elif kind == "organizations":
        name = str(values.get("name") or values.get("acronym") or "")
    elif kind == "engagements":
        name = str(values.get("subject") or "")
    else:
        name = str(values.get("contact") or values.get("contact_email") or "")
    return " ".join(name.split())[:60]


def _contact_keys(values: dict) -> set[str]:
    """The keys a contact row is matched by (email, phone, name), as _Registry keeps them."""
    name = f"{values.get('given_name') or ''} {values.get('family_name') or ''}"
    return {_key(values.get("email")), _key(values.get("phone")), _key(name)} - {""}


def _incoming(values: dict[str, Any]) -> str:
    """How a row names its record, to show beside the record it looks like."""
    if "given_name" in values or "family_name" in values:
        name = f"{values.get('given_name') or ''} {values.get('family_name') or ''}".strip()
        details = [str(values[k]) for k in ("email", "phone", "city") if values.get(k)]
        return name + (f" ({', '.join(details)})" if details else "")
    if "subject" in values:
        return f"{values.get('date')} {values['subject']}"
    if "name" in values:
        acronym = values.get("acronym")
        return f"{values['name']}" + (f" ({acronym})" if acronym else "")
    return ""


def _origin_of(field_name: str, origin: dict[str, str]) -> str:
    """The header behind a store field named differently from the file's field."""
    aliases = {
        "mission_id": "mission",
        "officer_id": "officer",
        "program_id": "program",
        "organization_ids": "organizations",
        "contact_ids": "contacts",
        "affiliations": "organization",
        "contact_id": "contact",
        "organization_id": "organization",
    }
    return origin.get(aliases.get(field_name, ""), "")


def run_import(
    engine: Engine,
    actor: Actor,
    source: Source,
    mapping: Mapping,
    *,
    commit: bool,
    on_match: str = SKIP,
    decisions: dict[int, str] | None = None,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    keep_good_rows: bool = False,
) -> ImportOutcome:
    """Read every row of `source` into the registry as `mapping` says. With `commit`
    False (a dry run), or when any row has a problem, nothing is kept, unless
    `keep_good_rows`: then the rows without a problem are kept and the others left out
    (for `write_problem_file`). Rows matching a record get `decisions[row]`, else
    `on_match`. Raises ImportCancelled when `cancelled()` turns true; the database is
    then as it was."""
    if on_match not in DECISIONS:
        raise ValidationError({"on_match": f"A matching row is {', '.join(DECISIONS)}."})
    if not any(target for target in mapping.columns.values()):
        raise ValidationError({"mapping": "No column is mapped to a field; choose at least one."})
    actor.require_write()
    outcome = ImportOutcome(mapping.kind, source.path.name)
    chosen = decisions or {}

    def decision_for(row: int) -> str:
        return chosen.get(row, on_match)

    with Session(writing(engine)) as s:  # the write lock from the start, not midway
        importer = _Importer(s, actor, source, mapping, outcome)
        try:
            with roomy_page_cache(s.connection()):
                for source_row in source.rows():
                    if cancelled is not None and cancelled():
                        raise ImportCancelled("The import was cancelled; nothing was written.")
                    outcome.rows += 1
                    importer.row(source_row.number, source_row.cells, decision_for)
                    if outcome.rows % BATCH_ROWS == 0:
                        s.expunge_all()
                        if progress is not None:
                            progress(outcome.rows)
                importer.write_pending()
                outcome.problems = [
                    replace(problem, named=importer.names.get(problem.row, ""))
                    for problem in outcome.problems
                ]
                acceptable = not outcome.problems or keep_good_rows
                keep = commit and acceptable and bool(outcome.created or outcome.updated)
                if keep:
                    record_audit(
                        s,
                        actor,
                        "import",
                        mapping.kind,
                        None,
                        {
                            "file": (None, source.path.name),
                            "sha256": (None, source.sha256),
                            "rows": (None, outcome.rows),
                            "created": (None, outcome.created),
                            "updated": (None, outcome.updated),
                            "skipped": (None, outcome.skipped),
                            "refused": (None, outcome.rows_with_problems),
                        },
                    )
            if keep:
                s.commit()
                outcome.committed = True
            else:
                s.rollback()
        except BaseException:
            s.rollback()
            raise
    return outcome


def write_problem_file(source: Source, outcome: ImportOutcome, path: Path | str) -> int:
    """The refused rows as a CSV to fix and import again: the file's own columns, then
    the row number and what is wrong with it. Returns how many rows were written."""
    reasons: dict[int, list[str]] = {}
    for problem in outcome.problems:
        where = f"{problem.column}: " if problem.column else ""
        reasons.setdefault(problem.row, []).append(where + problem.reason)
    written = 0
    with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*source.headers, "Row in the original file", "Problems"])
        for source_row in source.rows():
            if source_row.number in reasons:
                writer.writerow(  # neutralised as an export's cells are
                    [
                        *(neutralised(text_of(cell)) for cell in source_row.cells),
                        source_row.number,
                        neutralised(" | ".join(reasons[source_row.number])),
                    ]
                )
                written += 1
    make_private(path)
    return written
