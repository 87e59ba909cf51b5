"""The structured-identifier patterns: linear enough that no message can stall the server."""

from __future__ import annotations

import time

import pytest

from bot.anonymise import anonymise
from bot.anonymise.lexicon import lexicon
from bot.anonymise.name_words import LONGEST_WORD
from bot.anonymise.patterns import _EMAIL_OBFUSCATED


def _seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        anonymise(text)
        best = min(best, time.perf_counter() - started)
    return best


# Found by a black-box attack: "o'o'o'..." made the obfuscated-email pattern try every split of
# every run from every start (cubic: 8.7 s for 1,600 characters, 120 s+ for 5,000, the whole
# server waiting). Four times the text may cost sixteen times the time (the anonymiser's worst
# single-word cases are quadratic), never sixty-four.
@pytest.mark.parametrize("unit", ["o'", "O'", "a'-", "o'A", "x.", "o' at "])
def test_four_times_the_text_never_costs_cubic_time(unit: str) -> None:
    anonymise("warm up")
    short = _seconds((unit * 5_000)[:1_250])
    long = _seconds((unit * 5_000)[:5_000])

    assert long < 40 * max(short, 0.002), f"{unit!r}: {short:.3f} s -> {long:.3f} s"


# Found by the round 8 attack: one 5,000-character "word" cost 0.45 s, because the English-word
# and typo tests built every one-edit string of it (quadratic). A token longer than any word is
# now answered at once; what is left (the structured patterns) is linear: four times the text
# costs about four times the time (before: fourteen).
LONG_WORDS = ["a", "aA", "o'", "é", "a'"]


@pytest.mark.parametrize("unit", LONG_WORDS)
def test_one_huge_word_costs_linear_time(unit: str) -> None:
    anonymise("warm up")
    short = _seconds((unit * 5_000)[:1_250])
    long = _seconds((unit * 5_000)[:5_000])

    assert long < 10 * max(short, 0.01), f"{unit!r}: {short:.3f} s -> {long:.3f} s"


@pytest.mark.parametrize("unit", LONG_WORDS)
def test_one_huge_word_is_quick(unit: str) -> None:
    anonymise("warm up")

    assert _seconds((unit * 5_000)[:5_000]) < 0.15  # before: 0.45 s on the dev machine


def test_no_english_word_is_longer_than_the_long_token_bound() -> None:
    lex = lexicon()
    words = lex.english | lex.first_names | lex.surnames | lex.places_lower | lex.keep_words

    assert max(len(w) for w in words) <= LONGEST_WORD


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("email o'brien.k at gmail dot com today", "o'brien.k at gmail dot com"),
        ("write to 'kelly at hotmail", "'kelly at hotmail"),
        ("x'kelly at gmail dot com", "x'kelly at gmail dot com"),
        ("-- at gmail dot com", None),
        ("jo_99@gmail", "jo_99@gmail"),
    ],
)
def test_the_obfuscated_email_local_part_is_read_whole(text: str, found: str | None) -> None:
    match = _EMAIL_OBFUSCATED.search(text)
    assert (match.group(0) if match else None) == found
