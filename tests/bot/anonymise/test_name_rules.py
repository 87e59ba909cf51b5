"""Tests for bot.anonymise.name_rules: the rules and passes, their docstring examples, README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.anonymise.core import detect_with_rules
from bot.anonymise.names import NAME_PASSES, NAME_RULES, NOT_A_NAME

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


def test_readme_lists_every_rule_and_pass_in_order() -> None:
    section = README.read_text(encoding="utf-8").split("## Name rules (`name_rules.py`)")[1]
    section = section.split("\n## ")[0]
    rules, passes = section.split("Passes after the rules")
    listed = re.findall(r"^\d+\. `([a-z_]+)`", rules, re.MULTILINE)
    assert listed == [rule.name for rule in NAME_RULES]
    listed_passes = re.findall(r"^\d+\. `([a-z_]+)`", passes, re.MULTILINE)
    assert listed_passes == [name for name, _ in NAME_PASSES]
