"""The production topology under a county's load: HAProxy, Rasa replicas, PostgreSQL and Redis.

Two measurements, in one run (``make bench ARGS=--cluster``, or a step of the full bench):

- **Realistic**: 500 simulated practitioners through HAProxy to two Rasa replicas (and two
  action servers), each walking :func:`bench.load.journey` and pausing a random think time
  before every message (exponential, mean 10 s: reading the point, typing a reflection), so
  about 50 messages a second are offered. p50/p95/p99, errors by reason and the throughput
  achieved against the offered rate.
- **Saturation**: a closed loop with no think time (:func:`bench.load.run_level`, as the main
  table's levels) against one replica, then against two, each in a cluster of its own on a
  fresh database: throughput and p95 each, and the ratio two / one.

The journeys and their checks are :mod:`bench.load`'s, unchanged: a wrong reply is an error.
Every practitioner here comes from 127.0.0.1, where a county's come from many addresses, so
HAProxy's per-address rate limit (CLUSTER_RATE_LIMIT) is turned off for the run and noted.

``python -m bench.cluster_bench --model PATH`` runs it alone and prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.load import one_journey, run_level
from bench.procs import cpu_seconds
from bench.stack_bench import count_reflections, postgres_database
from bench.stats import latency_summary
from bot.settings.config import Settings

#: The issue's figures: practitioners, their mean think time, and the p95 target.
PRACTITIONERS = 500
THINK_MEAN_S = 10.0
P95_TARGET_MS = 500.0
REDIS_URL = "redis://127.0.0.1:6379/6"


def think_time(mean: float = THINK_MEAN_S) -> float:
    """A practitioner's pause before a message: exponential, so arrivals are Poisson-like."""
    return random.expovariate(1.0 / mean)


@contextmanager
def running_cluster(
    model: Path, *, replicas: int, redis_url: str, log_dir: Path, label: str
) -> Iterator[Any]:
    """A cluster of ``replicas`` Rasa replicas and two action servers on a fresh PG database."""
    from bot.cluster.launch import ClusterPorts, start_cluster

    with (
        tempfile.TemporaryDirectory(prefix=f"bench-{label}-") as tmp,
        postgres_database() as url,
    ):
        settings = Settings(
            var_dir=Path(tmp) / "var",
            secret=secrets.token_hex(32).encode(),
            database_url=url,
            redis_url=redis_url,
            log_level="INFO",
            cluster_rate_limit=0,
        )
        cluster = start_cluster(
            settings,
            model,
            rasa_replicas=replicas,
            action_servers=2,
            ports=ClusterPorts.free(replicas, 2),
        )
        try:
            yield cluster
        finally:
            cluster.stop()
            for log in (cluster.settings.var_dir / "logs").glob("*.log"):
                (log_dir / f"{label}-{log.name}").write_bytes(log.read_bytes())


def _cpu(cluster: Any) -> dict[str, float | None]:
    """CPU seconds of every cluster process so far (workers included)."""
    return {name: cpu_seconds(s.process.pid) for name, s in cluster.services.items()}


def _cpu_ms_per_msg(
    before: dict[str, float | None], after: dict[str, float | None], messages: int
) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for name, end in after.items():
        start = before.get(name)
        out[name] = (
            round((end - start) / messages * 1000, 2)
            if start is not None and end is not None and messages
            else None
        )
    return out


