"""Plain-text briefings: paragraphs, list items and lines on their own, from spacing alone.

A text briefing is usually a PDF or web page pasted into a file: one line per paragraph (the
seed, Child Z), or hard-wrapped at a fixed width. Its only layout is blank lines, list markers,
indentation and line length, so that is all this reader states: a marker line starts an item,
a short line with space around it (or directly above a paragraph, as "Key learning:" is) is
``alone``, and the recogniser decides what is a heading.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from bot.importer.blocks import Block, Document, split_marker
from bot.importer.urls import printed_links

# A line counts as short (a possible heading on its own) up to this many characters.
SHORT_LINE = 90
# A document whose long lines are no wider than this is hard-wrapped (lines are not paragraphs).
WRAP_WIDTH_MAX = 120
# Characters that show nothing and would break words apart or glue them together.
_INVISIBLE: dict[int, str | None] = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None
)
# Typographic ligatures (PDFs and Word keep them) spelt out, so words match what people type.
_INVISIBLE.update(
    {0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB06: "st"}
)
# Bullets pasted from Word: a lone "o" (its second-level bullet in Courier New) and the
# private-use Symbol-font bullets; split_marker knows the rest.
_PASTED_BULLET = re.compile(
    r"^(?P<bullet>o|>|\u00bb|\u25ba|\u27a4|\u2794|\uf0a7|\uf0d8|\uf076|\uf0fc)\s+(?=\S)"
)
# A drawn rule ("-----", "=====", "+------+"): a divider, or a heading's underline or frame.
_RULE = re.compile(r"^\s*[+|]?\s*([-=_*~#])\1{3,}\s*[+|]?\s*$|^\s*\+[-=+]{3,}\+\s*$")
# A box drawn round text ("|  WORRIED ABOUT A CHILD?  |"): its side bars.
_BOX_SIDES = re.compile(r"^\s*\|(?P<inside>.*)\|\s*$")
# A page number printed as its own line: "- 3 -", "Page 2 of 4", "Page 5".
PAGE_LINE = re.compile(
    r"^\s*(?:[-\u2013\u2014]\s*\d{1,3}\s*[-\u2013\u2014]|(?:page|tudalen)\s+\d{1,3}"
    r"(?:\s*(?:of|/)\s*\d{1,3})?|\d{1,3}\s*/\s*\d{1,3})\s*$",
    re.IGNORECASE,
)


def decode(data: bytes) -> str:
    """Text of a file in UTF-8 (with or without a BOM), UTF-16 with a BOM, or Windows-1252.

    Briefings saved from Word on Windows are often Windows-1252; UTF-8 is tried first because
    a Windows-1252 file is almost never valid UTF-8, while the reverse guess would garble every
    curly quote. Bytes Windows-1252 leaves undefined become U+FFFD rather than an error.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def clean_line(line: str) -> str:
    """A line with invisible characters removed, ligatures spelt out, every space a plain one.

    Leading spaces are kept (indentation is a list's nesting); NBSP and the other Unicode
    spaces become ordinary spaces so markers and words are found.
    """
    line = line.translate(_INVISIBLE)
    return "".join(
        " " if ch == "\t" or (unicodedata.category(ch) == "Zs") else ch for ch in line
    ).rstrip()


@dataclass
class _Unit:
    """One block in the making: its lines, its marker and its indentation."""

    lines: list[str]
    marker: str = ""
    indent: int = 0
    depth: int = 0
    alone: bool = False

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.lines).split())


@dataclass
class _Paragraph:
    """Lines between blank lines, as (indent, text) pairs."""

    lines: list[tuple[int, str]] = field(default_factory=list)


def _paragraphs(text: str) -> list[_Paragraph]:
    """The file's non-blank lines grouped by the blank lines between them."""
    paragraphs: list[_Paragraph] = [_Paragraph()]
    for raw in text.splitlines():
        line = furniture_free(clean_line(raw))
        if not line.strip():
            if paragraphs[-1].lines:
                paragraphs.append(_Paragraph())
            continue
        stripped = line.lstrip(" ")
        paragraphs[-1].lines.append((len(line) - len(stripped), stripped))
    return [p for p in paragraphs if p.lines]


def furniture_free(line: str) -> str:
    """A line without the drawing a text file is laid out with; "" for a line that is only that.

    Rules above, below or around a heading, a box's side bars and page numbers are layout:
    a rule or a page number ends the paragraph (as a blank line would), so the heading it
    underlines or frames stands on its own, and the box's text is read as text.
    """
    if _RULE.match(line) or PAGE_LINE.match(line):
        return ""
    box = _BOX_SIDES.match(line)
    if box:
        inside = box.group("inside")
        return "" if not inside.strip() else " " + inside.strip()
    return line


