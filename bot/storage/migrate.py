"""Run Alembic migrations from Python, from any working directory.

The CLI (``make migrate``) and start-up code call :func:`upgrade` with the URL from Settings.
The migration scripts are found relative to this package, not to the current directory or an
alembic.ini, so an installed package or a process started elsewhere migrates the same way.
"""

# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from bot.storage.session import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Alembic keeps the running migration in module-global state (``alembic.context``): two
#: threads migrating at once (the web app's purge and follow-up jobs, started in the same
#: second) broke each other with a KeyError (issue 16 attack). One at a time per process.
_ONE_AT_A_TIME = threading.Lock()


def alembic_config(database_url: str) -> Config:
    """An Alembic config pointing at our scripts and the given database, without an ini file.

    The URL travels in ``config.attributes`` rather than as an ini option, so a password with
    ``%`` in it is not mangled by configparser interpolation.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database's schema up to ``revision`` (by default the latest)."""
    with _ONE_AT_A_TIME:
        command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    """Take the schema back to ``revision`` (``"base"`` drops every table Reflect owns)."""
    with _ONE_AT_A_TIME:
        command.downgrade(alembic_config(database_url), revision)


def current_revision(database_url: str) -> str | None:
    """The revision the database is at, or ``None`` if it has never been migrated.

    Lets start-up code refuse to serve against a schema older than the code expects.
    """
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
    return None if revision is None else str(revision)
