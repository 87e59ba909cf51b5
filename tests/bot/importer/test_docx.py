from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from docx import Document as WordDocument
from docx.enum.text import WD_BREAK
from docx.shared import Pt

from bot.importer.blocks import Link
from bot.importer.docx import read
from bot.importer.limits import MAX_DOCX_UNPACKED_BYTES, BriefingReadError
from bot.importer.read import read_briefing


@pytest.fixture(scope="module")
def blocks(built: dict[str, Path]) -> list:
    return list(read(built["sample.docx"]).blocks)


def test_title_and_headings_from_styles(built: dict[str, Path], blocks: list) -> None:
    doc = read(built["sample.docx"])
    assert doc.title_hint == "Child Q: learning from a rapid review"
    assert doc.format == "docx" and doc.pages == 1
    headings = [(b.level, b.text, b.bold) for b in blocks if b.kind == "heading"]
    assert headings == [
        (1, "Child Q: learning from a rapid review", True),
        (2, "Key learning", True),
        (3, "Questions", True),
    ]


def test_a_heading_made_by_hand_is_big_bold_and_alone(blocks: list) -> None:
    first = blocks[0]
    assert (first.kind, first.text, first.size, first.bold, first.alone) == (
        "paragraph",
        "Northmoor Safeguarding Children Partnership",
        16.0,
        True,
        True,
    )
    bold = blocks[2]
    assert (bold.text, bold.bold, bold.size) == ("What is a rapid review?", True, 11.0)
    joined = blocks[3]
    assert joined.text == (
        "A rapid review looks quickly at what happened and what partners can learn."
    )
    assert not joined.bold


def test_numbering_is_counted_per_list_and_bullets_are_bullets(blocks: list) -> None:
    items = [(b.marker, b.level, b.text[:30]) for b in blocks if b.kind == "item"]
    assert items[:6] == [
        ("1.", 0, "Professional curiosity: ask wh"),
        ("2.", 0, "Information sharing with the p"),
        ("1.", 0, "A second list restarts at one."),
        ("2.", 0, "And carries on."),
        ("\u2022", 0, "How do you check who lives in "),
        ("\u2022", 0, "What would you do differently?"),
    ]


def test_typed_markers_are_items_too(blocks: list) -> None:
    assert [(b.marker, b.text) for b in blocks[-3:]] == [
        ("a)", "a typed letter"),
        ("(ii)", "a typed roman numeral"),
        ("R1", "A typed recommendation"),
    ]


def test_hyperlinks_and_printed_addresses(blocks: list) -> None:
    linked = next(b for b in blocks if b.text.startswith("Information sharing"))
    assert linked.links == (
        Link(text="the procedures manual", url="https://procedures.example.org/manual"),
    )
    printed = next(b for b in blocks if b.text.startswith("What would you"))
    assert printed.links == (Link(text="www.example.org/q", url="https://www.example.org/q"),)


