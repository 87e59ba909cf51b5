"""The action server: rasa_sdk's app behind a bearer token, on ACTION_HOST, quiet about errors.

Served on a loopback port inside the test (tests/loopback.py), so Sanic's real HTTP protocol,
its start-up listeners and Sanic-CORS's middleware all run as in production.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import zlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa.utils.endpoints import read_endpoint_config
from sanic import Sanic
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.rasa_ext import action_server, patches
from bot.rasa_ext.action_server import ACTION_REQUEST_MAX_BYTES, create_app
from bot.settings.config import PROJECT_ROOT, Settings, child_environment
from bot.storage.migrate import upgrade
from bot.storage.models import Reflection
from bot.storage.session import make_engine, make_session_factory, transaction
from tests.conftest import current_umask
from tests.loopback import forged_save_call, json_headers, post_oversized, request, served
from tests.settings import make_settings

RAW = "I spoke to Sarah Jones on 07700 900123 about Child Z and we agreed a plan"
TOKEN = "action-server-test-token-0123456789abcdef"


@pytest.fixture
def server_settings(tmp_path: Path) -> Settings:
    return make_settings(var_dir=tmp_path / "var", action_server_token=TOKEN)


@pytest.fixture
def factory(server_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[sessionmaker]:
    """The actions write to a migrated SQLite file of their own."""
    upgrade(server_settings.reflections_url)
    engine = make_engine(server_settings.reflections_url)
    made = make_session_factory(engine)
    monkeypatch.setattr("actions.context.settings", lambda: server_settings)
    monkeypatch.setattr("actions.context.session_factory", lambda: made)
    yield made
    engine.dispose()


@pytest.fixture
async def url(
    server_settings: Settings, factory: sessionmaker, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[str]:
    monkeypatch.setattr(Sanic, "test_mode", True)  # rasa_sdk names every app "rasa_sdk"
    async with served(create_app(server_settings)) as base:
        yield base


def save_call(sender: str = "attacker", draft: str = RAW) -> dict[str, Any]:
    """An action call as Rasa makes it: save the draft in the tracker's slots."""
    return forged_save_call(sender, draft)


def stored(factory: sessionmaker) -> int:
    with transaction(factory) as session:
        return int(session.execute(select(func.count()).select_from(Reflection)).scalar_one())


WRONG = {
    "no header": {},
    "empty bearer": {"Authorization": "Bearer "},
    "wrong token": {"Authorization": "Bearer " + "x" * len(TOKEN)},
    "token as basic": {"Authorization": f"Basic {TOKEN}"},
    "token without scheme": {"Authorization": TOKEN},
    "token prefix": {"Authorization": f"Bearer {TOKEN[:-1]}"},
}


@pytest.mark.parametrize("headers", WRONG.values(), ids=WRONG.keys())
async def test_webhook_and_actions_refuse_a_missing_or_wrong_token(
    url: str, factory: sessionmaker, headers: dict[str, str]
) -> None:
    body = json.dumps(save_call()).encode()

    webhook = await request("POST", f"{url}/webhook", body=body, headers=json_headers(**headers))
    listed = await request("GET", f"{url}/actions", headers=headers)

    assert (webhook.status, listed.status) == (401, 401)
    assert json.loads(webhook.body) == json.loads(listed.body) == {"error": "unauthorized"}
    assert stored(factory) == 0


async def test_the_token_opens_the_webhook_and_the_action_runs(
    url: str, factory: sessionmaker
) -> None:
    authorised = json_headers(Authorization=f"Bearer {TOKEN}")
    draft = "We should ask about new partners at every visit, and record the answer."

    body = json.dumps(save_call(draft=draft)).encode()

    reply = await request("POST", f"{url}/webhook", body=body, headers=authorised)
    listed = await request("GET", f"{url}/actions", headers={"authorization": f"bearer {TOKEN}"})

    assert reply.status == 200, reply.text
    assert stored(factory) == 1
    assert {"name": "action_save_reflection"} in json.loads(listed.body)


