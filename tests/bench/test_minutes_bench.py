from __future__ import annotations

from typing import Any

import pytest

from bench import minutes_bench
from bench.stats import minutes_rows, render_report


def test_median_ms_warms_up_then_times_each_call() -> None:
    calls: list[int] = []

    value = minutes_bench.median_ms(lambda: calls.append(1), repeat=3)

    assert len(calls) == 4  # one warm call, three timed
    assert value >= 0


def test_warm_timings_on_the_realistic_minutes() -> None:
    result = minutes_bench.warm_timings(minutes_bench.realistic_minutes(), repeat=1)

    assert set(result) == {
        "docx_median_ms",
        "pdf_median_ms",
        "docx_and_pdf_median_ms",
        "markdown_median_ms",
        "docx_bytes",
        "pdf_bytes",
    }
    assert result["pdf_median_ms"] > 0 and result["docx_bytes"] > 10_000


def test_run_without_the_fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_child() -> dict[str, Any]:
        raise AssertionError("cold=False must not start a process")

    monkeypatch.setattr(minutes_bench, "cold_start_in_child", no_child)

    result = minutes_bench.run(repeat=1, cold=False)

    assert result["repeat"] == 1 and "cold" not in result


def test_cold_start_in_a_child_process_reports_import_and_first_render() -> None:
    cold = minutes_bench.cold_start_in_child()

    assert set(cold) == {"weasyprint_import_ms", "first_pdf_ms", "second_pdf_ms"}
    assert all(value > 0 for value in cold.values())


def test_the_report_prints_the_minutes_rows() -> None:
    figures = {
        "docx_median_ms": 50.0,
        "pdf_median_ms": 240.0,
        "docx_and_pdf_median_ms": 290.0,
        "cold": {"weasyprint_import_ms": 900.0, "first_pdf_ms": 500.0},
    }

    rows = minutes_rows(figures)
    table = render_report({"minutes": figures})

    assert [row[0] for row in rows][:3] == [
        "minutes DOCX, median ms",
        "minutes PDF/UA, median ms",
        "minutes DOCX + PDF, median ms",
    ]
    assert "minutes DOCX + PDF, median ms" in table and "290.0" in table
    assert "WeasyPrint import (fresh process), ms" in table
    assert minutes_rows({}) == []
