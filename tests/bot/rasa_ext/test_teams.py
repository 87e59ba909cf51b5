"""The Teams channel through Sanic's ASGI interface, with a fake connector behind a fake HTTP.

As in test_channels.py: sanic-testing is not installed, so each request is a hand-written ASGI
call. Rasa's message handler is a recorder; Microsoft's endpoints (OpenID metadata, key set,
token endpoint, Connector API) are a :class:`FakeConnectorHttp`. The real server, real HTTP and
real Rasa are in tests/e2e/test_teams.py.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.channels.door import MAX_MESSAGE_CHARS, Door
from bot.channels.intents import domain_intents
from bot.rasa_ext.channels import AnonymisingRestInput
from bot.rasa_ext.teams import TeamsInput, TeamsOutput
from bot.reflections.receipts import code_from_token, receipt_placeholder
from bot.settings.config import DEFAULT_PACK_DIR, PROJECT_ROOT, Settings
from bot.teams.http import ConnectorError
from tests.asgi import asgi_request
from tests.bot.rasa_ext.test_channels import SLOW_SECONDS, slow_door, worst_loop_stall

SECRET = b"teams-test-secret-0123456789abcdef"
APP_ID = "9f1c2a3b-4d5e-4f60-8a7b-0c1d2e3f4a5b"
BOT_ID = f"28:{APP_ID}"
OPENID = "https://login.example.test/v1/.well-known/openidconfiguration"
JWKS = "https://login.example.test/v1/.well-known/keys"
TOKEN_URL = "https://login.example.test/tenant/oauth2/v2.0/token"
SERVICE_URL = "https://smba.trafficmanager.net/emea/"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
AAD = "6b0b4e7e-1d3c-4f2a-9c7e-5a1b2c3d4e5f"
USER_ID = "29:1sarahJonesTeamsIdAbCdEf"
RAW_TEXT = "I spoke to Sarah Jones on 07700 900123 at BN21 4UG about Child Z."
IDENTIFIERS = ("Sarah", "Jones", "07700 900123", "BN21 4UG", AAD, TENANT, USER_ID)
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KID = "key-1"


class FakeConnectorHttp:
    """Microsoft's endpoints behind the channel's JsonHttp: keys, tokens and the Connector API."""

    def __init__(self) -> None:
        public = json.loads(RSAAlgorithm.to_jwk(KEY.public_key()))
        self.documents: dict[str, Any] = {
            OPENID: {"jwks_uri": JWKS},
            JWKS: {"keys": [{**public, "kid": KID, "endorsements": ["msteams"]}]},
        }
        self.posts: list[tuple[str, dict[str, Any], str]] = []
        self.token_requests: list[dict[str, str]] = []
        self.statuses: list[int] = []  # answers for the next posts; 200 when empty

    async def get_json(self, url: str) -> Any:
        return self.documents[url]

    async def post_form(self, url: str, form: Mapping[str, str]) -> Any:
        assert url == TOKEN_URL
        self.token_requests.append(dict(form))
        return {"access_token": f"bot-token-{len(self.token_requests)}", "expires_in": 3600}

    async def post_json(self, url: str, body: Mapping[str, Any], *, bearer: str) -> int:
        self.posts.append((url, dict(body), bearer))
        return self.statuses.pop(0) if self.statuses else 200

    @property
    def texts(self) -> list[str]:
        return [body.get("text", "") for _, body, _ in self.posts]


def settings(**overrides: Any) -> Settings:
    base = Settings(
        content_dir=DEFAULT_PACK_DIR,
        secret=SECRET,
        teams_app_id=APP_ID,
        teams_app_password="app-password",
        teams_openid_url=OPENID,
        teams_token_url=TOKEN_URL,
    )
    return replace(base, **overrides)


@pytest.fixture
def door() -> Door:
    return Door.create(
        secret=SECRET, payload_values=set(), intents=domain_intents(PROJECT_ROOT / "domain.yml")
    )


@pytest.fixture
def http() -> FakeConnectorHttp:
    return FakeConnectorHttp()


class Recorder:
    """Rasa's message handler: records each message and answers through its output channel."""

    def __init__(self, answer: str = "ok", *, fail: Exception | None = None) -> None:
        self.messages: list[UserMessage] = []
        self.answer = answer
        self.fail = fail

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        if self.fail:
            raise self.fail
        await message.output_channel.send_response(
            message.sender_id,
            {"text": self.answer, "buttons": [{"title": "Menu", "payload": "/show_menu"}]},
        )


