"""Which blocks are headings, and how big: layout facts turned into a heading level.

A reader says only what its format states (an HTML <h2>, a bold line, a 16 pt line, a line on
its own). Briefings make headings in every way at once, so the recogniser decides here, once,
from layout alone: an explicit heading; else a short line that is on its own, bold, larger than
the body text, in capitals, ends with a colon, or is numbered like "3." / "Section 3". The
level comes from the font size's rank where the format has sizes, else from how strongly the
line is marked (capitals and colons above a plain line on its own).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from bot.importer.blocks import Block, Document
from bot.importer.sections import MAX_HEADING_WORDS, SectionKind, labelled_title, section_kind

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MANY_DIGITS = re.compile(r"\d[\d ]{6,}\d")
_SENTENCE_END = re.compile(r"[.;,!]$")
_LABEL_COLON_WORDS = 4
_LARGER_WORDS = 20
_SIZE_STEP = 0.5
_NUMBERED = re.compile(r"^(?:\d{1,2}[.)]|(?:section|part|point|step)\s+\d{1,2}\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """A block with what the recogniser decided about it."""

    block: Block
    heading: bool
    level: int  # 1 is the largest heading; 0 for text
    kind: SectionKind | None  # the section a heading names, if any

    @property
    def text(self) -> str:
        """The block's text."""
        return self.block.text

    @property
    def numbered(self) -> bool:
        """The line carries a number (a list marker or a "3." typed at its start)."""
        return bool(self.block.marker) or bool(_NUMBERED.match(self.block.text))


def body_size(doc: Document) -> float:
    """The body text's font size: the most common size, weighted by text length."""
    sizes: Counter[float] = Counter()
    for block in doc.blocks:
        if block.size > 0:
            sizes[round(block.size, 1)] += len(block.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _label_like(block: Block, larger: bool = False) -> bool:
    """Short, and not a sentence, an address or a phone number.

    A line set larger than the body may be longer (a title over the whole page width), and a
    labelled title ("Finding 3: ...") is measured without its label.
    """
    text = block.text
    words = len((labelled_title(text) or text).split())
    if not text or words > (_LARGER_WORDS if larger else MAX_HEADING_WORDS):
        return False
    if _URL.search(text) or _MANY_DIGITS.search(text):
        return False
    if sum(len(link.text) for link in block.links) >= 0.8 * len(text):
        return False  # a line that is only a link is a link, however it is set
    return not _SENTENCE_END.search(text)


def _marked(block: Block, kind: SectionKind | None, larger: bool) -> bool:
    """The layout marks a short line as a heading (the recogniser's heading rule)."""
    text = block.text
    if text.endswith("?") and kind is None and not (block.bold or larger):
        return False  # a question on its own line is a question, not a heading
    if text.endswith("?") and "," in text and block.kind == "item":
        return False  # "Who do you tell, and how do you record it?" asks; it is not a label
    if text.endswith(":") and kind is None and len(text.split()) > _LABEL_COLON_WORDS:
        return False  # a lead-in sentence ("The review found three things:")
    if block.kind == "item":
        strong = block.bold or larger or (block.alone and _caps(text))  # "4. KEY MESSAGES"
        return kind is not None or (strong and not text.endswith(":"))
    return block.alone or block.bold or larger or _caps(text) or text.endswith(":")


def _strength(block: Block, larger: bool) -> int:
    """How strongly a derived heading is marked, for its level when there are no sizes."""
    return 4 * larger + 2 * block.bold + 2 * _caps(block.text) + block.text.endswith(":")


def analyse(doc: Document) -> list[Line]:
    """Every block as a :class:`Line`, with heading levels ranked across the document."""
    body = body_size(doc)
    raw: list[tuple[Block, bool, SectionKind | None, int]] = []
    for block in doc.blocks:
        kind = section_kind(block.text)
        larger = body > 0 and block.size > body + _SIZE_STEP
        if block.kind == "heading":
            raw.append((block, True, kind, 0))
            continue
        heading = _label_like(block, larger) and _marked(block, kind, larger)
        raw.append((block, heading, kind if heading else None, _strength(block, larger)))
    return _levelled(raw, body)


def _levelled(raw: list[tuple[Block, bool, SectionKind | None, int]], body: float) -> list[Line]:
    """Rank headings: by size where sizes exist, else explicit levels, then derived strength."""
    sized = body > 0 and any(b.size > 0 for b, heading, _, _ in raw if heading)
    explicit = [b.level or 1 for b, heading, _, _ in raw if heading and b.kind == "heading"]
    deepest = max(explicit, default=0)
    sizes = sorted({round(b.size, 1) for b, heading, _, _ in raw if heading}, reverse=True)
    strengths = sorted(
        {s for b, heading, _, s in raw if heading and b.kind != "heading"}, reverse=True
    )
    lines = []
    for block, heading, kind, strength in raw:
        if not heading:
            lines.append(Line(block, False, 0, None))
            continue
        if sized and block.size > 0:
            level = sizes.index(round(block.size, 1)) + 1
            level = level * 2 - (1 if block.kind == "heading" or block.bold else 0)
        elif block.kind == "heading":
            level = block.level or 1
        else:
            level = deepest + strengths.index(strength) + 1
        lines.append(Line(block, True, level, kind))
    return lines


@dataclass
class Section:
    """A heading of a known kind (or None for the text before the first one) and its body."""

    kind: SectionKind | None
    heading: Line | None
    body: list[Line] = field(default_factory=list)

    @property
    def level(self) -> int:
        """The heading's level (0 for the text before the first heading)."""
        return self.heading.level if self.heading else 0

    def sub_level(self) -> int | None:
        """The level of the first sub-heading, which says how deep this section's titles sit."""
        return next((line.level for line in self.body if line.heading), None)
