"""Test clients for the widget's socket.io protocol (docs/widget-protocol.md), both transports.

python-socketio's AsyncClient covers long-polling. Its websocket transport needs aiohttp 3.10
(``aiohttp.ClientWSTimeout``) and Rasa pins aiohttp <3.10, so the websocket client here speaks
the few Engine.IO 4 / Socket.IO 5 frames the widget uses over a bare ``websockets`` connection,
as a browser's socket.io-client does after upgrading.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import aiohttp
import socketio
import websockets

ALLOWED = "http://127.0.0.1:8080"


class Refused(Exception):
    """The server refused the connection (HTTP 400 on the handshake, or a CONNECT_ERROR)."""


class WidgetClient:
    """What a widget does: connect, ask for a session, send messages, collect events by name.

    ``source`` is the loopback address to connect from (e.g. ``127.0.3.7``), so a load test's
    widgets look like different browsers to a proxy that keeps each address on one server.
    """

    def __init__(self, url: str, source: str | None = None) -> None:
        self.url = url
        self.source = source
        self.queues: dict[str, asyncio.Queue[Any]] = {}

    def queue(self, event: str) -> asyncio.Queue[Any]:
        return self.queues.setdefault(event, asyncio.Queue())

    def received(self, event: str, data: Any = None) -> None:
        self.queue(event).put_nowait(data)

    async def next(self, event: str, timeout: float = 30) -> Any:
        """The next ``event`` received (waiting up to ``timeout`` seconds)."""
        return await asyncio.wait_for(self.queue(event).get(), timeout)

    def drain(self, event: str) -> list[Any]:
        """Every ``event`` received so far and not yet taken."""
        items = []
        while not self.queue(event).empty():
            items.append(self.queue(event).get_nowait())
        return items

    async def connect(self, *, origin: str | None = ALLOWED) -> None:
        raise NotImplementedError

    async def emit(self, event: str, data: Any) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    async def session(self, token: Any = None) -> dict[str, Any]:
        """session_request → session_confirm."""
        await self.emit("session_request", {"session_id": token})
        return dict(await self.next("session_confirm"))

    async def say(self, token: Any, message: Any) -> None:
        await self.emit("user_uttered", {"message": message, "session_id": token})

    async def forget(self, token: Any) -> None:
        """Ask the server to forget this session's conversation (the widget's forget control)."""
        await self.emit("forget", {"session_id": token})

    async def turn(self, token: str, message: str, timeout: float = 60) -> list[dict[str, Any]]:
        """Send a message and return the bot messages up to its ``turn_complete``."""
        await self.say(token, message)
        await self.next("turn_complete", timeout)
        return list(self.drain("bot_uttered"))


class PollingClient(WidgetClient):
    """python-socketio's own client, long-polling only."""

    def __init__(self, url: str, source: str | None = None) -> None:
        super().__init__(url, source)
        self.http: aiohttp.ClientSession | None = None
        options: dict[str, Any] = {}
        if source is not None:
            # Engine.IO then makes every polling request through this session, from ``source``.
            self.http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(local_addr=(source, 0))
            )
            options["http_session"] = self.http
        self.sio = socketio.AsyncClient(reconnection=False, **options)
        self.sio.on("*", self._any)

    async def _any(self, event: str, data: Any = None) -> None:
        self.received(event, data)

    async def connect(self, *, origin: str | None = ALLOWED) -> None:
        headers = {"Origin": origin} if origin else {}
        try:
            await self.sio.connect(
                self.url, headers=headers, transports=["polling"], wait_timeout=10
            )
        except socketio.exceptions.ConnectionError as exc:
            raise Refused(str(exc)) from exc

    async def emit(self, event: str, data: Any) -> None:
        await self.sio.emit(event, data)

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()
        if self.http is not None:
            await self.http.close()


class WebsocketClient(WidgetClient):
    """Socket.IO over a bare websocket: EIO open ``0``, connect ``40``, events ``42[...]``."""

    def __init__(self, url: str, source: str | None = None) -> None:
        super().__init__(url, source)
        self.ws: Any = None
        self.pump: asyncio.Task[None] | None = None

    async def connect(self, *, origin: str | None = ALLOWED) -> None:
        address = "ws" + self.url.removeprefix("http") + "/socket.io/?EIO=4&transport=websocket"
        try:
            where = {} if self.source is None else {"local_addr": (self.source, 0)}
            self.ws = await websockets.connect(address, origin=origin, **where)  # type: ignore[arg-type]
        except websockets.exceptions.InvalidStatusCode as exc:
            raise Refused(f"HTTP {exc.status_code}") from exc
        opened = await asyncio.wait_for(self.ws.recv(), 10)
        if not str(opened).startswith("0"):
            raise Refused(f"unexpected open packet {opened!r}")
        await self.ws.send("40")
        answer = str(await asyncio.wait_for(self.ws.recv(), 10))
        if not answer.startswith("40"):
            await self.ws.close()
            raise Refused(answer)
        self.pump = asyncio.create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(websockets.exceptions.ConnectionClosed):
            async for frame in self.ws:
                if frame == "2":  # Engine.IO ping: answer or the server closes the socket
                    await self.ws.send("3")
                elif isinstance(frame, str) and frame.startswith("42"):
                    event, *args = json.loads(frame[2:])
                    self.received(event, args[0] if args else None)

    async def emit(self, event: str, data: Any) -> None:
        await self.ws.send("42" + json.dumps([event, data]))

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.pump is not None:
            await self.pump


CLIENTS: dict[str, type[WidgetClient]] = {"polling": PollingClient, "websocket": WebsocketClient}
