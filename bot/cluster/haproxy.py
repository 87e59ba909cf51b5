"""HAProxy's configuration for the cluster, rendered from Settings and the ports in use.

HAProxy (Debian's package, scripts/ensure-haproxy.sh) is the only door in `make run-cluster`:

- **front** (``CLUSTER_PROXY_PORT``): ``/webhooks/*`` (REST, Teams) round-robin over the Rasa
  replicas, any replica will do, since conversations live in PostgreSQL and the Redis lock store
  orders each conversation's messages; ``/socket.io/`` *sticky*, because a socket.io session
  (long-polling or websocket) lives in one process: by a cookie HAProxy inserts, else by the
  client's address (``balance source``), so a client that keeps no cookie (a script, a browser
  refusing cookies) still lands on one replica; everything else (the demo page, widget.js,
  the portal, minutes downloads, /healthz) to the web app. Rasa's own root URL is not public.
- **limits at the door**: a body over ``CLUSTER_MAX_BODY_BYTES`` (by its Content-Length) gets a
  413, and a client address over ``CLUSTER_RATE_LIMIT`` requests in 10 s to the REST channel (or
  ``CLUSTER_TEAMS_RATE_LIMIT`` to Teams) a 429, both plain text from messages.yml, before any
  Rasa server spends a moment on them.
- **actions** (``CLUSTER_ACTIONS_PORT``, loopback only): the Rasa replicas' ``action_endpoint``.
  It balances the calls over the action servers and checks each one's ``GET /health``, so a
  dead action server is taken out (and its calls retried on another) instead of failing every
  turn it is picked for; the Rasa servers never notice one went away.

A refused connection (a server that has just died), or a request a server closed the connection
on without answering a byte (the kept-alive connection to a server killed or restarting), is
retried on another server (``retry-on conn-failure empty-response``, ``option redispatch``). A
request that timed out or had begun to be answered is not: it may have been handled, and a
replayed message would be handled twice. The narrow case left: a server that dies after handling
a message but before the first byte of its answer; that message is handled again on another
replica (a save in it is kept from being stored twice by its idempotency key).

Logs carry no user text, no query strings and no client addresses: method, path, status,
timings and which server answered.

:func:`render` is a pure function of its arguments, so tests check the text and ``haproxy -c``
checks that HAProxy accepts it.
"""

from __future__ import annotations

import csv
import io
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.content.messages import render as render_message
from bot.settings.config import Settings, reachable_host

#: The cookie that keeps a browser's socket.io session on one replica (its value names no one).
STICKY_COOKIE = "reflect_node"

#: Seconds a websocket (or any upgraded connection) may stay quiet: socket.io pings every 25 s,
#: so an open widget is never idle that long; a long value keeps a quiet tab from reconnecting.
TUNNEL_TIMEOUT = "1h"

#: What HAProxy logs for each request: no client address, no query string, no headers or body.
LOG_FORMAT = "%tr %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %HM %HPO"


@dataclass(frozen=True)
class Topology:
    """Where everything listens (loopback) and HAProxy's admin socket.

    ``rasa_ports[i]`` is the replica named ``rasa-{i+1}``, ``action_ports[i]`` ``actions-{i+1}``.
    """

    proxy_port: int
    actions_port: int
    web_port: int
    rasa_ports: tuple[int, ...]
    action_ports: tuple[int, ...]
    stats_socket: Path
    proxy_host: str = "127.0.0.1"

    @property
    def rasa_names(self) -> list[str]:
        """``rasa-1``, ``rasa-2``, ...: the names HAProxy, the logs and the launcher share."""
        return [f"rasa-{n}" for n in range(1, len(self.rasa_ports) + 1)]

    @property
    def action_names(self) -> list[str]:
        """``actions-1``, ``actions-2``, ..."""
        return [f"actions-{n}" for n in range(1, len(self.action_ports) + 1)]


def _quoted(text: str) -> str:
    """``text`` as one double-quoted HAProxy argument."""
    if any(ch in text for ch in "\r\0"):
        raise ValueError("an HAProxy argument cannot hold a carriage return or NUL")
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return '"' + escaped.replace("\n", "\\n") + '"'


def _servers(
    names: Sequence[str], host: str, ports: Sequence[int], *, cookie: bool = False
) -> list[str]:
    """One checked ``server`` line each; ``cookie``: its sticky cookie's value is its name."""
    return [
        f"    server {name} {host}:{port} check" + (f" cookie {name}" if cookie else "")
        for name, port in zip(names, ports, strict=True)
    ]


def _rate_limit_rules(settings: Settings) -> list[str]:
    limits = [
        ("rest", settings.cluster_rate_limit),
        ("teams", settings.cluster_teams_rate_limit),
    ]
    active = [(acl, limit) for acl, limit in limits if limit > 0]
    if not active:
        return ["    # rate limits off (CLUSTER_RATE_LIMIT=0, CLUSTER_TEAMS_RATE_LIMIT=0)"]
    tracked = " || ".join(acl for acl, _ in active)
    too_many = _quoted(render_message("proxy_rate_limited").text + "\n")
    rules = [
        "    # Requests per client address in the last 10 s, kept 30 s (per address, not per user:",
        "    # an office behind one address shares its allowance).",
        "    stick-table type ip size 200k expire 30s store http_req_rate(10s)",
        f"    http-request track-sc0 src if {tracked}",
    ]
    rules += [
        f"    http-request deny deny_status 429 content-type text/plain string {too_many} "
        f"if {acl} {{ sc_http_req_rate(0) gt {limit} }}"
        for acl, limit in active
    ]
    return rules


