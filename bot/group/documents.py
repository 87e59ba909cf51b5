"""A session's minutes as documents (Markdown, DOCX, accessible tagged PDF) and as a chat summary.

The group service builds a :class:`~bot.group.minutes.Minutes` when the lead closes a session;
the chat shows :func:`summary_message` with signed download links (bot.group.links), and the web
app renders the format a link names, on each download, with :func:`render_document` (nothing
rendered is stored). All three documents are layouts of one outline (bot.group.outline), so
they say the same things in the same order. The heavy libraries (python-docx, WeasyPrint) are
imported on first use, never at import.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.content.messages import Message, render
from bot.group.links import DownloadLinks, Format
from bot.group.minutes import Minutes
from bot.group.outline import (
    Block,
    Bullets,
    Facts,
    Heading,
    Link,
    Outline,
    Paragraph,
    agency_label,
    duration,
    outline,
    team_code,
    text_of,
)

# Characters Markdown would read as formatting, escaped in text that came from people.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}<>#|~&])")
_LINK_OPENING = re.compile(r"\](?=\()")
# What would open a list inside a list item ("1. ", "2) ", "- ", "+ ").
_LIST_MARKER = re.compile(r"^(\d+)([.)])(?=\s|$)|^([-+])(?=\s|$)")
_SUMMARY_WHAT_CHARS = 80


def _escape_marker(match: re.Match[str]) -> str:
    if match.group(1):
        return f"{match.group(1)}\\{match.group(2)}"
    return f"\\{match.group(3)}"


def markdown_text(text: str) -> str:
    """Text as Markdown shows it literally: no emphasis, heading, table or link from a note."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    escaped = _LINK_OPENING.sub("]\\\\", escaped)
    return _LIST_MARKER.sub(_escape_marker, escaped)


def _md_item(item: str | Link) -> str:
    if isinstance(item, Link):
        return f"[{markdown_text(item.title)}](<{item.url}>)"
    return markdown_text(item)


def _md_row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(markdown_text(cell) for cell in cells) + " |"


def _md_block(block: Block) -> str:
    if isinstance(block, Heading):
        return "#" * block.level + " " + markdown_text(block.text)
    if isinstance(block, Paragraph):
        return markdown_text(block.text)
    if isinstance(block, Facts):
        return "\n".join(
            f"- **{markdown_text(label)}:** {markdown_text(value)}" for label, value in block.rows
        )
    if isinstance(block, Bullets):
        return "\n".join(f"- {_md_item(item)}" for item in block.items)
    lines = [_md_row(block.header), "| " + " | ".join("---" for _ in block.header) + " |"]
    lines += [_md_row(row) for row in block.rows]
    if block.total is not None:
        lines.append("| " + " | ".join(f"**{markdown_text(c)}**" for c in block.total) + " |")
    return "\n".join(lines)


def outline_markdown(document: Outline) -> str:
    """An outline as CommonMark with GitHub tables, one blank line between blocks."""
    blocks = [_md_block(block) for block in document.blocks]
    return "\n\n".join([*blocks, "---", markdown_text(document.footer)]) + "\n"


def to_markdown(minutes: Minutes) -> str:
    """The minutes as Markdown (UTF-8 text), readable as plain text too."""
    return outline_markdown(outline(minutes))


def to_docx(minutes: Minutes) -> bytes:
    """The minutes as a Word document (python-docx): real headings, header rows, lists."""
    from bot.group.word import outline_docx

    return outline_docx(outline(minutes))


def to_pdf(minutes: Minutes) -> bytes:
    """The minutes as a tagged PDF/UA-1 (WeasyPrint), fonts embedded, language en-GB.

    Takes a few hundred milliseconds (and about a second more for WeasyPrint's first import in
    a process): the web app calls it in a worker thread, never on the event loop.
    """
    from bot.group.pdf import outline_pdf

    return outline_pdf(outline(minutes))


@dataclass(frozen=True)
class DocumentFormat:
    """How one format is rendered and served."""

    render: Callable[[Minutes], bytes]
    content_type: str
    extension: str


def _markdown_bytes(minutes: Minutes) -> bytes:
    return to_markdown(minutes).encode("utf-8")


DOCUMENT_FORMATS: dict[Format, DocumentFormat] = {
    "docx": DocumentFormat(
        to_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    "pdf": DocumentFormat(to_pdf, "application/pdf", "pdf"),
    "md": DocumentFormat(_markdown_bytes, "text/markdown; charset=utf-8", "md"),
}


def render_document(minutes: Minutes, fmt: Format) -> bytes:
    """The minutes in one format, as the bytes of the file."""
    return DOCUMENT_FORMATS[fmt].render(minutes)


def filename(minutes: Minutes, fmt: Format) -> str:
    """The download's file name: ``minutes-<ISO week>-<team code or briefing>.<ext>``."""
    return f"{outline(minutes).filename_stem}.{DOCUMENT_FORMATS[fmt].extension}"


def _summary_attendance(minutes: Minutes) -> str:
    joined = str(minutes.joined_count)
    if not minutes.attendance:
        return text_of("minutes_summary_attendance_none", joined=joined)
    breakdown = ", ".join(
        text_of("minutes_summary_agency", agency=agency_label(item.agency), count=str(item.count))
        for item in minutes.attendance
    )
    return text_of(
        "minutes_summary_attendance",
        total=str(minutes.attendance_total),
        breakdown=breakdown,
        joined=joined,
    )


def _short(text: str) -> str:
    """One action's words for the chat: on one line, cut at a word near 80 characters."""
    one_line = " ".join(text.split()).rstrip(".")
    if len(one_line) <= _SUMMARY_WHAT_CHARS:
        return one_line
    cut = one_line[:_SUMMARY_WHAT_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _summary_actions(minutes: Minutes) -> str:
    whats = "; ".join(_short(action.what) for action in minutes.actions)
    if not minutes.actions:
        return text_of("minutes_summary_no_actions")
    if len(minutes.actions) == 1:
        return text_of("minutes_summary_actions_one", whats=whats)
    return text_of("minutes_summary_actions", count=str(len(minutes.actions)), whats=whats)


def summary_message(minutes: Minutes, links: DownloadLinks | None = None) -> Message:
    """The short summary the chat shows when the session closes, with the links if given.

    The notes and actions are the team's own words, already anonymised at the door; the
    counts never name anyone.
    """
    text = render(
        "minutes_summary",
        briefing_title=minutes.briefing_title,
        iso_week=minutes.iso_week,
        team_code=team_code(minutes),
        duration_taken=duration(minutes.duration_minutes),
        duration_planned=duration(minutes.planned_minutes),
        attendance=_summary_attendance(minutes),
        covered=str(sum(1 for point in minutes.points if point.covered)),
        total=str(len(minutes.points)),
        actions=_summary_actions(minutes),
    ).text
    if links is not None:
        text += "\n\n" + text_of(
            "minutes_summary_links",
            docx_url=links.docx,
            pdf_url=links.pdf,
            md_url=links.md,
            link_minutes=str(links.minutes),
        )
    return Message(text)
