from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from bot.content.messages import render
from bot.group.documents import (
    DOCUMENT_FORMATS,
    filename,
    markdown_text,
    render_document,
    summary_message,
    to_markdown,
)
from bot.group.links import FORMATS, download_links
from bot.group.minutes import Minutes
from tests.bot.group.conftest import assert_no_name, assert_no_placeholder
from tests.settings import make_settings


def test_markdown_has_the_headings_tables_and_lists(minutes: Minutes) -> None:
    md = to_markdown(minutes)
    headings = re.findall(r"^(#{1,4}) (.+)$", md, flags=re.MULTILINE)

    assert headings[0] == ("#", "Team minutes: Child Z LCSPR learning briefing")
    assert [text for marks, text in headings if marks == "##"] == [
        "Attendance",
        "Discussion points",
        "Agreed actions",
    ]
    assert sum(1 for marks, _ in headings if marks == "###") == 4
    assert "| Agency | People |" in md
    assert "| Children's Social Care | 4 |" in md
    assert "| **Total** | **7** |" in md
    assert "| Action | Owner (role) | By when | How will we know it made a difference? |" in md
    assert "| Each practitioner | Next team meeting |" in md
    assert "- **Team code:** 7KQ4M" in md
    assert "- **Time planned:** 30 minutes" in md
    assert "5 team members joined on Reflect with the session code." in md
    assert (
        "- [Sussex Child Protection and Safeguarding Procedures Manual]"
        "(<https://sussexchildprotection.procedures.org.uk/>)" in md
    )
    assert "- Who else is around this child, and how would you find out?" in md
    assert render("minutes_point_not_discussed").text in md
    assert md.endswith(render("minutes_footer").text + "\n")


def test_markdown_keeps_the_doors_placeholders_and_says_when_no_action(
    minutes: Minutes, minutes_without_actions: Minutes
) -> None:
    assert "- Mum's new partner [NAME 1] moved in before anyone checked him" in to_markdown(minutes)
    md = to_markdown(minutes_without_actions)
    assert "## Agreed actions\n\nNo action was agreed at this session.\n" in md
    assert "| Action |" not in md


def test_no_name_and_no_placeholder_in_markdown_or_the_summary(
    minutes: Minutes, minutes_without_actions: Minutes, raw_names: list[str]
) -> None:
    links = download_links(make_settings(), "a" * 22)
    for m in (minutes, minutes_without_actions):
        for text in (to_markdown(m), summary_message(m).text, summary_message(m, links).text):
            assert_no_name(text, raw_names)
            assert_no_placeholder(text)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("*bold* _it_ `code`", r"\*bold\* \_it\_ \`code\`"),
        ("# not a heading", r"\# not a heading"),
        ("1. not a list", r"1\. not a list"),
        ("- not a list", r"\- not a list"),
        ("[x](https://evil.example)", r"[x]\(https://evil.example)"),
        ("a | b", r"a \| b"),
        ("<script>", r"\<script\>"),
        ("[NAME 1] said so", "[NAME 1] said so"),
    ],
)
def test_markdown_shows_typed_text_literally(typed: str, shown: str) -> None:
    assert markdown_text(typed) == shown


def test_a_note_cannot_break_the_markdown_table(minutes: Minutes) -> None:
    action = replace(minutes.actions[0], what="a | b\n| c |")
    md = to_markdown(replace(minutes, actions=(action,)))
    row = next(line for line in md.splitlines() if line.startswith("| a "))

    assert row.count(" | ") == 3  # four cells, the typed bars escaped


def test_the_summary_message(minutes: Minutes, minutes_without_actions: Minutes) -> None:
    text = summary_message(minutes).text

    assert text.startswith("**Minutes: Child Z LCSPR learning briefing**, week 2026-W48")
    assert "team code 7KQ4M" in text
    assert "Time taken: 34 minutes of 30 minutes planned." in text
    assert "Attendance: 7 (Children's Social Care 4, Health 2, Police 1); 5 joined" in text
    assert "Points discussed: 3 of 4." in text
    assert "2 actions agreed: Add " in text and "update alerts." in text
    assert "Download" not in text
    assert summary_message(minutes_without_actions).text.endswith("No action was agreed.")
    one = replace(minutes, actions=minutes.actions[1:], team_code=None)
    assert "1 action agreed: Everyone registers" in summary_message(one).text
    assert "team code not given" in summary_message(one).text


def test_the_summary_with_links(minutes: Minutes) -> None:
    settings = make_settings(public_url="https://reflect.example.org", minutes_link_minutes=30)
    now = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)
    links = download_links(settings, "r" * 22, now=now)

    text = summary_message(minutes, links).text

    assert f"[Word (DOCX)]({links.docx})" in text
    assert f"[PDF]({links.pdf})" in text
    assert f"[Markdown]({links.md})" in text
    assert "The links work for 30 minutes" in text


def test_a_long_action_is_cut_at_a_word_in_the_summary(minutes: Minutes) -> None:
    long = replace(minutes.actions[0], what="word " * 40)
    text = summary_message(replace(minutes, actions=(long,))).text

    shown = text.split("1 action agreed: ")[1]
    assert shown == ("word " * 16).strip() + "…."  # 79 characters, cut after a whole word


def test_every_format_renders_with_its_type_and_file_name(minutes: Minutes) -> None:
    assert set(DOCUMENT_FORMATS) == set(FORMATS)
    assert render_document(minutes, "md").decode("utf-8") == to_markdown(minutes)
    assert render_document(minutes, "docx")[:2] == b"PK"
    assert filename(minutes, "docx") == "minutes-2026-W48-7KQ4M.docx"
    assert filename(minutes, "pdf") == "minutes-2026-W48-7KQ4M.pdf"
    assert filename(replace(minutes, team_code=None), "md") == "minutes-2026-W48-esscp-child-z.md"
