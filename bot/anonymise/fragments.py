"""Pieces of an identifier at the very start or end of a message.

A practitioner who presses Enter in the middle of a number ("mum's mobile is 07700 9" then
"00 888, she never picks up") sends two messages that are each anonymised alone, and neither
half looks like a phone number. The draft of a reflection is read again whole
(:mod:`bot.anonymise.joined`), but each message also goes into Rasa's conversation store as it
leaves the door, so the halves must not pass there either. The door keeps no raw text to join
them with, so a message's *edges* are read for what can only be the broken end of an
identifier:

* at the end: the start of a UK phone number (0 or +44 and at least four digits), digits after
  an identifier word ("NHS 943 476", "ref 44"), a postcode's first half after "postcode", a
  capitalised name broken at a hyphen ("Quenby-");
* at the start: a postcode's second half ("4QQ", "1aa was..."), or digit groups that continue a
  number ("00 888 was...").

Whole identifiers are the other layers' job; these rules only add spans at the edges, so a
sentence that ends or starts normally is untouched.
"""

from __future__ import annotations

import re

from bot.anonymise.spans import Candidate

__all__ = ["find_edge_fragments"]

P_FRAGMENT = 60

_TRAILING = r"[\s.,;:!?)\]\"']*$"
# "07700 9", "+44 7700 90", "01273 4": the start of a UK number, cut off.
_PHONE_START_AT_END = re.compile(r"(?<![\w+])((?:\+44|0)\d(?:[ -]?\d){2,8})" + _TRAILING)
# "NHS 943 476", "nhs no 999 2", "ref 44", "mobile: 0770": digits after an identifier word.
_CUE_DIGITS_AT_END = re.compile(
    r"\b(?:nhs|mobile|mob|phone|tel|number|no|num|ni|ref|reference|crime|case|dob|d\.o\.b)"
    r"\b[\s.:#=-]*(?:number|no)?[\s.:#=-]*(\d(?:[ -]?\d){1,12})" + _TRAILING,
    re.IGNORECASE,
)
# "postcode BN2", "post code: tn35"
_POSTCODE_HALF_AT_END = re.compile(
    r"\bpost\s?code\b[\s.:=-]*([A-Za-z]{1,2}\d[A-Za-z\d]?)" + _TRAILING, re.IGNORECASE
)
# "Quenby-" at the end: a name broken at its hyphen.
_NAME_BROKEN_AT_END = re.compile(r"(?<![\w-])([A-Z][a-z]+-)\s*$")
# A postcode's inward half opening a message: a digit then two of the letters postcodes use
# there (never C, I, K, M, O or V), as a word of its own: "4QQ", "1aa was".
_POSTCODE_HALF_AT_START = re.compile(r"^\s*(\d[ABD-HJLNP-UW-Z]{2})(?![\w'’])", re.IGNORECASE)
_NOT_POSTCODE_HALF = frozenset({"nd", "th", "st", "rd", "yr", "ys", "hr", "hrs", "pw", "wk"})
# Digit groups continuing a number: "00 888 was", "123 and she", "5919, I checked".
# One group only when it starts with 0 or has five digits or more ("2019 was hard", "999 is
# what I rang" stay).
_DIGITS_AT_START = re.compile(r"^\s*(\d{2,}(?:[ -]\d{2,})+|0\d{2,}|\d{5,})(?=[,.;:!?]?(?:\s|$))")


def find_edge_fragments(text: str) -> list[Candidate]:
    """Spans for identifier pieces at the start or end of one message (see the module doc)."""
    out: list[Candidate] = []
    for pattern, kind in (
        (_PHONE_START_AT_END, "PHONE"),
        (_CUE_DIGITS_AT_END, "REFERENCE"),
        (_POSTCODE_HALF_AT_END, "POSTCODE"),
        (_NAME_BROKEN_AT_END, "NAME"),
    ):
        m = pattern.search(text)
        if m:
            out.append(Candidate(m.start(1), m.end(1), kind, P_FRAGMENT))
    m = _POSTCODE_HALF_AT_START.match(text)
    if m and m.group(1)[1:].lower() not in _NOT_POSTCODE_HALF:
        out.append(Candidate(m.start(1), m.end(1), "POSTCODE", P_FRAGMENT))
    m = _DIGITS_AT_START.match(text)
    if m and sum(ch.isdigit() for ch in m.group(1)) >= 3:
        out.append(Candidate(m.start(1), m.end(1), "PHONE", P_FRAGMENT))
    return out
