"""The lean SQL tracker store writes exactly the rows Rasa's own writes, and reads them back.

Each test drives Rasa's ``SQLTrackerStore`` and ours through the same conversation, each on its
own empty database (SQLite and PostgreSQL), and compares every stored row and the trackers read
back.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.core import tracker_store as rasa_tracker_store
from rasa.core.tracker_store import (
    AwaitableTrackerStore,
    FailSafeTrackerStore,
    InMemoryTrackerStore,
    SQLTrackerStore,
    TrackerStore,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext import rollover, tracker_store
from bot.rasa_ext.rollover import same_place
from bot.rasa_ext.tracker_store import (
    INDEXES,
    RETRY_AFTER,
    STORED_EVENTS,
    CannotDelete,
    LeanSQLTrackerStore,
    delete_conversation,
    without_member,
)
from bot.reflections.receipts import MEMBER_METADATA_KEY
from bot.settings.config import PROJECT_ROOT
from tests.bot.rasa_ext.test_rollover import Clock, _discussion
from tests.bot.rasa_ext.test_rollover import _turn as _rollover_turn
from tests.e2e.test_canary import _create_database, _drop_database
from tests.settings import make_settings

SENDER = "rest:0123456789abcdef"
OTHER = "s_another-conversation"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(PROJECT_ROOT / "domain.yml")


def _store_kwargs(backend: str, place: Path | str) -> dict[str, Any]:
    if backend == "sqlite":
        return {"dialect": "sqlite", "db": str(place)}
    return {
        "dialect": "postgresql",
        "host": "127.0.0.1",
        "port": 5432,
        "db": str(place),
        "username": "postgres",
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def stores(
    request: pytest.FixtureRequest, tmp_path: Path, domain: Domain
) -> Iterator[tuple[SQLTrackerStore, LeanSQLTrackerStore]]:
    """Rasa's store and ours, each on its own empty database of the same backend."""
    backend: str = request.param
    if backend == "sqlite":
        places: list[Path | str] = [tmp_path / "rasa.db", tmp_path / "lean.db"]
    else:
        places = [_create_database(), _create_database()]
    rasa_store = SQLTrackerStore(domain, **_store_kwargs(backend, places[0]))
    lean_store = LeanSQLTrackerStore(domain, **_store_kwargs(backend, places[1]))
    try:
        yield rasa_store, lean_store
    finally:
        for store in (rasa_store, lean_store):
            store.engine.dispose()
        if backend == "postgresql":
            for name in places:
                _drop_database(str(name))


def _rows(store: SQLTrackerStore) -> list[tuple[Any, ...]]:
    """Every stored row in id order, without the id (each database numbers its own)."""
    table = store.SQLEvent.__table__
    columns = [c for c in table.columns if c.name != "id"]
    with store.engine.connect() as connection:
        return [tuple(r) for r in connection.execute(sa.select(*columns).order_by(table.c.id))]


def _turn(text: str, intent: str, reply: str, at: float) -> list[Event]:
    """One message: what the processor appends to the tracker while handling it."""
    return [
        UserUttered(text, {"name": intent, "confidence": 0.9}, timestamp=at),
        ActionExecuted("action_show_discussion_point", timestamp=at + 0.1),
        SlotSet("point_number", 2, timestamp=at + 0.2),
        BotUttered(
            reply, {"buttons": [{"title": "Next", "payload": "/next_point"}]}, timestamp=at + 0.3
        ),
        ActionExecuted("action_listen", timestamp=at + 0.4),
    ]


async def _converse(
    store: TrackerStore, turns: list[list[Event]], sender: str = SENDER
) -> DialogueStateTracker:
    """Retrieve (or create), apply one turn, save: the processor's cycle, once per turn.

    The conversation's first ``action_listen`` is added here with a fixed timestamp (Rasa's
    ``create_tracker`` would stamp it with the clock), so both databases can be compared.
    """
    first = [ActionExecuted("action_listen", timestamp=999.0)]
    for index, turn in enumerate(turns):
        tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
        for event in [*first, *turn] if index == 0 else turn:
            tracker.update(event)
        await store.save(tracker)
    return tracker


