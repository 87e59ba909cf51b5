"""Rasa's SQL tracker store with fewer database round trips: same table, same rows.

The profile of one message (bench/README.md) put the tracker store at about a third of the Rasa
server's time. Rasa 3.6's ``SQLTrackerStore`` does, for every message:

1. load: one query building an ORM object per stored event, only to read its ``data`` column;
2. save: a ``COUNT`` over the conversation's events (with the same latest-session subquery) to
   find which of the tracker's events are new, then one ORM object per new event through the
   unit of work.

:class:`LeanSQLTrackerStore` keeps Rasa's queries and rows but:

1. loads only the ``data`` column (plain tuples, no ORM objects), with Rasa's query split in
   its two steps (where the session starts, then its rows) over two indexes it adds to Rasa's
   table (:data:`INDEXES`), so loading reads the current session's rows and not every row the
   conversation ever had: Rasa's query reads them all, 4 ms at 11,000 rows;
2. remembers, on the tracker it loaded, how many of its events came from the database, so the
   save needs no ``COUNT``: the events after those are the new ones. The conversation lock
   (Redis with several workers) guarantees nobody else wrote to the conversation in between,
   the same guarantee Rasa's ``COUNT`` relies on. A tracker this store did not load (or whose
   length no longer matches) falls back to Rasa's ``COUNT``;
3. inserts the new events in one executemany ``INSERT`` with exactly the columns Rasa's
   ``save`` writes.

Two things it writes differently from Rasa's store, on purpose:

- **Session rollover** (bot/rasa_ext/rollover.py): once the current session holds more than
  ``TRACKER_ROLLOVER_EVENTS`` events, the save that ends a turn also appends a new session that
  carries the place over (slots, form, a copy of the last few turns), checked to lead to the
  same next prediction. Loading, and so every message, then costs the same at message 500 as
  at message 10. Rasa reads such a session like any other.
- **No per-member metadata**: in a Teams group the door puts a keyed hash of the member who wrote
  a message in ``metadata["member"]`` (:data:`MEMBER_METADATA_KEY`), for that turn's actions only.
  It is left out of the stored row (``metadata`` and ``parse_data.metadata`` of user events), so
  the tracker store never links a group's messages to its members.

Our server (``bot/rasa_ext/serve.py``) makes ``type: SQL`` in endpoints.yml use this class;
``rasa shell``, ``rasa test`` and stock Rasa read and write the very same rows.

Rasa 3.6's tracker stores cannot delete a conversation. :meth:`LeanSQLTrackerStore.delete` can,
and :func:`delete_conversation` finds it (or Rasa's own SQL store, same table) inside the
wrappers Rasa puts around every store, for "Forget this conversation" (bot/rasa_ext/forget.py).
"""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.followup.service import TOKEN_METADATA_KEY
from bot.rasa_ext import patches, rollover
from bot.reflections.receipts import MEMBER_METADATA_KEY
from bot.settings.config import Settings, load_settings
from bot.storage.session import POSTGRES_CONNECT_ARGS

logger = logging.getLogger(__name__)

#: Attribute set on a tracker loaded here: how many of its events are already stored.
STORED_EVENTS = "_reflect_stored_events"
#: Attribute set on a tracker once a save has rolled its session over (once is enough).
ROLLED_OVER = "_reflect_rolled_over"
#: Conversations whose rollover was declined, and the session length then: tried again only
#: after :data:`RETRY_AFTER` of the threshold more events, not on every message.
_DECLINED_KEPT = 1000
RETRY_AFTER = 0.25
#: Indexes added to Rasa's ``events`` table (``CREATE INDEX IF NOT EXISTS``): the latest session
#: start, then the current session's rows, found without reading the whole conversation.
INDEXES = {
    "ix_events_sender_type_timestamp": ("sender_id", "type_name", "timestamp"),
    "ix_events_sender_timestamp": ("sender_id", "timestamp"),
}


