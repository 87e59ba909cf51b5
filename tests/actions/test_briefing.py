"""Briefing actions send the pack's text, and the greeting ends with the domain's menu."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.briefing import (
    ActionChoosePack,
    ActionGreet,
    ActionShowAboutReview,
    ActionShowActionTaken,
    ActionShowKeyLearning,
    ActionShowOtherReviews,
    ActionShowProcedures,
    ActionShowRecommendations,
    list_just_shown,
)
from bot.content.schema import Pack
from bot.settings.config import Settings
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

    assert events == [SlotSet("sections_read", ["about"])]
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

    assert events == [SlotSet("sections_read", ["key_learning"])]
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

    assert events == [SlotSet("sections_read", ["key_learning"])]
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

    assert events == [SlotSet("sections_read", ["recommendations"])]
    (message,) = dispatcher.messages
    assert message["text"].startswith(pack.recommendations_intro)
    assert all(rec.text in message["text"] for rec in pack.recommendations)
    assert payloads(message) == ["/ask_action_taken", "/start_discussion", "/show_menu"]


def test_action_taken(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = ActionShowActionTaken().run(dispatcher, tracker_factory(), {})

    assert events == [SlotSet("sections_read", ["action_taken"])]
    (message,) = dispatcher.messages
    assert message["text"].startswith("**Action taken since the review**")
    assert pack.action_taken[0].text in message["text"]
    assert payloads(message) == ["/ask_procedures", "/start_discussion", "/show_menu"]


def test_procedures(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = ActionShowProcedures().run(dispatcher, tracker_factory(), {})

    assert events == [SlotSet("sections_read", ["procedures"])]
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


# --- several briefings (issue 14) ------------------------------------------------------------

CHILD_Q = "northmoor-child-q"
RESET = [
    SlotSet("point_number", None),
    SlotSet("points_covered", []),
    SlotSet("points_skipped", []),
    SlotSet("discussion_status", None),
    SlotSet("reflection_text", None),
    SlotSet("reflection_draft", None),
]


def pack_entity(value: str) -> list[dict[str, Any]]:
    return [{"entity": "pack_id", "value": value}]


def test_choose_pack_name() -> None:
    assert ActionChoosePack().name() == "action_choose_pack"


@pytest.mark.usefixtures("several_packs")
def test_greet_with_several_briefings_ends_with_the_choice(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = ActionGreet().run(dispatcher, tracker_factory(intent="greet", text="hi"), {})

    assert events == []
    greeting, privacy, listing = dispatcher.messages
    assert pack.title in greeting["text"]
    assert "your local children's services front door" in privacy["text"]
    assert listing["text"].startswith("Reflect has 2 briefings:")
    assert f'/choose_pack{{"pack_id":"{CHILD_Q}"}}' in payloads(listing)
    assert all(message["response"] is None for message in dispatcher.messages)


@pytest.mark.usefixtures("several_packs")
def test_greet_sent_straight_to_a_briefing(
    second_pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(
        intent="greet", text=f'/greet{{"pack_id":"{CHILD_Q}"}}', entities=pack_entity(CHILD_Q)
    )

    events = ActionGreet().run(dispatcher, tracker, {})

    assert events == [SlotSet("pack_id", CHILD_Q), *RESET]
    greeting, privacy, menu = dispatcher.messages
    assert second_pack.title in greeting["text"]
    assert "call the Northmoor Children's Front Door or 999" in privacy["text"]
    # A new briefing: its own first steps, not the domain's menu (which knows the old place).
    assert menu["text"].startswith("You're now on **Child Q")


@pytest.mark.usefixtures("several_packs")
def test_greet_again_on_the_chosen_briefing_keeps_the_place(
    second_pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(
        slots={"pack_id": CHILD_Q, "point_number": 2, "discussion_status": "in_progress"},
        intent="greet",
        text="hello again",
    )

    events = ActionGreet().run(dispatcher, tracker, {})

    assert events == []
    greeting, _, menu = dispatcher.messages
    assert (
        second_pack.title in greeting["text"] and "Reflect has 2 briefings here" in greeting["text"]
    )
    assert menu["response"] == "utter_menu"


@pytest.mark.parametrize("pack_id", ["no-such-pack", "esscp-child-z-but-longer", ""])
@pytest.mark.usefixtures("several_packs")
def test_greet_ignores_an_unknown_pack_id(
    pack: Pack,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
    pack_id: str,
) -> None:
    tracker = tracker_factory(intent="greet", text="/greet", entities=pack_entity(pack_id))

    events = ActionGreet().run(dispatcher, tracker, {})

    assert events == []
    assert pack.title in dispatcher.messages[0]["text"]


def test_greet_with_one_briefing_ignores_an_unknown_pack_id(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(intent="greet", text="/greet", entities=pack_entity(CHILD_Q))

    events = ActionGreet().run(dispatcher, tracker, {})

    assert events == []
    assert [m["response"] for m in dispatcher.messages] == [None, None, "utter_menu"]


@pytest.mark.parametrize(
    ("text", "entities"),
    [
        ("I want the Child Q briefing", []),
        ("change to the neglect review", []),
        (f'/choose_pack{{"pack_id":"{CHILD_Q}"}}', pack_entity(CHILD_Q)),
    ],
)
@pytest.mark.usefixtures("several_packs")
def test_choose_a_briefing_by_name_or_button(
    second_pack: Pack,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
    text: str,
    entities: list[dict[str, Any]],
) -> None:
    tracker = tracker_factory(
        slots={"point_number": 3, "discussion_status": "in_progress", "reflection_draft": "x"},
        intent="choose_pack",
        text=text,
        entities=entities,
    )

    events = ActionChoosePack().run(dispatcher, tracker, {})

    assert events == [SlotSet("pack_id", CHILD_Q), *RESET]
    (message,) = dispatcher.messages
    assert message["text"] == (
        f"You're now on **{second_pack.title}** (Northmoor Safeguarding Children Partnership)."
    )
    assert "/start_discussion" in payloads(message)


@pytest.mark.usefixtures("several_packs")
def test_choosing_the_briefing_you_are_on_keeps_your_place(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(
        slots={"pack_id": CHILD_Q, "point_number": 2, "discussion_status": "in_progress"},
        intent="choose_pack",
        text="the Child Q briefing",
    )

    events = ActionChoosePack().run(dispatcher, tracker, {})

    assert events == [SlotSet("pack_id", CHILD_Q)]
    assert "already" in dispatcher.messages[0]["text"]


@pytest.mark.usefixtures("several_packs")
def test_a_member_who_changes_briefing_leaves_the_group(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(
        slots={"group_session": "abc", "group_role": "member"},
        intent="choose_pack",
        text="I want the Child Q briefing",
    )

    events = ActionChoosePack().run(dispatcher, tracker, {})

    assert events[-2:] == [SlotSet("group_session", None), SlotSet("group_role", None)]


@pytest.mark.usefixtures("several_packs")
def test_no_briefing_named_lists_them(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(
        slots={"pack_id": CHILD_Q}, intent="choose_pack", text="which briefings do you have?"
    )

    events = ActionChoosePack().run(dispatcher, tracker, {})

    assert events == []
    (listing,) = dispatcher.messages
    assert "2. **Child Q: learning from a rapid review** (Northmoor" in listing["text"]
    assert "the one you're on" in listing["text"].splitlines()[2]


@pytest.mark.usefixtures("several_packs")
def test_a_number_right_after_the_list_chooses(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    listed = {
        "event": "bot",
        "text": "Reflect has 2 briefings:",
        "data": {"buttons": [{"title": "Child Q", "payload": '/choose_pack{"pack_id":"x"}'}]},
    }
    events_before = [{"event": "user", "text": "hi"}, listed, {"event": "user", "text": "2"}]
    tracker = tracker_factory(intent="choose_pack", text="2", events=events_before)
    not_listed = tracker_factory(
        intent="choose_pack",
        text="2",
        events=[
            listed,
            {"event": "user", "text": "x"},
            {"event": "bot", "text": "y"},
            {"event": "user", "text": "2"},
        ],
    )

    assert list_just_shown(tracker) and not list_just_shown(not_listed)
    assert ActionChoosePack().run(dispatcher, tracker, {})[0] == SlotSet("pack_id", CHILD_Q)
    assert ActionChoosePack().run(CollectingDispatcher(), not_listed, {}) == []


def test_with_one_briefing_choosing_says_where_other_reviews_are(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(intent="choose_pack", text="show me the other briefings")

    events = ActionChoosePack().run(dispatcher, tracker, {})

    assert events == []
    (message,) = dispatcher.messages
    assert pack.title in message["text"]
    assert payloads(message) == ["/ask_about_review", "/show_menu"]


@pytest.mark.usefixtures("several_packs")
def test_other_reviews_offers_the_other_briefing(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    ActionShowOtherReviews().run(dispatcher, tracker_factory(intent="ask_other_review"), {})

    assert payloads(dispatcher.messages[0])[0] == f'/choose_pack{{"pack_id":"{CHILD_Q}"}}'


@pytest.mark.usefixtures("several_packs")
def test_the_chosen_briefing_answers_every_question(
    second_pack: Pack, tracker_factory: TrackerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("actions.context.today", lambda: date(2026, 12, 7))
    on_q = {"pack_id": CHILD_Q}
    said: dict[str, str] = {}
    for name, action, text in [
        ("learning", ActionShowKeyLearning(), "what is the learning on information sharing?"),
        ("about", ActionShowAboutReview(), "what happened?"),
        ("recommendations", ActionShowRecommendations(), "recommendations"),
        ("action", ActionShowActionTaken(), "what has been done since?"),
        ("procedures", ActionShowProcedures(), "procedures"),
    ]:
        dispatcher = CollectingDispatcher()
        action.run(dispatcher, tracker_factory(slots=on_q, text=text), {})
        said[name] = dispatcher.messages[0]["text"]

    assert "Key learning 2 of 3: Sharing information early" in said["learning"]
    assert "(last checked on 14 March 2025)" in said["learning"]
    assert second_pack.about.case_summary in said["about"]
    assert second_pack.recommendations_intro in said["recommendations"]
    assert second_pack.action_taken[0].text in said["action"]
    assert "procedures.example.org/northmoor/neglect" in said["procedures"]
    assert "sussex" not in " ".join(said.values()).lower()


@pytest.mark.usefixtures("several_packs")
def test_a_learning_button_from_the_other_briefing_is_ignored(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(
        slots={"pack_id": CHILD_Q},
        intent="ask_key_learning",
        text='/ask_key_learning{"learning_id":"legacy-of-domestic-abuse"}',
        entities=[{"entity": "learning_id", "value": "legacy-of-domestic-abuse"}],
    )

    ActionShowKeyLearning().run(dispatcher, tracker, {})

    assert dispatcher.messages[0]["text"].startswith("The review identified 3 key learning")


@pytest.mark.usefixtures("several_packs")
def test_a_briefing_no_longer_offered_falls_back_to_the_default(
    pack: Pack,
    several_packs: Settings,
    tracker_factory: TrackerFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    only_z = dataclasses.replace(several_packs, offered_packs=("esscp-child-z",))
    monkeypatch.setattr("actions.context.settings", lambda: only_z)
    tracker = tracker_factory(slots={"pack_id": CHILD_Q})

    assert context.pack_for(tracker) is not None
    assert context.pack_for(tracker).id == pack.id
    assert context.chosen_pack(tracker) is None


# --- issue 16: sections read, and a follow-up due on a later visit -----------------------------


def test_every_section_a_show_action_notes_is_one_the_cpd_record_knows(
    tracker_factory: TrackerFactory,
) -> None:
    from bot.cpd.covered import SECTIONS

    noted = []
    for action in (
        ActionShowAboutReview(),
        ActionShowKeyLearning(),
        ActionShowRecommendations(),
        ActionShowActionTaken(),
        ActionShowProcedures(),
    ):
        (event,) = action.run(CollectingDispatcher(), tracker_factory(), {})
        noted += event["value"]

    assert noted == list(SECTIONS)


def test_a_section_read_again_is_noted_once(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(slots={"sections_read": ["about", "recommendations"]})

    events = ActionShowAboutReview().run(dispatcher, tracker, {})

    assert events == [SlotSet("sections_read", ["about", "recommendations"])]


DUE_ID = "fu-public-id-1"


def due(pack_id: str = "esscp-child-z") -> Any:
    from bot.content.messages import Message
    from bot.followup.service import DueFollowup

    question = Message(
        "What has changed in your practice since?", ({"title": "Answer", "payload": "/x"},)
    )
    return DueFollowup(public_id=DUE_ID, pack_id=pack_id, message=question)


def widget_tracker(tracker_factory: TrackerFactory, **kwargs: Any) -> Any:
    """A greeting from the web widget, carrying the widget's follow-up token."""
    events = [{"event": "user", "text": "hi", "input_channel": "socketio"}]
    return tracker_factory(
        intent="greet", text="hi", events=events, metadata={"followup_token": "t"}, **kwargs
    )


