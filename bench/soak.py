"""``make soak``: many conversations at once for minutes, over every channel; nothing lost.

N virtual practitioners (default 50) talk to Reflect for D minutes (default 10), a third each
over the REST channel, the widget's socket.io protocol and Teams (through the fake Bot Framework
connector of the e2e tests, on loopback). Each one walks :func:`bench.load.journey` back to back,
a fresh conversation each time: greet, open the discussion, move on a point, write a reflection
(with a name and a phone number for the door to remove), save it, choose an agency, and read
the receipt code in the confirmation.

Afterwards the reflections stored in the database are compared with the confirmations the
practitioners received, by receipt hash (the code's keyed hash, which is all the table keeps):

- **stored == confirmed**: every code a practitioner was shown has its reflection stored, and
  every stored reflection was confirmed to the practitioner who wrote it;
- **0 duplicates**: no journey's reflection is stored twice (each text carries a tag naming its
  journey, :func:`bench.load.reflection_tag`) and no journey was shown two codes;
- **0 5xx**: no HTTP answer from the servers or the proxy was a server error;
- **0 failed messages** (``--max-errors`` relaxes it): every reply was the right one.

The command prints a table and exits 1 if any invariant fails. The target is the production
topology (:func:`bot.cluster.launch.start_cluster`: HAProxy in front of two Rasa replicas) when
that package is present, else one stack (:func:`bot.run.start_stack`) with two Rasa workers
sharing Redis locks; both on PostgreSQL. ``tests/e2e/test_soak.py`` runs the same driver for
about a minute in ``make test``.

Run from the repo root with the project's venv (``make soak`` passes the model)::

    PYTHONPATH=. .venv/bin/python -m bench.soak --model models/<hash>.tar.gz
    make soak MINUTES=2 CONVERSATIONS=20
"""

# SQLAlchemy 1.4 ships without type information.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import itertools
import json
import random
import re
import secrets
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

import aiohttp
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import SQLAlchemyError

from bench.load import Step, journey, reflection_tag, reply_text, send_message
from bench.stack_bench import free_port, redis_available
from bench.stats import latency_summary
from bot.reflections.receipts import receipt_hash
from bot.run import start_stack
from bot.settings.config import PROJECT_ROOT, Settings
from bot.storage.models import Reflection
from bot.storage.session import make_engine
from tests.bot.web.wire import CLIENTS, WidgetClient
from tests.e2e.fake_connector import TENANT_ID, FakeConnector, TeamsUser

CHANNELS = ("rest", "socketio", "teams")
#: The confirmation's code, as every channel shows it (Teams and the widget in bold markdown).
RECEIPT = re.compile(r"receipt code is\W*([0-9A-Z]{5}-[0-9A-Z]{5})")
_TAG = re.compile(r"Tally (\d+) in batch (\d+)\.")
#: The fake Teams app the soak's stack is configured with (the fake connector checks both).
TEAMS_APP_ID = "5d0a7c1e-50a4-4b6c-9e1f-50a450a450a4"
TEAMS_APP_PASSWORD = "soak-fake-connector-client-secret"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_DATABASE = "reflect_soak"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/6"
RESULTS = PROJECT_ROOT / "bench" / "results"


