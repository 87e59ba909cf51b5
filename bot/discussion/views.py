"""Turn a move through the points for discussion into the messages the conversation sends.

Wording belongs to bot/content/messages.yml and the pack; this module picks the pieces.
"""

from __future__ import annotations

from bot.briefing.views import LinkAge, link_lines
from bot.content.messages import Message, render
from bot.content.schema import DiscussionPoint, LinkKind, Pack
from bot.discussion.navigate import DiscussionState, Move, Notice


def point_view(pack: Pack, point: DiscussionPoint, *, age: LinkAge | None = None) -> dict[str, str]:
    """Values for utter_discussion_point: the question, its learning and its procedures."""
    return {
        "point_number": str(point.number),
        "point_total": str(len(pack.discussion_points)),
        "point_question": point.question,
        "point_learning": "\n".join(f"- {item.number}. {item.title}" for item in point.learning),
        "point_links": link_lines(point.links, describe=False, age=age),
    }


def summary_view(
    pack: Pack, state: DiscussionState, *, age: LinkAge | None = None
) -> dict[str, str]:
    """Values for utter_discussion_complete: what was covered and skipped, and the links again."""

    def numbers(ids: tuple[str, ...]) -> str:
        found = [str(p.number) for p in pack.discussion_points if p.id in ids]
        return ", ".join(found) if found else "none"

    return {
        "point_total": str(len(pack.discussion_points)),
        "points_covered": numbers(state.covered),
        "points_skipped": numbers(state.skipped),
        "procedure_links": link_lines(pack.links_of_kind(LinkKind.PROCEDURE), age=age),
        "discussion_invitation": pack.discussion_invitation,
    }


_NOTICE_MESSAGES = {
    Notice.RESUMED: "discussion_resumed",
    Notice.FIRST_POINT: "discussion_first_point",
    Notice.SKIPPED: "discussion_skipped",
}


def discussion_messages(pack: Pack, move: Move, *, age: LinkAge | None = None) -> list[Message]:
    """What to say after a navigation command: a notice, then the point or the summary."""
    said: list[Message] = []
    if move.notice is Notice.STARTED:
        said.append(
            render(
                "discussion_intro",
                discussion_invitation=pack.discussion_invitation,
                point_total=str(len(pack.discussion_points)),
            )
        )
    elif move.notice in _NOTICE_MESSAGES:
        said.append(render(_NOTICE_MESSAGES[move.notice]))
    if move.point is None:
        said.append(render("discussion_complete", **summary_view(pack, move.state, age=age)))
    else:
        said.append(render("discussion_point", **point_view(pack, move.point, age=age)))
    return said


def pause_message(pack: Pack, state: DiscussionState) -> Message | None:
    """Where the practitioner stopped, or None when no discussion is in progress."""
    if not state.in_progress:
        return render("discussion_not_started") if state.current is None else None
    return render(
        "discussion_paused",
        point_number=str(state.current),
        point_total=str(len(pack.discussion_points)),
    )
