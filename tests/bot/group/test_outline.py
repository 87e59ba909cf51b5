from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml

from bot.content.messages import render
from bot.group.minutes import AttendanceCount, Minutes
from bot.group.outline import (
    AGENCY_LABELS,
    Bullets,
    Facts,
    Heading,
    Link,
    Paragraph,
    Table,
    agency_label,
    clean,
    duration,
    filename_stem,
    outline,
)
from bot.storage.models import AGENCIES

PROJECT_ROOT = Path(__file__).resolve().parents[3]


def test_every_agency_has_the_label_the_reflection_form_shows() -> None:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    buttons = domain["responses"]["utter_ask_agency"][0]["buttons"]
    form = {
        b["payload"].split('"agency":"')[1].split('"')[0]: b["title"]
        for b in buttons
        if "prefer_not_to_say" not in b["payload"]
    }

    assert set(AGENCY_LABELS) == set(AGENCIES) == set(form)
    assert {agency: agency_label(agency) for agency in AGENCIES} == form


def test_an_unknown_agency_counts_as_other() -> None:
    assert agency_label("coastguard") == render("agency_other").text


def test_the_outline_follows_the_issues_order(minutes: Minutes) -> None:
    doc = outline(minutes)
    headings = [(b.level, b.text) for b in doc.blocks if isinstance(b, Heading)]

    assert headings[0] == (1, "Team minutes: Child Z LCSPR learning briefing")
    assert [text for level, text in headings if level == 2] == [
        "Attendance",
        "Discussion points",
        "Agreed actions",
    ]
    assert [text.split(":")[0] for level, text in headings if level == 3] == [
        "Point 1",
        "Point 2",
        "Point 3",
        "Point 4",
    ]
    assert [text for level, text in headings[4:9] if level == 4] == [
        "Key learning it rests on",
        "Procedures",
        "The team's key points",
        "Facilitator prompts used",
    ]
    facts = doc.blocks[1]
    assert isinstance(facts, Facts)
    assert [label for label, _ in facts.rows] == [
        "Briefing",
        "Partnership",
        "Week (ISO)",
        "Team code",
        "Time planned",
        "Time taken",
    ]
    assert dict(facts.rows)["Briefing"] == (
        "Child Z LCSPR learning briefing (content pack esscp-child-z, version 1.0.0)"
    )
    assert dict(facts.rows)["Time taken"] == "34 minutes"
    assert doc.footer == render("minutes_footer").text


def test_attendance_is_a_table_with_a_total_and_the_joined_count(minutes: Minutes) -> None:
    blocks = outline(minutes).blocks
    table = next(b for b in blocks if isinstance(b, Table))
    after = blocks[blocks.index(table) + 1]

    assert table.header == ("Agency", "People")
    assert table.rows == (("Children's Social Care", "4"), ("Health", "2"), ("Police", "1"))
    assert table.total == ("Total", "7")
    assert table.row_headers
    assert after == Paragraph("5 team members joined on Reflect with the session code.")


def test_a_point_not_discussed_says_so_and_keeps_its_question_and_links(minutes: Minutes) -> None:
    blocks = list(outline(minutes).blocks)
    start = next(
        i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.text.startswith("Point 4")
    )
    point = blocks[start : blocks.index(Heading(2, "Agreed actions"))]

    assert Paragraph(render("minutes_point_not_discussed").text) in point
    assert Paragraph(render("minutes_point_no_prompts").text) in point
    links = next(b for b in point if isinstance(b, Bullets) and isinstance(b.items[0], Link))
    assert all(isinstance(item, Link) and item.url.startswith("https://") for item in links.items)


def test_no_action_is_said_explicitly(minutes_without_actions: Minutes) -> None:
    blocks = outline(minutes_without_actions).blocks

    assert blocks[-2:] == (
        Heading(2, "Agreed actions"),
        Paragraph("No action was agreed at this session."),
    )


def test_a_covered_point_without_notes_and_edge_counts(minutes: Minutes) -> None:
    point = replace(minutes.points[0], notes=(" ", "\n"), prompts_used=())
    edge = replace(
        minutes,
        points=(point,),
        attendance=(),
        joined_count=1,
        duration_minutes=1,
        team_code=None,
    )
    blocks = outline(edge).blocks

    assert Paragraph(render("minutes_point_no_notes").text) in blocks
    assert Paragraph(render("minutes_attendance_none").text) in blocks
    assert Paragraph(render("minutes_joined_one").text) in blocks
    facts = dict(next(b for b in blocks if isinstance(b, Facts)).rows)
    assert facts["Team code"] == "not given"
    assert facts["Time taken"] == "1 minute"
    assert (
        Paragraph(render("minutes_joined_none").text)
        in outline(replace(edge, joined_count=0)).blocks
    )


def test_a_link_that_is_not_a_web_address_is_shown_as_its_title(minutes: Minutes) -> None:
    point = replace(minutes.points[0], links=(("Local guide", "javascript:alert(1)"),))
    blocks = outline(replace(minutes, points=(point,))).blocks

    assert Bullets(("Local guide",)) in blocks


def test_clean_removes_control_characters_and_folds_lines() -> None:
    assert clean("a\x00b\x0b c\n\n d\ufffe e\u200d") == "a b c d e\u200d"


def test_duration_and_filename() -> None:
    assert duration(1) == "1 minute"
    assert duration(45) == "45 minutes"


def test_filename_stem_uses_the_team_code_or_the_briefing(minutes: Minutes) -> None:
    assert filename_stem(minutes) == "minutes-2026-W48-7KQ4M"
    assert filename_stem(replace(minutes, team_code=None)) == "minutes-2026-W48-esscp-child-z"
    assert filename_stem(replace(minutes, team_code='a"b/..\\c d')) == "minutes-2026-W48-a-b-c-d"


def test_unknown_agency_in_the_stored_minutes_is_other(minutes: Minutes) -> None:
    odd = replace(minutes, attendance=(AttendanceCount("coastguard", 2),))
    table = next(b for b in outline(odd).blocks if isinstance(b, Table))

    assert table.rows == (("Other", "2"),)