def _both(stores: tuple[SQLTrackerStore, LeanSQLTrackerStore], turns: list[list[Event]]) -> None:
    for store in stores:
        asyncio.run(_converse(store, turns))


TURNS = [
    _turn("discuss and reflect", "discuss", "Point 1 of 4", 1000.0),
    _turn("next", "next_point", "Point 2 of 4", 1010.0),
    _turn("add a reflection", "add_reflection", "Write your reflection", 1020.0),
]


def test_the_rows_are_exactly_rasas(stores: tuple[SQLTrackerStore, LeanSQLTrackerStore]) -> None:
    _both(stores, TURNS)

    rasa_rows, lean_rows = (_rows(store) for store in stores)
    assert len(rasa_rows) == 1 + 5 * len(TURNS)  # the first action_listen, then each turn
    assert lean_rows == rasa_rows


def test_the_tracker_read_back_is_the_same(
    stores: tuple[SQLTrackerStore, LeanSQLTrackerStore],
) -> None:
    _both(stores, TURNS)

    rasa_tracker, lean_tracker = (asyncio.run(store.retrieve(SENDER)) for store in stores)
    assert rasa_tracker is not None and lean_tracker is not None
    assert list(lean_tracker.events) == list(rasa_tracker.events)
    assert lean_tracker.current_state() == rasa_tracker.current_state()
    assert lean_tracker.get_slot("point_number") == 2


def test_a_new_session_is_read_from_its_start_like_rasa(
    stores: tuple[SQLTrackerStore, LeanSQLTrackerStore],
) -> None:
    restart = [
        ActionExecuted("action_session_start", timestamp=2000.0),
        SessionStarted(timestamp=2000.1),
        ActionExecuted("action_listen", timestamp=2000.2),
    ]
    _both(stores, [*TURNS, restart, _turn("hello", "greet", "Welcome", 2010.0)])

    rasa_rows, lean_rows = (_rows(store) for store in stores)
    assert lean_rows == rasa_rows
    rasa_tracker, lean_tracker = (asyncio.run(store.retrieve(SENDER)) for store in stores)
    assert rasa_tracker is not None and lean_tracker is not None
    assert list(lean_tracker.events) == list(rasa_tracker.events)
    assert isinstance(lean_tracker.events[0], SessionStarted)


def test_saving_again_without_new_events_writes_nothing(
    stores: tuple[SQLTrackerStore, LeanSQLTrackerStore],
) -> None:
    _, lean = stores
    tracker = asyncio.run(_converse(lean, TURNS[:1]))
    before = _rows(lean)

    asyncio.run(lean.save(tracker))
    asyncio.run(lean.save(tracker))

    assert _rows(lean) == before
    assert getattr(tracker, STORED_EVENTS) == len(tracker.events)


def test_a_tracker_it_did_not_load_falls_back_to_counting_like_rasa(
    stores: tuple[SQLTrackerStore, LeanSQLTrackerStore],
) -> None:
    rasa, lean = stores
    _both(stores, TURNS[:2])
    loaded = asyncio.run(lean.retrieve(SENDER))
    assert loaded is not None
    # Built from events, as a copy elsewhere in Rasa would be: nothing says what is stored.
    copy = DialogueStateTracker.from_events(SENDER, list(loaded.events), lean.domain.slots)
    rasa_copy = DialogueStateTracker.from_events(SENDER, list(loaded.events), rasa.domain.slots)
    for event in TURNS[2]:
        copy.update(event)
        rasa_copy.update(event)

    asyncio.run(lean.save(copy))
    asyncio.run(rasa.save(rasa_copy))

    assert _rows(lean) == _rows(rasa)
    assert len(_rows(lean)) == 1 + 5 * 3


def test_a_stale_count_is_not_trusted(
    stores: tuple[SQLTrackerStore, LeanSQLTrackerStore],
) -> None:
    _, lean = stores
    tracker = asyncio.run(_converse(lean, TURNS[:1]))
    for event in TURNS[1]:
        tracker.update(event)
    setattr(tracker, STORED_EVENTS, len(tracker.events) + 1)  # more than it holds: nonsense

    asyncio.run(lean.save(tracker))

    assert len(_rows(lean)) == 1 + 5 * 2


