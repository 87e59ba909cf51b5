"""PDF briefings: lines with their font size, weight and position, grouped into blocks.

A PDF has no paragraphs or headings, only glyphs at positions, so this reader states what the
page shows: each text line's size (the median of its characters), whether it is bold (by font
name: "-Bold", ",Bold", Black, Heavy, Semibold), where it sits and on which page. Lines become
blocks where the layout breaks (a gap, a change of size or weight, a list marker, a return to
the margin after an item); a single-line block is ``alone``. What every page repeats in its top
or bottom margin (a running header, "Page 2 of 4") is not the briefing and is dropped. Link
annotations give their target to the words under their rectangle, and printed addresses are
links too. Text comes from pdfminer.six (MIT; PyMuPDF is AGPL and not used).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import BinaryIO, NoReturn

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import (
    LAParams,
    LTAnno,
    LTChar,
    LTComponent,
    LTContainer,
    LTPage,
    LTTextBox,
    LTTextLineHorizontal,
)
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import PSLiteral
from pdfminer.utils import decode_text

from bot.importer.blocks import Block, Document, Link, normalise_space, split_marker
from bot.importer.limits import MAX_PDF_PAGES, BriefingReadError
from bot.importer.text import clean_line
from bot.importer.urls import kept_url, merge_links, printed_links

# Tuned for briefings: paragraphs are usually set with at least half a line between them
# (line_margin), words inside a line are never further apart than two characters (char_margin),
# and text inside Form XObjects (how some layout tools place boxes) is read too (all_texts).
LAPARAMS = LAParams(
    line_overlap=0.5, char_margin=2.0, line_margin=0.5, word_margin=0.1, all_texts=True
)
# The share of the page's height at the top and bottom where running headers and footers sit.
MARGIN_SHARE = 0.12
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demibold|demi\b|extrabold", re.IGNORECASE)
_PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?(?:\d{1,4}|[ivxlc]{1,6})(?:\s*(?:of|/)\s*\d{1,4})?$"
    r"|^[-\u2013\u2014]\s*\d{1,4}\s*[-\u2013\u2014]$",
    re.IGNORECASE,
)
# What pdfminer writes for a glyph its font gives no Unicode for.
_UNMAPPED = re.compile(r"\(cid:\d+\)")
_HYPHENS = ("-", "\u2010", "\u00ad")
_URL_START = re.compile(r"(?i)^(?:https?://|www\.)")


@dataclass
class _Line:
    """One text line as the page shows it."""

    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    size: float
    bold: bool
    page: int
    box: int
    first_word: float = 0.0  # the width of the line's first word, in points
    right: float = 0.0  # the right edge of the text column the line sits in
    links: dict[int, str] = field(default_factory=dict)  # annotation index -> words under it

    @property
    def height(self) -> float:
        return max(self.y1 - self.y0, 1.0)


@dataclass(frozen=True)
class _Annotation:
    """A link annotation: its rectangle on the page and where it goes."""

    x0: float
    y0: float
    x1: float
    y1: float
    url: str

    def covers(self, char: LTComponent) -> bool:
        middle_x = (char.x0 + char.x1) / 2
        middle_y = (char.y0 + char.y1) / 2
        return self.x0 - 1 <= middle_x <= self.x1 + 1 and self.y0 - 1 <= middle_y <= self.y1 + 1


# --- reading the pages ------------------------------------------------------------------


def _is_bold(fontname: object) -> bool:
    name = str(fontname).split("+", 1)[-1]
    return bool(_BOLD_FONT.search(name))


def _annotations(page: PDFPage) -> list[_Annotation]:
    """The page's link annotations that point at a web, mail or phone address."""
    found: list[_Annotation] = []
    for raw in resolve1(page.annots) or []:
        annotation = resolve1(raw)
        if not isinstance(annotation, dict):
            continue
        subtype = resolve1(annotation.get("Subtype"))
        if not isinstance(subtype, PSLiteral) or subtype.name != "Link":
            continue
        action = resolve1(annotation.get("A"))
        uri = resolve1(action.get("URI")) if isinstance(action, dict) else None
        rect = resolve1(annotation.get("Rect"))
        if not isinstance(uri, bytes) or not isinstance(rect, list) or len(rect) != 4:
            continue
        url = kept_url(decode_text(uri) if uri.startswith(b"\xfe\xff") else uri.decode("latin-1"))
        if url:
            x0, y0, x1, y1 = (float(resolve1(v)) for v in rect)
            found.append(_Annotation(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), url))
    return found


