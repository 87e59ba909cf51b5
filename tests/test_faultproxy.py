"""The fault proxy against a tiny echo server: forwards, delays, resets, black-holes, heals."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tests.faultproxy import FaultProxy, Mode


class EchoServer:
    """Echoes every chunk back; counts the bytes it received (to prove a black hole drops)."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.received = 0
        self._lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._echo, args=(conn,), daemon=True).start()

    def _echo(self, conn: socket.socket) -> None:
        with conn:
            while True:
                try:
                    data = conn.recv(4096)
                except OSError:
                    return
                if not data:
                    return
                with self._lock:
                    self.received += len(data)
                conn.sendall(data)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def echo() -> Iterator[EchoServer]:
    server = EchoServer()
    yield server
    server.close()


@pytest.fixture
def proxy(echo: EchoServer) -> Iterator[FaultProxy]:
    with FaultProxy("127.0.0.1", echo.port) as running:
        yield running


def _connect(proxy: FaultProxy, timeout: float = 2.0) -> socket.socket:
    return socket.create_connection(proxy.address, timeout=timeout)


def _round_trip(sock: socket.socket, payload: bytes) -> bytes:
    sock.sendall(payload)
    got = b""
    while len(got) < len(payload):
        chunk = sock.recv(4096)
        if not chunk:
            break
        got += chunk
    return got


def test_forwards_both_ways(proxy: FaultProxy) -> None:
    with _connect(proxy) as sock:
        assert _round_trip(sock, b"hello") == b"hello"
        assert _round_trip(sock, b"x" * 100_000) == b"x" * 100_000
    assert proxy.accepted == 1
    assert proxy.port != 0 and proxy.mode is Mode.FORWARD


def test_delay_holds_each_chunk(proxy: FaultProxy) -> None:
    proxy.delay(0.3)
    with _connect(proxy) as sock:
        started = time.monotonic()
        assert _round_trip(sock, b"slow") == b"slow"
        # Held once on the way there and once on the way back.
        assert time.monotonic() - started >= 0.6
    proxy.heal()
    with _connect(proxy) as sock:
        assert _round_trip(sock, b"fast") == b"fast"


def test_delay_must_not_be_negative(proxy: FaultProxy) -> None:
    with pytest.raises(ValueError):
        proxy.delay(-1)


def test_reset_sends_rst_on_open_and_new_connections(proxy: FaultProxy) -> None:
    with _connect(proxy) as sock:
        assert _round_trip(sock, b"before") == b"before"
        proxy.reset()
        with pytest.raises(ConnectionResetError):
            sock.sendall(b"after")
            sock.recv(10)
    with pytest.raises(ConnectionResetError), _connect(proxy) as fresh:
        fresh.sendall(b"new")  # the reset may come at connect, send or receive
        fresh.recv(10)
    assert proxy.open_connections == 0


def test_blackhole_reads_and_never_answers(proxy: FaultProxy, echo: EchoServer) -> None:
    with _connect(proxy, timeout=0.5) as sock:
        assert _round_trip(sock, b"ok") == b"ok"
        proxy.blackhole()
        sock.sendall(b"lost")
        with pytest.raises(socket.timeout):
            sock.recv(10)
        with _connect(proxy, timeout=0.5) as fresh:  # new connections are accepted...
            fresh.sendall(b"also lost")
            with pytest.raises(socket.timeout):  # ...and never answered
                fresh.recv(10)
        assert echo.received == 2  # only the "ok" reached the server
        proxy.heal()
        # The black-holed stream lost bytes: it is reset, not resumed.
        with pytest.raises((ConnectionResetError, BrokenPipeError)):
            sock.sendall(b"x")
            sock.recv(10)
    with _connect(proxy) as healed:
        assert _round_trip(healed, b"back") == b"back"


def test_target_down_resets_the_client() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        nobody = int(probe.getsockname()[1])
    with FaultProxy("127.0.0.1", nobody) as proxy:
        with pytest.raises(ConnectionResetError), _connect(proxy) as sock:
            sock.sendall(b"anyone?")
            sock.recv(10)


def test_stop_closes_the_port(echo: EchoServer) -> None:
    proxy = FaultProxy("127.0.0.1", echo.port).start()
    sock = _connect(proxy)
    proxy.stop()
    with pytest.raises(OSError):
        sock.sendall(b"gone")
        if not sock.recv(10):
            raise ConnectionResetError
    sock.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(proxy.address, timeout=1).close()


def test_methods_need_a_started_proxy(echo: EchoServer) -> None:
    with pytest.raises(RuntimeError):
        FaultProxy("127.0.0.1", echo.port).reset()
