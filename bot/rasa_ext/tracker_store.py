"""Rasa's SQL tracker store with fewer database round trips: same table, same rows.

The profile of one message (bench/README.md) put the tracker store at about a third of the Rasa
server's time. Rasa 3.6's ``SQLTrackerStore`` does, for every message:

1. load: one query building an ORM object per stored event, only to read its ``data`` column;
2. save: a ``COUNT`` over the conversation's events (with the same latest-session subquery) to
   find which of the tracker's events are new, then one ORM object per new event through the
   unit of work.

:class:`LeanSQLTrackerStore` keeps Rasa's queries and rows but:

1. loads only the ``data`` column (plain tuples, no ORM objects);
2. remembers, on the tracker it loaded, how many of its events came from the database, so the
   save needs no ``COUNT``: the events after those are the new ones. The conversation lock
   (Redis with several workers) guarantees nobody else wrote to the conversation in between,
   the same guarantee Rasa's ``COUNT`` relies on. A tracker this store did not load (or whose
   length no longer matches) falls back to Rasa's ``COUNT``;
3. inserts the new events in one executemany ``INSERT`` with exactly the columns Rasa's
   ``save`` writes.

Our server (``bot/rasa_ext/serve.py``) makes ``type: SQL`` in endpoints.yml use this class;
``rasa shell``, ``rasa test`` and stock Rasa read and write the very same rows.

Rasa 3.6's tracker stores cannot delete a conversation. :meth:`LeanSQLTrackerStore.delete` can,
and :func:`delete_conversation` finds it (or Rasa's own SQL store, same table) inside the
wrappers Rasa puts around every store, for "Forget this conversation" (bot/rasa_ext/forget.py).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.rasa_ext import patches

#: Attribute set on a tracker loaded here: how many of its events are already stored.
STORED_EVENTS = "_reflect_stored_events"


class LeanSQLTrackerStore(SQLTrackerStore):  # type: ignore[misc]
    """``SQLTrackerStore`` without the per-save ``COUNT`` and the per-row ORM objects."""

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        with self.session_scope() as session:
            query = self._event_query(
                session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions
            ).with_entities(self.SQLEvent.data)
            events = [json.loads(data) for (data,) in query.all()]
        if not (self.domain and events):
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if len(tracker.events) == len(events):
            setattr(tracker, STORED_EVENTS, len(events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Insert the tracker's events that are not stored yet, in one statement."""
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
                session.execute(self.SQLEvent.__table__.insert(), rows)
                session.commit()
        setattr(tracker, STORED_EVENTS, len(tracker.events))

    async def delete(self, sender_id: str) -> int:
        """Delete every stored event of one conversation, all its sessions; return how many."""
        return _delete_rows(self, sender_id)

    @staticmethod
    def _row(sender_id: str, type_name: str, data: dict[str, Any]) -> dict[str, Any]:
        """The columns of one event row, computed exactly as ``SQLTrackerStore.save`` does."""
        return {
            "sender_id": sender_id,
            "type_name": type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }


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


def install() -> None:
    """Make Rasa's ``type: SQL`` tracker store this one, in this process (our server only).

    Through bot/rasa_ext/patches.py (patch ``sql_tracker_store``), which also lists the private
    parts of Rasa's store this module overrides, calls and reads.
    """
    patches.apply("sql_tracker_store", LeanSQLTrackerStore)
