"""The safety actions: contacts, the concern check, staff support and the front door."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import (
    ActionHoldConcernCheck,
    ActionResolveConcernCheck,
    ActionShowFrontDoor,
    ActionShowStaffSupport,
    ActionShowUrgentContacts,
    ValidateConcernCheckForm,
)
from bot.content.messages import render
from bot.content.schema import Pack
from bot.safety import views as safety_views
from tests.conftest import TrackerFactory

pytestmark = pytest.mark.usefixtures("action_settings")

CLEARED = [
    SlotSet("reflection_text", None),
    SlotSet("reflection_draft", None),
    SlotSet("concern_check_text", None),
    SlotSet("concern_check_drafting", None),
    SlotSet("concern_now", None),
    SlotSet("draft_check", None),
]
#: What the urgent contacts also drop: a follow-up being answered is not answered by a concern.
URGENT_CLEARED = [*CLEARED, SlotSet("followup_id", None)]


@pytest.mark.parametrize(
    ("action", "name"),
    [
        (ActionShowUrgentContacts, "action_show_urgent_contacts"),
        (ActionHoldConcernCheck, "action_hold_concern_check"),
        (ActionResolveConcernCheck, "action_resolve_concern_check"),
        (ActionShowStaffSupport, "action_show_staff_support"),
        (ActionShowFrontDoor, "action_show_front_door"),
    ],
)
def test_names(action: Any, name: str) -> None:
    assert action().name() == name


def test_urgent_contacts(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(intent="urgent_concern", text="I think a child is in danger now")

    events = ActionShowUrgentContacts().run(dispatcher, tracker, {})

    # Any reflection draft, and any text held for the concern check, is dropped.
    assert events == URGENT_CLEARED
    (message,) = dispatcher.messages
    assert "999" in message["text"]
    assert "01323 464222" in message["text"]
    assert "01273 335906" in message["text"]
    assert message["text"].endswith(pack.urgent_help.note)
    assert message["buttons"] == []


def test_urgent_contacts_ignore_the_conversation_state(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(
        slots={"point_number": 3, "discussion_status": "in_progress"}, intent="urgent_concern"
    )

    events = ActionShowUrgentContacts().run(dispatcher, tracker, {})

    assert events == URGENT_CLEARED
    assert "01323 464222" in dispatcher.messages[0]["text"]


# --- the concern check ---------------------------------------------------------------------


def test_hold_keeps_the_text_and_that_no_reflection_was_being_written(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(intent="check_concern", text="I have a case like this")

    events = ActionHoldConcernCheck().run(dispatcher, tracker, {})

    assert events == [
        SlotSet("concern_check_text", "I have a case like this"),
        SlotSet("concern_check_drafting", False),
    ]
    assert dispatcher.messages == []  # nothing previewed, nothing said


def test_hold_notes_a_reflection_being_written(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(intent="check_concern", text="this is like one of mine")
    tracker.active_loop = {"name": "reflection_form"}

    events = ActionHoldConcernCheck().run(dispatcher, tracker, {})

    assert SlotSet("concern_check_drafting", True) in events


def test_no_while_writing_previews_the_text_as_the_draft(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    text = "This is like a family I had years ago, we never checked the partner's history"
    tracker = tracker_factory(
        slots={
            "concern_check_text": text,
            "concern_check_drafting": True,
            "reflection_draft": "We rarely ask about new partners.",
            "concern_now": "not_now",
        },
        intent="deny",
        text="/deny",
    )

    events = ActionResolveConcernCheck().run(dispatcher, tracker, {})

    draft = f"We rarely ask about new partners.\n\n{text}"
    assert events == [SlotSet("reflection_draft", draft), *CLEARED[2:]]
    (message,) = dispatcher.messages
    assert message["text"].startswith("This is exactly what will be saved")
    assert "> We rarely ask about new partners." in message["text"]


def test_no_while_writing_but_the_whole_draft_is_a_live_concern_gets_the_urgent_answer(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    # The part alone was only "maybe"; with the draft before it, it is a child at risk now.
    tracker = tracker_factory(
        slots={
            "concern_check_text": "he is back at the house tonight, what do I do?",
            "concern_check_drafting": True,
            "reflection_draft": "My family at the moment: mum's ex hit the 4 year old last week.",
            "concern_now": "not_now",
        },
        intent="deny",
        text="/deny",
    )

    events = ActionResolveConcernCheck().run(dispatcher, tracker, {})

    assert events == CLEARED
    urgent, contacts = dispatcher.messages
    assert urgent["response"] == "utter_urgent_concern"
    assert "01323 464222" in contacts["text"]


@pytest.mark.parametrize(
    ("text", "intent", "answer"),
    [
        ("/deny", "deny", "not_now"),
        ("/affirm", "affirm", "now"),
        ("no, it was years ago", "deny", "not_now"),
        ("no not now, the case closed in 2019", "deny", "not_now"),
        ("no i mean he's still there most nights", "deny", "now"),
        ("the little one had a mark on her face on tuesday", "share_reflection", "now"),
        ("not sure", "deny", "now"),
    ],
)
def test_the_answer_to_the_concern_question_is_no_only_when_clearly_no(
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
    text: str,
    intent: str,
    answer: str,
) -> None:
    tracker = tracker_factory(intent=intent, text=text)

    result = ValidateConcernCheckForm().validate_concern_now(text, dispatcher, tracker, {})

    assert result == {"concern_now": answer}
    assert dispatcher.messages == []


@pytest.mark.parametrize("answer", ["now", None])
def test_anything_but_a_clear_no_gets_the_urgent_answer_and_keeps_nothing(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher, answer: str | None
) -> None:
    tracker = tracker_factory(
        slots={
            "concern_check_text": "I have a case like this",
            "concern_check_drafting": True,
            "reflection_draft": "We rarely ask about new partners.",
            "concern_now": answer,
        }
    )

    events = ActionResolveConcernCheck().run(dispatcher, tracker, {})

    assert events == CLEARED
    urgent, contacts = dispatcher.messages
    assert urgent["response"] == "utter_urgent_concern"
    assert "01323 464222" in contacts["text"] and "999" in contacts["text"]


def test_no_to_a_question_gives_the_front_door(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(
        slots={
            "concern_check_text": "should I be ringing SPoA about this?",
            "concern_now": "not_now",
        },
        intent="deny",
    )

    events = ActionResolveConcernCheck().run(dispatcher, tracker, {})

    assert events == CLEARED[2:]  # no draft: a question is not offered as a reflection
    (message,) = dispatcher.messages
    assert message["text"] == safety_views.front_door_message(pack).text


def test_no_to_a_statement_offers_it_as_a_reflection(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    text = "I have a case a bit like this one from when I was in MASH"
    tracker = tracker_factory(
        slots={
            "concern_check_text": text,
            "concern_check_drafting": False,
            "concern_now": "not_now",
        },
        intent="deny",
    )

    events = ActionResolveConcernCheck().run(dispatcher, tracker, {})

    assert events[0] == SlotSet("reflection_draft", text)
    offer, preview = dispatcher.messages
    assert offer["text"] == render("concern_check_offer").text
    assert f"> {text}" in preview["text"]
    assert "/save_reflection" in [b["payload"] for b in preview["buttons"]]


# --- support and the front door ------------------------------------------------------------


def test_staff_support_from_the_pack(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    assert ActionShowStaffSupport().run(dispatcher, tracker_factory(), {}) == []

    (message,) = dispatcher.messages
    assert pack.staff_support is not None
    for item in pack.staff_support.items:
        assert item in message["text"]
    assert "https://www.esscp.org.uk/" in message["text"]


def test_front_door(tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    assert ActionShowFrontDoor().run(dispatcher, tracker_factory(), {}) == []

    (message,) = dispatcher.messages
    for expected in ("safeguarding lead", "999", "01323 464222", "01273 335906"):
        assert expected in message["text"]
    assert (
        "https://www.eastsussex.gov.uk/children-families/professional-resources/spoa"
        in (message["text"])
    )


# --- each briefing's own front door (issue 14) -----------------------------------------------


@pytest.mark.usefixtures("several_packs")
def test_before_a_choice_the_urgent_answer_gives_every_areas_front_door(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    ActionShowUrgentContacts().run(dispatcher, tracker_factory(intent="urgent_concern"), {})

    (message,) = dispatcher.messages
    assert "01323 464222" in message["text"] and "0113 496 0000" in message["text"]
    assert message["text"].index("01323 464222") < message["text"].index("0113 496 0000")


@pytest.mark.usefixtures("several_packs")
def test_once_chosen_the_urgent_answer_gives_that_briefings_front_door_only(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(slots={"pack_id": "northmoor-child-q"}, intent="urgent_concern")

    ActionShowUrgentContacts().run(dispatcher, tracker, {})
    ActionShowFrontDoor().run(dispatcher, tracker, {})

    for message in dispatcher.messages:
        assert "0113 496 0000" in message["text"] and "999" in message["text"]
        assert "01323 464222" not in message["text"] and "SPoA" not in message["text"]
