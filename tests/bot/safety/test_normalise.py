"""Tests for the normaliser's tables (bot/safety/normalise.py, bot/safety/data/normalise.yml).

How texts are normalised is tested with the patterns, in test_net.py; these check the tables.
"""

from __future__ import annotations

import re

try:  # Python 3.11+
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # Python 3.10
    import sre_parse

from bot.safety import normalise as normalise_module
from bot.safety.normalise import normalise
from bot.safety.rules import book
from tests.bot.safety.test_net import _unbounded_repeats


def test_every_word_fix_is_applied() -> None:
    assert {k: normalise(k) for k in book().word_fixes} == dict(book().word_fixes)


def test_every_odd_quote_dash_and_space_folds() -> None:
    examples = {"'": ("he{}s been hit", "he has been hit"), "-": ("self{}harm", "self harm")}
    examples |= {'"': ("{}hi{}", '"hi"'), " ": ("a{}b", "a b")}
    unfolded = [
        chr(code)
        for code, plain in book().quotes.items()
        if normalise(examples[plain][0].format(chr(code), chr(code))) != examples[plain][1]
    ]
    assert unfolded == []


def test_every_normalising_regex_is_bounded() -> None:
    """As test_net.test_every_window_is_bounded, for the regexes that run before the patterns."""
    patterns = [
        *(value for value in vars(normalise_module).values() if isinstance(value, re.Pattern)),
        *(pattern for pattern, _ in book().contractions),
        *(pattern for pattern, _ in book().multi_fixes),
    ]
    assert len(patterns) > 20
    problems = [
        problem
        for pattern in patterns
        for problem in _unbounded_repeats(sre_parse.parse(pattern.pattern), pattern.pattern)
    ]
    assert problems == []


def test_digits_typed_for_letters_are_read_back_only_into_english_words() -> None:
    """A concern in leetspeak reached the preview (issue 16 attack); codes stay as typed."""
    assert normalise("Th3 b0y 1n my 0ff1ce r1ght n0w s4ys h1s d4d b34ts h1m") == (
        "the boy 1n my office right now says his dad beats him"
    )
    assert normalise("the s47 was late, tn37 6rj, 3rd visit, 2 weeks") == (
        "the s47 was late, tn37 6rj, 3rd visit, 2 weeks"
    )