def _text_lines(layout: LTPage) -> list[tuple[int, LTTextLineHorizontal]]:
    """Every horizontal text line on the page with the number of its text box, in order."""
    lines: list[tuple[int, LTTextLineHorizontal]] = []
    boxes = 0

    def visit(item: LTComponent) -> None:
        nonlocal boxes
        if isinstance(item, LTTextLineHorizontal):
            boxes += 1
            lines.append((boxes, item))
        elif isinstance(item, LTTextBox):
            boxes += 1
            lines.extend((boxes, line) for line in item if isinstance(line, LTTextLineHorizontal))
        elif isinstance(item, LTContainer):
            for child in item:
                visit(child)

    visit(layout)
    return lines


def _line(
    item: LTTextLineHorizontal, box: int, page: int, annotations: list[_Annotation]
) -> _Line | None:
    """A pdfminer line as a :class:`_Line`, with the words under each link annotation."""
    chars = [c for c in item if isinstance(c, LTChar)]
    text = normalise_space(clean_line(_UNMAPPED.sub("", item.get_text())))
    if not text or not chars:
        return None
    inked = [c for c in chars if c.get_text().strip()] or chars
    line = _Line(
        text=text,
        x0=item.x0,
        x1=item.x1,
        y0=item.y0,
        y1=item.y1,
        size=round(statistics.median(c.size for c in inked) * 2) / 2,
        bold=all(_is_bold(c.fontname) for c in inked),
        page=page,
        box=box,
        first_word=_first_word_width(item),
    )
    for index, annotation in enumerate(annotations):
        words = _words_under(item, annotation)
        if words:
            line.links[index] = words
    return line


def _first_word_width(item: LTTextLineHorizontal) -> float:
    """How wide the line's first word is: would it have fitted at the end of the line above?"""
    start: float | None = None
    end = 0.0
    for obj in item:
        text = obj.get_text()
        if not text.strip():
            if start is not None:
                break
            continue
        if isinstance(obj, LTChar):
            start = obj.x0 if start is None else start
            end = obj.x1
    return end - start if start is not None else 0.0


def _words_under(item: LTTextLineHorizontal, annotation: _Annotation) -> str:
    """The text of a line that lies under an annotation's rectangle."""
    if item.x1 < annotation.x0 or item.x0 > annotation.x1:
        return ""
    if item.y1 < annotation.y0 or item.y0 > annotation.y1:
        return ""
    words: list[str] = []
    inside = False
    for obj in item:
        if isinstance(obj, LTChar):
            inside = annotation.covers(obj)
            if inside:
                words.append(obj.get_text())
        elif isinstance(obj, LTAnno) and inside:
            words.append(obj.get_text())
    return normalise_space("".join(words))


def _attach_markers(lines: list[_Line]) -> list[_Line]:
    """A marker set apart from its text ("1." drawn in its own box) joined to that text.

    Typesetters often draw a list's numbers or bullets separately, so pdfminer finds "1." as a
    line of its own, sometimes before all the items; the marker belongs to the line that starts
    just right of it on the same baseline.
    """
    merged: set[int] = set()
    for line in lines:
        marker, rest = split_marker(line.text + " x")
        if not marker or rest != "x":
            continue
        target = _text_right_of(line, lines, merged)
        if target is not None:
            target.text = f"{line.text} {target.text}"
            target.x0 = min(target.x0, line.x0)
            merged.add(id(line))
    return [line for line in lines if id(line) not in merged]


