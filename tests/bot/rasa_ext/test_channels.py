"""Channel adapters: Rasa only ever sees anonymised text, a hashed sender and no client metadata.

sanic-testing is not installed, so the REST channel is tested two ways: its extract hooks with a
minimal fake request, and the whole webhook through Sanic's own ASGI interface (a hand-written
ASGI call, as sanic-testing's ASGI client makes). The socket.io channel (docs/widget-protocol.md)
is tested two ways too: its handlers called directly, with the socket.io server's emit, rooms and
sessions replaced by a recorder; and over real sockets, with the channel's blueprint served by
Sanic on a loopback port and python-socketio's client, but a fake Rasa (no model, no stack).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import socket as socket_module
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jwt
import pytest
import yaml
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from sanic import Sanic
from sanic.exceptions import InvalidUsage

from bot.channels.door import MAX_MESSAGE_CHARS, Door
from bot.channels.intents import domain_intents
from bot.content.loader import load_pack_file
from bot.content.messages import load_templates, render
from bot.rasa_ext import channels
from bot.rasa_ext.channels import (
    AnonymisingRestInput,
    AnonymisingSocketIOInput,
    _RoomOutput,
    default_door,
    default_sessions,
    default_widget_origins,
)
from bot.reflections.dialogue import PREFER_NOT_TO_SAY
from bot.reflections.receipts import code_from_token, receipt_placeholder, typed_receipt
from bot.settings.config import DEFAULT_PACK_DIR, PROJECT_ROOT, Settings
from bot.settings.config import PROJECT_ROOT as _ROOT
from bot.storage.models import AGENCIES
from bot.web.sessions import SessionSigner, WidgetSessions
from tests.asgi import asgi_request
from tests.bot.web.fakes import FakeRevocationList
from tests.bot.web.wire import CLIENTS, Refused, WidgetClient
from tests.conftest import SECOND_PACK_ID, SEVERAL_PACKS_DIR
from tests.settings import make_settings

# What the channels say themselves, word for word (bot/content/messages.yml).
REST_OFF = (
    "The REST channel is off in production. Set REST_CHANNEL_TOKEN to turn it on "
    "(see the README, Hardening)."
)
NO_SESSION = "This connection has no session yet: send session_request first."
WRONG_SESSION = "That session_id is not the session of this connection."
NOT_HANDLED = "Sorry, something went wrong handling that message. Please try again."
NOT_FORGOTTEN = "Sorry, the conversation could not be forgotten just now. Please try again."

INTENTS = domain_intents(_ROOT / "domain.yml")

SECRET = b"channel-test-secret-0123456789abcd"
RAW_SENDER = "29:1AbCdEf-teams-user-sarah.jones@example.org"
RAW_TEXT = "I spoke to Sarah Jones on 07700 900123 at BN21 4UG about Child Z."
IDENTIFIERS = ("Sarah", "Jones", "07700 900123", "BN21 4UG", "sarah.jones", RAW_SENDER)
PAYLOAD = '/choose_agency{"agency":"police"}'


READ_REQUEST_MAX_BYTES = channels.request_max_bytes


@pytest.fixture(autouse=True)
def size_limit_from_test_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The socket.io server's size limit comes from test Settings here, never from .env."""
    monkeypatch.setattr(channels, "request_max_bytes", lambda: make_settings().request_max_bytes)


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
        self.ctx = SimpleNamespace()

    @property
    def json(self) -> Any:
        if isinstance(self._body, Exception):
            raise self._body
        return self._body


async def test_extract_sender_hashes_the_sender(door: Door) -> None:
    channel = AnonymisingRestInput(door)

    sender = await channel._extract_sender(FakeRequest({"sender": RAW_SENDER, "message": "hi"}))

    assert sender == door.pseudonymise(RAW_SENDER, channel="rest")
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

    async def build(recorder: Recorder, **channel_options: Any) -> Sanic:
        app = Sanic(f"reflect_test_{uuid.uuid4().hex}")
        channel = AnonymisingRestInput(**{"door": door, **channel_options})
        app.blueprint(channel.blueprint(recorder), url_prefix="/webhooks/rest")
        await app._startup()  # what ASGI lifespan start-up (and sanic-testing) runs
        return app

    return build


async def _post(
    app: Sanic,
    body: bytes,
    *,
    query: bytes = b"",
    path: str = "/webhooks/rest/webhook",
    authorization: str | None = None,
) -> tuple[int, bytes]:
    """One POST through Sanic's ASGI interface; returns the status and the whole body."""
    target = f"{path}?{query.decode()}" if query else path
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if authorization is not None:
        headers.append((b"authorization", authorization.encode()))
    reply = await asgi_request(app, "POST", target, body=body, headers=headers)
    return reply.status, reply.body


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
    assert message.sender_id == door.pseudonymise(RAW_SENDER, channel="rest")
    # Only the door's: who sent it, as a keyed hash of the (hashed) sender, for the turn.
    assert message.metadata == {"member": door.member(message.sender_id)}
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
    assert message.sender_id == door.pseudonymise(RAW_SENDER, channel="rest")
    # Only the door's: who sent it, as a keyed hash of the (hashed) sender, for the turn.
    assert message.metadata == {"member": door.member(message.sender_id)}
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


# --- the door runs off the event loop ---------------------------------------------------------

SLOW_SECONDS = 0.8
"""How long the slow door blocks its thread; the loop must stay free far below this."""


@dataclass(frozen=True)
class SlowDoor(Door):
    """A door whose text cleaning blocks its thread, as the anonymiser can on adversarial text."""

    def clean_text(self, text: object) -> str:
        time.sleep(SLOW_SECONDS)
        return super().clean_text(text)


def slow_door() -> SlowDoor:
    return SlowDoor.create(secret=SECRET, payload_values={"police"}, intents=INTENTS)


async def worst_loop_stall(work: Awaitable[Any]) -> tuple[float, Any]:
    """Run ``work`` while a 10 ms ticker measures the longest the event loop was unavailable."""
    worst = 0.0
    done = asyncio.Event()

    async def tick() -> None:
        nonlocal worst
        while not done.is_set():
            started = time.monotonic()
            await asyncio.sleep(0.01)
            worst = max(worst, time.monotonic() - started - 0.01)

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0.02)  # the ticker is running before the work starts
    try:
        result = await work
    finally:
        done.set()
        await ticker
    return worst, result