def test_install_makes_type_sql_our_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rasa_tracker_store, "SQLTrackerStore", SQLTrackerStore)
    monkeypatch.setattr(LeanSQLTrackerStore, "rollover_events", LeanSQLTrackerStore.rollover_events)

    tracker_store.install(make_settings())

    assert rasa_tracker_store.SQLTrackerStore is LeanSQLTrackerStore


# --- deleting a conversation ("Forget this conversation") --------------------------------------

RESTART = [
    ActionExecuted("action_session_start", timestamp=2000.0),
    SessionStarted(timestamp=2000.1),
    ActionExecuted("action_listen", timestamp=2000.2),
]


def test_delete_removes_every_session_of_one_conversation_and_nothing_else(
    stores: tuple[SQLTrackerStore, LeanSQLTrackerStore],
) -> None:
    for store in stores:
        asyncio.run(_converse(store, [*TURNS, RESTART, TURNS[0]]))
        asyncio.run(_converse(store, TURNS[:1], sender=OTHER))
        others = [row for row in _rows(store) if row[0] == OTHER]
        ours = len(_rows(store)) - len(others)

        # As the channel reaches it: inside Rasa's FailSafeTrackerStore (rasa/core/agent.py).
        deleted = asyncio.run(delete_conversation(FailSafeTrackerStore(store), SENDER))

        assert deleted == ours == 1 + 5 * 4 + 3, type(store).__name__
        assert _rows(store) == others
        assert asyncio.run(store.retrieve(SENDER)) is None
        assert asyncio.run(store.retrieve_full_tracker(SENDER)) is None
        assert asyncio.run(delete_conversation(FailSafeTrackerStore(store), SENDER)) == 0


def test_a_deleted_conversation_can_start_again_from_nothing(
    stores: tuple[SQLTrackerStore, LeanSQLTrackerStore],
) -> None:
    _, lean = stores
    asyncio.run(_converse(lean, TURNS))
    asyncio.run(lean.delete(SENDER))

    tracker = asyncio.run(_converse(lean, TURNS[:1]))

    assert len(_rows(lean)) == 1 + 5 == len(tracker.events)


def test_delete_finds_the_store_inside_every_wrapper_and_the_in_memory_fallback(
    domain: Domain, tmp_path: Path
) -> None:
    lean = LeanSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "lean.db"))
    fallback = InMemoryTrackerStore(domain)
    try:
        asyncio.run(_converse(lean, TURNS))
        # A save that failed once left the conversation in Rasa's in-memory fallback too.
        asyncio.run(_converse(fallback, TURNS[:1]))
        asyncio.run(_converse(fallback, TURNS[:1], sender=OTHER))
        wrapped = FailSafeTrackerStore(AwaitableTrackerStore(lean), fallback_tracker_store=fallback)

        deleted = asyncio.run(delete_conversation(wrapped, SENDER))

        assert deleted == (1 + 5 * 3) + (1 + 5)
        assert _rows(lean) == []
        assert SENDER not in fallback.store and OTHER in fallback.store
    finally:
        lean.engine.dispose()


class _KeyValueStore(TrackerStore):  # type: ignore[misc]
    """A store with no way to delete (as Rasa 3.6's Redis, Mongo or Dynamo stores)."""

    async def retrieve(self, sender_id: str) -> None:
        return None

    async def save(self, tracker: DialogueStateTracker) -> None:
        return None


def test_a_store_that_cannot_delete_is_an_error_not_a_silent_success(domain: Domain) -> None:
    with pytest.raises(CannotDelete, match="_KeyValueStore"):
        asyncio.run(delete_conversation(FailSafeTrackerStore(_KeyValueStore(domain)), SENDER))
    with pytest.raises(CannotDelete):
        asyncio.run(delete_conversation(None, SENDER))