def _text_right_of(marker: _Line, lines: list[_Line], merged: set[int]) -> _Line | None:
    for line in lines:
        if line is marker or id(line) in merged:
            continue
        same_baseline = abs(line.y0 - marker.y0) <= max(2.0, marker.height * 0.3)
        if same_baseline and -2 <= line.x0 - marker.x1 <= 4 * max(marker.size, 1):
            return line
    return None


# --- running headers, footers and page numbers ----------------------------------------------


def _margin_lines(lines: list[_Line], height: float) -> list[_Line]:
    """Lines that could be a running header or footer: on their own, in the top or bottom margin.

    A line of running text that happens to reach the bottom margin shares its text box with
    the lines above it, so only a line that is its text box's only line is considered.
    """
    per_box = Counter(line.box for line in lines)
    return [
        line
        for line in lines
        if per_box[line.box] == 1
        and (line.y0 >= height * (1 - MARGIN_SHARE) or line.y1 <= height * MARGIN_SHARE)
    ]


def _furniture_key(line: _Line) -> tuple[str, int]:
    """A running line's identity: its text with digits masked, and its height on the page."""
    return re.sub(r"\d+", "#", line.text.lower()), round(line.y0 / 4)


def _drop_furniture(pages: list[list[_Line]], heights: list[float]) -> list[list[_Line]]:
    """Lines repeated in the same margin position on two or more pages, and page numbers."""
    margins = [_margin_lines(lines, height) for lines, height in zip(pages, heights, strict=True)]
    seen: Counter[tuple[str, int]] = Counter()
    for candidates in margins:
        seen.update({_furniture_key(line) for line in candidates})
    kept: list[list[_Line]] = []
    for lines, candidates in zip(pages, margins, strict=True):
        dropped = {
            id(line)
            for line in candidates
            if seen[_furniture_key(line)] >= 2 or _PAGE_NUMBER.match(line.text)
        }
        kept.append([line for line in lines if id(line) not in dropped])
    return kept


# --- blocks -----------------------------------------------------------------------------


def _joined(before: str, after: str) -> str:
    """Two lines of one block as one text: a word hyphenated across them is made whole.

    An address broken at the end of a line ("www.northmoor-" / "scp.example.org") keeps its
    hyphen and loses the space, so the printed link survives.
    """
    last = before.rsplit(" ", 1)[-1]
    if _URL_START.match(last) and before.endswith(("-", "/", "_", "=", "&", "?", "#", ".")):
        if not (before.endswith(".") and after[:1].isupper()):
            return before + after
    if before.endswith(_HYPHENS) and len(before) > 1 and before[-2].isalpha():
        if after[:1].islower():
            return before[:-1] + after
    return f"{before} {after}"


@dataclass
class _Gathering:
    """The block being built from consecutive lines."""

    lines: list[_Line]
    marker: str

    @property
    def last(self) -> _Line:
        return self.lines[-1]


@dataclass(frozen=True)
class _Spacing:
    """The document's usual distance between the baselines of a paragraph's lines, per size."""

    pitches: dict[float, float]

    @classmethod
    def measure(cls, pages: list[list[_Line]]) -> _Spacing:
        """The most common baseline-to-baseline distance between lines of one size.

        Most consecutive lines of a size are lines of one paragraph, so the most common distance
        is the line spacing, and a larger one is a gap between paragraphs: pdfminer's own
        grouping uses a fixed share of the line height, which generous line spacing defeats.
        """
        counts: dict[float, Counter[float]] = {}
        for lines in pages:
            for above, below in pairwise(lines):
                pitch = above.y0 - below.y0
                same = above.size == below.size and above.bold == below.bold
                overlap = below.x0 < above.x1 and below.x1 > above.x0
                if same and overlap and 0 < pitch < 3 * above.size:
                    counts.setdefault(above.size, Counter())[round(pitch * 2) / 2] += 1
        pitches = {
            size: min(p for p, n in found.items() if n == max(found.values()))
            for size, found in counts.items()
        }
        return cls(pitches=pitches)


