"""Tests for bench.evaluate_anonymiser: markup parsing and the metric definitions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench.evaluate_anonymiser import (
    Example,
    RuleNote,
    load_devset,
    main,
    parse_line,
    rule_report,
    score,
    time_per_message,
)
from bot.anonymise import Span
from bot.anonymise.names import RuleHit


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


def test_rule_report_counts_right_wrong_and_other_per_rule() -> None:
    # "mum Sarah met Hope in Hove" with Sarah and Hove gold; "met" lost inside a NAME span.
    ex = Example("mum Sarah met Hope in Hove", [Span(4, 9, "NAME"), Span(22, 26, "PLACE")])
    spans = [Span(4, 13, "NAME"), Span(22, 26, "NAME")]
    hits = [
        RuleHit(4, 9, "known_first_name", True),  # a true name: right
        RuleHit(10, 13, "surname_after_name", True),  # an ordinary word: over-redaction
        RuleHit(14, 18, "ambiguous_word", False),  # an ordinary word ruled out: right
        RuleHit(22, 26, "capitalised_non_word", True),  # a place: other
    ]
    report = rule_report([ex], [spans], [hits])
    tallies = {
        (t.rule, t.verdict): (t.decisions, t.right, t.wrong, t.other) for t in report.tallies
    }
    assert tallies == {
        ("known_first_name", "name"): (1, 1, 0, 0),
        ("surname_after_name", "name"): (1, 0, 1, 0),
        ("ambiguous_word", "not a name"): (1, 1, 0, 0),
        ("capitalised_non_word", "name"): (1, 0, 0, 1),
    }
    # In rule order (NAME_RULES, then NAME_PASSES), not in the order of the text.
    assert [t.rule for t in report.tallies][-1] == "surname_after_name"
    assert "too_short" in report.silent and "known_first_name" not in report.silent
    assert report.notes == [RuleNote(1, "OVER", "met", ("surname_after_name",), ex.text)]
    assert "Sarah" not in json.dumps(report.summary())


def test_rule_report_names_the_rule_behind_a_miss_or_none() -> None:
    ex = Example("Hope said no to aarnav", [Span(0, 4, "NAME"), Span(16, 22, "NAME")])
    hits = [RuleHit(0, 4, "ambiguous_word", False)]
    report = rule_report([ex], [[]], [hits])
    assert [(n.kind, n.text, n.rules) for n in report.notes] == [
        ("MISSED", "Hope", ("ambiguous_word (not a name)",)),
        ("MISSED", "aarnav", ()),
    ]
    assert report.tallies[0].wrong == 1  # a true name ruled out


def test_cli_rules_text_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "dev.txt"
    path.write_text(
        "Spoke to mum [[NAME:Sarah]] in [[PLACE:Lewes]]\nfor [[NAME:aarnav]] the school was slow\n",
        encoding="utf-8",
    )
    assert main([str(path), "--repeat", "1", "--rules"]) == 0
    out = capsys.readouterr().out
    assert "overall recall" in out
    rules = out.split("NAME RULES")[1]
    assert re.search(r"known_first_name\s+name\s+1\s+1\s+0\s+0", rules)
    assert "never fired" in rules
    assert "MISSED 'aarnav'  <- none" in rules


def test_cli_rules_json_holds_figures_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dev.txt"
    path.write_text("Spoke to mum [[NAME:Sarah]] in [[PLACE:Lewes]]\n", encoding="utf-8")
    assert main([str(path), "--json", "--repeat", "1", "--rules"]) == 0
    out = json.loads(capsys.readouterr().out)
    rules = {(r["rule"], r["verdict"]): r for r in out["rules"]}
    assert rules["known_first_name", "name"]["right"] == 1
    assert "Sarah" not in json.dumps(out)


def test_cli_rules_with_conversations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "conv.txt"
    path.write_text(
        "=== one\nMet [[NAME:Mark Hill]] today\n[[NAME:Hill]] said no\n"
        "=== two\nI will chase it\nSpoke to mum [[NAME:Chloe]]\n",
        encoding="utf-8",
    )
    assert main([str(path), "--conversations", "--repeat", "1", "--rules"]) == 0
    out = capsys.readouterr().out
    assert "identifiers: 2" in out  # later messages only
    rules = out.split("NAME RULES")[1]
    assert re.search(r"known_first_name\s+name\s+1\s+1", rules)
    assert "(none)" in rules  # nothing missed, no word lost


def test_cli_without_rules_has_no_rules_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dev.txt"
    path.write_text("[[NAME:Sarah]] rang\n", encoding="utf-8")
    assert main([str(path), "--repeat", "1"]) == 0
    assert "NAME RULES" not in capsys.readouterr().out
    assert main([str(path), "--repeat", "1", "--json"]) == 0
    assert "rules" not in json.loads(capsys.readouterr().out)
