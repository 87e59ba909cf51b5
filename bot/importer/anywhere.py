"""What can sit anywhere in a briefing: its title, the partnership, links, footnotes, numbers.

These are found over the whole document rather than in one section: a phone number may be in
a heading, a table or a sentence; a link in a learning theme or a footnote; the title is the
biggest heading near the top that is not the partnership's name, a breadcrumb or a date.
"""

from __future__ import annotations

import re
from collections import Counter

from bot.importer.blocks import Block
from bot.importer.draft import Contact, LinkItem
from bot.importer.extract import (
    FOOTNOTE_REF,
    digits,
    footnote_definition,
    links_in,
    numbers_in,
    pasted_title,
    words_before_ref,
)
from bot.importer.layout import Line, Section
from bot.importer.section_readers import Found, clean_title
from bot.importer.sections import heading_words
from bot.importer.wording import reason

_CORE_KINDS = {"learning", "recommendations", "action", "questions"}
_PARTNERSHIP_WORDS = re.compile(
    r"\b(partnership|board|safeguarding children|child protection committee)\b", re.IGNORECASE
)
_BRIEFING_WORDS = re.compile(
    r"\b(briefing|review|learning|lcspr|cspr|cpr|scr|report|guide|summary|child [a-z])\b",
    re.IGNORECASE,
)
_PARTNERSHIP_PHRASE = re.compile(
    r"((?:[A-Z][\w'\u2019&-]*\s+(?:and\s+|of\s+|for\s+)?){1,7}(?:Partnership|Board|"
    r"Child Protection Committee))\b"
)
# "Home > Professionals > Reviews": two separators at least (one " / " is a bilingual title).
_BREADCRUMB = re.compile(r"^home\b|(\s[>»/\u203a]\s.*){2,}|\s[>»\u203a]\s", re.IGNORECASE)
_MONTHS = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)"
)
_DATE_LINE = re.compile(
    rf"^(?:(?:published|date|issued|updated|version|v)\b[\s:.]*)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?"
    rf"(?:{_MONTHS}\s+)?(?:\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|\d+(?:\.\d+)+)$",
    re.IGNORECASE,
)
_PUBLISHED = re.compile(
    rf"\b(?:published|issued|date)\b[\s:]*((?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{_MONTHS}\s+)?"
    rf"\d{{4}})",
    re.IGNORECASE,
)
# A line about the document rather than its title: "Version 1.1 | Published January 2024",
# "Classification: OFFICIAL", "March 2024 | Version 1.2", and an image's alt text "[... logo]".
_META_WORDS = (
    r"(?:version|v\d|published|date|issued|updated|last (?:updated|reviewed)|classification|"
    r"review (?:reference|due|date)|reference|ref|status|protective marking|official)\b"
)
_META_LINE = re.compile(
    rf"^(?:{_META_WORDS}|(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{_MONTHS}\s+\d{{4}}\b|"
    rf"\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b)|\s[|\u00b7\u2022]\s+{_META_WORDS}|"
    r"^\[[^\]]*\]$|\blogo\b",
    re.IGNORECASE,
)
_GENERIC = re.compile(
    r"^((\d+|one|seven|five)[ -]minute |seven[ -]point |practice |learning |safeguarding |"
    r"rapid review |review )*(briefing|guide|summary|learning briefing|newsletter)s?$"
)
_FRONT_DOOR = re.compile(
    r"front door|\bmash\b|\bspoa\b|single point|children'?s services|social care|\bduty\b|"
    r"referral|advice line|first response|contact (centre|team|point)|hub\b|worried|concern",
    re.IGNORECASE,
)
_GENERIC_LABEL = re.compile(r"^(tel|telephone|phone|call|number|mobile|or|and)?$", re.IGNORECASE)
_MAX_PARTNERSHIP_WORDS = 10
_MAX_JOIN_WORDS = 6


def is_partnership_line(text: str) -> bool:
    """A line that is the partnership's name and nothing else of the briefing."""
    return (
        len(text.split()) <= _MAX_PARTNERSHIP_WORDS
        and bool(_PARTNERSHIP_WORDS.search(text))
        and not _BRIEFING_WORDS.search(text)
    )


def _not_a_title(text: str) -> bool:
    words = heading_words(text)
    return (
        is_partnership_line(text)
        or bool(_BREADCRUMB.search(text))
        or words in {"contents", "table of contents", "menu", "skip to content", "home"}
        or bool(_DATE_LINE.match(words))
        or bool(_META_LINE.search(text))
        or not words
    )