def _mark_column_edges(lines: list[_Line]) -> None:
    """Each line's column right edge: the furthest any line of its size beside it reaches."""
    for line in lines:
        line.right = max(
            other.x1
            for other in lines
            if other.size == line.size and other.x0 < line.x1 and other.x1 > line.x0
        )


def _ended_early(block: _Gathering, line: _Line) -> bool:
    """Whether the line above stopped short although this line's first word would have fitted.

    That is a line break the author made (an address, a list typed without markers), not a
    wrap, so the line starts a new block. Centred lines are not judged (their ends vary).
    """
    last = block.last
    if not block.marker and abs(line.x0 - block.lines[0].x0) > 2:
        return False
    room = line.right - last.x1 - 0.3 * line.size
    return line.first_word > 0 and room > line.first_word + 1


def _continues(block: _Gathering, line: _Line, marker: str, spacing: _Spacing) -> bool:
    """Whether ``line`` carries on the block above rather than starting a new one."""
    last = block.last
    if marker or line.page != last.page:
        return False
    if abs(line.size - last.size) > 0.5 or line.bold != last.bold:
        return False
    pitch = last.y0 - line.y0
    usual = spacing.pitches.get(line.size)
    if pitch <= 0 or (usual is not None and pitch > usual * 1.12 + 0.5):
        return False
    if usual is None and (line.box != last.box or last.y0 - line.y1 > line.height * 0.9):
        return False
    if block.marker and line.x0 < block.lines[0].x0 - 2:  # back left of the marker
        return False
    return not _ended_early(block, line)


def _blocks(
    lines: list[_Line], annotations: dict[int, list[_Annotation]], spacing: _Spacing
) -> list[Block]:
    _mark_column_edges(lines)
    gathered: list[_Gathering] = []
    for line in lines:
        marker, rest = split_marker(line.text)
        if gathered and _continues(gathered[-1], line, marker, spacing):
            gathered[-1].lines.append(line)
            continue
        if marker:
            line.text = rest
        gathered.append(_Gathering(lines=[line], marker=marker))
    return [_block(g, annotations) for g in gathered]


def _block(gathering: _Gathering, annotations: dict[int, list[_Annotation]]) -> Block:
    text = gathering.lines[0].text
    for line in gathering.lines[1:]:
        text = _joined(text, line.text)
    text = normalise_space(text)
    first = gathering.lines[0]
    words: dict[int, str] = {}
    for line in gathering.lines:
        for index, shown in line.links.items():
            words[index] = _joined(words[index], shown) if index in words else shown
    page_annotations = annotations.get(first.page, [])
    declared = tuple(
        Link(text=normalise_space(shown), url=page_annotations[index].url)
        for index, shown in sorted(words.items())
    )
    return Block(
        kind="item" if gathering.marker else "paragraph",
        text=text,
        marker=gathering.marker,
        size=max(line.size for line in gathering.lines),
        bold=all(line.bold for line in gathering.lines),
        alone=len(gathering.lines) == 1,
        links=merge_links(declared, printed_links(text)),
        page=first.page,
    )


def _across_pages(pages: list[list[Block]]) -> list[Block]:
    """Blocks in order, a paragraph that a page break cut in two made whole again.

    The cut is recognised by its layout: the paragraph's text stops without a sentence's end
    and the next page's first block carries on in lower case in the same size and weight.
    """
    blocks: list[Block] = []
    last_page = 0  # the page the last block ends on (a joined block ends after it starts)
    for page in pages:
        for index, block in enumerate(page):
            previous = blocks[-1] if blocks else None
            if (
                index == 0
                and previous is not None
                and block.page == last_page + 1
                and _cut_by_page(previous, block)
            ):
                blocks[-1] = replace(
                    previous,
                    text=_joined(previous.text, block.text),
                    alone=False,
                    links=merge_links(previous.links, block.links),
                )
            else:
                blocks.append(block)
            last_page = block.page
    return blocks


