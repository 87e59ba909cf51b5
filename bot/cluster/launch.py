"""Start the production topology on loopback: HAProxy, Rasa replicas, action servers, web app.

:func:`start_cluster` is `make run-cluster` (``python -m bot.cluster``), the cluster tests, the
soak and the benchmark. Each server is started exactly as `make run` starts it (bot/run.py's
``spawn_*``), with its own port and settings:

- ``rasa-N``: one ``bot.rasa_ext.serve run`` process (one Sanic worker) on ``rasa_ports[N-1]``.
  Its action calls go to HAProxy's internal ``actions`` frontend, not to one action server, so
  a dead action server is routed around rather than failing that replica's turns.
- ``actions-N``: one action server on ``action_ports[N-1]``.
- ``web``: the web app and portal; ``haproxy``: Debian's haproxy with the config
  bot/cluster/haproxy.py renders, the only public port.

Conversations live in PostgreSQL and each conversation's messages are ordered by the Redis lock
store, so any replica can take any REST or Teams message; cluster mode refuses to start without
both. A :class:`~bot.cluster.supervisor.Supervisor` thread restarts whatever crashes.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

import sqlalchemy as sa

from bot.cluster import haproxy
from bot.cluster.supervisor import RestartPolicy, Supervisor
from bot.run import (
    Service,
    StartupError,
    answers,
    prepare_storage,
    spawn,
    spawn_actions,
    spawn_rasa,
    spawn_web,
    wait_ready,
)
from bot.settings.config import Settings, reachable_host
from bot.storage.private_files import private_dir
from bot.storage.session import make_engine

#: Where Debian puts haproxy (/usr/sbin is not on an ordinary user's PATH).
HAPROXY_PATHS = ("/usr/sbin/haproxy", "/usr/bin/haproxy")

#: The table Rasa's SQL tracker store keeps conversations in (rasa/core/tracker_store.py).
TRACKER_TABLE = "events"


def find_haproxy() -> str:
    """The haproxy executable; :class:`StartupError` naming the fix if it is not installed."""
    found = shutil.which("haproxy") or next(
        (path for path in HAPROXY_PATHS if Path(path).exists()), None
    )
    if found is None:
        raise StartupError("haproxy is not installed: run scripts/ensure-haproxy.sh (apt-get)")
    return found


def cluster_problems(settings: Settings) -> list[str]:
    """Why ``settings`` cannot run as a cluster (empty when they can)."""
    problems = []
    if not settings.database_url or not settings.database_url.startswith("postgresql"):
        problems.append(
            "cluster mode needs PostgreSQL (DATABASE_URL=postgresql+psycopg2://...): the "
            "replicas share the conversations, and SQLite has one writer"
        )
    if not settings.redis_url:
        problems.append(
            "cluster mode needs Redis (REDIS_URL=redis://...): the replicas share the lock "
            "store that keeps each conversation's messages in order"
        )
    return problems


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class ClusterPorts:
    """The loopback ports of every process (``rasa[i]`` is ``rasa-{i+1}``)."""

    proxy: int
    actions_proxy: int
    web: int
    rasa: tuple[int, ...]
    actions: tuple[int, ...]

    @classmethod
    def from_settings(
        cls, settings: Settings, rasa_replicas: int, action_servers: int
    ) -> ClusterPorts:
        """`make run-cluster`'s ports: RASA_PORT, RASA_PORT+1, ...; ACTION_PORT, ACTION_PORT+1."""
        return cls(
            proxy=settings.cluster_proxy_port,
            actions_proxy=settings.cluster_actions_port,
            web=settings.web_port,
            rasa=tuple(settings.rasa_port + n for n in range(rasa_replicas)),
            actions=tuple(settings.action_port + n for n in range(action_servers)),
        )

    @classmethod
    def free(cls, rasa_replicas: int = 2, action_servers: int = 2) -> ClusterPorts:
        """Ports free right now, for tests and benchmarks running beside other stacks."""
        return cls(
            proxy=_free_port(),
            actions_proxy=_free_port(),
            web=_free_port(),
            rasa=tuple(_free_port() for _ in range(rasa_replicas)),
            actions=tuple(_free_port() for _ in range(action_servers)),
        )