def _front(settings: Settings, topology: Topology) -> list[str]:
    limit = settings.cluster_max_body_bytes
    too_large = _quoted(render_message("proxy_too_large", limit=str(limit)).text + "\n")
    return [
        "frontend public",
        f"    bind {topology.proxy_host}:{topology.proxy_port}",
        "    acl rest path_beg /webhooks/rest/",
        "    acl teams path_beg /webhooks/teams/",
        "    acl webhooks path_beg /webhooks/",
        "    acl socketio path_beg /socket.io/",
        "    # Too large, by its declared length, before a byte of the body is read. A chunked",
        "    # body has no length here: the Rasa server's own REQUEST_MAX_BYTES stops that one.",
        f"    http-request deny deny_status 413 content-type text/plain string {too_large} "
        f"if {{ req.hdr_val(content-length) gt {limit} }}",
        *_rate_limit_rules(settings),
        "    # The servers trust one proxy's X-Forwarded-For (SANIC_PROXIES_COUNT=1): only ours.",
        "    http-request del-header X-Forwarded-For",
        "    option forwardfor",
        "    use_backend rasa_socketio if socketio",
        "    use_backend rasa if webhooks",
        "    default_backend web",
    ]


def _backends(topology: Topology, host: str) -> list[str]:
    rasa_names, rasa_ports = topology.rasa_names, topology.rasa_ports
    return [
        "backend rasa",
        "    balance roundrobin",
        "    option httpchk GET /",
        "    http-check expect status 200",
        *_servers(rasa_names, host, rasa_ports),
        "",
        "backend rasa_socketio",
        "    # Sticky: the cookie when the client keeps it, else the client's address.",
        "    balance source",
        "    hash-type consistent",
        f"    cookie {STICKY_COOKIE} insert indirect nocache httponly attr SameSite=Lax",
        "    option httpchk GET /",
        "    http-check expect status 200",
        # The cookie's value is the server's name (rasa-1): nothing about the user.
        *_servers(rasa_names, host, rasa_ports, cookie=True),
        "",
        "backend web",
        "    option httpchk GET /healthz",
        "    http-check expect status 200",
        f"    server web {host}:{topology.web_port} check",
    ]


def _actions(topology: Topology, host: str) -> list[str]:
    return [
        "frontend actions",
        "    # Loopback only: the Rasa replicas' action_endpoint (REFLECT_ACTION_URL).",
        f"    bind {host}:{topology.actions_port}",
        "    default_backend actions",
        "",
        "backend actions",
        "    balance roundrobin",
        "    # A hung action server answers nothing: after 30 s the call fails (504), whatever the",
        "    # caller's own timeout is, so no connection is held for ever.",
        "    timeout server 30s",
        "    option httpchk GET /health",
        "    http-check expect status 200",
        *_servers(topology.action_names, host, topology.action_ports),
    ]


def render(settings: Settings, topology: Topology) -> str:
    """The whole haproxy.cfg for ``topology`` with the limits in ``settings``."""
    host = reachable_host(settings.action_host)
    lines = [
        "# Generated by bot/cluster/haproxy.py from Settings; make run-cluster rewrites it.",
        "global",
        "    log stdout format raw local0 info",
        f"    stats socket {topology.stats_socket} mode 600 level admin",
        "    maxconn 4096",
        "",
        "defaults",
        "    mode http",
        "    log global",
        f"    log-format {_quoted(LOG_FORMAT)}",
        "    option dontlognull",
        "    timeout connect 5s",
        "    timeout client 60s",
        "    timeout server 60s",
        "    # A request's headers must arrive within 10 s (slow clients hold no connection).",
        "    timeout http-request 10s",
        "    timeout http-keep-alive 10s",
        "    timeout queue 30s",
        f"    timeout tunnel {TUNNEL_TIMEOUT}",
        "    timeout client-fin 30s",
        "    timeout check 3s",
        "    # Tried again on another server: a refused connection, and a request the server",
        "    # closed the connection on without a byte of answer (a kept-alive connection to a",
        "    # server that has just died or is restarting). Never one that timed out or had begun",
        "    # to answer: that one may have been handled, and is the caller's to retry.",
        "    retries 3",
        "    retry-on conn-failure empty-response",
        "    # The whole body is read before a server is picked: it can then be sent again, and",
        "    # a slow upload ties up no server (timeout http-request covers it).",
        "    option http-buffer-request",
        "    option redispatch 1",
        "    default-server inter 1s fall 2 rise 2",
        "",
        *_front(settings, topology),
        "",
        *_backends(topology, host),
        "",
        *_actions(topology, host),
    ]
    return "\n".join(lines) + "\n"


def read_stats(stats_socket: Path, timeout: float = 5.0) -> list[dict[str, str]]:
    """HAProxy's ``show stat`` as one dict per frontend, backend and server (CSV columns).

    ``pxname`` is the proxy (``rasa``, ``rasa_socketio``, ``actions``, ...), ``svname`` the server
    (``rasa-1``) or FRONTEND/BACKEND; ``status`` is UP/DOWN, ``req_tot`` the requests served.
    """
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        conn.connect(str(stats_socket))
        conn.sendall(b"show stat\n")
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    text = b"".join(chunks).decode("utf-8").removeprefix("# ")
    return list(csv.DictReader(io.StringIO(text)))
