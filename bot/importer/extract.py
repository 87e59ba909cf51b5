"""Small finders the recogniser runs over text: questions, links, footnotes and phone numbers.

Each works on one block's text and knows nothing of sections, so the same rule finds a link in
a "Useful links" list, in a learning theme or in a footnote, and a phone number in a heading,
a contacts table or a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from bot.importer.blocks import Block

URL = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+(?:\([^\s)]*\)[^\s<>\"')\]]*)?", re.I)
FOOTNOTE_REF = re.compile(r"\[(\d{1,2})\]|\[\^(\d{1,2})\]")
_FOOTNOTE_DEF = re.compile(r"^\s*\[\^?(\d{1,2})\]:?\s*(.*)$")
_SENTENCE = re.compile(r"(?<=[.?!])[\"'\u201d\u2019)]?\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")
_EMERGENCY = re.compile(r"(?<!\d)(?<!\d )999(?!\d)(?! \d)")
_TRAILING = re.compile(r"[\s:;,.\-\u2013\u2014|>(]+$")
_LEAD_WORDS = re.compile(
    r"\b(?:call|phone|ring|telephone|tel|contact|on|is|via|at|number|no|or|and|please)\.?$",
    re.IGNORECASE,
)
_LEADING_VERB = re.compile(
    r"^(?:(?:or|and|then|please)\s+)?(?:(?:contact|call|ring|phone|telephone|speak to|visit|see|"
    r"read|use|go to)\s+)?(?:the\s+|our\s+|your\s+)?",
    re.IGNORECASE,
)
_QUESTION_LEAD = re.compile(
    r"\b(ask (yourself|your team|each other)|consider|questions?|reflect|think about|discuss)\b",
    re.IGNORECASE,
)
_PROMPT_START = re.compile(
    r"^(how|what|when|why|who|where|which|do|does|did|is|are|can|could|would|should|have|has|"
    r"consider|think|reflect|discuss|describe|identify|share)\b",
    re.IGNORECASE,
)
MAX_LABEL_WORDS = 9
_PHONE_LENGTH = re.compile(r"^(?:0\d{9,10}|44\d{9,10})$")


def sentences(text: str) -> list[str]:
    """A paragraph's sentences (a simple split at . ? ! before a capital)."""
    return [part.strip() for part in _SENTENCE.split(text) if part.strip()]


def questions_in(text: str) -> list[str]:
    """The sentences of a text that are questions (end with a question mark)."""
    return [s for s in sentences(text) if s.rstrip("\"'\u201d\u2019 ").endswith("?")]


def is_question_lead_in(text: str) -> bool:
    """What introduces questions: "Ask yourself:", "Consider the following questions:"."""
    return text.rstrip().endswith(":") and bool(_QUESTION_LEAD.search(text))


def after_inline_lead_in(text: str) -> str | None:
    """The questions after an in-line lead-in: "Ask yourself: Would you know...?"."""
    head, colon, rest = text.partition(":")
    if colon and len(head.split()) <= 5 and _QUESTION_LEAD.search(head) and "?" in rest:
        return rest.strip()
    return None


def is_prompt(text: str) -> bool:
    """A list item in a questions section that asks something, with or without "?"."""
    return text.rstrip().endswith("?") or bool(_PROMPT_START.match(text))


def strip_footnote_refs(text: str) -> str:
    """Text without "[1]"-style references (their links are listed separately)."""
    text = re.sub(r"\s+([.,;:])", r"\1", FOOTNOTE_REF.sub("", text))
    return re.sub(r"(?<=\S)[ \t]{2,}(?=\S)", " ", text).strip()


def clean_url(url: str) -> str:
    """A URL as printed, without the sentence's closing punctuation."""
    return url.rstrip(".,;:!?")


def label_before(text: str, start: int, *, clause: bool = False) -> str:
    """The words on a line before a URL or number: the link's title or the contact's label.

    ``clause``: only the last clause (a contact's label: "Out of hours, call the duty team on").
    """
    head = _TRAILING.sub("", text[:start])
    for cut in (". ", "; ", "? ") + ((", ", ") ", ": ") if clause else ()):
        if cut in head:
            head = head.rsplit(cut, 1)[1]
    head = _TRAILING.sub("", head)
    for _ in range(3):
        shorter = _TRAILING.sub("", _LEAD_WORDS.sub("", head))
        if shorter == head:
            break
        head = shorter
    return _LEADING_VERB.sub("", head).strip()