async def test_health_needs_no_token(url: str) -> None:
    reply = await request("GET", f"{url}/health")

    assert (reply.status, json.loads(reply.body)) == (200, {"status": "ok"})


async def test_no_cross_origin_access_and_no_unauthenticated_preflight(url: str) -> None:
    origin = {"Origin": "https://evil.example"}

    preflight = await request(
        "OPTIONS",
        f"{url}/webhook",
        headers={**origin, "Access-Control-Request-Method": "POST"},
    )
    with_token = await request(
        "GET", f"{url}/actions", headers={**origin, "Authorization": f"Bearer {TOKEN}"}
    )

    assert preflight.status == 401
    assert with_token.status == 200
    for reply in (preflight, with_token):
        assert "access-control-allow-origin" not in reply.headers


async def test_a_failing_call_gets_a_fixed_500_that_echoes_nothing(
    url: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def failing_run(self: Any, action_call: Any) -> None:
        raise KeyError("reflection_draft")  # an action that crashes on the call it was given

    monkeypatch.setattr("rasa_sdk.executor.ActionExecutor.run", failing_run)
    call = save_call()
    authorised = json_headers(Authorization=f"Bearer {TOKEN}")

    with caplog.at_level(logging.DEBUG):
        reply = await request(
            "POST", f"{url}/webhook", body=json.dumps(call).encode(), headers=authorised
        )

    assert (reply.status, json.loads(reply.body)) == (500, {"error": "the action failed"})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "KeyError" in logged
    for secret_or_text in ("Sarah", "07700", TOKEN, "reflection_draft"):
        assert secret_or_text not in logged
        assert secret_or_text not in reply.text


MALFORMED_CALLS: dict[str, Any] = {
    "array": [],
    "number": 42,
    "string": "next_action",
    "empty object": {},
    "no tracker": {"next_action": "action_save_reflection"},
    "tracker a string": {"next_action": "action_save_reflection", "tracker": "junk"},
    "no sender": {"next_action": "action_save_reflection", "tracker": {}},
    "sender a number": {"next_action": "action_save_reflection", "tracker": {"sender_id": 7}},
    "action a list": {"next_action": ["a"], "tracker": {"sender_id": "s"}},
    "empty action": {"next_action": "", "tracker": {"sender_id": "s"}},
    "slots a list": {"next_action": "action_greet", "tracker": {"sender_id": "s", "slots": []}},
    "events a dict": {"next_action": "action_greet", "tracker": {"sender_id": "s", "events": {}}},
    "domain a list": {"next_action": "action_greet", "tracker": {"sender_id": "s"}, "domain": []},
}


@pytest.mark.parametrize("call", MALFORMED_CALLS.values(), ids=MALFORMED_CALLS.keys())
async def test_a_malformed_call_with_the_token_is_a_400_not_a_500(
    url: str, factory: sessionmaker, call: Any
) -> None:
    # Found by fuzzing (issue 15): rasa_sdk crashed on each of these, answered 500.
    authorised = json_headers(Authorization=f"Bearer {TOKEN}")

    reply = await request(
        "POST", f"{url}/webhook", body=json.dumps(call).encode(), headers=authorised
    )

    assert (reply.status, json.loads(reply.body)) == (400, {"error": "malformed action call"})
    assert stored(factory) == 0


async def test_a_compressed_call_is_refused_unread(url: str, factory: sessionmaker) -> None:
    # rasa_sdk inflates a deflated body with no size limit (and crashed on a bad one).
    authorised = json_headers(Authorization=f"Bearer {TOKEN}", **{"Content-Encoding": "deflate"})
    bomb = zlib.compress(b"[" * 1_000_000)

    reply = await request("POST", f"{url}/webhook", body=bomb, headers=authorised)
    junk = await request("POST", f"{url}/webhook", body=b"not deflate", headers=authorised)

    assert (reply.status, junk.status) == (415, 415)
    assert stored(factory) == 0


async def test_unknown_routes_get_their_status_with_a_fixed_body(url: str) -> None:
    authorised = {"Authorization": f"Bearer {TOKEN}"}

    missing = await request("GET", f"{url}/Sarah-Jones", headers=authorised)
    wrong_method = await request("PUT", f"{url}/webhook", headers=authorised)

    assert (missing.status, json.loads(missing.body)) == (404, {"error": "not found"})
    assert (wrong_method.status, json.loads(wrong_method.body)) == (
        405,
        {"error": "method not allowed"},
    )


async def test_a_body_over_the_limit_is_a_413_and_the_server_stays_up(url: str) -> None:
    port = int(url.rsplit(":", 1)[1])

    def post(**headers: str) -> int:
        return post_oversized(
            "127.0.0.1", port, "/webhook", ACTION_REQUEST_MAX_BYTES + 1, headers=headers
        )

    with_token = await asyncio.to_thread(post, Authorization=f"Bearer {TOKEN}")
    without = await asyncio.to_thread(post)

    assert (with_token, without) == (413, 401)  # no token: refused before the body is read
    assert (await request("GET", f"{url}/health")).status == 200


def test_main_binds_action_host_and_port(
    monkeypatch: pytest.MonkeyPatch, server_settings: Settings
) -> None:
    ran: dict[str, Any] = {}
    monkeypatch.setattr(Sanic, "test_mode", True)
    monkeypatch.setattr(action_server, "load_settings", lambda: server_settings)
    monkeypatch.setattr(Sanic, "run", lambda self, **kwargs: ran.update(kwargs))

    action_server.main()

    assert (ran["host"], ran["port"]) == ("127.0.0.1", 5055)


@pytest.mark.usefixtures("keep_umask")
def test_main_makes_files_private_before_it_reads_settings(
    monkeypatch: pytest.MonkeyPatch, server_settings: Settings
) -> None:
    seen: list[int] = []

    def load_settings() -> Settings:
        seen.append(current_umask())
        return server_settings

    os.umask(0o022)
    monkeypatch.setattr(Sanic, "test_mode", True)
    monkeypatch.setattr(action_server, "load_settings", load_settings)
    monkeypatch.setattr(Sanic, "run", lambda self, **kwargs: None)

    action_server.main()

    assert [oct(mask) for mask in seen] == [oct(0o077)]


def test_endpoints_yml_sends_the_token_as_a_header(
    monkeypatch: pytest.MonkeyPatch, server_settings: Settings
) -> None:
    for key, value in child_environment(server_settings).items():
        monkeypatch.setenv(key, value)

    endpoint = read_endpoint_config(str(PROJECT_ROOT / "endpoints.yml"), "action_endpoint")

    assert endpoint is not None
    assert endpoint.url == "http://127.0.0.1:5055/webhook"
    assert endpoint.headers == {"Authorization": f"Bearer {TOKEN}"}
    assert endpoint.params == {} and endpoint.token is None  # nothing in the URL


@pytest.mark.usefixtures("keep_umask")
def test_main_checks_rasa_sdk_before_it_reads_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    steps: list[str] = []

    def check(process: str = patches.RASA_SERVER) -> None:
        steps.append(f"check {process}")
        raise patches.RasaMismatch("rasa_sdk differs")

    monkeypatch.setattr(patches, "check", check)
    monkeypatch.setattr(action_server, "load_settings", lambda: steps.append("settings"))

    with pytest.raises(SystemExit, match="rasa_sdk differs"):
        action_server.main()

    assert steps == ["check action server"]


async def test_an_idle_connection_outlives_rasas_client_so_the_client_closes_first(
    server_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aiohttp

    monkeypatch.setattr(Sanic, "test_mode", True)  # rasa_sdk names every app "rasa_sdk"
    # Rasa's session uses aiohttp's default connector; its idle keep-alive is the client's.
    async with aiohttp.ClientSession() as session:
        client_idle = session.connector._keepalive_timeout  # type: ignore[union-attr]
    app = create_app(server_settings)
    assert app.config.KEEP_ALIVE_TIMEOUT > client_idle
