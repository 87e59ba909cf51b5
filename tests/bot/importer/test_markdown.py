from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.importer.blocks import Link
from bot.importer.markdown import parse, read

SAMPLES = Path(__file__).parent / "samples"
SAMPLE = (SAMPLES / "sample.md").read_text(encoding="utf-8")


def test_headings_atx_and_setext_with_levels() -> None:
    doc = parse(SAMPLE)
    headings = [(b.level, b.text) for b in doc.blocks if b.kind == "heading"]
    assert headings == [
        (1, "Child Q: learning from a rapid review"),
        (1, "Northmoor Safeguarding Children Partnership"),
        (2, "What we learned"),
    ]
    assert doc.title_hint == "Child Q: learning from a rapid review"
    assert doc.format == "md"


def test_bold_first_line_is_its_own_block_and_links_lose_their_syntax() -> None:
    blocks = parse(SAMPLE).blocks
    bold = next(b for b in blocks if b.text == "Professional curiosity")
    assert bold.bold and bold.alone and bold.kind == "paragraph"
    following = blocks[blocks.index(bold) + 1]
    assert following.text.startswith("Practitioners accepted") and "[" not in following.text
    assert following.links == (
        Link(text="procedures manual", url="https://procedures.example.org/manual"),
    )
    assert not following.bold and not following.alone


def test_lists_with_markers_nesting_and_continuations() -> None:
    items = [(b.marker, b.level, b.text) for b in parse(SAMPLE).blocks if b.kind == "item"]
    assert items == [
        ("\u2022", 0, "Ask about every adult in the home"),
        ("\u2022", 0, "Record what you were told"),
        ("\u2022", 1, "Check it with a second agency"),
        ("1.", 0, "First question?"),
        ("2)", 0, "Second question, see the guide and Shortcut."),
    ]


def test_reference_automatic_and_bare_links() -> None:
    blocks = parse(SAMPLE).blocks
    second = next(b for b in blocks if b.text.startswith("Second question"))
    assert second.links == (
        Link(text="the guide", url="https://guide.example.org/"),
        Link(text="Shortcut", url="https://short.example.org"),
    )
    more = next(b for b in blocks if b.text.startswith("Read more"))
    assert more.text == "Read more at https://learning.example.org/q or www.example.org/child-q."
    assert [link.url for link in more.links] == [
        "https://learning.example.org/q",
        "https://www.example.org/child-q",
    ]
    assert all("guide.example.org" not in b.text for b in blocks)  # definitions are not text


def test_tables_quotes_and_inline_syntax() -> None:
    texts = [b.text for b in parse(SAMPLE).blocks]
    assert "Service | Number" in texts and "Front door | 01632 960000" in texts
    assert "Ask yourself: what would you do?" in texts
    assert "Escaped *stars* and code and emphasis and snake_case_word." in texts


def test_whole_bold_paragraph_and_a_partly_bold_one() -> None:
    blocks = parse("**All of it bold**\n\nPart **bold** here\n\n__Also bold:__\n").blocks
    assert [(b.text, b.bold) for b in blocks] == [
        ("All of it bold", True),
        ("Part bold here", False),
        ("Also bold:", True),
    ]


def test_code_fences_and_rules_are_not_headings() -> None:
    blocks = parse("Intro\n\n---\n\n```\n# not a heading\n```\n\n* * *\n").blocks
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "Intro"),
        ("paragraph", "# not a heading"),
    ]


def test_reads_a_file_with_crlf_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "b.md"
    path.write_bytes("\ufeff# Title\r\n\r\nText\u00a0here\r\n".encode())
    assert [(b.kind, b.text) for b in read(path).blocks] == [
        ("heading", "Title"),
        ("paragraph", "Text here"),
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_text_parses_the_same_way_twice(text: str) -> None:
    first = parse(text)
    assert first == parse(text)
    assert all(block.text for block in first.blocks)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "# ",
                "- ",
                "1. ",
                "**",
                "[",
                "](",
                ")",
                "<",
                ">",
                "|",
                "\n",
                "\n\n",
                "  ",
                "`",
                "x",
                "www.a.b",
                "---",
                "==",
            ]
        ),
        max_size=40,
    )
)
def test_markdown_soup_parses(parts: list[str]) -> None:
    text = "".join(parts)
    assert parse(text) == parse(text)