def test_rasas_wrappers_keep_the_store_where_delete_looks_for_it(domain: Domain) -> None:
    """The private attributes :func:`delete_conversation` follows, in the installed Rasa."""
    inner = InMemoryTrackerStore(domain)

    assert AwaitableTrackerStore(inner)._tracker_store is inner
    fail_safe = FailSafeTrackerStore(inner)
    assert fail_safe._tracker_store is inner
    assert fail_safe._fallback_tracker_store is None
    assert not hasattr(TrackerStore, "delete")  # else ours would shadow Rasa's own


# --- session rollover (bot/rasa_ext/rollover.py) ------------------------------------------------


def _long_conversation(store: TrackerStore, clock: Clock, turns: int) -> DialogueStateTracker:
    """The processor's cycle (retrieve, handle one message, save), turn after turn."""
    chunks: list[list[Event]] = [[]]
    for event in _discussion(clock, turns):
        chunks[-1].append(event)
        if isinstance(event, ActionExecuted) and event.action_name == "action_listen":
            chunks.append([])
    tracker = None
    for chunk in chunks[:-1]:
        tracker = asyncio.run(store.get_or_create_tracker(SENDER, append_action_listen=False))
        for event in chunk:
            tracker.update(event)
        asyncio.run(store.save(tracker))
    assert tracker is not None
    return tracker


def _sessions(store: SQLTrackerStore) -> int:
    return sum(1 for row in _rows(store) if row[1] == "session_started")


def test_a_long_conversation_rolls_over_and_reads_back_the_same_place(
    stores: tuple[SQLTrackerStore, LeanSQLTrackerStore],
) -> None:
    rasa, lean = stores
    lean.rollover_events = 60
    start = time.time() - 600
    for store in stores:
        _long_conversation(store, Clock(start), 40)

    assert _sessions(rasa) == 1
    assert _sessions(lean) > 3
    stock, ours = (asyncio.run(store.retrieve(SENDER)) for store in stores)
    assert stock is not None and ours is not None
    assert same_place(stock, ours, lean.domain)
    assert len(ours.events) < len(stock.events) / 3
    # Rasa's own store code reads the rolled-over session exactly as ours does.
    again = asyncio.run(SQLTrackerStore._retrieve(lean, SENDER, False))
    assert again is not None and list(again.events) == list(ours.events)


def test_a_new_message_after_a_rollover_is_in_the_session_read_back(
    stores: tuple[SQLTrackerStore, LeanSQLTrackerStore],
) -> None:
    _, lean = stores
    lean.rollover_events = 60
    clock = Clock(time.time() - 600)
    _long_conversation(lean, clock, 20)

    tracker = asyncio.run(lean.retrieve(SENDER))
    assert tracker is not None
    turn = _rollover_turn(clock, "next_point", "action_show_discussion_point", point_number=3)
    for event in turn:
        tracker.update(event)
    asyncio.run(lean.save(tracker))

    again = asyncio.run(lean.retrieve(SENDER))
    assert again is not None and again.get_slot("point_number") == 3
    assert list(again.events)[-len(turn) :] == turn


def test_forget_deletes_the_rollover_sessions_too(
    stores: tuple[SQLTrackerStore, LeanSQLTrackerStore],
) -> None:
    _, lean = stores
    lean.rollover_events = 60
    _long_conversation(lean, Clock(time.time() - 600), 30)
    stored = len(_rows(lean))
    assert _sessions(lean) > 1

    deleted = asyncio.run(delete_conversation(FailSafeTrackerStore(lean), SENDER))

    assert deleted == stored and _rows(lean) == []


def test_a_declined_rollover_is_not_tried_again_on_every_message(
    domain: Domain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tried: list[int] = []

    def never(tracker: DialogueStateTracker, domain: Domain, *, threshold: int) -> None:
        tried.append(len(tracker.events))

    monkeypatch.setattr(rollover, "plan", never)
    lean = LeanSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "lean.db"))
    lean.rollover_events = 40
    try:
        _long_conversation(lean, Clock(time.time() - 600), 30)
    finally:
        lean.engine.dispose()

    due = [length for length in tried if length > 40]
    assert len(due) > 2
    assert all(b - a >= 40 * RETRY_AFTER for a, b in itertools.pairwise(due))


