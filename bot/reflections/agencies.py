"""The words practitioners use for the agency categories, and finding them in typed text.

Shared by the reflection dialogue (one agency for a reflection: :func:`find_agency`) and the
group session's attendance ("4 social care, 2 police, a health visitor": :func:`mentions`),
so both recognise the same words. The categories themselves are bot.storage.models.AGENCIES.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

#: Words for each agency category (lower case). Plurals of words of four letters or more are
#: recognised too ("teachers", "social workers"); a longer phrase wins over a word inside it
#: ("school nurse" is health, not education).
AGENCY_WORDS: Mapping[str, tuple[str, ...]] = {
    "police": (
        "police",
        "officer",
        "constabulary",
        "pc",
        "dc",
        "ds",
        "pcso",
        "ppu",
        "detective",
        "sergeant",
    ),
    "health": (
        "health",
        "nhs",
        "nurse",
        "gp",
        "gps",
        "midwife",
        "midwives",
        "health visitor",
        "doctor",
        "hospital",
        "school nurse",
        "paediatrician",
        "hv",
        "hvs",
        "health visiting",
        "camhs",
        "school nursing",
    ),
    "childrens_social_care": (
        "children's social care",
        "childrens social care",
        "social care",
        "social work",
        "social worker",
        "csc",
        "mash",
        "spoa",
        "sw",
        "sws",
        "iro",
        "iros",
        "cin",
        "cin team",
        "cp team",
        "child protection team",
        "lac",
        "looked after",
        "fostering",
        "leaving care",
    ),
    "education": (
        "education",
        "school",
        "teacher",
        "dsl",
        "dsls",
        "college",
        "nursery",
        "headteacher",
        "head teacher",
        "senco",
        "head of year",
        "teaching assistant",
    ),
    "early_help": ("early help", "family support", "family hub", "family worker"),
    "voluntary_sector": ("voluntary", "charity", "charities", "third sector", "community sector"),
    "other": ("other", "probation", "probation officer", "housing"),
}

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})


@dataclass(frozen=True)
class Mention:
    """Where in the text an agency word was found, and which agency it names."""

    start: int
    end: int
    agency: str


def _word_pattern(word: str) -> str:
    escaped = re.escape(word)
    return escaped + "(?:e?s)?" if len(word) >= 4 and word[-1].isalpha() else escaped


@lru_cache(maxsize=8)
def _compiled(table: tuple[tuple[str, tuple[str, ...]], ...]) -> re.Pattern[str]:
    words = sorted({w for _, ws in table for w in ws}, key=lambda w: (-len(w), w))
    alternation = "|".join(_word_pattern(word) for word in words)
    return re.compile(rf"(?<![a-z])(?:{alternation})(?![a-z])")


def _table(words: Mapping[str, tuple[str, ...]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((key, tuple(values)) for key, values in words.items())


def _lowered(text: str) -> str:
    """Lower case with curly apostrophes made straight (same length, so spans still fit)."""
    return text.lower().translate(_APOSTROPHES)


def _agency_of(found: str, words: Mapping[str, tuple[str, ...]]) -> str | None:
    for agency, options in words.items():
        for word in options:
            if re.fullmatch(_word_pattern(word), found):
                return agency
    return None


def mentions(text: str, words: Mapping[str, tuple[str, ...]] = AGENCY_WORDS) -> list[Mention]:
    """Every agency word in ``text``, left to right, longest phrase first where two overlap."""
    lowered = _lowered(text)
    found = []
    for match in _compiled(_table(words)).finditer(lowered):
        agency = _agency_of(match.group(0), words)
        if agency is not None:
            found.append(Mention(match.start(), match.end(), agency))
    return found


def find_agency(text: str, words: Mapping[str, tuple[str, ...]] = AGENCY_WORDS) -> str | None:
    """The agency a typed answer names, or None.

    The first category (in ``words``' order) any of whose words appears, so "a health visitor
    at the school" is health.
    """
    named = {mention.agency for mention in mentions(text, words)}
    return next((agency for agency in words if agency in named), None)