async def test_a_slow_rest_message_does_not_hold_up_other_requests(
    door: Door, rest_app: Any
) -> None:
    recorder = Recorder()
    app = await rest_app(recorder, door=slow_door())

    started = time.monotonic()
    slow = asyncio.create_task(_post(app, _json({"sender": "u1", "message": RAW_TEXT})))
    await asyncio.sleep(0.05)  # the slow message is in the door now
    health = await asgi_request(app, "GET", "/webhooks/rest/")
    answered_in = time.monotonic() - started
    status, _ = await slow

    assert health.status == 200
    assert answered_in < SLOW_SECONDS / 4, f"the health check waited {answered_in:.2f} s"
    assert status == 200
    assert [message.text for message in recorder.messages] == [door.clean_text(RAW_TEXT)]


async def test_a_slow_widget_message_does_not_stall_the_event_loop(widget: Any) -> None:
    w = widget(door=slow_door())
    token = (await w.request_session("sid-slow"))["session_id"]

    worst, _ = await worst_loop_stall(w.say("sid-slow", RAW_TEXT, token))

    assert worst < SLOW_SECONDS / 4, f"the event loop stalled {worst:.2f} s"
    (message,) = w.recorder.messages
    assert "Sarah" not in message.text


REST_TOKEN = "rest-channel-test-token-0123456789abcdef"


@pytest.mark.parametrize(
    "authorization",
    [None, "", f"Basic {REST_TOKEN}", f"Bearer {REST_TOKEN[:-1]}", REST_TOKEN, "Bearer x"],
)
async def test_with_a_token_a_rest_request_without_it_is_a_401(
    rest_app: Any, authorization: str | None
) -> None:
    recorder = Recorder()
    app = await rest_app(recorder, token=REST_TOKEN)

    status, body = await _post(
        app, _json({"sender": "u1", "message": RAW_TEXT}), authorization=authorization
    )

    assert (status, json.loads(body)) == (401, {"error": "unauthorized"})
    assert recorder.messages == []


async def test_with_a_token_a_rest_request_carrying_it_is_handled(rest_app: Any) -> None:
    recorder = Recorder()
    app = await rest_app(recorder, token=REST_TOKEN, enabled=False)  # a token turns it on

    status, _ = await _post(
        app, _json({"sender": "u1", "message": "hello"}), authorization=f"Bearer {REST_TOKEN}"
    )

    assert status == 200
    assert [message.text for message in recorder.messages] == ["hello"]


async def test_an_off_rest_channel_answers_403_and_reaches_nothing(rest_app: Any) -> None:
    recorder = Recorder()
    app = await rest_app(recorder, enabled=False)

    status, body = await _post(app, _json({"sender": "u1", "message": RAW_TEXT}))
    health = await asgi_request(app, "GET", "/webhooks/rest/")

    assert (status, json.loads(body)) == (403, {"error": REST_OFF})
    assert (health.status, json.loads(health.body)) == (403, {"error": REST_OFF})
    assert "REST_CHANNEL_TOKEN" in REST_OFF
    assert recorder.messages == []


@pytest.mark.parametrize(
    ("app_env", "token", "enabled"),
    [
        ("development", None, True),
        ("production", None, False),
        ("production", REST_TOKEN, True),
    ],
)
def test_the_rest_channel_is_off_in_production_unless_a_token_is_set(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    app_env: str,
    token: str | None,
    enabled: bool,
) -> None:
    settings = Settings(
        content_dir=DEFAULT_PACK_DIR,
        var_dir=tmp_path / "var",
        secret=SECRET,
        app_env=app_env,
        rest_channel_token=token,
    )
    monkeypatch.setattr(channels, "server_settings", lambda: settings)
    monkeypatch.setattr(channels, "default_door", lambda: None)

    channel = AnonymisingRestInput.from_credentials(None)

    assert isinstance(channel, AnonymisingRestInput)
    assert (channel._enabled, channel._token) == (enabled, token)


# --- the default door -------------------------------------------------------------------------