# --- where the conversations go -------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A running Reflect the soak talks to: one stack, or the cluster's HAProxy front.

    Everything the drivers need is a base URL (REST, the Teams webhook and socket.io are all
    under it), an Origin the widget socket accepts, and where the reflections are stored and
    under which secret their receipt hashes are keyed, to check them afterwards.
    """

    label: str
    base_url: str
    origin: str
    reflections_url: str
    secret: bytes
    #: Which socket.io transports the target can serve: long-polling needs every request of one
    #: socket on the same process, which only the cluster's sticky routing guarantees.
    transports: tuple[str, ...]
    #: The name of a process that died, if any (one stack has no supervisor to restart it).
    exited: Callable[[], str | None] = lambda: None


def cluster_available() -> bool:
    """Whether the cluster launcher (bot/cluster) is in this tree."""
    try:
        return importlib.util.find_spec("bot.cluster.launch") is not None
    except ModuleNotFoundError:
        return False


def soak_settings(
    var_dir: Path,
    *,
    database_url: str,
    redis_url: str,
    connector: FakeConnector,
    secret: bytes | None = None,
    **overrides: Any,
) -> Settings:
    """Settings for a soak: PostgreSQL, Redis locks, two Rasa workers, Teams on the fake connector.

    A throwaway random secret unless one is given (the invariant check needs it, so it is kept
    on the :class:`Target`).
    """
    settings = Settings(
        var_dir=var_dir,
        secret=secret or secrets.token_hex(32).encode(),
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
        database_url=database_url,
        redis_url=redis_url,
        rasa_workers=2,
        log_level="INFO",
        teams_app_id=TEAMS_APP_ID,
        teams_app_password=TEAMS_APP_PASSWORD,
        teams_openid_url=connector.openid_url,
        teams_token_url=connector.token_url,
        teams_service_urls=(connector.allowed_prefix,),
        teams_tenant_id=TENANT_ID,
    )
    return replace(settings, **overrides)


@contextmanager
def stack_target(settings: Settings, model: Path) -> Iterator[Target]:
    """One stack (``make run``'s processes) with ``settings.rasa_workers`` Sanic workers."""
    stack = start_stack(settings, model)

    def exited() -> str | None:
        dead = [s.name for s in stack.services if s.process.poll() is not None]
        return ", ".join(dead) or None

    try:
        yield Target(
            label=f"one stack, {settings.rasa_workers} Rasa workers sharing Redis locks",
            base_url=stack.rasa_url,
            origin=settings.web_url,
            reflections_url=settings.reflections_url,
            secret=settings.secret,
            transports=("websocket",),
            exited=exited,
        )
    finally:
        stack.stop()


@contextmanager
def cluster_target(settings: Settings, model: Path, *, rasa_replicas: int = 2) -> Iterator[Target]:
    """The production topology: HAProxy in front of Rasa replicas and two action servers.

    The widget connects with the proxy's own address as its Origin, as a browser on the
    deployment's public URL does. A process the supervisor had to restart counts as a crash.
    """
    from bot.cluster.launch import ClusterPorts, start_cluster  # once bot/cluster is in the tree

    cluster = start_cluster(
        settings,
        model,
        rasa_replicas=rasa_replicas,
        action_servers=2,
        ports=ClusterPorts.free(rasa_replicas, 2),
    )

    def exited() -> str | None:
        supervisor = cluster.supervisor
        if supervisor is None:
            return None
        restarted = {name: supervisor.restarts(name) for name in cluster.services}
        crashed = [f"{name} restarted {n}x" for name, n in restarted.items() if n]
        return ", ".join(crashed) or None

    try:
        yield Target(
            label=f"cluster: HAProxy, {rasa_replicas} Rasa replicas, 2 action servers",
            base_url=cluster.proxy_url,
            origin=cluster.proxy_url,
            reflections_url=cluster.settings.reflections_url,
            secret=cluster.settings.secret,
            transports=("websocket", "polling"),
            exited=exited,
        )
    finally:
        cluster.stop()


@contextmanager
def target(kind: str, settings: Settings, model: Path) -> Iterator[Target]:
    """``"cluster"``, ``"stack"`` or ``"auto"`` (the cluster when it is in the tree)."""
    if kind == "auto":
        kind = "cluster" if cluster_available() else "stack"
    if kind == "cluster":
        with cluster_target(settings, model) as running:
            yield running
    else:
        with stack_target(settings, model) as running:
            yield running


# --- one conversation per channel -----------------------------------------------------------


class Conversation(Protocol):
    """One practitioner's conversation on one channel."""

    async def say(self, text: str, timeout: float) -> tuple[int | None, str]:
        """Send ``text``; the HTTP status (``None`` over socket.io) and every reply joined."""

    async def close(self) -> None:
        """Hang up (a socket disconnects; HTTP channels have nothing to close)."""


class ChannelError(Exception):
    """The channel refused or reported an error (a socket.io ``error`` event, a refusal)."""


@dataclass
class RestConversation:
    """A sender on ``/webhooks/rest/webhook``."""

    session: aiohttp.ClientSession
    url: str
    sender: str

    async def say(self, text: str, timeout: float) -> tuple[int | None, str]:
        """POST the message; the replies are in the answer."""
        status, body = await send_message(self.session, self.url, self.sender, text, timeout)
        if status != 200:
            return status, ""
        if not isinstance(body, list):
            raise ChannelError("reply is not a JSON list")
        return status, reply_text(body)

    async def close(self) -> None:
        """Nothing to close: the session is shared."""


@dataclass
class SocketConversation:
    """A widget: one socket.io connection and the session token the server issued it."""

    client: WidgetClient
    token: str
    transport: str

    @classmethod
    async def open(
        cls, url: str, origin: str, transport: str, source: str | None = None
    ) -> SocketConversation:
        """Connect as the widget does, with an allowed Origin, and ask for a new session."""
        client = CLIENTS[transport](url, source)
        try:
            await client.connect(origin=origin)
            confirm = await client.session(None)
        except Exception:
            await client.close()
            raise
        return cls(client, str(confirm["session_id"]), transport)

    async def say(self, text: str, timeout: float) -> tuple[int | None, str]:
        """Emit ``user_uttered`` and collect the bot's messages up to ``turn_complete``."""
        replies = await self.client.turn(self.token, text, timeout)
        errors = self.client.drain("error")
        if errors:
            raise ChannelError(f"error event: {str(errors[0].get('message', ''))[:60]}")
        return None, reply_text(replies)

    async def close(self) -> None:
        """Disconnect."""
        await self.client.close()


@dataclass
class TeamsConversation:
    """A Teams user's personal chat, posted as the Bot Framework connector posts activities.

    The bot posts its replies back to the fake connector before answering the webhook, so
    the replies to one activity are those recorded with its id as ``replyToId``.
    """

    session: aiohttp.ClientSession
    connector: FakeConnector
    webhook: str
    user: TeamsUser
    tokens: TokenCache

    async def say(self, text: str, timeout: float) -> tuple[int | None, str]:
        """Post a message (a button's payload as a ``messageBack`` click) and read the replies."""
        if text.startswith("/"):
            activity = self.connector.message(text, user=self.user, value={"payload": text})
        else:
            activity = self.connector.message(text, user=self.user)
        recorded = self.connector.recorded
        with recorded.lock:
            before = len(recorded.replies)
        async with self.session.post(
            self.webhook,
            json=activity,
            headers={"Authorization": f"Bearer {self.tokens.get()}"},
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            await response.read()
            status = 200 if 200 <= response.status < 300 else response.status
        with recorded.lock:
            replies = [r for r in recorded.replies[before:] if r.reply_to_id == activity["id"]]
        parts: list[str] = []
        for reply in replies:
            parts.append(reply.text)
            parts.extend(str(action.get("title", "")) for action in reply.actions)
        # Teams gets markdown: brackets and the like may come escaped.
        return status, "\n".join(parts).replace("\\", "")

    async def close(self) -> None:
        """Nothing to close."""


@dataclass
class TokenCache:
    """Channel tokens from the fake connector, re-signed every minute (signing costs ~1 ms)."""

    connector: FakeConnector
    _token: str = ""
    _at: float = 0.0

    def get(self) -> str:
        """A genuine, unexpired channel token."""
        if not self._token or time.monotonic() - self._at > 60:
            self._token, self._at = self.connector.token(), time.monotonic()
        return self._token


# --- the run --------------------------------------------------------------------------------


@dataclass
class Message:
    """One message: its channel and step, how long the reply took, and what went wrong."""

    channel: str
    step: str
    latency: float
    status: int | None
    error: str | None
    #: socket.io's transport (``websocket`` or ``polling``); empty for the other channels.
    via: str = ""


@dataclass
class Tally:
    """Everything the virtual practitioners saw, for the table and the invariants."""

    batch: int
    messages: list[Message] = field(default_factory=list)
    journeys: Counter[str] = field(default_factory=Counter)
    completed: Counter[str] = field(default_factory=Counter)
    #: Receipt codes shown, per journey (``"<channel>-<index>"``).
    confirmations: dict[str, list[str]] = field(default_factory=dict)
    #: Journeys whose save step was sent but whose confirmation never arrived (timeout, error).
    unanswered_saves: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Driver:
    """What the virtual practitioners share: the target, the HTTP session, the fake connector."""

    target: Target
    session: aiohttp.ClientSession
    connector: FakeConnector
    tokens: TokenCache
    tally: Tally
    timeout: float
    stop_at: float

    async def open(self, seat: Seat, index: int) -> Conversation:
        """A fresh conversation on the seat's channel (a new sender, widget session or user)."""
        batch = self.tally.batch
        if seat.channel == "rest":
            url = f"{self.target.base_url}/webhooks/rest/webhook"
            return RestConversation(seat.session or self.session, url, f"soak-{batch}-{index}")
        if seat.channel == "socketio":
            transports = self.target.transports
            transport = transports[index % len(transports)]
            return await SocketConversation.open(
                self.target.base_url, self.target.origin, transport, seat.source
            )
        user = TeamsUser(f"29:1soak{batch}x{index}", "Soak Tester", f"aad-soak-{batch}-{index}")
        webhook = f"{self.target.base_url}/webhooks/teams/webhook"
        return TeamsConversation(self.session, self.connector, webhook, user, self.tokens)


@dataclass(frozen=True)
class Seat:
    """One virtual practitioner: their channel and the loopback address they connect from.

    Each practitioner has an address of their own (``127.0.x.y``), as people in a county do, so
    HAProxy's address-based stickiness spreads widget sockets over the replicas and its
    per-address rate limit applies per person. Teams messages all come from the connector's
    address, as they come from Microsoft's few; REST gets a session bound to the address.
    """

    channel: str
    source: str
    session: aiohttp.ClientSession | None = None


def source_address(slot: int) -> str:
    """The loopback address of practitioner ``slot`` (Linux routes all of 127/8 to lo)."""
    return f"127.0.{1 + slot // 250}.{1 + slot % 250}"


def check(step: Step, status: int | None, said: str) -> str | None:
    """Why this reply is wrong, or ``None`` (as :func:`bench.load.check_reply`, any channel)."""
    if status is not None and status != 200:
        return f"HTTP {status}"
    missing = [m for m in step.expect if m not in said]
    if missing:
        return f"missing {missing[0]!r}"
    if any(m in said for m in step.forbid):
        return "raw identifier in the reply"
    return None


async def _exchange(
    conversation: Conversation, step: Step, timeout: float
) -> tuple[int | None, str, str | None]:
    """Send one step; the status, the replies and the error (``None`` if the reply is right)."""
    try:
        status, said = await conversation.say(step.text, timeout)
    except asyncio.TimeoutError:
        return None, "", "timeout"
    except ChannelError as exc:
        return None, "", str(exc)
    except (aiohttp.ClientError, OSError, ValueError) as exc:
        return None, "", f"request failed: {type(exc).__name__}"
    return status, said, check(step, status, said)


async def _journey(driver: Driver, seat: Seat, index: int) -> None:
    """One conversation from greeting to goodbye; abandoned at its first wrong reply."""
    tally = driver.tally
    channel = seat.channel
    key = f"{channel}-{index}"
    tally.journeys[channel] += 1
    started = time.perf_counter()
    try:
        conversation = await asyncio.wait_for(driver.open(seat, index), driver.timeout)
    except Exception as exc:  # a refused or failed connection is an error like any other
        reason = "timeout" if isinstance(exc, asyncio.TimeoutError) else type(exc).__name__
        latency = time.perf_counter() - started
        tally.messages.append(Message(channel, "connect", latency, None, f"connect: {reason}"))
        return
    try:
        for step in journey(index, reflection_tag(tally.batch, index)):
            started = time.perf_counter()
            status, said, error = await _exchange(conversation, step, driver.timeout)
            latency = time.perf_counter() - started
            via = str(getattr(conversation, "transport", ""))
            tally.messages.append(Message(channel, step.name, latency, status, error, via))
            codes = RECEIPT.findall(said)
            if codes:
                tally.confirmations.setdefault(key, []).extend(codes)
            elif step.name == "agency":
                tally.unanswered_saves.append(key)
            if error is not None:
                return
        tally.completed[channel] += 1
    finally:
        await conversation.close()


async def _practitioner(driver: Driver, slot: int, counter: Iterator[int]) -> None:
    """Journeys back to back until the end; the one under way when time is up is finished."""
    channel = CHANNELS[slot % len(CHANNELS)]
    source = source_address(slot)
    session = None
    if channel == "rest":
        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(source, 0)))
    seat = Seat(channel, source, session)
    # Spread the first messages over a second or two, as people do not all start at once.
    await asyncio.sleep(random.uniform(0, 2))
    try:
        while time.monotonic() < driver.stop_at:
            await _journey(driver, seat, next(counter))
    finally:
        if session is not None:
            await session.close()


