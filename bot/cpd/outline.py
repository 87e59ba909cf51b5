"""The CPD record as outline blocks, arranged the way the practitioner's regulator asks.

Two layouts of one :class:`~bot.cpd.record.Record`, built from the group minutes' blocks
(bot.group.outline) so the DOCX, the PDF and the chat text reuse the writers the minutes have:

- ``swe``: Social Work England's CPD record, what you did, what you learned, how it changes
  your practice;
- ``nmc``: the NMC revalidation reflective account, the nature of the activity, what you learned,
  how you changed or improved your practice, and how it is relevant to the Code (its four themes
  as headings to complete).

The practice section carries their reflections from the conversation, saying they are the
anonymised versions they confirmed, then a clearly marked space for their own words: a
regulator wants the practitioner's reflection, which a tool cannot write for them. Every label
and sentence comes from bot/content/messages.yml; the briefing's text comes from the pack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.briefing.views import long_date
from bot.cpd.links import Format
from bot.cpd.record import OwnReflection, PointDone, Record, Variant
from bot.group.outline import (
    Block,
    Bullets,
    Facts,
    Heading,
    Outline,
    Paragraph,
    Table,
    clean,
    text_of,
)

_FILE_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
#: The blank lines of a space to write in (a non-breaking space keeps an empty row's height).
_WRITING_LINES = 4
_BLANK = "\u00a0"
#: The NMC Code's four themes, in the Code's order, as messages.yml names their headings.
NMC_THEMES = (
    "cpd_nmc_theme_people",
    "cpd_nmc_theme_effective",
    "cpd_nmc_theme_safety",
    "cpd_nmc_theme_trust",
)
#: Each section of the briefing (bot.cpd.covered.SECTIONS) and the message naming it.
SECTION_LABELS = {
    "about": "cpd_section_about",
    "key_learning": "cpd_section_key_learning",
    "recommendations": "cpd_section_recommendations",
    "action_taken": "cpd_section_action_taken",
    "procedures": "cpd_section_procedures",
}


@dataclass(frozen=True)
class Layout:
    """The messages that differ between the two variants."""

    title: str
    subject: str
    file: str
    own_words: str


LAYOUTS: dict[Variant, Layout] = {
    "swe": Layout("cpd_title_swe", "cpd_subject_swe", "cpd_file_swe", "cpd_own_words_swe"),
    "nmc": Layout("cpd_title_nmc", "cpd_subject_nmc", "cpd_file_nmc", "cpd_own_words_nmc"),
}


def section_label(section: str) -> str:
    """How a section of the briefing is named (an unknown id never reaches here: see covered)."""
    return text_of(SECTION_LABELS.get(section, "cpd_section_about"))


def point_line(point: PointDone) -> str:
    """``Point 2: <question>``."""
    return text_of("cpd_point_item", number=str(point.number), question=clean(point.question))


def reflection_line(reflection: OwnReflection) -> str:
    """A reflection, with the point it was on when there was one."""
    if reflection.point_number is None:
        return text_of("cpd_reflection_item_general", text=clean(reflection.text))
    return text_of(
        "cpd_reflection_item", number=str(reflection.point_number), text=clean(reflection.text)
    )


def filename_stem(record: Record) -> str:
    """``cpd-record-<pack>-<date>`` (or the NMC account's): nothing in it names anyone."""
    parts = [text_of(LAYOUTS[record.variant].file), record.pack_id, record.produced_on.isoformat()]
    return "-".join(p for p in (_FILE_UNSAFE.sub("-", part).strip("-") for part in parts) if p)


def outline(record: Record, *, chat: bool = False) -> Outline:
    """The record in its variant's layout; ``chat`` leaves out the boxes to write in."""
    layout = LAYOUTS[record.variant]
    title = text_of(layout.title, briefing_title=clean(record.title))
    if record.variant == "nmc":
        blocks = _nmc(record, chat=chat)
    else:
        blocks = _swe(record, chat=chat)
    return Outline(
        title=title,
        blocks=(Heading(1, title), _facts(record), *blocks),
        footer=text_of(
            "cpd_footer_chat" if chat else "cpd_footer", date=long_date(record.produced_on)
        ),
        filename_stem=filename_stem(record),
        subject=text_of(layout.subject),
    )


def _facts(record: Record) -> Facts:
    return Facts(
        (
            (text_of("minutes_fact_briefing"), clean(record.title)),
            (text_of("minutes_fact_partnership"), clean(record.partnership)),
            (text_of("cpd_fact_version"), clean(record.version)),
            (text_of("cpd_fact_published"), clean(record.published)),
            (text_of("cpd_fact_produced"), long_date(record.produced_on)),
            (text_of("cpd_fact_activity"), text_of("cpd_activity_value")),
        )
    )


def _swe(record: Record, *, chat: bool) -> list[Block]:
    return [
        Heading(2, text_of("cpd_swe_heading_did")),
        *_did(record),
        Heading(2, text_of("cpd_swe_heading_learned")),
        *_learned(record, chat=chat),
        Heading(2, text_of("cpd_swe_heading_practice")),
        *_reflections(record),
        *_own_words(LAYOUTS["swe"].own_words, chat=chat),
    ]


def _nmc(record: Record, *, chat: bool) -> list[Block]:
    blocks: list[Block] = [
        Heading(2, text_of("cpd_nmc_heading_nature")),
        *_did(record),
        Heading(2, text_of("cpd_nmc_heading_learned")),
        *_learned(record, chat=chat),
        Heading(2, text_of("cpd_nmc_heading_practice")),
        *_reflections(record),
        *_own_words(LAYOUTS["nmc"].own_words, chat=chat),
        Heading(2, text_of("cpd_nmc_heading_code")),
        Paragraph(text_of("cpd_nmc_code_intro")),
    ]
    if chat:
        return [*blocks, Bullets(tuple(text_of(theme) for theme in NMC_THEMES))]
    for theme in NMC_THEMES:
        blocks += [Heading(3, text_of(theme)), _writing_space()]
    return blocks


def _did(record: Record) -> list[Block]:
    blocks: list[Block] = [
        Paragraph(
            text_of(
                "cpd_did_intro",
                briefing_title=clean(record.title),
                partnership=clean(record.partnership),
            )
        ),
        Heading(3, text_of("cpd_heading_sections")),
    ]
    if record.sections:
        blocks.append(Bullets(tuple(section_label(s) for s in record.sections)))
    else:
        blocks.append(Paragraph(text_of("cpd_no_sections")))
    blocks.append(Heading(3, text_of("cpd_heading_discussed")))
    if record.discussed:
        blocks.append(Bullets(tuple(point_line(point) for point in record.discussed)))
    else:
        blocks.append(Paragraph(text_of("cpd_no_discussed")))
    if record.skipped:
        blocks.append(Heading(3, text_of("cpd_heading_skipped")))
        blocks.append(Bullets(tuple(point_line(point) for point in record.skipped)))
    return blocks


def _learned(record: Record, *, chat: bool) -> list[Block]:
    """The learning, each with its summary in the files; in the chat its title is enough."""
    intro = "cpd_learned_intro_linked" if record.discussed else "cpd_learned_intro_all"
    items = tuple(
        text_of(
            "cpd_learning_title" if chat else "cpd_learning_item",
            number=str(item.number),
            title=clean(item.title),
            summary=clean(item.summary),
        )
        for item in record.learning
    )
    return [Paragraph(text_of(intro)), Bullets(items)] if items else []


def _reflections(record: Record) -> list[Block]:
    blocks: list[Block] = [Heading(3, text_of("cpd_heading_reflections"))]
    if not record.reflections:
        return [*blocks, Paragraph(text_of("cpd_no_reflections"))]
    return [
        *blocks,
        Paragraph(text_of("cpd_reflections_note")),
        Bullets(tuple(reflection_line(r) for r in record.reflections)),
    ]


def _own_words(prompt: str, *, chat: bool) -> list[Block]:
    blocks: list[Block] = [Heading(3, text_of("cpd_heading_own_words")), Paragraph(text_of(prompt))]
    return blocks if chat else [*blocks, _writing_space()]


def _writing_space() -> Table:
    """A boxed space to write in: a header naming it, then blank lines."""
    return Table(
        header=(text_of("cpd_writing_space"),),
        rows=tuple((_BLANK,) for _ in range(_WRITING_LINES)),
    )


#: Each download format's content type (bot.cpd.links.FORMATS).
CONTENT_TYPES: dict[Format, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def render_document(record: Record, fmt: Format) -> bytes:
    """The record as the bytes of a DOCX or an accessible tagged PDF (the minutes' writers).

    The PDF takes a few hundred milliseconds: the web app renders it in a worker thread.
    """
    if fmt == "pdf":
        from bot.group.pdf import outline_pdf  # WeasyPrint: imported only when a PDF is wanted

        return outline_pdf(outline(record))
    from bot.group.word import outline_docx

    return outline_docx(outline(record))


def filename(record: Record, fmt: Format) -> str:
    """The download's file name: ``cpd-record-<pack>-<date>.<ext>``."""
    return f"{filename_stem(record)}.{fmt}"
