from __future__ import annotations

import random
import statistics

import pytest

from bench.cluster_bench import _cpu_ms_per_msg, think_time


def test_think_times_average_the_mean_and_vary() -> None:
    random.seed(15)
    pauses = [think_time(10.0) for _ in range(20_000)]

    assert statistics.fmean(pauses) == pytest.approx(10.0, rel=0.03)
    # Exponential: many short pauses and a few long ones, never negative.
    assert min(pauses) >= 0 and statistics.median(pauses) < 8 and max(pauses) > 50


def test_cpu_per_message_is_per_process_and_missing_when_unknown() -> None:
    before = {"rasa-1": 10.0, "rasa-2": 12.0, "haproxy": None}
    after = {"rasa-1": 13.0, "rasa-2": 12.5, "haproxy": 1.0}

    assert _cpu_ms_per_msg(before, after, 100) == {
        "rasa-1": 30.0,
        "rasa-2": 5.0,
        "haproxy": None,
    }
    assert _cpu_ms_per_msg(before, after, 0)["rasa-1"] is None
