"""Contents lists, page numbers and running footers are not the briefing."""

from __future__ import annotations

from bot.importer.blocks import Block, Link
from bot.importer.furniture import drop_furniture


def texts(*blocks: Block) -> list[str]:
    return [block.text for block in drop_furniture(blocks)]


def test_page_numbers_and_running_footers_are_dropped() -> None:
    kept = texts(
        Block("paragraph", "Page 2 of 4"),
        Block("paragraph", "- 3 -"),
        Block("paragraph", "Briefing title \u2013 v3.0 \u2013 Page 1 of 2"),
        Block("paragraph", "The family moved in 2021 and the records stayed behind."),
    )
    assert kept == ["The family moved in 2021 and the records stayed behind."]


def test_a_contents_list_is_dropped_with_or_without_dot_leaders() -> None:
    kept = texts(
        Block("heading", "Contents", level=2),
        Block("item", "About this briefing", marker="1."),
        Block("item", "Recommendations", marker="2."),
        Block("heading", "About this briefing", level=2),
        Block("paragraph", "Key learning ........................ 2"),
        Block("paragraph", "This briefing is for everyone who works with children."),
    )
    assert kept == ["About this briefing", "This briefing is for everyone who works with children."]


def test_a_contact_line_with_dot_leaders_is_kept() -> None:
    assert texts(Block("paragraph", "Ashby MASH ......... 0114 496 0570")) == [
        "Ashby MASH ......... 0114 496 0570"
    ]


def test_a_breadcrumb_trail_is_dropped_but_a_line_of_links_in_a_sentence_is_kept() -> None:
    crumbs = Block(
        "paragraph",
        "Home \u203a Schools \u203a Learning from reviews",
        links=(
            Link("Home", "https://a.example.org/"),
            Link("Schools", "https://a.example.org/schools"),
            Link("Learning from reviews", "https://a.example.org/reviews"),
        ),
    )
    sentence = Block(
        "paragraph",
        "Read the procedures and the toolkit.",
        links=(
            Link("procedures", "https://a.example.org/p"),
            Link("toolkit", "https://a.example.org/t"),
        ),
    )
    assert texts(crumbs, sentence) == ["Read the procedures and the toolkit."]
