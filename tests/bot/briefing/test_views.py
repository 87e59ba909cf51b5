"""Turning the pack into messages: finding learning points, and every message rendering fully."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from bot.briefing import views as briefing
from bot.content.messages import Message
from bot.content.schema import Pack
from bot.discussion import views as discussion_views
from bot.discussion.navigate import Command, DiscussionState, Move, Notice, navigate
from bot.safety import views as safety_views

P1, P2, P3, P4 = (
    "risks-from-other-adults",
    "legacy-of-domestic-abuse",
    "fathers-and-significant-adults",
    "using-the-procedures",
)
LEARNING_PAYLOAD = re.compile(r"^/ask_key_learning(\{.*\})$")


def assert_fully_rendered(message: Message) -> None:
    """No {placeholder} left in the text or a button title, and every button has a payload."""
    assert message.text.strip()
    assert "{" not in message.text and "}" not in message.text
    for button in message.buttons:
        assert "{" not in button["title"]
        assert button["payload"].startswith("/")


# --- find_learning ---


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("learning point 2", 2),
        ("Learning Point 2", 2),
        ("the second learning point", 2),
        ("point 3", 3),
        ("learning 1", 1),
        ("learning point two", 2),
        ("the fourth one", 4),
        ("2nd point please", 2),
        ("number 4", 4),
    ],
)
def test_find_learning_by_number(pack: Pack, text: str, number: int) -> None:
    learning = briefing.find_learning(pack, text)

    assert learning is not None
    assert learning.number == number


@pytest.mark.parametrize(
    ("text", "learning_id"),
    [
        ("information sharing", "information-sharing"),
        ("what's the learning on information sharing?", "information-sharing"),
        ("info sharing", "information-sharing"),
        ("DA", "legacy-of-domestic-abuse"),
        ("tell me about the DA learning", "legacy-of-domestic-abuse"),
        ("risky adults", "risky-adults-outside-home"),
        # "background info" is not an alias itself: the shorter alias "background" matches.
        ("background info", "assessing-background-information"),
        ("separated parents", "legacy-of-domestic-abuse"),
        # Titles match as well as aliases.
        ("the importance of assessing background information", "assessing-background-information"),
    ],
)
def test_find_learning_by_alias(pack: Pack, text: str, learning_id: str) -> None:
    learning = briefing.find_learning(pack, text)

    assert learning is not None
    assert learning.id == learning_id


def test_the_longest_matching_alias_wins(pack: Pack) -> None:
    # "domestic abuse" (learning 1) and "information sharing" (learning 2) both match.
    learning = briefing.find_learning(pack, "domestic abuse and information sharing")

    assert learning is not None
    assert learning.id == "information-sharing"


def test_a_number_beyond_the_pack_falls_back_to_aliases(pack: Pack) -> None:
    learning = briefing.find_learning(pack, "learning point 5 about risky adults")

    assert learning is not None
    assert learning.number == 4


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tell me a joke",
        "what's the weather like",
        "data protection",  # "da" only matches as a word
        "update me",
        "learning point 5",
        "point 0",
        "the fifth learning point",
        "3",
    ],
)
def test_find_learning_returns_none_for_unrelated_text(pack: Pack, text: str) -> None:
    assert briefing.find_learning(pack, text) is None


def test_find_learning_by_hash_number(pack: Pack) -> None:
    learning = briefing.find_learning(pack, "key learning #2")

    assert learning is not None
    assert learning.number == 2


def test_no_one_is_not_number_one(pack: Pack) -> None:
    learning = briefing.find_learning(pack, "no one explained information sharing to me")

    assert learning is not None
    assert learning.id == "information-sharing"


# --- links and buttons ---


def test_markdown_link(pack: Pack) -> None:
    link = pack.links[0]

    assert briefing.markdown_link(link) == f"[{link.title}]({link.url})"


def test_link_lines_describe_only_when_asked(pack: Pack) -> None:
    spoa = pack.links_of_kind(briefing.LinkKind.CONTACT)

    described = briefing.link_lines(spoa)
    bare = briefing.link_lines(spoa, describe=False)

    assert described.startswith(f"- [{spoa[0].title}]({spoa[0].url}): ")
    assert "01323 464222" in described
    assert bare == f"- [{spoa[0].title}]({spoa[0].url})"


def test_learning_buttons_carry_learning_ids(pack: Pack) -> None:
    buttons = briefing.learning_buttons(pack)

    assert [b["title"] for b in buttons] == [f"{k.number}. {k.title}" for k in pack.key_learning]
    for button, learning in zip(buttons, pack.key_learning, strict=True):
        match = LEARNING_PAYLOAD.match(button["payload"])
        assert match is not None
        assert json.loads(match.group(1)) == {"learning_id": learning.id}


def test_learning_buttons_can_exclude_one(pack: Pack) -> None:
    buttons = briefing.learning_buttons(pack, exclude="information-sharing")

    assert len(buttons) == 3
    assert all("information-sharing" not in b["payload"] for b in buttons)


# --- messages ---


def test_greeting_messages(pack: Pack) -> None:
    greeting, privacy = briefing.greeting_messages(pack)

    assert_fully_rendered(greeting)
    assert_fully_rendered(privacy)
    assert pack.title in greeting.text
    assert pack.partnership in greeting.text
    assert "999" in privacy.text


def test_about_message(pack: Pack) -> None:
    message = briefing.about_message(pack)

    assert_fully_rendered(message)
    assert pack.about.what_is_a_review in message.text
    assert pack.about.purpose in message.text
    assert pack.about.case_summary in message.text
    assert pack.title in message.text


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_key_learning_message_by_id(pack: Pack, number: int) -> None:
    learning = pack.key_learning[number - 1]

    message = briefing.key_learning_message(pack, learning_id=learning.id, text="")

    assert_fully_rendered(message)
    assert f"Key learning {number} of 4: {learning.title}" in message.text
    assert learning.summary in message.text
    for link in learning.links:
        assert briefing.markdown_link(link) in message.text
    # The other three learning points, then the template's own buttons.
    learning_payloads = [b["payload"] for b in message.buttons[:3]]
    assert all(LEARNING_PAYLOAD.match(payload) for payload in learning_payloads)
    assert all(learning.id not in payload for payload in learning_payloads)
    assert [b["payload"] for b in message.buttons[3:]] == ["/start_discussion", "/show_menu"]


def test_key_learning_message_by_text(pack: Pack) -> None:
    message = briefing.key_learning_message(pack, learning_id=None, text="learning point 2")

    assert_fully_rendered(message)
    assert pack.key_learning[1].summary in message.text


def test_key_learning_id_wins_over_text(pack: Pack) -> None:
    message = briefing.key_learning_message(
        pack, learning_id="risky-adults-outside-home", text="information sharing"
    )

    assert pack.key_learning[3].summary in message.text


@pytest.mark.parametrize(
    ("learning_id", "text"), [(None, "show me the key learning"), ("no-such-learning", "")]
)
def test_key_learning_message_lists_when_nothing_matches(
    pack: Pack, learning_id: str | None, text: str
) -> None:
    message = briefing.key_learning_message(pack, learning_id=learning_id, text=text)

    assert_fully_rendered(message)
    assert "4 key learning points" in message.text
    for learning in pack.key_learning:
        assert f"{learning.number}. **{learning.title}**" in message.text
    assert list(message.buttons) == briefing.learning_buttons(pack)


def test_recommendations_message(pack: Pack) -> None:
    message = briefing.recommendations_message(pack)

    assert_fully_rendered(message)
    assert message.text.startswith(pack.recommendations_intro)
    for rec in pack.recommendations:
        assert f"**{rec.title}**\n{rec.text}" in message.text
        for bullet in rec.bullets:
            assert f"- {bullet}" in message.text
    assert "/ask_action_taken" in [b["payload"] for b in message.buttons]


def test_action_taken_message(pack: Pack) -> None:
    message = briefing.action_taken_message(pack)

    assert_fully_rendered(message)
    assert pack.action_taken_intro in message.text
    for item in pack.action_taken:
        assert f"- {item.text}" in message.text
        for link in item.links:
            assert briefing.markdown_link(link) in message.text


def test_procedures_message_lists_every_link(pack: Pack) -> None:
    message = briefing.procedures_message(pack)

    assert_fully_rendered(message)
    for link in pack.links:
        assert briefing.markdown_link(link) in message.text
    assert message.text.index("**Procedures**") < message.text.index("**Contacts**")
    assert "01323 464222" in message.text


def test_urgent_contacts_message(pack: Pack) -> None:
    message = safety_views.urgent_contacts_message(pack)

    assert_fully_rendered(message)
    assert "**Police: 999**" in message.text
    assert "01323 464222" in message.text
    assert "01273 335906" in message.text
    assert pack.urgent_help.note in message.text


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


# --- safety: the front door, staff support, other reviews ----------------------------------


def test_front_door_message_has_the_urgent_numbers_and_the_contact_page(pack: Pack) -> None:
    message = safety_views.front_door_message(pack)

    assert_fully_rendered(message)
    assert "safeguarding lead" in message.text
    for contact in pack.urgent_help.contacts:
        assert contact.detail in message.text
    for link in pack.links_of_kind(briefing.LinkKind.CONTACT):
        assert briefing.markdown_link(link) in message.text
    # The urgent note ("nothing you just wrote has been kept") belongs to the urgent answer only.
    assert pack.urgent_help.note not in message.text


def test_staff_support_message_lists_the_items_and_link(pack: Pack) -> None:
    message = safety_views.staff_support_message(pack)

    assert message is not None
    assert_fully_rendered(message)
    assert pack.staff_support is not None
    for item in pack.staff_support.items:
        assert f"- {item}" in message.text
    assert pack.partnership_short in message.text


def test_no_staff_support_message_without_the_section(pack: Pack) -> None:
    assert safety_views.staff_support_message(dataclasses.replace(pack, staff_support=None)) is None


def test_other_reviews_lists_every_briefing_here_first_the_current_one(pack: Pack) -> None:
    other = dataclasses.replace(pack, id="another-review", title="Another LCSPR briefing")

    message = briefing.other_reviews_message(pack, [other, pack])

    assert_fully_rendered(message)
    assert message.text.index(pack.title) < message.text.index("Another LCSPR briefing")
    assert message.text.count(pack.title) == 1
    for link in pack.links_of_kind(briefing.LinkKind.REVIEW):
        assert briefing.markdown_link(link) in message.text