class LeanSQLTrackerStore(SQLTrackerStore):  # type: ignore[misc]
    """``SQLTrackerStore`` without the per-save ``COUNT`` and the per-row ORM objects.

    ``rollover_events`` (default: the class's, which :func:`install` sets from
    ``TRACKER_ROLLOVER_EVENTS``) is the session length past which a save rolls the session
    over; 0 never does.
    """

    #: The ``TRACKER_ROLLOVER_EVENTS`` default until :func:`install` sets the configured value.
    rollover_events: int = cast(
        int, Settings.__dataclass_fields__["tracker_rollover_events"].default
    )

    engine: sa.engine.Engine  # Rasa's, rebuilt by _ping_before_use

    def __init__(self, *args: Any, rollover_events: int | None = None, **kwargs: Any) -> None:
        host = kwargs.get("host")
        if isinstance(host, str):
            kwargs["host"] = with_timeouts(host)
        super().__init__(*args, **kwargs)
        self._ping_before_use()
        if rollover_events is not None:
            self.rollover_events = rollover_events
        self._declined: dict[str, int] = {}
        self._create_indexes()

    def _ping_before_use(self) -> None:
        """Check a pooled connection before a request uses it, and replace it if it is dead.

        Rasa's engine keeps PostgreSQL connections in a pool without checking them, so after a
        database restart, a failover or ``pg_terminate_backend`` the next message on each
        replica failed ("I couldn't save that") although the database was back (found by the
        attack on the running cluster). ``pool_pre_ping`` is SQLAlchemy's remedy; Rasa's
        ``__init__`` offers no way to pass it, so its engine is rebuilt with it here.
        """
        engine = self.engine
        if engine.dialect.name == "sqlite":
            return  # a file: nothing to drop
        url = engine.url
        engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _create_indexes(self) -> None:
        """Add :data:`INDEXES` unless there (the server does it once, before its workers fork).

        Declared on a table of their own, so Rasa's ``SQLEvent`` metadata is left as it is.
        They only make loading faster: if one cannot be created (another process creating it
        at the same moment), the store works as before and says so in the log.
        """
        table = sa.Table(
            self.SQLEvent.__tablename__,
            sa.MetaData(),
            *(sa.Column(column.name, column.type) for column in self.SQLEvent.__table__.columns),
        )
        for name, columns in INDEXES.items():
            try:
                index = sa.Index(name, *(table.c[column] for column in columns))
                with self.engine.begin() as connection:
                    index.create(connection, checkfirst=True)
            except (KeyError, sa.exc.SQLAlchemyError) as exc:
                logger.warning("tracker store index %s not created: %s", name, type(exc).__name__)

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        with self.session_scope() as session:
            events = [
                json.loads(data)
                for data in self._stored_data(
                    session, sender_id, all_sessions=fetch_events_from_all_sessions
                )
            ]
        if not (self.domain and events):
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if len(tracker.events) == len(events):
            setattr(tracker, STORED_EVENTS, len(events))
        return tracker

    def _stored_data(self, session: Any, sender_id: str, *, all_sessions: bool) -> list[str]:
        """The ``data`` of the rows Rasa's ``_event_query`` selects, in its order (by id).

        The current session is every row from the latest ``session_started``'s timestamp on, or
        every row if there is none; asked in two steps, each answered from an index.
        """
        table = self.SQLEvent.__table__
        query = sa.select(table.c.data).where(table.c.sender_id == sender_id)
        if not all_sessions:
            start = session.execute(
                sa.select(sa.func.max(table.c.timestamp)).where(
                    table.c.sender_id == sender_id,
                    table.c.type_name == SessionStarted.type_name,
                )
            ).scalar()
            if start is not None:
                query = query.where(table.c.timestamp >= start)
        return list(session.execute(query.order_by(table.c.id)).scalars())

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Insert the tracker's events that are not stored yet (and any rollover), at once."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            stored = getattr(tracker, STORED_EVENTS, None)
            if isinstance(stored, int) and 0 <= stored <= len(tracker.events):
                new = list(itertools.islice(tracker.events, stored, None))
            else:
                new = list(self._additional_events(session, tracker))
            if new:
                rows = [
                    self._row(tracker.sender_id, event.type_name, event.as_dict()) for event in new
                ]
                rows += self._rollover_rows(tracker)
                session.execute(self.SQLEvent.__table__.insert(), rows)
                session.commit()
        setattr(tracker, STORED_EVENTS, len(tracker.events))

    def _rollover_rows(self, tracker: DialogueStateTracker) -> list[dict[str, Any]]:
        """The rows of a session rollover if one is due and keeps the place, else none."""
        if not self.domain or self.rollover_events <= 0 or getattr(tracker, ROLLED_OVER, False):
            return []
        sender = tracker.sender_id
        declined_at = self._declined.get(sender)
        if declined_at is not None and len(tracker.events) < declined_at + max(
            1, int(self.rollover_events * RETRY_AFTER)
        ):
            return []
        planned = rollover.plan(tracker, self.domain, threshold=self.rollover_events)
        if planned is None:
            if len(tracker.events) > self.rollover_events:
                self._remember_declined(sender, len(tracker.events))
            return []
        self._declined.pop(sender, None)
        setattr(tracker, ROLLED_OVER, True)
        # Counts only: never the sender id (a key to the conversation) or any text.
        logger.debug(
            "session rolled over: %d events replaced by %d", planned.replaced, len(planned.events)
        )
        return [self._row(sender, event["event"], event) for event in planned.events]

    def _remember_declined(self, sender: str, events: int) -> None:
        if len(self._declined) >= _DECLINED_KEPT:
            self._declined.pop(next(iter(self._declined)))
        self._declined[sender] = events

    async def delete(self, sender_id: str) -> int:
        """Delete every stored event of one conversation, all its sessions; return how many."""
        return _delete_rows(self, sender_id)

    @staticmethod
    def _row(sender_id: str, type_name: str, data: dict[str, Any]) -> dict[str, Any]:
        """The columns of one event row, computed exactly as ``SQLTrackerStore.save`` does.

        Except that the group member's hash (:data:`MEMBER_METADATA_KEY`) and the widget's
        follow-up token (:data:`TURN_ONLY_METADATA`) are left out, of a user message and of the
        slot Rasa copies the session's first metadata into (``session_started_metadata``).
        """
        if type_name == UserUttered.type_name:
            data = without_member(data)
        elif type_name == SlotSet.type_name and _has_member(data.get("value")):
            data = {**data, "value": _drop_member(data["value"])}
        return {
            "sender_id": sender_id,
            "type_name": type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }


