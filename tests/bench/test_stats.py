from __future__ import annotations

import json
import math
from typing import Any

import pytest

from bench.stats import (
    TARGETS,
    check_targets,
    cluster_rows,
    comparison_rows,
    compute_ratios,
    latency_summary,
    least_favourable,
    percentile,
    ratio,
    render_report,
    render_table,
)


@pytest.mark.parametrize(
    ("pct", "expected"),
    [(0, 1.0), (50, 2.5), (100, 4.0), (25, 1.75), (95, 3.85), (99, 3.97)],
)
def test_percentile_interpolates_like_numpy_linear(pct: float, expected: float) -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0], pct) == pytest.approx(expected)


def test_percentile_of_one_value_is_that_value() -> None:
    assert percentile([7.0], 95) == 7.0


def test_percentile_of_nothing_is_nan_not_zero() -> None:
    assert math.isnan(percentile([], 50))


def test_percentile_refuses_out_of_range() -> None:
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_latency_summary_is_in_milliseconds() -> None:
    summary = latency_summary([0.010] * 94 + [0.100] * 5 + [1.0])

    assert summary["p50_ms"] == 10.0
    assert summary["p95_ms"] == pytest.approx(100.0)
    assert summary["p99_ms"] == pytest.approx(100.0 + 0.01 * 900, abs=0.5)
    assert summary["max_ms"] == 1000.0


def test_latency_summary_of_nothing_is_all_nan() -> None:
    assert all(math.isnan(v) for v in latency_summary([]).values())


@pytest.mark.parametrize(
    ("ours", "stock", "expected"),
    [
        (2.0, 4.0, 0.5),
        (10.0, 2.0, 5.0),
        (None, 1.0, None),
        (1.0, None, None),
        (1.0, 0.0, None),
        (math.nan, 1.0, None),
    ],
)
def test_ratio_is_ours_over_stock_and_missing_when_unmeasurable(
    ours: float | None, stock: float | None, expected: float | None
) -> None:
    assert ratio(ours, stock) == expected


def test_targets_check_their_direction() -> None:
    by_name = {t.name: t for t in TARGETS}

    assert by_name["throughput_50"].check(5.0) is True
    assert by_name["throughput_50"].check(4.9) is False
    assert by_name["p95_50"].check(0.2) is True
    assert by_name["p95_50"].check(0.21) is False
    assert by_name["anonymiser_median_ms"].check(5.0) is False
    assert by_name["macro_f1_diff"].check(-0.01) is True
    assert by_name["macro_f1_diff"].check(-0.02) is False
    assert by_name["rss"].check(None) is None


def test_least_favourable_takes_the_worse_database_per_direction() -> None:
    worst = least_favourable(
        {
            "sqlite": {"throughput_50": 8.0, "p95_1": 0.3, "p95_50": 0.1, "rss": 0.5},
            "postgresql": {"throughput_50": 6.0, "p95_1": 0.4, "p95_50": 0.15, "rss": None},
        }
    )

    assert worst == {
        "throughput_50": 6.0,
        "p95_1": 0.4,
        "p95_50": 0.15,
        "rss": 0.5,
        "rss_sum_of_peaks": None,
    }


def _level(throughput: float, p95: float) -> dict[str, Any]:
    return {
        "throughput_msg_s": throughput,
        "errors": 0,
        "latency": {"p50_ms": p95 / 2, "p95_ms": p95, "p99_ms": p95 * 1.2},
    }


def _side(
    *,
    thr50: float,
    p95_1: float,
    p95_50: float,
    rss: float,
    train: float,
    load: float,
    f1: float,
    growth: float = 1.0,
) -> dict[str, Any]:
    levels = {"1": _level(10, p95_1), "10": _level(20, 100), "50": _level(thr50, p95_50)}
    return {
        "train": {"seconds": train},
        "model_load": {"seconds": load},
        "nlu": {"macro_f1": f1},
        "load": {"sqlite": {"levels": levels, "peak_rss_mb": {"rasa": rss, "actions": 60}}},
        # One long conversation: p50 at message ~10 and ~500 (bench/long_conversation.py).
        "long": {
            "sqlite": {
                "early_p50_ms": p95_1 / 4,
                "late_p50_ms": p95_1 / 4 * growth,
                "ratio": growth,
            }
        },
    }


def _report() -> dict[str, Any]:
    return {
        "configs": {
            "stock": _side(
                thr50=4,
                p95_1=400,
                p95_50=20_000,
                rss=1000,
                train=400,
                load=10,
                f1=0.90,
                growth=8.0,
            ),
            "ours": _side(
                thr50=30, p95_1=100, p95_50=2_000, rss=500, train=40, load=1, f1=0.905, growth=1.1
            ),
        },
        "anonymiser": {"typical_median_ms": 0.4, "vs_presidio": 24.0},
        "export": {"csv": {"seconds": 1.5}, "xlsx": {"seconds": 8.0}},
        "portal": {"dashboard_p95_ms": 320.0},
        "cluster": _cluster(),
    }


