r"""Profile the real Rasa server and action server under load, by CPU time, with cProfile.

bench/profile_message.py profiles one message in one process by wall time, without Sanic, the
lock store or the conversation memory, and on a busy machine wall time mostly measures the
other work. This starts the stack as ``make bench`` does (bench/stack_bench.py), with the Rasa
server and the action server each run under :mod:`cProfile` timed by the thread's CPU clock,
drives ``--users`` x ``--journeys`` journeys of bench/load.py through it, stops it and prints
each server's top functions by cumulative and by own CPU time, per message. Call counts are
exact, so a change that removes work shows in them whatever the machine is doing.

The Rasa server runs one Sanic worker (the profile is per process), with the Redis lock store
when ``--redis-url`` is given, as deployed. Only each server's main thread is profiled: the
door's worker threads (bot/rasa_ext/channels.py) are not. Usage, from the repo root::

    PYTHONPATH=. .venv/bin/python -m bench.profile_server --model models/<hash>.tar.gz \
        --database postgresql --users 10 --journeys 3

Internally the same module is the servers' entry point (``REFLECT_PROFILE_TO`` names the file
its statistics are written to when it stops).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import signal
import sys
import tempfile
import time
from pathlib import Path

#: Environment variable naming where a profiled server writes its statistics.
PROFILE_TO = "REFLECT_PROFILE_TO"


def _serve_profiled(target: Path) -> None:
    """Be the Rasa server (arguments given) or the action server (none), under cProfile.

    Profiling starts on SIGUSR1 and stops on SIGUSR2, which writes the statistics to
    ``target``: start-up and the warm-up round are left out.
    """
    profiler = cProfile.Profile(time.thread_time)

    def start(_signum: int, _frame: object) -> None:
        profiler.enable()

    def stop(_signum: int, _frame: object) -> None:
        profiler.disable()
        profiler.dump_stats(str(target))

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    if len(sys.argv) > 1:
        from bot.rasa_ext.serve import main as serve

        serve(sys.argv[1:])
    else:
        from bot.rasa_ext.action_server import main as actions

        actions()


def _signal_and_wait(pids: list[int], signum: int, files: list[Path]) -> None:
    for pid in pids:
        os.kill(pid, signum)
    deadline = time.monotonic() + 30
    while files and not all(f.exists() for f in files) and time.monotonic() < deadline:
        time.sleep(0.2)


def _report(stats_file: Path, messages: int, lines: int) -> str:
    """Top functions by cumulative and by own time, in CPU ms per message."""
    out = io.StringIO()
    stats = pstats.Stats(str(stats_file), stream=out)
    total = stats.total_tt  # type: ignore[attr-defined]
    out.write(f"total CPU (profiled thread) {total:.2f} s, {total / messages * 1000:.2f} ms/msg\n")
    for key in ("cumulative", "tottime"):
        stats.sort_stats(key).print_stats(lines)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Run the stack with both servers profiled, drive the journeys, print both profiles."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--database", default="sqlite", choices=("sqlite", "postgresql"))
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--journeys", type=int, default=3, help="journeys per user")
    parser.add_argument("--redis-url", help="Redis lock store (as deployed with workers)")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args(argv)

    from bench.load import run_journeys
    from bench.stack_bench import running_stack
    from bot import run

    args.out.mkdir(parents=True, exist_ok=True)
    rasa_stats = args.out / "profile-server-rasa.prof"
    action_stats = args.out / "profile-server-actions.prof"
    for stale in (rasa_stats, action_stats):
        stale.unlink(missing_ok=True)
    overrides = {"redis_url": args.redis_url} if args.redis_url else {}
    here = "bench.profile_server"
    run.ACTION_SERVER_MODULE = here  # read when the stack spawns the action server
    messages = 0
    with tempfile.TemporaryDirectory(prefix="bench-profile-server-") as logs:
        os.environ[PROFILE_TO] = str(action_stats)
        os.environ[f"{PROFILE_TO}_RASA"] = str(rasa_stats)
        with running_stack(
            args.model,
            args.database,
            log_dir=Path(logs),
            label="profile",
            rasa_module=here,
            settings_overrides=overrides,
        ) as (stack, _):
            asyncio.run(run_journeys(stack.rasa_url, args.users, 1))  # warm
            pids = [service.process.pid for service in stack.services if service.name != "web"]
            _signal_and_wait(pids, signal.SIGUSR1, [])
            samples = asyncio.run(run_journeys(stack.rasa_url, args.users, args.journeys))
            _signal_and_wait(pids, signal.SIGUSR2, [rasa_stats, action_stats])
            messages = len(samples)
            errors = sum(s.error is not None for s in samples)
    print(f"{messages} messages measured ({errors} errors), plus one warm-up round each")
    print("\n== Rasa server ==")
    print(_report(rasa_stats, messages, args.lines))
    print("\n== Action server ==")
    print(_report(action_stats, messages, args.lines))
    return 0


def _target() -> Path | None:
    """This server's statistics file: the Rasa server's has its own variable."""
    if len(sys.argv) > 1:
        named = os.environ.get(f"{PROFILE_TO}_RASA")
    else:
        named = os.environ.get(PROFILE_TO)
    return Path(named) if named else None


if __name__ == "__main__":
    target = _target()
    if target is not None and (len(sys.argv) <= 1 or sys.argv[1] == "run"):
        _serve_profiled(target)
    else:
        raise SystemExit(main())
