"""Links a briefing prints as text (a bare URL, "www.example.org") and which links are kept.

Briefings exported to PDF or pasted as text lose their hyperlinks but still print the address,
so every reader looks for printed addresses as well as the links its format declares; one
function here keeps the readers agreeing on what a printed address is and where it ends.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bot.importer.blocks import Link

# A printed address: a scheme or "www.", then anything up to whitespace or an angle bracket.
# Trailing punctuation that ends the sentence (or closes a bracket around the address) is
# trimmed by _trim, not by the pattern, so "(see www.example.org/a_(b))." keeps the "(b)".
_PRINTED = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"\u201c\u201d]+")
_TRAILING = ".,;:!?'\u2019\u201d*"
_KEPT_SCHEMES = ("http", "https", "mailto", "tel")


def _trim(url: str) -> str:
    """An address without the punctuation of the sentence around it."""
    while url and url[-1] in _TRAILING + ")]}":
        closer = url[-1]
        opener = {")": "(", "]": "[", "}": "{"}.get(closer)
        if opener and url.count(opener) >= url.count(closer):
            break
        url = url[:-1]
    return url


def _host(url: str) -> str:
    """The host of ``url``, or ``""`` for an address too broken to have one."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # "Invalid IPv6 URL", a port out of range
        return ""


def printed_links(text: str) -> tuple[Link, ...]:
    """Every address printed in ``text``, as shown, with ``https://`` added before a bare "www.".

    A printed "www." address has no scheme; https is assumed because content packs accept only
    https links, and the reviewer checks every link anyway (``reflect links check``).
    """
    found: list[Link] = []
    for match in _PRINTED.finditer(text):
        shown = _trim(match.group(0))
        url = shown if "://" in shown else f"https://{shown}"
        host = _host(url)
        if "." not in host.removeprefix("www."):
            continue  # "www." or "https://intranet" alone is not an address a reader can use
        if all(link.url != url for link in found):
            found.append(Link(text=shown, url=url))
    return tuple(found)


def kept_url(url: str) -> str:
    """``url`` if it is a web, mail or phone link a reader can follow, else ``""``.

    Script links, in-page anchors and relative paths that nothing resolves lead nowhere for a
    practitioner reading the draft pack, so readers drop them (the text stays).
    """
    url = url.strip()
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in _KEPT_SCHEMES:
        return ""
    if scheme in ("http", "https") and not _host(url):
        return ""
    if scheme in ("mailto", "tel") and not url.split(":", 1)[1].strip():
        return ""
    return url


def merge_links(*groups: tuple[Link, ...]) -> tuple[Link, ...]:
    """The links of several sources in order, each URL once (the first text shown wins)."""
    merged: list[Link] = []
    seen: set[str] = set()
    for group in groups:
        for link in group:
            if link.url not in seen:
                seen.add(link.url)
                merged.append(link)
    return tuple(merged)