Build = Callable[..., Awaitable[Sanic]]


@pytest.fixture
def teams_app(door: Door, http: FakeConnectorHttp, monkeypatch: pytest.MonkeyPatch) -> Build:
    monkeypatch.setattr(Sanic, "test_mode", True)

    async def build(
        handler: Any, channel_settings: Settings | None = None, *, with_door: Door | None = None
    ) -> Sanic:
        app = Sanic(f"reflect_teams_{uuid.uuid4().hex}")
        channel = TeamsInput(channel_settings or settings(), door=with_door or door, http=http)
        app.blueprint(channel.blueprint(handler), url_prefix="/webhooks/teams")
        await app._startup()
        return app

    return build


def token(**overrides: Any) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "serviceurl": SERVICE_URL,
        "nbf": now - 10,
        "exp": now + 3600,
        "iss": "https://api.botframework.com",
        "aud": APP_ID,
        **overrides,
    }
    return jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": KID})


def activity(text: str | None = "hello", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "message",
        "id": "1719000000042",
        "channelId": "msteams",
        "serviceUrl": SERVICE_URL,
        "from": {"id": USER_ID, "name": "Sarah Jones", "aadObjectId": AAD},
        "conversation": {"conversationType": "personal", "tenantId": TENANT, "id": "a:1chat"},
        "recipient": {"id": BOT_ID, "name": "Reflect"},
        "channelData": {"tenant": {"id": TENANT}},
        "locale": "en-GB",
    }
    if text is not None:
        body["text"] = text
    body.update(extra)
    return body


async def call(
    app: Sanic,
    body: Any = None,
    *,
    authorization: str | None = "",
    raw: bytes | None = None,
    method: str = "POST",
    path: str = "/webhooks/teams/webhook",
) -> tuple[int, bytes]:
    """One request through Sanic's ASGI interface; ``authorization=""`` is a genuine token."""
    data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(data)).encode()),
    ]
    if authorization is not None:
        headers.append((b"authorization", (authorization or f"Bearer {token()}").encode()))
    reply = await asgi_request(app, method, path, body=data, headers=headers)
    return reply.status, reply.body


def _everything_rasa_sees(message: UserMessage) -> str:
    return repr((message.text, message.sender_id, message.metadata, message.input_channel))


# --- configuration ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "unset", [{"teams_app_id": None}, {"teams_app_password": None}, {"teams_app_id": ""}]
)
async def test_unconfigured_teams_answers_404(teams_app: Build, unset: dict[str, Any]) -> None:
    # Found by an attack: 503 is a server fault; a webhook that is not set up here is a 404.
    recorder = Recorder()
    app = await teams_app(recorder, settings(**unset))

    status, _ = await call(app, activity())
    health_status, health = await call(app, method="GET", path="/webhooks/teams/")

    assert status == 404
    assert recorder.messages == []
    assert health_status == 200 and json.loads(health) == {"status": "ok", "configured": False}


async def test_health_says_configured(teams_app: Build) -> None:
    app = await teams_app(Recorder())

    status, body = await call(app, method="GET", path="/webhooks/teams/")

    assert status == 200 and json.loads(body) == {"status": "ok", "configured": True}


