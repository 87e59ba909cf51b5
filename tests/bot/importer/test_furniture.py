"""Contents lists, page numbers and running footers are not the briefing."""

from __future__ import annotations

from bot.importer.blocks import Block
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
