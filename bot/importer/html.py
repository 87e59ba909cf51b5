"""HTML briefings (a partnership's web page, saved): the page's own content, as blocks.

A saved web page carries the site around the briefing: menus, banners, breadcrumbs, cookie
notices, footers. Those are dropped by what they are (``nav``, ``role=banner``, an element named
"breadcrumb"), never by their words, and ``<main>``/``<article>`` is preferred when the page
marks its content. What remains is stated as the page states it: ``<h2>`` is a heading of level
2, a list item keeps the number or letter its ``<ol>`` would show, a link keeps its visible text,
``<strong>`` around a whole block makes it bold, and a table row is one paragraph.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urljoin

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.element import (
    Comment,
    Declaration,
    Doctype,
    NavigableString,
    ProcessingInstruction,
    Tag,
)
from lxml import etree

from bot.importer.blocks import (
    Block,
    BlockKind,
    Document,
    Link,
    normalise_space,
    ordinal_marker,
    split_marker,
)
from bot.importer.limits import MAX_HTML_DEPTH, MAX_HTML_ELEMENTS, BriefingReadError
from bot.importer.sections import section_kind
from bot.importer.text import SHORT_LINE, clean_line
from bot.importer.urls import kept_url, merge_links, printed_links

# Elements that are never the briefing: scripts, forms, the site's furniture.
_DROPPED = frozenset(
    "script style noscript template nav form button select textarea iframe object svg "
    "canvas dialog head".split()
)
_DROPPED_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "complementary"})
# Class or id words of the site's furniture, and of text only screen readers hear.
_FURNITURE = re.compile(
    r"breadcrumb|cookie|skip-?link|sr-only|visually-?hidden|screen-reader-text", re.IGNORECASE
)
_SECTIONING = frozenset({"article", "main", "section"})
_IN_TEXT = frozenset({"article", "section"})  # an <aside> here is a callout, not a sidebar
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BLOCKS = frozenset(
    "p div section article main header footer blockquote figure figcaption address details "
    "summary dl dt dd hr center fieldset legend caption body html".split()
)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(bold|bolder|[6-9]00)", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_TYPED_BULLETS = frozenset("\u00b7\u2022\u25aa\u25cf\u25e6\uf0b7\uf0a7")
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)


@dataclass
class _Segment:
    """A run of text with its emphasis and the link it belongs to (an index into hrefs)."""

    text: str
    bold: bool | None  # None for the " | " between table cells, which has no weight
    link: int = -1


@dataclass
class _Context:
    """What the next flushed line becomes: its kind, level and marker."""

    kind: BlockKind = "paragraph"
    level: int = 0
    marker: str = ""


@dataclass
class _Walker:
    """Walks the page in document order, gathering inline text into blocks."""

    base: str
    blocks: list[Block] = field(default_factory=list)
    segments: list[_Segment | None] = field(default_factory=list)  # None is a line break
    hrefs: list[str] = field(default_factory=list)
    context: _Context = field(default_factory=_Context)
    depth: int = -1
    in_row: bool = False
    unresolved: int = 0

    # --- inline text ---

    def text(self, text: str, bold: bool, link: int) -> None:
        self.segments.append(_Segment(text=text, bold=bold, link=link))

    def newline(self) -> None:
        self.segments.append(_Segment(text=" ", bold=None) if self.in_row else None)

    def link(self, tag: Tag) -> int:
        """The index of the link ``tag`` points to, or -1 when it leads nowhere usable."""
        href = str(tag.get("href") or "").strip()
        if not href:
            return -1
        try:
            url = kept_url(urljoin(self.base, href) if self.base else href)
        except ValueError:  # an address too broken to resolve ("http://[x")
            url = ""
        if not url:
            if not href.startswith(("#", "javascript:")) and ":" not in href.split("/")[0]:
                self.unresolved += 1
            return -1
        self.hrefs.append(url)
        return len(self.hrefs) - 1

    # --- blocks ---

    def flush(self) -> None:
        """Emit the gathered text as blocks, one per line; the context applies to the first."""
        lines: list[list[_Segment]] = [[]]
        for segment in self.segments:
            if segment is None:
                lines.append([])
            else:
                lines[-1].append(segment)
        self.segments = []
        made = [block for line in lines if (block := self._block(line)) is not None]
        if len(made) > 1:  # lines split by <br> do not stand alone: they run on
            made = [replace(block, alone=False) for block in made]
        self.blocks.extend(made)
        if made and self.context.kind == "item":
            self.context = _Context()

    def _block(self, line: list[_Segment]) -> Block | None:
        text = normalise_space(clean_line("".join(segment.text for segment in line)))
        if not text:
            return None
        weighed = [s for s in line if s.bold is not None and s.text.strip()]
        links: dict[int, str] = {}
        for segment in line:
            if segment.link >= 0:
                links[segment.link] = links.get(segment.link, "") + segment.text
        shown = tuple(
            Link(text=normalise_space(words), url=self.hrefs[index])
            for index, words in links.items()
            if normalise_space(words)
        )
        context = self.context
        if context.kind == "paragraph" and not self.in_row:
            context = _typed_bullet(text) or context
            text = split_marker(text)[1] if context.kind == "item" else text
        return Block(
            kind=context.kind,
            text=text,
            level=context.level,
            marker=context.marker,
            bold=bool(weighed) and all(s.bold for s in weighed),
            alone=context.kind == "paragraph" and not self.in_row and len(text) <= SHORT_LINE,
            links=merge_links(shown, printed_links(text)),
        )


def _typed_bullet(text: str) -> _Context | None:
    """A paragraph that starts with a typed bullet ("·  Do you know...?") is a list item.

    Word's "Save as HTML" writes a bulleted list as paragraphs whose first characters are the
    Symbol font's bullet and some spaces, not as ``<ul>``.
    """
    marker, _ = split_marker(text)
    if marker and marker in _TYPED_BULLETS:
        return _Context(kind="item", level=0, marker=marker)
    return None


def _is_furniture(tag: Tag) -> bool:
    """Whether an element is the site's furniture or hidden, not the briefing."""
    if tag.name in _DROPPED:
        return True
    if tag.name in ("header", "footer") and not any(
        parent.name in _SECTIONING for parent in tag.parents
    ):
        return True
    if tag.name == "aside" and not any(parent.name in _IN_TEXT for parent in tag.parents):
        return True  # an <aside> inside the article is the briefing's own box ("Reflect")
    if str(tag.get("role") or "").lower() in _DROPPED_ROLES:
        return True
    if tag.has_attr("hidden") or str(tag.get("aria-hidden") or "").lower() == "true":
        return True
    if _HIDDEN_STYLE.search(str(tag.get("style") or "")):
        return True
    if tag.name in ("html", "body", "main", "article"):
        return False  # a page-wide class ("cookies-accepted") never hides the whole page
    classes: list[str] = list(tag.get_attribute_list("class"))
    names = [*classes, str(tag.get("id") or ""), str(tag.get("aria-label") or "")]
    return any(_FURNITURE.search(str(name)) for name in names)


