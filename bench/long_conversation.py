"""One long conversation, message after message: does the time per message stay flat?

A Teams group chat is one Rasa conversation that can run to hundreds of messages in a
supervision session. Rasa rebuilds the tracker from the events of the current session on every
message, so unless something bounds the session, each message costs more than the last. This
measures it: one sender, :func:`conversation` sent one message at a time (each only after the
reply to the last), the latency of every message, and the median over an early window
(messages 1-20, "message 10") against a late one (491-510, "message 500").

The conversation is a group session's mix, cycled: the walk-through commands (start, next,
back, repeat, skip, stop and carry on, the key learning, procedures) and free-text notes typed
by the lead, most discarded after the preview and one per round saved with an agency. Every
reply is checked for the text that proves the bot did the right thing, as the load test does;
a wrong reply is counted (with its latency: it cost the same) and the conversation goes on, as
a group would.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

import aiohttp

from bench.load import Sample, Step, check_reply, send_message
from bench.stats import latency_summary, percentile, ratio

#: Messages in the measured conversation: past message 510, the late window's end.
MESSAGES = 520
#: The early and late windows (1-based, inclusive): "message 10" and "message 500".
EARLY = (1, 20)
LATE = (491, 510)

_NOTES = (
    "We agreed nobody had asked who else was living in the house, and we would ask earlier.",
    "The team felt the health visitor should have been told about the new partner sooner.",
    "Someone said the school only saw part of the picture and did not know who to tell.",
    "We realised we never checked the police record of the new partner.",
    "The team said a multi-agency meeting would have brought the concerns together.",
    "We noted that the old domestic abuse history was closed and never looked at again.",
    "People said they rarely open the procedures manual and rely on memory instead.",
    "We thought fathers and partners are often left out of our assessments.",
)
_POINT = "Point {n} of 4"
_PREVIEW = "exactly what will be saved"


def _note(index: int) -> str:
    return _NOTES[index % len(_NOTES)]


def round_of_steps(round_index: int) -> list[Step]:
    """One round of a group session (26 messages), ending where the next round can start.

    Starts the discussion, takes notes on each point, goes back and repeats, saves one note
    with an agency (a database write), skips, stops and carries on, and ends the points.
    """
    note = round_index * 4
    return [
        Step("start discussion", "discuss and reflect", (_POINT.format(n=1),)),
        Step("note", _note(note), (_PREVIEW,)),
        Step("discard", "discard", ("Discarded",)),
        Step("next", "next", (_POINT.format(n=2),)),
        Step("note", _note(note + 1), (_PREVIEW,)),
        Step("discard", "discard", ("Discarded",)),
        Step("repeat", "repeat that", (_POINT.format(n=2),)),
        Step("key learning", "key learning", ("key learning points",)),
        Step("next", "next", (_POINT.format(n=3),)),
        Step("back", "back", (_POINT.format(n=2),)),
        Step("next", "next", (_POINT.format(n=3),)),
        Step("note", _note(note + 2), (_PREVIEW,)),
        Step("save", "save", ("Which kind of organisation",)),
        Step("agency", '/choose_agency{"agency":"health"}', ("Your receipt code is",)),
        Step("stop", "stop for now", ("Your place is saved",)),
        Step("thanks", "thanks", ("You're welcome",)),
        Step("carry on", "carry on where I left off", (_POINT.format(n=3),)),
        Step("next", "next", (_POINT.format(n=4),)),
        Step("procedures", "procedures", ("Procedures",)),
        Step("note", _note(note + 3), (_PREVIEW,)),
        Step("discard", "discard", ("Discarded",)),
        Step("back", "back", (_POINT.format(n=3),)),
        Step("skip", "skip", ("Skipped", _POINT.format(n=4))),
        Step("next", "next", ("That's all 4 points",)),
        Step("about", "what was the review about", ("Local Child Safeguarding Practice Review",)),
        Step("menu", "menu", ("What would you like to do?",)),
    ]


def conversation(messages: int = MESSAGES) -> list[Step]:
    """The first ``messages`` messages: a greeting, then rounds of :func:`round_of_steps`."""
    steps = [Step("greet", "hello", ("Discuss and reflect",))]
    index = 0
    while len(steps) < messages:
        steps += round_of_steps(index)
        index += 1
    return steps[:messages]


async def converse(
    base_url: str, steps: Sequence[Step], *, sender: str, timeout: float = 120.0
) -> list[Sample]:
    """Send ``steps`` one after another as ``sender`` over REST; one :class:`Sample` each.

    A wrong reply is recorded with its reason and the conversation carries on. A timeout or a
    failed request is recorded too (``Sample.answered`` is then false: not a latency).
    """
    url = f"{base_url}/webhooks/rest/webhook"
    samples: list[Sample] = []
    async with aiohttp.ClientSession() as session:
        for step in steps:
            started = time.perf_counter()
            try:
                status, body = await send_message(session, url, sender, step.text, timeout)
                error = check_reply(step, status, body)
            except asyncio.TimeoutError:
                error = "timeout"
            except (aiohttp.ClientError, ValueError) as exc:
                error = f"request failed: {type(exc).__name__}"
            samples.append(Sample(started, time.perf_counter() - started, step.name, error))
    return samples


def windows(messages: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """The early and late windows for a conversation of ``messages`` messages.

    :data:`EARLY` and :data:`LATE` when it is long enough; a shorter one (a unit test, a quick
    look) compares its first 20 with its last 20, or halves if it has fewer than 40.
    """
    if messages >= LATE[1]:
        return EARLY, LATE
    width = min(EARLY[1], max(1, messages // 2))
    return (1, width), (messages - width + 1, messages)


def _window_ms(samples: Sequence[Sample], window: tuple[int, int]) -> list[float]:
    first, last = window
    return [s.latency for s in samples[first - 1 : last] if s.answered]


def summarise(samples: Sequence[Sample]) -> dict[str, Any]:
    """p50 early and late, their ratio, p50 per 100 messages, errors: JSON-ready."""
    early, late = windows(len(samples))
    early_p50 = latency_summary(_window_ms(samples, early))["p50_ms"]
    late_p50 = latency_summary(_window_ms(samples, late))["p50_ms"]
    errors = [s for s in samples if s.error is not None]
    by_reason: dict[str, int] = {}
    for s in errors:
        key = f"{s.step}: {s.error}"
        by_reason[key] = by_reason.get(key, 0) + 1
    per_hundred = {
        f"{start + 1}-{min(start + 100, len(samples))}": round(
            percentile([s.latency for s in samples[start : start + 100] if s.answered], 50) * 1000,
            2,
        )
        for start in range(0, len(samples), 100)
    }
    return {
        "messages": len(samples),
        "early_window": list(early),
        "late_window": list(late),
        "early_p50_ms": early_p50,
        "late_p50_ms": late_p50,
        "ratio": ratio(late_p50, early_p50),
        "p50_ms_per_100": per_hundred,
        "latency": latency_summary([s.latency for s in samples if s.answered]),
        "errors": len(errors),
        "errors_by_reason": dict(sorted(by_reason.items(), key=lambda kv: -kv[1])[:10]),
        # Every message's latency, for plotting or a second look at the windows.
        "latencies_ms": [round(s.latency * 1000, 1) for s in samples],
    }