def test_from_credentials_reads_settings_not_the_file(
    monkeypatch: pytest.MonkeyPatch, door: Door
) -> None:
    from bot.rasa_ext import teams

    monkeypatch.setattr(teams, "server_settings", lambda: settings(teams_app_id=None))
    monkeypatch.setattr(teams, "default_door", lambda: door)
    # The conversation memory reads the server's settings too (and would make a key in var/).
    monkeypatch.setattr(teams, "default_memory", lambda: None)

    channel = TeamsInput.from_credentials({"app_id": "from-the-file", "app_password": "x"})

    assert isinstance(channel, TeamsInput) and not channel.configured
    assert TeamsInput.name() == "teams" and TeamsOutput.name() == "teams"


# --- a message through the door --------------------------------------------------------------


@pytest.mark.parametrize("conversation_type", ["personal", "groupChat"])
async def test_a_rest_sender_named_like_a_teams_conversation_is_another_conversation(
    teams_app: Build, door: Door, conversation_type: str
) -> None:
    recorder = Recorder()
    app = await teams_app(recorder)
    conversation = {"conversationType": conversation_type, "tenantId": TENANT, "id": "19:g@t.v2"}
    await call(app, activity("hello", conversation=conversation))
    (in_teams,) = recorder.messages
    pre_hash = (
        f"teams:user:{USER_ID}"
        if conversation_type == "personal"
        else "teams:conversation:19:g@t.v2"
    )

    rest_sender = await AnonymisingRestInput(door)._extract_sender(
        SimpleNamespace(json={"sender": pre_hash, "message": "hello"}, ctx=SimpleNamespace())
    )

    assert rest_sender.startswith("s_") and in_teams.sender_id.startswith("s_")
    assert rest_sender != in_teams.sender_id


async def test_in_a_group_chat_each_member_has_their_own_hash_and_one_shared_conversation(
    teams_app: Build, door: Door
) -> None:
    """The group session's lead is told apart from the others by the member hash alone."""
    recorder = Recorder()
    app = await teams_app(recorder)
    conversation = {"conversationType": "groupChat", "tenantId": TENANT, "id": "19:g@t.v2"}
    for user in ("29:lead", "29:member-a", "29:lead"):
        body = activity("next", conversation=conversation)
        body["from"] = {**body["from"], "id": user}
        await call(app, body)

    senders = {message.sender_id for message in recorder.messages}
    members = [message.metadata["member"] for message in recorder.messages]
    assert len(senders) == 1  # one shared conversation
    assert members[0] == members[2] == door.member("teams:user:29:lead")
    assert members[1] == door.member("teams:user:29:member-a") != members[0]
    assert all(m.startswith("m_") and "29:" not in m for m in members)
    # The same person is the same member in their personal chat with Reflect.
    personal = activity("hello")
    personal["from"] = {**personal["from"], "id": "29:lead"}
    await call(app, personal)
    assert recorder.messages[-1].metadata == {"member": members[0]}


async def test_a_slow_teams_message_does_not_stall_the_event_loop(
    teams_app: Build, door: Door
) -> None:
    recorder = Recorder()
    app = await teams_app(recorder, with_door=slow_door())

    worst, (status, _) = await worst_loop_stall(call(app, activity(RAW_TEXT)))

    assert worst < SLOW_SECONDS / 4, f"the event loop stalled {worst:.2f} s"
    assert status == 200
    assert [message.text for message in recorder.messages] == [door.clean_text(RAW_TEXT)]


async def test_a_message_reaches_rasa_anonymised_and_the_reply_reaches_teams(
    teams_app: Build, door: Door, http: FakeConnectorHttp
) -> None:
    recorder = Recorder()
    app = await teams_app(recorder)

    status, _ = await call(app, activity(RAW_TEXT))

    assert status == 200
    (message,) = recorder.messages
    assert message.text == door.clean_text(RAW_TEXT)
    assert message.sender_id == door.pseudonymise(f"teams:user:{USER_ID}", channel="teams")
    # Who sent it, as a keyed hash, for the turn only (nothing else of the activity).
    assert message.metadata == {"member": door.member(f"teams:user:{USER_ID}")}
    assert message.input_channel == "teams"
    for identifier in IDENTIFIERS:
        assert identifier not in _everything_rasa_sees(message)
    ((url, reply, bearer),) = http.posts
    assert url == f"{SERVICE_URL}v3/conversations/a%3A1chat/activities/1719000000042"
    assert bearer == "bot-token-1"
    assert reply["replyToId"] == "1719000000042"
    assert reply["textFormat"] == "markdown" and reply["text"] == "ok"
    (button,) = reply["attachments"][0]["content"]["buttons"]
    assert button["type"] == "messageBack" and button["value"] == {"payload": "/show_menu"}
    assert http.token_requests == [
        {
            "grant_type": "client_credentials",
            "client_id": APP_ID,
            "client_secret": "app-password",
            "scope": "https://api.botframework.com/.default",
        }
    ]


