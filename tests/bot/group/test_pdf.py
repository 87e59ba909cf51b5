from __future__ import annotations

from collections import Counter
from dataclasses import replace
from io import BytesIO
from typing import Any

import pypdf
import pytest
from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject, IndirectObject

from bot.content.messages import render
from bot.group.documents import to_pdf
from bot.group.minutes import Minutes
from bot.group.outline import outline
from bot.group.pdf import outline_html
from tests.bot.group.conftest import assert_no_name, assert_no_placeholder


@pytest.fixture(scope="module")
def pdf(minutes: Minutes) -> pypdf.PdfReader:
    return pypdf.PdfReader(BytesIO(to_pdf(minutes)))


@pytest.fixture(scope="module")
def pdf_without_actions(minutes_without_actions: Minutes) -> pypdf.PdfReader:
    return pypdf.PdfReader(BytesIO(to_pdf(minutes_without_actions)))


def _text(reader: pypdf.PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _resolve(node: Any) -> Any:
    return node.get_object() if isinstance(node, IndirectObject) else node


def _roles(reader: pypdf.PdfReader) -> Counter[str]:
    """Structure element types (/S) in the structure tree."""
    roles: Counter[str] = Counter()
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = _resolve(stack.pop())
        if isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, DictionaryObject):
            if "/S" in node:
                roles[str(node["/S"])] += 1
            if "/K" in node:
                stack.append(node["/K"])
    return roles


def _fonts(reader: pypdf.PdfReader) -> dict[str, DictionaryObject]:
    """Each font used on any page, by base name, with its font descriptor."""
    found = {}
    for page in reader.pages:
        for font in _resolve(page["/Resources"])["/Font"].values():
            font = _resolve(font)
            descendant = (
                _resolve(font["/DescendantFonts"][0]) if "/DescendantFonts" in font else font
            )
            found[str(font["/BaseFont"])] = _resolve(descendant["/FontDescriptor"])
    return found


def test_pdf_is_tagged_with_language_and_title(pdf: pypdf.PdfReader) -> None:
    catalog = pdf.trailer["/Root"]

    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert catalog["/Lang"] == "en-GB"
    assert pdf.metadata is not None
    assert pdf.metadata.title == "Team minutes: Child Z LCSPR learning briefing"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
    # PDF/UA-1 identification in the XMP metadata.
    assert b"pdfuaid" in catalog["/Metadata"].get_data()


def test_pdf_structure_has_headings_tables_with_headers_and_lists(pdf: pypdf.PdfReader) -> None:
    roles = _roles(pdf)

    assert roles["/H1"] == 1
    assert roles["/H2"] == 3
    assert roles["/H3"] == 4
    assert roles["/H4"] == 16
    assert roles["/Table"] == 3  # the facts, attendance, actions
    assert roles["/TH"] == 6 + 2 + 3 + 1 + 4  # facts' row headers, attendance, total, actions
    assert roles["/L"] >= 10 and roles["/LI"] >= 20
    assert roles["/Link"] >= 5  # five procedure links; one that wraps is tagged per line


def test_pdf_fonts_are_dejavu_and_embedded(pdf: pypdf.PdfReader) -> None:
    fonts = _fonts(pdf)

    assert fonts
    for name, descriptor in fonts.items():
        assert "DejaVu" in name
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), name


def test_pdf_text_is_extractable_with_headings_counts_and_actions(pdf: pypdf.PdfReader) -> None:
    text = _flat(_text(pdf))

    for expected in (
        "Team minutes: Child Z LCSPR learning briefing",
        "Attendance",
        "Children's Social Care 4",
        "Total 7",
        "5 team members joined on Reflect with the session code.",
        "Point 1: How do you manage situations",
        "Point 4: When was the last time",
        render("minutes_point_not_discussed").text,
        "Agreed actions",
        "How will we know it made a difference?",
        "Team manager",
        "[NAME 1]",
        "2026-W48",
        "7KQ4M",
    ):
        assert expected in text, expected


def test_pdf_without_actions_says_so(pdf_without_actions: pypdf.PdfReader) -> None:
    text = _flat(_text(pdf_without_actions))

    assert "No action was agreed at this session." in text
    assert "Owner (role)" not in text
    assert _roles(pdf_without_actions)["/Table"] == 2


def test_pdf_has_no_name_from_the_input_and_no_placeholder(
    pdf: pypdf.PdfReader, pdf_without_actions: pypdf.PdfReader, raw_names: list[str]
) -> None:
    for reader in (pdf, pdf_without_actions):
        text = _text(reader) + "\n" + str(reader.metadata)
        assert_no_name(_flat(text), raw_names)
        assert_no_placeholder(_text(reader))


def test_typed_text_is_escaped_in_the_html(minutes: Minutes) -> None:
    point = replace(minutes.points[0], notes=('<img src="https://evil.example/x.png"> & co',))
    page = outline_html(outline(replace(minutes, points=(point,))))

    assert "<img" not in page
    assert '&lt;img src="https://evil.example/x.png"&gt; &amp; co' in page
    assert page.startswith('<!doctype html><html lang="en-GB"><head><meta charset="utf-8">')


def test_nothing_is_fetched_while_rendering(
    minutes: Minutes, monkeypatch: pytest.MonkeyPatch
) -> None:
    from weasyprint.urls import URLFetcher

    def refuse(self: Any, url: str, headers: Any = None) -> Any:
        raise AssertionError(f"fetched {url}")

    monkeypatch.setattr(URLFetcher, "open", refuse)
    point = replace(minutes.points[0], notes=("see https://evil.example/x.png",))

    assert to_pdf(replace(minutes, points=(point,))).startswith(b"%PDF-")