def _level(cluster: Any, users: int, **kwargs: Any) -> dict[str, Any]:
    """One load level through the proxy, with the processes' CPU per message over the window."""
    window: dict[str, dict[str, float | None]] = {}

    def on_window(edge: str) -> None:
        window[edge] = _cpu(cluster)

    result = asyncio.run(run_level(cluster.proxy_url, users, on_window=on_window, **kwargs))
    summary = result.summary()
    # An overloaded proxy answers 503 at once: those must not pull the percentiles down, so the
    # right replies' latency is the headline, with every error counted beside it.
    summary["latency_ok"] = latency_summary([s.latency for s in result.samples if s.error is None])
    summary["cpu_ms_per_msg"] = _cpu_ms_per_msg(
        window.get("start", {}), window.get("end", {}), summary["messages"]
    )
    supervisor = cluster.supervisor
    if supervisor is not None:  # a restarted process crashed under the load
        restarts = {n: supervisor.restarts(n) for n in cluster.services}
        summary["restarts"] = {n: r for n, r in restarts.items() if r}
    return summary


def _warm(cluster: Any) -> list[str]:
    """A journey per replica (round robin), so first predictions are not measured."""
    errors: list[str] = []
    for _ in range(len(cluster.topology.rasa_names)):
        samples = asyncio.run(one_journey(cluster.proxy_url))
        errors += [f"{s.step}: {s.error}" for s in samples if s.error]
    return errors


def run(
    model: Path,
    *,
    log_dir: Path,
    practitioners: int = PRACTITIONERS,
    think_mean: float = THINK_MEAN_S,
    duration: float = 120.0,
    warmup: float = 30.0,
    saturation_users: int = 50,
    saturation_duration: float = 30.0,
    saturation_warmup: float = 8.0,
    redis_url: str = REDIS_URL,
    say: Any = print,
) -> dict[str, Any]:
    """Both measurements; JSON-ready figures (see the module docstring)."""
    out: dict[str, Any] = {
        "practitioners": practitioners,
        "think_mean_s": think_mean,
        "offered_msg_s": round(practitioners / think_mean, 1),
        "duration_s": duration,
        "warmup_s": warmup,
        "saturation_users": saturation_users,
        "saturation": {},
        "load_average": {},
    }
    for replicas in (1, 2):
        with running_cluster(
            model,
            replicas=replicas,
            redis_url=redis_url,
            log_dir=log_dir,
            label=f"cluster-{replicas}",
        ) as cluster:
            say(f"cluster with {replicas} replica(s) ready in {cluster.ready_seconds:.1f} s")
            out["load_average"][f"{replicas}_start"] = _load_average()
            warm = _warm(cluster)
            say(f"  saturation: {saturation_users} users, no think time")
            level = _level(
                cluster, saturation_users, duration=saturation_duration, warmup=saturation_warmup
            )
            level["warm_journey_errors"] = warm
            out["saturation"][str(replicas)] = level
            if replicas == 2:
                say(
                    f"  realistic: {practitioners} practitioners, think time mean "
                    f"{think_mean:g} s, {warmup:g}+{duration:g} s"
                )
                out["realistic"] = _level(
                    cluster,
                    practitioners,
                    duration=duration,
                    warmup=warmup,
                    think=lambda: think_time(think_mean),
                )
                out["reflections_stored"] = count_reflections(cluster.settings.reflections_url)
            out["load_average"][f"{replicas}_end"] = _load_average()
    one = out["saturation"]["1"]["throughput_msg_s"]
    two = out["saturation"]["2"]["throughput_msg_s"]
    out["scaling_2_over_1"] = round(two / one, 3) if one and two else None
    return out


def _load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    """Run alone: ``python -m bench.cluster_bench --model PATH``; prints the figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.cluster_bench")
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--practitioners", type=int, default=PRACTITIONERS)
    parser.add_argument("--duration", type=float, default=120.0)
    parser.add_argument("--warmup", type=float, default=30.0)
    parser.add_argument("--saturation-users", type=int, default=50)
    parser.add_argument("--saturation-duration", type=float, default=30.0)
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cluster-bench-logs-") as logs:
        result = run(
            args.model.resolve(),
            log_dir=Path(logs),
            practitioners=args.practitioners,
            duration=args.duration,
            warmup=args.warmup,
            saturation_users=args.saturation_users,
            saturation_duration=args.saturation_duration,
        )
    result["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