async def test_a_click_reaches_rasa_as_its_payload(teams_app: Build) -> None:
    recorder = Recorder()
    app = await teams_app(recorder)

    status, _ = await call(app, activity(None, value={"payload": "/start_discussion"}))

    assert status == 200
    assert [m.text for m in recorder.messages] == ["/start_discussion"]


async def test_a_forged_payload_in_value_is_anonymised_text(teams_app: Build) -> None:
    recorder = Recorder()
    app = await teams_app(recorder)

    await call(app, activity(None, value={"payload": '/greet{"name": "Sarah Jones"}'}))

    (message,) = recorder.messages
    assert not message.text.startswith("/") and "Sarah" not in message.text


async def test_the_bot_added_is_a_greeting_posted_as_a_new_message(
    teams_app: Build, http: FakeConnectorHttp
) -> None:
    recorder = Recorder()
    app = await teams_app(recorder)
    body = activity(None, type="conversationUpdate", membersAdded=[{"id": BOT_ID}])

    status, _ = await call(app, body)

    assert status == 200
    assert [m.text for m in recorder.messages] == ["/greet"]
    ((url, reply, _),) = http.posts
    assert url.endswith("/v3/conversations/a%3A1chat/activities") and "replyToId" not in reply


@pytest.mark.parametrize(
    "body",
    [
        activity(None, type="typing"),
        activity(None, type="conversationUpdate", membersAdded=[{"id": "29:tom"}]),
        activity(None, type="conversationUpdate", membersRemoved=[{"id": BOT_ID}]),
    ],
)
async def test_nothing_to_do_is_a_202(
    teams_app: Build, http: FakeConnectorHttp, body: dict[str, Any]
) -> None:
    recorder = Recorder()
    app = await teams_app(recorder)

    status, _ = await call(app, body)

    assert status == 202
    assert recorder.messages == [] and http.posts == []


async def test_an_over_long_message_gets_an_apology_not_rasa(
    teams_app: Build, http: FakeConnectorHttp
) -> None:
    recorder = Recorder()
    app = await teams_app(recorder)

    status, _ = await call(app, activity("Sarah Jones " * MAX_MESSAGE_CHARS))

    assert status == 200
    assert recorder.messages == []
    (text,) = http.texts
    assert "too long" in text and "Sarah" not in text
    assert text == f"Sorry: the message is too long (the limit is {MAX_MESSAGE_CHARS} characters)."


async def test_a_message_without_text_gets_an_apology(
    teams_app: Build, http: FakeConnectorHttp
) -> None:
    recorder = Recorder()
    app = await teams_app(recorder)

    status, _ = await call(app, activity(None, attachments=[{"contentType": "image/png"}]))

    assert status == 200 and recorder.messages == []
    assert http.texts == ["Sorry, I can only read typed messages and button choices."]


async def test_receipt_codes_are_revealed_only_on_the_way_out(
    teams_app: Build, http: FakeConnectorHttp
) -> None:
    placeholder = receipt_placeholder("0123456789abcdef01234567")
    app = await teams_app(Recorder(f"Your receipt code is {placeholder}."))

    await call(app, activity("save it"))

    code = code_from_token("0123456789abcdef01234567", secret=SECRET)
    assert http.texts == [f"Your receipt code is {code}."]


# --- failures are visible --------------------------------------------------------------------


