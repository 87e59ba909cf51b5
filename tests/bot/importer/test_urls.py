from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.importer.blocks import Link
from bot.importer.urls import kept_url, merge_links, printed_links


def test_printed_addresses_without_the_sentence_around_them() -> None:
    text = (
        "See https://example.org/a_(b). Or (www.example.org/c), "
        "\u201chttps://example.org/q?x=1\u201d and www.example.org."
    )
    assert printed_links(text) == (
        Link(text="https://example.org/a_(b)", url="https://example.org/a_(b)"),
        Link(text="www.example.org/c", url="https://www.example.org/c"),
        Link(text="https://example.org/q?x=1", url="https://example.org/q?x=1"),
        Link(text="www.example.org", url="https://www.example.org"),
    )


def test_not_addresses() -> None:
    assert printed_links("www. and https:// and http://[broken and www.nodot") == ()


def test_kept_urls() -> None:
    assert kept_url(" https://example.org/x ") == "https://example.org/x"
    assert kept_url("mailto:team@example.org") == "mailto:team@example.org"
    assert kept_url("tel:01632960000") == "tel:01632960000"
    for dropped in (
        "javascript:void(0)",
        "#top",
        "/relative",
        "https://",
        "mailto:",
        "ftp://x.org",
    ):
        assert kept_url(dropped) == ""


def test_merge_keeps_the_first_text_for_a_url() -> None:
    a = Link(text="the guide", url="https://example.org/g")
    b = Link(text="https://example.org/g", url="https://example.org/g")
    c = Link(text="other", url="https://example.org/o")
    assert merge_links((a,), (b, c)) == (a, c)


@given(st.text())
def test_printed_links_never_raise(text: str) -> None:
    for link in printed_links(text):
        assert link.url.startswith(("http://", "https://"))
