from __future__ import annotations

import pytest

from bot.briefing import views as briefing
from bot.content.messages import Message
from bot.content.schema import Pack
from bot.discussion import views as discussion_views
from bot.discussion.navigate import Command, DiscussionState, Move, Notice, navigate
from tests.bot.content.rendering import assert_fully_rendered

P1, P2, P3, P4 = (
    "risks-from-other-adults",
    "legacy-of-domestic-abuse",
    "fathers-and-significant-adults",
    "using-the-procedures",
)


# --- discussion ---


def texts(messages: list[Message]) -> list[str]:
    return [message.text for message in messages]


def test_discussion_messages_for_started_include_the_invitation(pack: Pack) -> None:
    move = navigate(pack, DiscussionState(), Command.START)

    intro, point = discussion_views.discussion_messages(pack, move)

    assert_fully_rendered(intro)
    assert_fully_rendered(point)
    assert intro.text.startswith(pack.discussion_invitation)
    assert "4 points" in intro.text
    assert "**Point 1 of 4**" in point.text
    assert pack.discussion_points[0].question in point.text


def test_discussion_point_message(pack: Pack) -> None:
    move = navigate(pack, DiscussionState(current=1), Command.NEXT)

    (message,) = discussion_views.discussion_messages(pack, move)

    point = pack.discussion_points[1]
    assert_fully_rendered(message)
    assert "Point 2 of 4" in message.text
    assert point.question in message.text
    for learning in point.learning:
        assert f"- {learning.number}. {learning.title}" in message.text
    for link in point.links:
        assert briefing.markdown_link(link) in message.text
    assert [b["payload"] for b in message.buttons] == [
        "/add_reflection",
        "/next_point",
        "/repeat_point",
        "/skip_point",
        "/previous_point",
        "/stop_discussion",
    ]


@pytest.mark.parametrize(
    ("state", "command", "notice_text"),
    [
        (DiscussionState(current=2), Command.RESUME, "Welcome back"),
        (DiscussionState(current=1), Command.BACK, "This is the first point."),
        (DiscussionState(current=1), Command.SKIP, "Skipped."),
    ],
)
def test_discussion_messages_say_why_first(
    pack: Pack, state: DiscussionState, command: Command, notice_text: str
) -> None:
    notice, point = discussion_views.discussion_messages(pack, navigate(pack, state, command))

    assert notice.text.startswith(notice_text)
    assert "**Point" in point.text


@pytest.mark.parametrize("command", [Command.NEXT, Command.REPEAT])
def test_moving_and_repeating_need_no_notice(pack: Pack, command: Command) -> None:
    messages = discussion_views.discussion_messages(
        pack, navigate(pack, DiscussionState(current=2), command)
    )

    assert len(messages) == 1
    assert "**Point" in messages[0].text


def test_completion_summary_lists_covered_and_skipped(pack: Pack) -> None:
    state = DiscussionState(current=4, covered=(P1, P2), skipped=(P3,))
    move = navigate(pack, state, Command.NEXT)

    (summary,) = discussion_views.discussion_messages(pack, move)

    assert_fully_rendered(summary)
    assert "That's all 4 points. Discussed: 1, 2, 4. Skipped: 3." in summary.text
    assert pack.discussion_invitation in summary.text
    for link in pack.links_of_kind(briefing.LinkKind.PROCEDURE):
        assert briefing.markdown_link(link) in summary.text


def test_completion_summary_says_none_when_nothing_was_skipped(pack: Pack) -> None:
    move = Move(
        DiscussionState(current=4, covered=(P4, P1, P3, P2), complete=True), None, Notice.FINISHED
    )

    (summary,) = discussion_views.discussion_messages(pack, move)

    # Pack order, whatever order they were covered in.
    assert "Discussed: 1, 2, 3, 4. Skipped: none." in summary.text


def test_summary_view_ignores_unknown_ids(pack: Pack) -> None:
    view = discussion_views.summary_view(pack, DiscussionState(covered=("gone",), skipped=(P2,)))

    assert view["points_covered"] == "none"
    assert view["points_skipped"] == "2"


def test_pause_message_in_progress(pack: Pack) -> None:
    message = discussion_views.pause_message(pack, DiscussionState(current=2, covered=(P1,)))

    assert message is not None
    assert_fully_rendered(message)
    assert message.text.startswith("Stopped at point 2 of 4.")


def test_pause_message_not_started(pack: Pack) -> None:
    message = discussion_views.pause_message(pack, DiscussionState())

    assert message is not None
    assert_fully_rendered(message)
    assert "haven't started" in message.text
    assert [b["payload"] for b in message.buttons] == ["/start_discussion", "/show_menu"]


def test_pause_message_complete_is_none(pack: Pack) -> None:
    state = DiscussionState(current=4, covered=(P1, P2, P3, P4), complete=True)

    assert discussion_views.pause_message(pack, state) is None


def test_every_view_fills_every_discussion_state(pack: Pack) -> None:
    """Every command from every reachable state renders without a leftover placeholder."""
    states = [
        DiscussionState(),
        DiscussionState(current=1),
        DiscussionState(current=3, covered=(P1,), skipped=(P2,)),
        DiscussionState(current=4, covered=(P1, P2, P3, P4), complete=True),
    ]
    for state in states:
        for command in Command:
            for message in discussion_views.discussion_messages(
                pack, navigate(pack, state, command)
            ):
                assert_fully_rendered(message)
