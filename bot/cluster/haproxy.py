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

The config's text is bot/cluster/templates/haproxy.cfg.j2; :func:`render` fills it in and is a
pure function of its arguments, so tests check the text and ``haproxy -c`` that HAProxy takes it.
"""

from __future__ import annotations

import csv
import io
import socket
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from bot.content.messages import render as render_message
from bot.settings.config import Settings, reachable_host

#: The cookie that keeps a browser's socket.io session on one replica (its value names no one).
STICKY_COOKIE = "reflect_node"

#: Seconds a websocket (or any upgraded connection) may stay quiet: socket.io pings every 25 s,
#: so an open widget is never idle that long; a long value keeps a quiet tab from reconnecting.
TUNNEL_TIMEOUT = "1h"


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


#: Where the config's text lives: HAProxy's own language, not Python.
TEMPLATES = Path(__file__).parent / "templates"


@cache
def _template() -> Template:
    environment = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=False,  # a config file, not HTML: values are quoted by the "quoted" filter
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["quoted"] = _quoted
    return environment.get_template("haproxy.cfg.j2")


def render(settings: Settings, topology: Topology) -> str:
    """The whole haproxy.cfg for ``topology`` with the limits in ``settings``."""
    limits = [("rest", settings.cluster_rate_limit), ("teams", settings.cluster_teams_rate_limit)]
    too_large = render_message("proxy_too_large", limit=str(settings.cluster_max_body_bytes))
    return _template().render(
        stats_socket=topology.stats_socket,
        tunnel_timeout=TUNNEL_TIMEOUT,
        proxy_host=topology.proxy_host,
        proxy_port=topology.proxy_port,
        max_body_bytes=settings.cluster_max_body_bytes,
        too_large=too_large.text + "\n",
        too_many=render_message("proxy_rate_limited").text + "\n",
        rate_limits=[(acl, limit) for acl, limit in limits if limit > 0],
        sticky_cookie=STICKY_COOKIE,
        host=reachable_host(settings.action_host),
        rasa=list(zip(topology.rasa_names, topology.rasa_ports, strict=True)),
        actions=list(zip(topology.action_names, topology.action_ports, strict=True)),
        web_port=topology.web_port,
        actions_port=topology.actions_port,
    )


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
