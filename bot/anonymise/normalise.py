"""Normalise pasted text before any rule runs: one canonical form, with a map back to it.

Text pasted from Word, Outlook, phones and PDFs carries structure the rules cannot see:
non-breaking and thin spaces inside phone numbers, zero-width characters and soft hyphens inside
names, full-width or mathematical letters and digits, accents written as separate combining
marks, look-alike letters from other alphabets. Each of these once carried an identifier past
the anonymiser (a phone with non-breaking spaces, ``S`` + soft hyphen + ``arah``, a full-width
postcode). So the door normalises **once, first**, and every rule after it is written for plain
text:

* every Unicode space (and tabs, other blank characters) becomes a plain space; line and
  paragraph separators become a newline, and CR LF a single newline;
* format and other invisible characters (zero-width spaces and joiners, word joiner, soft hyphen,
  byte-order mark, direction marks, variation selectors, fillers) are removed;
* NFKC compatibility folding: full-width, mathematical, circled and superscript forms become
  ASCII letters and digits, ligatures are split;
* Latin letters lose their accents (``Zoé`` -> ``Zoe``, ``Michał`` -> ``Michal``), which also lets
  the name lists match; other scripts keep theirs;
* digits of every script become ASCII digits; dashes become ``-`` and curly quotes straight ones;
* Cyrillic and Greek look-alike letters become Latin inside words that mix them with Latin
  letters (or consist of look-alikes only), so ``Ѕаrаh`` is read as ``Sarah``.

:class:`Normalised` keeps, for every output character, the span of the original text it came
from, so detections can be mapped back (the evaluation scores spans on the original text).

Plain Python (``unicodedata``); nothing is read at import time and plain ASCII text takes a fast
path that builds no map at all.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Normalised", "normalise"]

# Characters that take no space on screen and carry no meaning in a message. Category Cf
# (format) covers most of them; these are the invisible ones outside it.
_INVISIBLE = frozenset(
    "\u034f"  # combining grapheme joiner
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers (render as nothing)
    "\u17b4\u17b5"  # Khmer inherent vowels (invisible)
    "\u180b\u180c\u180d\u180e\u180f"  # Mongolian variation selectors and vowel separator
)
_SPACE_LIKE = frozenset("\t\u2800\u1680")  # tab, braille blank, Ogham space mark
_LINE_BREAKS = frozenset("\n\u2028\u2029\u0085\u000b\u000c")
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d")
_SINGLE_QUOTES = frozenset("\u2018\u2019\u201a\u201b\u2032\u02bc\u02b9\u00b4`\uff07")
# Full stops and "at" signs from other scripts that NFKC leaves alone ("name@example。org").
_FULL_STOPS = frozenset("\u3002\uff61\u2024\ufe52")
_AT_SIGNS = frozenset("\ufe6b")
_DOUBLE_QUOTES = frozenset("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\uff02")
# Latin letters that NFD does not decompose into a base letter and an accent.
_LATIN_FOLD = {
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H",
    "ı": "i", "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
    "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ŀ": "l", "Ŀ": "L", "ƒ": "f",
}  # fmt: skip
# Cyrillic and Greek letters that look like Latin ones (Unicode confusables, the common set).
_CONFUSABLE = str.maketrans(
    "АВЕЅІЈКМНОРСТХУаеіјорсухѕԁһԛԝѵӏΑΒΕΖΗΙΚΜΝΟΡΤΥΧοινρτυχ",
    "ABESIJKMHOPCTXYaeijopcyxsdhqwvlABEZHIKMNOPTYXoivptux",
)
# Punctuation from other scripts and typographers, to the ASCII the rules are written for; the
# sets are disjoint, and were one character in two, the set listed first would win.
_PUNCTUATION_FOLD = {
    ch: ascii_form
    for chars, ascii_form in reversed(
        (
            (_DASHES, "-"),
            (_SINGLE_QUOTES, "'"),
            (_DOUBLE_QUOTES, '"'),
            (_FULL_STOPS, "."),
            (_AT_SIGNS, "@"),
        )
    )
    for ch in chars
}
_CONFUSABLE_CHARS = frozenset("АВЕЅІЈКМНОРСТХУаеіјорсухѕԁһԛԝѵӏΑΒΕΖΗΙΚΜΝΟΡΤΥΧοινρτυχ")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Normalised:
    """Normalised text and where each of its characters came from.

    Attributes:
        text: The normalised text.
        original: The text as it arrived.
        starts: For each character of ``text``, the start offset in ``original`` of the
            characters it came from; ``None`` when ``text`` is ``original`` unchanged.
        ends: The matching end offsets (exclusive).
    """

    text: str
    original: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that ``text[start:end]`` came from."""
        if self.starts is None or self.ends is None:
            return start, end
        if start >= end:
            anchor = self.starts[start] if start < len(self.starts) else len(self.original)
            return anchor, anchor
        return self.starts[start], self.ends[end - 1]