async def _progress(tally: Tally, started: float, every: float) -> None:
    """A line on stderr every ``every`` seconds: a soak must show it is alive."""
    seen = 0
    while True:
        await asyncio.sleep(every)
        recent = tally.messages[seen:]
        seen = len(tally.messages)
        window = latency_summary([m.latency for m in recent if m.error is None])
        errors = sum(1 for m in tally.messages if m.error is not None)
        saved = sum(len(c) for c in tally.confirmations.values())
        print(
            f"[soak {time.monotonic() - started:6.0f}s] {len(tally.messages)} messages, "
            f"{errors} errors, {saved} reflections confirmed; last {every:g} s: "
            f"{len(recent)} messages, p95 {window['p95_ms']} ms",
            file=sys.stderr,
            flush=True,
        )


async def drive(
    running: Target,
    connector: FakeConnector,
    *,
    conversations: int,
    seconds: float,
    timeout: float = 60.0,
    progress_every: float = 30.0,
) -> Tally:
    """``conversations`` practitioners for ``seconds``, spread over the three channels."""
    tally = Tally(batch=random.randrange(100, 1000))
    counter = itertools.count(1)
    started = time.monotonic()
    connections = aiohttp.TCPConnector(limit=conversations + 5)
    async with aiohttp.ClientSession(connector=connections) as session:
        driver = Driver(
            target=running,
            session=session,
            connector=connector,
            tokens=TokenCache(connector),
            tally=tally,
            timeout=timeout,
            stop_at=started + seconds,
        )
        reporter = asyncio.create_task(_progress(tally, started, progress_every))
        try:
            await asyncio.gather(
                *(_practitioner(driver, slot, counter) for slot in range(conversations))
            )
        finally:
            reporter.cancel()
    return tally