@pytest.fixture
def fresh_default_door(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """default_door() built from test Settings, never from .env, and forgotten afterwards."""
    settings = Settings(content_dir=DEFAULT_PACK_DIR, var_dir=tmp_path / "var", secret=SECRET)
    monkeypatch.setattr(channels, "load_settings", lambda: settings)
    every = (channels.server_settings, default_door, default_sessions, default_widget_origins)
    for cached in every:
        cached.cache_clear()
    yield
    for cached in every:
        cached.cache_clear()


def _every_static_payload() -> set[str]:
    """Every button payload as the user's client receives it (domain ones after Rasa's
    interpolation, which turns the doubled braces of JSON entities into single ones)."""
    from rasa.core.nlg.interpolator import interpolate_text

    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    payloads = {
        interpolate_text(button["payload"], {})
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


def test_the_default_door_lets_through_choosing_and_greeting_an_offered_briefing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(content_dir=SEVERAL_PACKS_DIR, var_dir=tmp_path / "var", secret=SECRET)
    monkeypatch.setattr(channels, "load_settings", lambda: settings)
    for cached in (channels.server_settings, default_door):
        cached.cache_clear()
    try:
        door = default_door()
    finally:
        for cached in (channels.server_settings, default_door):
            cached.cache_clear()

    for payload in (
        f'/choose_pack{{"pack_id":"{SECOND_PACK_ID}"}}',
        f'/greet{{"pack_id":"{SECOND_PACK_ID}"}}',
        '/ask_key_learning{"learning_id":"professional-curiosity"}',  # Child Q's learning
    ):
        assert door.clean_text(payload) == payload
    assert door.clean_text('/greet{"pack_id":"no-such-pack"}') == "/greet"


@pytest.mark.usefixtures("fresh_default_door")
def test_from_credentials_uses_the_default_door() -> None:
    channel = AnonymisingRestInput.from_credentials({"anything": "ignored"})

    assert isinstance(channel, AnonymisingRestInput)
    assert channel._door is default_door()


# --- socket.io: the handlers, with a recorded socket.io server --------------------------------

ORIGIN = "http://127.0.0.1:8080"
FOREIGN = "https://evil.example"
TODAY_TOKEN_SIGNER = SessionSigner(secret=SECRET, max_age_days=7)


def _widget_sessions(revoked: FakeRevocationList | None = None) -> WidgetSessions:
    """The channel's sessions: the test signer and a revocation list in memory."""
    return WidgetSessions(signer=TODAY_TOKEN_SIGNER, revoked=revoked or FakeRevocationList())


class FakeSio:
    """Records what a socket.io server would emit, and keeps rooms and sessions per socket.

    ``enter_room``/``leave_room`` are plain methods as in python-socketio 5.9; ``awaiting=True``
    makes them coroutines as in 5.10, which the channel must handle as well.
    """

    def __init__(self, *, awaiting: bool = False) -> None:
        self.emitted: list[dict[str, Any]] = []
        self.sessions: dict[str, dict[str, Any]] = {}
        self.rooms: dict[str, set[str]] = {}
        self.awaiting = awaiting
        self.gone: set[str] = set()

    async def emit(
        self,
        event: str,
        data: Any = None,
        room: str | None = None,
        namespace: Any = None,
        **kw: Any,
    ) -> None:
        self.emitted.append({"event": event, "data": data, "room": room, **kw})

    def enter_room(self, sid: str, room: str, namespace: Any = None) -> Any:
        self.rooms.setdefault(sid, set()).add(room)
        return self._done() if self.awaiting else None

    def leave_room(self, sid: str, room: str, namespace: Any = None) -> Any:
        self.rooms.get(sid, set()).discard(room)
        return self._done() if self.awaiting else None

    async def close_room(self, room: str, namespace: Any = None) -> None:
        for rooms in self.rooms.values():
            rooms.discard(room)

    @property
    def manager(self) -> Any:
        """python-socketio's client manager: who is in a room (sid, Engine.IO sid)."""

        def get_participants(namespace: str, room: str) -> Iterator[tuple[str, str]]:
            assert namespace == "/"
            return iter([(sid, f"eio-{sid}") for sid, rooms in self.rooms.items() if room in rooms])

        return SimpleNamespace(get_participants=get_participants)

    async def get_session(self, sid: str, namespace: Any = None) -> dict[str, Any]:
        if sid in self.gone:
            raise KeyError(sid)
        return self.sessions.setdefault(sid, {})

    async def save_session(self, sid: str, session: dict[str, Any], namespace: Any = None) -> None:
        self.sessions[sid] = dict(session)

    async def _done(self) -> None:
        return None

    def events(self, name: str) -> list[dict[str, Any]]:
        return [item for item in self.emitted if item["event"] == name]


class FakeTrackerStore:
    """Rasa's tracker store as the channel uses it: ``retrieve_full_tracker`` (every session;
    creates nothing), and ``delete`` as our lean SQL store has it."""

    def __init__(self) -> None:
        self.trackers: dict[str, list[Any]] = {}
        self.asked: list[str] = []
        self.broken = False

    async def retrieve_full_tracker(self, sender_id: str) -> Any:
        self.asked.append(sender_id)
        if self.broken:
            raise RuntimeError("database is down")
        events = self.trackers.get(sender_id)
        return SimpleNamespace(events=events) if events else None

    async def delete(self, sender_id: str) -> int:
        if self.broken:
            raise RuntimeError("database is down")
        return len(self.trackers.pop(sender_id, []))


class FakeLockStore:
    """Rasa's lock store: records which conversations were locked, and what happened inside."""

    def __init__(self, store: FakeTrackerStore) -> None:
        self.store = store
        self.locked: list[tuple[str, bool]] = []

    @asynccontextmanager
    async def lock(self, conversation_id: str) -> AsyncIterator[None]:
        yield None
        # Deleted while the lock was held?
        self.locked.append((conversation_id, conversation_id not in self.store.trackers))


@dataclass
class Widget:
    """The channel's handlers with a recorded server: what a test drives and inspects."""

    channel: AnonymisingSocketIOInput
    recorder: Recorder
    sio: FakeSio
    store: FakeTrackerStore
    revoked: FakeRevocationList
    locks: FakeLockStore
    blueprint: Any

    def handler(self, event: str) -> Any:
        return self.channel.sio.handlers["/"][event]  # type: ignore[union-attr]

    async def request_session(self, sid: str, token: Any = None) -> dict[str, Any]:
        await self.handler("session_request")(sid, {"session_id": token})
        return dict(self.sio.events("session_confirm")[-1]["data"])

    async def say(self, sid: str, message: Any, session_id: Any = None) -> None:
        if session_id is None:
            session_id = self.sio.sessions.get(sid, {}).get("token")
        await self.handler("user_uttered")(sid, {"message": message, "session_id": session_id})

    async def forget(self, sid: str, session_id: Any = None) -> None:
        if session_id is None:
            session_id = self.sio.sessions.get(sid, {}).get("token")
        await self.handler("forget")(sid, {"session_id": session_id})


@pytest.fixture
def widget(door: Door) -> Any:
    def build(on_new_message: Any = None, *, awaiting: bool = False, **kwargs: Any) -> Widget:
        revoked = FakeRevocationList()
        defaults = {"door": door, "sessions": _widget_sessions(revoked), "origins": [ORIGIN]}
        channel = AnonymisingSocketIOInput(**{**defaults, **kwargs})
        recorder = Recorder()
        blueprint = channel.blueprint(on_new_message or recorder)
        sio = FakeSio(awaiting=awaiting)
        for name in (
            "emit",
            "enter_room",
            "leave_room",
            "close_room",
            "get_session",
            "save_session",
        ):
            setattr(channel.sio, name, getattr(sio, name))
        channel.sio.manager = sio.manager  # type: ignore[union-attr]
        store = FakeTrackerStore()
        locks = FakeLockStore(store)
        blueprint.ctx.app = SimpleNamespace(
            ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=store, lock_store=locks))
        )
        return Widget(channel, recorder, sio, store, revoked, locks, blueprint)

    return build


def _conversation(door: Door) -> list[Any]:
    return [
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("/greet", intent={"name": "greet"}),
        BotUttered(
            "Hello! **Point 1 of 4**",
            data={"buttons": [{"title": "Next", "payload": "/next_point"}]},
        ),
        UserUttered("/next_point", intent={"name": "next_point"}),
        UserUttered(door.clean_text(RAW_TEXT), intent={"name": "share_reflection"}),
        BotUttered(f"Your receipt code is **{receipt_placeholder('ab' * 12)}**."),
    ]


async def test_a_new_session_gets_a_signed_token_and_joins_its_room(
    door: Door, widget: Any
) -> None:
    w = widget()

    confirm = await w.request_session("sid-1")

    token = confirm["session_id"]
    assert confirm == {"session_id": token, "resumed": False}
    assert TODAY_TOKEN_SIGNER.verify(token)
    assert w.sio.events("session_confirm")[0]["room"] == "sid-1"
    assert w.sio.rooms["sid-1"] == {door.pseudonymise(token, channel="socketio")}
    assert w.sio.events("history") == []
    assert w.store.asked == []


