"""Tests for bench.evaluate_anonymiser: markup parsing and the metric definitions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.evaluate_anonymiser import (
    Example,
    load_devset,
    main,
    parse_line,
    score,
    time_per_message,
)
from bot.anonymise import Span


def test_parse_line_strips_markup_and_records_offsets() -> None:
    ex = parse_line("Spoke to mum [[NAME:Sarah]] in [[PLACE:Hove]].")
    assert ex.text == "Spoke to mum Sarah in Hove."
    assert ex.gold == [Span(13, 18, "NAME"), Span(22, 26, "PLACE")]
    assert [ex.text[s.start : s.end] for s in ex.gold] == ["Sarah", "Hove"]


def test_parse_line_rejects_unknown_types() -> None:
    with pytest.raises(ValueError, match="unknown identifier type"):
        parse_line("[[PERSON:Sarah]]")


def test_load_devset_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "dev.txt"
    path.write_text("# comment\n\nno ids here\n[[NAME:Jo]] said hi\n", encoding="utf-8")
    examples = load_devset(path)
    assert [e.text for e in examples] == ["no ids here", "Jo said hi"]


def test_score_counts_coverage_of_any_type_and_strict_type() -> None:
    ex = Example("mum Sarah Jones in Hove", [Span(4, 15, "NAME"), Span(19, 23, "PLACE")])
    # Name covered by two spans (one mistyped), place missed, one ordinary word lost.
    spans = [Span(4, 9, "NAME"), Span(10, 15, "PLACE"), Span(0, 3, "NAME")]
    sc = score([ex], lambda text: spans)
    assert sc.identifiers == 2
    assert sc.caught == 1
    assert sc.per_type["NAME"].recall == 1.0
    assert sc.per_type["NAME"].strict_recall == 0.0
    assert sc.per_type["PLACE"].recall == 0.0
    assert sc.fully_cleaned == 0.0
    assert sc.word_tokens == 2  # "mum", "in"
    assert sc.words_over_redacted == 1
    assert sc.over_redaction == 0.5
    assert sc.spurious_spans == 1
    assert sc.precision == pytest.approx(2 / 3)


def test_score_on_clean_text() -> None:
    sc = score([Example("nothing here", [])], lambda text: [])
    assert sc.recall == 1.0
    assert sc.clean_texts_untouched == 1
    assert sc.over_redaction == 0.0


def test_time_per_message_returns_median_and_p95() -> None:
    examples = [Example("a", []), Example("b", [])]
    median, p95 = time_per_message(examples, lambda text: text, repeat=3)
    assert 0.0 <= median <= p95


def test_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "dev.txt"
    path.write_text("Spoke to mum [[NAME:Sarah]] in [[PLACE:Lewes]]\nno ids\n", encoding="utf-8")
    assert main([str(path), "--json", "--repeat", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["identifiers"] == 2
    assert out["recall"] == 1.0
    assert set(out["time_ms"]) == {"median", "p95", "repeat"}
    assert "Sarah" not in json.dumps(out)


def test_cli_text_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "dev.txt"
    path.write_text("[[NAME:Sarah]] rang\n", encoding="utf-8")
    assert main([str(path), "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "overall recall" in out
    assert "over-redaction" in out
