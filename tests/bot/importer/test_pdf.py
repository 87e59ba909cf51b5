from __future__ import annotations

import time
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from bot.importer.blocks import Block, Link
from bot.importer.limits import MAX_PDF_PAGES, BriefingReadError
from bot.importer.pdf import _joined, read
from bot.importer.read import read_briefing
from scripts.briefing_fixtures import pdf_bytes


@pytest.fixture(scope="module")
def blocks(built: dict[str, Path]) -> list[Block]:
    return list(read(built["sample.pdf"]).blocks)


def _find(blocks: list[Block], start: str) -> Block:
    return next(block for block in blocks if block.text.startswith(start))


def test_pages_title_and_running_headers_and_page_numbers_dropped(
    built: dict[str, Path], blocks: list[Block]
) -> None:
    doc = read(built["sample.pdf"])
    assert doc.pages == 3 and doc.format == "pdf"
    assert doc.title_hint == "Child R: a learning briefing"
    texts = [block.text for block in blocks]
    assert not [text for text in texts if "Child R learning briefing" in text]
    assert not [text for text in texts if text.startswith("Page ")]
    assert texts[0] == "Child R: learning from a practice review"


def test_sizes_bold_and_lines_on_their_own(blocks: list[Block]) -> None:
    title, partnership, heading = blocks[0], blocks[1], blocks[2]
    assert (title.size, title.bold, title.alone) == (22.0, True, False)  # it wraps: two lines
    assert (partnership.size, partnership.bold, partnership.alone) == (11.0, True, True)
    assert (heading.text, heading.size, heading.bold) == ("What is a practice review?", 15.0, True)
    body = blocks[3]
    assert (body.size, body.bold, body.alone, body.kind) == (11.0, False, False, "paragraph")
    assert body.text.endswith("written for these tests.")


def test_list_markers_drawn_apart_are_joined_to_their_items(blocks: list[Block]) -> None:
    items = [(b.marker, b.text[:25], b.page) for b in blocks if b.kind == "item"]
    assert items == [
        ("1.", "Professional curiosity: p", 1),
        ("2.", "Information sharing: see ", 1),
        ("R1", "Partners should make sure", 2),
        ("R2", "The partnership should au", 2),
        ("\u2022", "How do you check who live", 2),
        ("\u2022", "When did you last use the", 2),
    ]
    assert _find(blocks, "Professional curiosity").text.endswith("incomplete for months.")


def test_link_annotations_give_their_words_and_printed_addresses_are_links(
    blocks: list[Block],
) -> None:
    assert _find(blocks, "Information sharing").links == (
        Link(text="information sharing procedure", url="https://procedures.example.org/sharing"),
    )
    contacts = _find(blocks, "Children's Front Door")
    assert contacts.page == 3
    assert "www.northmoor-scp.example.org/child-r" in contacts.text  # broken at its hyphen
    assert contacts.links == (
        Link(
            text="www.northmoor-scp.example.org/child-r",
            url="https://www.northmoor-scp.example.org/child-r",
        ),
    )


def test_hyphenated_line_breaks_are_joined() -> None:
    assert _joined("the multi-", "agency meeting") == "the multiagency meeting"
    assert _joined("see www.example-", "org.example.org/a") == "see www.example-org.example.org/a"
    assert _joined("see https://example.org/a/", "b/c") == "see https://example.org/a/b/c"
    assert _joined("at www.example.org.", "Next") == "at www.example.org. Next"
    assert _joined("Pre-", "School") == "Pre- School"
    assert _joined("ends", "starts") == "ends starts"


def test_a_paragraph_cut_by_a_page_break_is_one_block(tmp_path: Path) -> None:
    words = " ".join(f"word{n}" for n in range(400))
    html = (
        "<html><head><title>Cut</title><style>@page { size: A6; margin: 1cm;"
        " @top-center { content: 'Running head'; } }"
        " body { font-family: 'DejaVu Sans'; font-size: 10pt; }</style></head>"
        f"<body><h1>Cut</h1><p>{words} end.</p></body></html>"
    )
    path = tmp_path / "cut.pdf"
    path.write_bytes(pdf_bytes(html, tmp_path))
    doc = read(path)
    assert doc.pages >= 2
    assert [b.text[:9] for b in doc.blocks] == ["Cut", "word0 wor"]
    assert doc.blocks[1].text.endswith("word399 end.")


