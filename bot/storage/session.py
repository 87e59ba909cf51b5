"""Engines and sessions, built only when asked for, from a URL the caller passes in.

Nothing here runs at import: the web app, action server and CLI each build one engine at start-up
(from Settings) and pass a session factory down, and tests build their own.
"""

# SQLAlchemy 1.4 ships without type information; its objects are Any to mypy until SQLAlchemy 2.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool


def use_write_ahead_log(path: Path) -> None:
    """Put a SQLite database file in WAL mode (kept in the file, so it holds for every opener).

    In the default rollback-journal mode every commit syncs the whole journal and a writer
    blocks readers; with a write-ahead log commits are cheaper and the Rasa server, its workers
    and the action server can read while one of them writes. Used for both SQLite files
    (conversations and reflections) before the servers start.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()


#: libpq options for every PostgreSQL connection (a URL's own query wins): give up connecting
#: after 5 s, and notice a peer that stopped acknowledging within about 15 s, so a database
#: that is down or cut off fails a save (the user is told) instead of hanging it.
POSTGRES_CONNECT_ARGS: dict[str, int] = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 3,
    "keepalives_count": 3,
    "tcp_user_timeout": 15000,
}


def make_engine(database_url: str) -> Engine:
    """A 2.0-style engine for SQLite (development, tests) or PostgreSQL (county scale).

    SQLite: the parent directory of a file database is created (so ``sqlite:///var/reflect.db``
    works on a fresh clone), connections may cross threads (the ASGI app and action server use
    thread pools), and an in-memory database keeps one shared connection so every session sees
    the same tables. PostgreSQL: a small pool with ``pool_pre_ping`` so connections dropped by a
    database restart or load balancer are replaced instead of failing a practitioner's save.
    """
    url = make_url(database_url)
    kwargs: dict[str, Any] = {"future": True}
    if url.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False}
        database = url.database
        if not database or database == ":memory:" or url.query.get("mode") == "memory":
            kwargs["poolclass"] = StaticPool
        elif not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    elif url.get_backend_name() == "postgresql":
        kwargs.update(pool_pre_ping=True, pool_size=5, max_overflow=10)
        kwargs["connect_args"] = {
            key: value for key, value in POSTGRES_CONNECT_ARGS.items() if key not in url.query
        }
    return create_engine(url, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker:
    """A factory for 2.0-style sessions bound to ``engine``.

    ``expire_on_commit=False`` lets a service return plain values read from a row after the
    surrounding :func:`transaction` has committed.
    """
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker) -> Iterator[Session]:
    """One unit of work: commit if the block succeeds, roll back if it raises, always close.

    Service functions only flush; the caller decides where the unit of work ends, so an error
    halfway through never leaves half a change on disk.
    """
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
