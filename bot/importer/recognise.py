"""From a :class:`Document` to a :class:`Draft`: the briefing's parts, found by layout.

Steps, each a named function below: decide which blocks are headings (bot.importer.layout);
cut the document into sections by the KIND each heading names (bot.importer.sections), where a
heading of no known kind inside a section is a sub-heading (a learning item's title, a link's
title, "Recommendation two"); read each kind of section with its own small reader; then find,
over the whole document, what can sit anywhere: links, footnotes, phone numbers, the title and
the partnership's name. Whatever is guessed is recorded in ``Draft.unsure`` for the reviewer.

Decisions (documented here because a blind set of briefings will test them):
- "What you should do" / "what this means for practice" sections (kind "practice") are NOT
  recommendations: recommendations are what a review asks of the partnership and its agencies,
  while these are advice to the reader. They are read only for questions after a lead-in, and
  they end a learning section.
- Questions count inside a questions section, inside a learning theme (under a nested
  "Questions..." heading, after an "Ask yourself:" lead-in, or as a list item or a paragraph
  that is one question), and after a lead-in anywhere. A question in a case summary, a
  recommendation or a link's description is rhetorical and is ignored.
- A numbered heading that names a section ("3. What we learned") is a section, so
  "7-minute briefings" numbered 1-7 are sections, not learning items.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.importer.anywhere import (
    find_contacts,
    find_links,
    find_partnership,
    find_published,
    find_title,
    footnotes,
)
from bot.importer.blocks import Block, Document, split_marker
from bot.importer.draft import Draft, LinkItem, Question
from bot.importer.extract import strip_footnote_refs
from bot.importer.furniture import drop_furniture
from bot.importer.layout import Line, Section, analyse
from bot.importer.section_readers import (
    Found,
    read_about,
    read_action,
    read_case,
    read_learning,
    read_questions,
    read_recommendations,
)
from bot.importer.sections import SectionKind, lead_in_kind, section_kind
from bot.importer.tables import CELL_SEP, header_kinds
from bot.importer.wording import reason

_ORDINAL = re.compile(
    r"\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|first|second|third|fourth|"
    r"fifth|[a-z]?\d{1,2})\b",
    re.IGNORECASE,
)
_MIN_WRAPPED_WORDS = 9
_GLUED = re.compile(r"^(?P<text>.*[.!?])\s+(?P<heading>[^.!?]{3,60}:)$")


def unglue(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Split a section heading glued to the end of a paragraph ("... a risk. Useful Links:").

    Text copied out of a PDF or web page often loses the line break before a heading; a short
    colon-ended phrase naming a section at a paragraph's end is that heading.
    """
    out: list[Block] = []
    for block in blocks:
        match = _GLUED.match(block.text) if block.kind == "paragraph" else None
        if (
            match
            and section_kind(match.group("heading"))
            and len(match.group("heading").split()) <= 6
        ):
            out.append(
                Block(
                    "paragraph",
                    match.group("text"),
                    size=block.size,
                    page=block.page,
                    links=block.links,
                )
            )
            out.append(
                Block(
                    "paragraph",
                    match.group("heading"),
                    size=block.size,
                    bold=block.bold,
                    alone=True,
                    page=block.page,
                )
            )
            continue
        out.append(block)
    return tuple(out)


