"""The held-out NLU summary: macro-F1 over real intents, and the floor that fails CI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.nlu_report import macro_f1, main, per_intent, render


def row(f1: float, support: int) -> dict[str, float]:
    return {"precision": f1, "recall": f1, "f1-score": f1, "support": support}


@pytest.fixture
def report() -> dict[str, Any]:
    """Shaped like the intent_report.json that `rasa test nlu` writes."""
    return {
        "greet": {**row(1.0, 10), "confused_with": {}},
        "next_point": {**row(0.8, 5), "confused_with": {"skip_point": 1}},
        "skip_point": row(0.6, 4),
        # Rasa adds nlu_fallback when the fallback fires; no held-out example has it.
        "nlu_fallback": row(0.0, 0),
        "accuracy": 0.85,
        "macro avg": row(0.1, 19),
        "weighted avg": row(0.2, 19),
        "micro avg": row(0.3, 19),
    }


@pytest.fixture
def report_file(tmp_path: Path, report: dict[str, Any]) -> Path:
    path = tmp_path / "intent_report.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


def test_per_intent_drops_aggregate_rows(report: dict[str, Any]) -> None:
    assert set(per_intent(report)) == {"greet", "next_point", "skip_point", "nlu_fallback"}


def test_macro_f1_ignores_aggregates_and_zero_support(report: dict[str, Any]) -> None:
    assert macro_f1(report) == pytest.approx((1.0 + 0.8 + 0.6) / 3)


def test_macro_f1_is_unweighted(report: dict[str, Any]) -> None:
    report["greet"]["support"] = 1000

    assert macro_f1(report) == pytest.approx(0.8)


def test_macro_f1_needs_an_intent_with_support() -> None:
    with pytest.raises(ValueError, match="no intents with support"):
        macro_f1({"nlu_fallback": row(0.0, 0), "accuracy": 1.0, "macro avg": row(1.0, 3)})


def test_render_prints_a_row_per_intent(report: dict[str, Any]) -> None:
    lines = render(report).splitlines()

    assert lines[0].split() == ["intent", "prec", "recall", "f1", "n"]
    assert [line.split()[0] for line in lines[1:-1]] == [
        "greet",
        "next_point",
        "nlu_fallback",
        "skip_point",
    ]
    assert lines[2].split() == ["next_point", "0.800", "0.800", "0.800", "5"]
    assert lines[-1].startswith("macro-F1 (held-out)")
    assert lines[-1].endswith("0.800")
    assert "macro avg" not in render(report)


def test_main_fails_under_the_floor(report_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(report_file), "--min-macro-f1", "0.85"]) == 1

    captured = capsys.readouterr()
    assert "greet" in captured.out
    assert "macro-F1 0.800 is below the floor 0.85" in captured.err


def test_main_passes_above_the_floor(report_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(report_file), "--min-macro-f1", "0.75"]) == 0

    captured = capsys.readouterr()
    assert "skip_point" in captured.out
    assert captured.err == ""


def test_main_without_a_floor_passes(report_file: Path) -> None:
    assert main([str(report_file)]) == 0