def _candidates(sections: list[Section]) -> list[tuple[Line, Line | None]]:
    """Headings of no known kind near the top, each with the line after it."""
    out: list[tuple[Line, Line | None]] = []
    for section in sections:
        if section.kind in _CORE_KINDS:
            break
        lines = ([section.heading] if section.heading else []) + section.body
        for index, line in enumerate(lines):
            if line.heading and line.kind is None and not _not_a_title(line.text):
                following = lines[index + 1] if index + 1 < len(lines) else None
                out.append((line, following))
    return out


def _rank(line: Line, hint: str) -> tuple[float, int, int]:
    in_hint = int(bool(hint) and heading_words(line.text) in heading_words(hint))
    generic = int(bool(_GENERIC.match(heading_words(line.text))))
    return (-line.block.size, line.level + 2 * generic, -in_hint)


def _continues_title(line: Line, following: Line | None) -> bool:
    """A title set over two lines: a short line right after it at the same size, no sentence."""
    if following is None or following.kind is not None or _not_a_title(following.text):
        return False
    if len(line.text.split()) > _MAX_JOIN_WORDS or len(following.text.split()) > _MAX_JOIN_WORDS:
        return False
    if ":" in line.text.rstrip(":"):
        return False  # "Learning Review: Baby K" is whole; the line under it is a strapline
    if following.heading:
        return following.level == line.level
    return following.block.size == line.block.size and not re.search(r"[.;:,?!]$", following.text)


def find_title(sections: list[Section], hint: str, unsure: dict[str, str]) -> tuple[str, set[int]]:
    """The title and the ids of the lines it came from (kept out of the sections' text)."""
    candidates = _candidates(sections)
    if not candidates:
        cleaned = re.split(r"\s+[|\u2013\u2014-]\s+", hint.strip())[0] if hint else ""
        unsure["title"] = reason("no_title") + (reason("title_from_properties") if cleaned else "")
        return cleaned, set()
    best_index = min(range(len(candidates)), key=lambda i: (_rank(candidates[i][0], hint), i))
    line, following = candidates[best_index]
    title, used = clean_title(line.text), {id(line)}
    if _continues_title(line, following):
        assert following is not None
        title = f"{title} {clean_title(following.text)}"
        used.add(id(following))
        unsure["title"] = reason("title_joined")
    elif not (line.block.kind == "heading" and line.level == 1) and not line.block.size:
        unsure["title"] = reason("title_guessed")
    return title, used


def _tidy_partnership(phrase: str) -> str:
    """No leading "The"/"In"..., and Title Case for a name set in capitals."""
    phrase = re.sub(r"^(?:The|In|By|And|From|Our|THE)\s+", "", phrase.strip())
    return phrase.title().replace("'S ", "'s ") if phrase.isupper() else phrase


def find_partnership(lines: list[Line], unsure: dict[str, str], hint: str = "") -> str:
    """The partnership's name: a line that is only that, else the phrase most used.

    The document's declared title counts too: a web page keeps the site's name there.
    """
    hinted = _PARTNERSHIP_PHRASE.search(hint)
    if hinted and ("Safeguarding" in hinted.group(1) or "Children" in hinted.group(1)):
        lines = [*lines, Line(Block("paragraph", hinted.group(1)), False, 0, None)]
    for line in lines:
        match = _PARTNERSHIP_PHRASE.search(line.text)
        if match and is_partnership_line(line.text) and not line.text.rstrip().endswith("."):
            return _tidy_partnership(match.group(1))
    phrases: Counter[str] = Counter()
    for line in lines:
        for match in _PARTNERSHIP_PHRASE.finditer(line.text):
            phrase = _tidy_partnership(match.group(1))
            if "Safeguarding" in phrase or "Children" in phrase:
                phrases[phrase] += 1
    if phrases:
        return phrases.most_common(1)[0][0]
    unsure["partnership"] = reason("no_partnership")
    return ""


def find_published(lines: list[Line]) -> str:
    """When the briefing was published, if it says ("Published: March 2024")."""
    for line in lines:
        match = _PUBLISHED.search(line.text)
        if match:
            return match.group(1)
    return ""


def footnotes(blocks: tuple[Block, ...]) -> tuple[list[LinkItem], tuple[Block, ...]]:
    """Footnote-style links ("[2] Title https://..."), resolved, and the other blocks."""
    kept: list[Block] = []
    found: list[tuple[str, str, str]] = []
    for block in blocks:
        text = (
            f"[{block.marker.strip('[]().')}] {block.text}"
            if re.fullmatch(r"\[\d{1,2}\]", block.marker)
            else block.text
        )
        definition = footnote_definition(text)
        if definition is None:
            kept.append(block)
        else:
            found.append(definition)
    links = []
    for number, title, url in found:
        if not title:
            title = next(
                (
                    words_before_ref(b.text, number)
                    for b in kept
                    if FOOTNOTE_REF.search(b.text) and words_before_ref(b.text, number)
                ),
                "",
            )
        links.append(LinkItem(title or url, url))
    return links, tuple(kept)