async def test_a_rest_sender_named_like_a_widget_session_is_another_conversation(
    door: Door, widget: Any
) -> None:
    w = widget()
    token = (await w.request_session("sid-1"))["session_id"]
    (widget_sender,) = w.sio.rooms["sid-1"]

    rest_sender = await AnonymisingRestInput(door)._extract_sender(
        FakeRequest({"sender": token, "message": "hello"})
    )

    assert rest_sender.startswith("s_") and widget_sender.startswith("s_")
    assert rest_sender != widget_sender


@pytest.mark.parametrize("awaiting", [False, True])
async def test_rooms_work_with_plain_and_coroutine_enter_room(
    door: Door, widget: Any, awaiting: bool
) -> None:
    w = widget(awaiting=awaiting)

    token = (await w.request_session("sid-1"))["session_id"]

    assert w.sio.rooms["sid-1"] == {door.pseudonymise(token, channel="socketio")}


async def test_a_valid_token_resumes_with_the_history(door: Door, widget: Any) -> None:
    w = widget()
    token = TODAY_TOKEN_SIGNER.issue()
    sender = door.pseudonymise(token, channel="socketio")
    w.store.trackers[sender] = _conversation(door)

    confirm = await w.request_session("sid-2", token)

    assert confirm == {"session_id": token, "resumed": True}
    (history,) = w.sio.events("history")
    assert history["room"] == "sid-2"
    messages = history["data"]["messages"]
    assert [(m["sender"], m["text"]) for m in messages] == [
        ("bot", "Hello! **Point 1 of 4**"),
        ("user", "Next"),
        ("user", door.clean_text(RAW_TEXT)),
        ("bot", "Your receipt code is (shown once, not kept)."),
    ]
    assert messages[0]["buttons"] == [{"title": "Next", "payload": "/next_point"}]
    for identifier in IDENTIFIERS:
        assert identifier not in json.dumps(history)
    assert w.sio.rooms["sid-2"] == {sender}
    # history comes after the confirmation
    assert [e["event"] for e in w.sio.emitted] == ["session_confirm", "history"]


async def test_a_valid_token_with_nothing_kept_is_kept_but_not_resumed(widget: Any) -> None:
    w = widget()
    token = TODAY_TOKEN_SIGNER.issue()

    assert await w.request_session("sid-3", token) == {"session_id": token, "resumed": False}
    assert w.sio.events("history") == []


async def test_history_is_skipped_when_the_tracker_store_fails(widget: Any) -> None:
    w = widget()
    w.store.broken = True
    token = TODAY_TOKEN_SIGNER.issue()

    assert await w.request_session("sid-3", token) == {"session_id": token, "resumed": False}


def _tampered(token: str) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    middle = token[20]
    return token[:20] + alphabet[(alphabet.index(middle) + 1) % 64] + token[21:]


@pytest.mark.parametrize(
    "offered",
    [
        "tampered",
        "other-secret",
        "expired",
        "revoked",
        "session-abc",
        "",
        42,
        {"nested": "x"},
        "x" * 100_000,
    ],
)
async def test_a_token_the_server_did_not_issue_is_never_adopted(
    door: Door, widget: Any, offered: Any
) -> None:
    w = widget()
    real = TODAY_TOKEN_SIGNER.issue()
    w.store.trackers[door.pseudonymise(real, channel="socketio")] = _conversation(door)
    candidates = {
        "tampered": _tampered(real),
        "other-secret": SessionSigner(secret=b"x" * 32, max_age_days=7).issue(),
        "expired": TODAY_TOKEN_SIGNER.issue(today=date.today() - timedelta(days=30)),
        "revoked": real,
    }
    offered = candidates.get(offered, offered) if isinstance(offered, str) else offered
    # Forgotten (here or by another worker): its events may even still be there.
    w.revoked.add(TODAY_TOKEN_SIGNER.revocation_key(real), issued_on=date.today())

    confirm = await w.request_session("sid-4", offered)

    assert confirm["resumed"] is False
    assert confirm["session_id"] != offered
    assert TODAY_TOKEN_SIGNER.verify(confirm["session_id"])
    assert w.sio.events("history") == []
    assert w.store.asked == []  # nobody's conversation was even looked up
    assert w.sio.rooms["sid-4"] == {door.pseudonymise(confirm["session_id"], channel="socketio")}


async def test_a_session_request_without_data_is_a_new_session(widget: Any) -> None:
    w = widget()

    await w.handler("session_request")("sid-5")
    await w.handler("session_request")("sid-6", "not a dict")

    assert [e["data"]["resumed"] for e in w.sio.events("session_confirm")] == [False, False]


async def test_a_second_session_request_moves_the_socket_to_the_new_room(
    door: Door, widget: Any
) -> None:
    w = widget()
    first = (await w.request_session("sid-7"))["session_id"]
    second = TODAY_TOKEN_SIGNER.issue()

    await w.request_session("sid-7", second)

    assert w.sio.rooms["sid-7"] == {door.pseudonymise(second, channel="socketio")}
    assert door.pseudonymise(first, channel="socketio") not in w.sio.rooms["sid-7"]
    assert w.sio.sessions["sid-7"]["token"] == second


async def test_a_message_is_anonymised_and_replies_go_to_the_sessions_room(
    door: Door, widget: Any
) -> None:
    w = widget()
    token = (await w.request_session("sid-8"))["session_id"]
    w.sio.emitted.clear()

    await w.handler("user_uttered")(
        "sid-8", {"message": RAW_TEXT, "session_id": token, "metadata": {"name": "Sarah Jones"}}
    )

    (message,) = w.recorder.messages
    room = door.pseudonymise(token, channel="socketio")
    assert message.text == door.clean_text(RAW_TEXT)
    assert message.sender_id == room
    assert token not in message.sender_id
    # Only the door's: who sent it, as a keyed hash of the (hashed) sender, for the turn.
    assert message.metadata == {"member": door.member(message.sender_id)}
    assert message.input_channel == "socketio"
    assert isinstance(message.output_channel, _RoomOutput)
    for identifier in IDENTIFIERS:
        assert identifier not in _everything_rasa_sees(message)
    assert w.sio.emitted == [
        {"event": "bot_uttered", "data": {"text": "ok"}, "room": room},
        {"event": "turn_complete", "data": {}, "room": room},
    ]


async def test_a_known_payload_passes_unchanged(widget: Any) -> None:
    w = widget()
    await w.request_session("sid-9")

    await w.say("sid-9", PAYLOAD)

    assert [m.text for m in w.recorder.messages] == [PAYLOAD]


