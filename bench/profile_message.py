"""Profile messages end to end with pyinstrument: door, NLU, policies, actions, tracker store.

Two profiles, both in this process so pyinstrument sees every frame:

1. **Rasa side.** The model is loaded exactly as ``rasa run`` loads it (``load_agent`` with
   ``endpoints.yml``, so the same SQL tracker store on SQLite and the same action endpoint);
   each message goes through the door (:meth:`bot.channels.door.Door.clean_text`, what our REST
   channel calls) and ``Agent.handle_message``, with a real action server in a child process
   answering the custom actions over HTTP.
2. **Action-server side.** The action calls Rasa sent during one journey are recorded and
   replayed into rasa_sdk's ``ActionExecutor`` (what the action server's ``/webhook`` runs),
   including the database write of ``action_save_reflection``.

Only Sanic's HTTP parsing of the incoming request is left out (the REST channel's own work is
the door, which is in). Usage, from the repo root::

    PYTHONPATH=. .venv/bin/python -m bench.profile_message --model models/<hash>.tar.gz
    PYTHONPATH=. .venv/bin/python -m bench.profile_message --model ... --step "reflection text"
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pyinstrument import Profiler
from pyinstrument.renderers import ConsoleRenderer

from bench.load import journey, reply_text
from bench.stack_bench import free_port
from bench.stats import latency_summary
from bot.run import ACTION_SERVER_MODULE
from bot.settings.config import PROJECT_ROOT, Settings, child_environment
from bot.storage.migrate import upgrade


@contextmanager
def action_server(settings: Settings, log: Path) -> Iterator[str]:
    """The real action server (as bot.run starts it) in a child process; yields its webhook URL.

    Rasa's calls carry its token: endpoints.yml takes it from the environment set below.
    """
    env = child_environment(settings)
    with log.open("wb") as handle:
        proc = subprocess.Popen(
            [sys.executable, "-m", ACTION_SERVER_MODULE],
            cwd=PROJECT_ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            health = f"http://127.0.0.1:{settings.action_port}/health"
            while True:
                try:
                    with urllib.request.urlopen(health, timeout=2):
                        break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"action server did not start; see {log}") from None
                    time.sleep(0.25)
            yield f"http://127.0.0.1:{settings.action_port}/webhook"
        finally:
            proc.terminate()
            proc.wait(timeout=15)


async def _profile_rasa(
    model: Path, journeys: int, warmup: int, step: str | None, record: list[dict[str, Any]]
) -> tuple[Profiler, dict[str, list[float]]]:
    """Load the agent like ``rasa run`` and profile ``journeys`` journeys (or one step of each).

    Action calls of the first profiled journey are appended to ``record`` for the replay.
    """
    import logging

    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    from bot.rasa_ext.channels import default_door

    # As `rasa run` does with LOG_LEVEL (INFO from Settings): debug lines are not written.
    level = logging.getLevelName(os.environ.get("LOG_LEVEL", "INFO"))
    configure_logging_and_warnings(level)
    configure_structlog(level)

    endpoints = AvailableEndpoints.read_endpoints(str(PROJECT_ROOT / "endpoints.yml"))
    agent = await load_agent(model_path=str(model), endpoints=endpoints)
    door = default_door()

    recording = {"on": False}
    original_request = EndpointConfig.request

    async def recording_request(self: EndpointConfig, *args: Any, **kwargs: Any) -> Any:
        if recording["on"] and "json" in kwargs:
            record.append(json.loads(json.dumps(kwargs["json"])))
        return await original_request(self, *args, **kwargs)

    EndpointConfig.request = recording_request

    async def say(sender: str, text: str) -> str:
        output = CollectingOutputChannel()
        sender_id = door.pseudonymise(sender, channel="rest")
        message = UserMessage(door.clean_text(text), output, sender_id, input_channel="rest")
        await agent.handle_message(message)
        return reply_text(output.messages)

    timings: dict[str, list[float]] = {}
    profiler = Profiler(async_mode="enabled", interval=0.0005)
    for index in range(warmup + journeys):
        measured = index >= warmup
        recording["on"] = index == warmup
        sender = f"profile-{index}"
        for item in journey(index):
            profile_this = measured and (step is None or item.name == step)
            if profile_this:
                profiler.start()
            started = time.perf_counter()
            text = await say(sender, item.text)
            elapsed = time.perf_counter() - started
            if profile_this:
                profiler.stop()
            if measured:
                timings.setdefault(item.name, []).append(elapsed)
            missing = [m for m in item.expect if m not in text]
            if missing:
                raise RuntimeError(f"journey {index} step {item.name!r}: reply lacks {missing}")
    recording["on"] = False
    return profiler, timings


async def _profile_actions(
    calls: list[dict[str, Any]], repeat: int
) -> tuple[Profiler, dict[str, list[float]]]:
    """Replay recorded action calls into rasa_sdk's executor (the action server's webhook)."""
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    for call in calls:  # warm: settings, pack, engine, first connection
        await executor.run(json.loads(json.dumps(call)))
    timings: dict[str, list[float]] = {}
    profiler = Profiler(async_mode="enabled", interval=0.0005)
    for _ in range(repeat):
        for call in calls:
            payload = json.dumps(call)  # the webhook decodes a JSON body: count it
            profiler.start()
            started = time.perf_counter()
            result = await executor.run(json.loads(payload))
            json.dumps(result)  # and encodes the reply
            elapsed = time.perf_counter() - started
            profiler.stop()
            timings.setdefault(call["next_action"], []).append(elapsed)
    return profiler, timings


def _timing_table(timings: dict[str, list[float]]) -> str:
    lines = [f"{'':<28}{'n':>5}{'p50 ms':>10}{'p95 ms':>10}"]
    for name, values in timings.items():
        summary = latency_summary(values)
        lines.append(f"{name:<28}{len(values):>5}{summary['p50_ms']:>10.1f}"
                     f"{summary['p95_ms']:>10.1f}")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Profile, print both call trees (text), and write HTML next to the bench results."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--journeys", type=int, default=10, help="profiled journeys")
    parser.add_argument("--warmup", type=int, default=3, help="unprofiled journeys first")
    parser.add_argument("--step", help="profile only this step of each journey (by name)")
    parser.add_argument("--action-repeat", type=int, default=20)
    parser.add_argument("--lines", type=int, default=25, help="top functions to print")
    parser.add_argument(
        "--stock-server",
        action="store_true",
        help="leave out our server's per-message fixes (speedups.py, tracker_store.py)",
    )
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    if not args.stock_server:
        # What our server entry point (bot/rasa_ext/serve.py) applies before Rasa starts.
        from bot.rasa_ext import patches, speedups, tracker_store

        patches.check()  # refuses (exit status 1) if the installed Rasa is not the pinned one
        speedups.install()
        tracker_store.install()

    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        settings = Settings(
            var_dir=Path(tmp) / "var",
            rasa_port=free_port(),
            action_port=free_port(),
            # A throwaway stack: its own random secret (Settings has no default one).
            secret=secrets.token_hex(32).encode(),
        )
        settings.var_dir.mkdir(parents=True)
        upgrade(settings.reflections_url)
        # This process plays the Rasa server: same environment as bot.run gives it.
        os.environ.update(child_environment(settings))
        calls: list[dict[str, Any]] = []
        with action_server(settings, Path(tmp) / "actions.log"):
            rasa_profile, rasa_times = asyncio.run(
                _profile_rasa(args.model, args.journeys, args.warmup, args.step, calls)
            )
        action_profile, action_times = asyncio.run(_profile_actions(calls, args.action_repeat))

    args.out.mkdir(parents=True, exist_ok=True)
    print("== Per message, Rasa side (door + NLU + policies + actions over HTTP + tracker) ==")
    print(_timing_table(rasa_times))
    print(_render(rasa_profile, args.out / "profile-rasa", args.lines, RASA_PARTS))
    print("== Action server side (rasa_sdk executor, replayed calls) ==")
    print(_timing_table(action_times))
    print(_render(action_profile, args.out / "profile-actions", args.lines, ACTION_PARTS))
    return 0


#: Where a Rasa-side message's time goes, as (label, class.function) of the outermost frame.
#: Nested matches of an already-counted label are not counted twice.
RASA_PARTS: tuple[tuple[str, str], ...] = (
    ("door: anonymise + pseudonymise", "Door.clean_text"),
    ("door: anonymise + pseudonymise", "Door.pseudonymise"),
    ("tracker store: load conversation", "MessageProcessor.fetch_tracker_and_update_session"),
    ("tracker store: load conversation", "MessageProcessor.get_tracker"),
    ("tracker store: save conversation", "MessageProcessor.save_tracker"),
    ("NLU pipeline (graph)", "MessageProcessor._parse_message_with_graph"),
    ("policies: predict next action", "MessageProcessor._predict_next_with_tracker"),
    ("  of which action-server reply validation", "RemoteAction._validate_action_result"),
    ("  of which action-server HTTP round trip", "EndpointConfig.request"),
    ("  of which request body (tracker + domain)", "RemoteAction._action_call_format"),
    ("remote actions (incl. forms' validate calls)", "RemoteAction.run"),
    ("responses (NLG + interpolation)", "TemplatedNaturalLanguageGenerator.generate"),
)
ACTION_PARTS: tuple[tuple[str, str], ...] = (
    ("all actions (rasa_sdk executor)", "ActionExecutor.run"),
    ("database write (save reflection)", "save"),
    ("  of which commit", "Session.commit"),
    ("  of which receipt-code uniqueness check", "_unused_code"),
)


def _identify(frame: Any) -> str:
    name = frame.function or ""
    return f"{frame.class_name}.{name}" if frame.class_name else name


def breakdown(session: Any, parts: tuple[tuple[str, str], ...]) -> list[tuple[str, float, float]]:
    """Seconds and share of the total spent under each part (outermost matching frames)."""
    wanted: dict[str, list[str]] = {}
    for label, ident in parts:
        wanted.setdefault(ident, []).append(label)
    totals: dict[str, float] = {label: 0.0 for label, _ in parts}

    def walk(frame: Any, active: frozenset[str]) -> None:
        labels = [lb for lb in wanted.get(_identify(frame), []) if lb not in active]
        for label in labels:
            totals[label] += frame.time
        for child in frame.children:
            walk(child, active | frozenset(labels))

    root = session.root_frame()
    if root is None:
        return []
    walk(root, frozenset())
    total = root.time or 1.0
    return [(label, secs, secs / total) for label, secs in totals.items()]


def _render(profiler: Profiler, stem: Path, lines: int, parts: tuple[tuple[str, str], ...]) -> str:
    """Where the time goes (named parts), then the top functions by self time.

    In the flat list, time the event loop spends waiting (for the action server's reply) shows
    as ``[self] asyncio/base_events.py``; the named parts are the reliable breakdown.

    Also saves the session (``<stem>.pyisession``; ``pyinstrument --load=...`` re-renders it,
    e.g. as a full call tree) and an HTML view (``<stem>.html``).
    """
    session = profiler.last_session
    if session is None:
        return "(nothing profiled)"
    session.save(str(stem.with_suffix(".pyisession")))
    stem.with_suffix(".html").write_text(profiler.output_html())
    rows = [f"{'part':<48}{'s':>8}{'share':>8}"]
    rows += [
        f"{label:<48}{secs:>8.3f}{share:>8.1%}" for label, secs, share in breakdown(session, parts)
    ]
    flat = ConsoleRenderer(
        show_all=True, flat=True, unicode=True, color=False, time="percent_of_total"
    ).render(session)
    top = [line for line in flat.splitlines() if "%" in line][:lines]
    return "\n".join(
        [
            "-- where the time goes --",
            *rows,
            "-- top functions by self time --",
            *top,
            f"(saved {stem.with_suffix('.pyisession')} and .html)",
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())