def _cut_by_page(before: Block, after: Block) -> bool:
    return (
        before.kind in ("paragraph", "item")
        and after.kind == "paragraph"
        and not after.marker
        and not before.text.endswith((".", "?", "!", ":", ";"))
        and after.text[:1].islower()
        and abs(before.size - after.size) <= 0.5
        and before.bold == after.bold
    )


# --- the file -----------------------------------------------------------------------------


def _document(handle: BinaryIO, name: str) -> PDFDocument:
    """The parsed PDF, or a plain error for one that is locked."""
    try:
        return PDFDocument(PDFParser(handle))
    except PDFPasswordIncorrect as exc:
        raise BriefingReadError(
            f"{name}: is password-protected: save a copy without a password and import that"
        ) from exc
    except PDFEncryptionError as exc:
        raise BriefingReadError(f"{name}: is encrypted in a way that cannot be read") from exc


def _title(document: PDFDocument) -> str:
    for info in document.info:
        title = resolve1(info.get("Title"))
        if isinstance(title, bytes):
            return normalise_space(decode_text(title))
        if isinstance(title, str):
            return normalise_space(title)
    return ""


@dataclass
class _Pages:
    lines: list[list[_Line]] = field(default_factory=list)
    heights: list[float] = field(default_factory=list)
    annotations: dict[int, list[_Annotation]] = field(default_factory=dict)
    unmapped: int = 0  # glyphs whose font has no Unicode map: text that is lost


def _page_count(document: PDFDocument) -> int:
    """The page count the page tree declares (cheap: no page is laid out)."""
    tree = resolve1(document.catalog.get("Pages"))
    count = resolve1(tree.get("Count")) if isinstance(tree, dict) else None
    return count if isinstance(count, int) else 0


def _too_many_pages(name: str, count: int | str) -> NoReturn:
    raise BriefingReadError(
        f"{name}: has {count} pages, too many for a briefing (at most {MAX_PDF_PAGES}): "
        "import the briefing itself, not a whole report"
    )


def _read_pages(document: PDFDocument, name: str) -> _Pages:
    declared = _page_count(document)
    if declared > MAX_PDF_PAGES:
        _too_many_pages(name, declared)
    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=LAPARAMS)
    interpreter = PDFPageInterpreter(resources, device)
    pages = _Pages()
    for number, page in enumerate(PDFPage.create_pages(document), start=1):
        if number > MAX_PDF_PAGES:  # a page tree whose Count understates it
            _too_many_pages(name, f"more than {MAX_PDF_PAGES}")
        interpreter.process_page(page)
        layout = device.get_result()
        annotations = _annotations(page)
        pages.annotations[number] = annotations
        found = _text_lines(layout)
        pages.unmapped += sum(len(_UNMAPPED.findall(item.get_text())) for _, item in found)
        lines = [
            line
            for box, item in found
            if (line := _line(item, box, number, annotations)) is not None
        ]
        pages.lines.append(_attach_markers(lines))
        pages.heights.append(layout.height)
    return pages


def read(path: Path) -> Document:
    """Read a ``.pdf`` briefing: blocks in reading order, running headers and footers dropped."""
    with path.open("rb") as handle:
        document = _document(handle, path.name)
        pages = _read_pages(document, path.name)
        title = _title(document)
    kept = _drop_furniture(pages.lines, pages.heights)
    spacing = _Spacing.measure(kept)
    blocks = _across_pages([_blocks(lines, pages.annotations, spacing) for lines in kept])
    if pages.lines and not blocks:
        raise BriefingReadError(
            f"{path.name}: has no text to read (it may be a scanned image; "
            "run it through OCR first or import a text version)"
        )
    notes: tuple[str, ...] = ()
    if pages.unmapped:
        notes = (
            f"{pages.unmapped} character(s) could not be read: a font in the PDF has no "
            "Unicode map; compare the draft with the PDF",
        )
    return Document(
        format="pdf", blocks=tuple(blocks), pages=len(pages.lines), title_hint=title, notes=notes
    )
