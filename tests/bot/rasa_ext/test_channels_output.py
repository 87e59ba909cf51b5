"""The output side of bot/rasa_ext/channels.py: RevealingOutput wraps Rasa's output channel.

Receipt tokens become codes on the way out (the text of every reply), everything else passes
unchanged to the wrapped channel, and the wrapped channel's attributes (``messages``, ``sio``,
``bot_message_evt``, its name) stay reachable, as they were when its class was swapped.
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel
from rasa.core.channels.rest import QueueOutputChannel
from rasa.core.channels.socketio import SocketIOOutput

from bot.rasa_ext.channels import RevealingOutput, _reveal_on_the_way_out
from bot.reflections.receipts import code_from_token, receipt_placeholder

SECRET = b"output-test-secret-0123456789abcdef"
TOKEN = "ab" * 12
PLACEHOLDER = receipt_placeholder(TOKEN)
CODE = code_from_token(TOKEN, secret=SECRET)
BUTTONS = [{"title": "Save", "payload": "/save_reflection"}]


class Recording(OutputChannel):  # type: ignore[misc]
    """An output channel that records each call it gets, with its arguments."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.extra = "mine"

    @classmethod
    def name(cls) -> str:
        return "recording"

    def __getattribute__(self, name: str) -> Any:
        found = object.__getattribute__(self, name)
        if name.startswith("send_"):

            async def record(*args: Any, **kwargs: Any) -> None:
                self.calls.append((name, args, kwargs))

            return record
        return found


class FakeSio:
    def __init__(self) -> None:
        self.emitted: list[tuple[str, Any, dict[str, Any]]] = []

    async def emit(self, event: str, data: Any = None, **kwargs: Any) -> None:
        self.emitted.append((event, data, kwargs))


@pytest.fixture
def inner() -> Recording:
    return Recording()


@pytest.fixture
def output(inner: Recording) -> RevealingOutput:
    return _reveal_on_the_way_out(inner, SECRET)


@pytest.mark.parametrize(
    ("method", "args", "revealed"),
    [
        ("send_text_message", ("u", f"Code: {PLACEHOLDER}"), ("u", f"Code: {CODE}")),
        (
            "send_text_with_buttons",
            ("u", f"Code: {PLACEHOLDER}", BUTTONS),
            ("u", f"Code: {CODE}", BUTTONS),
        ),
        (
            "send_quick_replies",
            ("u", f"Code: {PLACEHOLDER}", BUTTONS),
            ("u", f"Code: {CODE}", BUTTONS),
        ),
        (
            "send_response",
            ("u", {"text": f"Code: {PLACEHOLDER}", "buttons": BUTTONS}),
            ("u", {"text": f"Code: {CODE}", "buttons": BUTTONS}),
        ),
    ],
)
async def test_each_text_send_reveals_receipts_and_passes_on(
    output: RevealingOutput,
    inner: Recording,
    method: str,
    args: tuple[Any, ...],
    revealed: tuple[Any, ...],
) -> None:
    kwargs = {} if method == "send_response" else {"extra": "kept"}  # Rasa's signatures

    await getattr(output, method)(*args, **kwargs)

    assert inner.calls == [(method, revealed, kwargs)]


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("send_image_url", ("u", "https://example.org/a.png")),
        ("send_attachment", ("u", {"type": "file", "payload": {"src": "x"}})),
        ("send_elements", ("u", [{"title": "Card", "subtitle": "one", "buttons": BUTTONS}])),
        ("send_custom_json", ("u", {"data": {"kind": "card"}})),
    ],
)
async def test_each_other_send_passes_on_unchanged(
    output: RevealingOutput, inner: Recording, method: str, args: tuple[Any, ...]
) -> None:
    await getattr(output, method)(*args, extra="kept")

    ((name, passed, kwargs),) = inner.calls
    assert (name, kwargs) == (method, {"extra": "kept"})
    assert all(got is given for got, given in zip(passed, args, strict=True))


async def test_a_reply_without_a_receipt_is_passed_on_as_it_is(
    output: RevealingOutput, inner: Recording
) -> None:
    message = {"text": "Point 2 of 4", "buttons": BUTTONS}

    await output.send_response("u", message)
    await output.send_text_message("u", "plain")

    assert inner.calls[0][1][1] is message
    assert inner.calls[1][1] == ("u", "plain")


def test_the_name_and_every_other_attribute_are_the_wrapped_channels(
    output: RevealingOutput, inner: Recording
) -> None:
    assert output.name() == "recording"
    assert output.extra == "mine"
    assert output.original is inner
    with pytest.raises(AttributeError):
        _ = output.no_such_attribute


def test_a_wrapper_without_its_channel_raises_attribute_errors_not_recursion() -> None:
    empty = RevealingOutput.__new__(RevealingOutput)  # as copy and pickle first make one

    with pytest.raises(AttributeError):
        _ = empty.messages
    assert copy.copy(_reveal_on_the_way_out(Recording(), SECRET)).name() == "recording"


def test_wrapping_twice_wraps_once(output: RevealingOutput) -> None:
    assert _reveal_on_the_way_out(output, SECRET) is output


async def test_around_rasas_collecting_channel_it_is_one_and_its_messages_are_rasas() -> None:
    collector = CollectingOutputChannel()
    output = _reveal_on_the_way_out(collector, SECRET)

    await output.send_response("u", {"text": f"Your code is {PLACEHOLDER}.", "buttons": BUTTONS})
    await output.send_text_message("u", f"first\n\n{PLACEHOLDER}")

    # Rasa's processor returns output_channel.messages for a CollectingOutputChannel; the REST
    # route answers with the collector it made.
    assert isinstance(output, CollectingOutputChannel)
    assert output.messages is collector.messages
    assert output.name() == "collector"
    assert output.latest_output() == {"recipient_id": "u", "text": CODE}
    assert collector.messages == [
        {"recipient_id": "u", "text": f"Your code is {CODE}.", "buttons": BUTTONS},
        {"recipient_id": "u", "text": "first"},
        {"recipient_id": "u", "text": CODE},
    ]


async def test_around_the_streaming_rest_channel_replies_reach_its_queue() -> None:
    queue: asyncio.Queue[Any] = asyncio.Queue()
    output = _reveal_on_the_way_out(QueueOutputChannel(queue), SECRET)

    await output.send_response("u", {"text": PLACEHOLDER})

    assert output.name() == "queue"
    assert output.messages is queue
    assert queue.get_nowait() == {"recipient_id": "u", "text": CODE}


async def test_around_rasas_socketio_output_replies_are_emitted_revealed() -> None:
    sio = FakeSio()
    original = SocketIOOutput(sio, "bot_uttered")
    output = _reveal_on_the_way_out(original, SECRET)

    await output.send_response("s_room", {"text": PLACEHOLDER, "quick_replies": BUTTONS})
    await output.send_text_message("s_room", f"Code {PLACEHOLDER}")

    assert not isinstance(output, CollectingOutputChannel)
    assert (output.name(), output.sio, output.bot_message_evt) == ("socketio", sio, "bot_uttered")
    assert [(event, data, kw["room"]) for event, data, kw in sio.emitted] == [
        (
            "bot_uttered",
            {
                "text": CODE,
                "quick_replies": [
                    {"content_type": "text", "title": "Save", "payload": "/save_reflection"}
                ],
            },
            "s_room",
        ),
        ("bot_uttered", {"text": f"Code {CODE}"}, "s_room"),
    ]
