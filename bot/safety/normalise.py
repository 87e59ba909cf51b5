"""The canonical form every safety pattern is written against.

The patterns read one spelling of each thing ("cannot", "tonight", "step dad", "xxname"), which
keeps them short; this module turns what practitioners type into that form. The tables (curly
quotes, contractions, typos, text-speak) are data in ``bot/safety/data/normalise.yml``, read on
first use with the other rules (:func:`bot.safety.rules.book`).
"""

from __future__ import annotations

import re

from bot.anonymise.lexicon import lexicon
from bot.safety.rules import book

__all__ = ["normalise", "unleet"]

_WORD_RE = re.compile(r"[a-z0-9]+")
# The door's placeholders ("[NAME 1]", "[AGE 2]") become one word per kind ("xxname", "xxage"),
# so word boundaries work around them as around any word.
_PLACEHOLDER_RE = re.compile(r"\[([a-z_]{2,20})(?: \d{1,3})?\]")
_PLACEHOLDER_AFTER_RE = re.compile(r"\b(xx[a-z_]{2,20}) -(?=[a-z0-9])")
_HYPHEN_RE = re.compile(r"(?<=[a-z0-9])-(?=[a-z0-9])")
_SPACE_RE = re.compile(r"\s+")


# Digits typed for letters ("b34ts", "r1ght n0w"), read back only when that makes an English
# word: codes, postcodes and "s47" are not words, so they stay as typed.
_LEET = (str.maketrans("013457", "oieast"), str.maketrans("013457", "olease"))
# A number's own ending is not leetspeak ("year 4s", "the 1990s", "3rd", "10th").
_NUMBER_ENDING = re.compile(r"\d{1,12}(?:s|st|nd|rd|th)")


def unleet(word: str) -> str:
    """``word`` (lower case) with digits read as letters, if that makes an English word."""
    letters = sum(1 for c in word if "a" <= c <= "z")
    if letters < 2 or letters == len(word) or _NUMBER_ENDING.fullmatch(word):
        return word
    words = lexicon()
    if word in words.keep_words or word in words.english:
        return word
    for table in _LEET:
        plain = word.translate(table)
        if plain in words.english:
            return plain
    return word


def normalise(text: str) -> str:
    """Return a canonical, lower-case form of ``text`` for the pattern families.

    Lower-cases, folds curly quotes and dashes, expands contractions (with or without the
    apostrophe: "can't"/"cant" -> "cannot", "im" -> "i am"), fixes common typos ("scard",
    "brusies", "tonite", "rite now"), turns hyphens inside words into spaces ("self-harm" ->
    "self harm", "18-month-old" -> "18 month old") and collapses whitespace. The patterns are
    written against this form only, which keeps them short.
    """
    rules = book()
    t = text.lower().translate(rules.quotes)
    t = _PLACEHOLDER_AFTER_RE.sub(r"\1 ", _PLACEHOLDER_RE.sub(r" xx\1 ", t))
    for pattern, repl in rules.contractions:
        t = pattern.sub(repl, t)
    t = _HYPHEN_RE.sub(" ", t)
    t = _SPACE_RE.sub(" ", t).strip()
    fixes = rules.word_fixes

    def fix(match: re.Match[str]) -> str:
        word = match.group()
        return fixes.get(word) or fixes.get(unleet(word), unleet(word))

    t = _WORD_RE.sub(fix, t)
    # Multi-word spellings that the patterns expect in one form ("burned out" -> "burnout").
    for pattern, repl in rules.multi_fixes:
        t = pattern.sub(repl, t)
    return t
