"""The widget's revocation list in our database, so every Rasa server process sees it.

"Forget this conversation" revokes a session token that would otherwise stay valid for days
(bot/web/sessions.py). Rasa may run several workers and replicas, each with its own memory, so
the list lives in the ``revoked_widget_sessions`` table of the reflections database (created
by Alembic; every process already reaches that database). Rows hold a keyed hash of the token
and its issue day only.

The engine is built on first use, not when the object is made: the Rasa server builds its
channels before Sanic forks its workers, and a database connection must not cross a fork.
"""

# SQLAlchemy 1.4 ships without type information; its objects are Any to mypy until SQLAlchemy 2.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import sessionmaker

from bot.storage.models import RevokedWidgetSession
from bot.storage.session import make_engine, make_session_factory, transaction


class SqlRevocationList:
    """:class:`bot.web.sessions.RevocationList` on the ``revoked_widget_sessions`` table."""

    def __init__(self, database_url: str) -> None:
        self._database_url = database_url
        self._factory: sessionmaker | None = None
        self._lock = threading.Lock()

    def _sessions(self) -> sessionmaker:
        with self._lock:
            if self._factory is None:
                self._factory = make_session_factory(make_engine(self._database_url))
            return self._factory

    def contains(self, key: str) -> bool:
        """Whether a row for this key exists (one primary-key lookup)."""
        with transaction(self._sessions()) as session:
            found = session.execute(
                select(RevokedWidgetSession.token_key).where(RevokedWidgetSession.token_key == key)
            ).first()
        return found is not None

    def add(self, key: str, *, issued_on: date) -> None:
        """Insert the key unless it is there already (two tabs may forget at the same time)."""
        with transaction(self._sessions()) as session:
            dialect = session.get_bind().dialect.name
            values = {"token_key": key, "issued_on": issued_on}
            if dialect in {"postgresql", "sqlite"}:
                insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
                session.execute(
                    insert(RevokedWidgetSession)
                    .values(**values)
                    .on_conflict_do_nothing(index_elements=["token_key"])
                )
            elif session.get(RevokedWidgetSession, key) is None:
                session.add(RevokedWidgetSession(**values))

    def purge(self, *, issued_before: date) -> int:
        """Delete the rows of tokens issued before ``issued_before``; return how many."""
        with transaction(self._sessions()) as session:
            result = session.execute(
                delete(RevokedWidgetSession)
                .where(RevokedWidgetSession.issued_on < issued_before)
                .execution_options(synchronize_session=False)
            )
        return int(result.rowcount)

    def close(self) -> None:
        """Release the database connections (tests; a server keeps them for its lifetime)."""
        with self._lock:
            if self._factory is not None:
                self._factory.kw["bind"].dispose()
                self._factory = None
