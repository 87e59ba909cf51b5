"""What each conversation remembers of the identifiers it redacted: keyed hashes, expiring.

The door (bot/channels/door.py) catches "Hollis said no" after "dad Frankie Hollis" two messages
earlier by recalling, for the conversation, the keyed hashes of the words it redacted before.
This module keeps those hashes in the ``conversation_memory`` table, shared by every Rasa
worker and replica, and forgets them when the conversation session would have expired (or when
the practitioner asks to forget the conversation, or `bin/reflect purge` runs).

Nothing identifying is kept: the conversation column is a keyed hash of the sender pseudonym
(:func:`bot.reflections.receipts.conversation_key`) and each token a keyed hash of a word under
the secret and the conversation (:func:`bot.reflections.receipts.memory_hash`). Without the
server secret the table says nothing; with it, one would still have to guess the words.

Called from the channels off the event loop (plain blocking SQLAlchemy).
"""

# SQLAlchemy 1.4 ships without type information; its objects are Any to mypy until SQLAlchemy 2.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.models import ConversationMemoryRow
from bot.storage.session import transaction

logger = logging.getLogger(__name__)

#: A conversation remembers at most this many tokens; beyond it new ones are not kept (and the
#: rules still run on every message). Bounds the table and the per-message recall.
MAX_TOKENS_PER_CONVERSATION = 2_000

Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def recall(*, session: Session, conversation: str, now: datetime) -> dict[str, str]:
    """The conversation's unexpired token hashes and their types."""
    rows = session.execute(
        select(ConversationMemoryRow.token, ConversationMemoryRow.kind).where(
            ConversationMemoryRow.conversation == conversation,
            ConversationMemoryRow.expires_at > now,
        )
    )
    return {token: kind for token, kind in rows}


def remember(
    *,
    session: Session,
    conversation: str,
    entries: Mapping[str, str],
    now: datetime,
    lifetime: timedelta,
    known: int = 0,
) -> int:
    """Keep ``entries`` (token hash -> type) and extend the whole conversation's expiry.

    ``known`` is how many tokens the conversation already holds (from :func:`recall`), so the
    cap needs no extra count query. Returns how many new tokens were kept.
    """
    expires = now + lifetime
    room = max(0, MAX_TOKENS_PER_CONVERSATION - known)
    fresh = dict(list(entries.items())[:room])
    if len(fresh) < len(entries):
        logger.warning(
            "conversation_memory.full kept=%d dropped=%d", len(fresh), len(entries) - len(fresh)
        )
    if fresh:
        rows = [
            {"conversation": conversation, "token": token, "kind": kind[:16], "expires_at": expires}
            for token, kind in fresh.items()
        ]
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(ConversationMemoryRow).values(rows)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["conversation", "token"],
                set_={"expires_at": statement.excluded.expires_at},
            )
        )
    session.execute(
        update(ConversationMemoryRow)
        .where(ConversationMemoryRow.conversation == conversation)
        .values(expires_at=expires)
        .execution_options(synchronize_session=False)
    )
    return len(fresh)


def forget(*, session: Session, conversation: str) -> int:
    """Delete everything the conversation remembers; returns how many rows went."""
    result = session.execute(
        delete(ConversationMemoryRow)
        .where(ConversationMemoryRow.conversation == conversation)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)


def purge(*, session: Session, now: datetime) -> int:
    """Delete expired rows (run by `bin/reflect purge`, and as conversations carry on)."""
    result = session.execute(
        delete(ConversationMemoryRow)
        .where(ConversationMemoryRow.expires_at <= now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)


def count(*, session: Session) -> int:
    """Rows held in all (for tests and the operator)."""
    return int(session.execute(select(func.count()).select_from(ConversationMemoryRow)).scalar())


@dataclass
class ConversationMemory:
    """The door's memory: one short transaction per call, over a session factory.

    Attributes:
        factory: Sessions on the reflections database (SQLite or PostgreSQL).
        lifetime: How long a conversation remembers after its last message (its session).
        clock: Naive UTC "now" (tests pass their own).
    """

    factory: sessionmaker
    lifetime: timedelta
    clock: Clock = _utcnow

    def recall(self, conversation: str) -> dict[str, str]:
        """Token hash -> type for the conversation (empty for a new one)."""
        with transaction(self.factory) as session:
            return recall(session=session, conversation=conversation, now=self.clock())

    def remember(self, conversation: str, entries: Mapping[str, str], *, known: int = 0) -> None:
        """Keep new entries and keep the conversation's memory alive for another lifetime.

        A message that redacted nothing writes nothing (most messages), so the memory lives for
        ``lifetime`` after the last message that named someone.
        """
        if not entries:
            return
        with transaction(self.factory) as session:
            remember(
                session=session,
                conversation=conversation,
                entries=entries,
                now=self.clock(),
                lifetime=self.lifetime,
                known=known,
            )

    def forget(self, conversation: str) -> int:
        """Delete the conversation's memory ("Forget this conversation")."""
        with transaction(self.factory) as session:
            return forget(session=session, conversation=conversation)