def with_timeouts(url: str) -> str:
    """A PostgreSQL URL with the connection timeouts every Reflect engine uses, unless set.

    Rasa builds the tracker store's engine itself, from the URL (endpoints.yml ``url``), so the
    libpq options of :data:`bot.storage.session.POSTGRES_CONNECT_ARGS` go in its query: without
    them a database cut off the network hangs every message (fail closed needs an error to
    report, bot/rasa_ext/fail_closed.py). Other URLs are returned as they are.
    """
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgresql"):
        return url
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    for key, value in POSTGRES_CONNECT_ARGS.items():
        query.setdefault(key, str(value))
    return urlunsplit(parts._replace(query=urlencode(query)))


def without_member(data: dict[str, Any]) -> dict[str, Any]:
    """A serialised user event without the turn-only metadata (:data:`TURN_ONLY_METADATA`).

    Removed from ``metadata`` and from ``parse_data``.

    Copies what it changes: the event in the tracker keeps it for the rest of the turn.
    """
    out = dict(data)
    if _has_member(out.get("metadata")):
        out["metadata"] = _drop_member(out["metadata"])
    parse_data = out.get("parse_data")
    if isinstance(parse_data, dict) and _has_member(parse_data.get("metadata")):
        out["parse_data"] = {**parse_data, "metadata": _drop_member(parse_data["metadata"])}
    return out