def test_damaged_locked_and_empty_pdfs(tmp_path: Path, built: dict[str, Path]) -> None:
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\nthis is not a PDF body at all")
    with pytest.raises(BriefingReadError, match=r"damaged\.pdf: is not a readable PDF"):
        read_briefing(damaged)

    locked = tmp_path / "locked.pdf"
    writer = PdfWriter(clone_from=PdfReader(built["sample.pdf"]))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    with locked.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(BriefingReadError, match="password-protected"):
        read_briefing(locked)

    blank = tmp_path / "blank.pdf"
    blank.write_bytes(pdf_bytes("<html><body></body></html>", tmp_path))
    with pytest.raises(BriefingReadError, match="no text"):
        read_briefing(blank)


def test_an_owner_password_alone_does_not_stop_reading(
    tmp_path: Path, built: dict[str, Path]
) -> None:
    restricted = tmp_path / "restricted.pdf"
    writer = PdfWriter(clone_from=PdfReader(built["sample.pdf"]))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    with restricted.open("wb") as handle:
        writer.write(handle)
    assert read_briefing(restricted).blocks[0].text == "Child R: learning from a practice review"


def test_reading_is_deterministic(built: dict[str, Path]) -> None:
    assert read(built["sample.pdf"]) == read(built["sample.pdf"])


def _pdf(tmp_path: Path, body: str, style: str = "") -> Path:
    html = (
        "<html><head><style>@page { size: A4; margin: 2cm; }"
        " body { font-family: 'DejaVu Sans'; font-size: 10.5pt; }" + style + "</style></head>"
        f"<body>{body}</body></html>"
    )
    path = tmp_path / "made.pdf"
    path.write_bytes(pdf_bytes(html, tmp_path))
    return path


def test_generous_line_spacing_keeps_a_paragraph_whole(tmp_path: Path) -> None:
    long = " ".join(["Practitioners should ask who lives in the home and record it."] * 6)
    path = _pdf(
        tmp_path,
        f"<p>{long}</p><p>{long}</p><p>Short one.</p>",
        "p { line-height: 1.9; margin: 0 0 1.2em; }",
    )
    blocks = read(path).blocks
    assert [len(b.text) for b in blocks] == [len(long), len(long), len("Short one.")]
    assert [b.alone for b in blocks] == [False, False, True]


def test_a_line_broken_by_hand_starts_a_block(tmp_path: Path) -> None:
    long = " ".join(["Call the front door when you are worried about a child."] * 4)
    path = _pdf(
        tmp_path,
        f"<p>{long}<br>Children's Front Door: 01632 960000<br>Out of hours: 01632 960001<br>"
        "Police: 999</p>",
    )
    assert [b.text for b in read(path).blocks] == [
        long,
        "Children's Front Door: 01632 960000",
        "Out of hours: 01632 960001",
        "Police: 999",
    ]


def test_columns_are_read_one_after_the_other(tmp_path: Path) -> None:
    left = " ".join(["Left column words about information sharing."] * 8)
    right = " ".join(["Right column words about professional curiosity."] * 8)
    path = _pdf(
        tmp_path,
        f'<h2>Two columns</h2><div style="columns: 2; column-gap: 1.5cm">'
        f"<p>{left}</p><p>{right}</p></div>",
    )
    texts = [b.text for b in read(path).blocks]
    assert texts[0] == "Two columns"
    assert texts[1].startswith("Left column") and texts[1].endswith("information sharing.")
    assert texts[2].startswith("Right column") and texts[2].endswith("curiosity.")


def test_a_pdf_of_thousands_of_pages_is_refused_before_any_layout(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    writer = PdfWriter()
    for _ in range(MAX_PDF_PAGES * 10):
        writer.add_blank_page(width=595, height=842)
    with path.open("wb") as handle:
        writer.write(handle)
    started = time.monotonic()

    with pytest.raises(BriefingReadError, match="has 3000 pages, too many") as caught:
        read_briefing(path)

    assert time.monotonic() - started < 2
    assert "\n" not in str(caught.value) and str(MAX_PDF_PAGES) in str(caught.value)
