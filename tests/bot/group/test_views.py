from __future__ import annotations

from bot.content.messages import render
from bot.content.schema import Pack
from bot.group import views
from bot.group.minutes import AgreedAction, AttendanceCount, Minutes, PointMinutes
from bot.group.plan import make_plan


def test_minutes_text() -> None:
    assert views.minutes_text(0) == "a quick word"
    assert views.minutes_text(1) == "1 minute"
    assert views.minutes_text(5) == "5 minutes"
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

    assert text == "1 health, 4 children's social care"
    assert views.attendance_text({}) == render("group_attendance_none").text


def _minutes(actions: tuple[AgreedAction, ...]) -> Minutes:
    point = PointMinutes(
        1, "p1", "Question one?", ("L",), (("T", "https://x"),), 5, ("a note",), ()
    )
    skipped = PointMinutes(2, "p2", "Question two?", (), (), 5, (), (), covered=False)
    quiet = PointMinutes(3, "p3", "Question three?", (), (), 5, (), ())
    return Minutes(
        "Briefing",
        "Partnership",
        "pack",
        "1.0.0",
        "2026-W50",
        None,
        30,
        29,
        (AttendanceCount("police", 2),),
        3,
        (point, skipped, quiet),
        actions,
    )


def test_the_chat_summary_of_minutes_with_and_without_actions() -> None:
    action = AgreedAction("Check partners.", "team manager", "end of January", "An audit")

    with_actions = views.minutes_summary_message(_minutes((action,))).text
    without = views.minutes_summary_message(_minutes(())).text

    assert "Week 2026-W50. Team code: not given. 29 minutes (planned 30 minutes)." in with_actions
    assert "Attendance: 2 police. 3 joined with the code." in with_actions
    assert "**Point 1.** Question one?\n- a note" in with_actions
    assert (
        "**Point 2.** Question two?\n" + render("group_minutes_not_discussed").text in with_actions
    )
    assert "**Point 3.** Question three?\n" + render("group_minutes_no_notes").text in with_actions
    assert (
        "1. Check partners (owner: team manager; by end of January). How we will know: An audit"
        in with_actions
    )
    assert without.endswith(render("group_minutes_no_actions").text)


def test_a_member_hears_where_the_group_is(pack: Pack) -> None:
    waiting = views.member_point_messages(pack, None, "duration")
    on_point = views.member_point_messages(pack, 2, "points")
    after = views.member_point_messages(pack, 4, "action_what")

    assert waiting == [render("group_member_not_started")]
    assert on_point[0] == render("group_member_point", point_number="2", point_total="4")
    assert on_point[1].text.startswith("**Point 2 of 4**")
    assert after == [render("group_member_points_done")]