def test_compute_ratios_has_every_key_the_issue_names() -> None:
    ratios = compute_ratios(_report())

    assert ratios["throughput_50"] == 7.5
    assert ratios["p95_1"] == 0.25
    assert ratios["p95_50"] == 0.1
    assert ratios["train_time"] == 0.1
    assert ratios["load_time"] == 0.1
    assert ratios["rss"] == 0.5
    assert ratios["macro_f1"] == pytest.approx(0.905 / 0.90, abs=1e-4)
    assert ratios["macro_f1_diff"] == pytest.approx(0.005)
    assert ratios["export_csv_s"] == 1.5
    assert ratios["long_ratio"] == 1.1
    assert ratios["long_ratio_stock"] == 8.0
    assert set(ratios["by_database"]) == {"sqlite"}


def test_compute_ratios_survives_a_report_with_nothing_measured() -> None:
    ratios = compute_ratios({})

    assert ratios["throughput_50"] is None
    assert ratios["train_time"] is None
    assert all(t["passed"] is None for t in check_targets(ratios))


def test_check_targets_lists_every_target_with_a_verdict() -> None:
    targets = check_targets(compute_ratios(_report()))

    assert [t["name"] for t in targets] == [t.name for t in TARGETS]
    assert all(t["passed"] is True for t in targets)


def test_the_report_round_trips_through_json_with_the_same_ratios() -> None:
    report = _report()
    report["ratios"] = compute_ratios(report)
    again = json.loads(json.dumps(report))

    assert compute_ratios(again) == report["ratios"]
    assert isinstance(again["ratios"], dict)


def test_render_table_aligns_columns() -> None:
    text = render_table([["a", "1", "22"], ["bbb", "333", "4"]], ["", "x", "y"])
    lines = text.splitlines()

    assert len({len(line) for line in lines}) == 1
    assert lines[2].startswith("a  ") and lines[2].endswith("22")


def test_render_report_shows_ratios_targets_and_notes() -> None:
    report = _report()
    report["ratios"] = compute_ratios(report)
    report["targets"] = check_targets(report["ratios"])
    report["notes"] = ["stock: from the cache"]

    text = render_report(report)

    assert "training time, s" in text and "0.100" in text
    assert "[sqlite] 50 users: msg/s" in text
    assert "note: stock: from the cache" in text
    assert "NO" not in text


def test_memory_ratio_uses_pss_when_measured_and_keeps_the_sum_of_peaks() -> None:
    report = _report()
    report["configs"]["ours"]["load"]["sqlite"]["peak_pss_mb"] = {"rasa": 450.0}
    report["configs"]["stock"]["load"]["sqlite"]["peak_pss_mb"] = {"rasa": 900.0}
    report["configs"]["ours"]["load"]["sqlite"]["peak_rss_mb"]["rasa"] = 1200

    ratios = compute_ratios(report)

    assert ratios["rss"] == 0.5
    assert ratios["rss_sum_of_peaks"] == 1.2


def test_the_table_says_whether_each_rasa_server_loaded_tensorflow_without_a_ratio() -> None:
    report = _report()
    report["configs"]["stock"]["load"]["sqlite"]["tensorflow_loaded"] = True
    report["configs"]["ours"]["load"]["sqlite"]["tensorflow_loaded"] = False

    label = "[sqlite] TensorFlow loaded by the Rasa server"
    row = next(r for r in comparison_rows(report) if r[0] == label)

    assert row == [label, "yes", "no", "-"]


def _cluster() -> dict[str, Any]:
    return {
        "practitioners": 500,
        "think_mean_s": 10.0,
        "offered_msg_s": 50.0,
        "saturation_users": 50,
        "realistic": {
            "latency_ok": {"p50_ms": 120.0, "p95_ms": 410.0, "p99_ms": 900.0},
            "throughput_msg_s": 48.7,
            "errors": 0,
        },
        "saturation": {
            "1": {"throughput_msg_s": 20.0, "latency": {"p95_ms": 3000.0}, "errors": 0},
            "2": {"throughput_msg_s": 34.0, "latency": {"p95_ms": 1800.0}, "errors": 1},
        },
        "scaling_2_over_1": 1.7,
    }


def test_the_cluster_bench_has_its_target_and_rows() -> None:
    ratios = compute_ratios({"cluster": _cluster()})
    rows = dict(cluster_rows(_cluster()))

    assert ratios["cluster_p95_ms"] == 410.0 and ratios["cluster_scaling"] == 1.7
    [target] = [t for t in check_targets(ratios) if t["name"] == "cluster_p95_ms"]
    assert target["passed"] is True
    key = "cluster, 500 practitioners, think ~10 s: p50 / p95 / p99 ms of right replies"
    assert rows[key] == "120 / 410 / 900"
    assert rows["cluster throughput at saturation, 2 replicas / 1"] == "1.70"
    assert "34.0; 1,800; 1" in rows.values()
    assert cluster_rows({}) == []
