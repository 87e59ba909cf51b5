"""Throw-away databases for storage tests: a temporary SQLite file, or a private PostgreSQL schema.

Test modules wrap :func:`temporary_database` in their own fixtures (parametrised over both
backends). PostgreSQL tests skip when no server is reachable on a developer's machine, but fail
in CI (``CI=true``), where a silent skip would hide a broken backend. Each PostgreSQL database is
a uniquely named schema, selected through ``search_path`` in the URL, so concurrent test runs
sharing the server never see each other's tables, and Alembic's version table lands there too.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

DEFAULT_POSTGRES_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class TestDatabase:
    """A database URL for one test, and the PostgreSQL schema behind it (None for SQLite)."""

    __test__ = False  # not a test class, despite the name

    url: str
    backend: str
    schema: str | None = None


def postgres_admin_url() -> str:
    """The server tests may use; CI can point elsewhere with REFLECT_TEST_POSTGRES_URL."""
    return os.environ.get("REFLECT_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


@lru_cache(maxsize=1)
def _postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can (probed once per test run)."""
    engine = create_engine(postgres_admin_url(), future=True, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to connect means "unavailable"
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
    finally:
        engine.dispose()
    return None


def require_postgres() -> None:
    """Skip locally, fail in CI, when PostgreSQL is unreachable."""
    problem = _postgres_problem()
    if problem is None:
        return
    message = f"PostgreSQL at {make_url(postgres_admin_url())!r} is unreachable ({problem})"
    if os.environ.get("CI") == "true":
        pytest.fail(message + "; CI must test PostgreSQL")
    pytest.skip(message)


@contextmanager
def temporary_database(backend: str, tmp_path: Path) -> Iterator[TestDatabase]:
    """An empty database of the given backend, removed afterwards."""
    if backend == "sqlite":
        yield TestDatabase(url=f"sqlite:///{tmp_path / 'reflect.db'}", backend=backend)
        return
    if backend != "postgresql":
        raise ValueError(f"unknown backend {backend!r}")
    require_postgres()
    schema = f"reflect_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(postgres_admin_url(), future=True)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(postgres_admin_url()).update_query_dict(
            {"options": f"-csearch_path={schema}"}
        )
        yield TestDatabase(
            url=url.render_as_string(hide_password=False), backend=backend, schema=schema
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


#: The reflections table's columns, in order: nothing that could link a row to a practitioner.
REFLECTION_COLUMNS: tuple[str, ...] = (
    "id",
    "pack_id",
    "pack_version",
    "point_id",
    "text",
    "agency",
    "iso_week",
    "channel_kind",
    "receipt_hash",
    "created_week_start",
    "group_ref",
    "idempotency_key",
    "kind",
)


@contextmanager
def migrated_sessions(backend: str, tmp_path: Path) -> Iterator[sessionmaker]:
    """Sessions on a freshly migrated database of ``backend`` (Alembic's schema, not create_all)."""
    from bot.storage.migrate import upgrade
    from bot.storage.session import make_engine, make_session_factory

    with temporary_database(backend, tmp_path) as database:
        upgrade(database.url)
        engine = make_engine(database.url)
        try:
            yield make_session_factory(engine)
        finally:
            engine.dispose()


@contextmanager
def migrated_sqlite_sessions(tmp_path: Path) -> Iterator[sessionmaker]:
    """Sessions on a freshly migrated SQLite file."""
    with migrated_sessions("sqlite", tmp_path) as sessions:
        yield sessions
