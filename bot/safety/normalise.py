"""The canonical form every safety pattern is written against.

The patterns read one spelling of each thing ("cannot", "tonight", "step dad", "xxname"), which
keeps them short; this module turns what practitioners type into that form. The tables (curly
quotes, contractions, typos, text-speak) are data in ``bot/safety/data/normalise.yml``, read on
first use with the other rules (:func:`bot.safety.rules.book`).
"""

from __future__ import annotations

import re

from bot.safety.rules import book

__all__ = ["normalise"]

_WORD_RE = re.compile(r"[a-z0-9]+")
# The door's placeholders ("[NAME 1]", "[AGE 2]") become one word per kind ("xxname", "xxage"),
# so word boundaries work around them as around any word.
_PLACEHOLDER_RE = re.compile(r"\[([a-z_]{2,20})(?: \d{1,3})?\]")
_PLACEHOLDER_AFTER_RE = re.compile(r"\b(xx[a-z_]{2,20}) -(?=[a-z0-9])")
_HYPHEN_RE = re.compile(r"(?<=[a-z0-9])-(?=[a-z0-9])")
_SPACE_RE = re.compile(r"\s+")


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
        return fixes.get(word, word)

    t = _WORD_RE.sub(fix, t)
    # Multi-word spellings that the patterns expect in one form ("burned out" -> "burnout").
    for pattern, repl in rules.multi_fixes:
        t = pattern.sub(repl, t)
    return t