# --- afterwards: what was stored against what was confirmed ---------------------------------


def stored_reflections(url: str, batch: int) -> list[tuple[str, str]]:
    """``(receipt_hash, text)`` of the reflections this run's journeys wrote (by their tag)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(Reflection.receipt_hash, Reflection.text).where(
                    Reflection.text.like(f"%in batch {batch}.")
                )
            ).all()
        return [(str(h), str(t)) for h, t in rows]
    finally:
        engine.dispose()


def verdict(
    tally: Tally, stored: Sequence[tuple[str, str]], *, secret: bytes, max_errors: int = 0
) -> dict[str, Any]:
    """Compare stored reflections with confirmed ones; the counts and each invariant's result."""
    codes = [code for shown in tally.confirmations.values() for code in shown]
    confirmed = {receipt_hash(code, secret=secret) for code in codes}
    hashes = Counter(digest for digest, _ in stored)
    per_journey = Counter(
        m.groups() for text_ in (t for _, t in stored) if (m := _TAG.search(text_))
    )
    several_codes = sorted(k for k, shown in tally.confirmations.items() if len(set(shown)) > 1)
    duplicates = (
        sum(n - 1 for n in per_journey.values() if n > 1)
        + sum(n - 1 for n in hashes.values() if n > 1)
        + len(several_codes)
    )
    lost = sorted(confirmed - set(hashes))
    unconfirmed = sorted(set(hashes) - confirmed)
    server_errors = sum(1 for m in tally.messages if m.status is not None and m.status >= 500)
    errors = sum(1 for m in tally.messages if m.error is not None)
    counts = {
        "confirmed": len(codes),
        "stored": len(stored),
        "confirmed_not_stored": len(lost),
        "stored_not_confirmed": len(unconfirmed),
        "duplicates": duplicates,
        "journeys_shown_several_codes": several_codes[:10],
        "saves_without_confirmation": len(tally.unanswered_saves),
        "server_errors_5xx": server_errors,
        "failed_messages": errors,
    }
    invariants = {
        "stored == confirmed": not lost and not unconfirmed and len(stored) == len(codes),
        "0 duplicates": duplicates == 0,
        "0 5xx": server_errors == 0,
        f"failed messages <= {max_errors}": errors <= max_errors,
    }
    return {"counts": counts, "invariants": invariants, "ok": all(invariants.values())}


