"""Markdown briefings: headings, nested lists, bold lines and links, by a small parser.

A hand-written parser of the parts of Markdown a briefing uses (ATX and setext headings, ``-``
``*`` ``+`` and ``1.`` lists with nesting, ``**bold**`` lines, inline, automatic, bare and
reference-style links, blockquotes, pipe tables, fenced code), so the importer needs no
Markdown library and states exactly what the file says: a ``##`` is a heading of level 2, a
list item keeps its number, and the link text loses its Markdown syntax.

Two departures from CommonMark, both because briefings are written that way: a hard line break
(two trailing spaces, a backslash or ``<br>``) ends a block, and a whole-line ``**bold**``
first line of a paragraph is its own block ("**Key learning**" directly above its text).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.importer.blocks import Block, BlockKind, Document, Link, normalise_space
from bot.importer.text import SHORT_LINE, clean_line, decode
from bot.importer.urls import kept_url, merge_links, printed_links

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_ITEM = re.compile(r"^(?P<indent> *)(?P<marker>[-*+]|\d{1,9}[.)])(?:[ \t]+(?P<rest>.*))?$")
_TASK = re.compile(r"^\[[ xX]\][ \t]+")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUOTE = re.compile(r"^ {0,3}> ?")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_DEFINITION = re.compile(
    r"^ {0,3}\[(?P<label>[^\]]+)\]:[ \t]*<?(?P<url>[^\s>]+)>?"
    r"(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?[ \t]*$"
)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BOLD_LINE = re.compile(r"^(\*\*|__)(?P<inner>.+?)\1[:.]?$")

# Inline syntax, tried left to right: image, inline link, reference link, autolink, shortcut.
_INLINE = re.compile(
    r"""!\[(?P<alt>[^\]]*)\]\([^)]*\)
      | \[(?P<text>[^\]]+)\]\(\s*<?(?P<url>[^)\s>]*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)
      | \[(?P<rtext>[^\]]+)\]\[(?P<ref>[^\]]*)\]
      | <(?P<auto>(?:https?|mailto|tel):[^>\s]+)>
      | \[(?P<short>[^\]]+)\](?![(\[:])
    """,
    re.VERBOSE,
)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_EMPHASIS = re.compile(r"\*\*|__|~~|(?<![\w*])[*_](?=\S)|(?<=\S)[*_](?![\w*])")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
# Escaped characters ("\\*") stand in the private-use area while syntax is removed.
_PROTECTED = 0xE000


@dataclass
class _Pending:
    """The block being gathered: its kind, its raw lines and (for items) marker and depth."""

    kind: BlockKind = "paragraph"
    lines: list[str] = field(default_factory=list)
    level: int = 0
    marker: str = ""
    after_blank: bool = False


@dataclass
class _State:
    """What the parser has seen so far: blocks, references, open list indents, a fence."""

    refs: dict[str, str]
    blocks: list[Block] = field(default_factory=list)
    pending: _Pending = field(default_factory=_Pending)
    list_indents: list[int] = field(default_factory=list)
    fence: str = ""
    after_blank: bool = True
    in_item: bool = False


def _protect(match: re.Match[str]) -> str:
    """An escaped character as a private-use stand-in, so no syntax pattern sees it."""
    return chr(_PROTECTED + ord(match.group(1)))


def _restore(text: str) -> str:
    return "".join(
        chr(ord(ch) - _PROTECTED) if _PROTECTED <= ord(ch) < _PROTECTED + 128 else ch for ch in text
    )


def inline(text: str, refs: dict[str, str]) -> tuple[str, tuple[Link, ...]]:
    """Text without Markdown syntax, and its links (inline, reference, automatic, bare)."""
    text = _ESCAPE.sub(_protect, _COMMENT.sub("", text))
    links: list[Link] = []

    def replace(match: re.Match[str]) -> str:
        groups = match.groupdict()
        if groups["alt"] is not None:
            return ""
        if groups["auto"]:
            links.append(Link(text=groups["auto"], url=groups["auto"]))
            return groups["auto"]
        shown = groups["text"] or groups["rtext"] or groups["short"] or ""
        if groups["text"] is not None:
            url = _restore(groups["url"] or "")
        else:
            key = (groups["ref"] or shown).strip().lower()
            if key not in refs:
                return match.group(0)
            url = refs[key]
        plain = _plain(shown)
        if kept_url(url) and plain:
            links.append(Link(text=plain, url=url))
        return shown

    text = _INLINE.sub(replace, text)
    plain = _plain(text)
    return plain, merge_links(tuple(links), printed_links(plain))


def _plain(text: str) -> str:
    """Text without emphasis, code marks or inline HTML, entities decoded, spaces normalised."""
    text = _TAG.sub("", text)
    text = _EMPHASIS.sub("", text.replace("`", ""))
    return normalise_space(html.unescape(_restore(text)))


def _definitions(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """Reference-style link definitions ("[1]: https://...") taken out of the lines."""
    refs: dict[str, str] = {}
    kept: list[str] = []
    fence = ""
    for line in lines:
        opened = _FENCE.match(line)
        if opened and (not fence or opened.group(1)[0] == fence):
            fence = "" if fence else opened.group(1)[0]
        found = None if fence else _DEFINITION.match(line)
        if found and found.group("label").startswith("^"):
            found = None  # a footnote's text, not a link definition
        if found and kept_url(found.group("url")):
            refs.setdefault(found.group("label").strip().lower(), found.group("url"))
        elif found:
            refs.setdefault(found.group("label").strip().lower(), "")
        else:
            kept.append(line)
    return kept, refs


def _front_matter(lines: list[str]) -> tuple[list[str], str]:
    """YAML front matter at the top (between ``---`` lines) removed; its ``title:`` kept."""
    if not lines or lines[0].strip() != "---":
        return lines, ""
    for end in range(1, min(len(lines), 60)):
        if lines[end].strip() in ("---", "..."):
            title = ""
            for line in lines[1:end]:
                if line.lower().startswith("title:"):
                    title = line.split(":", 1)[1].strip().strip("\"'")
            return lines[end + 1 :], title
    return lines, ""


def _flush(state: _State) -> None:
    """Turn the pending lines into a block (or two, for a bold first line) and start afresh."""
    pending = state.pending
    state.pending = _Pending()
    if not pending.lines:
        return
    first = pending.lines[0].strip()
    bold_first = _BOLD_LINE.match(first)
    if pending.kind == "paragraph" and len(pending.lines) > 1 and bold_first:
        _emit(state, _Pending(lines=[first]), alone=pending.after_blank)
        pending.lines = pending.lines[1:]
        pending.after_blank = False
    _emit(state, pending, alone=False)


def _emit(state: _State, pending: _Pending, *, alone: bool) -> None:
    raw = " ".join(line.strip() for line in pending.lines)
    text, links = inline(raw, state.refs)
    if not text:
        return
    inner = _BOLD_LINE.match(raw.strip())
    bold = bool(inner) and "**" not in inner.group("inner") if inner else False
    single = len(pending.lines) == 1 and len(text) <= SHORT_LINE
    state.blocks.append(
        Block(
            kind=pending.kind,
            text=text,
            level=pending.level,
            marker=pending.marker,
            bold=bold,
            alone=alone or (single and pending.kind == "paragraph" and pending.after_blank),
            links=links,
        )
    )


def _item(state: _State, found: re.Match[str]) -> None:
    """A list item line: close what was open and start an item at its nesting depth."""
    _flush(state)
    indent = len(found.group("indent"))
    while state.list_indents and indent < state.list_indents[-1]:
        state.list_indents.pop()
    if not state.list_indents or indent > state.list_indents[-1] + 1:
        state.list_indents.append(indent)
    marker = found.group("marker")
    rest = _TASK.sub("", found.group("rest") or "")
    state.pending = _Pending(
        kind="item",
        lines=[rest],
        level=len(state.list_indents) - 1,
        marker="\u2022" if marker in "-*+" else marker,
    )
    state.in_item = True


def _table_row(state: _State, line: str) -> None:
    """A pipe-table row as one paragraph, its cells joined by " | " (the rule row dropped)."""
    _flush(state)
    if _TABLE_RULE.match(line):
        return
    cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
    state.pending = _Pending(lines=[" | ".join(cell for cell in cells if cell)])
    _flush(state)


def _text_line(state: _State, line: str) -> None:
    """A line of running text: continues the open item or paragraph, or starts one."""
    indent = len(line) - len(line.lstrip(" "))
    pending = state.pending
    if pending.lines and not state.after_blank:
        pending.lines.append(line)
        return
    _flush(state)
    if not (state.in_item and indent >= 2):
        state.list_indents = []
        state.in_item = False
    state.pending = _Pending(lines=[line], after_blank=state.after_blank)


def _heading_line(state: _State, line: str) -> bool:
    """An ATX heading, or a setext underline under the open paragraph; False for neither."""
    atx = _ATX.match(line)
    if atx:
        _flush(state)
        state.pending = _Pending(
            kind="heading", lines=[atx.group(2) or ""], level=len(atx.group(1))
        )
        _flush_heading(state)
        return True
    setext = _SETEXT.match(line)
    pending = state.pending
    if setext and pending.kind == "paragraph" and pending.lines and not state.after_blank:
        pending.kind = "heading"
        pending.level = 1 if setext.group(1)[0] == "=" else 2
        _flush_heading(state)
        return True
    return False


def _flush_heading(state: _State) -> None:
    state.list_indents = []
    state.in_item = False
    _flush(state)
    state.after_blank = True


def _code_line(state: _State, line: str) -> bool:
    """Fences open and close code; each code line is a paragraph of its own."""
    opened = _FENCE.match(line)
    if opened and (not state.fence or opened.group(1)[0] == state.fence):
        _flush(state)
        state.fence = "" if state.fence else opened.group(1)[0]
        return True
    if not state.fence:
        return False
    if line.strip():
        state.blocks.append(Block(kind="paragraph", text=normalise_space(line)))
    return True


def _line(state: _State, raw: str) -> None:
    """Classify one line and update the state; the order is Markdown's precedence."""
    line = _QUOTE.sub("", raw)
    while _QUOTE.match(line):
        line = _QUOTE.sub("", line)
    if _code_line(state, line):
        return
    if not line.strip():
        _flush(state)
        state.after_blank = True
        return
    if _heading_line(state, line):
        return
    item = _ITEM.match(line)
    if _BREAK.match(line):
        _flush(state)
        state.after_blank = True
        return
    if item:
        _item(state, item)
    elif line.lstrip().startswith("|"):
        _table_row(state, line)
    else:
        _text_line(state, line)
    state.after_blank = False


def _split_breaks(lines: list[str]) -> list[str]:
    """Hard line breaks (two trailing spaces, a backslash, ``<br>``) as blank lines.

    A blank line keeps Markdown's list and paragraph logic simple: a break ends a block.
    """
    out: list[str] = []
    for raw in lines:
        pieces = _BR.split(raw)
        for index, piece in enumerate(pieces):
            hard = piece.endswith("  ") or piece.endswith("\\") or index < len(pieces) - 1
            out.append(clean_line(piece.expandtabs(4)).removesuffix("\\"))
            if hard and piece.strip():
                out.append("")
    return out


def parse(text: str) -> Document:
    """The blocks of a Markdown briefing, in reading order."""
    lines, title = _front_matter(text.splitlines())
    lines, refs = _definitions(_split_breaks(lines))
    state = _State(refs=refs)
    for line in lines:
        _line(state, line)
    _flush(state)
    return Document(format="md", blocks=tuple(state.blocks), title_hint=title)


def read(path: Path) -> Document:
    """Read a ``.md`` briefing (any common encoding)."""
    return parse(decode(path.read_bytes()))
