"""Fail closed: no memory fallback, replies only after the save, failures told and logged once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import InMemoryTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from bot.content.messages import render
from bot.rasa_ext import fail_closed, patches
from bot.rasa_ext.fail_closed import (
    ActionServerFailed,
    FailClosedTrackerStore,
    TrackerStoreUnavailable,
)
from tests.settings import make_settings

SECRET_TEXT = "Kelly said the boy was hurt"


class BrokenStore(InMemoryTrackerStore):  # type: ignore[misc]
    """A store whose database is down."""

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        raise ConnectionError(SECRET_TEXT)

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        raise ConnectionError(SECRET_TEXT)

    async def save(self, tracker: DialogueStateTracker) -> None:
        raise OSError(SECRET_TEXT)

    async def keys(self) -> list[str]:
        raise OSError(SECRET_TEXT)


@pytest.fixture
def broken() -> FailClosedTrackerStore:
    return FailClosedTrackerStore(BrokenStore(Domain.empty()))


async def test_a_failed_read_raises_instead_of_starting_a_new_conversation(
    broken: FailClosedTrackerStore,
) -> None:
    with pytest.raises(TrackerStoreUnavailable) as raised:
        await broken.retrieve("s_1")
    assert (raised.value.operation, raised.value.reason) == ("retrieve", "ConnectionError")
    with pytest.raises(TrackerStoreUnavailable):
        await broken.get_or_create_tracker("s_1")
    with pytest.raises(TrackerStoreUnavailable):
        await broken.retrieve_full_tracker("s_1")
    with pytest.raises(TrackerStoreUnavailable):
        await broken.keys()
    assert SECRET_TEXT not in str(raised.value)


async def test_a_failed_save_raises_and_keeps_nothing_in_memory(
    broken: FailClosedTrackerStore,
) -> None:
    tracker = DialogueStateTracker("s_1", [])
    with pytest.raises(TrackerStoreUnavailable) as raised:
        await broken.save(tracker)
    assert raised.value.operation == "save"
    assert not hasattr(broken, "_fallback_tracker_store")
    assert isinstance(broken._tracker_store, BrokenStore)


async def test_a_working_store_is_passed_through() -> None:
    inner = InMemoryTrackerStore(Domain.empty())
    store = FailClosedTrackerStore(inner)
    tracker = DialogueStateTracker("s_1", [])
    await store.save(tracker)
    assert (await store.retrieve("s_1")) is not None
    assert list(await store.keys()) == ["s_1"]
    store.domain = Domain.empty()
    assert store.domain is inner.domain


def _processor_step(*, fail: BaseException | None) -> Any:
    """A stand-in for Rasa's handle_message: two replies, then the save (which may fail)."""

    async def original(self: Any, message: UserMessage) -> Any:
        await message.output_channel.send_response(message.sender_id, {"text": "one"})
        await message.output_channel.send_response(message.sender_id, {"text": "two saved"})
        if fail is not None:
            raise fail
        return None

    return original


async def _handle(fail: BaseException | None) -> list[dict[str, Any]]:
    handle = fail_closed.make_handle_message(_processor_step(fail=fail), timeout=8)
    collector = CollectingOutputChannel()
    message = UserMessage(SECRET_TEXT, collector, "s_1")
    returned = await handle(object(), message)
    assert message.output_channel is collector
    assert returned == collector.messages
    return list(collector.messages)


async def test_replies_are_sent_once_the_turn_is_saved() -> None:
    assert [m["text"] for m in await _handle(None)] == ["one", "two saved"]