def _plain(text: str) -> bool:
    """ASCII with no control characters but newline: nothing to normalise."""
    return text.isascii() and all(ch >= " " or ch == "\n" for ch in text) and "\x7f" not in text


def _fold_latin(piece: str) -> str:
    """Accents off Latin letters ("é" -> "e"); other scripts and symbols as they are."""
    out: list[str] = []
    for ch in piece:
        if ch.isascii():
            out.append(ch)
            continue
        if unicodedata.category(ch).startswith("M") and out and out[-1].isascii():
            continue  # an accent that did not compose with the Latin letter before it
        if ch in _LATIN_FOLD:
            out.append(_LATIN_FOLD[ch])
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        base = decomposed[0]
        if base.isascii() and base.isalpha():
            out.append(base)  # the marks after it are accents
        elif unicodedata.category(ch) == "Nd":
            out.append(str(unicodedata.decimal(ch)))
        else:
            out.append(unicodedata.normalize("NFC", ch))
    return "".join(out)


def _cluster(text: str, start: int, nxt: str) -> str:
    """The normalised form of one base character and the combining marks after it."""
    ch = text[start]
    if ch == "\r":
        return "" if nxt == "\n" else "\n"
    if ch in _LINE_BREAKS:
        return "\n"
    category = unicodedata.category(ch)
    blank = _blank(ch, category)
    if blank is not None:
        return blank
    return _PUNCTUATION_FOLD.get(ch, ch)


def _blank(ch: str, category: str) -> str | None:
    """A space for a blank or control character, nothing for an invisible one, else ``None``.

    The order matters: a character this Python's Unicode does not know yet (category ``Cn``)
    but that is listed as invisible is removed, not turned into a space.
    """
    if category == "Zs" or ch in _SPACE_LIKE:
        return " "
    if category == "Cf" or ch in _INVISIBLE or "\ufe00" <= ch <= "\ufe0f":
        return ""
    if "\U000e0100" <= ch <= "\U000e01ef":  # variation selectors supplement
        return ""
    if category in {"Cc", "Cs", "Co", "Cn"}:
        return " "
    if category.startswith("M"):
        return ""  # a mark with no base letter before it (or after a removed one)
    return None


def _joins_two_words(text: str, i: int) -> bool:
    """An invisible character between a lower-case and a capital letter ("Kelly\u200bSmith").

    Removing it would glue two names into one word no rule knows; between digits or inside a
    word ("0770\u200b0900", "S\u00adarah") it is removed as usual.
    """
    return 0 < i < len(text) - 1 and text[i - 1].islower() and text[i + 1].isupper()


def _unconfuse(text: str) -> str:
    """Latin letters for look-alikes, in words that mix scripts or are all look-alikes."""
    if not any(ch in _CONFUSABLE_CHARS for ch in text):
        return text

    def fix(match: re.Match[str]) -> str:
        word = match.group()
        looks = [ch in _CONFUSABLE_CHARS for ch in word]
        if not any(looks):
            return word
        latin = any(ch.isascii() for ch in word)
        if latin or all(looks):
            return word.translate(_CONFUSABLE)
        return word

    return _WORD.sub(fix, text)


def normalise(text: str) -> Normalised:
    """Normalise ``text`` (see the module docstring) and keep the map back to it.

    Args:
        text: Text as a user typed or pasted it.

    Returns:
        The :class:`Normalised` text; plain ASCII comes back unchanged without a map.
    """
    if _plain(text):
        return Normalised(text, text)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    n = len(text)
    i = 0
    while i < n:
        j = i + 1
        # Combining marks belong to the character before them (one cluster, one mapping).
        while j < n and unicodedata.category(text[j]).startswith("M"):
            j += 1
        head = _cluster(text, i, text[i + 1] if i + 1 < n else "")
        if not head and _joins_two_words(text, i):
            head = " "  # "Quenby\u200cHarrow": two words an invisible character glued together
        elif head and head == text[i] and not head.isascii():
            # Compatibility forms (full-width, mathematical, ligatures) first, then accents.
            head = _fold_latin(unicodedata.normalize("NFKC", text[i:j]))
        elif head and j > i + 1 and head.isascii() and head.isalpha():
            head = _fold_latin(unicodedata.normalize("NFKC", text[i:j]))
        for ch in head:
            out.append(ch)
            starts.append(i)
            ends.append(j)
        i = j
    # Look-alike letters are swapped one for one, so the map stays valid.
    return Normalised(_unconfuse("".join(out)), text, tuple(starts), tuple(ends))
