from __future__ import annotations

from io import BytesIO
from typing import Any

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn

from bot.content.messages import render
from bot.group.documents import to_docx
from bot.group.minutes import Minutes
from tests.bot.group.conftest import assert_no_name, assert_no_placeholder


def _open(data: bytes) -> Any:
    return docx.Document(BytesIO(data))


@pytest.fixture(scope="module")
def document(minutes: Minutes) -> Any:
    return _open(to_docx(minutes))


def _headings(doc: Any) -> list[tuple[int, str]]:
    return [
        (int(p.style.name.removeprefix("Heading ")), p.text)
        for p in doc.paragraphs
        if p.style.name.startswith("Heading ")
    ]


def _all_text(doc: Any) -> str:
    """Every text node of the body (hyperlinks and tables included)."""
    return "\n".join(t.text or "" for t in doc.element.body.iter(qn("w:t")))


def _cells(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_word_headings_are_real_headings_in_order(document: Any) -> None:
    headings = _headings(document)

    assert headings[0] == (1, "Team minutes: Child Z LCSPR learning briefing")
    assert [t for level, t in headings if level == 2] == [
        "Attendance",
        "Discussion points",
        "Agreed actions",
    ]
    assert [t.split(":")[0] for level, t in headings if level == 3] == [
        "Point 1",
        "Point 2",
        "Point 3",
        "Point 4",
    ]
    assert (4, "The team's key points") in headings


def test_word_attendance_and_actions_tables_have_header_rows(document: Any) -> None:
    attendance, actions = document.tables

    assert _cells(attendance) == [
        ["Agency", "People"],
        ["Children's Social Care", "4"],
        ["Health", "2"],
        ["Police", "1"],
        ["Total", "7"],
    ]
    assert _cells(actions)[0] == [
        "Action",
        "Owner (role)",
        "By when",
        "How will we know it made a difference?",
    ]
    assert [row[1:3] for row in _cells(actions)[1:]] == [
        ["Team manager", "Within six weeks"],
        ["Each practitioner", "Next team meeting"],
    ]
    assert "[NAME 1]" in _cells(actions)[1][0]
    for table in (attendance, actions):
        header = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
        assert header is not None and header.get(qn("w:val")) == "true"
        assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)


def test_word_counts_notes_lists_and_links(document: Any, minutes: Minutes) -> None:
    text = _all_text(document)
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    links = [
        rel.target_ref
        for rel in document.part.rels.values()
        if rel.reltype == RELATIONSHIP_TYPE.HYPERLINK
    ]

    assert "5 team members joined on Reflect with the session code." in text
    assert "Team code: 7KQ4M" in [p.text for p in document.paragraphs]
    notes = [n for point in minutes.points for n in point.notes]
    assert len(notes) == 7 and all(note in bullets for note in notes)
    assert render("minutes_point_not_discussed").text in text
    assert "https://sussexchildprotection.procedures.org.uk/" in links
    hyperlinks = document.element.body.findall(f".//{qn('w:hyperlink')}")
    assert len(hyperlinks) == sum(len(point.links) for point in minutes.points) == 5


def test_word_properties_and_language(document: Any) -> None:
    props = document.core_properties
    lang = document.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )

    assert props.title == "Team minutes: Child Z LCSPR learning briefing"
    assert props.language == "en-GB"
    assert props.author == "Reflect"
    assert lang.get(qn("w:val")) == "en-GB"


def test_word_without_actions_says_so(minutes_without_actions: Minutes) -> None:
    doc = _open(to_docx(minutes_without_actions))

    assert len(doc.tables) == 1
    assert "No action was agreed at this session." in [p.text for p in doc.paragraphs]


def test_word_has_no_name_from_the_input_and_no_placeholder(
    document: Any, minutes_without_actions: Minutes, raw_names: list[str]
) -> None:
    for doc in (document, _open(to_docx(minutes_without_actions))):
        text = _all_text(doc) + "\n" + (doc.core_properties.title or "")
        assert_no_name(text, raw_names)
        assert_no_placeholder(text)
