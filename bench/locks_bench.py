"""Reflect's atomic Redis lock store against Rasa 3.6's ``RedisLockStore``, in one run.

Several OS processes (as Sanic workers or replicas would be) take one conversation's lock in
turn, each holding it for a few milliseconds, through each store as Rasa calls it
(``async with store.lock(conversation_id)``, Rasa's defaults). Reported per store:

- acquisitions per second (one conversation: this is the hand-over speed);
- overlaps: how often two holders were inside at once (must be 0: that is the point of a lock);
- inversions: the share of pairs of requests served in the opposite order to the one they asked
  in (0 is strictly first come, first served). "Asked" is the client's clock just before its
  request leaves, so a process paused by the scheduler there shows as a small share for ours
  too: Redis's ticket order is the truth, which the tests check exactly;
- failures: ``LockError`` and other errors (a lost ticket is one);
- the wait from asking to entering (median and 95th percentile).

Not part of ``make test`` or ``make bench``; it needs Redis (db 3 by default)::

    PYTHONPATH=. .venv/bin/python -m bench.locks_bench [--redis redis://127.0.0.1:6379/3]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import multiprocessing
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.stack_bench import redis_available

FORK = multiprocessing.get_context("fork")


def _store(kind: str, url: str, prefix: str) -> Any:
    parts = urlsplit(url)
    host, port, db = parts.hostname or "127.0.0.1", parts.port or 6379, parts.path.strip("/") or 0
    if kind == "rasa":
        from rasa.core.lock_store import RedisLockStore

        return RedisLockStore(host=host, port=port, db=int(db), key_prefix=prefix)
    from bot.rasa_ext.lock_store import AtomicRedisLockStore

    return AtomicRedisLockStore(host=host, port=port, db=int(db), key_prefix=prefix)


def _worker(kind: str, url: str, prefix: str, rounds: int, hold: float, log: str) -> None:
    """One process: ``rounds`` messages of the same conversation, logged as they go."""

    async def run() -> None:
        store = _store(kind, url, prefix)
        lines = []
        for _ in range(rounds):
            asked = time.time()
            try:
                async with store.lock("conversation"):
                    entered = time.time()
                    lines.append(f"enter {entered!r} {asked!r}\n")
                    with open(log, "a", encoding="utf-8") as out:
                        out.write(f"in {os.getpid()}\n")
                    await asyncio.sleep(hold)
                    with open(log, "a", encoding="utf-8") as out:
                        out.write(f"out {os.getpid()}\n")
            except Exception as exc:  # a bench counts failures; it does not stop at one
                lines.append(f"error {type(exc).__name__}\n")
            await asyncio.sleep(0.001 * (os.getpid() % 7))  # the processes drift apart
        with open(log + ".times", "a", encoding="utf-8") as out:
            out.write("".join(lines))
        if hasattr(store, "close"):
            await store.close()

    asyncio.run(run())


def _overlaps(log: Path) -> int:
    inside, overlaps = 0, 0
    for line in log.read_text(encoding="utf-8").splitlines():
        if line.startswith("in "):
            inside += 1
            overlaps += inside > 1
        else:
            inside -= 1
    return overlaps


def _inversions(pairs: list[tuple[float, float]]) -> float:
    ordered = sorted(pairs, key=lambda p: p[0])  # by entry
    asked = [p[1] for p in ordered]
    bad = sum(1 for i in range(len(asked)) for j in range(i + 1, len(asked)) if asked[i] > asked[j])
    total = len(asked) * (len(asked) - 1) / 2
    return bad / total if total else 0.0


def measure(kind: str, url: str, processes: int, rounds: int, hold: float) -> dict[str, Any]:
    """Run ``processes`` × ``rounds`` messages of one conversation through one store."""
    prefix = f"bench{uuid.uuid4().hex[:10]}"
    with tempfile.TemporaryDirectory() as tmp:
        log = str(Path(tmp) / "holders.log")
        Path(log).touch()
        start = time.monotonic()
        workers = [
            FORK.Process(target=_worker, args=(kind, url, prefix, rounds, hold, log))
            for _ in range(processes)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.monotonic() - start
        times = Path(log + ".times").read_text(encoding="utf-8").splitlines()
        overlaps = _overlaps(Path(log))
    entered = [
        (float(e), float(a))
        for _, e, a in (line.split() for line in times if line.startswith("enter"))
    ]
    waits = sorted(e - a for e, a in entered)
    return {
        "store": kind,
        "acquisitions": len(entered),
        "per_second": len(entered) / elapsed,
        "overlaps": overlaps,
        "inversions": _inversions(entered),
        "failures": sum(line.startswith("error") for line in times),
        "failure_kinds": sorted({line.split()[1] for line in times if line.startswith("error")}),
        "wait_p50_ms": 1000 * statistics.median(waits) if waits else float("nan"),
        "wait_p95_ms": 1000 * waits[int(0.95 * (len(waits) - 1))] if waits else float("nan"),
    }


def main(argv: list[str] | None = None) -> int:
    """Measure both stores and print their figures and ours / Rasa's ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--hold", type=float, default=0.005, help="seconds inside the lock")
    args = parser.parse_args(argv)
    problem = redis_available(args.redis)
    if problem:
        print(problem)
        return 1
    # Both stores' modules (Rasa's import takes seconds) once, here, before the fork.
    for module in ("rasa.core.lock_store", "bot.rasa_ext.lock_store"):
        importlib.import_module(module)

    results = {
        kind: measure(kind, args.redis, args.processes, args.rounds, args.hold)
        for kind in ("rasa", "ours")
    }
    print(
        f"{args.processes} processes x {args.rounds} messages of one conversation, "
        f"{args.hold * 1000:g} ms inside the lock each"
    )
    print(f"{'':22}{'Rasa RedisLockStore':>22}{'ours':>14}{'ours / Rasa':>14}")
    for key, label in (
        ("per_second", "acquisitions/s"),
        ("wait_p50_ms", "wait p50 (ms)"),
        ("wait_p95_ms", "wait p95 (ms)"),
        ("overlaps", "overlaps"),
        ("inversions", "inversions (share)"),
        ("failures", "failures"),
    ):
        rasa, ours = results["rasa"][key], results["ours"][key]
        ratio = f"{ours / rasa:.2f}" if rasa else "-"
        print(f"{label:22}{rasa:>22.3f}{ours:>14.3f}{ratio:>14}")
    for kind, result in results.items():
        if result["failure_kinds"]:
            print(f"{kind}'s failures: {', '.join(result['failure_kinds'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
