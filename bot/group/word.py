"""The minutes as a Word document (python-docx), laid out from the outline.

Structure a screen reader can use, since Word has no tags: Word's own Heading 1 to 4 styles (so
the navigation pane and "go to heading" work), tables whose first row is marked as a header row
that repeats on each page, bulleted lists in Word's list style, real hyperlinks to the
procedures, the document language set to en-GB and the title in the file's properties.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph

from bot.group.outline import (
    LANGUAGE,
    Block,
    Bullets,
    Facts,
    Heading,
    Link,
    Outline,
    Paragraph,
    Table,
    text_of,
)

_LINK_COLOUR = "1F4E79"
_AUTHOR = "Reflect"
_LABEL_SEPARATOR = ": "


def outline_docx(document: Outline) -> bytes:
    """The outline as the bytes of a .docx file."""
    doc = Document()
    _set_language(doc)
    props = doc.core_properties
    props.title = document.title
    props.author = _AUTHOR
    props.last_modified_by = _AUTHOR
    props.language = LANGUAGE
    props.subject = document.subject or text_of("minutes_heading_points")
    for block in document.blocks:
        _write(doc, block)
    doc.add_paragraph(document.footer)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _set_language(doc: Any) -> None:
    """en-GB for the whole document (the default template says en-US), for spelling and speech."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    if lang is None:
        r_pr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def _write(doc: Any, block: Block) -> None:
    if isinstance(block, Heading):
        doc.add_heading(block.text, level=block.level)
    elif isinstance(block, Paragraph):
        doc.add_paragraph(block.text)
    elif isinstance(block, Facts):
        for label, value in block.rows:
            paragraph = doc.add_paragraph()
            paragraph.add_run(label + _LABEL_SEPARATOR).bold = True
            paragraph.add_run(value)
    elif isinstance(block, Bullets):
        for item in block.items:
            paragraph = doc.add_paragraph(style="List Bullet")
            if isinstance(item, Link):
                _hyperlink(paragraph, item)
            else:
                paragraph.add_run(item)
    else:
        _table(doc, block)


def _table(doc: Any, block: Table) -> None:
    rows = [block.header, *block.rows, *([block.total] if block.total else [])]
    table: WordTable = doc.add_table(rows=len(rows), cols=len(block.header))
    table.style = doc.styles["Table Grid"]
    for r, values in enumerate(rows):
        bold_row = r == 0 or (block.total is not None and r == len(rows) - 1)
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            run = cell.paragraphs[0].add_run(value)
            run.bold = bold_row or (block.row_headers and c == 0)
    # The header row: repeated on each page, and announced as headers by screen readers.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _hyperlink(paragraph: WordParagraph, link: Link) -> None:
    """A real, clickable hyperlink run (python-docx has no public call for one)."""
    rel = paragraph.part.relate_to(link.url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    element = OxmlElement("w:hyperlink")
    element.set(qn("r:id"), rel)
    run = paragraph.add_run(link.title)
    run.font.underline = True
    run.font.color.rgb = RGBColor.from_string(_LINK_COLOUR)
    run.font.size = Pt(11)
    # Move the run inside the hyperlink element.
    element.append(run._r)
    paragraph._p.append(element)
