"""Build the DOCX and PDF fixture briefings from their text sources, reproducibly.

Usage: ``python -m scripts.briefing_fixtures OUT_DIR [SRC_DIR]`` (SRC_DIR defaults to
tests/data/briefings) writes ``NAME.docx`` for every ``NAME.docx.md`` and ``NAME.pdf`` for every
``NAME.pdf.html``; tests call :func:`build_fixtures` the same way. Binary fixtures are never
committed: they are made from text a person can read and review, with python-docx and
WeasyPrint, and the same source gives the same bytes (fixed dates, fixed zip timestamps).

The DOCX markup (``NAME.docx.md``), one paragraph per block, blocks separated by blank lines:

- ``%title Some title`` as the first line: the document's core-properties title;
- ``# text`` / ``## text`` / ``### text``: styles "Heading 1" / "Heading 2" / "Heading 3";
- ``**whole line**``: a Normal paragraph whose runs are all bold;
- ``!big text``: a Normal paragraph at 16 pt bold (a heading made by hand);
- ``1. text``: style "List Number" (Word numbers it; a list starts at the number typed on its
  first item, so separate lists restart); ``- text``: style "List Bullet";
- ``a) text``, ``(i) text``, ``R1 text``: a Normal paragraph, the marker typed as it is;
- ``[words](https://...)`` anywhere: a real hyperlink; ``**words**`` inside a line: bold words.

A heading, bold or big line is one line: the next line starts a new paragraph. A list or
typed-marker line starts a new paragraph, and the lines under it (not blank, not markup) join
it, as the lines of a Normal paragraph do.
"""

from __future__ import annotations

import io
import os
import re
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.importer.blocks import split_marker

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = ROOT / "tests" / "data" / "briefings"
FIXED_DATE = datetime(2024, 1, 1, tzinfo=timezone.utc)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
LINK_COLOUR = "1F4E79"

_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_BOLD = re.compile(r"^\*\*(?P<text>.+)\*\*$")
_BIG = re.compile(r"^!big\s+(?P<text>\S.*)$")
_NUMBER = re.compile(r"^(?P<n>\d+)\.\s+(?P<text>.*)$")
_BULLET = re.compile(r"^-\s+(?P<text>.*)$")
_INLINE = re.compile(r"\[(?P<words>[^\]]+)\]\((?P<url>[^)\s]+)\)|\*\*(?P<bold>[^*]+)\*\*")


@dataclass
class Para:
    """One paragraph of the markup: its kind and its text (lines joined by spaces)."""

    kind: str  # h1 h2 h3 bold big number bullet normal
    text: str
    number: int = 0
    open: bool = True  # whether a following plain line joins it


def parse_markup(text: str) -> tuple[str, list[Para]]:
    """The title and paragraphs of a ``.docx.md`` source."""
    lines = text.splitlines()
    title = ""
    if lines and lines[0].startswith("%title "):
        title = lines[0][len("%title ") :].strip()
        lines = lines[1:]
    paras: list[Para] = []
    current: Para | None = None
    for raw in lines:
        line = raw.strip()
        if not line:
            current = None
            continue
        para = _classify(line)
        typed = para.kind == "normal" and split_marker(line)[0]  # "a) ", "(i) ", "R1 "
        if para.kind == "normal" and not typed and current is not None and current.open:
            current.text += " " + line
            continue
        paras.append(para)
        current = para
    return title, paras


def _classify(line: str) -> Para:
    heading = _HEADING.match(line)
    if heading:
        return Para(kind=f"h{len(heading.group(1))}", text=heading.group(2), open=False)
    bold = _BOLD.match(line)
    if bold and "**" not in bold.group("text"):
        return Para(kind="bold", text=bold.group("text"), open=False)
    big = _BIG.match(line)
    if big:
        return Para(kind="big", text=big.group("text"), open=False)
    number = _NUMBER.match(line)
    if number:
        return Para(kind="number", text=number.group("text"), number=int(number.group("n")))
    bullet = _BULLET.match(line)
    if bullet:
        return Para(kind="bullet", text=bullet.group("text"))
    return Para(kind="normal", text=line, open=True)


# --- DOCX ---------------------------------------------------------------------------------