def _in_furniture(tag: Tag) -> Tag | None:
    """The outermost furniture element ``tag`` sits in, or None."""
    found = None
    for parent in tag.parents:
        if isinstance(parent, Tag) and parent.name not in ("html", "[document]"):
            if _is_furniture(parent):
                found = parent
    return found


def _contact_boxes(soup: BeautifulSoup) -> list[Tag]:
    """The "Worried about a child?" boxes and phone links in a sidebar, taken out of it.

    A web page often puts its urgent numbers in a sidebar, which is dropped as the site's
    furniture; a box headed as a contacts section, or a ``tel:`` link outside the page footer,
    is the briefing's own and is read after the content.
    """
    boxes: list[Tag] = []
    headings = soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "strong", "b"])
    named = [h for h in headings if section_kind(normalise_space(h.get_text())) == "contacts"]
    phones = [a for a in soup.find_all("a", href=True) if str(a["href"]).startswith("tel:")]
    for tag in [*named, *phones]:
        root = _in_furniture(tag)
        if tag.decomposed or root is None or any(box in tag.parents for box in boxes):
            continue
        if tag.name == "a" and (root.name == "footer" or root.get("role") == "contentinfo"):
            continue  # a footer's number is the office's, not where to report a concern
        box = tag.parent if isinstance(tag.parent, Tag) else tag
        while box.name in ("strong", "b", "a", "span", "em", "p", "li") and box is not root:
            box = box.parent if isinstance(box.parent, Tag) else box
        boxes.append(box.extract())
    return boxes


