"""The aiohttp JSON client against a tiny aiohttp server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from bot.teams.http import MAX_RESPONSE_BYTES, AiohttpJson, ConnectorError


class Server:
    """Records what it was sent; each route answers as its name says."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []
        self.base = ""

    async def json_ok(self, request: web.Request) -> web.Response:
        return web.json_response({"jwks_uri": "https://keys"})

    async def form(self, request: web.Request) -> web.Response:
        self.seen.append(dict(await request.post()))
        return web.json_response({"access_token": "t", "expires_in": 3600})

    async def activity(self, request: web.Request) -> web.Response:
        self.seen.append(
            {"authorization": request.headers.get("Authorization"), "body": await request.json()}
        )
        return web.json_response({"id": "1"}, status=201)

    async def refused(self, request: web.Request) -> web.Response:
        return web.json_response({"error": "no"}, status=401)

    async def not_json(self, request: web.Request) -> web.Response:
        return web.Response(text="<html>")

    async def huge(self, request: web.Request) -> web.Response:
        return web.Response(body=b"[" + b"1," * MAX_RESPONSE_BYTES + b"1]")

    async def slow(self, request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({})


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    fake = Server()
    app = web.Application()
    app.router.add_get("/ok", fake.json_ok)
    app.router.add_post("/token", fake.form)
    app.router.add_post("/activities", fake.activity)
    app.router.add_route("*", "/refused", fake.refused)
    app.router.add_get("/not-json", fake.not_json)
    app.router.add_get("/huge", fake.huge)
    app.router.add_get("/slow", fake.slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    fake.base = f"http://127.0.0.1:{port}"
    yield fake
    await runner.cleanup()


@pytest.fixture
async def client() -> AsyncIterator[AiohttpJson]:
    http = AiohttpJson(timeout=0.5)
    yield http
    await http.close()


async def test_get_json(server: Server, client: AiohttpJson) -> None:
    assert await client.get_json(f"{server.base}/ok") == {"jwks_uri": "https://keys"}


async def test_post_form(server: Server, client: AiohttpJson) -> None:
    answer = await client.post_form(f"{server.base}/token", {"grant_type": "client_credentials"})

    assert answer["access_token"] == "t"
    assert server.seen == [{"grant_type": "client_credentials"}]


async def test_post_json_sends_the_bearer_and_returns_any_status(
    server: Server, client: AiohttpJson
) -> None:
    assert await client.post_json(f"{server.base}/activities", {"a": 1}, bearer="tok") == 201
    assert await client.post_json(f"{server.base}/refused", {"a": 1}, bearer="tok") == 401
    assert server.seen == [{"authorization": "Bearer tok", "body": {"a": 1}}]


@pytest.mark.parametrize("path", ["/refused", "/not-json", "/huge", "/missing", "/slow"])
async def test_get_json_failures_are_connector_errors(
    server: Server, client: AiohttpJson, path: str
) -> None:
    with pytest.raises(ConnectorError):
        await client.get_json(f"{server.base}{path}")


async def test_a_refused_token_request_is_a_connector_error_with_the_status(
    server: Server, client: AiohttpJson
) -> None:
    with pytest.raises(ConnectorError) as failed:
        await client.post_form(f"{server.base}/refused", {"client_secret": "s3cret"})

    assert failed.value.status == 401
    assert "s3cret" not in str(failed.value)


async def test_nothing_listening_is_a_connector_error(client: AiohttpJson) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x"

    for call in (
        client.get_json(url),
        client.post_form(url, {}),
        client.post_json(url, {}, bearer="t"),
    ):
        with pytest.raises(ConnectorError):
            await call


async def test_close_is_idempotent_and_the_client_reopens(
    server: Server, client: AiohttpJson
) -> None:
    await client.get_json(f"{server.base}/ok")
    await client.close()
    await client.close()

    assert await client.get_json(f"{server.base}/ok") == {"jwks_uri": "https://keys"}