@dataclass
class Cluster:
    """The running cluster: see the module docstring.

    ``services`` maps each name (``rasa-1``, ``rasa-2``, ``actions-1``, ``actions-2``, ``web``,
    ``haproxy``) to its :class:`~bot.run.Service`, whose ``process`` is always the current one
    (a restarted child is the same Service with a new process).
    """

    settings: Settings
    topology: haproxy.Topology
    services: dict[str, Service] = field(default_factory=dict)
    supervisor: Supervisor | None = None
    ready_seconds: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @property
    def proxy_url(self) -> str:
        """HAProxy's front: REST, socket.io, Teams, the demo page, widget.js and the portal."""
        return f"http://{self.topology.proxy_host}:{self.topology.proxy_port}"

    @property
    def actions_proxy_url(self) -> str:
        """HAProxy's internal frontend the replicas call actions through."""
        return f"http://{reachable_host(self.settings.action_host)}:{self.topology.actions_port}"

    def rasa_url(self, name: str) -> str:
        """One replica's own address (bypassing HAProxy), e.g. ``rasa_url("rasa-2")``."""
        port = self.topology.rasa_ports[self.topology.rasa_names.index(name)]
        return f"http://{reachable_host(self.settings.rasa_host)}:{port}"

    def stats(self) -> list[dict[str, str]]:
        """HAProxy's counters and server states (:func:`bot.cluster.haproxy.read_stats`)."""
        return haproxy.read_stats(self.topology.stats_socket)

    def server_states(self) -> dict[tuple[str, str], str]:
        """``(backend, server) -> status`` for every server HAProxy checks.

        The unchecked ``-anyway`` backups (tried only when every check has failed) are left out.

        ``UP`` and ``DOWN`` are settled; ``UP 1/2`` (a check has just failed) and ``DOWN 1/2``
        (one has just passed) are on their way to the other.
        """
        return {
            (row["pxname"], row["svname"]): row["status"]
            for row in self.stats()
            if row["svname"] not in {"FRONTEND", "BACKEND"} and row.get("bck") != "1"
        }

    def _not_up(self) -> list[str]:
        try:
            states = self.server_states()
        except OSError:
            return ["haproxy"]
        seen_down = {server for (_, server), status in states.items() if status != "UP"}
        # A process killed a moment ago may still be UP to HAProxy: ask each server too.
        not_ready = {s.name for s in self.services.values() if not answers(s.ready_url)}
        return sorted(seen_down | not_ready)

    def wait_until_up(self, timeout: float = 180.0) -> None:
        """Wait until every process answers and HAProxy sees every server UP."""
        deadline = time.monotonic() + timeout
        while down := self._not_up():
            if time.monotonic() > deadline:
                raise StartupError(f"{', '.join(down)} not up; see {self.settings.var_dir}/logs")
            time.sleep(0.25)

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL) -> None:
        """Send ``sig`` (SIGKILL: a crash) to the process group of ``name``; it is restarted."""
        process = self.services[name].process
        with suppress(ProcessLookupError):
            # Each child leads its own process group (start_new_session): its workers go too.
            os.killpg(process.pid, sig)

    def stop(self) -> None:
        """Stop supervising, then the proxy first (no new requests), the web app, Rasa, actions."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        order = ["haproxy", "web", *self.topology.rasa_names, *self.topology.action_names]
        for name in order:
            service = self.services.get(name)
            if service is not None:
                service.stop()

    def __iter__(self) -> Iterator[Service]:
        return iter(self.services.values())


def cluster_settings(settings: Settings, ports: ClusterPorts) -> Settings:
    """The settings every process of the cluster shares.

    Browsers reach everything through the proxy, so unless the deployment says otherwise its
    address is the public one: widget.js's socket URL, the origin allowed to open a widget
    socket and the start of minutes links.
    """
    proxy_url = f"http://127.0.0.1:{ports.proxy}"
    return replace(
        settings,
        public_url=settings.public_url or proxy_url,
        public_rasa_url=settings.public_rasa_url or settings.public_url or proxy_url,
        web_port=ports.web,
        cluster_proxy_port=ports.proxy,
        cluster_actions_port=ports.actions_proxy,
        rasa_workers=1,
        trusted_proxies=1,
    )


def _tracker_table_exists(database_url: str) -> bool:
    engine = make_engine(database_url)
    try:
        return bool(sa.inspect(engine).has_table(TRACKER_TABLE))
    finally:
        engine.dispose()


def _spawn_rasa(shared: Settings, model: Path, name: str, port: int) -> Service:
    replica = replace(shared, rasa_port=port, action_port=shared.cluster_actions_port)
    return spawn_rasa(replica, model, name=name)


def _spawn_haproxy(shared: Settings, topology: haproxy.Topology) -> Service:
    run_dir = private_dir(shared.var_dir / "cluster")
    config = run_dir / "haproxy.cfg"
    config.write_text(haproxy.render(shared, topology), encoding="utf-8")
    return spawn(
        "haproxy",
        [find_haproxy(), "-db", "-f", str(config)],
        f"http://{topology.proxy_host}:{topology.proxy_port}/healthz",
        shared,
    )


def _start(cluster: Cluster, model: Path, deadline: float) -> None:
    shared, topology, services = cluster.settings, cluster.topology, cluster.services
    services["haproxy"] = _spawn_haproxy(shared, topology)
    for name, port in zip(topology.action_names, topology.action_ports, strict=True):
        services[name] = spawn_actions(replace(shared, action_port=port), name)
    services["web"] = spawn_web(shared)
    replicas = list(zip(topology.rasa_names, topology.rasa_ports, strict=True))
    if not _tracker_table_exists(shared.tracker_url):
        # The first replica creates Rasa's tracker table; two at once would race to create it.
        services[replicas[0][0]] = _spawn_rasa(shared, model, *replicas[0])
        wait_ready(services[replicas[0][0]], deadline)
    for name, port in replicas:
        if name not in services:
            services[name] = _spawn_rasa(shared, model, name, port)
    for service in services.values():
        wait_ready(service, deadline)
    cluster.wait_until_up(max(deadline - time.monotonic(), 1.0))


def start_cluster(
    settings: Settings,
    model: Path,
    *,
    rasa_replicas: int = 2,
    action_servers: int = 2,
    ports: ClusterPorts | None = None,
    timeout: float = 300.0,
    policy: RestartPolicy | None = None,
) -> Cluster:
    """Start HAProxy, the replicas, the action servers and the web app; wait until all answer.

    ``ports`` default to the settings' (:meth:`ClusterPorts.from_settings`); tests and
    benchmarks pass :meth:`ClusterPorts.free`. Raises :class:`~bot.run.StartupError` (with
    everything already started stopped again) if the settings lack PostgreSQL or Redis, haproxy
    is missing, or a process exits or does not answer in ``timeout`` seconds.
    """
    problems = cluster_problems(settings)
    if problems:
        raise StartupError("; ".join(problems))
    if rasa_replicas < 1 or action_servers < 1:
        raise StartupError("a cluster needs at least one Rasa replica and one action server")
    find_haproxy()
    started = time.monotonic()
    ports = ports or ClusterPorts.from_settings(settings, rasa_replicas, action_servers)
    if (len(ports.rasa), len(ports.actions)) != (rasa_replicas, action_servers):
        raise StartupError("ports must give one port per Rasa replica and per action server")
    shared = cluster_settings(settings, ports)
    prepare_storage(shared)
    topology = haproxy.Topology(
        proxy_port=ports.proxy,
        actions_port=ports.actions_proxy,
        web_port=ports.web,
        rasa_ports=ports.rasa,
        action_ports=ports.actions,
        stats_socket=shared.var_dir / "cluster" / "haproxy.sock",
    )
    cluster = Cluster(shared, topology)
    try:
        _start(cluster, model, started + timeout)
    except BaseException:
        cluster.stop()
        raise
    cluster.supervisor = Supervisor(cluster.services.values(), policy)
    cluster._thread = threading.Thread(
        target=cluster.supervisor.run, args=(cluster._stop,), name="supervisor", daemon=True
    )
    cluster._thread.start()
    cluster.ready_seconds = time.monotonic() - started
    return cluster
