"""The long-conversation measurement: its script, its driver against a fake server, its figures.

The driver runs here against a REST server that answers each scripted message with the reply
the bot gives, getting slower as the conversation grows (a server without the rollover), so the
whole path from messages to the late / early ratio is exercised without a model. The same
driver against the real stack is the slow test at the end (``-m slow``).
"""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bench import run as bench_run
from bench import stack_bench
from bench.load import Sample, Step
from bench.long_conversation import (
    EARLY,
    LATE,
    MESSAGES,
    conversation,
    converse,
    round_of_steps,
    summarise,
    windows,
)
from bench.stats import check_targets, comparison_rows, compute_ratios, render_report
from tests.e2e.conftest import model_path  # noqa: F401  (the slow test's fixture)


def test_the_conversation_is_a_greeting_then_rounds_of_a_group_session() -> None:
    steps = conversation(MESSAGES)

    assert len(steps) == MESSAGES > LATE[1]
    assert steps[0].name == "greet"
    assert all(step.expect for step in steps)
    names = {step.name for step in steps}
    assert {"note", "next", "back", "save", "agency", "stop", "carry on"} <= names
    # Walk-through commands and free-text notes, as a group session mixes them.
    notes = [step for step in steps if step.name == "note"]
    assert len(notes) > MESSAGES // 10
    assert len({step.text for step in notes}) > 4


def test_a_round_ends_where_the_next_can_start() -> None:
    first, second = round_of_steps(0), round_of_steps(1)

    assert [s.expect for s in first] == [s.expect for s in second]
    assert first[0].text == "discuss and reflect"
    assert [s.text for s in first if s.name == "note"] != [
        s.text for s in second if s.name == "note"
    ]


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (MESSAGES, (EARLY, LATE)),
        (510, (EARLY, LATE)),
        (60, ((1, 20), (41, 60))),
        (30, ((1, 15), (16, 30))),
        (1, ((1, 1), (1, 1))),
    ],
)
def test_windows_are_messages_10_and_500_or_the_ends_of_a_short_conversation(
    messages: int, expected: tuple[tuple[int, int], tuple[int, int]]
) -> None:
    assert windows(messages) == expected


def _samples(latencies_ms: list[float], errors: dict[int, str] | None = None) -> list[Sample]:
    errors = errors or {}
    return [
        Sample(0.0, ms / 1000, "next", errors.get(index)) for index, ms in enumerate(latencies_ms)
    ]


def test_summary_compares_the_medians_of_the_two_windows() -> None:
    latencies = [10.0] * 20 + [99.0] * 470 + [13.0] * 20 + [50.0] * 10
    summary = summarise(_samples(latencies, {0: "missing 'x'", 5: "timeout"}))

    assert summary["messages"] == 520
    assert (summary["early_window"], summary["late_window"]) == ([1, 20], [491, 510])
    assert summary["early_p50_ms"] == 10.0
    assert summary["late_p50_ms"] == 13.0
    assert summary["ratio"] == 1.3
    assert summary["errors"] == 2
    assert summary["errors_by_reason"] == {"next: missing 'x'": 1, "next: timeout": 1}
    assert list(summary["p50_ms_per_100"]) == ["1-100", "101-200", "201-300", "301-400",
                                               "401-500", "501-520"]  # fmt: skip
    assert len(summary["latencies_ms"]) == 520


# --- the driver, against a fake REST channel ------------------------------------------------


async def _drive(messages: int) -> list[Sample]:
    steps = conversation(messages)
    seen: list[str] = []

    async def webhook(request: web.Request) -> web.Response:
        """The bot's right reply to the n-th message, if it is the n-th message of the script."""
        body = await request.json()
        step: Step = steps[len(seen)]
        seen.append(body["sender"])
        # A store without the rollover: every message costs a little more than the last.
        await asyncio.sleep(0.001 * len(seen) / 10)
        right = body["message"] == step.text
        text = " ".join(step.expect) if right else "Sorry, I'm not sure what you meant."
        return web.json_response([{"recipient_id": body["sender"], "text": text}])

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    server = TestServer(app)
    await server.start_server()
    try:
        base = f"http://{server.host}:{server.port}"
        samples = await converse(base, steps, sender="bench-long-test")
    finally:
        await server.close()
    assert set(seen) == {"bench-long-test"}, "one conversation, one sender"
    return samples