def _hyperlink(paragraph: Any, words: str, url: str, *, bold: bool, size: float) -> None:
    """A real hyperlink (python-docx has no public call for one): a run inside w:hyperlink."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    rel_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    element = OxmlElement("w:hyperlink")
    element.set(qn("r:id"), rel_id)
    run = paragraph.add_run(words)
    run.font.underline = True
    run.font.color.rgb = RGBColor.from_string(LINK_COLOUR)
    if bold:
        run.bold = True
    if size:
        run.font.size = Pt(size)
    element.append(run._r)
    paragraph._p.append(element)


def _runs(paragraph: Any, text: str, *, bold: bool = False, size: float = 0) -> None:
    """The text of a paragraph as runs: plain, **bold** and [linked](url)."""
    from docx.shared import Pt

    def plain(words: str, strong: bool) -> None:
        if not words:
            return
        run = paragraph.add_run(words)
        if strong:
            run.bold = True
        if size:
            run.font.size = Pt(size)

    at = 0
    for match in _INLINE.finditer(text):
        plain(text[at : match.start()], bold)
        if match.group("url"):
            _hyperlink(paragraph, match.group("words"), match.group("url"), bold=bold, size=size)
        else:
            plain(match.group("bold"), True)
        at = match.end()
    plain(text[at:], bold)


class _Lists:
    """A fresh Word list (a w:num over List Number's definition) for each run of numbers."""

    def __init__(self, doc: Any) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE
        from docx.oxml.ns import qn

        self.qn = qn
        self.numbering = doc.part.part_related_by(RELATIONSHIP_TYPE.NUMBERING).element
        style_num = doc.styles["List Number"].element.pPr.find(qn("w:numPr")).find(qn("w:numId"))
        num_id = style_num.get(qn("w:val"))
        num = next(
            n for n in self.numbering.iterchildren(qn("w:num")) if n.get(qn("w:numId")) == num_id
        )
        self.abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        self.next_id = 1 + max(
            int(n.get(qn("w:numId"))) for n in self.numbering.iterchildren(qn("w:num"))
        )

    def new(self, start: int) -> str:
        """A new list starting at ``start``; its numId."""
        from docx.oxml import OxmlElement

        qn = self.qn
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), str(self.next_id))
        abstract = OxmlElement("w:abstractNumId")
        abstract.set(qn("w:val"), self.abstract_id)
        num.append(abstract)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start_override = OxmlElement("w:startOverride")
        start_override.set(qn("w:val"), str(start))
        override.append(start_override)
        num.append(override)
        self.numbering.append(num)
        self.next_id += 1
        return str(self.next_id - 1)

    def number(self, paragraph: Any, num_id: str) -> None:
        from docx.oxml import OxmlElement

        qn = self.qn
        num_pr = OxmlElement("w:numPr")
        ilvl = OxmlElement("w:ilvl")
        ilvl.set(qn("w:val"), "0")
        num = OxmlElement("w:numId")
        num.set(qn("w:val"), num_id)
        num_pr.append(ilvl)
        num_pr.append(num)
        paragraph._p.get_or_add_pPr().insert(0, num_pr)


_STYLES = {"h1": "Heading 1", "h2": "Heading 2", "h3": "Heading 3", "number": "List Number"}


def docx_bytes(source: str) -> bytes:
    """The DOCX a ``.docx.md`` source describes, with fixed dates and zip timestamps."""
    from docx import Document

    title, paras = parse_markup(source)
    doc = Document()
    lists = _Lists(doc)
    num_id = ""
    for para in paras:
        style = _STYLES.get(para.kind, "List Bullet" if para.kind == "bullet" else "Normal")
        paragraph = doc.add_paragraph(style=style)
        if para.kind == "number":
            num_id = num_id or lists.new(para.number)
            lists.number(paragraph, num_id)
        else:
            num_id = ""
        _runs(
            paragraph,
            para.text,
            bold=para.kind in ("bold", "big"),
            size=16 if para.kind == "big" else 0,
        )
    props = doc.core_properties
    props.title = title
    props.author = "Reflect fixtures"
    props.last_modified_by = "Reflect fixtures"
    props.created = props.modified = props.last_printed = FIXED_DATE.replace(tzinfo=None)
    props.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return _fixed_zip(out.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry dated 1980-01-01, so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


# --- PDF ----------------------------------------------------------------------------------


_DATES = (
    '<meta name="dcterms.created" content="2024-01-01T00:00:00Z">'
    '<meta name="dcterms.modified" content="2024-01-01T00:00:00Z">'
)


@contextmanager
def _source_date() -> Iterator[None]:
    """SOURCE_DATE_EPOCH set while fonts are subset: fontTools stamps each subset with it.

    Without it every embedded font carries the time it was made, so no two PDFs are equal.
    """
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(FIXED_DATE.timestamp()))
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def pdf_bytes(source: str, base_url: Path) -> bytes:
    """The PDF WeasyPrint renders from an HTML source, with fixed dates (document and fonts)."""
    import weasyprint

    if "dcterms.created" not in source:
        head = re.search(r"<head[^>]*>", source, re.IGNORECASE)
        source = source[: head.end()] + _DATES + source[head.end() :] if head else _DATES + source
    html = weasyprint.HTML(string=source, base_url=str(base_url))
    with _source_date():
        data = html.write_pdf()
    assert isinstance(data, bytes)
    return data


# --- the command --------------------------------------------------------------------------


def build_fixtures(src_dir: Path, out_dir: Path) -> list[Path]:
    """Write NAME.docx for every NAME.docx.md and NAME.pdf for every NAME.pdf.html; the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for source in sorted(src_dir.glob("*.docx.md")):
        target = out_dir / source.name.removesuffix(".md")
        target.write_bytes(docx_bytes(source.read_text(encoding="utf-8")))
        written.append(target)
    for source in sorted(src_dir.glob("*.pdf.html")):
        target = out_dir / source.name.removesuffix(".html")
        target.write_bytes(pdf_bytes(source.read_text(encoding="utf-8"), source.parent))
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    """``OUT_DIR [SRC_DIR]``: build every fixture and list what was written."""
    if not argv or len(argv) > 2:
        print("usage: python -m scripts.briefing_fixtures OUT_DIR [SRC_DIR]", file=sys.stderr)
        return 2
    src_dir = Path(argv[1]) if len(argv) == 2 else DEFAULT_SOURCES
    if not src_dir.is_dir():
        print(f"no such folder: {src_dir}", file=sys.stderr)
        return 2
    for path in build_fixtures(src_dir, Path(argv[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
