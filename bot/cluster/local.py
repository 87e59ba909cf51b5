"""This machine's PostgreSQL and Redis for `make run-cluster` when none are configured.

Cluster mode needs both (bot/cluster/launch.py). A developer who has not set DATABASE_URL or
REDIS_URL gets the ones this machine runs, in a database and a Redis db of their own
(``reflect_cluster``, db 2) so nothing else's data is touched; the banner says so, since a
deployment must never end up on them by accident.
"""

from __future__ import annotations

import re
from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.settings.config import Settings

LOCAL_DATABASE_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/reflect_cluster"
LOCAL_REDIS_URL = "redis://127.0.0.1:6379/2"

_SAFE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


def with_local_services(settings: Settings) -> tuple[Settings, list[str]]:
    """``settings`` with the local PostgreSQL and Redis filled in where unset, and which were."""
    filled = []
    if settings.database_url is None:
        settings = replace(settings, database_url=LOCAL_DATABASE_URL)
        filled.append("DATABASE_URL")
    if settings.redis_url is None:
        settings = replace(settings, redis_url=LOCAL_REDIS_URL)
        filled.append("REDIS_URL")
    return settings, filled


def ensure_database(database_url: str) -> bool:
    """Create the PostgreSQL database ``database_url`` names if it does not exist; True if made.

    Connects to the same server's ``postgres`` database to do it (CREATE DATABASE cannot run in
    a transaction, hence AUTOCOMMIT).
    """
    url = make_url(database_url)
    name = url.database or ""
    if not _SAFE_NAME.fullmatch(name):
        raise ValueError("the database name must be letters, digits and underscores")
    admin = sa.create_engine(
        url.set(database="postgres"), future=True, isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as connection:
            databases = sa.table("pg_database", sa.column("datname"))
            query = sa.select(databases.c.datname).where(databases.c.datname == name)
            if connection.execute(query).first() is not None:
                return False
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            return True
    finally:
        admin.dispose()