def test_the_driver_sends_every_message_in_order_and_checks_each_reply() -> None:
    samples = asyncio.run(_drive(60))

    assert [s.step for s in samples] == [s.name for s in conversation(60)]
    assert all(s.error is None for s in samples)
    summary = summarise(samples)
    # The fake server slows down as the conversation grows: the ratio sees it.
    assert summary["ratio"] is not None and summary["ratio"] > 1.5
    assert summary["errors"] == 0


# --- in the report ---------------------------------------------------------------------------


def _long(early: float, late: float) -> dict[str, Any]:
    return {
        "messages": 520,
        "early_window": [1, 20],
        "late_window": [491, 510],
        "early_p50_ms": early,
        "late_p50_ms": late,
        "ratio": round(late / early, 4),
        "errors": 0,
        "rasa_cpu_ms_per_msg": 12.0,
    }


def _report() -> dict[str, Any]:
    return {
        "configs": {
            "ours": {"long": {"sqlite": _long(20.0, 22.0), "postgresql": _long(20.0, 25.0)}},
            "stock": {"long": {"sqlite": _long(100.0, 900.0), "postgresql": _long(100.0, 800.0)}},
        }
    }


def test_the_long_ratio_is_ours_on_the_worse_database_and_has_a_target() -> None:
    ratios = compute_ratios(_report())

    assert ratios["long_ratio"] == 1.25
    assert ratios["long_ratio_stock"] == 9.0
    assert ratios["long_late_p50"] == pytest.approx(25.0 / 800.0, abs=1e-4)
    target = next(t for t in check_targets(ratios) if t["name"] == "long_ratio")
    assert target["passed"] is True and target["target"] == "<= 1.3"


def test_the_table_shows_both_windows_for_both_configs() -> None:
    rows = comparison_rows(_report())

    late = next(
        r for r in rows if r[0] == "[sqlite] one conversation of 520: p50 ms, messages 491-510"
    )
    assert late[1:] == ["900.0", "22.0", "0.024"]
    assert any(r[0].endswith("late / early") and r[1:3] == ["8.00", "1.25"] for r in rows)


def test_no_long_conversation_measured_is_not_a_passed_target() -> None:
    ratios = compute_ratios({"configs": {}})

    assert ratios["long_ratio"] is None
    assert next(t for t in check_targets(ratios) if t["name"] == "long_ratio")["passed"] is None
    assert "not measured" in render_report({"targets": check_targets(ratios)})


def test_long_runs_only_the_long_conversation(tmp_path: Path) -> None:
    args = bench_run._options(["--long", "--long-messages", "40", "--out", str(tmp_path)])

    assert args.long_messages == 40
    assert set(args.skip) == {"nlu", "load", "anonymiser", "export", "minutes", "portal", "cluster"}


def test_the_long_step_records_each_config_and_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, str, int, dict[str, Any] | None]] = []

    def drive_long(model: Path, db: str, **kwargs: Any) -> dict[str, Any]:
        calls.append((model.name, db, kwargs["messages"], kwargs["settings_overrides"]))
        return _long(20.0, 21.0)

    monkeypatch.setattr(stack_bench, "drive_long", drive_long)
    monkeypatch.setattr(stack_bench, "postgres_available", lambda: "no PostgreSQL here")
    args = bench_run._options(["--long", "--long-messages", "40", "--ours-workers", "1"])
    args.out = tmp_path
    run = bench_run.Run(args)
    try:
        bench_run.step_long(run, {"stock": Path("stock.tar.gz"), "ours": Path("ours.tar.gz")})
    finally:
        run.cleanup()

    assert calls == [("stock.tar.gz", "sqlite", 40, None), ("ours.tar.gz", "sqlite", 40, {})]
    assert run.report["configs"]["ours"]["long"]["sqlite"]["ratio"] == 1.05
    assert any("PostgreSQL skipped" in note for note in run.report["notes"])
    assert not math.isnan(compute_ratios(run.report)["long_ratio"])


# --- against the real stack --------------------------------------------------------------------


@pytest.mark.slow
def test_the_script_gets_the_right_reply_from_the_real_bot(
    model_path: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    result = stack_bench.drive_long(
        model_path, "sqlite", messages=60, log_dir=tmp_path, label="ours-long"
    )

    assert result["errors"] == 0, result["errors_by_reason"]
    assert result["warm_journey_errors"] == []
    assert len(result["latencies_ms"]) == 60
    assert result["ratio"] is not None