def _strip_furniture(soup: Tag) -> None:
    for tag in list(soup.find_all(True)):
        if not tag.decomposed and _is_furniture(tag):
            tag.decompose()


def _content_root(soup: BeautifulSoup) -> Tag:
    """The page's own content: ``<main>``, ``role=main`` or the only ``<article>``, else body."""
    for found in (soup.find("main"), soup.find(True, attrs={"role": "main"})):
        if isinstance(found, Tag):
            return found
    articles = soup.find_all("article")
    if len(articles) == 1 and isinstance(articles[0], Tag):
        return articles[0]
    return soup.body if isinstance(soup.body, Tag) else soup


_STYLE_TYPES = {
    "lower-alpha": "a",
    "lower-latin": "a",
    "upper-alpha": "A",
    "upper-latin": "A",
    "lower-roman": "i",
    "upper-roman": "I",
}


def _list_type(tag: Tag) -> str:
    style = str(tag.get("style") or "").lower()
    for name, kind in _STYLE_TYPES.items():
        if name in style:
            return kind
    kind = str(tag.get("type") or "1")
    return kind if kind in ("1", "a", "A", "i", "I") else "1"


def _int(value: object, default: int) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        return default


def _is_bold(tag: Tag) -> bool:
    return tag.name in ("strong", "b") or bool(_BOLD_STYLE.search(str(tag.get("style") or "")))


def _walk(walker: _Walker, node: Tag, bold: bool = False, link: int = -1) -> None:
    """Every child of ``node`` in order: text gathered, block elements flushed around."""
    for child in node.children:
        if isinstance(child, _SKIPPED_STRINGS):
            continue
        if isinstance(child, NavigableString):
            walker.text(str(child), bold, link)
        elif isinstance(child, Tag):
            _element(walker, child, bold, link)


def _element(walker: _Walker, tag: Tag, bold: bool, link: int) -> None:
    """One element: a line break, a heading, a list, a table, a block or inline text."""
    name = tag.name
    if name == "br":
        walker.newline()
    elif name in _HEADINGS:
        walker.flush()
        walker.context = _Context(kind="heading", level=_HEADINGS[name])
        _walk(walker, tag, bold, link)
        walker.flush()
        walker.context = _Context()
    elif name in ("ul", "ol"):
        _list(walker, tag)
    elif name == "li":  # an item outside any list: a bullet at the outermost depth
        _item(walker, tag, "\u2022")
    elif name == "table":
        _table(walker, tag)
    elif name == "pre":
        walker.flush()
        for line in tag.get_text().splitlines():
            walker.text(line, bold, -1)
            walker.flush()
    elif name in _BLOCKS and walker.in_row:  # a cell's one paragraph (Word's export)
        walker.newline()
        _walk(walker, tag, bold or _is_bold(tag), link)
    elif name in _BLOCKS:
        walker.flush()
        _walk(walker, tag, bold or _is_bold(tag), link)
        walker.flush()
    else:
        inner = walker.link(tag) if name == "a" else link
        _walk(walker, tag, bold or _is_bold(tag), inner)


def _item(walker: _Walker, tag: Tag, marker: str) -> None:
    walker.flush()
    walker.context = _Context(kind="item", level=max(walker.depth, 0), marker=marker)
    _walk(walker, tag)
    walker.flush()
    walker.context = _Context()


def _list(walker: _Walker, tag: Tag) -> None:
    """A list's items with the markers the browser would show, one level deeper."""
    walker.flush()
    walker.depth += 1
    ordered = tag.name == "ol"
    kind = _list_type(tag)
    step = -1 if ordered and tag.has_attr("reversed") else 1
    items = [child for child in tag.children if isinstance(child, Tag) and child.name == "li"]
    number = _int(tag.get("start"), len(items) if step < 0 else 1)
    for child in tag.children:
        if not isinstance(child, Tag):
            continue
        if child.name != "li":
            _element(walker, child, False, -1)
            continue
        number = _int(child.get("value"), number)
        _item(walker, child, ordinal_marker(number, kind) if ordered else "\u2022")
        number += step
    walker.depth -= 1