def summary(tally: Tally, seconds: float) -> dict[str, Any]:
    """Per channel and overall: journeys, messages, errors, 5xx, latency; errors by reason."""
    rows: dict[str, Any] = {}
    for channel in (*CHANNELS, "all"):
        mine = [m for m in tally.messages if channel in {"all", m.channel}]
        rows[channel] = {
            "journeys": sum(tally.journeys.values())
            if channel == "all"
            else tally.journeys[channel],
            "completed": sum(tally.completed.values())
            if channel == "all"
            else tally.completed[channel],
            "messages": len(mine),
            "errors": sum(1 for m in mine if m.error is not None),
            "5xx": sum(1 for m in mine if m.status is not None and m.status >= 500),
            "latency": latency_summary([m.latency for m in mine if m.error is None]),
            "p50_ms_by_step": _p50_by_step(mine),
        }
    reasons = Counter(f"{m.channel} {m.step}: {m.error}" for m in tally.messages if m.error)
    transports = sorted({m.via for m in tally.messages if m.via})
    return {
        "socketio_by_transport": {
            via: latency_summary(
                [m.latency for m in tally.messages if m.via == via and not m.error]
            )
            for via in transports
        },
        "seconds": round(seconds, 1),
        "messages_per_s": round(len(tally.messages) / seconds, 2) if seconds else None,
        "channels": rows,
        "errors_by_reason": dict(reasons.most_common(15)),
    }


