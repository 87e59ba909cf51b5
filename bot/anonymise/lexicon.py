"""Word lists the anonymiser consults, loaded lazily from ``bot/anonymise/data/``.

The lists are data, not code, so that a safeguarding lead (or a reviewer) can read and extend them
without touching the rules. Each is read once, on first use, through ``functools.lru_cache``:
importing the package stays cheap (nothing is read at import), and every later call is a set
look-up.

Files (one entry a line; ``#`` starts a comment line):

* ``first_names.txt``: curated first names (~2,600), matched case-insensitively.
* ``ambiguous_names.txt``: first names that are also ordinary words ("will", "hope", "may"); they
  need name context before they are redacted.
* ``surnames.txt``: common UK surnames (~840), used to extend a first name to a full name, after a
  title, and on their own when they are not English words.
* ``ambiguous_openers.txt``: the ambiguous names that also open sentences as ordinary words.
* ``places.txt``: towns, villages and neighbourhoods (Sussex first) and major UK cities.
* ``keep_words.txt``: the allow-list (role words, the briefing's labels, agencies, county names).
* ``english_words.txt``: lower-case English words (SCOWL 35, British), to tell an unknown
  capitalised word that may be a name from an ordinary word; ``extra_words.txt`` adds domain
  vocabulary, chat words and common misspellings that SCOWL lacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "DATA_DIR",
    "Lexicon",
    "PlaceEntry",
    "PlaceMatchers",
    "lexicon",
    "place_matchers",
    "read_list",
]

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_list(name: str) -> list[str]:
    """Read one data file: stripped, non-empty lines that are not ``#`` comments, in file order.

    Args:
        name: File name inside ``bot/anonymise/data/``.

    Returns:
        The entries, as written (case preserved).
    """
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class Lexicon:
    """All word lists as lower-case frozensets, ready for O(1) membership tests.

    Attributes:
        first_names: Every curated first name (ambiguous ones included).
        ambiguous: First names that are also ordinary English words or very short.
        surnames: Curated surnames.
        english: Lower-case English words.
        keep_words: Single-word allow-list entries (lower case).
        keep_phrases: Multi-word allow-list entries (lower case).
        places_lower: Every place name, lower case (for quick "is this a place" checks).
        openers: Ambiguous names that also open sentences as ordinary words ("Hope is not a
            plan", "Mark the date", "Drew up a plan"); the others ("Sky was quiet", "River
            was found") are names when a sentence starts with them and a verb follows.
    """

    first_names: frozenset[str]
    ambiguous: frozenset[str]
    surnames: frozenset[str]
    english: frozenset[str]
    keep_words: frozenset[str]
    keep_phrases: tuple[str, ...]
    places_lower: frozenset[str]
    openers: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load every list once; later calls return the cached object.

    Returns:
        The loaded :class:`Lexicon`.
    """
    keep = [k.lower() for k in read_list("keep_words.txt")]
    return Lexicon(
        first_names=frozenset(n.lower() for n in read_list("first_names.txt")),
        ambiguous=frozenset(n.lower() for n in read_list("ambiguous_names.txt")),
        surnames=frozenset(n.lower() for n in read_list("surnames.txt")),
        english=frozenset(read_list("english_words.txt") + read_list("extra_words.txt")),
        keep_words=frozenset(k for k in keep if " " not in k),
        keep_phrases=tuple(sorted((k for k in keep if " " in k), key=len, reverse=True)),
        places_lower=frozenset(p.lower() for p in read_list("places.txt")),
        openers=frozenset(w.lower() for w in read_list("ambiguous_openers.txt")),
    )


@dataclass(frozen=True)
class PlaceEntry:
    """One place name, split into words for token-by-token matching.

    Attributes:
        words: Lower-case words ("st", "leonards").
        exact: The words as listed, when the place is made only of English words ("Battle",
            "Stone Cross"); such places match only when capitalised as listed, so "a battle"
            and "rye bread" survive. None for places that match in any case.
    """

    words: tuple[str, ...]
    exact: tuple[str, ...] | None


@dataclass(frozen=True)
class PlaceMatchers:
    """The places index and the multi-word allow-list regex.

    Attributes:
        by_first_word: Place entries keyed by their first lower-case word, longest first (a
            dict look-up per word is much faster than a 400-way regex alternation).
        keep_phrases: Multi-word allow-list entries ("East Sussex", "Working Together").
    """

    by_first_word: dict[str, tuple[PlaceEntry, ...]]
    keep_phrases: re.Pattern[str]


def _alternation(items: list[str]) -> str:
    """Build a word-bounded regex alternation, longest first ("Bognor Regis" before "Bognor")."""
    escaped = [re.escape(i).replace(r"\ ", r"\s+") for i in sorted(items, key=len, reverse=True)]
    return r"(?<![\w'’-])(?:" + "|".join(escaped) + r")(?![\w-])"


# Places whose dictionary sense is rare enough that lower-case use almost always means the place.
_RARE_WORD_PLACES = frozenset({"hove", "hackney"})


@lru_cache(maxsize=1)
def place_matchers() -> PlaceMatchers:
    """Compile the place and allow-list regexes once, on first use.

    Returns:
        The compiled :class:`PlaceMatchers`.
    """
    lex = lexicon()
    index: dict[str, list[PlaceEntry]] = {}
    for place in read_list("places.txt"):
        words = tuple(place.replace(".", "").split())
        lower = tuple(w.lower() for w in words)
        parts = re.split(r"[\s-]+", " ".join(lower))
        dictionary_like = all(p in lex.english for p in parts)
        exact = words if dictionary_like and place.lower() not in _RARE_WORD_PLACES else None
        index.setdefault(lower[0], []).append(PlaceEntry(lower, exact))
    return PlaceMatchers(
        by_first_word={
            k: tuple(sorted(v, key=lambda e: len(e.words), reverse=True)) for k, v in index.items()
        },
        keep_phrases=re.compile(_alternation(list(lex.keep_phrases)), re.IGNORECASE),
    )
