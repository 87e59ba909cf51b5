"""Turning the pack into messages: finding learning points, and every message rendering fully."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date

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


# --- several briefings (issue 14) ------------------------------------------------------------


def test_the_single_briefing_greeting_is_unchanged(pack: Pack) -> None:
    """One briefing offered: exactly the greeting Reflect always gave, SPoA named from the pack."""
    greeting, privacy = briefing.greeting_messages(pack, (pack,))

    assert greeting.text == (
        "Hello, I'm Reflect. I'll take you through the **Child Z LCSPR learning briefing** from "
        "the East Sussex Safeguarding Children Partnership, and help you and your team think "
        "about what it means for your practice."
    )
    assert privacy.text.endswith(
        "**Reflect is not for reporting a concern:** if a child is at risk now, call the Single "
        "Point of Advice (SPoA) or 999."
    )


def test_several_briefings_not_yet_chosen_end_with_the_list(pack: Pack, second_pack: Pack) -> None:
    offered = (pack, second_pack)

    greeting, privacy, listing = briefing.greeting_messages(
        pack, offered, chosen=False, front_doors=offered
    )

    for message in (greeting, privacy, listing):
        assert_fully_rendered(message)
    assert pack.title in greeting.text
    # Two areas' front doors: the notice names none in particular.
    assert "your local children's services front door or 999" in privacy.text
    assert listing.text.startswith("Reflect has 2 briefings:")
    assert f"1. **{pack.title}** ({pack.partnership}), the one you're on" in listing.text
    assert f"2. **{second_pack.title}** ({second_pack.partnership})" in listing.text
    assert [b["payload"] for b in listing.buttons] == [
        '/choose_pack{"pack_id":"esscp-child-z"}',
        '/choose_pack{"pack_id":"northmoor-child-q"}',
        "/show_menu",
    ]
    assert briefing.offers_choice(offered, chosen=False)


def test_a_chosen_briefing_greets_with_how_to_switch(pack: Pack, second_pack: Pack) -> None:
    greeting, privacy = briefing.greeting_messages(second_pack, (pack, second_pack), chosen=True)

    assert second_pack.title in greeting.text and second_pack.partnership in greeting.text
    assert "Reflect has 2 briefings here" in greeting.text
    assert "call the Northmoor Children's Front Door or 999" in privacy.text
    assert not briefing.offers_choice((pack, second_pack), chosen=True)


def test_pack_chosen_message(second_pack: Pack) -> None:
    moved = briefing.pack_chosen_message(second_pack)
    already = briefing.pack_chosen_message(second_pack, already=True)

    assert moved.text == (
        "You're now on **Child Q: learning from a rapid review** (Northmoor Safeguarding "
        "Children Partnership)."
    )
    assert "already" in already.text
    assert [b["payload"] for b in moved.buttons][-1] == "/show_menu"


def test_other_reviews_offers_a_button_for_each_other_briefing(
    pack: Pack, second_pack: Pack
) -> None:
    message = briefing.other_reviews_message(second_pack, [pack, second_pack])

    assert_fully_rendered(message)
    assert message.text.index(second_pack.title) < message.text.index(pack.title)
    assert [b["payload"] for b in message.buttons] == [
        '/choose_pack{"pack_id":"esscp-child-z"}',
        "/ask_about_review",
        "/show_menu",
    ]


def test_learning_by_alias_in_another_pack(second_pack: Pack) -> None:
    message = briefing.key_learning_message(
        second_pack, learning_id=None, text="what is the learning on information sharing?"
    )

    assert "Key learning 2 of 3: Sharing information early" in message.text


def test_a_learning_button_of_another_pack_is_ignored(second_pack: Pack) -> None:
    message = briefing.key_learning_message(
        second_pack, learning_id="legacy-of-domestic-abuse", text="/ask_key_learning"
    )

    assert message.text.startswith("The review identified 3 key learning points:")


# --- a pack without recommendations, action taken or what-is-a-review text --------------------


@pytest.fixture
def bare(pack: Pack) -> Pack:
    """A pack as an imported briefing may be: no recommendations, no action taken, no intro."""
    return dataclasses.replace(
        pack,
        recommendations=(),
        recommendations_intro="",
        action_taken=(),
        action_taken_intro="",
        about=dataclasses.replace(pack.about, what_is_a_review="", purpose=""),
        links=tuple(link for link in pack.links if link.kind is briefing.LinkKind.PROCEDURE),
    )


def test_no_recommendations_says_so(bare: Pack) -> None:
    message = briefing.recommendations_message(bare)

    assert_fully_rendered(message)
    assert message.text == "This briefing makes no recommendations."


def test_no_action_taken_says_so(bare: Pack) -> None:
    message = briefing.action_taken_message(bare)

    assert_fully_rendered(message)
    assert message.text.startswith("This briefing does not say what has been done")


def test_no_what_is_a_review_gives_what_happened_only(bare: Pack, pack: Pack) -> None:
    message = briefing.about_message(bare)

    assert_fully_rendered(message)
    assert message.text.startswith(f"**{pack.title}**\n")
    assert pack.about.case_summary in message.text
    assert "What is a Local Child" not in message.text
    assert "\n\n\n" not in message.text


def test_purpose_without_what_is_a_review(pack: Pack) -> None:
    about = dataclasses.replace(pack.about, what_is_a_review="")
    message = briefing.about_message(dataclasses.replace(pack, about=about))

    assert pack.about.purpose in message.text and pack.about.case_summary in message.text


def test_procedures_leave_out_kinds_the_pack_has_no_link_of(bare: Pack) -> None:
    message = briefing.procedures_message(bare)

    assert_fully_rendered(message)
    assert "**Procedures**" in message.text
    for heading in ("**Contacts**", "**Training**", "**The Partnership**", "**Other reviews**"):
        assert heading not in message.text
    assert "\n\n\n" not in message.text


def test_procedures_name_the_front_door_from_the_pack(pack: Pack, second_pack: Pack) -> None:
    assert "call the Single Point of Advice (SPoA) or 999" in briefing.procedures_message(pack).text
    assert "call the Northmoor Children's Front Door or 999" in (
        briefing.procedures_message(second_pack).text
    )


# --- the front door, and links last checked long ago -----------------------------------------


def test_front_door_contact_skips_999(pack: Pack, second_pack: Pack) -> None:
    spoa = briefing.front_door_contact(pack)
    northmoor = briefing.front_door_contact(second_pack)

    assert spoa is not None and spoa.label == "Single Point of Advice (SPoA)"
    assert northmoor is not None and northmoor.detail.startswith("0113 496 0000")


def test_front_door_phrase(pack: Pack, second_pack: Pack) -> None:
    assert briefing.front_door_phrase([pack]) == "the Single Point of Advice (SPoA)"
    assert briefing.front_door_phrase([pack, pack]) == "the Single Point of Advice (SPoA)"
    assert briefing.front_door_phrase([pack, second_pack]) == (
        "your local children's services front door"
    )
    police_only = dataclasses.replace(
        pack,
        urgent_help=dataclasses.replace(pack.urgent_help, contacts=pack.urgent_help.contacts[:1]),
    )
    assert briefing.front_door_phrase([police_only]) == "your local children's services front door"


def test_a_stale_link_says_when_it_was_last_checked(second_pack: Pack) -> None:
    old = next(link for link in second_pack.links if link.id == "northmoor-information-sharing")
    fresh = next(link for link in second_pack.links if link.id == "northmoor-neglect-procedure")
    age = briefing.LinkAge(today=date(2026, 12, 7), stale_days=180)

    lines = briefing.link_lines([old, fresh], age=age).splitlines()

    assert lines[0].endswith("(last checked on 14 March 2025)")
    assert "last checked" not in lines[1]
    assert briefing.link_lines([old]) == briefing.link_lines([old], age=None)
    assert "last checked" not in briefing.link_lines([old])


def test_a_link_exactly_at_the_limit_is_not_stale(second_pack: Pack) -> None:
    link = second_pack.links[0]  # last verified 2026-10-01
    at_limit = briefing.LinkAge(today=date(2026, 10, 11), stale_days=10)
    past_it = briefing.LinkAge(today=date(2026, 10, 12), stale_days=10)

    assert at_limit.note(link) == ""
    assert past_it.note(link) == " (last checked on 1 October 2026)"


def test_stale_links_are_marked_wherever_the_bot_gives_them(second_pack: Pack) -> None:
    age = briefing.LinkAge(today=date(2026, 12, 7), stale_days=180)
    learning = second_pack.key_learning[1]

    shown = briefing.key_learning_message(second_pack, learning_id=learning.id, text="", age=age)
    procedures = briefing.procedures_message(second_pack, age=age)

    assert "(last checked on 14 March 2025)" in shown.text
    assert procedures.text.count("(last checked on") == 1