def _norm_url(url: str) -> str:
    url = re.sub(r"^https?://", "", url.lower())
    return url.removeprefix("www.").rstrip("/")


def _names_a_page(line: Line) -> bool:
    """A links-section item naming a page without its address (not a copyright line)."""
    text = line.text
    if line.block.marker.lower() in {"(c)", "\u00a9"} or text.startswith("\u00a9"):
        return False
    return len(text.split()) <= 15 and not text.endswith(".")


def page_name(text: str) -> str:
    """A page named without its address, without the note on where to get it.

    "Full report: available on request" -> "Full report"; "Working Together (on GOV.UK)" ->
    "Working Together".
    """
    name = re.sub(r"\s*\([^()]*\)$", "", text.split(": ", 1)[0]).strip()
    return name or text


def _pending_title(pending: str | None, title: str, out: list[LinkItem]) -> str:
    """The title waiting for its address; a line starting in lower case continues it.

    A table cell or a narrow column wraps a long title ("Operation Encompass guidance" /
    "for schools"); a new title starts with a capital or a number.
    """
    if pending and title[:1].islower():
        return f"{pending} {title}"
    if pending:
        out.append(LinkItem(pending, None))
    return title


def _links_section(body: list[Line], found: Found) -> list[LinkItem]:
    """A links section: sub-headings title the links under them; a named page needs no URL."""
    out: list[LinkItem] = []
    pending: str | None = None
    for line in body:
        if line.heading:
            pending = _pending_title(pending, clean_title(line.text), out)
            continue
        links = links_in(line.block)
        for link in links:
            out.append(LinkItem(link.title or pending or link.url or "", link.url))
            pending = None
        pasted = pasted_title(line.text)
        if pasted is not None:
            out.append(LinkItem(pasted, None))
            pending = None
        if not links and line.block.kind == "item" and _names_a_page(line):
            out.append(LinkItem(page_name(clean_title(line.text)), None))
    if pending:
        out.append(LinkItem(pending, None))
    return out


def find_links(sections: list[Section], notes: list[LinkItem], found: Found) -> list[LinkItem]:
    """Every link in document order (footnotes last), one per address."""
    out: list[LinkItem] = []
    for section in sections:
        lines = ([section.heading] if section.heading else []) + section.body
        if section.kind == "links":
            out.extend(_links_section(section.body, found))
            lines = lines[:1]
        heading = ""
        for line in lines:
            if line.heading:
                heading = clean_title(line.text)
            for link in links_in(line.block):
                title = link.title or heading or link.url or ""
                out.append(LinkItem(title, link.url, found.learning_lines.get(id(line))))
            pasted = pasted_title(line.text)
            if pasted is not None:
                out.append(LinkItem(pasted, None, found.learning_lines.get(id(line))))
    out.extend(notes)
    return _unique_links(out)


def _unique_links(links: list[LinkItem]) -> list[LinkItem]:
    seen: set[str] = set()
    out = []
    for link in links:
        key = _norm_url(link.url) if link.url else "title:" + heading_words(link.title)
        if key not in seen:
            seen.add(key)
            out.append(link)
    return out


def find_contacts(lines: list[Line], unsure: dict[str, str]) -> list[Contact]:
    """Phone numbers with their labels; the front door (where to report a concern) first."""
    out: list[Contact] = []
    seen: set[str] = set()
    heading = ""
    for line in lines:
        for number in numbers_in(line.text):
            key = digits(number.number)
            if key in seen:
                continue
            seen.add(key)
            label = number.label
            if _GENERIC_LABEL.match(label.strip()):
                label = heading
            out.append(Contact(label, number.number, number.when))
        if line.heading:
            heading = clean_title(line.text)
    front = [c for c in out if _FRONT_DOOR.search(c.label) and digits(c.number) != "999"]
    if not front:
        unsure["urgent_help"] = reason("no_front_door")
    return front + [c for c in out if c not in front]


def is_front_door(contact: Contact) -> bool:
    """A contact labelled as the place to report a concern about a child."""
    return bool(_FRONT_DOOR.search(contact.label)) and digits(contact.number) != "999"
