"""Tests for bot.anonymise.names: the ordered name rules, their examples and the rule trace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.evaluate_anonymiser import load_devset
from bot.anonymise import detect
from bot.anonymise.core import detect_with_rules
from bot.anonymise.locations import protected_ranges
from bot.anonymise.names import NAME_PASSES, NAME_RULES, NOT_A_NAME, RuleHit, find_names

DATA = Path(__file__).resolve().parents[2] / "data"
README = Path(__file__).resolve().parents[3] / "bot" / "anonymise" / "README.md"
ALL = [(rule.name, rule.why) for rule in NAME_RULES] + list(NAME_PASSES)


def _first_example(why: str) -> str:
    """The first quoted example after the colon: 'Summary: "example", "another".'."""
    return str(re.findall(r'"([^"]+)"', why[why.index(': "') + 1 :])[0])


def test_rule_and_pass_names_are_unique_and_snake_case() -> None:
    names = [name for name, _ in ALL]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z]+(?:_[a-z]+)*", name) for name in names)


@pytest.mark.parametrize(("name", "why"), ALL, ids=[name for name, _ in ALL])
def test_every_rule_and_pass_fires_on_its_docstring_example(name: str, why: str) -> None:
    example = _first_example(why)
    _, hits = detect_with_rules(example)
    assert name in [h.rule for h in hits], (example, [(h.rule, h.name) for h in hits])


def test_the_first_rule_with_a_verdict_wins_and_rulings_out_are_recorded() -> None:
    text = "I will ring mum Grace about the Amber alert"
    _, hits = detect_with_rules(text)
    by_word = {text[h.start : h.end]: (h.rule, h.name) for h in hits}
    assert by_word["will"] == ("stopword", False)
    assert by_word["Grace"] == ("ambiguous_after_cue", True)
    assert by_word["Amber"] == ("ambiguous_after_determiner", False)
    assert NOT_A_NAME == 0


def test_rule_hits_refer_to_the_original_text() -> None:
    text = "\u200bSpoke to\u00a0mum Zo\u0308e Okafor"  # invisible char, NBSP, combining accent
    spans, hits = detect_with_rules(text)
    assert spans == detect(text)
    named = {text[h.start : h.end]: h.rule for h in hits if h.name}
    assert named == {"Zo\u0308e": "known_first_name", "Okafor": "surname_not_a_word"}


def test_tracing_changes_nothing() -> None:
    texts = [
        ex.text
        for name in ("anonymisation_dev.txt", "anonymisation_heldout.txt")
        for ex in load_devset(DATA / name)
    ]
    for text in texts:
        spans, hits = detect_with_rules(text)
        assert spans == detect(text), text
        protected = protected_ranges(text)
        trace: list[RuleHit] = []
        assert find_names(text, protected, [], trace) == find_names(text, protected, [])
        assert all(0 <= h.start < h.end <= len(text) for h in hits)


def test_readme_lists_every_rule_and_pass_in_order() -> None:
    section = README.read_text(encoding="utf-8").split("## Name rules (`names.py`)")[1]
    section = section.split("\n## ")[0]
    rules, passes = section.split("Passes after the rules")
    listed = re.findall(r"^\d+\. `([a-z_]+)`", rules, re.MULTILINE)
    assert listed == [rule.name for rule in NAME_RULES]
    listed_passes = re.findall(r"^\d+\. `([a-z_]+)`", passes, re.MULTILINE)
    assert listed_passes == [name for name, _ in NAME_PASSES]