async def test_a_failure_while_handling_is_a_500_that_quotes_nothing(
    teams_app: Build, caplog: pytest.LogCaptureFixture
) -> None:
    app = await teams_app(Recorder(fail=RuntimeError(f"boom: {RAW_TEXT}")))

    status, body = await call(app, activity(RAW_TEXT))

    assert status == 500
    assert b"Sarah" not in body
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert errors == ["Teams activity not handled: RuntimeError"]


async def test_a_refused_reply_is_a_500(teams_app: Build, http: FakeConnectorHttp) -> None:
    http.statuses = [403, 403]
    app = await teams_app(Recorder())

    status, _ = await call(app, activity())

    assert status == 500


async def test_a_refused_bot_token_is_renewed_once(
    teams_app: Build, http: FakeConnectorHttp
) -> None:
    http.statuses = [401]
    app = await teams_app(Recorder())

    status, _ = await call(app, activity())

    assert status == 200
    assert [bearer for _, _, bearer in http.posts] == ["bot-token-1", "bot-token-2"]


async def test_the_bot_token_is_reused_across_messages(
    teams_app: Build, http: FakeConnectorHttp
) -> None:
    app = await teams_app(Recorder())

    for _ in range(3):
        await call(app, activity())

    assert len(http.token_requests) == 1 and len(http.posts) == 3


async def test_output_custom_json_stays_in_the_conversation(http: FakeConnectorHttp) -> None:
    from bot.teams.activities import read_activity
    from bot.teams.auth import BotTokens

    conversation = read_activity(activity()).conversation
    assert conversation is not None
    tokens = BotTokens(app_id=APP_ID, password="pw", endpoint=TOKEN_URL, http=http)
    output = TeamsOutput(conversation, tokens=tokens, http=http, secret=SECRET)

    await output.send_custom_json("x", {"text": "hi", "conversation": {"id": "elsewhere"}})
    await output.send_image_url("x", "https://example.org/a.png")
    await output.send_quick_replies("x", "pick", [{"title": "A", "payload": "/affirm"}])

    assert [url for url, _, _ in http.posts] == [http.posts[0][0]] * 3
    assert http.posts[0][1]["conversation"] == {"id": "a:1chat"}
    assert http.posts[2][1]["attachments"][0]["content"]["buttons"][0]["type"] == "messageBack"


async def test_a_connector_error_is_raised_by_the_output(http: FakeConnectorHttp) -> None:
    from bot.teams.activities import read_activity
    from bot.teams.auth import BotTokens

    conversation = read_activity(activity()).conversation
    assert conversation is not None
    tokens = BotTokens(app_id=APP_ID, password="pw", endpoint=TOKEN_URL, http=http)
    http.statuses = [500]

    with pytest.raises(ConnectorError):
        await TeamsOutput(conversation, tokens=tokens, http=http, secret=SECRET).send_text_message(
            "x", "hello"
        )


# --- refused requests ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Basic dXNlcjpwYXNz",
        "Bearer nonsense",
        f"Bearer {token(aud='another-app')}",
        f"Bearer {token(iss='https://evil.example')}",
        f"Bearer {token(exp=int(time.time()) - 3600)}",
        f"Bearer {token(serviceurl='https://evil.example/')}",
    ],
)
async def test_bad_tokens_are_401_and_nothing_happens(
    teams_app: Build, http: FakeConnectorHttp, authorization: str | None
) -> None:
    recorder = Recorder()
    app = await teams_app(recorder)

    status, body = await call(app, activity(RAW_TEXT), authorization=authorization)

    assert status == 401
    assert json.loads(body) == {"error": "unauthorized"}
    assert recorder.messages == [] and http.posts == [] and http.token_requests == []


async def test_an_activity_service_url_outside_the_allow_list_is_401(
    teams_app: Build, http: FakeConnectorHttp
) -> None:
    recorder = Recorder()
    app = await teams_app(recorder)
    evil = "https://evil.example/"

    status, _ = await call(
        app, activity(serviceUrl=evil), authorization=f"Bearer {token(serviceurl=evil)}"
    )

    assert status == 401
    assert recorder.messages == [] and http.posts == []


