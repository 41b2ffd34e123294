"""A shared registry on a server is upgraded on purpose, once, after a copy: opening it
from a newer Rabta does not change it, two clients upgrading at once both end at the
head, and the upgrade command takes a pg_dump first."""

from __future__ import annotations

import threading

import pytest
from alembic import command

from db.database_file.migrate import alembic_config, current_revision, head_revision, open_database
from db.foundations.engine import create_database_engine
from db.foundations.errors import DatabaseUnavailable
from tests.test_cli import rabta

EARLIER = "0015"


def _registry_at_earlier_schema(pg_databases) -> str:
    url = pg_databases.blank()
    engine = create_database_engine(url)
    with engine.connect() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, EARLIER)
        connection.commit()
    engine.dispose()
    return url


def _revision(url: str) -> str | None:
    engine = create_database_engine(url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


def test_opening_an_older_registry_on_a_server_leaves_it_and_says_who_upgrades(pg_databases):
    url = _registry_at_earlier_schema(pg_databases)
    with pytest.raises(DatabaseUnavailable, match=r"python main\.py upgrade --db URL"):
        open_database(url)
    assert _revision(url) == EARLIER


def test_two_clients_upgrading_at_once_both_end_at_the_head(pg_databases):
    url = _registry_at_earlier_schema(pg_databases)
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def upgrade() -> None:
        start.wait()
        try:
            open_database(url, upgrade_server=True, server_backup_taken=True).engine.dispose()
        except BaseException as error:  # the test reports it
            failures.append(error)

    threads = [threading.Thread(target=upgrade) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert _revision(url) == head_revision()


def test_the_upgrade_command_copies_the_registry_with_pg_dump_first(pg_databases, tmp_path):
    url = _registry_at_earlier_schema(pg_databases)
    without_pg_dump = {"PATH": str(tmp_path / "no-programs"), "XDG_DATA_HOME": str(tmp_path)}
    refused = rabta("upgrade", "--db", url, env=without_pg_dump)
    assert refused.returncode == 2 and "pg_dump is not on this computer's PATH" in refused.stderr
    assert _revision(url) == EARLIER
    with_pg_dump = {**without_pg_dump, "PATH": str(pg_databases.programs_folder)}
    done = rabta("upgrade", "--db", url, env=with_pg_dump)
    assert done.returncode == 0, done.stderr
    assert f"from schema version {EARLIER} to {head_revision()}" in done.stdout
    [dump] = list(tmp_path.rglob("*.backup-*-upgrade.dump"))
    assert dump.read_bytes()[:5] == b"PGDMP" and str(dump) in done.stdout
    assert _revision(url) == head_revision()
    again = rabta("upgrade", "--db", url, env=with_pg_dump)
    assert "nothing to upgrade" in again.stdout
