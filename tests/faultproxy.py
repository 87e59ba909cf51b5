"""A small TCP proxy that injects network faults: delay, reset, black-hole, heal.

Toxiproxy is not packaged on this machine, and the faults the issue needs are few, so this is
an in-repo stand-in: put it between a client and a server (PostgreSQL, Redis, the action
server) by pointing the client at ``127.0.0.1:<proxy.port>``, then break the line on demand.

- :meth:`FaultProxy.delay` adds latency to every chunk, both ways, from now on;
- :meth:`FaultProxy.reset` sends a TCP RST on every open connection (``SO_LINGER`` 0, both
  sides) and on every new one until healed: what a crashed server or a dropped NAT entry does;
- :meth:`FaultProxy.blackhole` accepts connections and reads what is sent but never forwards
  or answers anything (existing connections too): a partition, which only timeouts detect;
- :meth:`FaultProxy.heal` forwards normally again. Connections black-holed in the meantime are
  reset then: bytes were dropped, so their stream cannot continue correctly; clients must
  reconnect, as after a real partition that outlived their TCP retransmissions.

It runs its own asyncio loop on a daemon thread, so the same object works from synchronous
tests, asyncio tests and bench scripts; every method is thread-safe and returns once the
fault is in place.
"""

from __future__ import annotations

import asyncio
import enum
import socket
import struct
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")
_CHUNK = 65536


class Mode(enum.Enum):
    """How new connections are treated."""

    FORWARD = "forward"
    RESET = "reset"
    BLACKHOLE = "blackhole"


@dataclass(eq=False)
class _Link:
    """One client connection and its upstream connection (once made)."""

    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter | None = None
    blackholed: bool = False
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


def _abort_with_rst(writer: asyncio.StreamWriter | None) -> None:
    """Close a connection so the peer gets an RST, not a FIN: linger on, timeout zero."""
    if writer is None:
        return
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass  # already closed
    writer.transport.abort()


class FaultProxy:
    """A TCP proxy to ``target_host:target_port`` on a free loopback port (:attr:`port`)."""

    def __init__(self, target_host: str, target_port: int, *, host: str = "127.0.0.1") -> None:
        self.target_host = target_host
        self.target_port = target_port
        self.host = host
        self.port = 0
        #: Client connections accepted so far (any mode).
        self.accepted = 0
        self._mode = Mode.FORWARD
        self._delay = 0.0
        self._links: set[_Link] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle -------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        """Listen on a free port of :attr:`host` (in a daemon thread); return ``self``."""
        if self._thread is not None:
            raise RuntimeError("the proxy is already started")
        ready = threading.Event()
        loop = asyncio.new_event_loop()
        self._loop = loop

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(self._listen())
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name="faultproxy", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fault proxy did not start")
        return self

    def stop(self) -> None:
        """Stop listening and reset every open connection."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        self._call(self._shutdown())
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        self._loop = self._thread = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def address(self) -> tuple[str, int]:
        """Where clients connect: ``(host, port)``."""
        return self.host, self.port

    @property
    def mode(self) -> Mode:
        """What happens to a new connection now."""
        return self._mode

    @property
    def open_connections(self) -> int:
        """Client connections currently open through the proxy."""
        return len(self._links)

    # --- faults -------------------------------------------------------------------------------

    def delay(self, seconds: float) -> None:
        """Hold every chunk ``seconds`` before forwarding it, both ways (0 for none)."""
        if seconds < 0:
            raise ValueError("a delay cannot be negative")
        self._call(self._set(Mode.FORWARD, seconds))

    def reset(self) -> None:
        """RST every open connection (both sides) and every new one until :meth:`heal`."""
        self._call(self._set(Mode.RESET, self._delay))

    def blackhole(self) -> None:
        """Accept and read, never forward nor answer, on open and new connections."""
        self._call(self._set(Mode.BLACKHOLE, self._delay))

    def heal(self) -> None:
        """Forward normally again, without delay; black-holed connections are reset."""
        self._call(self._set(Mode.FORWARD, 0.0))

    # --- inside the loop ----------------------------------------------------------------------

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            coroutine.close()
            raise RuntimeError("the proxy is not started")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, 0)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for link in list(self._links):
            self._drop(link)

    async def _set(self, mode: Mode, delay: float) -> None:
        self._mode, self._delay = mode, delay
        for link in list(self._links):
            if mode is Mode.RESET or (mode is Mode.FORWARD and link.blackholed):
                self._drop(link)
            elif mode is Mode.BLACKHOLE:
                link.blackholed = True

    def _drop(self, link: _Link) -> None:
        _abort_with_rst(link.client)
        _abort_with_rst(link.upstream)
        for task in link.tasks:
            task.cancel()
        self._links.discard(link)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        if self._mode is Mode.RESET:
            _abort_with_rst(writer)
            return
        link = _Link(client=writer, blackholed=self._mode is Mode.BLACKHOLE)
        current = asyncio.current_task()
        link.tasks = [current] if current is not None else []
        self._links.add(link)
        try:
            if link.blackholed:
                await self._swallow(reader)
            else:
                await self._forward(reader, link)
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            if link in self._links:
                self._drop(link)

    async def _forward(self, reader: asyncio.StreamReader, link: _Link) -> None:
        """Connect upstream and copy both ways; close gracefully when both ends have."""
        try:
            up_reader, link.upstream = await asyncio.open_connection(
                self.target_host, self.target_port
            )
        except OSError:
            return  # the target is down: the client is reset, as it would be by the target
        if link not in self._links:  # reset while connecting
            _abort_with_rst(link.upstream)
            return
        await asyncio.gather(
            self._pump(reader, link.upstream, link), self._pump(up_reader, link.client, link)
        )
        if link.blackholed:
            await asyncio.Event().wait()  # black-holed meanwhile: held until reset or healed
        self._links.discard(link)
        for writer in (link.client, link.upstream):
            writer.close()

    async def _swallow(self, reader: asyncio.StreamReader) -> None:
        while await reader.read(_CHUNK):
            pass

    async def _pump(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, link: _Link
    ) -> None:
        """Copy one direction until end of stream; drop instead while black-holed."""
        while True:
            data = await source.read(_CHUNK)
            if not data:
                if not link.blackholed and sink.can_write_eof():
                    sink.write_eof()
                return
            if link.blackholed:
                continue
            if self._delay:
                await asyncio.sleep(self._delay)
                if link.blackholed or link not in self._links:
                    continue
            sink.write(data)
            await sink.drain()