async def test_a_message_without_a_session_is_refused(widget: Any) -> None:
    w = widget()

    await w.say("sid-10", "hello", session_id=TODAY_TOKEN_SIGNER.issue())

    assert w.recorder.messages == []
    assert w.sio.emitted == [
        {"event": "error", "data": {"message": NO_SESSION}, "room": "sid-10"},
        {"event": "turn_complete", "data": {}, "room": "sid-10"},
    ]


@pytest.mark.parametrize(
    "claimed",
    ["another", None, "", 42, "Kelly Smith 07700 900888\ud800"],  # a lone surrogate
)
async def test_a_message_naming_another_session_is_refused(widget: Any, claimed: Any) -> None:
    w = widget()
    await w.request_session("sid-11")
    other = (await w.request_session("sid-12"))["session_id"]
    w.sio.emitted.clear()

    await w.handler("user_uttered")(
        "sid-11", {"message": "hello", "session_id": other if claimed == "another" else claimed}
    )

    assert w.recorder.messages == []
    assert w.sio.emitted == [
        {"event": "error", "data": {"message": WRONG_SESSION}, "room": "sid-11"},
        {"event": "turn_complete", "data": {}, "room": "sid-11"},
    ]


async def test_a_message_that_is_not_an_object_is_refused(widget: Any) -> None:
    w = widget()
    await w.request_session("sid-13")
    w.sio.emitted.clear()

    await w.handler("user_uttered")("sid-13", "hello")
    await w.handler("user_uttered")("sid-13")

    assert w.recorder.messages == []
    assert [e["data"] for e in w.sio.events("error")] == [{"message": WRONG_SESSION}] * 2


async def test_a_socket_that_has_gone_is_refused_quietly(widget: Any) -> None:
    w = widget()
    await w.request_session("sid-14")
    w.sio.gone.add("sid-14")

    await w.say("sid-14", "hello", session_id="whatever")

    assert w.recorder.messages == []


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("", "A non-empty 'message' is required."),
        (None, "A non-empty 'message' is required."),
        (["Sarah Jones"], "A non-empty 'message' is required."),
        (
            "Sarah Jones " * MAX_MESSAGE_CHARS,
            f"The message is too long (the limit is {MAX_MESSAGE_CHARS} characters).",
        ),
    ],
)
async def test_a_refused_message_is_an_error_and_never_reaches_rasa(
    widget: Any, message: Any, error: str
) -> None:
    w = widget()
    await w.request_session("sid-15")
    w.sio.emitted.clear()

    await w.say("sid-15", message)

    assert w.recorder.messages == []
    assert w.sio.emitted == [
        {"event": "error", "data": {"message": error}, "room": "sid-15"},
        {"event": "turn_complete", "data": {}, "room": "sid-15"},
    ]
    assert "Sarah" not in json.dumps(w.sio.emitted)


async def test_a_message_of_exactly_the_limit_is_accepted(widget: Any) -> None:
    w = widget()
    await w.request_session("sid-16")

    await w.say("sid-16", "a" * MAX_MESSAGE_CHARS)

    assert len(w.recorder.messages) == 1