def test_no_rollover_when_off(domain: Domain, tmp_path: Path) -> None:
    lean = LeanSQLTrackerStore(
        domain, dialect="sqlite", db=str(tmp_path / "lean.db"), rollover_events=0
    )
    try:
        _long_conversation(lean, Clock(time.time() - 600), 40)
        assert _sessions(lean) == 1
    finally:
        lean.engine.dispose()


def test_install_takes_the_threshold_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rasa_tracker_store, "SQLTrackerStore", SQLTrackerStore)
    monkeypatch.setattr(LeanSQLTrackerStore, "rollover_events", LeanSQLTrackerStore.rollover_events)

    tracker_store.install(make_settings(tracker_rollover_events=321))

    assert LeanSQLTrackerStore.rollover_events == 321


# --- the group member's hash lives only for the turn --------------------------------------------


def test_the_member_hash_is_not_stored_but_stays_in_the_turns_tracker(
    stores: tuple[SQLTrackerStore, LeanSQLTrackerStore],
) -> None:
    rasa, lean = stores
    member = {MEMBER_METADATA_KEY: "hmac-of-a-member", "channel": "teams"}
    said = UserUttered(
        "next", {"name": "next_point", "confidence": 0.9}, metadata=member, timestamp=1000.0
    )
    turn = [said, ActionExecuted("action_listen", timestamp=1000.4)]
    for store in stores:
        tracker = asyncio.run(_converse(store, [turn]))

    assert tracker.latest_message is not None
    assert tracker.latest_message.metadata[MEMBER_METADATA_KEY] == "hmac-of-a-member"
    (stock_row,) = [json.loads(r[-1]) for r in _rows(rasa) if r[1] == "user"]
    (our_row,) = [json.loads(r[-1]) for r in _rows(lean) if r[1] == "user"]
    assert stock_row["metadata"] == stock_row["parse_data"]["metadata"] == member  # Rasa keeps it
    assert our_row["metadata"] == our_row["parse_data"]["metadata"] == {"channel": "teams"}
    assert {k: v for k, v in our_row.items() if k not in {"metadata", "parse_data"}} == {
        k: v for k, v in stock_row.items() if k not in {"metadata", "parse_data"}
    }
    assert "hmac-of-a-member" not in str(_rows(lean))


def test_the_member_hash_is_not_stored_in_the_session_started_metadata_slot(
    stores: tuple[SQLTrackerStore, LeanSQLTrackerStore],
) -> None:
    """Rasa copies a session's first message metadata into a slot: the member goes there too."""
    _, lean = stores
    metadata = {MEMBER_METADATA_KEY: "hmac-of-a-member", "receipts": []}
    turn = [
        SlotSet("session_started_metadata", metadata, timestamp=999.0),
        UserUttered("hi", {"name": "greet", "confidence": 0.9}, metadata=metadata, timestamp=1000),
        ActionExecuted("action_listen", timestamp=1000.4),
    ]
    asyncio.run(_converse(lean, [turn]))

    rows = [json.loads(r[-1]) for r in _rows(lean)]
    (slot,) = [row for row in rows if row["event"] == "slot"]
    assert slot["value"] == {"receipts": []}
    assert "hmac-of-a-member" not in str(_rows(lean))


def test_without_member_leaves_other_events_and_messages_alone() -> None:
    plain = {"event": "user", "text": "hi", "metadata": {"channel": "rest"}, "parse_data": {}}

    assert without_member(plain) == plain
    assert without_member({"event": "user"}) == {"event": "user"}


# --- loading reads the current session, not the whole conversation -----------------------------


def _index_names(store: SQLTrackerStore) -> set[str]:
    return {index["name"] for index in sa.inspect(store.engine).get_indexes("events")}


def test_it_adds_its_indexes_to_rasas_table(
    stores: tuple[SQLTrackerStore, LeanSQLTrackerStore],
) -> None:
    rasa, lean = stores

    assert set(INDEXES) <= _index_names(lean)
    assert not set(INDEXES) & _index_names(rasa)
    lean._create_indexes()  # again: nothing happens
    assert set(INDEXES) <= _index_names(lean)


