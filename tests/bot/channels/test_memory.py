"""The conversation memory table: keyed hashes in, keyed hashes out, expiring, capped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from bot.channels import memory
from bot.channels.memory import ConversationMemory
from bot.storage.session import transaction
from tests.bot.storage.databases import BACKENDS, migrated_sessions

NOW = datetime(2026, 12, 7, 10, 0, 0)
WEEK = timedelta(days=7)


@pytest.fixture(params=BACKENDS)
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker]:
    """A freshly migrated SQLite file or PostgreSQL database (the production path)."""
    with migrated_sessions(request.param, tmp_path) as sessions:
        yield sessions


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def test_recall_returns_what_was_remembered(factory: sessionmaker) -> None:
    store = ConversationMemory(factory, WEEK, Clock())
    store.remember("c" * 64, {"a" * 64: "NAME", "b" * 64: "PHONE"})

    assert store.recall("c" * 64) == {"a" * 64: "NAME", "b" * 64: "PHONE"}
    assert store.recall("d" * 64) == {}


def test_memory_expires_with_the_conversation(factory: sessionmaker) -> None:
    clock = Clock()
    store = ConversationMemory(factory, WEEK, clock)
    store.remember("c" * 64, {"a" * 64: "NAME"})

    clock.now = NOW + WEEK - timedelta(minutes=1)
    assert store.recall("c" * 64)
    clock.now = NOW + WEEK + timedelta(minutes=1)
    assert store.recall("c" * 64) == {}
    with transaction(factory) as session:
        assert memory.purge(session=session, now=clock.now) == 1


def test_a_new_entry_keeps_the_whole_conversation_alive(factory: sessionmaker) -> None:
    clock = Clock()
    store = ConversationMemory(factory, WEEK, clock)
    store.remember("c" * 64, {"a" * 64: "NAME"})
    clock.now = NOW + timedelta(days=6)
    store.remember("c" * 64, {"b" * 64: "NAME"}, known=1)

    clock.now = NOW + timedelta(days=10)
    assert store.recall("c" * 64) == {"a" * 64: "NAME", "b" * 64: "NAME"}


def test_remembering_twice_is_not_an_error(factory: sessionmaker) -> None:
    store = ConversationMemory(factory, WEEK, Clock())
    store.remember("c" * 64, {"a" * 64: "NAME"})
    store.remember("c" * 64, {"a" * 64: "NAME"}, known=1)

    with transaction(factory) as session:
        assert memory.count(session=session) == 1


def test_forget_deletes_one_conversation_only(factory: sessionmaker) -> None:
    store = ConversationMemory(factory, WEEK, Clock())
    store.remember("c" * 64, {"a" * 64: "NAME"})
    store.remember("d" * 64, {"a" * 64: "NAME"})

    assert store.forget("c" * 64) == 1
    assert store.recall("c" * 64) == {}
    assert store.recall("d" * 64)


def test_a_full_conversation_keeps_what_fits(
    factory: sessionmaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memory, "MAX_TOKENS_PER_CONVERSATION", 3)
    store = ConversationMemory(factory, WEEK, Clock())
    store.remember("c" * 64, {f"{i:064x}": "NAME" for i in range(5)})

    assert len(store.recall("c" * 64)) == 3