def test_word_features_made_directly(tmp_path: Path) -> None:
    """Nested list styles, soft line breaks, sizes, data and layout tables, the Title style."""
    word = WordDocument()
    word.add_paragraph("Top", style="List Number")
    word.add_paragraph("Nested", style="List Number 2")
    para = word.add_paragraph()
    run = para.add_run("Line one")
    run.add_break(WD_BREAK.LINE)
    para.add_run("Line two")
    big = word.add_paragraph().add_run("Large words")
    big.font.size = Pt(20)
    table = word.add_table(rows=2, cols=2)
    for r, row in enumerate([("Service", "Number"), ("Front door", "01632 960000")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    layout = word.add_table(rows=1, cols=1)
    layout.cell(0, 0).paragraphs[0].text = "Cell heading"
    layout.cell(0, 0).add_paragraph("Cell text.")
    word.add_paragraph("Title style", style="Title")
    path = tmp_path / "made.docx"
    word.save(str(path))

    got = [(b.kind, b.level, b.marker, b.text, b.size) for b in read(path).blocks]
    assert got == [
        ("item", 0, "1.", "Top", 11.0),
        ("item", 1, "1.", "Nested", 11.0),  # "List Number 2" is its own list, one level in
        ("paragraph", 0, "", "Line one", 11.0),
        ("paragraph", 0, "", "Line two", 11.0),
        ("paragraph", 0, "", "Large words", 20.0),
        ("paragraph", 0, "", "Service | Number", 11.0),
        ("paragraph", 0, "", "Front door | 01632 960000", 11.0),
        ("paragraph", 0, "", "Cell heading", 11.0),
        ("paragraph", 0, "", "Cell text.", 11.0),
        ("heading", 1, "", "Title style", 26.0),
    ]


_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)
_BOX = (
    "<w:p {ns}><w:r><w:t>Anchor</w:t></w:r><w:r><mc:AlternateContent>"
    "<mc:Choice Requires='wps'><w:drawing><w:txbxContent><w:p><w:r><w:t>In the box</w:t></w:r>"
    "</w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox>"
    "<w:txbxContent><w:p><w:r><w:t>In the box</w:t></w:r></w:p></w:txbxContent></v:textbox>"
    "</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
)
_FIELD = (
    "<w:p {ns}><w:r><w:t xml:space='preserve'>See </w:t></w:r>"
    "<w:r><w:fldChar w:fldCharType='begin'/></w:r>"
    "<w:r><w:instrText xml:space='preserve'> HYPERLINK \"https://field.example.org/\" "
    "</w:instrText></w:r>"
    "<w:r><w:fldChar w:fldCharType='separate'/></w:r><w:r><w:t>the guide</w:t></w:r>"
    "<w:r><w:fldChar w:fldCharType='end'/></w:r><w:r><w:t xml:space='preserve'> now.</w:t></w:r>"
    "<w:del><w:r><w:delText>deleted</w:delText></w:r></w:del></w:p>"
)


def test_text_boxes_once_field_hyperlinks_and_no_deleted_text(tmp_path: Path) -> None:
    from docx.oxml import parse_xml

    word = WordDocument()
    body = word.element.body
    for xml in (_BOX, _FIELD):
        body.insert(len(body) - 1, parse_xml(xml.format(ns=_NS)))
    path = tmp_path / "boxes.docx"
    word.save(str(path))

    blocks = read(path).blocks
    assert [b.text for b in blocks] == ["Anchor", "In the box", "See the guide now."]
    assert blocks[2].links == (Link(text="the guide", url="https://field.example.org/"),)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "password-protected or an old"),
        (b"not a zip at all", "is not a Word .docx file"),
        (b"PK\x03\x04broken", "is not a readable Word .docx file"),
    ],
)
def test_unreadable_word_files(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(content)
    with pytest.raises(BriefingReadError, match=says):
        read_briefing(path)


def test_a_zip_that_is_not_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "sheet.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(BriefingReadError):
        read_briefing(path)


def test_footnotes_follow_the_body_with_their_own_links(tmp_path: Path) -> None:
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    word = WordDocument()
    word.add_paragraph("Body text with a note.")
    part = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, b"", word.part.package)
    rel_id = part.relate_to("https://notes.example.org/guide", RELATIONSHIP_TYPE.HYPERLINK, True)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    part._blob = (
        f'<w:footnotes xmlns:w="{w}" xmlns:r="{r}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        "</w:footnote>"
        '<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">See </w:t></w:r>'
        f'<w:hyperlink r:id="{rel_id}"><w:r><w:t>the guide</w:t></w:r></w:hyperlink></w:p>'
        "</w:footnote></w:footnotes>"
    ).encode()
    word.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    path = tmp_path / "notes.docx"
    word.save(str(path))

    blocks = read(path).blocks
    assert [b.text for b in blocks] == ["Body text with a note.", "[1] See the guide"]
    assert blocks[1].links == (Link(text="the guide", url="https://notes.example.org/guide"),)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_zip_bomb_is_refused_from_its_table_of_contents(tmp_path: Path) -> None:
    # Declared sizes are read before anything is decompressed, so both are refused at once.
    huge = _zip(
        tmp_path / "huge.docx", {"word/document.xml": b"\0" * (MAX_DOCX_UNPACKED_BYTES + 1)}
    )
    dense = _zip(tmp_path / "dense.docx", {"word/document.xml": b"<w:p/>" * 400_000})

    started = time.monotonic()
    with pytest.raises(BriefingReadError, match=r"huge\.docx: unpacks to 100 MB, too large"):
        read_briefing(huge)
    with pytest.raises(BriefingReadError, match=r"document\.xml expands \d+ times"):
        read_briefing(dense)
    assert time.monotonic() - started < 2
