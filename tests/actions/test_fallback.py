"""The two-stage fallback's three steps."""

from __future__ import annotations

import pytest
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import (
    ActionDefaultAskAffirmation,
    ActionDefaultAskRephrase,
    ActionDefaultFallback,
)
from tests.conftest import TrackerFactory

pytestmark = pytest.mark.usefixtures("action_settings")


def test_names() -> None:
    assert ActionDefaultAskAffirmation().name() == "action_default_ask_affirmation"
    assert ActionDefaultAskRephrase().name() == "action_default_ask_rephrase"
    assert ActionDefaultFallback().name() == "action_default_fallback"


def test_ask_affirmation_offers_buttons_from_the_ranking(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(
        intent="nlu_fallback",
        text="the bit about dads",
        intent_ranking=[
            {"name": "nlu_fallback", "confidence": 0.25},
            {"name": "ask_key_learning", "confidence": 0.22},
            {"name": "urgent_concern", "confidence": 0.2},
            {"name": "start_discussion", "confidence": 0.18},
            {"name": "greet", "confidence": 0.1},
            {"name": "ask_recommendations", "confidence": 0.05},
            {"name": "ask_help", "confidence": 0.01},
        ],
    )

    events = ActionDefaultAskAffirmation().run(dispatcher, tracker, {})

    assert events == []
    (message,) = dispatcher.messages
    assert message["text"] == "Sorry, I'm not sure what you meant. Did you mean one of these?"
    assert message["buttons"] == [
        {"title": "Key learning", "payload": "/ask_key_learning"},
        {"title": "Discuss and reflect", "payload": "/start_discussion"},
        {"title": "Recommendations", "payload": "/ask_recommendations"},
        {"title": "Something else", "payload": "/out_of_scope"},
    ]


def test_ask_affirmation_without_a_ranking_offers_menu_and_help(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    ActionDefaultAskAffirmation().run(dispatcher, tracker_factory(intent="nlu_fallback"), {})

    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == [
        "/show_menu",
        "/ask_help",
        "/out_of_scope",
    ]


def test_ask_rephrase(tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    events = ActionDefaultAskRephrase().run(dispatcher, tracker_factory(intent="out_of_scope"), {})

    assert events == []
    (message,) = dispatcher.messages
    assert message["text"] == "Sorry, I didn't quite get that. Could you say it another way?"
    assert message["buttons"] == []


def test_default_fallback_reverts_the_user_utterance(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = ActionDefaultFallback().run(dispatcher, tracker_factory(intent="nlu_fallback"), {})

    assert events == [UserUtteranceReverted()]
    (message,) = dispatcher.messages
    assert message["text"].startswith("Sorry, I still didn't understand.")
    assert message["buttons"] == [
        {"title": "Menu", "payload": "/show_menu"},
        {"title": "Help", "payload": "/ask_help"},
    ]


# --- a bare number just after the list of briefings (issue 14) -------------------------------

LISTED = {
    "event": "bot",
    "text": "Reflect has 2 briefings:",
    "data": {"buttons": [{"title": "Child Q", "payload": '/choose_pack{"pack_id":"x"}'}]},
}


@pytest.mark.usefixtures("several_packs")
def test_a_number_after_the_list_of_briefings_is_offered_first(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(
        intent="nlu_fallback",
        text="2",
        intent_ranking=[{"name": "nlu_fallback", "confidence": 0.35}],
        events=[LISTED, {"event": "user", "text": "2"}],
    )

    ActionDefaultAskAffirmation().run(dispatcher, tracker, {})

    assert dispatcher.messages[0]["buttons"][0] == {
        "title": "Child Q",
        "payload": '/choose_pack{"pack_id":"northmoor-child-q"}',
    }


@pytest.mark.usefixtures("several_packs")
def test_a_number_elsewhere_is_not_a_briefing(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(
        intent="nlu_fallback",
        text="2",
        intent_ranking=[{"name": "nlu_fallback", "confidence": 0.35}],
        events=[{"event": "bot", "text": "Point 1 of 4"}, {"event": "user", "text": "2"}],
    )

    ActionDefaultAskAffirmation().run(dispatcher, tracker, {})

    assert all("choose_pack" not in b["payload"] for b in dispatcher.messages[0]["buttons"])
