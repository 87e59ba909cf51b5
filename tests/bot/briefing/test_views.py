"""Turning the pack into messages: finding learning points, and every message rendering fully."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from bot.briefing import views as briefing
from bot.content.schema import Pack
from tests.bot.content.rendering import assert_fully_rendered

P1, P2, P3, P4 = (
    "risks-from-other-adults",
    "legacy-of-domestic-abuse",
    "fathers-and-significant-adults",
    "using-the-procedures",
)
LEARNING_PAYLOAD = re.compile(r"^/ask_key_learning(\{.*\})$")


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


# --- other reviews ---


def test_other_reviews_lists_every_briefing_here_first_the_current_one(pack: Pack) -> None:
    other = dataclasses.replace(pack, id="another-review", title="Another LCSPR briefing")

    message = briefing.other_reviews_message(pack, [other, pack])

    assert_fully_rendered(message)
    assert message.text.index(pack.title) < message.text.index("Another LCSPR briefing")
    assert message.text.count(pack.title) == 1
    for link in pack.links_of_kind(briefing.LinkKind.REVIEW):
        assert briefing.markdown_link(link) in message.text
