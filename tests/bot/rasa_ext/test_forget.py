"""forget_conversation: the one place a conversation is forgotten, under Rasa's lock."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import FailSafeTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.forget import forget_conversation
from bot.rasa_ext.tracker_store import CannotDelete, LeanSQLTrackerStore
from bot.settings.config import PROJECT_ROOT

SENDER = "s_" + "a" * 64
OTHER = "s_" + "b" * 64


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(PROJECT_ROOT / "domain.yml")


@pytest.fixture
def store(domain: Domain, tmp_path: Path) -> Iterator[LeanSQLTrackerStore]:
    lean = LeanSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    yield lean
    lean.engine.dispose()


async def _say(store: TrackerStore, sender: str, text: str) -> None:
    tracker = await store.get_or_create_tracker(sender)
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    tracker.update(BotUttered("Hello"))
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)


async def _events(store: TrackerStore, sender: str) -> int:
    tracker = await store.retrieve_full_tracker(sender)
    return len(tracker.events) if isinstance(tracker, DialogueStateTracker) else 0


async def test_it_deletes_the_conversation_and_only_that_one(
    store: LeanSQLTrackerStore,
) -> None:
    await _say(store, SENDER, "hello")
    await _say(store, OTHER, "hello")

    deleted = await forget_conversation(SENDER, tracker_store=FailSafeTrackerStore(store))

    assert deleted == 4  # action_listen, user, bot, action_listen
    assert await _events(store, SENDER) == 0
    assert await _events(store, OTHER) == 4


async def test_a_message_being_handled_finishes_first_and_is_forgotten_too(
    store: LeanSQLTrackerStore,
) -> None:
    locks = InMemoryLockStore()
    await _say(store, SENDER, "hello")
    handling = asyncio.Event()

    async def message_in_flight() -> None:
        async with locks.lock(SENDER):
            handling.set()
            await asyncio.sleep(0.3)
            await _say(store, SENDER, "one more")

    in_flight = asyncio.create_task(message_in_flight())
    await handling.wait()
    deleted = await forget_conversation(
        SENDER, tracker_store=FailSafeTrackerStore(store), lock_store=locks
    )
    await in_flight

    assert deleted == 7
    assert await _events(store, SENDER) == 0


async def test_a_store_that_cannot_delete_raises(domain: Domain) -> None:
    class NoDelete(TrackerStore):  # type: ignore[misc]
        async def retrieve(self, sender_id: str) -> None:
            return None

    with pytest.raises(CannotDelete):
        await forget_conversation(SENDER, tracker_store=FailSafeTrackerStore(NoDelete(domain)))


async def test_the_log_says_how_many_never_whose(
    store: LeanSQLTrackerStore, caplog: pytest.LogCaptureFixture
) -> None:
    await _say(store, SENDER, "I spoke to Sarah")
    caplog.set_level(logging.DEBUG, logger="bot.rasa_ext")

    await forget_conversation(SENDER, tracker_store=store)

    assert "4 tracker event(s) deleted" in caplog.text
    assert SENDER not in caplog.text and "Sarah" not in caplog.text
