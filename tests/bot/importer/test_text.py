from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.importer.blocks import Link
from bot.importer.text import decode, parse, read

SAMPLES = Path(__file__).parent / "samples"
SEED = (SAMPLES / "sample.txt").read_text(encoding="utf-8")


def test_blank_lines_split_paragraphs_and_short_lines_stand_alone() -> None:
    doc = parse(SEED)
    texts = [(b.kind, b.text, b.alone) for b in doc.blocks]
    assert texts[0] == ("paragraph", "What is a review?", True)
    assert texts[1][2] is False
    assert ("paragraph", "Child Z LCSPR", True) in texts
    assert ("paragraph", "Key learning:", True) in texts
    assert ("paragraph", "The following points were found.", False) in texts
    assert doc.format == "txt" and doc.pages == 1


def test_marker_lines_start_items_and_keep_their_marker() -> None:
    items = [b for b in parse(SEED).blocks if b.kind == "item"]
    assert [(b.marker, b.text) for b in items] == [
        ("1)", "Information sharing"),
        ("\u00b7", "the increased risk to women"),
        ("\u00b7", "the importance of not relying on victims"),
    ]
    assert items[0].alone and not items[1].alone


def test_printed_addresses_become_links_without_sentence_punctuation() -> None:
    last = parse(SEED).blocks[-1]
    assert last.links == (
        Link(text="www.example.org/about", url="https://www.example.org/about"),
        Link(
            text="https://procedures.example.org/manual",
            url="https://procedures.example.org/manual",
        ),
    )


def test_hard_wrapped_text_joins_wrapped_lines_but_not_a_heading() -> None:
    text = (
        "Key learning:\n"
        "Domestic abuse between partners who have separated but where there is\n"
        "ongoing contact because of children is complex and the power imbalance\n"
        "is likely to still be present.\n"
        "\n"
        "- A bulleted point that is long enough that it had to wrap onto the\n"
        "  next line of the file when it was saved at seventy columns wide.\n"
        "    - a nested point\n"
        "- Another point\n"
    )
    blocks = parse(text).blocks
    assert [(b.kind, b.level) for b in blocks] == [
        ("paragraph", 0),
        ("paragraph", 0),
        ("item", 0),
        ("item", 1),
        ("item", 0),
    ]
    assert blocks[0].alone
    assert blocks[1].text.endswith("the power imbalance is likely to still be present.")
    assert blocks[2].text.endswith("seventy columns wide.")


def test_crlf_tabs_nbsp_bom_and_word_bullets() -> None:
    raw = "\ufeffTitle\r\n\r\n\u2022\tFirst\u2003point\r\n\uf0b7 Second\r\no Third\r\n"
    blocks = parse(decode(raw.encode("utf-8"))).blocks
    assert [(b.kind, b.marker, b.text) for b in blocks] == [
        ("paragraph", "", "Title"),
        ("item", "\u2022", "First point"),
        ("item", "\uf0b7", "Second"),
        ("item", "\u25e6", "Third"),
    ]


def test_windows_1252_and_utf16_files_are_decoded(tmp_path: Path) -> None:
    path = tmp_path / "b.txt"
    path.write_bytes("Parents\u2019 relationship \u2013 caf\u00e9".encode("cp1252"))
    assert read(path).blocks[0].text == "Parents\u2019 relationship \u2013 caf\u00e9"
    path.write_bytes("Learning \u2013 one".encode("utf-16"))
    assert read(path).blocks[0].text == "Learning \u2013 one"


def test_the_seed_briefing_reads_into_its_sections() -> None:
    seed = Path(__file__).parents[3] / "tests" / "data" / "briefings" / "child-z.txt"
    if not seed.exists():
        pytest.skip("tests/data/briefings/child-z.txt comes with the fixture briefings")
    doc = read(seed)
    alone = [b.text for b in doc.blocks if b.alone and b.kind == "paragraph"]
    assert "Key learning:" in alone and "Points for discussion:" in alone
    questions = [b for b in doc.blocks if b.kind == "item" and b.text.startswith("How do you")]
    assert len(questions) == 3


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_reads_without_error_and_the_same_way_twice(text: str) -> None:
    first = parse(text)
    assert first == parse(text)
    for block in first.blocks:
        assert block.text and block.text == " ".join(block.text.split())


@settings(max_examples=100, deadline=None)
@given(st.binary())
def test_any_bytes_decode(data: bytes) -> None:
    assert parse(decode(data)) == parse(decode(data))


def test_wrapping_near_a_width_with_an_overlong_address_line() -> None:
    text = (
        "Practitioners told the review they felt the concerns were not bad enough for a\n"
        "referral, but they did not use the escalation policy or ask for a second opinion\n"
        "when early help was not making a difference to the children in the family home.\n"
        "\n"
        "Useful links:\n"
        "Language matters: writing about exploitation - https://www.example.org/language-matters\n"
        "Referral form for the exploitation panel - https://www.example.org/panel\n"
        "\n"
        "If you are concerned about a child, contact the Integrated Front Door on\n"
        "01632 960214. Out of hours, call the duty social worker on 07700 900461.\n"
    )
    texts = [b.text for b in parse(text).blocks]
    assert texts[0].startswith("Practitioners") and texts[0].endswith("family home.")
    assert texts[1] == "Useful links:"
    assert texts[2].startswith("Language matters") and texts[3].startswith("Referral form")
    assert texts[4].endswith("07700 900461.")


def test_a_marker_alone_on_its_line_belongs_to_the_next_line_and_ligatures_are_spelt() -> None:
    blocks = parse("Points:\n\u2022\nFirst point\n\u2022\nSecond \ufb01nding\n").blocks
    assert [(b.kind, b.marker, b.text) for b in blocks] == [
        ("paragraph", "", "Points:"),
        ("item", "\u2022", "First point"),
        ("item", "\u2022", "Second finding"),
    ]


def test_rules_boxes_and_page_numbers_are_layout_not_text() -> None:
    text = (
        "NORTHWICK SAFEGUARDING CHILDREN PARTNERSHIP\n"
        "==========================================\n"
        "\n"
        "------------------------------------------\n"
        "WHAT WE FOUND\n"
        "------------------------------------------\n"
        "Finding 1: Exclusion removed a protective factor\n"
        "School was the place where he was safest.\n"
        "\n"
        " - 2 -\n"
        "\n"
        "+----------------------------------------+\n"
        "|  WORRIED ABOUT A CHILD?                 |\n"
        "|                                        |\n"
        "|  Northwick MASH ........ 0114 496 0570 |\n"
        "+----------------------------------------+\n"
        "Page 3 of 4\n"
    )
    blocks = parse(text).blocks
    assert [(b.text, b.alone) for b in blocks] == [
        ("NORTHWICK SAFEGUARDING CHILDREN PARTNERSHIP", True),
        ("WHAT WE FOUND", True),
        ("Finding 1: Exclusion removed a protective factor", True),
        ("School was the place where he was safest.", False),
        ("WORRIED ABOUT A CHILD?", True),
        ("Northwick MASH ........ 0114 496 0570", True),
    ]


def test_arrow_lines_are_bullets() -> None:
    blocks = parse(
        "Done already:\n > A guide was published.\n > Two workers were recruited.\n"
    ).blocks
    assert [(b.kind, b.marker, b.text) for b in blocks][1:] == [
        ("item", "\u2022", "A guide was published."),
        ("item", "\u2022", "Two workers were recruited."),
    ]
