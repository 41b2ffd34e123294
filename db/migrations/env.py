"""Alembic environment: runs on the connection db/database_file/migrate.py hands over."""

from alembic import context
from sqlmodel import SQLModel

import db.foundations.models  # noqa: F401  (registers every table on SQLModel.metadata)
from db.database_file.migrate import include_in_comparison

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    """Run migrations on the shared connection, or on a fresh one from the config URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from db.foundations.engine import create_database_engine

    engine = create_database_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as fresh:
        _run(fresh)
        fresh.commit()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_object=include_in_comparison,
        compare_type=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Rabta migrations run online only (python main.py opens and upgrades).")
run_migrations_online()
