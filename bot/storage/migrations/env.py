"""Alembic's entry point: connect to the database we were given and run the migrations.

The URL comes, in order, from ``config.attributes["database_url"]`` (set by
:mod:`bot.storage.migrate`, which the app and CLI use), ``-x database_url=...`` on the alembic
command line, or ``sqlalchemy.url`` in alembic.ini. This file never reads the environment
itself: configuration is resolved once, in bot/settings/config.py, and passed in.

SQLite cannot ``ALTER`` most things, so migrations run in batch mode there (copy, alter, swap),
as microblog-api does; PostgreSQL alters in place.
"""

# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from bot.storage.models import metadata
from bot.storage.session import make_engine

config = context.config

# Only the alembic command line has an ini file; programmatic runs keep the app's logging.
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _database_url() -> str:
    """Where to migrate, from the caller first and the ini file last."""
    url = config.attributes.get("database_url")
    if not url:
        url = context.get_x_argument(as_dictionary=True).get("database_url")
    if not url:
        url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError(
            "No database URL: pass -x database_url=... or use bot.storage.migrate.upgrade()"
        )
    return str(url)


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_offline() -> None:
    """Write the SQL to stdout instead of running it (``alembic upgrade head --sql``)."""
    url = _database_url()
    context.configure(
        url=url,
        target_metadata=metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations in one transaction on a live connection."""
    connection = config.attributes.get("connection")
    if connection is not None:
        # A caller (e.g. a test on in-memory SQLite) lent us its connection: use it as is.
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_database_url())
    try:
        with engine.connect() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