def test_greet_asks_a_due_follow_up_after_the_menu(
    monkeypatch: pytest.MonkeyPatch,
    action_settings: Settings,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    asked: list[Any] = []

    def due_now(factory: Any, settings: Any, who: Any, *, today: date) -> Any:
        asked.append((factory, settings, who, today))
        return due()

    monkeypatch.setattr("actions.briefing.followups.due_now", due_now)
    monkeypatch.setattr("actions.context.session_factory", lambda: "the-factory")
    monkeypatch.setattr("actions.context.today", lambda: date(2027, 3, 8))

    events = ActionGreet().run(dispatcher, widget_tracker(tracker_factory), {})

    assert events == [
        SlotSet("pack_id", "esscp-child-z"),
        SlotSet("followup_id", DUE_ID),
        SlotSet("point_number", None),
    ]
    _, _, menu, question = dispatcher.messages
    assert menu["response"] == "utter_menu"
    assert question["text"] == "What has changed in your practice since?"
    assert question["buttons"] == [{"title": "Answer", "payload": "/x"}]
    ((factory, settings, who, today),) = asked
    assert (factory, settings, today) == ("the-factory", action_settings, date(2027, 3, 8))
    assert (who.channel_kind, who.sender_id) == ("socketio", "test-sender")
    assert who.metadata == {"followup_token": "t"}


@pytest.mark.usefixtures("several_packs")
def test_a_follow_up_on_another_briefing_moves_the_conversation_to_it(
    monkeypatch: pytest.MonkeyPatch, tracker_factory: TrackerFactory
) -> None:
    """The answer is saved against the briefing the follow-up asks about, and its version."""
    monkeypatch.setattr("actions.briefing.followups.due_now", lambda *a, **k: due(CHILD_Q))
    monkeypatch.setattr("actions.context.session_factory", lambda: None)

    events = ActionGreet().run(CollectingDispatcher(), widget_tracker(tracker_factory), {})

    assert events == [
        SlotSet("pack_id", CHILD_Q),
        *RESET,
        SlotSet("followup_id", DUE_ID),
        SlotSet("point_number", None),
    ]


def test_a_database_fault_never_breaks_the_greeting(
    monkeypatch: pytest.MonkeyPatch,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from sqlalchemy.exc import OperationalError

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr("actions.briefing.followups.due_now", broken)
    monkeypatch.setattr("actions.context.session_factory", lambda: None)

    events = ActionGreet().run(dispatcher, widget_tracker(tracker_factory), {})

    assert events == []
    assert len(dispatcher.messages) == 3  # greeting, privacy notice, menu: no follow-up
    assert "followup_due_unavailable error=OperationalError" in caplog.text
    assert "locked" not in caplog.text


def test_greet_with_no_follow_up_due_says_nothing_more(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = ActionGreet().run(dispatcher, widget_tracker(tracker_factory), {})

    assert events == []
    assert len(dispatcher.messages) == 3


def test_a_follow_up_left_from_an_earlier_visit_and_no_longer_due_is_dropped(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    """Slots carry over into new sessions; an answer begun last week must not save as one now."""
    tracker = widget_tracker(tracker_factory, slots={"followup_id": "fu-expired"})

    events = ActionGreet().run(dispatcher, tracker, {})

    assert events == [SlotSet("followup_id", None)]
    assert len(dispatcher.messages) == 3
