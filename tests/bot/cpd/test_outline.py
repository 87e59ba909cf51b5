"""The CPD record's DOCX and PDF, opened and read back, in both layouts, and its chat text."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import docx
import pypdf
import pytest

from bot.content.loader import load_pack_file
from bot.content.messages import render
from bot.content.schema import Pack
from bot.cpd.covered import Covered, covered_from_slots
from bot.cpd.outline import NMC_THEMES, filename, outline, render_document
from bot.cpd.record import Record, Variant, build_record
from bot.group.documents import outline_markdown
from tests.bot.cpd.conftest import REFLECTIONS, conversation_slots
from tests.conftest import PACK_FILE

TODAY = date(2026, 12, 7)


def text_of(name: str, **values: str) -> str:
    return render(name, **values).text


@pytest.fixture(scope="module")
def child_z() -> Pack:
    return load_pack_file(PACK_FILE)


@pytest.fixture(scope="module")
def records(child_z: Pack) -> dict[Variant, Record]:
    covered = covered_from_slots(**conversation_slots(child_z))
    return {
        variant: build_record(child_z, covered, variant=variant, today=TODAY)
        for variant in ("swe", "nmc")
    }


@pytest.fixture(scope="module")
def word(records: dict[Variant, Record]) -> dict[Variant, docx.document.Document]:
    return {v: docx.Document(BytesIO(render_document(r, "docx"))) for v, r in records.items()}


@pytest.fixture(scope="module")
def pdf_text(records: dict[Variant, Record]) -> dict[Variant, str]:
    texts = {}
    for variant, record in records.items():
        reader = pypdf.PdfReader(BytesIO(render_document(record, "pdf")))
        assert reader.metadata is not None
        assert reader.metadata.title == outline(record).title
        texts[variant] = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    return texts


def _headings(document: docx.document.Document) -> list[tuple[int, str]]:
    return [
        (int(p.style.name.removeprefix("Heading ")), p.text)
        for p in document.paragraphs
        if p.style is not None and p.style.name.startswith("Heading ")
    ]


def _all_text(document: docx.document.Document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


def test_the_swe_docx_is_arranged_as_social_work_englands_cpd_record(
    word: dict[Variant, docx.document.Document], child_z: Pack
) -> None:
    document = word["swe"]

    assert _headings(document) == [
        (1, text_of("cpd_title_swe", briefing_title=child_z.title)),
        (2, text_of("cpd_swe_heading_did")),
        (3, text_of("cpd_heading_sections")),
        (3, text_of("cpd_heading_discussed")),
        (3, text_of("cpd_heading_skipped")),
        (2, text_of("cpd_swe_heading_learned")),
        (2, text_of("cpd_swe_heading_practice")),
        (3, text_of("cpd_heading_reflections")),
        (3, text_of("cpd_heading_own_words")),
    ]
    assert document.core_properties.title == text_of("cpd_title_swe", briefing_title=child_z.title)
    assert document.core_properties.subject == text_of("cpd_subject_swe")


def test_the_docx_has_the_briefing_learning_reflections_and_what_they_are(
    word: dict[Variant, docx.document.Document], child_z: Pack
) -> None:
    for variant, document in word.items():
        text = _all_text(document)

        assert child_z.title in text and child_z.partnership in text, variant
        assert f"{text_of('cpd_fact_version')}: {child_z.version}" in text
        assert "7 December 2026" in text
        assert child_z.discussion_points[0].question in text
        for learning in child_z.key_learning[1:]:  # 2, 3 and 4: what points 1 and 3 rest on
            assert learning.title in text and " ".join(learning.summary.split()) in text
        assert " ".join(child_z.key_learning[0].summary.split()) not in text
        for reflection in REFLECTIONS:
            assert reflection in text
        assert text_of("cpd_reflections_note") in text  # the anonymised, confirmed versions
        assert text_of("cpd_footer", date="7 December 2026") in text  # no copy kept
        assert text_of("cpd_writing_space") in text  # the space for their own words


def test_the_space_to_write_in_is_a_table_with_blank_lines(
    word: dict[Variant, docx.document.Document],
) -> None:
    boxes = word["swe"].tables

    assert len(boxes) == 1
    assert boxes[0].cell(0, 0).text == text_of("cpd_writing_space")
    assert len(boxes[0].rows) > 2 and boxes[0].cell(1, 0).text.strip() == ""


def test_the_nmc_docx_is_the_revalidation_reflective_account(
    word: dict[Variant, docx.document.Document],
) -> None:
    headings = [text for _, text in _headings(word["nmc"])]

    assert headings[1:4] == [
        text_of("cpd_nmc_heading_nature"),
        text_of("cpd_heading_sections"),
        text_of("cpd_heading_discussed"),
    ]
    order = [
        text_of("cpd_nmc_heading_learned"),
        text_of("cpd_nmc_heading_practice"),
        text_of("cpd_nmc_heading_code"),
        *(text_of(theme) for theme in NMC_THEMES),
    ]
    assert [h for h in headings if h in order] == order
    assert [text_of(theme) for theme in NMC_THEMES] == [
        "Prioritise people",
        "Practise effectively",
        "Preserve safety",
        "Promote professionalism and trust",
    ]
    assert len(word["nmc"].tables) == 5  # their own words, and one space per theme


def test_the_pdf_says_the_same_in_both_layouts(pdf_text: dict[Variant, str], child_z: Pack) -> None:
    for variant, text in pdf_text.items():
        assert child_z.title in text, variant
        assert " ".join(text_of("cpd_reflections_note").split()) in text
        for reflection in REFLECTIONS:
            assert reflection in text
        assert child_z.key_learning[1].title in text
        assert "Reflect keeps no copy of this record" in text
    assert text_of("cpd_swe_heading_practice") in pdf_text["swe"]
    assert text_of("cpd_nmc_heading_code") in pdf_text["nmc"]
    assert "Promote professionalism and trust" in pdf_text["nmc"]
    assert "Promote professionalism and trust" not in pdf_text["swe"]


def test_the_file_names_name_the_briefing_and_the_day_only(records: dict[Variant, Record]) -> None:
    assert filename(records["swe"], "docx") == "cpd-record-esscp-child-z-2026-12-07.docx"
    assert filename(records["nmc"], "pdf") == "nmc-reflective-account-esscp-child-z-2026-12-07.pdf"


def test_the_chat_text_is_the_record_without_boxes_or_summaries(
    records: dict[Variant, Record], child_z: Pack
) -> None:
    text = outline_markdown(outline(records["nmc"], chat=True))

    assert text.startswith("# " + text_of("cpd_title_nmc", briefing_title=child_z.title))
    assert "| " not in text  # no table to write in
    assert child_z.key_learning[1].title in text
    assert " ".join(child_z.key_learning[1].summary.split()) not in text
    assert "- Promote professionalism and trust" in text
    assert REFLECTIONS[0] in text
    assert text_of("cpd_footer_chat", date="7 December 2026") in text


def test_no_reflections_and_no_points_say_so(child_z: Pack) -> None:
    record = build_record(child_z, Covered(sections=("about",)), variant="swe", today=TODAY)

    text = outline_markdown(outline(record))

    assert text_of("cpd_no_reflections") in text
    assert text_of("cpd_no_discussed") in text
    assert text_of("cpd_learned_intro_all") in text
    assert text_of("cpd_heading_skipped") not in text
    assert "{" not in text and "None" not in text