@dataclass(frozen=True)
class FoundLink:
    """A link found in a block: its title as shown (may be empty) and the URL (or None)."""

    title: str
    url: str | None


def _same_address(text: str, url: str) -> bool:
    def bare(value: str) -> str:
        return re.sub(r"^(https?://)?(www\.)?", "", value.strip().lower()).rstrip("/")

    return bare(text) == bare(url)


def links_in(block: Block) -> list[FoundLink]:
    """The block's hyperlinks, then bare URLs and www. addresses in its text."""
    found = [
        FoundLink(
            label_before(block.text, max(block.text.find(link.text), 0))
            if _same_address(link.text, link.url)
            else link.text.strip(),
            link.url,
        )
        for link in block.links
        if link.url.lower().startswith(("http://", "https://"))
    ]
    seen = {link.url for link in found if link.url}
    for match in URL.finditer(block.text):
        url = clean_url(match.group(0))
        if url in seen or any(url in other for other in seen):
            continue
        seen.add(url)
        found.append(FoundLink(label_before(block.text, match.start()), url))
    return found


_PASTED_TITLE = re.compile(r":\s+(?P<title>[^:|]{3,160}?\s\|\s[^|:]{3,90}?)\s*$")


def pasted_title(text: str) -> str | None:
    """A web page's title pasted where its link was ("...found here: Page | Site name").

    Copying a briefing out of a PDF or web page keeps a link's words and loses its address;
    the "Page title | Site" shape at the end of a sentence is such a link.
    """
    match = _PASTED_TITLE.search(text)
    if match is None or URL.search(text) or len(text[: match.start()].split()) < 3:
        return None  # not "Published: March 2025 | Version 1.2"
    return match.group("title").strip()


def footnote_definition(text: str) -> tuple[str, str, str] | None:
    """``(number, title, url)`` for a footnote line like "[2] Title https://..."."""
    match = _FOOTNOTE_DEF.match(text)
    if not match:
        return None
    rest = match.group(2)
    url_match = URL.search(rest)
    if not url_match:
        return None
    title = label_before(rest, url_match.start()) or _TRAILING.sub("", rest[url_match.end() :])
    return match.group(1), title.strip(" .-\u2013"), clean_url(url_match.group(0))


def words_before_ref(text: str, number: str, limit: int = 8) -> str:
    """The words a footnote reference follows: the footnote's title when it has none."""
    match = re.search(rf"\[\^?{number}\]", text)
    if not match:
        return ""
    head = label_before(text, match.start())
    return " ".join(head.split()[-limit:])


@dataclass(frozen=True)
class FoundNumber:
    """A phone number in a block: label (words before it), the number as printed, and when."""

    label: str
    number: str
    when: str


def _when_after(text: str, end: int) -> str:
    rest = text[end:].lstrip()
    if rest.startswith("("):
        close = rest.find(")")
        if close > 0:
            return rest[1:close].strip()
    return ""


def numbers_in(text: str) -> list[FoundNumber]:
    """UK phone numbers (any format phonenumbers accepts as possible) and 999."""
    found: list[FoundNumber] = []
    matcher = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
    spans: list[tuple[int, int]] = []
    for match in matcher:
        if not _PHONE_LENGTH.match(digits(match.raw_string)):
            continue  # a year, a quantity, a reference number
        spans.append((match.start, match.end))
        found.append(_found(text, match.start, match.end, match.raw_string))
    for emergency in _EMERGENCY.finditer(text):
        if not any(start <= emergency.start() < end for start, end in spans):
            found.append(_found(text, emergency.start(), emergency.end(), "999"))
    return found


# A run of digits as long as a phone number's: a label holding one ran on from an earlier
# number on the line ("Front Door on 01632 960222 (out of hours" before the second number).
_NUMBER_IN_LABEL = re.compile(r"\d[\d ]{5,}\d")


def _found(text: str, start: int, end: int, raw: str) -> FoundNumber:
    label = label_before(text, start, clause=True)
    label = _NUMBER_IN_LABEL.split(label)[-1].strip(" (),;:-")
    if len(label.split()) > MAX_LABEL_WORDS:
        label = " ".join(label.split()[-MAX_LABEL_WORDS:])
    return FoundNumber(label, raw.strip(), _when_after(text, end))


def digits(number: str) -> str:
    """Only the digits, for comparing numbers however they are spaced."""
    return re.sub(r"\D", "", number)
