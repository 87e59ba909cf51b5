"""The production topology (`make run-cluster`) for real: HAProxy, two replicas, two action servers.

One cluster for the module (it takes half a minute to start on two cores), on a fresh PostgreSQL
database and Redis db 2, on free loopback ports. Everything goes through HAProxy's one port, as
a browser, a REST client or Teams would; HAProxy's own counters (its admin socket) say which
server answered. The tests run in file order: the faults (a replica killed, an action server
killed) come after the happy paths, and each ends with the cluster whole again.

Flooding clients connect from other loopback addresses (127.0.0.2, ...), so HAProxy's per-address
rate limit refuses them without touching the other tests' address.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.stack_bench import redis_available
from bot.cluster.launch import Cluster, ClusterPorts, start_cluster
from bot.cluster.supervisor import RestartPolicy
from bot.content.messages import render
from tests.bot.web.wire import CLIENTS, WidgetClient
from tests.e2e.conftest import Rest
from tests.e2e.test_canary import POSTGRES_URL, _create_database, _drop_database
from tests.settings import make_settings

pytestmark = pytest.mark.slow

REDIS_URL = "redis://127.0.0.1:6379/2"
# Requests per 10 s per address: above what the conversations here send from 127.0.0.1, and low
# enough that a flood passes it well within 10 s on a loaded two-core machine.
REST_LIMIT = 40
TEAMS_LIMIT = 20
REST, TEAMS = "/webhooks/rest/webhook", "/webhooks/teams/webhook"


def _needed(problem: str | None) -> None:
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(problem + "; CI must run the cluster")
    pytest.skip(problem)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, model_path: Path) -> Iterator[Cluster]:
    _needed(redis_available(REDIS_URL))
    database = _create_database()
    try:
        settings = make_settings(
            var_dir=tmp_path_factory.mktemp("cluster") / "var",
            database_url=POSTGRES_URL.format(name=database),
            redis_url=REDIS_URL,
            secret=secrets.token_hex(32).encode(),
            cluster_rate_limit=REST_LIMIT,
            cluster_teams_rate_limit=TEAMS_LIMIT,
        )
        running = start_cluster(
            settings,
            model_path,
            ports=ClusterPorts.free(2, 2),
            policy=RestartPolicy(first_delay=0.5, quick_seconds=20, give_up_after=5),
        )
        try:
            yield running
            assert running.supervisor is not None and running.supervisor.given_up == []
        finally:
            running.stop()
    finally:
        _drop_database(database)


def served(cluster: Cluster, backend: str) -> dict[str, int]:
    """Requests each server of ``backend`` has answered so far (HAProxy's req_tot)."""
    return {
        row["svname"]: int(row["req_tot"] or 0)
        for row in cluster.stats()
        if row["pxname"] == backend
        and row["svname"] not in {"FRONTEND", "BACKEND"}
        and row.get("bck") != "1"
    }


def since(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {name: after[name] - before.get(name, 0) for name in after}


def pids(cluster: Cluster) -> dict[str, int]:
    return {name: service.process.pid for name, service in cluster.services.items()}


def post(
    cluster: Cluster,
    path: str,
    body: bytes,
    *,
    source: str = "127.0.0.1",
    content_type: str = "application/json",
) -> tuple[int, bytes, str]:
    """POST ``body`` to the proxy from the loopback address ``source``: status, body, type."""
    conn = http.client.HTTPConnection(
        "127.0.0.1", cluster.topology.proxy_port, timeout=60, source_address=(source, 0)
    )
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": content_type})
        reply = conn.getresponse()
        return reply.status, reply.read(), reply.getheader("Content-Type") or ""
    except (TimeoutError, ConnectionError) as exc:  # HAProxy may answer before the upload ends
        return -1, str(type(exc).__name__).encode(), ""
    finally:
        conn.close()


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.25)


def _texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(str(m.get("text", "")) for m in messages)


def test_everything_answers_through_the_one_port(cluster: Cluster) -> None:
    status, _, _ = post(cluster, REST, b"not json")
    with socket.create_connection(("127.0.0.1", cluster.topology.proxy_port)) as conn:
        conn.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
        health = conn.recv(1000)

    assert status == 400  # the REST channel (a replica) answered
    assert health.startswith(b"HTTP/1.1 200") and health.endswith(b"ok")  # the web app
    states = cluster.server_states()
    assert {s for (_, s) in states} == {"rasa-1", "rasa-2", "actions-1", "actions-2", "web"}
    assert set(states.values()) == {"UP"}


def test_a_rest_conversation_goes_on_in_order_across_both_replicas(cluster: Cluster) -> None:
    before_rasa, before_actions = served(cluster, "rasa"), served(cluster, "actions")
    chat = Rest(cluster.proxy_url, "cluster-walk")

    said = [
        chat.text_of("hello"),
        chat.text_of("discuss and reflect"),
        chat.text_of("next"),
        chat.text_of("next"),
        chat.text_of("go back"),
        chat.text_of("next"),
    ]

    assert "Child Z LCSPR learning briefing" in said[0]
    points = ["Point 1 of 4", "Point 2 of 4", "Point 3 of 4", "Point 2 of 4", "Point 3 of 4"]
    for text, point in zip(said[1:], points, strict=True):
        assert point in text
    by_replica = since(before_rasa, served(cluster, "rasa"))
    by_action_server = since(before_actions, served(cluster, "actions"))
    assert by_replica["rasa-1"] >= 2 and by_replica["rasa-2"] >= 2, by_replica
    assert sum(by_replica.values()) == 6
    assert min(by_action_server.values()) >= 1, by_action_server


@pytest.mark.parametrize("transport", ["polling", "websocket"])
async def test_a_widget_socket_stays_on_one_replica(cluster: Cluster, transport: str) -> None:
    before = served(cluster, "rasa_socketio")
    client: WidgetClient = CLIENTS[transport](cluster.proxy_url)
    try:
        await client.connect(origin=cluster.proxy_url)
        token = (await client.session())["session_id"]
        greeting = await client.turn(token, "/greet")
        first = await client.turn(token, "discuss and reflect")
        second = await client.turn(token, "next")
    finally:
        await client.close()

    assert "Child Z LCSPR learning briefing" in _texts(greeting)
    assert "Point 1 of 4" in _texts(first) and "Point 2 of 4" in _texts(second)
    assert client.drain("error") == []
    used = {name: n for name, n in since(before, served(cluster, "rasa_socketio")).items() if n}
    assert len(used) == 1, used  # every request of the session went to one replica
    if transport == "polling":
        assert sum(used.values()) >= 4  # many HTTP requests, each could have gone elsewhere


def _handshake(cluster: Cluster, source: str, cookie: str | None = None) -> tuple[str, str]:
    """Open an Engine.IO polling session from ``source``: its sid and HAProxy's cookie."""
    conn = http.client.HTTPConnection(
        "127.0.0.1", cluster.topology.proxy_port, timeout=30, source_address=(source, 0)
    )
    headers = {"Origin": cluster.proxy_url, **({"Cookie": cookie} if cookie else {})}
    try:
        conn.request("GET", "/socket.io/?EIO=4&transport=polling", headers=headers)
        reply = conn.getresponse()
        body = reply.read().decode()
        set_cookie = (reply.getheader("Set-Cookie") or "").split(";")[0]
    finally:
        conn.close()
    sid = json.loads(body[body.index("{") :])["sid"]
    return str(sid), set_cookie


def _poll(cluster: Cluster, source: str, sid: str, cookie: str) -> int:
    conn = http.client.HTTPConnection(
        "127.0.0.1", cluster.topology.proxy_port, timeout=30, source_address=(source, 0)
    )
    try:
        path = f"/socket.io/?EIO=4&transport=polling&sid={sid}"
        headers = {"Cookie": cookie, "Origin": cluster.proxy_url}
        conn.request("POST", path, body=b"40", headers=headers)
        reply = conn.getresponse()
        reply.read()
        return reply.status
    finally:
        conn.close()


def test_the_sticky_cookie_keeps_a_session_when_the_address_changes(cluster: Cluster) -> None:
    """A phone moving from Wi-Fi to mobile data keeps its socket: the cookie, not the address."""
    by_server: dict[str, str] = {}  # cookie value -> a source address that hashes to it
    for last in range(2, 40):
        source = f"127.0.0.{last}"
        _, cookie = _handshake(cluster, source)
        by_server.setdefault(cookie, source)
        if len(by_server) == 2:
            break
    assert len(by_server) == 2, "the addresses tried all hashed to one replica"
    (cookie_a, source_a), (_, source_b) = sorted(by_server.items())

    sid, cookie = _handshake(cluster, source_a)
    assert cookie == cookie_a
    # From an address that hashes to the other replica, the cookie still finds the session.
    assert _poll(cluster, source_b, sid, cookie) == 200


def test_a_killed_replica_is_routed_around_and_restarted(cluster: Cluster) -> None:
    chat = Rest(cluster.proxy_url, "cluster-replica-killed")
    assert "Point 1 of 4" in chat.text_of("hello") + chat.text_of("discuss and reflect")
    assert "Point 2 of 4" in chat.text_of("next")
    old = pids(cluster)
    supervisor = cluster.supervisor
    assert supervisor is not None
    restarts = supervisor.restarts("rasa-1")

    cluster.kill("rasa-1")
    during = [chat.text_of("next"), chat.text_of("next"), chat.text_of("go back")]

    for text, point in zip(during, ["Point 3 of 4", "Point 4 of 4", "Point 3 of 4"], strict=True):
        assert point in text
    wait_for(lambda: supervisor.restarts("rasa-1") == restarts + 1, "rasa-1 restarts")
    assert cluster.services["rasa-1"].process.pid != old["rasa-1"]
    cluster.wait_until_up()
    before = served(cluster, "rasa")
    after_restart = [chat.text_of("next"), chat.text_of("go back"), chat.text_of("go back")]
    for text, point in zip(after_restart, ["Point 4", "Point 3", "Point 2"], strict=True):
        assert f"{point} of 4" in text
    assert since(before, served(cluster, "rasa"))["rasa-1"] >= 1  # back in the rotation
    assert {n: p for n, p in pids(cluster).items() if n != "rasa-1"} == {
        n: p for n, p in old.items() if n != "rasa-1"
    }


def test_a_killed_action_server_never_takes_a_replica_down(cluster: Cluster) -> None:
    chat = Rest(cluster.proxy_url, "cluster-actions-killed")
    chat.text_of("hello")
    old = pids(cluster)
    supervisor = cluster.supervisor
    assert supervisor is not None
    restarts = supervisor.restarts("actions-1")

    cluster.kill("actions-1")
    answers = [
        chat.text_of("discuss and reflect"),
        chat.text_of("next"),
        chat.text_of("next"),
        chat.text_of("next"),
    ]

    for text, point in zip(answers, ["1", "2", "3", "4"], strict=True):
        assert f"Point {point} of 4" in text
    wait_for(lambda: supervisor.restarts("actions-1") == restarts + 1, "actions-1 restarts")
    cluster.wait_until_up()
    assert cluster.services["actions-1"].process.pid != old["actions-1"]
    assert {n: p for n, p in pids(cluster).items() if n != "actions-1"} == {
        n: p for n, p in old.items() if n != "actions-1"
    }
    before = served(cluster, "actions")
    assert "Point 3 of 4" in chat.text_of("go back") + chat.text_of("go back")
    assert since(before, served(cluster, "actions"))["actions-1"] >= 1


def declare(cluster: Cluster, path: str, length: int) -> tuple[int, bytes]:
    """Send only the headers of a POST declaring ``length`` bytes; HAProxy's status and body."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: reflect\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", cluster.topology.proxy_port), timeout=30) as conn:
        conn.sendall(head.encode())
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
    status_line, _, rest = reply.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


@pytest.mark.parametrize("path", [REST, "/socket.io/", "/portal/sign-in"])
def test_a_2_mb_body_gets_a_413_from_haproxy_and_everything_stays_up(
    cluster: Cluster, path: str
) -> None:
    old = pids(cluster)
    limit = cluster.settings.cluster_max_body_bytes

    refused = declare(cluster, path, 2 * 1024 * 1024)
    # The whole 2 MB sent anyway: HAProxy answers 413 or cuts the upload short.
    body = json.dumps({"sender": "big", "message": "x" * (2 * 1024 * 1024)}).encode()
    status, _, _ = post(cluster, path, body)

    assert refused == (413, (render("proxy_too_large", limit=str(limit)).text + "\n").encode())
    assert status in {413, -1}
    assert pids(cluster) == old
    assert "Child Z" in Rest(cluster.proxy_url, "after-413").text_of("hello")


def test_a_flood_from_one_address_gets_429s_and_nobody_else_does(cluster: Cluster) -> None:
    old = pids(cluster)
    rest = [post(cluster, REST, b"{}", source="127.0.0.2") for _ in range(REST_LIMIT + 20)]
    teams = [post(cluster, TEAMS, b"{}", source="127.0.0.3") for _ in range(TEAMS_LIMIT + 10)]

    codes = [status for status, _, _ in rest]
    assert codes[:REST_LIMIT] == [400] * REST_LIMIT  # the REST channel: no sender
    assert set(codes[REST_LIMIT:]) == {429}
    refused = rest[-1]
    assert refused[1].decode() == render("proxy_rate_limited").text + "\n"
    assert refused[2] == "text/plain"
    assert {status for status, _, _ in teams[TEAMS_LIMIT:]} == {429}
    assert 429 not in {status for status, _, _ in teams[:TEAMS_LIMIT]}
    # Another address is unaffected, and nothing fell over.
    assert "Child Z" in Rest(cluster.proxy_url, "after-flood").text_of("hello")
    assert pids(cluster) == old


def test_a_killed_proxy_is_restarted_and_serves_again(cluster: Cluster) -> None:
    supervisor = cluster.supervisor
    assert supervisor is not None
    restarts = supervisor.restarts("haproxy")
    old = pids(cluster)

    cluster.kill("haproxy")
    wait_for(lambda: supervisor.restarts("haproxy") == restarts + 1, "haproxy restarts")
    cluster.wait_until_up()

    assert cluster.services["haproxy"].process.pid != old["haproxy"]
    assert {n: p for n, p in pids(cluster).items() if n != "haproxy"} == {
        n: p for n, p in old.items() if n != "haproxy"
    }
    assert "Child Z" in Rest(cluster.proxy_url, "after-proxy-restart").text_of("hello")