def _p50_by_step(messages: Sequence[Message]) -> dict[str, float]:
    """Median latency of each step's right replies: which step a slow channel is slow at."""
    by_step: dict[str, list[float]] = {}
    for m in messages:
        if m.error is None:
            by_step.setdefault(m.step, []).append(m.latency)
    return {step: latency_summary(v)["p50_ms"] for step, v in by_step.items()}


def render(report: dict[str, Any]) -> str:
    """The table printed at the end of a soak."""
    out = [
        f"Soak: {report['conversations']} conversations for {report['seconds'] / 60:.1f} min "
        f"against {report['target']}",
        f"machine load average at start/end: {report['load_start']} / {report['load_end']}",
        "",
        f"{'channel':<9} {'journeys':>8} {'done':>6} {'messages':>9} {'errors':>7} {'5xx':>5} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}",
    ]
    for channel, row in report["summary"]["channels"].items():
        lat = row["latency"]
        out.append(
            f"{channel:<9} {row['journeys']:>8} {row['completed']:>6} {row['messages']:>9} "
            f"{row['errors']:>7} {row['5xx']:>5} {lat['p50_ms']:>8} {lat['p95_ms']:>8} "
            f"{lat['p99_ms']:>8}"
        )
    out.append(f"throughput: {report['summary']['messages_per_s']} messages/s")
    for via, lat in report["summary"].get("socketio_by_transport", {}).items():
        out.append(f"socket.io over {via}: p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms")
    counts = report["verdict"]["counts"]
    out += [
        "",
        f"reflections: confirmed to users {counts['confirmed']}, stored {counts['stored']}, "
        f"confirmed but not stored {counts['confirmed_not_stored']}, stored but not confirmed "
        f"{counts['stored_not_confirmed']}, duplicates {counts['duplicates']}",
    ]
    reasons = report["summary"]["errors_by_reason"]
    if reasons:
        out.append("errors by reason:")
        out += [f"  {n:>5}  {reason}" for reason, n in reasons.items()]
    if report.get("exited"):
        out.append(f"a process exited during the soak: {report['exited']}")
    out.append("")
    for name, held in report["verdict"]["invariants"].items():
        out.append(f"  [{'ok' if held else 'FAILED'}] {name}")
    return "\n".join(out)


