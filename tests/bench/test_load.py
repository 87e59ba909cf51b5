from __future__ import annotations

import itertools
import time
from typing import Any, cast

import pytest

from bench import load
from bench.load import LevelResult, Sample, check_reply, journey, reflection_tag, reply_text
from bot.anonymise import anonymise


def test_every_journey_records_and_confirms_a_reflection_with_identifiers() -> None:
    steps = journey(7)
    names = [s.name for s in steps]

    assert names[0] == "greet" and names[-1] == "goodbye"
    assert names.index("reflection text") < names.index("save") < names.index("agency")
    text = steps[names.index("reflection text")]
    assert text.forbid and all(f in text.text for f in text.forbid)
    assert "Your receipt code is" in steps[names.index("agency")].expect


def test_journeys_vary_their_identifiers() -> None:
    texts = {journey(i)[4].text for i in range(10)}

    assert len(texts) > 5


def test_reply_text_includes_button_titles() -> None:
    replies = [{"text": "Point 1 of 4", "buttons": [{"title": "Next", "payload": "/next"}]}]

    assert reply_text(replies) == "Point 1 of 4\nNext"


def test_check_reply_finds_wrong_status_missing_marker_and_leaks() -> None:
    step = journey(0)[4]
    good = [{"text": "This is exactly what will be saved: [NAME 1] on [PHONE 1]"}]

    assert check_reply(step, 200, good) is None
    assert check_reply(step, 500, good) == "HTTP 500"
    assert check_reply(step, 200, {"text": "x"}) == "reply is not a JSON list"
    assert check_reply(step, 200, [{"text": "Sorry?"}]) is not None
    leaked = [{"text": good[0]["text"] + " " + step.forbid[0]}]
    assert check_reply(step, 200, leaked) == "raw identifier in the reply"


def test_level_summary_counts_errors_and_throughput() -> None:
    result = LevelResult(users=2, window_s=10.0, journeys_completed=3)
    result.samples = [Sample(0.0, 0.1, "greet", None) for _ in range(20)]
    result.samples += [
        Sample(0.0, 0.5, "save", "missing 'x'"),
        Sample(0.0, 120, "agency", "timeout"),
    ]

    summary = result.summary()

    assert summary["messages"] == 22
    assert summary["errors"] == 2
    assert summary["throughput_msg_s"] == 2.0
    assert summary["journeys_per_s"] == 0.3
    # A wrong answer has a real latency; a timeout is not a latency.
    assert summary["latency"]["max_ms"] == 500.0
    assert summary["errors_by_reason"] == {"save: missing 'x'": 1, "agency: timeout": 1}


def test_reply_text_includes_socketio_quick_replies() -> None:
    replies = [{"text": "Hello", "quick_replies": [{"title": "Discuss and reflect"}]}]

    assert reply_text(replies) == "Hello\nDiscuss and reflect"


def test_a_tag_ends_the_reflection_and_survives_the_door() -> None:
    tag = reflection_tag(417, 12)
    text = journey(12, tag)[4].text

    assert text.endswith(" " + tag)
    assert journey(12)[4].text == text.removesuffix(" " + tag)
    # The soak finds each journey's stored reflection by its tag, after the anonymiser.
    assert tag in anonymise(text).text


async def test_think_time_paces_each_message(monkeypatch: pytest.MonkeyPatch) -> None:
    pauses: list[float] = []
    sent: list[str] = []

    async def fake_sleep(seconds: float) -> None:
        pauses.append(seconds)

    async def fake_send(*args: object) -> tuple[int, object]:
        sent.append(str(args[3]))
        return 500, None  # the journey stops at the first error

    monkeypatch.setattr(load.asyncio, "sleep", fake_sleep)
    monkeypatch.setattr(load, "send_message", fake_send)
    result = LevelResult(users=1, window_s=1.0)
    stop_at = time.perf_counter() + 0.2

    await load._user(
        cast(Any, None),
        "http://x",
        itertools.count(),
        measure_from=0.0,
        stop_at=stop_at,
        timeout=1.0,
        result=result,
        run_id="t",
        think=lambda: 7.5,
    )

    # A pause before every message (and perhaps one more, after which time was up).
    assert sent and len(sent) <= len(pauses) <= len(sent) + 1
    assert set(pauses) == {7.5}


async def test_run_journeys_sends_every_step_of_every_journey_and_stops_a_journey_on_error() -> (
    None
):
    import socket

    from aiohttp import web

    from bench.load import run_journeys

    markers = {marker for step in journey(0) for marker in step.expect}
    seen: list[tuple[str, str]] = []

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        seen.append((body["sender"], body["message"]))
        if body["message"] == "save" and body["sender"].endswith("-1"):
            return web.json_response([{"text": "something else"}])  # journey 1 goes wrong
        return web.json_response([{"text": "\n".join(sorted(markers))}])

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        samples = await run_journeys(f"http://127.0.0.1:{port}", users=2, journeys=2)
    finally:
        await runner.cleanup()

    steps = len(journey(0))
    save = [s.name for s in journey(0)].index("save")
    assert len(samples) == 3 * steps + save + 1  # journey 1 stops at its wrong reply
    assert [s.step for s in samples if s.error] == ["save"]
    assert len({sender for sender, _ in seen}) == 4  # a fresh sender per journey
