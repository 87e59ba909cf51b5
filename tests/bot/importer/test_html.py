from __future__ import annotations

import time
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.importer.blocks import Link
from bot.importer.html import parse, read
from bot.importer.limits import MAX_HTML_DEPTH, MAX_HTML_ELEMENTS, BriefingReadError
from bot.importer.read import read_briefing

SAMPLE = Path(__file__).parent / "samples" / "sample.html"


def test_furniture_is_dropped_and_main_content_kept() -> None:
    doc = read(SAMPLE)
    texts = " ".join(block.text for block in doc.blocks)
    for furniture in ("cookies", "Home", "Briefings", "Copyright", "Related", "hidden", "window"):
        assert furniture not in texts
    assert doc.blocks[0] == doc.blocks[0].__class__(
        kind="heading", text="Child Q: learning from a rapid review", level=1
    )
    assert doc.title_hint == "Child Q: learning from a rapid review | Northmoor SCP"
    assert doc.format == "html"


def test_bold_lines_breaks_and_links_resolved_against_base() -> None:
    blocks = read(SAMPLE).blocks
    assert (blocks[1].text, blocks[1].bold, blocks[1].alone) == (
        "Why we did this review",
        True,
        True,
    )
    assert blocks[2].text == "Child Q was seven when" and not blocks[2].alone
    assert blocks[3].links == (
        Link(
            text="procedures manual",
            url="https://www.northmoor-scp.example.org/briefings/procedures/manual.html",
        ),
        Link(text="email us", url="mailto:learning@example.org"),
    )
    assert "nothing" in blocks[3].text  # a javascript: link keeps its words, not its target


def test_list_markers_follow_type_start_value_and_nesting() -> None:
    items = [(b.marker, b.level, b.text, b.bold) for b in read(SAMPLE).blocks if b.kind == "item"]
    assert items == [
        ("b.", 0, "Professional curiosity", False),
        ("\u2022", 1, "Ask who lives there", False),
        ("e.", 0, "Whole bold item", True),
        ("I.", 0, "First", False),
        ("II.", 0, "Second", False),
    ]


def test_tables_become_rows_and_pre_keeps_lines() -> None:
    texts = [b.text for b in read(SAMPLE).blocks]
    assert "Service | Number" in texts
    assert "Front door | 01632 960000 (24 hours)" in texts
    assert texts[-2:] == ["line one", "line two"]


def test_printed_addresses_are_links() -> None:
    block = next(b for b in read(SAMPLE).blocks if b.text.startswith("Visit"))
    assert block.links == (Link(text="www.example.org/q", url="https://www.example.org/q"),)


def test_without_main_the_body_is_read_but_banners_and_breadcrumbs_are_not() -> None:
    doc = parse(
        b"<html><body><header><h1>Site name</h1></header>"
        b'<div role="navigation">Menu</div><div aria-label="Breadcrumb">You are here</div>'
        b"<h1>Briefing</h1><p>Text.</p><footer>Footer</footer>"
        b'<p><a href="/relative">relative</a></p></body></html>'
    )
    assert [b.text for b in doc.blocks] == ["Briefing", "Text.", "relative"]
    assert doc.blocks[2].links == ()
    assert doc.notes and "relative link" in doc.notes[0]


def test_layout_tables_are_read_as_text_and_reversed_lists_count_down() -> None:
    doc = parse(
        "<table><tr><td><h2>One</h2><p>First cell.</p></td><td><p>Second cell.</p></td></tr>"
        "</table><ol reversed><li>c</li><li>b</li><li>a</li></ol>"
    )
    assert [(b.kind, b.marker, b.text) for b in doc.blocks] == [
        ("heading", "", "One"),
        ("paragraph", "", "First cell."),
        ("paragraph", "", "Second cell."),
        ("item", "3.", "c"),
        ("item", "2.", "b"),
        ("item", "1.", "a"),
    ]


def test_windows_1252_page_and_binary_file(tmp_path: Path) -> None:
    page = tmp_path / "b.htm"
    page.write_bytes("<p>Parents\u2019 caf\u00e9</p>".encode("cp1252"))
    assert read_briefing(page).blocks[0].text == "Parents\u2019 caf\u00e9"
    page.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(BriefingReadError, match="binary data"):
        read_briefing(page)
    with pytest.raises(BriefingReadError, match="not a web page"):
        parse(page.read_bytes())


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<ol start='x' type='q'>",
                "<li value='-3'>",
                "</li>",
                "<ul>",
                "<b>",
                "<a href='http://[x'>",
                "</a>",
                "<br>",
                "<table><tr><td>",
                "</td>",
                "<h2>",
                "&amp;",
                "text",
                " ",
                "www.a.org",
                "<base href='::'>",
                "<!--",
                "-->",
                "<pre>",
                "\x0c",
            ]
        ),
        max_size=30,
    )
)
def test_any_tag_soup_parses_the_same_way_twice(parts: list[str]) -> None:
    markup = "".join(parts)
    assert parse(markup) == parse(markup)


