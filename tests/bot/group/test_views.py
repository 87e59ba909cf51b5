from __future__ import annotations

from bot.content.messages import render
from bot.content.schema import Pack
from bot.group import views
from bot.group.plan import make_plan


def test_minutes_text() -> None:
    assert views.minutes_text(0) == "a quick word"
    assert views.minutes_text(1) == "1 minute"
    assert views.minutes_text(5) == "5 minutes"
    assert views.elapsed_text(0) == "0 minutes"
    assert views.hours_text(240) == "4 hours"
    assert views.hours_text(60) == "1 hour"
    assert views.hours_text(90) == "90 minutes"


def test_the_plan_lists_every_part_and_the_join_code(pack: Pack) -> None:
    message = views.plan_message(pack, make_plan(30, 4), join_code="7K3QF-X9M2D")

    assert message.text.startswith("**Facilitation plan: 30 minutes**\n- Introduction: 3 minutes")
    assert "- Point 4: 5 minutes\n- Agreeing actions: 7 minutes" in message.text
    assert "**Join code: 7K3QF-X9M2D**" in message.text


def test_a_seven_minute_plan_with_many_points_says_a_quick_word(pack: Pack) -> None:
    text = views.plan_message(pack, make_plan(7, 8), join_code="C").text

    assert "- Point 1: 1 minute" in text and "- Point 8: a quick word" in text


def test_a_point_without_prompts_has_no_prompt_heading(pack: Pack) -> None:
    from dataclasses import replace

    point = replace(pack.discussion_points[0], prompts=())
    text = views.point_message(pack, point, make_plan(30, 4)).text

    assert "Prompts for the group" not in text
    assert "\n\n\n" not in text


def test_a_learning_line_is_its_title_and_first_sentence(pack: Pack) -> None:
    learning = pack.discussion_points[1].learning[0]

    line = views.learning_line(learning)

    assert line.startswith(f"- {learning.number}. **{learning.title}**: ")
    assert line.count(". ") <= 1 + learning.title.count(". ") and line.endswith(".")


def test_attendance_in_agency_order_with_labels() -> None:
    text = views.attendance_text({"health": 1, "childrens_social_care": 4, "police": 0})

    assert text == "Health 1, Children's Social Care 4"
    assert views.attendance_text({}) == render("group_attendance_none").text


def test_a_member_hears_where_the_group_is(pack: Pack) -> None:
    waiting = views.member_point_messages(pack, None, "duration")
    on_point = views.member_point_messages(pack, 2, "points")
    after = views.member_point_messages(pack, 4, "action_what")

    assert waiting == [render("group_member_not_started")]
    assert on_point[0] == render("group_member_point", point_number="2", point_total="4")
    assert on_point[1].text.startswith("**Point 2 of 4**")
    assert after == [render("group_member_points_done")]
