"""Word briefings (.docx): styles, numbering, bold, font sizes and hyperlinks, as blocks.

Word states more than plain text: a "Heading 2" style is a heading of level 2 (so is a custom
style based on it, or one with an outline level), a numbered paragraph shows a number Word
computes from the numbering definitions (so this reader counts them the way Word does, per list
and level), and a hyperlink's address sits in the document's relationships. Bold and size are
what Word would display: the run's own setting, else its character style's, else the
paragraph style's, else the document default. Text boxes (where 7-minute briefings often keep
their sections) are read after the paragraph that anchors them; tables become one paragraph per
row, unless a table only lays out the page, when its cells are read as ordinary text.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from docx import Document as open_docx
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from bot.importer.blocks import (
    Block,
    BlockKind,
    Document,
    Link,
    normalise_space,
    ordinal_marker,
    split_marker,
)
from bot.importer.limits import (
    DOCX_RATIO_FLOOR,
    MAX_DOCX_RATIO,
    MAX_DOCX_UNPACKED_BYTES,
    MB,
    BriefingReadError,
)
from bot.importer.text import SHORT_LINE, clean_line
from bot.importer.urls import kept_url, merge_links, printed_links

DEFAULT_SIZE = 11.0
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_LIST_STYLE = re.compile(r"^List(?: Bullet| Number| Continue)? (\d)$")
_FIELD_LINK = re.compile(r'HYPERLINK\s+"([^"]+)"', re.IGNORECASE)
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Elements whose text is not shown in place: deleted revisions, text boxes (read after their
# paragraph), the legacy copy of a drawing, field instructions, footnote references.
_SKIPPED = frozenset({qn("w:del"), qn("w:txbxContent"), _MC_FALLBACK, qn("w:instrText")})
_NUMBER_FORMATS = {
    "decimal": "1",
    "decimalZero": "1",
    "lowerLetter": "a",
    "upperLetter": "A",
    "lowerRoman": "i",
    "upperRoman": "I",
}


@dataclass
class _Segment:
    text: str
    bold: bool
    size: float
    link: str = ""


@dataclass
class _Level:
    """One level of a numbering definition: its format, its text pattern and where it starts."""

    fmt: str = "bullet"
    text: str = "%1."
    start: int = 1


class _Numbering:
    """Word's numbering definitions, counted as Word counts them: per list (numId) and level."""

    def __init__(self, element: Any | None) -> None:
        self.levels: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, str] = {}
        self.overrides: dict[tuple[str, int], int] = {}
        self.counters: dict[str, list[int]] = {}
        if element is not None:
            self._load(element)

    def _load(self, element: Any) -> None:
        for abstract in element.iterchildren(qn("w:abstractNum")):
            levels: dict[int, _Level] = {}
            for lvl in abstract.iterchildren(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = _Level(
                    fmt=_val(lvl, "w:numFmt") or "decimal",
                    text=_val(lvl, "w:lvlText") or "",
                    start=int(_val(lvl, "w:start") or "1"),
                )
            self.levels[abstract.get(qn("w:abstractNumId"), "")] = levels
        for num in element.iterchildren(qn("w:num")):
            num_id = num.get(qn("w:numId"), "")
            self.nums[num_id] = _val(num, "w:abstractNumId") or ""
            for override in num.iterchildren(qn("w:lvlOverride")):
                start = _val(override, "w:startOverride")
                if start:
                    self.overrides[(num_id, int(override.get(qn("w:ilvl"), "0")))] = int(start)

    def level(self, num_id: str, ilvl: int) -> _Level | None:
        levels = self.levels.get(self.nums.get(num_id, ""))
        return levels.get(ilvl) if levels else None

    def marker(self, num_id: str, ilvl: int) -> str:
        """The marker Word shows for the next item of list ``num_id`` at level ``ilvl``."""
        level = self.level(num_id, ilvl)
        if level is None:
            return ""
        counters = self.counters.setdefault(num_id, [0] * 9)
        if counters[ilvl] == 0:
            counters[ilvl] = self.overrides.get((num_id, ilvl), level.start)
        else:
            counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        if level.fmt == "bullet" or (level.fmt not in _NUMBER_FORMATS and level.fmt != "none"):
            return "\u2022"
        if level.fmt == "none":
            return ""
        return self._render(num_id, ilvl, level.text, counters)

    def _render(self, num_id: str, ilvl: int, pattern: str, counters: list[int]) -> str:
        """``"%1.%2."`` with each level's counter in that level's format."""

        def number(match: re.Match[str]) -> str:
            at = int(match.group(1)) - 1
            shown = self.level(num_id, at) or _Level(fmt="decimal")
            kind = _NUMBER_FORMATS.get(shown.fmt, "1")
            value = counters[at] or shown.start
            return ordinal_marker(value, kind)[:-1]

        rendered = re.sub(r"%(\d)", number, pattern or f"%{ilvl + 1}.").strip()
        return rendered or f"{counters[ilvl]}."


def _val(element: Any, child: str) -> str:
    found = element.find(qn(child))
    return str(found.get(qn("w:val"), "")) if found is not None else ""


@dataclass
class _Context:
    """The document-wide facts a paragraph needs: relationships, numbering, defaults."""

    rels: Any
    numbering: _Numbering
    default_size: float
    notes: list[str] = field(default_factory=list)
    style_counters: dict[str, int] = field(default_factory=dict)


def _styles(style: BaseStyle | None) -> Iterator[BaseStyle]:
    """A style and the styles it is based on, nearest first."""
    seen = 0
    while style is not None and seen < 20:
        yield style
        style = getattr(style, "base_style", None)
        seen += 1


def _heading_level(paragraph: Paragraph) -> int:
    """The heading level a paragraph's style (or outline level) states; 0 for body text."""
    outline = _ppr_value(paragraph._p.pPr, "w:outlineLvl")
    for style in _styles(paragraph.style):
        name = style.name or ""
        found = _HEADING_STYLE.match(name)
        if found:
            return int(found.group(1))
        if name.lower() == "title":
            return 1
        outline = outline or _ppr_value(style.element.pPr, "w:outlineLvl")
    return int(outline) + 1 if outline and int(outline) < 9 else 0


def _ppr_value(ppr: Any, child: str) -> str:
    return _val(ppr, child) if ppr is not None else ""


def _num_pr(paragraph: Paragraph) -> tuple[str, int] | None:
    """The (list, level) a paragraph is numbered in, from itself or its style; None if none."""
    candidates = [paragraph._p.pPr, *(style.element.pPr for style in _styles(paragraph.style))]
    num_id, ilvl = "", ""
    for ppr in candidates:
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if num_pr is None:
            continue
        num_id = num_id or _val(num_pr, "w:numId")
        ilvl = ilvl or _val(num_pr, "w:ilvl")
    if not num_id or num_id == "0":
        return None
    return num_id, min(int(ilvl or "0"), 8)


def _run_bold(run: Run, paragraph: Paragraph) -> bool:
    if run.bold is not None:
        return run.bold
    for style in (*_styles(run.style), *_styles(paragraph.style)):
        font = getattr(style, "font", None)
        bold = font.bold if font is not None else None
        if bold is not None:
            return bool(bold)
    return False


def _run_size(run: Run, paragraph: Paragraph, default: float) -> float:
    if run.font.size is not None:
        return float(run.font.size.pt)
    for style in (*_styles(run.style), *_styles(paragraph.style)):
        font = getattr(style, "font", None)
        size = font.size if font is not None else None
        if size is not None:
            return float(size.pt)
    return default


@dataclass
class _Runs:
    """The visible runs of a paragraph, gathered with the link each belongs to."""

    paragraph: Paragraph
    context: _Context
    segments: list[_Segment] = field(default_factory=list)
    field_url: str = ""
    field_link: str = ""

    def gather(self, element: Any, link: str) -> None:
        """Every run under ``element`` in order, skipping what is not shown in place."""
        for child in element.iterchildren():
            tag = child.tag
            if tag in _SKIPPED:
                self._instruction(child)
                continue
            if tag == qn("w:r"):
                self._run(child, link)
            elif tag == qn("w:hyperlink"):
                self.gather(child, self._hyperlink(child) or link)
            elif tag == qn("w:fldSimple"):
                found = _FIELD_LINK.search(child.get(qn("w:instr"), ""))
                self.gather(child, kept_url(found.group(1)) if found else link)
            else:
                self.gather(child, link)

    def _instruction(self, element: Any) -> None:
        if element.tag == qn("w:instrText"):
            found = _FIELD_LINK.search(element.text or "")
            if found:
                self.field_url = kept_url(found.group(1))

    def _hyperlink(self, element: Any) -> str:
        rel_id = element.get(qn("r:id"))
        rel = self.context.rels.get(rel_id) if rel_id else None
        if rel is None or not rel.is_external:
            return ""
        return kept_url(str(rel.target_ref))

    def _run(self, element: Any, link: str) -> None:
        for char in element.iterchildren(qn("w:fldChar")):
            kind = char.get(qn("w:fldCharType"))
            if kind == "separate":
                self.field_link = self.field_url
            elif kind == "end":
                self.field_link = self.field_url = ""
        for instruction in element.iterchildren(qn("w:instrText")):
            self._instruction(instruction)
        run = Run(element, self.paragraph)
        text = run.text
        if not text:
            return
        self.segments.append(
            _Segment(
                text=text,
                bold=_run_bold(run, self.paragraph),
                size=_run_size(run, self.paragraph, self.context.default_size),
                link=link or self.field_link,
            )
        )


def _lines(segments: list[_Segment]) -> list[list[_Segment]]:
    """Segments split at Word's line breaks (a soft return is a new line)."""
    lines: list[list[_Segment]] = [[]]
    for segment in segments:
        parts = segment.text.split("\n")
        for index, part in enumerate(parts):
            if index:
                lines.append([])
            if part:
                lines[-1].append(
                    _Segment(text=part, bold=segment.bold, size=segment.size, link=segment.link)
                )
    return [line for line in lines if "".join(s.text for s in line).strip()]


def _links(line: list[_Segment], text: str) -> tuple[Link, ...]:
    shown: dict[str, str] = {}
    for segment in line:
        if segment.link:
            shown[segment.link] = shown.get(segment.link, "") + segment.text
    declared = tuple(
        Link(text=normalise_space(words), url=url)
        for url, words in shown.items()
        if normalise_space(words)
    )
    return merge_links(declared, printed_links(text))


@dataclass(frozen=True)
class _Shape:
    """What a paragraph's style and numbering make of it."""

    kind: BlockKind
    level: int = 0
    marker: str = ""


def _style_depth(style: str) -> int:
    """The depth Word's list styles name: "List Bullet 2" is the second level."""
    found = _LIST_STYLE.match(style)
    return int(found.group(1)) - 1 if found else 0


def _shape(paragraph: Paragraph, context: _Context) -> _Shape:
    """Heading, numbered item or paragraph, with its level and computed marker."""
    numbered = _num_pr(paragraph)
    marker = ""
    if numbered and context.numbering.level(*numbered):
        marker = context.numbering.marker(*numbered)
    heading = _heading_level(paragraph)
    if heading:  # a numbered heading keeps the number Word shows beside it
        return _Shape("heading", heading, marker)
    style = (paragraph.style.name if paragraph.style else "") or ""
    depth = _style_depth(style)
    if numbered and marker:
        return _Shape("item", max(numbered[1], depth), marker)
    if style.startswith("List Bullet"):
        return _Shape("item", depth, "\u2022")
    if style.startswith("List Number"):
        count = context.style_counters.get(style, 0) + 1
        context.style_counters[style] = count
        return _Shape("item", depth, f"{count}.")
    return _Shape("paragraph")


def _paragraph_blocks(paragraph: Paragraph, context: _Context) -> list[Block]:
    """A paragraph's blocks (one per line), then those of its text boxes."""
    runs = _Runs(paragraph=paragraph, context=context)
    runs.gather(paragraph._p, "")
    lines = _lines(runs.segments)
    shape = _shape(paragraph, context) if lines else _Shape("paragraph")
    blocks: list[Block] = []
    for index, line in enumerate(lines):
        text = normalise_space(clean_line("".join(s.text for s in line)))
        kind, level, marker = shape.kind, shape.level, shape.marker
        if index and kind == "item":
            kind, level, marker = "paragraph", 0, ""
        if kind == "paragraph":
            marker, rest = split_marker(text)
            if marker:
                kind, text = "item", rest
        weighed = [s for s in line if s.text.strip()]
        blocks.append(
            Block(
                kind=kind,
                text=text,
                level=level,
                marker=marker,
                size=max(s.size for s in line),
                bold=all(s.bold for s in weighed),
                alone=kind == "paragraph" and len(lines) == 1 and len(text) <= SHORT_LINE,
                links=_links(line, text),
            )
        )
    for box in _text_boxes(paragraph):
        blocks += _container_blocks(box, paragraph, context)
    return blocks


def _text_boxes(paragraph: Paragraph) -> list[Any]:
    """The text boxes anchored in a paragraph (not the legacy copies Word keeps beside them)."""
    boxes = []
    for box in paragraph._p.iter(qn("w:txbxContent")):
        ancestors = {a.tag for a in box.iterancestors()}
        if _MC_FALLBACK not in ancestors:
            boxes.append(box)
    return [box for box in boxes if not any(a in boxes for a in box.iterancestors())]


def _container_blocks(element: Any, parent: Any, context: _Context) -> list[Block]:
    """The blocks of a body, a table cell or a text box: its paragraphs and tables in order."""
    blocks: list[Block] = []
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            blocks += _paragraph_blocks(Paragraph(child, parent), context)
        elif child.tag == qn("w:tbl"):
            blocks += _table_blocks(Table(child, parent), context)
        elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
            blocks += _container_blocks(child, parent, context)
    return blocks


def _cells(table: Table) -> list[list[_Cell]]:
    """Each row's cells once (not the continuation of a cell merged down from above)."""
    rows = []
    for tr in table._tbl.tr_lst:
        cells = []
        for tc in tr.tc_lst:
            merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
            if merge is not None and merge.get(qn("w:val")) != "restart":
                continue
            cells.append(_Cell(tc, table))
        rows.append(cells)
    return rows


def _is_layout(rows: list[list[_Cell]]) -> bool:
    """A table that lays out the page: a cell holds several paragraphs, a heading or a table."""
    for row in rows:
        for cell in row:
            filled = [p for p in cell.paragraphs if p.text.strip()]
            if len(filled) > 1 or cell.tables or any(_heading_level(p) for p in filled):
                return True
    return False


def _table_blocks(table: Table, context: _Context) -> list[Block]:
    """A data table as one paragraph per row (cells joined by " | "); a layout table as text."""
    rows = _cells(table)
    if _is_layout(rows):
        return [
            b for row in rows for cell in row for b in _container_blocks(cell._tc, cell, context)
        ]
    blocks: list[Block] = []
    for row in rows:
        cells = [b for cell in row for b in _container_blocks(cell._tc, cell, context)]
        text = " | ".join(
            block.text if not block.marker else f"{block.marker} {block.text}" for block in cells
        )
        if not text:
            continue
        blocks.append(
            Block(
                kind="paragraph",
                text=text,
                size=max(block.size for block in cells),
                bold=all(block.bold for block in cells),
                links=merge_links(*(block.links for block in cells)),
            )
        )
    return blocks


def _default_size(document: Any) -> float:
    """The document's default font size (docDefaults), else Word's 11 pt."""
    sizes = document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:sz/@w:val")
    try:
        return int(sizes[0]) / 2 if sizes else DEFAULT_SIZE
    except ValueError:
        return DEFAULT_SIZE


def _numbering(document: Any) -> _Numbering:
    try:
        part = document.part.part_related_by(RELATIONSHIP_TYPE.NUMBERING)
    except KeyError:
        return _Numbering(None)
    return _Numbering(part.element)


_NOTE_KINDS = (
    (RELATIONSHIP_TYPE.FOOTNOTES, "w:footnote"),
    (RELATIONSHIP_TYPE.ENDNOTES, "w:endnote"),
)
_NOT_NOTES = frozenset({"separator", "continuationSeparator", "continuationNotice"})


def _note_blocks(document: Any, context: _Context) -> list[Block]:
    """Footnotes and endnotes after the body, each led by its number ("[1] ...").

    Briefings often give a source's address only in a footnote; the note's own hyperlinks are
    in the notes part's relationships, not the document's.
    """
    blocks: list[Block] = []
    for reltype, tag in _NOTE_KINDS:
        try:
            part = document.part.part_related_by(reltype)
        except KeyError:
            continue
        notes_context = replace(context, rels=part.rels)
        notes = [
            note
            for note in parse_xml(part.blob).iterchildren(qn(tag))
            if note.get(qn("w:type")) not in _NOT_NOTES
        ]
        for number, note in enumerate(notes, start=1):
            made = _container_blocks(note, document, notes_context)
            if made:
                made[0] = replace(made[0], text=f"[{number}] {made[0].text}", alone=False)
            blocks += made
    return blocks


def _check_unpacked(path: Path) -> None:
    """Refuse a zip bomb from its table of contents, before a byte is decompressed.

    zipfile never returns more than a member's declared size, so the declared sizes bound
    what python-docx can be made to unpack.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise BriefingReadError(f"{path.name}: is not a readable Word .docx file") from exc
    total = sum(member.file_size for member in members)
    if total > MAX_DOCX_UNPACKED_BYTES:
        raise BriefingReadError(
            f"{path.name}: unpacks to {total / MB:.0f} MB, too large to be a briefing "
            f"(at most {MAX_DOCX_UNPACKED_BYTES // MB} MB)"
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= DOCX_RATIO_FLOOR and ratio > MAX_DOCX_RATIO:
            raise BriefingReadError(
                f"{path.name}: {member.filename} expands {ratio:.0f} times, "
                f"which no Word document does (at most {MAX_DOCX_RATIO}): it is not a briefing"
            )


def _open(path: Path) -> Any:
    """The Word document at ``path``, or a plain error for what is not one."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == _OLE_MAGIC:
        raise BriefingReadError(
            f"{path.name}: is password-protected or an old Word .doc file: "
            "open it in Word and save it as .docx without a password"
        )
    if not head.startswith(b"PK"):
        raise BriefingReadError(f"{path.name}: is not a Word .docx file")
    _check_unpacked(path)
    try:
        return open_docx(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError) as exc:
        raise BriefingReadError(f"{path.name}: is not a readable Word .docx file") from exc
    except ValueError as exc:  # a zip of another kind (a spreadsheet renamed .docx)
        raise BriefingReadError(f"{path.name}: is not a Word document") from exc


def read(path: Path) -> Document:
    """Read a ``.docx`` briefing: its body, in order, with styles, numbering and links."""
    document = _open(path)
    context = _Context(
        rels=document.part.rels,
        numbering=_numbering(document),
        default_size=_default_size(document),
    )
    blocks = _container_blocks(document.element.body, document, context)
    blocks += _note_blocks(document, context)
    return Document(
        format="docx",
        blocks=tuple(blocks),
        title_hint=normalise_space(document.core_properties.title or ""),
        notes=tuple(context.notes),
    )
