"""The fixture briefings stay honest: every expected structure matches its own source text.

The importer is scored against tests/data/briefings/NAME.expected.yml, so a typo in an expected
file would score the importer wrong. These tests check the fixtures, not the importer: each
expected file has every key, its source exists, every expected text really occurs in the source
(whitespace normalised, markup stripped), every URL is fictional (example.org) and every phone
number is in one of Ofcom's ranges reserved for drama (or 999). The seed (child-z) is a real
briefing and keeps its real, printed values.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

BRIEFINGS = Path(__file__).resolve().parents[2] / "data" / "briefings"
EXPECTED = sorted(BRIEFINGS.glob("*.expected.yml"))
SEED = "child-z.expected.yml"

KEYS = {
    "source",
    "format",
    "layout",
    "title",
    "partnership",
    "what_is_review_starts",
    "case_summary_starts",
    "learning",
    "recommendations",
    "action_taken",
    "questions",
    "links",
    "contacts",
}
FORMAT_OF_SUFFIX = {
    ".txt": "txt",
    ".md": "md",
    ".html": "html",
    ".docx.md": "docx",
    ".pdf.html": "pdf",
}
# Ofcom's numbers for TV, radio and drama: 8-digit prefix + any 3 digits (11 digits in all).
AREAS = ("113", "114", "115", "116", "117", "118", "121", "131", "141", "151", "161")
DRAMA_PREFIXES = (
    *(f"0{area}4960" for area in AREAS),  # Leeds 0113 496 0xxx ... Manchester 0161 496 0xxx
    "01914980",  # Tyneside 0191 498 0xxx
    "02079460",  # London 020 7946 0xxx
    "02896496",  # Belfast 028 9649 6xxx
    "02920180",  # Cardiff 029 2018 0xxx
    "01632960",  # no area 01632 960xxx
    "07700900",  # mobiles 07700 900xxx
    "08081570",  # freephone 0808 157 0xxx
    "09098790",  # premium 0909 879 0xxx
    "03069990",  # non-geographic 03069 990xxx
)
# The seed's real links, as printed (a bare host name, no scheme).
SEED_URLS = {"www.esscp.org.uk"}
URL_IN_TEXT = re.compile(r"https?://[^\s<>\"')\]]+")
PHONE_IN_TEXT = re.compile(r"(?<![\d/])0\d{2,4}(?: ?\d){6,8}(?![\d/])")
STARTS_WORDS = range(6, 11)


class _TextOnly(HTMLParser):
    """Collects an HTML file's visible text, one space at every tag, skipping styles and scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"style", "script"}:
            self._skip += 1
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"style", "script"}:
            self._skip -= 1
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def suffix_of(name: str) -> str:
    for suffix in (".docx.md", ".pdf.html", ".txt", ".md", ".html"):
        if name.endswith(suffix):
            return suffix
    raise AssertionError(f"{name}: unknown fixture suffix")


def strip_markdown(text: str) -> str:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images keep their words
    text = re.sub(r"(?m)^(%title .*|#{1,6} |!|[-*] |\d+\. |---$)", "", text)
    return text.replace("**", "").replace("*", "")


def visible_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    suffix = suffix_of(path.name)
    if suffix in {".html", ".pdf.html"}:
        parser = _TextOnly()
        parser.feed(raw)
        raw = "".join(parser.parts)
    elif suffix in {".md", ".docx.md"}:
        raw = strip_markdown(raw)
    return norm(raw)


def norm(text: str) -> str:
    return " ".join(text.split())


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: not a mapping"
    return data


def in_drama_range(number: str) -> bool:
    digits = re.sub(r"\D", "", number)
    return digits == "999" or (len(digits) == 11 and digits.startswith(DRAMA_PREFIXES))


def expected_texts(data: dict[str, Any]) -> list[str]:
    """Every piece of text the expected file says is printed in the source."""
    texts = [data["title"], data["partnership"]]
    texts += [data[key] for key in ("what_is_review_starts", "case_summary_starts") if data[key]]
    texts += [item["title"] for item in data["learning"] if item["title"]]
    texts += [item["starts"] for item in data["learning"]]
    texts += data["recommendations"] + data["action_taken"] + data["questions"]
    texts += [link["title"] for link in data["links"]]
    texts += [contact["number"] for contact in data["contacts"]]
    return texts


def test_there_are_enough_fixtures_in_every_format() -> None:
    formats = Counter(load(path)["format"] for path in EXPECTED)
    assert len(EXPECTED) >= 12
    assert all(formats[fmt] >= 2 for fmt in FORMAT_OF_SUFFIX.values()), formats


def test_every_source_has_an_expected_file() -> None:
    sources = {p.name for p in BRIEFINGS.iterdir() if p.name not in {"README.md"}}
    sources -= {p.name for p in EXPECTED}
    assert sources == {load(path)["source"] for path in EXPECTED}


@pytest.mark.parametrize("path", EXPECTED, ids=lambda p: p.name.removesuffix(".expected.yml"))
class TestExpectedFile:
    def test_has_every_key_and_its_source(self, path: Path) -> None:
        data = load(path)
        assert set(data) == KEYS
        assert (BRIEFINGS / data["source"]).is_file()
        assert data["source"].startswith(path.name.removesuffix(".expected.yml") + ".")
        assert data["format"] == FORMAT_OF_SUFFIX[suffix_of(data["source"])]
        for key in ("learning", "recommendations", "action_taken", "questions", "links"):
            assert isinstance(data[key], list), key
        assert all(set(item) == {"title", "starts"} for item in data["learning"])
        assert all(set(link) == {"title", "url"} for link in data["links"])
        assert all(set(contact) == {"label", "number"} for contact in data["contacts"])

    def test_every_expected_text_occurs_in_the_source(self, path: Path) -> None:
        data = load(path)
        text = visible_text(BRIEFINGS / data["source"])
        missing = [snippet for snippet in expected_texts(data) if norm(snippet) not in text]
        assert not missing

    def test_starts_are_six_to_ten_words(self, path: Path) -> None:
        data = load(path)
        starts = [item["starts"] for item in data["learning"]]
        starts += data["recommendations"] + data["action_taken"]
        starts += [data[k] for k in ("what_is_review_starts", "case_summary_starts") if data[k]]
        assert [s for s in starts if len(s.split()) not in STARTS_WORDS] == []

    def test_urls_are_https_on_example_org(self, path: Path) -> None:
        data = load(path)
        raw = (BRIEFINGS / data["source"]).read_text(encoding="utf-8")
        urls = [link["url"] for link in data["links"] if link["url"] is not None]
        assert all(url in raw for url in urls)
        if path.name == SEED:
            assert set(urls) <= SEED_URLS
            return
        for url in urls + URL_IN_TEXT.findall(raw):
            parts = urlsplit(url)
            assert parts.scheme == "https", url
            assert (parts.hostname or "").endswith("example.org"), url

    def test_phone_numbers_are_fictional(self, path: Path) -> None:
        data = load(path)
        numbers = [contact["number"] for contact in data["contacts"]]
        if path.name != SEED:
            numbers += PHONE_IN_TEXT.findall((BRIEFINGS / data["source"]).read_text("utf-8"))
        assert [n for n in numbers if not in_drama_range(n)] == []