async def test_a_failed_save_drops_the_replies_and_tells_the_user(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    sent = await _handle(TrackerStoreUnavailable("save", "OperationalError"))
    assert [m["text"] for m in sent] == [render("turn_not_saved").text]
    assert sent[0]["recipient_id"] == "s_1"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "save" in errors[0].getMessage() and "OperationalError" in errors[0].getMessage()
    assert SECRET_TEXT not in caplog.text


async def test_an_action_server_failure_drops_the_replies_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sent = await _handle(ActionServerFailed("action_save_reflection", "no answer within 8 s"))
    assert [m["text"] for m in sent] == [render("action_timed_out").text]
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1
    assert SECRET_TEXT not in caplog.text


async def test_other_errors_still_propagate() -> None:
    with pytest.raises(ValueError):
        await _handle(ValueError("a bug"))


def _remote(behaviour: Any, timeout: float) -> Any:
    async def original(self: Any, *args: Any) -> Any:
        return await behaviour()

    return fail_closed.make_remote_run(original, timeout)


async def test_a_hung_action_server_is_given_up_on_after_the_timeout() -> None:
    async def hang() -> None:
        await asyncio.sleep(60)

    run = _remote(hang, timeout=0.2)
    with pytest.raises(ActionServerFailed) as raised:
        await asyncio.wait_for(run(RemoteAction("action_x", None), None, None, None, None), 5)
    assert raised.value.action == "action_x"
    assert "0.2" in raised.value.reason


async def test_the_turn_shares_one_action_budget() -> None:
    """A second action call in the same turn only gets what the first left."""

    async def slow() -> list[Any]:
        await asyncio.sleep(0.3)
        return []

    handle_calls: list[str] = []
    run = _remote(slow, timeout=0.5)

    async def turn(self: Any, message: UserMessage) -> None:
        await run(RemoteAction("action_a", None), None, None, None, None)
        handle_calls.append("a")
        await run(RemoteAction("action_b", None), None, None, None, None)
        handle_calls.append("b")

    handle = fail_closed.make_handle_message(turn, timeout=0.5)
    collector = CollectingOutputChannel()
    await handle(object(), UserMessage("hi", collector, "s_1"))
    assert handle_calls == ["a"]
    assert [m["text"] for m in collector.messages] == [render("action_timed_out").text]


async def test_a_refused_connection_is_an_action_server_failure() -> None:
    async def refused() -> None:
        try:
            raise aiohttp.ClientConnectionError("refused")
        except aiohttp.ClientConnectionError as exc:
            raise RasaException("Failed to execute custom action") from exc

    with pytest.raises(ActionServerFailed) as raised:
        await _remote(refused, 5)(RemoteAction("action_x", None), None, None, None, None)
    assert raised.value.reason == "ClientConnectionError"


async def test_a_form_rejection_is_rasa_flow_not_a_failure() -> None:
    async def rejected() -> None:
        raise ActionExecutionRejection("validate_x")

    with pytest.raises(ActionExecutionRejection):
        await _remote(rejected, 5)(RemoteAction("validate_x", None), None, None, None, None)


def test_an_action_server_failure_gets_past_rasas_except_exception() -> None:
    """Rasa's _run_action catches Exception; the failure must not be one."""
    assert not issubclass(ActionServerFailed, Exception)


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The patches applied, Rasa's originals restored afterwards."""
    for owner, name in (
        (Agent, "_create_tracker_store"),
        (MessageProcessor, "handle_message"),
        (RemoteAction, "run"),
    ):
        monkeypatch.setattr(owner, name, owner.__dict__[name])
    fail_closed.install(make_settings(action_timeout_seconds=3))
    yield
    for handler in logging.getLogger("rasa.core.actions.action").filters[:]:
        if isinstance(handler, fail_closed._DropRasaActionErrors):
            logging.getLogger("rasa.core.actions.action").removeFilter(handler)


def test_install_replaces_rasas_fail_safe_wrapper(installed: None) -> None:
    for name in ("fail_closed_tracker_store", "fail_closed_turn", "action_timeout"):
        assert patches.applied(name)
    store: TrackerStore = Agent._create_tracker_store(None, Domain.empty())
    assert isinstance(store, FailClosedTrackerStore)
    assert isinstance(store._tracker_store, InMemoryTrackerStore)
    assert not patches.problems()


def test_the_setting_defaults_to_eight_seconds() -> None:
    assert fail_closed.action_timeout(make_settings()) == 8


class Pushed(OutputChannel):  # type: ignore[misc]
    """A channel that sends at once (socket.io's bot_uttered, Teams' connector post)."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    @classmethod
    def name(cls) -> str:
        return "pushed"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.sent.append(text)


async def test_a_pushing_channel_sends_nothing_of_a_failed_turn_and_then_the_message() -> None:
    channel = Pushed()
    handle = fail_closed.make_handle_message(
        _processor_step(fail=TrackerStoreUnavailable("save", "OperationalError")), timeout=8
    )
    assert await handle(object(), UserMessage("hi", channel, "s_1")) is None
    assert channel.sent == [render("turn_not_saved").text]


async def test_a_pushing_channel_gets_the_turn_only_once_it_is_saved() -> None:
    channel = Pushed()
    sent_during: list[list[str]] = []

    async def turn(self: Any, message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "one"})
        sent_during.append(list(channel.sent))  # held: nothing pushed before the save

    handle = fail_closed.make_handle_message(turn, timeout=8)
    await handle(object(), UserMessage("hi", channel, "s_1"))
    assert sent_during == [[]] and channel.sent == ["one"]