def soak(
    running: Target,
    connector: FakeConnector,
    *,
    conversations: int,
    seconds: float,
    timeout: float = 60.0,
    max_errors: int = 0,
    progress_every: float = 30.0,
) -> dict[str, Any]:
    """Drive the target, then check the invariants; the whole report, JSON-ready."""
    load_start = _load_average()
    started = time.monotonic()
    tally = asyncio.run(
        drive(
            running,
            connector,
            conversations=conversations,
            seconds=seconds,
            timeout=timeout,
            progress_every=progress_every,
        )
    )
    elapsed = time.monotonic() - started
    stored = stored_reflections(running.reflections_url, tally.batch)
    return {
        "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "target": running.label,
        "conversations": conversations,
        "seconds": round(elapsed, 1),
        "batch": tally.batch,
        "load_start": load_start,
        "load_end": _load_average(),
        "exited": running.exited(),
        "summary": summary(tally, elapsed),
        "verdict": verdict(tally, stored, secret=running.secret, max_errors=max_errors),
    }


def _load_average() -> str:
    """The 1/5/15-minute load averages: the machine is shared, so the figures need them."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# --- make soak ------------------------------------------------------------------------------


def recreate_database(name: str, admin_url: str = PG_ADMIN_URL) -> str:
    """``name`` dropped and created empty; its URL. Kept after the run, to be inspected."""
    admin = create_engine(admin_url, future=True, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return f"{admin_url.rsplit('/', 1)[0]}/{name}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--model", type=Path, required=True, help="the trained model")
    parser.add_argument("--minutes", type=float, default=10.0, help="how long (default 10)")
    parser.add_argument(
        "--conversations", type=int, default=50, help="concurrent practitioners (default 50)"
    )
    parser.add_argument(
        "--target",
        choices=("auto", "cluster", "stack"),
        default="auto",
        help="the cluster behind HAProxy, one stack with two workers, or the cluster if present",
    )
    parser.add_argument(
        "--database",
        default=DEFAULT_DATABASE,
        help=f"PostgreSQL database, dropped and created at the start (default {DEFAULT_DATABASE})",
    )
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="Redis for the locks")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per reply")
    parser.add_argument(
        "--max-errors", type=int, default=0, help="failed messages tolerated (default 0)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON report goes")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the soak; print the table; exit 1 if an invariant failed, 2 if it could not start."""
    args = _parser().parse_args(argv)
    problem = redis_available(args.redis_url)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        url = recreate_database(args.database)
    except SQLAlchemyError as exc:
        print(f"PostgreSQL not usable: {type(exc).__name__}", file=sys.stderr)
        return 2
    with (
        tempfile.TemporaryDirectory(prefix="soak-") as tmp,
        FakeConnector(app_id=TEAMS_APP_ID, app_password=TEAMS_APP_PASSWORD) as connector,
    ):
        settings = soak_settings(
            Path(tmp) / "var", database_url=url, redis_url=args.redis_url, connector=connector
        )
        with target(args.target, settings, args.model.resolve()) as running:
            print(
                f"[soak] {running.label}; {args.conversations} conversations, {args.minutes:g} min",
                file=sys.stderr,
                flush=True,
            )
            report = soak(
                running,
                connector,
                conversations=args.conversations,
                seconds=args.minutes * 60,
                timeout=args.timeout,
                max_errors=args.max_errors,
            )
    report["database"] = args.database
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = args.out / f"soak-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, default=str))
    print(render(report))
    print(f"\nWritten {path}")
    return 0 if report["verdict"]["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
