"""Issue 10's hardening against the real stack, as `make run` starts it.

One stack for the module: every server on loopback only, the action server refusing anyone
without its secret, request size limits on every server, and var/ private to its owner.
"""

from __future__ import annotations

import http.client
import json
import secrets
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.rasa_ext.action_server import ACTION_REQUEST_MAX_BYTES
from bot.run import Stack
from tests.e2e.conftest import Rest, stack_on_free_ports
from tests.loopback import forged_save_call, post_oversized

pytestmark = pytest.mark.slow

TWO_MB = 2 * 1024 * 1024
RAW = "I spoke to Sarah Jones on 07700 900123 about Child Z and we agreed a plan"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, model_path: Path) -> Iterator[Stack]:
    with stack_on_free_ports(tmp_path_factory.mktemp("hardening") / "var", model_path) as running:
        yield running


def _request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    """One request on a fresh connection; the status and body, whatever the status."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        reply = connection.getresponse()
        return reply.status, reply.read()
    finally:
        connection.close()


def _listening_addresses(port: int) -> set[str]:
    """The local addresses with a TCP socket listening on ``port``, from /proc/net/tcp{,6}."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].split(":")
            if fields[3] != "0A" or int(port_hex, 16) != port:  # 0A: LISTEN
                continue
            raw = bytes.fromhex(address)
            if width == 8:
                found.add(".".join(str(b) for b in reversed(raw)))
            else:
                found.add("::" if raw == bytes(16) else raw.hex())
    return found


def test_every_server_listens_on_loopback_only(stack: Stack) -> None:
    settings = stack.settings
    ports = {
        "rasa": settings.rasa_port,
        "actions": settings.action_port,
        "web": settings.web_port,
    }

    assert {name: _listening_addresses(port) for name, port in ports.items()} == {
        name: {"127.0.0.1"} for name in ports
    }


def _save_call(sender: str) -> dict[str, Any]:
    """What an attacker posts to the action server: save a raw draft, as if Rasa asked."""
    return forged_save_call(sender, RAW)


def _stored_reflections(stack: Stack) -> list[str]:
    path = stack.settings.reflections_url.removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return [row[0] for row in db.execute("select text from reflections")]


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong-token-wrong-token-wrong-token", "Basic YTpi"]
)
def test_an_action_call_without_the_secret_is_refused_and_stores_nothing(
    stack: Stack, authorization: str | None
) -> None:
    headers = {"Content-Type": "application/json"}
    if authorization:
        headers["Authorization"] = authorization
    body = json.dumps(_save_call("attacker")).encode()

    status, reply = _request(stack.settings.action_port, "POST", "/webhook", body, headers)
    listed, names = _request(stack.settings.action_port, "GET", "/actions", headers=headers)

    assert (status, listed) == (401, 401), (reply[:200], names[:200])
    assert b"Sarah" not in reply and b"action_save_reflection" not in names
    assert _stored_reflections(stack) == []


def test_rasa_calls_carry_the_token_so_actions_still_run(stack: Stack) -> None:
    # "Point 1 of 4" comes from a custom action: Rasa's call got through.
    assert "Point 1 of 4" in Rest(stack.rasa_url, "token-ok").text_of("discuss and reflect")


def test_oversized_requests_are_refused_by_every_server_and_each_stays_up(stack: Stack) -> None:
    settings = stack.settings
    token = {"Authorization": f"Bearer {settings.action_token}"}

    rest = post_oversized("127.0.0.1", settings.rasa_port, "/webhooks/rest/webhook", TWO_MB)
    polling = post_oversized(
        "127.0.0.1",
        settings.rasa_port,
        "/socket.io/?EIO=4&transport=polling&sid=x",
        settings.request_max_bytes + 1,
    )
    actions = post_oversized(
        "127.0.0.1", settings.action_port, "/webhook", ACTION_REQUEST_MAX_BYTES + 1, headers=token
    )
    web = post_oversized("127.0.0.1", settings.web_port, "/", TWO_MB)

    assert (rest, polling, actions) == (413, 413, 413)
    assert web in {405, 413}  # the web app has no route that takes a body at all
    assert "Child Z LCSPR learning briefing" in Rest(stack.rasa_url, "after-big").text_of("hello")
    assert _request(settings.action_port, "GET", "/health")[0] == 200
    assert _request(settings.web_port, "GET", "/healthz")[0] == 200


def test_var_and_everything_in_it_are_private_to_their_owner(stack: Stack) -> None:
    Rest(stack.rasa_url, "modes").say("discuss and reflect")  # both servers have written
    var = stack.settings.var_dir
    found = {str(path.relative_to(var)): path for path in var.rglob("*")}

    assert {"reflect.db", "tracker.db", "logs/rasa-server.log", "logs/actions.log"} <= set(found)
    assert oct(stat.S_IMODE(var.stat().st_mode)) == oct(0o700)
    assert {name: oct(stat.S_IMODE(path.stat().st_mode)) for name, path in found.items()} == {
        name: oct(0o700 if path.is_dir() else 0o600) for name, path in found.items()
    }


def test_in_production_the_rest_channel_is_off_without_a_token(
    tmp_path: Path, model_path: Path
) -> None:
    # A random-looking secret: production refuses placeholders such as one repeated character.
    production = {"app_env": "production", "secret": secrets.token_hex(20).encode()}
    with stack_on_free_ports(tmp_path / "var", model_path, **production) as running:
        body = json.dumps({"sender": "anyone", "message": "hello"}).encode()
        status, reply = _request(
            running.settings.rasa_port,
            "POST",
            "/webhooks/rest/webhook",
            body,
            {"Content-Type": "application/json"},
        )

    assert status == 403
    assert "REST_CHANNEL_TOKEN" in json.loads(reply)["error"]