async def test_a_failure_in_rasa_is_an_error_and_still_completes_the_turn(
    door: Door, widget: Any, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(message: UserMessage) -> None:
        raise RuntimeError(f"boom with {message.text}")

    w = widget(broken)
    token = (await w.request_session("sid-17"))["session_id"]
    w.sio.emitted.clear()

    await w.say("sid-17", RAW_TEXT)

    assert w.sio.emitted == [
        {"event": "error", "data": {"message": NOT_HANDLED}, "room": "sid-17"},
        {
            "event": "turn_complete",
            "data": {},
            "room": door.pseudonymise(token, channel="socketio"),
        },
    ]
    assert "boom" not in caplog.text and "Sarah" not in caplog.text


# --- socket.io: forget ---------------------------------------------------------------------


async def _two_tabs(door: Door, w: Widget) -> tuple[str, str]:
    """One session open in sockets sid-a and sid-b, with a conversation kept for it."""
    token = (await w.request_session("sid-a"))["session_id"]
    sender = door.pseudonymise(token, channel="socketio")
    w.store.trackers[sender] = _conversation(door)
    await w.request_session("sid-b", token)
    w.sio.emitted.clear()
    return token, sender


async def test_forget_revokes_deletes_and_ends_the_session_in_every_tab(
    door: Door, widget: Any
) -> None:
    w = widget()
    token, sender = await _two_tabs(door, w)
    other_token = (await w.request_session("sid-c"))["session_id"]
    w.store.trackers[door.pseudonymise(other_token, channel="socketio")] = _conversation(door)
    w.sio.emitted.clear()

    await w.forget("sid-a")

    assert w.revoked.entries == {TODAY_TOKEN_SIGNER.revocation_key(token): date.today()}
    assert sender not in w.store.trackers
    assert w.locks.locked == [(sender, True)]  # deleted while holding the conversation's lock
    assert w.sio.emitted == [
        {"event": "session_ended", "data": {"reason": "forgotten"}, "room": sender}
    ]
    assert w.sio.sessions["sid-a"] == {} and w.sio.sessions["sid-b"] == {}
    assert w.sio.rooms["sid-a"] == set() and w.sio.rooms["sid-b"] == set()
    # Someone else's session is untouched.
    assert door.pseudonymise(other_token, channel="socketio") in w.store.trackers
    assert w.sio.rooms["sid-c"] == {door.pseudonymise(other_token, channel="socketio")}
    assert w.channel._sessions.verify(other_token)


async def test_after_forget_no_tab_can_speak_for_the_session_or_resume_it(
    door: Door, widget: Any
) -> None:
    w = widget()
    token, sender = await _two_tabs(door, w)
    await w.forget("sid-a")
    w.sio.emitted.clear()

    await w.say("sid-b", "next", session_id=token)
    confirm = await w.request_session("sid-d", token)

    assert w.sio.events("error")[0]["data"] == {"message": NO_SESSION}
    assert w.recorder.messages == []
    assert confirm["resumed"] is False and confirm["session_id"] != token
    assert w.sio.events("history") == []
    assert sender not in w.store.trackers


@pytest.mark.parametrize("claimed", ["missing", "someone-else", "", 42])
async def test_forget_needs_the_session_bound_to_the_socket(
    door: Door, widget: Any, claimed: Any
) -> None:
    w = widget()
    token, sender = await _two_tabs(door, w)
    if claimed == "missing":
        await w.forget("sid-new", token)
        expected = NO_SESSION
    else:
        await w.request_session("sid-new")
        await w.forget("sid-new", token if claimed == "someone-else" else claimed)
        expected = WRONG_SESSION

    assert [e["data"]["message"] for e in w.sio.events("error")] == [expected]
    assert w.revoked.entries == {}
    assert sender in w.store.trackers
    assert w.sio.events("session_ended") == []
    assert w.sio.rooms["sid-a"] == {sender}


async def test_when_deleting_fails_the_session_is_kept_and_forget_can_be_repeated(
    door: Door, widget: Any
) -> None:
    w = widget()
    token, sender = await _two_tabs(door, w)
    w.store.broken = True

    await w.forget("sid-a")

    assert w.sio.events("error") == [
        {"event": "error", "data": {"message": NOT_FORGOTTEN}, "room": "sid-a"}
    ]
    assert w.sio.events("session_ended") == []
    assert w.sio.sessions["sid-a"]["token"] == token  # still bound: the widget may ask again
    assert sender in w.store.trackers

    w.store.broken = False
    await w.forget("sid-a")

    assert sender not in w.store.trackers
    assert len(w.sio.events("session_ended")) == 1
    assert not w.channel._sessions.verify(token)


async def test_when_the_revocation_list_is_down_nothing_is_forgotten(
    door: Door, widget: Any
) -> None:
    w = widget()
    token, sender = await _two_tabs(door, w)
    w.revoked.broken = True

    await w.forget("sid-a")

    assert w.sio.sessions["sid-a"]["token"] == token
    assert w.sio.events("error")[0]["data"] == {"message": NOT_FORGOTTEN}
    assert sender in w.store.trackers
    assert w.sio.events("session_ended") == []


async def test_without_a_tracker_store_nothing_is_revoked(door: Door, widget: Any) -> None:
    w = widget()
    await _two_tabs(door, w)
    # The app has no agent yet (the model is still loading).
    w.blueprint.ctx.app = SimpleNamespace(ctx=SimpleNamespace(agent=None))

    await w.forget("sid-a")

    assert w.sio.events("error")[0]["data"] == {"message": NOT_FORGOTTEN}
    assert w.revoked.entries == {}


async def test_a_message_for_a_session_forgotten_on_another_worker_ends_it_here(
    door: Door, widget: Any
) -> None:
    w = widget()
    token, sender = await _two_tabs(door, w)
    # Another worker forgot it: the list is shared, this process's rooms are not.
    w.channel._sessions.revoke(token)

    await w.say("sid-b", "next")

    assert w.recorder.messages == []
    assert [(e["event"], e["room"]) for e in w.sio.emitted] == [
        ("session_ended", "sid-b"),
        ("turn_complete", "sid-b"),
    ]
    assert w.sio.events("session_ended")[0]["data"] == {"reason": "forgotten"}
    assert w.sio.sessions["sid-b"] == {} and w.sio.rooms["sid-b"] == set()
    assert w.sio.rooms["sid-a"] == {sender}  # told when it next speaks


async def test_when_the_revocation_list_is_down_messages_and_resumes_fail_closed(
    door: Door, widget: Any
) -> None:
    w = widget()
    token, _ = await _two_tabs(door, w)
    w.store.asked.clear()
    w.revoked.broken = True

    await w.say("sid-a", "next")
    confirm = await w.request_session("sid-z", token)

    assert w.recorder.messages == []
    assert w.sio.events("error")[0]["data"] == {"message": render("turn_not_saved").text}
    assert confirm["resumed"] is False and confirm["session_id"] != token
    assert w.store.asked == []


async def test_receipts_are_revealed_only_in_what_the_socket_sends(door: Door, widget: Any) -> None:
    async def saves(message: UserMessage) -> None:
        await message.output_channel.send_text_message(
            message.sender_id, f"Your code is **{receipt_placeholder('cd' * 12)}**."
        )

    w = widget(saves)
    await w.request_session("sid-18")

    await w.say("sid-18", "save it")

    (reply,) = w.sio.events("bot_uttered")
    assert reply["data"]["text"] == f"Your code is **{code_from_token('cd' * 12, secret=SECRET)}**."


def test_the_engineio_origin_check_is_on_with_the_allowed_origins(door: Door) -> None:
    channel = AnonymisingSocketIOInput(
        door=door, sessions=_widget_sessions(), origins=[ORIGIN, "https://reflect.example.org"]
    )

    channel.blueprint(Recorder())

    assert channel.sio is not None
    assert channel.sio.eio.cors_allowed_origins == [ORIGIN, "https://reflect.example.org"]


def test_engineio_refuses_messages_over_request_max_bytes(
    door: Door, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(channels, "request_max_bytes", lambda: 300_000)
    channel = AnonymisingSocketIOInput(door=door, sessions=TODAY_TOKEN_SIGNER, origins=[ORIGIN])

    channel.blueprint(Recorder())

    assert channel.sio is not None
    assert channel.sio.eio.max_http_buffer_size == 300_000


@pytest.mark.usefixtures("fresh_default_door")
def test_request_max_bytes_is_read_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = dataclasses.replace(channels.server_settings(), request_max_bytes=123_456)
    monkeypatch.setattr(channels, "server_settings", lambda: settings)
    READ_REQUEST_MAX_BYTES.cache_clear()
    try:
        assert READ_REQUEST_MAX_BYTES() == 123_456
    finally:
        READ_REQUEST_MAX_BYTES.cache_clear()


def test_no_allowed_origin_is_a_configuration_error(door: Door) -> None:
    # Engine.IO would read [] as "do not check the Origin at all".
    with pytest.raises(ValueError, match="at least one widget origin"):
        AnonymisingSocketIOInput(door=door, sessions=_widget_sessions(), origins=[])


@pytest.mark.parametrize(
    ("environ", "allowed"),
    [
        ({"HTTP_ORIGIN": ORIGIN}, True),
        ({}, True),  # not a browser: nothing to check (the session token still is)
        ({"HTTP_ORIGIN": FOREIGN}, False),
        ({"HTTP_ORIGIN": ORIGIN + ".evil.example"}, False),
        ({"HTTP_ORIGIN": "null"}, False),
    ],
)
async def test_connect_refuses_a_foreign_origin(
    widget: Any, environ: dict[str, str], allowed: bool
) -> None:
    w = widget()

    assert await w.handler("connect")("sid-19", environ, None) is allowed


async def test_connect_checks_the_jwt_when_one_is_configured(widget: Any) -> None:
    key = "jwt-test-key-0123456789abcdef0123"
    w = widget(jwt_key=key)
    good = jwt.encode({"user": "x"}, key, algorithm="HS256")
    connect = w.handler("connect")

    assert await connect("s", {"HTTP_ORIGIN": ORIGIN}, {"token": good}) is True
    assert await connect("s", {"HTTP_ORIGIN": ORIGIN}, {"token": "bad"}) is False
    assert await connect("s", {"HTTP_ORIGIN": ORIGIN}, None) is False
    assert await connect("s", {"HTTP_ORIGIN": FOREIGN}, {"token": good}) is False


async def test_proactive_output_goes_to_the_senders_room_with_receipts_revealed(
    door: Door, widget: Any
) -> None:
    w = widget()
    token = (await w.request_session("sid-20"))["session_id"]
    w.sio.emitted.clear()
    output = w.channel.get_output_channel()

    await output.send_text_message(
        door.pseudonymise(token, channel="socketio"), receipt_placeholder("ef" * 12)
    )

    assert w.sio.emitted == [
        {
            "event": "bot_uttered",
            "data": {"text": code_from_token("ef" * 12, secret=SECRET)},
            "room": door.pseudonymise(token, channel="socketio"),
        }
    ]


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


async def test_a_custom_payload_reaches_the_widget_as_custom_whatever_its_keys() -> None:
    # Rasa's own emit(**payload) raises on any key but data and room.
    sio = FakeSio()
    output = _RoomOutput(channels.SocketIOOutput(sio, "bot_uttered"), "room-1", SECRET)

    await output.send_custom_json("s_hashed", {"reflect_followup_token": "t" * 32})

    assert sio.emitted == [
        {
            "event": "bot_uttered",
            "data": {"custom": {"reflect_followup_token": "t" * 32}},
            "room": "room-1",
        }
    ]


async def test_only_a_follow_up_token_of_the_right_shape_reaches_rasa(widget: Any) -> None:
    w = widget()
    token = (await w.request_session("sid-f"))["session_id"]
    good = "A1b2_C3d4-" * 3 + "zz"
    for offered in (good, "short", good + "x", "Sarah Jones" + "x" * 21, 12345, None):
        await w.handler("user_uttered")(
            "sid-f", {"message": "next point", "session_id": token, "followup": offered}
        )
    metadata = [message.metadata for message in w.recorder.messages]
    assert metadata[0] is not None and metadata[0]["followup_token"] == good
    assert all("followup_token" not in (later or {}) for later in metadata[1:])


@pytest.mark.usefixtures("fresh_default_door")
def test_socketio_from_credentials_uses_settings(tmp_path: Path) -> None:
    channel = AnonymisingSocketIOInput.from_credentials(
        {
            "user_message_evt": "user_uttered",
            "bot_message_evt": "bot_uttered",
            "session_persistence": True,
        }
    )

    assert isinstance(channel, AnonymisingSocketIOInput)
    assert channel._door is default_door()
    assert channel._sessions is default_sessions()
    assert channel.origins == ("http://127.0.0.1:8080", "http://localhost:8080")
    assert channel.user_message_evt == "user_uttered"


# --- socket.io: real sockets on loopback, with a fake Rasa ------------------------------------


@dataclass
class LiveWidget:
    url: str
    recorder: Recorder
    store: FakeTrackerStore
    clients: list[WidgetClient]
    channel: AnonymisingSocketIOInput

    def client(self, transport: str = "polling") -> WidgetClient:
        client = CLIENTS[transport](self.url)
        self.clients.append(client)
        return client


@pytest.fixture
async def live(door: Door, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The channel's blueprint served by Sanic on a free loopback port, as Rasa registers it."""
    monkeypatch.setattr(Sanic, "test_mode", True)
    app = Sanic(f"reflect_socket_{uuid.uuid4().hex}", configure_logging=False, env_prefix=None)
    channel = AnonymisingSocketIOInput(door=door, sessions=_widget_sessions(), origins=[ORIGIN])
    recorder = Recorder()
    app.blueprint(channel.blueprint(recorder), url_prefix="/webhooks/socketio")
    store = FakeTrackerStore()
    app.ctx.agent = SimpleNamespace(tracker_store=store)
    with socket_module.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    await server.startup()  # create_server has started listening; this runs the listeners
    live = LiveWidget(f"http://127.0.0.1:{port}", recorder, store, [], channel)
    try:
        yield live
    finally:
        for client in live.clients:
            await client.close()
        await server.close()


@pytest.mark.parametrize("transport", ["polling", "websocket"])
async def test_live_a_foreign_origin_cannot_connect(live: LiveWidget, transport: str) -> None:
    with pytest.raises(Refused):
        await live.client(transport).connect(origin=FOREIGN)


@pytest.mark.parametrize("transport", ["polling", "websocket"])
async def test_live_an_allowed_origin_talks_to_the_bot(
    door: Door, live: LiveWidget, transport: str
) -> None:
    client = live.client(transport)
    await client.connect()

    confirm = await client.session()
    await client.say(confirm["session_id"], RAW_TEXT)

    assert confirm["resumed"] is False
    assert await client.next("bot_uttered") == {"text": "ok"}
    assert await client.next("turn_complete") == {}
    (message,) = live.recorder.messages
    assert message.text == door.clean_text(RAW_TEXT)
    assert message.sender_id == door.pseudonymise(confirm["session_id"], channel="socketio")


async def test_live_two_tabs_of_one_session_both_get_the_replies(live: LiveWidget) -> None:
    first, second = live.client(), live.client("websocket")
    await first.connect()
    await second.connect()
    token = (await first.session())["session_id"]
    assert (await second.session(token))["session_id"] == token

    await first.say(token, "hello")

    assert await first.next("bot_uttered") == {"text": "ok"}
    assert await second.next("bot_uttered") == {"text": "ok"}
    assert await second.next("turn_complete") == {}


async def test_live_another_session_hears_nothing_and_cannot_speak_for_it(
    live: LiveWidget,
) -> None:
    mine, theirs = live.client(), live.client()
    await mine.connect()
    await theirs.connect()
    my_token = (await mine.session())["session_id"]
    await theirs.session()

    await theirs.say(my_token, "pretending to be you")
    error = await theirs.next("error")
    await mine.say(my_token, "hello")
    await mine.next("turn_complete")

    assert error == {"message": WRONG_SESSION}
    assert [m.text for m in live.recorder.messages] == ["hello"]
    assert theirs.queue("bot_uttered").empty()


async def test_live_resume_sends_history(door: Door, live: LiveWidget) -> None:
    token = TODAY_TOKEN_SIGNER.issue()
    live.store.trackers[door.pseudonymise(token, channel="socketio")] = _conversation(door)
    client = live.client()
    await client.connect()

    confirm = await client.session(token)
    history = await client.next("history")

    assert confirm == {"session_id": token, "resumed": True}
    assert [m["sender"] for m in history["messages"]] == ["bot", "user", "user", "bot"]
    assert "Sarah" not in json.dumps(history)


async def test_live_forget_ends_the_session_in_both_tabs_and_empties_its_room(
    door: Door, live: LiveWidget
) -> None:
    first, second = live.client(), live.client("websocket")
    await first.connect()
    await second.connect()
    token = (await first.session())["session_id"]
    sender = door.pseudonymise(token, channel="socketio")
    live.store.trackers[sender] = _conversation(door)
    assert (await second.session(token))["resumed"] is True

    await first.forget(token)

    assert await first.next("session_ended") == {"reason": "forgotten"}
    assert await second.next("session_ended") == {"reason": "forgotten"}
    assert sender not in live.store.trackers
    sio = live.channel.sio
    assert sio is not None
    assert list(sio.manager.get_participants("/", sender)) == []
    await second.say(token, "still there?")
    assert await second.next("error") == {"message": NO_SESSION}
    again = await second.session(token)
    assert again["resumed"] is False and again["session_id"] != token
    assert live.recorder.messages == []
    assert first.queue("error").empty()


async def test_live_an_oversized_message_is_an_error(live: LiveWidget) -> None:
    client = live.client("websocket")
    await client.connect()
    token = (await client.session())["session_id"]

    await client.say(token, "x" * (MAX_MESSAGE_CHARS + 1))

    assert await client.next("error") == {
        "message": f"The message is too long (the limit is {MAX_MESSAGE_CHARS} characters)."
    }
    assert live.recorder.messages == []


# --- the conversation memory and receipt metadata through the channels (issue 10) -------------


class FakeMemory:
    """ConversationMemory in a dict: what the channel asks it for and keeps in it."""

    def __init__(self, *, broken: bool = False) -> None:
        self.kept: dict[str, dict[str, str]] = {}
        self.broken = broken

    def recall(self, conversation: str) -> dict[str, str]:
        if self.broken:
            raise OSError("database is down")
        return dict(self.kept.get(conversation, {}))

    def remember(self, conversation: str, entries: Any, *, known: int = 0) -> None:
        self.kept.setdefault(conversation, {}).update(entries)

    def forget(self, conversation: str) -> int:
        return len(self.kept.pop(conversation, {}))


async def test_rest_remembers_a_name_for_the_conversation_only(rest_app: Any) -> None:
    """Finding 3: "Hollis" alone in a later message of the same conversation is caught."""
    memory = FakeMemory()
    recorder = Recorder()
    app = await rest_app(recorder, memory=memory)

    await _post(app, _json({"sender": "u1", "message": "dad is Frankie Hollis"}))
    await _post(app, _json({"sender": "u1", "message": "the hollis situation is worse"}))
    await _post(app, _json({"sender": "u2", "message": "the hollis situation is worse"}))

    texts = [message.text for message in recorder.messages]
    assert texts[1] == "the [NAME 1] situation is worse"
    assert texts[2] == "the hollis situation is worse"  # another conversation knows nothing
    (kept,) = memory.kept.values()
    assert all(len(key) == 64 for key in kept) and "hollis" not in repr(memory.kept).lower()


async def test_rest_sends_receipt_hashes_as_metadata_and_never_the_code(
    door: Door, rest_app: Any
) -> None:
    recorder = Recorder()
    app = await rest_app(recorder)

    await _post(app, _json({"sender": "u1", "message": "my code is 7k3qf-x9m2d"}))

    (message,) = recorder.messages
    assert message.text == "my code is [RECEIPT 1]"
    assert message.metadata == {
        "receipts": [typed_receipt("7K3QF-X9M2D", secret=door.secret)],
        "member": door.member(message.sender_id),
    }
    assert "7K3QF" not in _everything_rasa_sees(message).upper()


async def test_rest_refuses_with_503_when_the_memory_is_down(rest_app: Any) -> None:
    recorder = Recorder()
    app = await rest_app(recorder, memory=FakeMemory(broken=True))

    status, body = await _post(app, _json({"sender": "u1", "message": "dad is Frankie Hollis"}))

    assert status == 503
    assert recorder.messages == []
    assert b"Hollis" not in body
    assert json.loads(body)["message"] == render("turn_not_saved").text


async def test_the_widget_remembers_and_passes_receipt_metadata(door: Door, widget: Any) -> None:
    memory = FakeMemory()
    w = widget(memory=memory)
    token = (await w.request_session("sid-m"))["session_id"]

    for text in ("mum is Kelly Brampton", "the brampton case again", "code 7K3QF-X9M2D"):
        await w.handler("user_uttered")("sid-m", {"message": text, "session_id": token})

    _first, second, third = w.recorder.messages
    assert second.text == "the [NAME 1] case again"
    assert third.metadata == {
        "receipts": [typed_receipt("7K3QF-X9M2D", secret=door.secret)],
        "member": door.member(third.sender_id),
    }


async def test_forget_also_forgets_the_conversation_memory(door: Door, widget: Any) -> None:
    memory = FakeMemory()
    w = widget(memory=memory)
    token = (await w.request_session("sid-f"))["session_id"]
    await w.handler("user_uttered")(
        "sid-f", {"message": "dad is Frankie Hollis", "session_id": token}
    )
    assert memory.kept

    await w.handler("forget")("sid-f", {"session_id": token})

    assert memory.kept == {}


async def test_a_client_emitting_disconnect_with_arguments_is_no_error(widget: Any) -> None:
    """Attack finding: a client's own "disconnect" event with an argument raised a TypeError."""
    w = widget()

    await w.handler("disconnect")("sid-d", "client says goodbye", {"x": 1})


async def test_a_rest_sender_with_a_lone_surrogate_is_a_400_not_a_500(rest_app: Any) -> None:
    """Attack finding: {"sender": "\\ud800"} was a 500 (the sender could not be hashed)."""
    app = await rest_app(Recorder())

    status, body = await _post(app, b'{"sender": "\\ud800", "message": "hi"}')

    assert status == 400
    assert b"sender" in body