def test_word_export_tables_and_typed_bullets() -> None:
    page = (
        "<html><body><p class=MsoNormal>\u00b7&nbsp;&nbsp;Do you know the protocol?</p>"
        "<table><tr><td><p class=MsoNormal><b>No.</b></p></td>"
        "<td><p class=MsoNormal><b>Recommendation</b></p></td></tr>"
        "<tr><td><p class=MsoNormal>1</p></td>"
        "<td><p class=MsoNormal>Partners should meet.</p></td></tr></table></body></html>"
    )
    blocks = parse(page).blocks
    assert (blocks[0].kind, blocks[0].marker, blocks[0].text) == (
        "item",
        "\u00b7",
        "Do you know the protocol?",
    )
    assert [b.text for b in blocks[1:]] == ["No. | Recommendation", "1 | Partners should meet."]


def test_a_sidebar_contact_box_is_kept_and_the_rest_of_the_sidebar_dropped() -> None:
    page = (
        "<html><body><main><h1>Child T</h1><p>Text of the briefing.</p></main>"
        "<aside class='sidebar'><div class='callout'><h2>Worried about a child?</h2>"
        "<ul><li>MASH: <a href='tel:01632960410'>01632 960410</a></li></ul></div>"
        "<div><h2>In this section</h2><ul><li><a href='/x'>Procedures</a></li></ul></div>"
        "</aside><footer><p>Business support: <a href='tel:01632960000'>01632 960000</a></p>"
        "</footer></body></html>"
    )
    texts = [b.text for b in parse(page).blocks]
    assert texts == [
        "Child T",
        "Text of the briefing.",
        "Worried about a child?",
        "MASH: 01632 960410",
    ]


def test_an_aside_inside_the_article_is_the_briefings_own_box() -> None:
    page = (
        "<html><body><main><article><h1>Child J</h1><p>What happened.</p>"
        "<aside class='callout'><h3>Reflective practice</h3>"
        "<ul><li>How do you record it?</li></ul></aside></article></main>"
        "<aside class='related'><h2>Related pages</h2><p>Other reviews</p></aside></body></html>"
    )
    texts = [b.text for b in parse(page).blocks]
    assert texts == ["Child J", "What happened.", "Reflective practice", "How do you record it?"]


def test_a_page_nested_thousands_deep_is_refused_at_once(tmp_path: Path) -> None:
    page = tmp_path / "deep.html"
    page.write_text("<html><body><h1>Deep</h1>" + "<div>" * 200_000 + "x", encoding="utf-8")
    started = time.monotonic()

    with pytest.raises(BriefingReadError, match=r"deep\.html: the page nests its elements"):
        read_briefing(page)

    assert time.monotonic() - started < 2


def test_a_page_nested_as_deep_as_allowed_is_read() -> None:
    depth = MAX_HTML_DEPTH - 5  # html, body and the paragraph take the rest
    doc = parse("<html><body>" + "<div>" * depth + "<p>Deep text.</p>" + "</div>" * depth)

    assert [block.text for block in doc.blocks] == ["Deep text."]


def test_a_page_of_far_too_many_elements_is_refused_before_it_is_walked(tmp_path: Path) -> None:
    page = tmp_path / "site.html"
    page.write_text("<p>Share early.</p>" * (MAX_HTML_ELEMENTS + 1), encoding="utf-8")
    started = time.monotonic()

    with pytest.raises(BriefingReadError, match="elements, too many for a briefing"):
        read_briefing(page)

    assert time.monotonic() - started < 2


def test_an_xhtml_page_is_read_without_bs4s_warning(tmp_path: Path) -> None:
    page = tmp_path / "x.html"
    page.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
        "<body><h1>Child Q</h1><p>Share early.</p></body></html>",
        encoding="utf-8",
    )

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails the test
        doc = read_briefing(page)

    assert [block.text for block in doc.blocks] == ["Child Q", "Share early."]
