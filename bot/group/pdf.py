"""The minutes as an accessible tagged PDF (PDF/UA-1), rendered by WeasyPrint from HTML.

WeasyPrint's ``pdf/ua-1`` variant writes the structure tree (``/StructTreeRoot``, marked
content, ``/MarkInfo``) from the HTML's own elements, so the HTML here is the accessibility:
real headings h1 to h4, tables with ``<th scope>`` header cells (attendance, actions, and the
session's facts as row headers), lists for notes and prompts, ``lang="en-GB"`` and a
``<title>`` (the PDF's title, shown by viewers instead of the file name). The font is DejaVu
Sans from Debian's fonts-dejavu-core (scripts/ensure-fonts.sh), embedded as a subset.

WeasyPrint never fetches anything: the page has no image or stylesheet link, and the URL
fetcher refuses every URL anyway, so a note or a pack link can never make the server reach out.
Every text is HTML-escaped. Rendering takes a few hundred milliseconds: callers on an event
loop run it in a worker thread (bot.web.minutes).
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path

from bot.group.outline import (
    LANGUAGE,
    Block,
    Bullets,
    Facts,
    Heading,
    Link,
    Outline,
    Paragraph,
    Table,
)

STYLESHEET = Path(__file__).resolve().parent / "minutes.css"
PDF_VARIANT = "pdf/ua-1"
_AUTHOR = "Reflect"


@cache
def _css() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def _attrs(attrs: dict[str, str]) -> str:
    return "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in attrs.items())


def _el(tag: str, content: str = "", **attrs: str) -> str:
    """One element; ``content`` is already HTML (escape text with :func:`html.escape`)."""
    return f"<{tag}{_attrs(attrs)}>{content}</{tag}>"


def _text(text: str) -> str:
    return html.escape(text, quote=False)


def _row(cells: tuple[str, ...], *, cell: str, first_is_header: bool) -> str:
    parts = []
    for index, value in enumerate(cells):
        if first_is_header and index == 0:
            parts.append(_el("th", _text(value), scope="row"))
        else:
            parts.append(_el(cell, _text(value), **({"scope": "col"} if cell == "th" else {})))
    return _el("tr", "".join(parts))


def _table(block: Table) -> str:
    head = _el("thead", _row(block.header, cell="th", first_is_header=False))
    body = _el(
        "tbody",
        "".join(_row(row, cell="td", first_is_header=block.row_headers) for row in block.rows),
    )
    foot = ""
    if block.total is not None:
        foot = _el("tfoot", _row(block.total, cell="td", first_is_header=True))
    kind = "attendance" if block.row_headers else "actions"
    return _el("table", head + body + foot, **{"class": kind})


def _item(item: str | Link) -> str:
    if isinstance(item, Link):
        return _el("li", _el("a", _text(item.title), href=item.url))
    return _el("li", _text(item))


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return _el(f"h{block.level}", _text(block.text))
    if isinstance(block, Paragraph):
        return _el("p", _text(block.text))
    if isinstance(block, Facts):
        rows = "".join(
            _el("tr", _el("th", _text(label), scope="row") + _el("td", _text(value)))
            for label, value in block.rows
        )
        return _el("table", _el("tbody", rows), **{"class": "facts"})
    if isinstance(block, Bullets):
        return _el("ul", "".join(_item(item) for item in block.items))
    return _table(block)


def _void(tag: str, **attrs: str) -> str:
    return f"<{tag}{_attrs(attrs)}>"


def outline_html(document: Outline) -> str:
    """The outline as one HTML page, its closing sentence in a ``<footer>``."""
    head = (
        _void("meta", charset="utf-8")
        + _el("title", _text(document.title))
        + _void("meta", name="author", content=_AUTHOR)
    )
    main = _el("main", "".join(_block(block) for block in document.blocks))
    page = main + _el("footer", _el("p", _text(document.footer)))
    return "<!doctype html>" + _el("html", _el("head", head) + _el("body", page), lang=LANGUAGE)


def outline_pdf(document: Outline) -> bytes:
    """The outline as the bytes of a PDF/UA-1 file."""
    from weasyprint import CSS, HTML  # about a second to import: only when a PDF is wanted
    from weasyprint.urls import URLFetcher

    refuse_all = URLFetcher(allowed_protocols=frozenset())  # no URL scheme is allowed
    stylesheet = CSS(string=_css(), url_fetcher=refuse_all)
    page = HTML(string=outline_html(document), url_fetcher=refuse_all)
    pdf: bytes = page.write_pdf(stylesheets=[stylesheet], pdf_variant=PDF_VARIANT)
    return pdf
