"""Checking a database file: is it whole, do its records agree, is its search index
right, and how recent is its newest record. Results are sentences for the user.

After a crash, a database opened without its -wal file lacks the last committed
transactions; SQLite cannot tell, but the newest engagement and audit times let the
user see what the file holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from db.foundations.actor import SYSTEM_ACTOR, Actor
from db.foundations.engine import writing
from db.foundations.errors import PermissionDenied
from db.foundations.labels import counted

FTS_TABLES = ("organization_fts", "contact_fts", "engagement_fts", "program_fts")


@dataclass
class HealthReport:
    """What a check found: `problems` need action, `facts` describe the contents."""

    problems: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        """True when nothing needs action."""
        return not self.problems


def check_database(engine: Engine, actor: Actor, *, quick: bool = False) -> HealthReport:
    """Check the database; `quick` runs only SQLite's quick check, the audit chain and
    the newest times (what the window does on open, for anyone signed in), otherwise
    the full integrity, foreign-key and search-index checks too (administrators)."""
    if not quick:
        actor.require_admin()
    report = HealthReport()
    if engine.dialect.name == "sqlite":
        _check_pages(engine, report, quick=quick)
        if not quick and report.healthy:
            _check_references(engine, report)
            _check_search_index(engine, report)
    if report.healthy:
        _check_audit_chain(engine, report)
    if report.healthy:
        _describe_newest(engine, report)
    return report


def _check_audit_chain(engine: Engine, report: HealthReport) -> None:
    from sqlmodel import Session

    from db.database_file.witnesses import of_this_timeline, witnessed_problem
    from db.queries.audit import verify_audit_chain

    with Session(engine) as s:
        # The program checks its own file on the person's behalf: only the verdict is shown.
        try:
            chain = verify_audit_chain(s, SYSTEM_ACTOR)
        except PermissionDenied as hidden:  # a person's own server role reads only part
            report.facts.append(str(hidden))
            return
        witnesses = of_this_timeline(s, chain_witnesses(s, engine))
        problem = witnessed_problem(s, witnesses) if chain.intact else None
    if not chain.intact:
        report.problems.append(
            f"The audit log was edited outside Rabta: {chain.problem}. "
            "`rabta audit verify` names the entry; the backups hold earlier copies."
        )
    elif problem is not None:
        report.problems.append(
            f"The audit log was edited outside Rabta: {problem}. The backups hold earlier copies."
        )
    else:
        seen = counted(len(witnesses), "witness", "witnesses")
        compared = f", as {seen} saw it" if witnesses else ""
        report.facts.append(
            f"The audit chain is intact: {chain.entries:,} entries, {chain.head}{compared}; "
            f"{chain.signatures}."
        )


def chain_witnesses(s, engine: Engine) -> list:
    """The witnesses of a database file's chain (its keys file, its backups where the
    settings keep them); none for a server."""
    from db.database_file.backups import backup_folder
    from db.database_file.witnesses import audit_witnesses
    from db.foundations.errors import DatabaseUnavailable
    from db.rules.settings import read_settings

    if engine.dialect.name != "sqlite" or not engine.url.database:
        return []
    location = engine.url.database
    try:
        folder = backup_folder(location, read_settings(s).backup_folder)
    except DatabaseUnavailable:
        folder = None
    return audit_witnesses(location, folder if folder is not None and folder.is_dir() else None)


def rebuild_search_index(engine: Engine, actor: Actor) -> None:
    """Rebuild every full-text index from the records it indexes (SQLite)."""
    actor.require_admin()
    with writing(engine).begin() as connection:
        for table in _fts_tables(connection):
            connection.exec_driver_sql(f"INSERT INTO {table}({table}) VALUES('rebuild')")


def _check_pages(engine: Engine, report: HealthReport, *, quick: bool) -> None:
    pragma = "quick_check" if quick else "integrity_check"
    try:
        with engine.connect() as connection:
            rows = [row[0] for row in connection.exec_driver_sql(f"PRAGMA {pragma}(20)")]
    except DBAPIError as error:
        report.problems.append(
            "The file is damaged and cannot be read through "
            f"({_reason(error)}); restore it from the latest backup beside it."
        )
        return
    if rows != ["ok"]:
        report.problems.append(
            f"The file is damaged: SQLite's {pragma.replace('_', ' ')} found "
            f"{len(rows)}{'+' if len(rows) >= 20 else ''} problem(s), e.g. {rows[0]!r}. "
            "Restore it from the latest backup beside it."
        )


def _check_references(engine: Engine, report: HealthReport) -> None:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if rows:
        tables = sorted({row[0] for row in rows})
        report.problems.append(
            f"{len(rows)} record(s) refer to records that do not exist "
            f"(in {', '.join(tables)}); the file was changed outside Rabta."
        )


def _check_search_index(engine: Engine, report: HealthReport) -> None:
    broken: list[str] = []
    with writing(engine).connect() as connection:
        for table in _fts_tables(connection):
            try:
                connection.exec_driver_sql(
                    f"INSERT INTO {table}({table}) VALUES('integrity-check')"
                )
            except DBAPIError:
                broken.append(table.removesuffix("_fts"))
        connection.rollback()
    if broken:
        report.problems.append(
            f"The search index of {', '.join(broken)} does not match the records; "
            "`rabta check --rebuild-search-index` rebuilds it from them."
        )


def _describe_newest(engine: Engine, report: HealthReport) -> None:
    with engine.connect() as connection:
        engagements, newest_logged, newest_date = connection.execute(
            text("SELECT count(*), max(created_at), max(date) FROM engagement")
        ).one()
        changes, newest_change = connection.execute(
            text("SELECT count(*), max(at) FROM audit_entry")
        ).one()
    if engagements:
        report.facts.append(
            f"{engagements:,} engagements; the newest was logged at {_when(newest_logged)} "
            f"(the latest engagement date is {str(newest_date)[:10]})."
        )
    else:
        report.facts.append("No engagements are logged yet.")
    if changes:
        report.facts.append(
            f"{changes:,} changes in the audit log; the newest at {_when(newest_change)}."
        )


def _fts_tables(connection) -> list[str]:
    if connection.dialect.name != "sqlite":
        return []
    names = {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master")}
    return [table for table in FTS_TABLES if table in names]


def _when(value) -> str:
    return f"{str(value)[:16].replace('T', ' ')} UTC" if value else "an unknown time"


def _reason(error: DBAPIError) -> str:
    return str(error.orig).split("\n")[0]