OTHER_TENANT = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"


@pytest.mark.parametrize(
    "channel_data",
    [
        {"tenant": {"id": OTHER_TENANT}},
        {"tenant": {"id": ""}},
        {"tenant": {"id": 42}},
        {"tenant": {}},
        {"tenant": OTHER_TENANT},
        {},
        None,
    ],
    ids=["another", "empty", "not a string", "no id", "not an object", "no tenant", "none"],
)
async def test_a_single_tenant_bot_refuses_activities_from_elsewhere(
    teams_app: Build,
    http: FakeConnectorHttp,
    channel_data: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    recorder = Recorder()
    app = await teams_app(recorder, settings(teams_tenant_id=TENANT))
    body = activity(RAW_TEXT)
    if channel_data is None:
        del body["channelData"]
    else:
        body["channelData"] = channel_data

    status, reply = await call(app, body)

    assert status == 403, f"answered {status} and posted {len(http.posts)} replies"
    assert json.loads(reply) == {"error": "forbidden"}
    assert recorder.messages == [] and http.posts == [] and http.token_requests == []
    assert "tenant" in caplog.text and OTHER_TENANT not in caplog.text


@pytest.mark.parametrize("tenant", [TENANT, TENANT.upper()])
async def test_a_single_tenant_bot_answers_its_own_tenant(
    teams_app: Build, http: FakeConnectorHttp, tenant: str
) -> None:
    recorder = Recorder()
    app = await teams_app(recorder, settings(teams_tenant_id=TENANT))

    status, _ = await call(app, activity(RAW_TEXT, channelData={"tenant": {"id": tenant}}))

    assert status == 200
    assert len(recorder.messages) == 1 and len(http.posts) == 1


async def test_a_multi_tenant_bot_answers_any_tenant(teams_app: Build) -> None:
    recorder = Recorder()
    app = await teams_app(recorder, settings(teams_tenant_id=None))

    status, _ = await call(app, activity(channelData={"tenant": {"id": OTHER_TENANT}}))

    assert status == 200 and len(recorder.messages) == 1


async def test_no_signing_keys_is_a_503(teams_app: Build, http: FakeConnectorHttp) -> None:
    del http.documents[JWKS]["keys"][0]
    app = await teams_app(Recorder())

    status, _ = await call(app, activity())

    assert status == 503


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b"not json", "the body must be a JSON object"),
        (b"", "the body must be a JSON object"),
        (b"[]", "the body must be a JSON object"),
        (json.dumps({"type": "message"}).encode(), "the activity has no serviceUrl"),
        (
            json.dumps({k: v for k, v in activity().items() if k != "conversation"}).encode(),
            "the activity has no conversation object",
        ),
        (
            json.dumps({k: v for k, v in activity().items() if k != "from"}).encode(),
            "the activity has no from.id",
        ),
    ],
)
async def test_a_malformed_activity_with_a_good_token_is_a_400(
    teams_app: Build, raw: bytes, error: str
) -> None:
    recorder = Recorder()
    app = await teams_app(recorder)

    status, body = await call(app, raw=raw)

    assert status == 400
    assert json.loads(body) == {"error": error}
    assert recorder.messages == []


async def test_a_malformed_activity_without_a_token_is_a_401(teams_app: Build) -> None:
    app = await teams_app(Recorder())

    status, _ = await call(app, raw=b"not json", authorization=None)

    assert status == 401


async def test_an_oversized_body_is_a_413(teams_app: Build) -> None:
    app = await teams_app(Recorder())

    status, _ = await call(app, activity("x" * 300_000))

    assert status == 413


# --- the follow-up's reference payload ---------------------------------------------------------


