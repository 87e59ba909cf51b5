"""Closed-loop load over the REST channel: N virtual practitioners, each a fresh conversation.

Each virtual user runs :data:`JOURNEY` back to back for a fixed time, sending its next message
only when the reply to the last one has arrived (closed loop: the offered load adapts to the
server, as real people waiting for an answer do). A journey greets, opens the discussion, moves
to point 2, writes a reflection containing a name and a phone number, saves it and chooses an
agency, so every journey exercises the door's anonymiser, NLU, the policies, the action server
and a database write, then says goodbye.

A message counts as an error if the HTTP status is not 200, the request fails or times out, or
the reply lacks the text that proves the bot did the right thing (e.g. ``Point 2 of 4``, the
receipt). After an error the rest of that journey is abandoned (its later replies would be
meaningless) and the user starts a new one.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.stats import latency_summary

#: Identifiers for the reflection text: different ones each journey, so no cache could help.
_NAMES = ("Sarah Jones", "Tom Okafor", "Priya Patel", "Jack Brennan", "Chloe Dawson")
_PHONES = ("07700 900123", "01273 496000", "07700 900456", "01323 496789", "07700 900999")
_REFLECTIONS = (
    "When I spoke to {name} on {phone} last month I did not ask who else lived in the house. "
    "We should have checked the new partner's background with the police before we closed the "
    "case, and shared what we knew with the health visitor sooner.",
    "Our team relied on what {name} told us at the school gate and never rang {phone} back to "
    "check. Next time I would escalate to the SPoA earlier and record why we did or did not.",
    "I think we missed the signs because each of us only saw part of the picture. {name} had "
    "called us from {phone} twice and nobody joined the dots at the strategy discussion.",
)


@dataclass(frozen=True)
class Step:
    """One message of a journey and what its reply must (and must not) contain."""

    name: str
    text: str
    expect: tuple[str, ...]
    forbid: tuple[str, ...] = ()


def journey(index: int, tag: str | None = None) -> list[Step]:
    """The realistic journey, with identifiers that vary by ``index``.

    Typed text wherever a practitioner would type; the agency is chosen with its button's
    payload, as the web widget and Teams send it. The preview must show placeholders and must
    not show the raw name or number, which proves the anonymiser ran at the door.

    With ``tag`` (a few words the anonymiser leaves alone, see :func:`reflection_tag`) the
    reflection ends with it, so each stored reflection can be traced to one journey: the soak
    (bench/soak.py) counts duplicates that way.
    """
    name = _NAMES[index % len(_NAMES)]
    phone = _PHONES[(index // len(_NAMES)) % len(_PHONES)]
    text = _REFLECTIONS[index % len(_REFLECTIONS)].format(name=name, phone=phone)
    if tag is not None:
        text = f"{text} {tag}"
    return [
        Step("greet", "hello", ("Discuss and reflect",)),
        Step("start discussion", "discuss and reflect", ("Point 1 of 4",)),
        Step("next point", "next", ("Point 2 of 4",)),
        Step("add reflection", "add a reflection", ("Write your reflection",)),
        Step(
            "reflection text",
            text,
            ("exactly what will be saved", "[NAME 1]", "[PHONE 1]"),
            forbid=(name, phone),
        ),
        Step("save", "save", ("Which kind of organisation",)),
        Step("agency", '/choose_agency{"agency":"health"}', ("Your receipt code is",)),
        Step("goodbye", "bye", ("Goodbye",)),
    ]


def reflection_tag(run: int, index: int) -> str:
    """A sentence naming one journey of one run that survives the door's anonymiser unchanged.

    Plain words and short numbers: nothing the anonymiser takes for a reference, phone number
    or date (a hex id or ``w17`` would become ``[REFERENCE 1]`` and every tag would look alike).
    """
    return f"Tally {index} in batch {run}."


def reply_text(replies: Sequence[dict[str, Any]]) -> str:
    """Reply texts and button titles joined, which is what the markers are checked against.

    Buttons come as ``buttons`` over REST and as ``quick_replies`` over socket.io.
    """
    parts: list[str] = []
    for reply in replies:
        parts.append(str(reply.get("text", "")))
        for key in ("buttons", "quick_replies"):
            parts.extend(str(b.get("title", "")) for b in reply.get(key, []) or [])
    return "\n".join(parts)


def check_reply(step: Step, status: int, replies: Any) -> str | None:
    """Why this reply is an error, or ``None`` if it is the right one."""
    if status != 200:
        return f"HTTP {status}"
    if not isinstance(replies, list):
        return "reply is not a JSON list"
    text = reply_text(replies)
    missing = [m for m in step.expect if m not in text]
    if missing:
        return f"missing {missing[0]!r}"
    leaked = [m for m in step.forbid if m in text]
    if leaked:
        return "raw identifier in the reply"
    return None


@dataclass
class Sample:
    """One message: when it was sent, how long the reply took, and whether it was right."""

    started: float
    latency: float
    step: str
    error: str | None

    @property
    def answered(self) -> bool:
        """The server replied (rightly or wrongly), so the latency is a real response time."""
        return self.error is None or not self.error.startswith(("timeout", "request failed"))


@dataclass
class LevelResult:
    """Everything measured at one concurrency level."""

    users: int
    window_s: float
    samples: list[Sample] = field(default_factory=list)
    journeys_completed: int = 0

    def summary(self) -> dict[str, Any]:
        """Throughput, latency percentiles and errors, JSON-ready."""
        ok = [s.latency for s in self.samples if s.error is None]
        errors = [s for s in self.samples if s.error is not None]
        by_reason: dict[str, int] = {}
        for s in errors:
            key = f"{s.step}: {s.error}"
            by_reason[key] = by_reason.get(key, 0) + 1
        per_step: dict[str, list[float]] = {}
        for s in self.samples:
            if s.error is None:
                per_step.setdefault(s.step, []).append(s.latency)
        return {
            "users": self.users,
            "window_s": round(self.window_s, 2),
            "messages": len(self.samples),
            "ok_messages": len(ok),
            "errors": len(errors),
            "error_rate": round(len(errors) / len(self.samples), 4) if self.samples else None,
            "errors_by_reason": dict(sorted(by_reason.items(), key=lambda kv: -kv[1])[:10]),
            "throughput_msg_s": round(len(ok) / self.window_s, 2) if self.window_s else None,
            "journeys_completed": self.journeys_completed,
            "journeys_per_s": round(self.journeys_completed / self.window_s, 3)
            if self.window_s
            else None,
            # Latency over every answered message, including wrong answers (they cost the same);
            # timeouts and failed requests are not latencies and are only counted as errors.
            "latency": latency_summary([s.latency for s in self.samples if s.answered]),
            "latency_by_step_p50_ms": {
                step: latency_summary(v)["p50_ms"] for step, v in per_step.items()
            },
        }


async def send_message(
    session: aiohttp.ClientSession, url: str, sender: str, text: str, timeout: float
) -> tuple[int, Any]:
    """POST one message to the REST channel; the status and the JSON replies (if 200)."""
    async with session.post(
        url,
        json={"sender": sender, "message": text},
        timeout=aiohttp.ClientTimeout(total=timeout),
    ) as response:
        body = await response.json(content_type=None) if response.status == 200 else None
        return response.status, body


async def _user(
    session: aiohttp.ClientSession,
    url: str,
    counter: itertools.count[int],
    *,
    measure_from: float,
    stop_at: float,
    timeout: float,
    result: LevelResult,
    run_id: str,
    think: Callable[[], float] | None = None,
) -> None:
    """One virtual practitioner: journeys back to back until ``stop_at``.

    With ``think``, the practitioner pauses ``think()`` seconds before each message (reading,
    typing), which makes the loop realistic rather than saturating.
    """
    while time.perf_counter() < stop_at:
        index = next(counter)
        sender = f"bench-{run_id}-{index}"
        completed = True
        for step in journey(index):
            if think is not None:
                await asyncio.sleep(think())
            if time.perf_counter() >= stop_at:
                return
            started = time.perf_counter()
            try:
                status, body = await send_message(session, url, sender, step.text, timeout)
                error = check_reply(step, status, body)
            except asyncio.TimeoutError:
                error = "timeout"
            except (aiohttp.ClientError, ValueError) as exc:
                error = f"request failed: {type(exc).__name__}"
            finished = time.perf_counter()
            # Messages answered inside the window are counted (steady state: the work done in
            # the window), so throughput and the servers' CPU over the window match; replies
            # still outstanding when it closes are not.
            if measure_from <= finished <= stop_at:
                result.samples.append(Sample(started, finished - started, step.name, error))
            if error is not None:
                completed = False
                break
        if completed and measure_from <= time.perf_counter() <= stop_at:
            result.journeys_completed += 1


async def run_level(
    base_url: str,
    users: int,
    *,
    duration: float,
    warmup: float,
    timeout: float = 120.0,
    on_window: Callable[[str], None] | None = None,
    think: Callable[[], float] | None = None,
) -> LevelResult:
    """Drive ``users`` concurrent conversations for ``warmup + duration`` seconds.

    Only messages and journeys that finish inside the measured window count, wherever they
    started, so the figures describe the steady state rather than the ramp-up.
    ``on_window`` is called with ``"start"`` and ``"end"`` when the measured window opens and
    closes (e.g. to read the servers' CPU time over exactly that window). ``think`` makes it a
    realistic loop: each user waits ``think()`` seconds before each message (see :func:`_user`);
    without it the loop is closed with no pause, which measures throughput at saturation.
    """
    url = f"{base_url}/webhooks/rest/webhook"
    result = LevelResult(users=users, window_s=duration)
    connector = aiohttp.TCPConnector(limit=users + 5)
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + duration
    counter = itertools.count()
    run_id = uuid.uuid4().hex[:8]
    if on_window is not None:
        loop = asyncio.get_running_loop()
        loop.call_later(warmup, on_window, "start")
        loop.call_later(warmup + duration, on_window, "end")
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(
            *(
                _user(
                    session,
                    url,
                    counter,
                    measure_from=measure_from,
                    stop_at=stop_at,
                    timeout=timeout,
                    result=result,
                    run_id=run_id,
                    think=think,
                )
                for _ in range(users)
            )
        )
    return result


async def one_journey(base_url: str, *, timeout: float = 120.0) -> list[Sample]:
    """A single journey, for a smoke check and to warm the server up (first predictions)."""
    result = LevelResult(users=1, window_s=0)
    url = f"{base_url}/webhooks/rest/webhook"
    async with aiohttp.ClientSession() as session:
        sender = f"bench-warm-{uuid.uuid4().hex[:8]}"
        for step in journey(0):
            started = time.perf_counter()
            try:
                status, body = await send_message(session, url, sender, step.text, timeout)
                error = check_reply(step, status, body)
            except (asyncio.TimeoutError, aiohttp.ClientError, ValueError) as exc:
                error = f"request failed: {type(exc).__name__}"
            result.samples.append(Sample(started, time.perf_counter() - started, step.name, error))
            if error:
                break
    return result.samples


async def run_journeys(
    base_url: str, users: int, journeys: int, *, timeout: float = 120.0
) -> list[Sample]:
    """``users`` concurrent conversations, each ``journeys`` journeys back to back: fixed work.

    For measuring what the servers spend per message (bench/cpu_per_message.py) rather than
    how much they manage in a time window. Every message is returned, errors included.
    """
    url = f"{base_url}/webhooks/rest/webhook"
    run_id = uuid.uuid4().hex[:8]
    counter = itertools.count()
    samples: list[Sample] = []

    async def user(session: aiohttp.ClientSession) -> None:
        for _ in range(journeys):
            index = next(counter)
            sender = f"bench-{run_id}-{index}"
            for step in journey(index):
                started = time.perf_counter()
                try:
                    status, body = await send_message(session, url, sender, step.text, timeout)
                    error = check_reply(step, status, body)
                except (asyncio.TimeoutError, aiohttp.ClientError, ValueError) as exc:
                    error = f"request failed: {type(exc).__name__}"
                samples.append(Sample(started, time.perf_counter() - started, step.name, error))
                if error is not None:
                    break

    connector = aiohttp.TCPConnector(limit=users + 5)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(user(session) for _ in range(users)))
    return samples
