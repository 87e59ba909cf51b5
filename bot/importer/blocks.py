"""What a reader sees in a briefing: blocks of text with their layout, in reading order.

Every reader (text, Markdown, HTML, DOCX, PDF) turns its format into the same :class:`Document`,
so the recogniser that finds a briefing's title, learning, recommendations and questions works
on layout facts (a heading's level, a font size, bold, a list marker, a line on its own) and
never on one file format, and never on one briefing's wording.

A reader states only what its format says: an HTML ``<h2>`` or a Word "Heading 2" style is a
``heading``; a short bold line in a PDF is a ``paragraph`` with ``bold`` and a larger ``size``,
and the recogniser decides whether it is a heading. List markers are split off the text by
:func:`split_marker`, the one place that knows what a marker looks like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "item"]
Format = Literal["txt", "md", "html", "docx", "pdf"]


@dataclass(frozen=True)
class Link:
    """A link as the briefing shows it: the words a reader sees and where they go."""

    text: str
    url: str


@dataclass(frozen=True)
class Block:
    """One heading, paragraph or list item.

    ``text`` is whitespace-normalised, with an item's marker removed (it is in ``marker``).
    ``level``: a heading's level (1 is the largest) when the format states one; an item's
    nesting depth (0 is the outermost); else 0. ``size``: the font size in points where the
    format has one (PDF, DOCX), else 0. ``bold``: every character of the block is bold.
    ``alone``: the block is a single line with space around it (a line on its own, as a
    heading in plain text or a PDF is). ``page``: 1-based page (PDF), else 1.
    """

    kind: BlockKind
    text: str
    level: int = 0
    marker: str = ""
    size: float = 0.0
    bold: bool = False
    alone: bool = False
    links: tuple[Link, ...] = ()
    page: int = 1


@dataclass(frozen=True)
class Document:
    """A whole briefing as blocks; ``pages`` is 1 for formats without pages."""

    format: Format
    blocks: tuple[Block, ...]
    pages: int = 1
    title_hint: str = ""  # a title the format declares (HTML <title>, DOCX core properties)
    notes: tuple[str, ...] = field(default=())  # what the reader could not read, for the draft


# A list marker at the start of a line: bullets; 1. 1) (1); a. a) (a); i. ii) (iv); R1 / R1. /
# R1:; "Recommendation 1:"-style words are left to the recogniser (they are wording).
_BULLET = (
    r"[\u2022\u00b7\u25aa\u25cf\u25e6\u2023\u2043\u2219\u25a0\u25a1\u2013\u2014*\-"
    r"\u2192\u27a2\u2713\uf0b7\uf0a7]"
)
_ROMAN = r"(?=[ivxIVX])(?:x{0,3}|X{0,3})(?:ix|iv|v?i{0,3}|IX|IV|V?I{0,3})"
_MARKER = re.compile(
    rf"""^\s*(?P<marker>
        {_BULLET}
      | \(\s*(?:\d{{1,2}}|[a-zA-Z]|{_ROMAN})\s*\)
      | (?:\d{{1,2}}(?:\.\d{{1,2}})*|[a-zA-Z]|{_ROMAN})[.)](?!\d)
      | [A-Z]{{1,2}}\d{{1,2}}[.:)]?
    )(?=\s)\s*""",
    re.VERBOSE,
)


def split_marker(text: str) -> tuple[str, str]:
    """``(marker, rest)`` for a line that starts with a list marker, else ``("", text)``.

    "1) The legacy of ..." gives ("1)", "The legacy of ..."); "R2: Partners should ..." gives
    ("R2:", ...); "(iii) ..." gives ("(iii)", ...); "• How do you ...?" gives ("•", ...). A bare
    number that is a year or a quantity ("2021 was ...", "30 minutes") is not a marker.
    """
    found = _MARKER.match(text)
    if not found or not found.group("marker").strip():
        return "", text.strip()
    marker = found.group("marker").strip()
    rest = text[found.end() :].strip()
    if not rest:
        return "", text.strip()
    return marker, rest


def normalise_space(text: str) -> str:
    """Runs of whitespace (any Unicode space, tabs, line breaks) as one space, trimmed."""
    return " ".join(text.split())


_ROMAN_VALUES = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def roman(number: int) -> str:
    """``number`` in lower-case Roman numerals (1 to 3999)."""
    out = ""
    for value, letters in _ROMAN_VALUES:
        while number >= value:
            out += letters
            number -= value
    return out


def alphabetic(number: int) -> str:
    """``number`` as a list letter: 1 a, 26 z, 27 aa."""
    out = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def ordinal_marker(number: int, kind: str) -> str:
    """The marker an ordered list of ``type=kind`` shows for ``number``: "3.", "c.", "iii."."""
    if number < 1 or kind == "1":
        return f"{number}."
    if kind in ("a", "A"):
        letters = alphabetic(number)
        return f"{letters.upper() if kind == 'A' else letters}."
    if kind in ("i", "I"):
        numeral = roman(min(number, 3999))
        return f"{numeral.upper() if kind == 'I' else numeral}."
    return f"{number}."
