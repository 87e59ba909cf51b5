r"""CPU per message of each process of the stack, for a fixed amount of work.

``make bench`` measures throughput and latency over a time window, which a busy shared machine
moves a lot. This measures what the servers *spend*: the same number of journeys (``--users``
concurrent conversations, ``--journeys`` each, the journey of bench/load.py) through the real
stack (:func:`bench.stack_bench.running_stack`, as ``make bench`` starts it), and the CPU
seconds each process used for them, from ``/proc``:

- the Rasa server (its Sanic workers included), the action server and the web app;
- PostgreSQL's backends serving the run's database (found in ``pg_stat_activity``);
- this process, the load generator.

CPU time moves far less with other work on the machine than wall time does, so two versions
of the code compared this way (alternating, ``--rounds``) show a change of a few per cent.
Usage, from the repo root::

    PYTHONPATH=. .venv/bin/python -m bench.cpu_per_message --model models/<hash>.tar.gz \
        --databases sqlite postgresql --users 50 --journeys 3 --rounds 2
"""

# SQLAlchemy 1.4 ships without type information.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench.load import run_journeys
from bench.procs import cpu_seconds
from bench.stack_bench import PG_ADMIN_URL, running_stack
from bot.run import RASA_SERVER_MODULE

#: Processes of the stack whose CPU is read (bot/run.py's service names), then the others.
SERVICES = ("rasa", "actions", "web")


def _postgres_backends(url: str | None) -> list[int]:
    """The server pids of every connection to ``url``'s database (none for SQLite)."""
    if not url or not url.startswith("postgresql"):
        return []
    name = url.rsplit("/", 1)[-1]
    engine = create_engine(PG_ADMIN_URL, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("select pid from pg_stat_activity where datname = :name"), {"name": name}
            )
            return [int(pid) for (pid,) in rows]
    finally:
        engine.dispose()


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _snapshot(pids: dict[str, int], url: str | None) -> dict[str, Any]:
    backends = {pid: cpu_seconds(pid) or 0.0 for pid in _postgres_backends(url)}
    return {
        "services": {name: cpu_seconds(pid) or 0.0 for name, pid in pids.items()},
        "postgres": backends,
        "load": _own_cpu(),
    }


def measure(
    model: Path,
    db: str,
    *,
    users: int,
    journeys: int,
    log_dir: Path,
    workers: int,
    redis_url: str,
    rasa_module: str = RASA_SERVER_MODULE,
) -> dict[str, Any]:
    """One stack; one warm round, then ``users`` x ``journeys`` journeys; CPU ms per message."""
    overrides: dict[str, Any] = {}
    if workers > 1:
        overrides = {"rasa_workers": workers, "redis_url": redis_url}
    with running_stack(
        model,
        db,
        log_dir=log_dir,
        label=f"cpu-{db}",
        rasa_module=rasa_module,
        settings_overrides=overrides,
    ) as (stack, settings):
        pids = {service.name: service.process.pid for service in stack.services}
        asyncio.run(run_journeys(stack.rasa_url, users, 1))  # warm: first predictions, pools
        url = settings.database_url
        before = _snapshot(pids, url)
        started = time.perf_counter()
        samples = asyncio.run(run_journeys(stack.rasa_url, users, journeys))
        wall = time.perf_counter() - started
        after = _snapshot(pids, url)
    errors = [s for s in samples if s.error is not None]
    messages = len(samples)
    per_message = {
        name: (after["services"][name] - before["services"][name]) / messages * 1000
        for name in pids
    }
    if url:
        per_message["postgres"] = (
            sum(cpu - before["postgres"].get(pid, 0.0) for pid, cpu in after["postgres"].items())
            / messages
            * 1000
        )
    per_message["load generator"] = (after["load"] - before["load"]) / messages * 1000
    return {
        "db": db,
        "messages": messages,
        "errors": len(errors),
        "first_errors": sorted({f"{s.step}: {s.error}" for s in errors})[:5],
        "wall_s": round(wall, 2),
        "msg_per_s": round(messages / wall, 1),
        "cpu_ms_per_msg": {k: round(v, 2) for k, v in per_message.items()},
    }


def main(argv: list[str] | None = None) -> int:
    """Measure each database ``--rounds`` times, alternating; print one JSON line per stack."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--journeys", type=int, default=3, help="journeys per user")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="Rasa workers (RASA_WORKERS)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--stock", action="store_true", help="Rasa's own server (python -m rasa)")
    parser.add_argument("--logs", type=Path, help="keep the servers' logs here")
    args = parser.parse_args(argv)
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-cpu-") as tmp:
        logs = args.logs or Path(tmp)
        logs.mkdir(parents=True, exist_ok=True)
        for _ in range(args.rounds):
            for db in args.databases:
                result = measure(
                    args.model,
                    db,
                    users=args.users,
                    journeys=args.journeys,
                    log_dir=logs,
                    workers=args.workers,
                    redis_url=args.redis_url,
                    rasa_module="rasa" if args.stock else RASA_SERVER_MODULE,
                )
                results.append(result)
                print(json.dumps(result), flush=True)
    for db in args.databases:
        mine = [r["cpu_ms_per_msg"] for r in results if r["db"] == db]
        medians = {k: round(statistics.median(m[k] for m in mine), 2) for k in mine[0]}
        print(f"{db}: median CPU ms per message {medians}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
