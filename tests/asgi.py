"""One HTTP request through Sanic's ASGI interface, for tests (sanic-testing is not installed).

The app must have been started with ``await app._startup()`` (what ASGI lifespan start-up runs).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any


@dataclass
class AsgiReply:
    """Status, lower-cased headers and the whole body of one response."""

    status: int
    headers: dict[str, str]
    body: bytes
    all_headers: list[tuple[str, str]] = field(default_factory=list)
    """Every header in order, repeats kept (``headers`` keeps the last of each name)."""

    @property
    def text(self) -> str:
        return self.body.decode()


async def asgi_request(
    app: Any,
    method: str,
    path: str,
    *,
    body: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
) -> AsgiReply:
    """Send ``method path`` (a query string may follow ``?``) with ``body`` and ``headers``."""
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"reflect.test"), *(headers or [])],
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
    (start,) = [m for m in sent if m["type"] == "http.response.start"]
    # Sanic hands over its headers as a generator: read them once.
    every = [(k.decode().lower(), v.decode()) for k, v in start["headers"]]
    head = dict(every)
    data = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return AsgiReply(start["status"], head, data, every)
