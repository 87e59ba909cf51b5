"""A Sanic app served on a free 127.0.0.1 port inside a test, and plain HTTP requests to it.

Unlike the ASGI helper (tests/asgi.py), this goes through Sanic's real HTTP protocol, where
request size limits (413) and ``before_server_start`` listeners apply.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from sanic import Sanic

from tests.asgi import AsgiReply


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def served(app: Sanic) -> AsyncIterator[str]:
    """Serve ``app`` until the block ends; yields its base URL."""
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()


async def request(
    method: str, url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
) -> AsgiReply:
    """One request on a fresh connection; status, lower-cased headers and body, any status."""
    async with aiohttp.ClientSession() as session:
        async with session.request(method, url, data=body, headers=headers or {}) as reply:
            data = await reply.read()
            head = {key.lower(): value for key, value in reply.headers.items()}
            return AsgiReply(reply.status, head, data)


def post_oversized(
    host: str,
    port: int,
    path: str,
    size: int,
    *,
    sent: int = 65_536,
    headers: dict[str, str] | None = None,
) -> int:
    """POST declaring a ``size``-byte JSON body, send its first ``sent`` bytes, return the status.

    A server with a size limit answers 413 from the declared length without reading the body; a
    client that pushed all of it would often see the connection reset before the 413 arrives.
    A server without a limit waits for the rest: that is a timeout here (no status).
    """
    extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {size}\r\nConnection: close\r\n{extra}\r\n"
    ).encode()
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(head + b'{"padding": "' + b"x" * max(0, sent - 13))
        reply = b""
        while b"\r\n" not in reply:
            chunk = connection.recv(4096)
            if not chunk:
                break
            reply += chunk
    return int(reply.split(b" ", 2)[1])


def json_headers(**extra: Any) -> dict[str, str]:
    return {"Content-Type": "application/json", **{k: str(v) for k, v in extra.items()}}


def forged_save_call(sender: str, draft: str) -> dict[str, Any]:
    """An action-server call as Rasa makes it, to save ``draft`` straight from the slots.

    What an attacker would post to skip the door (issue 10, finding 4): the action server must
    refuse it without the token.
    """
    return {
        "next_action": "action_save_reflection",
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": {"reflection_draft": draft, "point_number": 1},
            "latest_message": {"text": "save", "intent": {"name": "save_reflection"}},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }
