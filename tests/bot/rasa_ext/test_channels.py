"""Channel adapters: Rasa only ever sees anonymised text, a hashed sender and no client metadata.

sanic-testing is not installed, so the REST channel is tested two ways: its extract hooks with a
minimal fake request, and the whole webhook through Sanic's own ASGI interface (a hand-written
ASGI call, as sanic-testing's ASGI client makes). The socket.io channel is tested by calling the
``user_uttered`` handler its blueprint registers, with ``sio.emit`` replaced by a recorder; the
socket.io transport itself is left to the end-to-end tests.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.core.channels.channel import UserMessage
from sanic import Sanic
from sanic.exceptions import InvalidUsage

from bot.config import DEFAULT_PACK_DIR, PROJECT_ROOT, Settings
from bot.config import PROJECT_ROOT as _ROOT
from bot.content.loader import load_pack_file
from bot.door import MAX_MESSAGE_CHARS, Door
from bot.messages import load_templates
from bot.rasa_ext import channels
from bot.rasa_ext.channels import (
    AnonymisingRestInput,
    AnonymisingSocketIOInput,
    _RoomOutput,
    default_door,
    domain_intents,
)
from bot.reflection_dialogue import PREFER_NOT_TO_SAY
from bot.storage.models import AGENCIES

INTENTS = domain_intents(_ROOT / "domain.yml")

SECRET = b"channel-test-secret-0123456789abcd"
RAW_SENDER = "29:1AbCdEf-teams-user-sarah.jones@example.org"
RAW_TEXT = "I spoke to Sarah Jones on 07700 900123 at BN21 4UG about Child Z."
IDENTIFIERS = ("Sarah", "Jones", "07700 900123", "BN21 4UG", "sarah.jones", RAW_SENDER)
PAYLOAD = '/choose_agency{"agency":"police"}'


@pytest.fixture
def door() -> Door:
    return Door.create(
        secret=SECRET, payload_values={"police", "information-sharing"}, intents=INTENTS
    )


class Recorder:
    """A stand-in for Rasa's message handler: records each message and replies "ok"."""

    def __init__(self) -> None:
        self.messages: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        recipient = getattr(message, "recipient_id", None) or message.sender_id
        await message.output_channel.send_text_message(recipient, "ok")


def _everything_rasa_sees(message: UserMessage) -> str:
    return repr(
        (message.text, message.sender_id, message.metadata, message.input_channel)
    ) + json.dumps(message.metadata)


# --- REST: the extract hooks with a fake request ---------------------------------------------


class FakeRequest:
    """Just enough of a Sanic request for the extract hooks: ``.json`` and ``.args``."""

    def __init__(self, body: Any) -> None:
        self._body = body
        self.args: dict[str, Any] = {}

    @property
    def json(self) -> Any:
        if isinstance(self._body, Exception):
            raise self._body
        return self._body


async def test_extract_sender_hashes_the_sender(door: Door) -> None:
    channel = AnonymisingRestInput(door)

    sender = await channel._extract_sender(FakeRequest({"sender": RAW_SENDER, "message": "hi"}))

    assert sender == door.pseudonymise(RAW_SENDER)
    assert RAW_SENDER not in sender
    assert "sarah" not in sender


def test_extract_message_anonymises_the_text(door: Door) -> None:
    channel = AnonymisingRestInput(door)

    text = channel._extract_message(FakeRequest({"sender": RAW_SENDER, "message": RAW_TEXT}))

    assert text == door.clean_text(RAW_TEXT)
    for identifier in IDENTIFIERS:
        assert identifier not in text
    assert "Child Z" in text


def test_extract_message_lets_a_known_payload_through(door: Door) -> None:
    channel = AnonymisingRestInput(door)

    assert channel._extract_message(FakeRequest({"sender": "u", "message": PAYLOAD})) == PAYLOAD


@pytest.mark.parametrize(
    "body",
    [
        {"message": "hi"},
        {"sender": None, "message": "hi"},
        {"sender": "", "message": "hi"},
        {"sender": "   ", "message": "hi"},
        {"sender": 42, "message": "hi"},
    ],
)
async def test_a_missing_sender_is_a_400(door: Door, body: dict[str, Any]) -> None:
    channel = AnonymisingRestInput(door)

    with pytest.raises(InvalidUsage) as refused:
        await channel._extract_sender(FakeRequest(body))

    assert refused.value.status_code == 400
    assert str(refused.value) == "a non-empty 'sender' is required"


