"""What a briefing prints around its content: contents lists, page numbers and running footers.

A briefing saved from Word or a PDF keeps its Contents list (entries with dot leaders and page
numbers, or a numbered list of the section names under a "Contents" heading) and its page
furniture ("Page 2 of 4", "- 3 -", "Briefing title - v3.0 - Page 1 of 2"); a saved web page
keeps its breadcrumb trail ("Home > Schools > Learning from reviews"). None of it is the
briefing's text, and a Contents entry reads like the heading it points to, so it is dropped
before the recogniser looks for sections.
"""

from __future__ import annotations

import re

from bot.importer.blocks import Block
from bot.importer.sections import heading_words
from bot.importer.text import PAGE_LINE

# An entry with dot leaders (or a run of spaces) before its page number.
_LEADERS = re.compile(r"(?:\.\s?){4,}\s*\d{1,3}$|\u2026+\s*\d{1,3}$|\S\s{4,}\d{1,3}$")
_CONTENTS = {"contents", "table of contents", "in this briefing", "in this issue", "inside"}
# A running footer or header line that ends with its page number.
_RUNNING = re.compile(r"\b(?:page|tudalen)\s+\d{1,3}\s*(?:of|/)\s*\d{1,3}\W*$", re.IGNORECASE)
_RUNNING_WORDS = 20
# What stands between a breadcrumb trail's links: "Home > Schools > Learning from reviews".
_CRUMB_SEPARATORS = re.compile(r"[\s>\u203a\u00bb\u2192/]*")
_ENTRY_WORDS = 12


def _page_furniture(block: Block) -> bool:
    text = block.text
    if PAGE_LINE.match(text) or _LEADERS.search(text):
        return True
    return bool(_RUNNING.search(text)) and len(text.split()) <= _RUNNING_WORDS


def _breadcrumb(block: Block) -> bool:
    """A line that is only links joined by arrows: the site's breadcrumb trail, not a link list."""
    if len(block.links) < 2:
        return False
    rest = block.text
    for link in block.links:
        rest = rest.replace(link.text, " ", 1)
    return _CRUMB_SEPARATORS.fullmatch(rest) is not None and bool(
        re.search(r"[>\u203a\u00bb\u2192/]", rest)
    )


def _contents_entry(block: Block) -> bool:
    """A short line of a contents list: a list item or a line naming a section, no sentence."""
    text = block.text
    return (
        block.kind != "heading"
        and len(text.split()) <= _ENTRY_WORDS
        and not re.search(r"[.!;,]$", text)
        and (block.kind == "item" or block.alone or not block.links)
    )


def drop_furniture(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """The blocks without page numbers, running footers and the Contents list."""
    out: list[Block] = []
    in_contents = False
    for block in blocks:
        if _page_furniture(block) or _breadcrumb(block):
            continue
        if heading_words(block.text) in _CONTENTS:
            in_contents = True
            continue
        if in_contents and _contents_entry(block):
            continue
        in_contents = False
        out.append(block)
    return tuple(out)
