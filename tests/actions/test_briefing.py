"""Briefing actions send the pack's text, and the greeting ends with the domain's menu."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.briefing import (
    ActionGreet,
    ActionShowAboutReview,
    ActionShowActionTaken,
    ActionShowKeyLearning,
    ActionShowOtherReviews,
    ActionShowProcedures,
    ActionShowRecommendations,
)
from bot.content.schema import Pack
from tests.conftest import TrackerFactory

pytestmark = pytest.mark.usefixtures("action_settings")


def payloads(message: dict[str, object]) -> list[str]:
    buttons = message["buttons"]
    assert isinstance(buttons, list)
    return [button["payload"] for button in buttons]


def test_names() -> None:
    assert ActionGreet().name() == "action_greet"
    assert ActionShowAboutReview().name() == "action_show_about_review"
    assert ActionShowKeyLearning().name() == "action_show_key_learning"
    assert ActionShowRecommendations().name() == "action_show_recommendations"
    assert ActionShowActionTaken().name() == "action_show_action_taken"
    assert ActionShowProcedures().name() == "action_show_procedures"


def test_greet_sends_greeting_privacy_notice_then_menu(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = ActionGreet().run(dispatcher, tracker_factory(intent="greet", text="hi"), {})

    assert events == []
    assert len(dispatcher.messages) == 3
    greeting, privacy, menu = dispatcher.messages
    assert greeting["text"].startswith("Hello, I'm Reflect.")
    assert pack.title in greeting["text"]
    assert pack.partnership in greeting["text"]
    assert privacy["text"].startswith("**Your privacy.**")
    assert "999" in privacy["text"]
    assert greeting["response"] is None and privacy["response"] is None
    assert menu["response"] == "utter_menu"
    assert menu["text"] is None


def test_about_review(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = ActionShowAboutReview().run(dispatcher, tracker_factory(intent="ask_about_review"), {})

    assert events == []
    (message,) = dispatcher.messages
    assert pack.about.case_summary in message["text"]
    assert payloads(message) == ["/ask_key_learning", "/start_discussion", "/show_menu"]


def test_key_learning_by_entity(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(
        intent="ask_key_learning",
        text="Information sharing",
        entities=[{"entity": "learning_id", "value": "risky-adults-outside-home"}],
    )

    events = ActionShowKeyLearning().run(dispatcher, tracker, {})

    assert events == []
    (message,) = dispatcher.messages
    assert message["text"].startswith(
        "**Key learning 4 of 4: Assessing risk to children from risky adults outside of the "
        "family home**"
    )
    assert pack.key_learning[3].summary in message["text"]
    assert payloads(message) == [
        '/ask_key_learning{"learning_id":"legacy-of-domestic-abuse"}',
        '/ask_key_learning{"learning_id":"information-sharing"}',
        '/ask_key_learning{"learning_id":"assessing-background-information"}',
        "/start_discussion",
        "/show_menu",
    ]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("what's the learning on information sharing?", 2),
        ("learning point 3", 3),
        ("the legacy of DA", 1),
    ],
)
def test_key_learning_by_text(
    pack: Pack,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
    text: str,
    number: int,
) -> None:
    tracker = tracker_factory(intent="ask_key_learning", text=text)

    ActionShowKeyLearning().run(dispatcher, tracker, {})

    (message,) = dispatcher.messages
    assert message["text"].startswith(f"**Key learning {number} of 4: ")
    assert pack.key_learning[number - 1].summary in message["text"]


def test_key_learning_list(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(intent="ask_key_learning", text="what did the review learn?")

    events = ActionShowKeyLearning().run(dispatcher, tracker, {})

    assert events == []
    (message,) = dispatcher.messages
    assert message["text"].startswith("The review identified 4 key learning points:")
    assert payloads(message) == [
        f'/ask_key_learning{{"learning_id":"{item.id}"}}' for item in pack.key_learning
    ]


def test_key_learning_with_no_latest_text(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(intent="ask_key_learning")
    tracker.latest_message["text"] = None

    ActionShowKeyLearning().run(dispatcher, tracker, {})

    assert dispatcher.messages[0]["text"].startswith("The review identified 4")


def test_recommendations(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = ActionShowRecommendations().run(dispatcher, tracker_factory(), {})

    assert events == []
    (message,) = dispatcher.messages
    assert message["text"].startswith(pack.recommendations_intro)
    assert all(rec.text in message["text"] for rec in pack.recommendations)
    assert payloads(message) == ["/ask_action_taken", "/start_discussion", "/show_menu"]


def test_action_taken(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = ActionShowActionTaken().run(dispatcher, tracker_factory(), {})

    assert events == []
    (message,) = dispatcher.messages
    assert message["text"].startswith("**Action taken since the review**")
    assert pack.action_taken[0].text in message["text"]
    assert payloads(message) == ["/ask_procedures", "/start_discussion", "/show_menu"]


def test_procedures(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = ActionShowProcedures().run(dispatcher, tracker_factory(), {})

    assert events == []
    (message,) = dispatcher.messages
    assert all(link.url in message["text"] for link in pack.links)
    assert payloads(message) == ["/start_discussion", "/show_menu"]


def test_other_reviews(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = ActionShowOtherReviews().run(dispatcher, tracker_factory(), {})

    assert events == []
    (message,) = dispatcher.messages
    assert pack.title in message["text"]
    panel = "https://www.gov.uk/government/organisations/child-safeguarding-practice-review-panel"
    assert panel in message["text"]
    assert "https://www.esscp.org.uk/" in message["text"]
    assert payloads(message) == ["/ask_about_review", "/show_menu"]