@pytest.mark.parametrize(
    "body",
    [
        {"sender": "u"},
        {"sender": "u", "message": ""},
        {"sender": "u", "message": None},
        {"sender": "u", "message": ["Sarah Jones"]},
    ],
)
def test_a_missing_message_is_a_400(door: Door, body: dict[str, Any]) -> None:
    channel = AnonymisingRestInput(door)

    with pytest.raises(InvalidUsage) as refused:
        channel._extract_message(FakeRequest(body))

    assert refused.value.status_code == 400
    assert "Sarah" not in str(refused.value)


def test_a_message_over_the_limit_is_a_400_that_quotes_nothing(door: Door) -> None:
    channel = AnonymisingRestInput(door)
    body = {"sender": "u", "message": "Sarah Jones " * MAX_MESSAGE_CHARS}

    with pytest.raises(InvalidUsage) as refused:
        channel._extract_message(FakeRequest(body))

    assert refused.value.status_code == 400
    assert "Sarah" not in str(refused.value)


@pytest.mark.parametrize(
    "body",
    [
        ["sender", "message"],
        "Sarah Jones",
        None,
        42,
        InvalidUsage("Failed when parsing body as json"),  # what Sanic raises for bad JSON
        ValueError("Expecting value: line 1 column 1 (char 0)"),
    ],
)
async def test_a_body_that_is_not_a_json_object_is_a_400(door: Door, body: Any) -> None:
    channel = AnonymisingRestInput(door)

    with pytest.raises(InvalidUsage) as from_sender:
        await channel._extract_sender(FakeRequest(body))
    with pytest.raises(InvalidUsage) as from_message:
        channel._extract_message(FakeRequest(body))

    assert str(from_sender.value) == str(from_message.value) == "the body must be a JSON object"


def test_client_metadata_and_input_channel_are_ignored(door: Door) -> None:
    channel = AnonymisingRestInput(door)
    request = FakeRequest(
        {
            "sender": "u",
            "message": "hi",
            "metadata": {"email": "sarah.jones@example.org"},
            "input_channel": "Sarah's Channel",
        }
    )

    assert channel.get_metadata(request) is None
    assert channel._extract_input_channel(request) == "rest"


def test_names_match_rasa_channels() -> None:
    assert AnonymisingRestInput.name() == "rest"
    assert AnonymisingSocketIOInput.name() == "socketio"


# --- REST: the whole webhook through Sanic ----------------------------------------------------


@pytest.fixture
def rest_app(door: Door, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Build a Sanic app serving the REST channel with ``door``, started as ASGI servers do.

    Test mode (as sanic-testing sets it) lets several apps start in one process: Sanic's
    start-up rewrites some of its own functions, and only keeps the originals in test mode.
    """
    monkeypatch.setattr(Sanic, "test_mode", True)

    async def build(recorder: Recorder) -> Sanic:
        app = Sanic(f"reflect_test_{uuid.uuid4().hex}")
        channel = AnonymisingRestInput(door)
        app.blueprint(channel.blueprint(recorder), url_prefix="/webhooks/rest")
        await app._startup()  # what ASGI lifespan start-up (and sanic-testing) runs
        return app

    return build


async def _post(
    app: Sanic, body: bytes, *, query: bytes = b"", path: str = "/webhooks/rest/webhook"
) -> tuple[int, bytes]:
    """One POST through Sanic's ASGI interface; returns the status and the whole body."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [
            (b"host", b"reflect.test"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("reflect.test", 80),
    }
    chunks = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if chunks:
            return chunks.pop()
        await asyncio.Event().wait()  # the client never disconnects mid-request
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    (status,) = [m["status"] for m in sent if m["type"] == "http.response.start"]
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def _json(payload: Any) -> bytes:
    return json.dumps(payload).encode()


async def test_webhook_passes_only_anonymised_text_and_a_hashed_sender(
    door: Door, rest_app: Any
) -> None:
    recorder = Recorder()
    app = await rest_app(recorder)

    status, body = await _post(
        app,
        _json(
            {
                "sender": RAW_SENDER,
                "message": RAW_TEXT,
                "metadata": {"name": "Sarah Jones"},
                "input_channel": "anything",
            }
        ),
    )

    assert status == 200
    (message,) = recorder.messages
    assert message.text == door.clean_text(RAW_TEXT)
    assert message.sender_id == door.pseudonymise(RAW_SENDER)
    assert message.metadata is None
    assert message.input_channel == "rest"
    for identifier in IDENTIFIERS:
        assert identifier not in _everything_rasa_sees(message)
        assert identifier.encode() not in body
    assert json.loads(body) == [{"recipient_id": message.sender_id, "text": "ok"}]


async def test_webhook_passes_a_known_payload(rest_app: Any) -> None:
    recorder = Recorder()
    app = await rest_app(recorder)

    status, _ = await _post(app, _json({"sender": "u1", "message": PAYLOAD}))

    assert status == 200
    assert [message.text for message in recorder.messages] == [PAYLOAD]


async def test_webhook_streaming_is_anonymised_too(door: Door, rest_app: Any) -> None:
    recorder = Recorder()
    app = await rest_app(recorder)

    status, body = await _post(
        app, _json({"sender": RAW_SENDER, "message": RAW_TEXT}), query=b"stream=true"
    )

    assert status == 200
    (message,) = recorder.messages
    assert message.text == door.clean_text(RAW_TEXT)
    assert message.sender_id == door.pseudonymise(RAW_SENDER)
    assert message.metadata is None
    assert [json.loads(line) for line in body.decode().splitlines()] == [
        {"recipient_id": message.sender_id, "text": "ok"}
    ]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (_json({"message": RAW_TEXT}), "a non-empty 'sender' is required"),
        (_json({"sender": "", "message": RAW_TEXT}), "a non-empty 'sender' is required"),
        (_json({"sender": RAW_SENDER}), "a non-empty 'message' is required"),
        (b"Sarah Jones is not JSON", "the body must be a JSON object"),
        (_json([RAW_SENDER, RAW_TEXT]), "the body must be a JSON object"),
        (b"", "the body must be a JSON object"),
    ],
)
async def test_webhook_refuses_bad_requests_with_a_400(
    rest_app: Any, body: bytes, error: str
) -> None:
    recorder = Recorder()
    app = await rest_app(recorder)

    status, response = await _post(app, body)

    assert status == 400
    assert json.loads(response)["message"] == error
    assert recorder.messages == []
    for identifier in IDENTIFIERS:
        assert identifier.encode() not in response