def rejoin(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Join a paragraph to the line before it when that line stops mid-sentence.

    A hard-wrapped text file, or a PDF's columns, can reach the recogniser as one block per
    line; a long line that ends without a full stop and is followed by plain text is the same
    sentence going on.
    """
    out: list[Block] = []
    for block in blocks:
        before = out[-1] if out else None
        if (
            before is not None
            and before.kind in ("paragraph", "item")
            and block.kind == "paragraph"
            and not block.bold
            and not before.bold
            and CELL_SEP not in before.text
            and CELL_SEP not in block.text
            and re.match(r"[a-z0-9(\"'\u2018\u201c]", block.text) is not None
            and len(before.text.split()) >= _MIN_WRAPPED_WORDS
            and not re.search(r"[.!?:;]['\"\u2019\u201d)]?$", before.text)
        ):
            out[-1] = replace(
                before,
                text=f"{before.text} {block.text}",
                links=before.links + block.links,
                alone=False,
            )
            continue
        out.append(block)
    return tuple(out)


def _next_heading(lines: list[Line], index: int) -> Line | None:
    return next((line for line in lines[index + 1 :] if line.heading), None)


def _starts_unknown(line: Line, current: Section) -> bool:
    """Does a heading of no known kind end the current section (rather than sit inside it)?"""
    if line.level < current.level:
        return True
    if line.level > current.level:
        return False
    if current.heading is not None and current.heading.numbered and line.numbered:
        return True  # sibling sections numbered 1-7
    sub = current.sub_level()
    if sub is None and any(b.block.kind == "item" for b in current.body):
        return True  # a list section does not take a same-size sub-heading after its list
    return sub is not None and sub > current.level


def _starts_known(line: Line, current: Section, lines: list[Line], index: int) -> bool:
    """Does a heading naming a section kind start a new section here?"""
    if line.kind == current.kind:
        return line.level <= current.level and not _ORDINAL.search(line.text)
    if current.kind == "learning":
        if line.level > current.level:
            return False  # nested inside the learning ("Questions for practitioners")
        has_item = any(not b.heading for b in current.body)
        following = _next_heading(lines, index)
        if line.kind == "questions" and has_item and following is not None:
            return following.kind is not None and following.kind != "learning"
    return True


def _named_here(text: str, current: SectionKind | None) -> SectionKind | None:
    """The kind a lead-in names, or a table's header row ("No. | Recommendation | Lead").

    A table whose header names the current section's kind stays in it.
    """
    named = lead_in_kind(text)
    if named is not None:
        return named
    kinds = header_kinds(text)
    return None if not kinds or current in kinds else kinds[0]


def segment(lines: list[Line]) -> list[Section]:
    """Cut the document into sections; the first holds what comes before any section."""
    sections = [Section(None, None)]
    for index, line in enumerate(lines):
        current = sections[-1]
        if not line.heading:
            named = _named_here(line.text, current.kind)
            if named is not None and named != current.kind:
                sections.append(
                    Section(named, replace(line, heading=True, level=current.level + 1, kind=named))
                )
            else:
                current.body.append(line)
            continue
        if current.heading is None:
            starts = line.kind is not None
        elif line.kind is None:
            starts = _starts_unknown(line, current)
        else:
            starts = _starts_known(line, current, lines, index)
        if starts:
            sections.append(Section(line.kind, line))
        else:
            current.body.append(line)
    return sections


_ONE_LINER_WORDS = 16


def _one_liners(section: Section) -> bool:
    """A list of short untitled points, one sentence each: "Key messages" at the top."""
    items = [line for line in section.body if not line.heading]
    return (
        len(items) >= 2
        and all(line.block.kind == "item" for line in items)
        and all(len(line.text.split()) <= _ONE_LINER_WORDS for line in items)
        and not any(line.heading for line in section.body)
    )


def mark_summaries(sections: list[Section]) -> list[Section]:
    """A learning section of one-liners before another learning section is a summary.

    Briefings often open with "Key messages" repeating the findings in a line each; when the
    findings follow in their own section, the one-liners are not more learning.
    """
    out = list(sections)
    for index, section in enumerate(sections):
        later = any(other.kind == "learning" for other in sections[index + 1 :])
        if section.kind == "learning" and later and _one_liners(section):
            out[index] = replace(section, kind="summary")
    return out


def recognise(doc: Document) -> Draft:
    """Find a briefing's parts in a Document; guesses are listed in ``Draft.unsure``."""
    notes, blocks = footnotes(unglue(rejoin(drop_furniture(doc.blocks))))
    lines = analyse(Document(doc.format, blocks, doc.pages, doc.title_hint, doc.notes))
    sections = mark_summaries(segment(lines))
    unsure: dict[str, str] = {}
    title, title_lines = find_title(sections, doc.title_hint, unsure)
    found = Found()
    for section in sections:
        _read_section(section, found, title_lines)
    _fallbacks(sections, found, title_lines, unsure)
    links = find_links(sections, notes, found)
    contacts = find_contacts(lines, unsure)
    for index, item in enumerate(found.learning):
        if item.title is None:
            unsure[f"learning[{index}].title"] = reason("untitled_learning")
        elif index in found.guessed_titles:
            unsure[f"learning[{index}].title"] = reason("first_sentence_title")
    return Draft(
        title=title,
        partnership=find_partnership(lines, unsure, doc.title_hint),
        what_is_a_review=found.what_is_a_review,
        purpose=found.purpose,
        case_summary=found.case_summary,
        learning=tuple(found.learning),
        recommendations=tuple(found.recommendations),
        action_taken=tuple(found.action_taken),
        questions=tuple(_unique_questions(found.questions)),
        links=tuple(links),
        contacts=tuple(contacts),
        invitation=found.invitation,
        recommendations_intro=found.recommendations_intro,
        action_taken_intro=found.action_taken_intro,
        published=find_published(lines),
        unsure=_link_marks(links, unsure),
    )


def _read_section(section: Section, found: Found, title_lines: set[int]) -> None:
    body = section.body
    if section.kind == "learning":
        read_learning(body, found, section.heading)
    elif section.kind == "recommendations":
        read_recommendations(body, found)
    elif section.kind == "action":
        read_action(body, found)
    elif section.kind == "questions":
        read_questions(body, found)
    elif section.kind == "about":
        read_about(body, found)
    elif section.kind == "case":
        read_case(body, found)
    else:
        read_questions(body, found, lead_in_only=True)


def _fallbacks(
    sections: list[Section], found: Found, title_lines: set[int], unsure: dict[str, str]
) -> None:
    """No case summary section: the paragraphs before the first section, marked for review."""
    if found.case_summary or not sections:
        return
    before = [
        strip_footnote_refs(line.text)
        for line in sections[0].body
        if not line.heading and id(line) not in title_lines and len(line.text.split()) > 8
    ]
    if before:
        found.case_summary = "\n\n".join(before)
        unsure["case_summary"] = reason("case_before_sections")


def _unique_questions(questions: list[Question]) -> list[Question]:
    seen: set[str] = set()
    out = []
    for question in questions:
        key = re.sub(r"\W+", " ", question.text.lower()).strip()
        if key and key not in seen:
            seen.add(key)
            out.append(question)
    return out


def _link_marks(links: list[LinkItem], unsure: dict[str, str]) -> dict[str, str]:
    for index, link in enumerate(links):
        if link.url is None:
            unsure[f"links[{index}].url"] = reason("link_without_url")
    return unsure


__all__ = ["recognise", "segment", "split_marker"]