@pytest.mark.parametrize("all_sessions", [False, True])
def test_it_loads_exactly_the_rows_rasas_query_selects(
    stores: tuple[SQLTrackerStore, LeanSQLTrackerStore], all_sessions: bool
) -> None:
    _, lean = stores
    lean.rollover_events = 60
    _long_conversation(lean, Clock(time.time() - 600), 30)
    asyncio.run(_converse(lean, TURNS[:1], sender=OTHER))

    with lean.session_scope() as session:
        ours = lean._stored_data(session, SENDER, all_sessions=all_sessions)
        query = lean._event_query(session, SENDER, fetch_events_from_all_sessions=all_sessions)
        rasas = [data for (data,) in query.with_entities(lean.SQLEvent.data).all()]

    assert ours == rasas
    others = sum(1 for row in _rows(lean) if row[0] == OTHER)
    if all_sessions:
        assert len(ours) == len(_rows(lean)) - others
    else:
        assert len(ours) < 100  # the rolled-over session only


def test_an_index_it_cannot_create_is_only_a_warning(
    domain: Domain,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setitem(tracker_store.INDEXES, "ix_broken", ("no_such_column",))

    lean = LeanSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "lean.db"))
    try:
        asyncio.run(_converse(lean, TURNS[:1]))
        assert asyncio.run(lean.retrieve(SENDER)) is not None
    finally:
        lean.engine.dispose()
    assert "tracker store index ix_broken not created" in caplog.text


def test_postgres_urls_get_the_connection_timeouts_unless_set() -> None:
    from urllib.parse import parse_qs, urlsplit

    from bot.rasa_ext.tracker_store import with_timeouts

    url = with_timeouts("postgresql+psycopg2://postgres@db:5432/reflect?connect_timeout=2")
    query = parse_qs(urlsplit(url).query)
    assert query["connect_timeout"] == ["2"]  # the operator's own value wins
    assert query["tcp_user_timeout"] == ["15000"] and query["keepalives"] == ["1"]
    assert url.startswith("postgresql+psycopg2://postgres@db:5432/reflect?")
    assert with_timeouts("sqlite:///var/tracker.db") == "sqlite:///var/tracker.db"


def test_a_connection_the_database_dropped_is_replaced_not_an_error(domain: Domain) -> None:
    # After pg_terminate_backend (a restart, a failover) the next message must work: the pooled
    # connection is checked before use (the attack saw one failure per replica without it).
    name = _create_database()
    store = LeanSQLTrackerStore(domain, **_store_kwargs("postgresql", name))
    try:
        asyncio.run(_converse(store, TURNS[:1]))
        with store.engine.connect() as connection:  # the pool now holds a used connection
            assert connection.execute(sa.text("select 1")).scalar() == 1
        admin = sa.create_engine("postgresql://postgres@127.0.0.1:5432/postgres")
        with admin.begin() as connection:
            killed = connection.execute(
                sa.text(
                    "select count(pg_terminate_backend(pid)) from pg_stat_activity "
                    "where datname = :name and pid <> pg_backend_pid()"
                ),
                {"name": name},
            ).scalar()
        admin.dispose()
        assert killed >= 1

        tracker = asyncio.run(store.retrieve(SENDER))

        assert tracker is not None and tracker.latest_message.text == "discuss and reflect"
    finally:
        store.engine.dispose()
        _drop_database(name)


def test_the_widget_follow_up_token_is_not_stored_but_stays_in_the_turns_tracker(
    stores: tuple[SQLTrackerStore, LeanSQLTrackerStore],
) -> None:
    _, lean = stores
    metadata = {"followup_token": "Ab_-" * 8, "receipts": []}
    turn = [
        SlotSet("session_started_metadata", metadata, timestamp=999.0),
        UserUttered("hi", {"name": "greet", "confidence": 0.9}, metadata=metadata, timestamp=1000),
        ActionExecuted("action_listen", timestamp=1000.4),
    ]
    tracker = asyncio.run(_converse(lean, [turn]))

    assert tracker.latest_message is not None
    assert tracker.latest_message.metadata["followup_token"] == "Ab_-" * 8
    assert "Ab_-Ab_-" not in str(_rows(lean))