async def test_webhook_refuses_an_over_long_message(rest_app: Any) -> None:
    recorder = Recorder()
    app = await rest_app(recorder)

    status, response = await _post(
        app, _json({"sender": "u1", "message": "Sarah Jones " * MAX_MESSAGE_CHARS})
    )

    assert status == 400
    assert b"Sarah" not in response
    assert recorder.messages == []


# --- the default door -------------------------------------------------------------------------


@pytest.fixture
def fresh_default_door(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """default_door() built from test Settings, never from .env, and forgotten afterwards."""
    settings = Settings(content_dir=DEFAULT_PACK_DIR, var_dir=tmp_path / "var", secret=SECRET)
    monkeypatch.setattr(channels, "load_settings", lambda: settings)
    default_door.cache_clear()
    yield
    default_door.cache_clear()


def _every_static_payload() -> set[str]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    payloads = {
        button["payload"]
        for variants in domain["responses"].values()
        for variant in variants
        for button in variant.get("buttons", [])
    }
    payloads |= {
        button["payload"] for template in load_templates().values() for button in template.buttons
    }
    return payloads


@pytest.mark.usefixtures("fresh_default_door")
def test_default_door_knows_the_learning_ids_and_agencies() -> None:
    pack = load_pack_file(DEFAULT_PACK_DIR / "esscp-child-z.yml")

    door = default_door()

    assert door.secret == SECRET
    assert {item.id for item in pack.key_learning} <= door.payload_values
    assert set(AGENCIES) | {PREFER_NOT_TO_SAY} <= door.payload_values


@pytest.mark.usefixtures("fresh_default_door")
def test_every_button_payload_passes_the_default_door_unchanged() -> None:
    pack = load_pack_file(DEFAULT_PACK_DIR / "esscp-child-z.yml")
    payloads = _every_static_payload() | {
        f'/ask_key_learning{{"learning_id":"{item.id}"}}' for item in pack.key_learning
    }
    assert PAYLOAD in payloads  # the agency buttons are among them

    door = default_door()

    assert {payload: door.clean_text(payload) for payload in payloads} == {
        payload: payload for payload in payloads
    }


@pytest.mark.usefixtures("fresh_default_door")
def test_from_credentials_uses_the_default_door() -> None:
    channel = AnonymisingRestInput.from_credentials({"anything": "ignored"})

    assert isinstance(channel, AnonymisingRestInput)
    assert channel._door is default_door()


# --- socket.io --------------------------------------------------------------------------------


class FakeSio:
    """Records what a socket.io server would emit."""

    def __init__(self) -> None:
        self.emitted: list[dict[str, Any]] = []

    async def emit(self, event: str, data: Any = None, room: str | None = None, **kw: Any) -> None:
        self.emitted.append({"event": event, "data": data, "room": room, **kw})


@pytest.fixture
def socket(door: Door) -> Any:
    """A socketio channel's blueprint, its user_uttered handler and what it emitted."""

    def build(**kwargs: Any) -> tuple[Any, Recorder, FakeSio]:
        channel = AnonymisingSocketIOInput(door=door, **kwargs)
        recorder = Recorder()
        channel.blueprint(recorder)
        fake = FakeSio()
        channel.sio.emit = fake.emit  # type: ignore[union-attr]
        handler = channel.sio.handlers["/"][channel.user_message_evt]  # type: ignore[union-attr]
        return handler, recorder, fake

    return build


async def test_socket_message_is_anonymised_and_replies_go_to_the_room(
    door: Door, socket: Any
) -> None:
    handler, recorder, sio = socket()

    await handler("sid-123", {"message": RAW_TEXT, "metadata": {"name": "Sarah Jones"}})

    (message,) = recorder.messages
    assert message.text == door.clean_text(RAW_TEXT)
    assert message.sender_id == door.pseudonymise("sid-123")
    assert message.metadata is None
    assert message.input_channel == "socketio"
    assert isinstance(message.output_channel, _RoomOutput)
    for identifier in IDENTIFIERS:
        assert identifier not in _everything_rasa_sees(message)
    assert sio.emitted == [{"event": "bot_uttered", "data": {"text": "ok"}, "room": "sid-123"}]


async def test_socket_session_persistence_hashes_the_session_id(door: Door, socket: Any) -> None:
    handler, recorder, sio = socket(session_persistence=True)

    await handler("sid-9", {"message": "hello there", "session_id": "session-abc"})

    (message,) = recorder.messages
    assert message.sender_id == door.pseudonymise("session-abc")
    assert "session-abc" not in message.sender_id
    assert sio.emitted == [{"event": "bot_uttered", "data": {"text": "ok"}, "room": "session-abc"}]


async def test_socket_metadata_sent_as_a_string_is_dropped(socket: Any) -> None:
    handler, recorder, _ = socket()

    await handler("sid-1", {"message": "hello there", "metadata": '{"name": "Sarah Jones"}'})

    (message,) = recorder.messages
    assert message.metadata is None


@pytest.mark.parametrize(
    ("data", "reply"),
    [
        ({"message": ""}, "Sorry: a non-empty 'message' is required."),
        ({}, "Sorry: a non-empty 'message' is required."),
        ({"message": None}, "Sorry: a non-empty 'message' is required."),
        (
            {"message": "Sarah Jones " * MAX_MESSAGE_CHARS},
            f"Sorry: the message is too long (the limit is {MAX_MESSAGE_CHARS} characters).",
        ),
    ],
)
async def test_socket_refused_message_is_answered_and_never_reaches_rasa(
    socket: Any, data: dict[str, Any], reply: str
) -> None:
    handler, recorder, sio = socket()

    await handler("sid-7", data)

    assert recorder.messages == []
    assert sio.emitted == [{"event": "bot_uttered", "data": {"text": reply}, "room": "sid-7"}]


async def test_room_output_sends_text_and_buttons_to_the_original_room() -> None:
    sio = FakeSio()
    original = channels.SocketIOOutput(sio, "bot_uttered")
    output = _RoomOutput(original, "room-1", SECRET)

    await output.send_text_message("s_hashed", "first\n\nsecond")
    await output.send_text_with_buttons(
        "s_hashed", "pick one", [{"title": "Save", "payload": "/save_reflection"}]
    )

    assert [(item["room"], item["data"]) for item in sio.emitted] == [
        ("room-1", {"text": "first"}),
        ("room-1", {"text": "second"}),
        (
            "room-1",
            {
                "text": "pick one",
                "quick_replies": [
                    {"content_type": "text", "title": "Save", "payload": "/save_reflection"}
                ],
            },
        ),
    ]


async def test_room_output_sends_custom_json_to_the_original_room() -> None:
    sio = FakeSio()
    output = _RoomOutput(channels.SocketIOOutput(sio, "bot_uttered"), "room-1", SECRET)

    await output.send_custom_json("s_hashed", {"data": {"kind": "card"}})

    assert [item["room"] for item in sio.emitted] == ["room-1"]