def _is_layout_table(table: Tag) -> bool:
    """A table used to lay out a page: a cell holds several paragraphs, a list or a table.

    One paragraph per cell is a data table: Word's "Save as HTML" wraps every cell's text in
    its own ``<p class=MsoNormal>``.
    """
    return any(
        cell.find(["ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6"])
        or len(cell.find_all(["p", "div"])) > 1
        for cell in table.find_all(["td", "th"])
    )


def _table(walker: _Walker, table: Tag) -> None:
    """A data table as one paragraph per row, cells joined by " | "."""
    walker.flush()
    if _is_layout_table(table):
        for cell in table.find_all(["td", "th", "caption"]):
            _walk(walker, cell)
            walker.flush()
        return
    caption = table.find("caption")
    if isinstance(caption, Tag):
        _walk(walker, caption)
        walker.flush()
    walker.in_row = True
    for row in table.find_all("tr"):
        cells = [c for c in row.children if isinstance(c, Tag) and c.name in ("td", "th")]
        for index, cell in enumerate(cells):
            if index:
                walker.segments.append(_Segment(text=" | ", bold=None))
            _walk(walker, cell)
        walker.flush()
    walker.in_row = False


def _title(soup: BeautifulSoup) -> str:
    if soup.title and soup.title.get_text().strip():
        return normalise_space(soup.title.get_text())
    meta = soup.find("meta", attrs={"property": "og:title"})
    return normalise_space(str(meta.get("content") or "")) if isinstance(meta, Tag) else ""


def shape(markup: str | bytes) -> tuple[int, int]:
    """(how deeply the page's elements nest, how many there are), by lxml (C), in milliseconds.

    libxml2 stops nesting at a few thousand levels, so the depth is a lower bound for a
    pathological page, and exact for any page under :data:`MAX_HTML_DEPTH`.
    """
    parser = etree.HTMLParser(recover=True, no_network=True, huge_tree=True)
    root = etree.fromstring(markup, parser) if markup else None
    if root is None:
        return 0, 0
    depth = deepest = elements = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            depth += 1
            elements += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest, elements


def _check_shape(markup: str | bytes) -> None:
    """Refuse a page nested too deeply, or far too big, before BeautifulSoup spends minutes."""
    depth, elements = shape(markup)
    if depth > MAX_HTML_DEPTH:
        raise BriefingReadError(
            f"the page nests its elements {depth} deep (a briefing needs at most "
            f"{MAX_HTML_DEPTH}): save it again from the browser or word processor"
        )
    if elements > MAX_HTML_ELEMENTS:
        raise BriefingReadError(
            f"the page has {elements} elements, too many for a briefing (at most "
            f"{MAX_HTML_ELEMENTS}): import the briefing itself, not a whole site or report"
        )


def parse(markup: str | bytes) -> Document:
    """The blocks of an HTML page's own content, in document order."""
    if (
        isinstance(markup, bytes)
        and b"\x00" in markup[:4096]
        and not markup.startswith((b"\xff\xfe", b"\xfe\xff"))
    ):
        raise BriefingReadError("the file is not a web page (it holds binary data)")
    _check_shape(markup)
    with warnings.catch_warnings():
        # A page that is only an address is still a page here, and a page that starts with an
        # XML declaration (XHTML) is read as HTML on purpose: bs4's 12-line advice is noise.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(markup, "lxml")
    title = _title(soup)
    base_tag = soup.find("base", href=True)
    base = str(base_tag.get("href") or "") if isinstance(base_tag, Tag) else ""
    boxes = _contact_boxes(soup)
    _strip_furniture(soup)
    walker = _Walker(base=base)
    _walk(walker, _content_root(soup))
    walker.flush()
    for box in boxes:
        _strip_furniture(box)
        _walk(walker, box)
        walker.flush()
    notes: tuple[str, ...] = ()
    if walker.unresolved:
        notes = (
            f"{walker.unresolved} relative link(s) dropped: the page has no <base> to resolve "
            "them against; add their full addresses by hand",
        )
    return Document(format="html", blocks=tuple(walker.blocks), title_hint=title, notes=notes)


def read(path: Path) -> Document:
    """Read an ``.html``/``.htm`` briefing; the page's declared encoding is honoured."""
    try:
        return parse(path.read_bytes())
    except BriefingReadError as exc:  # say which file, as the other readers do
        raise BriefingReadError(f"{path.name}: {exc}") from exc