def wrap_width(paragraphs: list[_Paragraph]) -> int:
    """The width the text was hard-wrapped at, or 0 when each line is a whole paragraph.

    Measured on the lines that have another line of their paragraph below them (a wrapped
    line, if the text is wrapped): in a hard-wrapped file most of them end close to one width
    (a long address may overrun it); in a file of one line per paragraph they are headings and
    long paragraphs, nowhere near one width.
    """
    lengths = sorted(indent + len(text) for p in paragraphs for indent, text in p.lines[:-1])
    if len(lengths) < 3:
        return 0
    typical = lengths[(len(lengths) - 1) * 9 // 10]
    if not 30 <= typical <= WRAP_WIDTH_MAX:
        return 0
    near = sum(1 for length in lengths if typical - 20 <= length <= typical + 10)
    if near * 2 < len(lengths):
        return 0
    return max(length for length in lengths if length <= typical + 3)


def _marker(text: str) -> tuple[str, str]:
    """A line's list marker and the rest, with Word's pasted bullets counted as markers."""
    pasted = _PASTED_BULLET.match(text)
    if pasted:
        bullet = "\u25e6" if pasted.group("bullet") == "o" else "\u2022"
        return bullet, text[pasted.end() :].strip()
    return split_marker(text)


def _wrapped(previous: str, indent: int, line: str, width: int) -> bool:
    """Whether ``line`` is the rest of ``previous``: its first word would not have fitted."""
    if not width or indent + len(previous) > width + 2:
        return False  # no wrap (one line per paragraph), or a line overrun by hand
    first_word = line.split(" ", 1)[0]
    # Slack of a tenth of the width: people and tools do not wrap at an exact column.
    return indent + len(previous) + 1 + len(first_word) > width - max(3, width // 10)


def _units(paragraph: _Paragraph, width: int) -> list[_Unit]:
    """A paragraph's blocks: a marker line starts an item; a wrapped line joins the one above."""
    units: list[_Unit] = []
    previous = (0, "")
    waiting = ""  # a marker alone on its line ("•" pasted from a PDF), for the next line
    for indent, line in paragraph.lines:
        marker, rest = _marker(line)
        lone, _ = _marker(line + " x")
        if lone and lone == line.strip():
            waiting = lone
            continue
        if waiting and not marker:
            marker, rest, waiting = waiting, line, ""
        joins = units and not marker and _wrapped(previous[1], previous[0], line, width)
        if joins:
            units[-1].lines.append(line)
        else:
            units.append(_Unit(lines=[rest], marker=marker, indent=indent))
        previous = (indent, line)
    _mark_alone(units)
    return units


def _mark_alone(units: list[_Unit]) -> None:
    """Mark the short single lines that stand on their own.

    The first line of a paragraph stands alone when it is short and unwrapped ("Key learning:"
    above its text); a later short line does when it follows running text rather than another
    short line ("Points for discussion:" after a paragraph), and it is not an item in a list.
    """
    for index, unit in enumerate(units):
        single = len(unit.lines) == 1 and len(unit.text) <= SHORT_LINE
        if index == 0:
            unit.alone = single
            continue
        before = units[index - 1]
        after_text = len(before.lines) > 1 or len(before.text) > SHORT_LINE
        unit.alone = single and not unit.marker and after_text


def _depths(units: list[_Unit]) -> None:
    """Nesting depth of items from their indentation, per run of consecutive items."""
    indents: list[int] = []
    for unit in units:
        if not unit.marker:
            indents = []
            continue
        while indents and unit.indent < indents[-1]:
            indents.pop()
        if not indents or unit.indent > indents[-1]:
            indents.append(unit.indent)
        unit.depth = len(indents) - 1


def _block(unit: _Unit) -> Block:
    text = unit.text
    return Block(
        kind="item" if unit.marker else "paragraph",
        text=text,
        level=unit.depth if unit.marker else 0,
        marker=unit.marker,
        alone=unit.alone,
        links=printed_links(text),
    )


def parse(text: str) -> Document:
    """The blocks of a plain-text briefing, in reading order."""
    paragraphs = _paragraphs(text)
    width = wrap_width(paragraphs)
    units = [unit for paragraph in paragraphs for unit in _units(paragraph, width)]
    _depths(units)
    blocks = tuple(_block(unit) for unit in units if unit.text)
    return Document(format="txt", blocks=blocks)


def read(path: Path) -> Document:
    """Read a ``.txt`` briefing (any common encoding)."""
    return parse(decode(path.read_bytes()))