class FollowupRecorder(Recorder):
    """Rasa answering an opt-in: the follow-up payload, then the confirmation."""

    def __init__(self, public_id: str) -> None:
        super().__init__("Done.")
        self.public_id = public_id

    async def __call__(self, message: UserMessage) -> None:
        from bot.followup.service import TEAMS_REFERENCE_KEY

        self.messages.append(message)
        output = message.output_channel
        await output.send_response(
            message.sender_id, {"custom": {TEAMS_REFERENCE_KEY: self.public_id}}
        )
        await output.send_response(message.sender_id, {"text": self.answer})


def _teams_followup(channel_settings: Settings) -> str:
    from datetime import date

    from bot.content.loader import get_pack
    from bot.followup.service import TEAMS_REFERENCE_KEY, Who, opt_in
    from bot.storage.migrate import upgrade
    from bot.storage.session import make_engine, make_session_factory

    upgrade(channel_settings.reflections_url)
    factory = make_session_factory(make_engine(channel_settings.reflections_url))
    pack = get_pack(DEFAULT_PACK_DIR, "esscp-child-z")
    result = opt_in(
        factory,
        channel_settings,
        Who("teams", "s_sender", None),
        pack=pack,
        points=[],
        today=date.today(),
    )
    return str(result.payloads[0][TEAMS_REFERENCE_KEY])


def _stored_reference(channel_settings: Settings) -> str | None:
    from sqlalchemy import select

    from bot.storage.models import Followup
    from bot.storage.session import make_engine, make_session_factory, transaction

    factory = make_session_factory(make_engine(channel_settings.reflections_url))
    with transaction(factory) as session:
        return session.execute(select(Followup.reference)).scalar_one()  # type: ignore[no-any-return]


async def test_the_followup_payload_stores_the_address_and_sends_nothing_to_teams(
    teams_app: Build, http: FakeConnectorHttp, tmp_path: Any
) -> None:
    from bot.followup.references import open_reference

    channel_settings = settings(var_dir=tmp_path / "var")
    public_id = _teams_followup(channel_settings)
    app = await teams_app(FollowupRecorder(public_id), channel_settings)

    status, _ = await call(app, activity())

    assert status == 200
    assert http.texts == ["Done."]  # the payload itself never reached the connector
    assert all("reflect_followup" not in json.dumps(body) for _, body, _ in http.posts)
    sealed = _stored_reference(channel_settings)
    assert sealed is not None
    reference = open_reference(sealed, secret=channel_settings.secret, public_id=public_id)
    assert (reference.service_url, reference.conversation_id) == (SERVICE_URL, "a:1chat")
    assert reference.tenant_id == TENANT and reference.bot_id == BOT_ID
    for identifier in (USER_ID, AAD, "a:1chat", TENANT):
        assert identifier not in sealed


async def test_a_failure_to_store_the_address_is_logged_by_type_and_the_reply_goes_on(
    teams_app: Build,
    http: FakeConnectorHttp,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from bot.rasa_ext import teams

    def broken(*_: Any) -> bool:
        raise RuntimeError("database said something about a:1chat")

    monkeypatch.setattr(teams, "attach", broken)
    channel_settings = settings(var_dir=tmp_path / "var")
    app = await teams_app(FollowupRecorder("some-id"), channel_settings)

    status, _ = await call(app, activity())

    assert status == 200 and http.texts == ["Done."]
    assert "follow-up reference not stored: RuntimeError" in caplog.text
    assert "a:1chat" not in caplog.text


async def test_without_settings_the_output_sends_nothing_for_the_payload(
    http: FakeConnectorHttp,
) -> None:
    from bot.followup.service import TEAMS_REFERENCE_KEY
    from bot.teams.activities import read_activity
    from bot.teams.auth import BotTokens

    conversation = read_activity(activity()).conversation
    assert conversation is not None
    tokens = BotTokens(app_id=APP_ID, password="pw", endpoint=TOKEN_URL, http=http)
    output = TeamsOutput(conversation, tokens=tokens, http=http, secret=SECRET)

    await output.send_custom_json("x", {TEAMS_REFERENCE_KEY: "pid"})

    assert http.posts == []
