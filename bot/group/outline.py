"""What the minutes say, in order, as plain blocks every format lays out the same way.

Markdown, DOCX and PDF are three layouts of one outline: headings, label/value facts, tables
with header cells, bulleted lists and paragraphs. Building the outline once means the formats
cannot disagree about the content or its order, and every label and sentence is rendered here
from bot/content/messages.yml (the team's own notes and actions come from the stored minutes,
anonymised at the door). The order is the issue's: briefing and pack version, partnership, ISO
week, team code, planned and actual duration, attendance per agency with a total, members who
joined on Reflect, each point (question, learning, procedures, notes or "not discussed",
facilitator prompts used), the agreed actions or a sentence saying none was agreed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.content.messages import render
from bot.group.minutes import AgreedAction, Minutes, PointMinutes

#: The agency ids of bot.storage.models.AGENCIES, with the label the reflection form shows for
#: each (messages.yml ``agency_*``, kept equal to domain.yml's utter_ask_agency by a test).
AGENCY_LABELS = {
    "police": "agency_police",
    "health": "agency_health",
    "childrens_social_care": "agency_childrens_social_care",
    "education": "agency_education",
    "early_help": "agency_early_help",
    "voluntary_sector": "agency_voluntary_sector",
    "other": "agency_other",
}
LANGUAGE = "en-GB"
_SPACES = re.compile(r"\s+")
_FILE_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"'()\[\]`\\]+")


@dataclass(frozen=True)
class Link:
    """A procedure link: its title is what is shown, the address is where it goes."""

    title: str
    url: str


@dataclass(frozen=True)
class Heading:
    """A real heading (h1 to h4; Word's Heading 1 to 4)."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """A sentence or two of running text."""

    text: str


@dataclass(frozen=True)
class Facts:
    """Label and value pairs about the session (a table with row headers in the PDF)."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A data table: one header row, body rows, and an optional total row.

    ``row_headers``: the first cell of each body row names the row (attendance: the agency).
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] | None = None
    row_headers: bool = False


@dataclass(frozen=True)
class Bullets:
    """A bulleted list of text or links."""

    items: tuple[str | Link, ...]


Block = Heading | Paragraph | Facts | Table | Bullets


@dataclass(frozen=True)
class Outline:
    """A document as blocks, with the title, the closing sentence and a safe file name stem.

    ``subject`` is the file's subject property (DOCX); the minutes leave it to the default.
    """

    title: str
    blocks: tuple[Block, ...]
    footer: str
    filename_stem: str
    subject: str | None = None


def text_of(name: str, **values: str) -> str:
    """One rendered message's text (labels and sentences all come from messages.yml)."""
    return render(name, **values).text


def clean(text: str) -> str:
    """User text on one line, without control characters (DOCX's XML refuses them)."""
    kept = "".join(" " if unicodedata.category(ch) in {"Cc", "Cs"} else ch for ch in text)
    return _SPACES.sub(" ", kept.replace("\ufffe", " ").replace("\uffff", " ")).strip()


def agency_label(agency: str) -> str:
    """The label practitioners know an agency by; an unknown id counts as "Other"."""
    return text_of(AGENCY_LABELS.get(agency, "agency_other"))


def duration(minutes: int) -> str:
    """``1 minute`` or ``N minutes``."""
    if minutes == 1:
        return text_of("minutes_duration_one")
    return text_of("minutes_duration", minutes=str(minutes))


def team_code(minutes: Minutes) -> str:
    """The team code, or the words saying none was given."""
    return clean(minutes.team_code or "") or text_of("minutes_team_not_given")


def filename_stem(minutes: Minutes) -> str:
    """``minutes-<ISO week>-<team code, or the briefing's pack id>``: letters, digits, hyphens."""
    parts = ["minutes", minutes.iso_week, minutes.team_code or minutes.pack_id]
    return "-".join(p for p in (_FILE_UNSAFE.sub("-", part).strip("-") for part in parts) if p)


def outline(minutes: Minutes) -> Outline:
    """The whole document, in the order the minutes are read."""
    title = text_of("minutes_title", briefing_title=clean(minutes.briefing_title))
    blocks: list[Block] = [Heading(1, title), _facts(minutes)]
    blocks += _attendance(minutes)
    blocks.append(Heading(2, text_of("minutes_heading_points")))
    for point in minutes.points:
        blocks += _point(point)
    blocks += _actions(minutes.actions)
    return Outline(
        title=title,
        blocks=tuple(blocks),
        footer=text_of("minutes_footer"),
        filename_stem=filename_stem(minutes),
    )


def _facts(minutes: Minutes) -> Facts:
    briefing = text_of(
        "minutes_briefing_value",
        briefing_title=clean(minutes.briefing_title),
        pack_id=clean(minutes.pack_id),
        pack_version=clean(minutes.pack_version),
    )
    return Facts(
        (
            (text_of("minutes_fact_briefing"), briefing),
            (text_of("minutes_fact_partnership"), clean(minutes.partnership)),
            (text_of("minutes_fact_week"), clean(minutes.iso_week)),
            (text_of("minutes_fact_team"), team_code(minutes)),
            (text_of("minutes_fact_planned"), duration(minutes.planned_minutes)),
            (text_of("minutes_fact_taken"), duration(minutes.duration_minutes)),
        )
    )


def joined_sentence(joined: int) -> str:
    """How many joined on Reflect with the code (a count, never who)."""
    if joined == 0:
        return text_of("minutes_joined_none")
    if joined == 1:
        return text_of("minutes_joined_one")
    return text_of("minutes_joined", joined=str(joined))


def _attendance(minutes: Minutes) -> list[Block]:
    blocks: list[Block] = [Heading(2, text_of("minutes_heading_attendance"))]
    k = minutes.disclosure_k
    if k is not None:
        blocks.append(Paragraph(text_of("minutes_attendance_portal", k=str(k))))
        return blocks
    if minutes.attendance:
        blocks.append(
            Table(
                header=(text_of("minutes_attendance_agency"), text_of("minutes_attendance_people")),
                rows=tuple(
                    (agency_label(item.agency), str(item.count)) for item in minutes.attendance
                ),
                total=(text_of("minutes_attendance_total"), str(minutes.attendance_total)),
                row_headers=True,
            )
        )
    else:
        blocks.append(Paragraph(text_of("minutes_attendance_none")))
    blocks.append(Paragraph(joined_sentence(minutes.joined_count)))
    return blocks


def _point(point: PointMinutes) -> list[Block]:
    heading = text_of(
        "minutes_point_heading", number=str(point.number), question=clean(point.question)
    )
    blocks: list[Block] = [
        Heading(3, heading),
        Paragraph(text_of("minutes_point_planned", duration=duration(point.planned_minutes))),
    ]
    if point.learning:
        blocks.append(Heading(4, text_of("minutes_point_learning")))
        blocks.append(Bullets(tuple(clean(title) for title in point.learning)))
    if point.links:
        blocks.append(Heading(4, text_of("minutes_point_links")))
        blocks.append(Bullets(tuple(_link(title, url) for title, url in point.links)))
    blocks.append(Heading(4, text_of("minutes_point_notes")))
    notes = tuple(note for note in (clean(n) for n in point.notes) if note)
    if notes:
        blocks.append(Bullets(notes))
    elif not point.covered:
        blocks.append(Paragraph(text_of("minutes_point_not_discussed")))
    else:
        blocks.append(Paragraph(text_of("minutes_point_no_notes")))
    blocks.append(Heading(4, text_of("minutes_point_prompts")))
    prompts = tuple(clean(prompt) for prompt in point.prompts_used)
    blocks.append(Bullets(prompts) if prompts else Paragraph(text_of("minutes_point_no_prompts")))
    return blocks


def _link(title: str, url: str) -> str | Link:
    """A link only to a web address (the pack allows https only); anything else is its title."""
    address = url.strip()
    if _WEB_ADDRESS.fullmatch(address):
        return Link(clean(title), address)
    return clean(title)


def _actions(actions: tuple[AgreedAction, ...]) -> list[Block]:
    heading = Heading(2, text_of("minutes_heading_actions"))
    if not actions:
        return [heading, Paragraph(text_of("minutes_no_actions"))]
    header = (
        text_of("minutes_action_what"),
        text_of("minutes_action_owner"),
        text_of("minutes_action_by"),
        text_of("minutes_action_measure"),
    )
    rows = tuple(
        (clean(a.what), clean(a.owner_role), clean(a.by_when), clean(a.measure)) for a in actions
    )
    return [heading, Table(header=header, rows=rows)]