#: Metadata for one turn's actions only, never written to the store: the group member's hash,
#: and the widget's follow-up token (bot.followup.service), which would otherwise tie the stored
#: conversation to its follow-up for anyone holding the secret.
TURN_ONLY_METADATA = frozenset({MEMBER_METADATA_KEY, TOKEN_METADATA_KEY})


def _has_member(metadata: Any) -> bool:
    return isinstance(metadata, dict) and not TURN_ONLY_METADATA.isdisjoint(metadata)


def _drop_member(metadata: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in metadata.items() if key not in TURN_ONLY_METADATA}


class CannotDelete(RuntimeError):
    """The tracker store in use has no way to delete a conversation (e.g. Redis, Mongo)."""


def _delete_rows(store: SQLTrackerStore, sender_id: str) -> int:
    """One ``DELETE`` of a sender's rows from Rasa's ``events`` table (ours or Rasa's store)."""
    with store.session_scope() as session:
        table = store.SQLEvent.__table__
        result = session.execute(table.delete().where(table.c.sender_id == sender_id))
        session.commit()
    return int(result.rowcount)


def _layers(store: Any) -> list[Any]:
    """``store`` and every store inside it, outermost first.

    Rasa hands out ``FailSafeTrackerStore(store)`` (rasa/core/agent.py), and wraps a store
    without async methods in ``AwaitableTrackerStore`` (rasa/core/tracker_store.py); both keep
    the wrapped store in ``_tracker_store``. ``FailSafeTrackerStore`` also keeps, once a save
    has failed, an in-memory ``_fallback_tracker_store`` that may hold the conversation.
    Private attributes of Rasa 3.6, registered in bot/rasa_ext/patches.py and checked there.
    """
    found: list[Any] = []
    pending = [store]
    while pending and len(found) < 10:
        layer = pending.pop(0)
        if layer is None or any(layer is seen for seen in found):
            continue
        found.append(layer)
        pending += [
            getattr(layer, "_tracker_store", None),
            getattr(layer, "_fallback_tracker_store", None),
        ]
    return found


async def delete_conversation(store: Any, sender_id: str) -> int:
    """Delete one conversation from the tracker store Rasa gave us; return the events deleted.

    Deletes from every layer that can hold it: the SQL store (all sessions) and Rasa's
    in-memory fallback. A store that cannot delete raises :class:`CannotDelete` rather than
    pretend, so "forgotten" is never said about a conversation that is still kept.
    """
    deleted = 0
    stores = 0
    for layer in _layers(store):
        if callable(getattr(layer, "delete", None)):  # ours (Rasa 3.6's stores have none)
            deleted += await layer.delete(sender_id)
        elif isinstance(layer, SQLTrackerStore):
            deleted += _delete_rows(layer, sender_id)
        elif isinstance(layer, InMemoryTrackerStore):
            kept = layer.store.pop(sender_id, None)
            deleted += len(json.loads(kept).get("events", [])) if kept else 0
        elif getattr(layer, "_tracker_store", None) is None:
            raise CannotDelete(f"{type(layer).__name__} cannot delete a conversation")
        else:
            continue
        stores += 1
    if not stores:
        raise CannotDelete("no tracker store to delete from")
    return deleted


def install(settings: Settings | None = None) -> None:
    """Make Rasa's ``type: SQL`` tracker store this one, in this process (our server only).

    Through bot/rasa_ext/patches.py (patch ``sql_tracker_store``), which also lists the private
    parts of Rasa's store this module overrides, calls and reads. Its rollover threshold is
    ``TRACKER_ROLLOVER_EVENTS`` from ``settings`` (default: this process's, loaded now).
    """
    settings = settings if settings is not None else load_settings()
    LeanSQLTrackerStore.rollover_events = settings.tracker_rollover_events
    patches.apply("sql_tracker_store", LeanSQLTrackerStore)
