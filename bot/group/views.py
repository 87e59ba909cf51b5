"""The messages a group session sends: the plan, each point, notes, attendance, actions, minutes.

Wording belongs to bot/content/messages.yml and the pack (questions, learning, links and the
facilitator prompts); this module only picks the pieces and lays out lists.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.briefing.views import LinkAge, link_lines
from bot.content.messages import Message, render
from bot.content.schema import DiscussionPoint, KeyLearning, Pack
from bot.discussion.views import point_view
from bot.group.outline import agency_label, duration
from bot.group.plan import Plan
from bot.storage.models import AGENCIES


def minutes_text(minutes: int) -> str:
    """A number of minutes in words: 1 minute, 5 minutes, or a quick word for under a minute."""
    return render("group_minutes_quick").text if minutes <= 0 else duration(minutes)


def elapsed_text(minutes: int) -> str:
    """Time that has passed: 0 minutes, 1 minute, 5 minutes."""
    return duration(minutes)


def hours_text(minutes: int) -> str:
    """A length of time in hours when it is whole hours ("4 hours"), else in minutes."""
    if minutes % 60:
        return minutes_text(minutes)
    hours = minutes // 60
    return (
        render("group_hours_one").text
        if hours == 1
        else render("group_hours_many", count=str(hours)).text
    )


def plan_message(pack: Pack, plan: Plan, *, join_code: str) -> Message:
    """The facilitation plan, with the join code (a receipt placeholder the channel reveals)."""
    lines = [render("group_plan_intro", minutes=minutes_text(plan.intro)).text]
    lines += [
        render("group_plan_point", number=str(number), minutes=minutes_text(share)).text
        for number, share in enumerate(plan.points, start=1)
    ]
    lines.append(render("group_plan_actions", minutes=minutes_text(plan.actions)).text)
    return render(
        "group_plan", total=str(plan.total), plan_lines="\n".join(lines), join_code=join_code
    )


def learning_line(learning: KeyLearning) -> str:
    """A learning point's title and the first sentence of its summary: one line."""
    summary = " ".join(learning.summary.split())
    first = summary.split(". ")[0].rstrip(".")
    return f"- {learning.number}. **{learning.title}**: {first}."


def point_message(
    pack: Pack, point: DiscussionPoint, plan: Plan, *, age: LinkAge | None = None
) -> Message:
    """One point for the lead: question, learning, procedures, the pack's prompts, its minutes."""
    prompts = ""
    if point.prompts:
        listed = "\n".join(f"- {prompt}" for prompt in point.prompts)
        prompts = "\n" + render("group_point_prompts", prompts=listed).text + "\n"
    return render(
        "group_point",
        point_number=str(point.number),
        point_total=str(len(pack.discussion_points)),
        minutes=minutes_text(plan.point_minutes(point.number)),
        point_question=point.question,
        point_learning="\n".join(learning_line(item) for item in point.learning),
        point_links=link_lines(point.links, describe=False, age=age),
        point_prompts=prompts,
    )


def note_added_message(point_number: int, count: int) -> Message:
    """How many notes the point has now ("Noted — 2 notes on point 1...")."""
    if count == 1:
        return render("group_note_added_one", point_number=str(point_number))
    return render("group_note_added", count=str(count), point_number=str(point_number))


def attendance_text(counts: Mapping[str, int]) -> str:
    """Counts as "4 children's social care, 2 police", in the order of AGENCIES."""
    parts = [
        render(
            "minutes_summary_agency", agency=agency_label(agency), count=str(counts[agency])
        ).text
        for agency in AGENCIES
        if counts.get(agency)
    ]
    return ", ".join(parts) if parts else render("group_attendance_none").text


def attendance_check_message(counts: Mapping[str, int], joined: int) -> Message:
    """The counts as understood, the total and how many joined, with Right / Start again."""
    return render(
        "group_attendance_check",
        counts=attendance_text(counts),
        total=str(sum(counts.values())),
        joined=str(joined),
    )


def member_point_messages(
    pack: Pack, point_number: int | None, stage: str, *, age: LinkAge | None = None
) -> list[Message]:
    """Where the group is, for a member who joined: the current point with Add a reflection."""
    total = len(pack.discussion_points)
    if stage == "duration" or point_number is None:
        return [render("group_member_not_started")]
    if stage != "points":
        return [render("group_member_points_done")]
    point = pack.discussion_points[min(point_number, total) - 1]
    return [
        render("group_member_point", point_number=str(point.number), point_total=str(total)),
        render("discussion_point", **point_view(pack, point, age=age)),
    ]
