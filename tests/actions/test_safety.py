"""The urgent contacts action: the partnership's numbers, and nothing recorded."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import ActionShowUrgentContacts
from bot.content.schema import Pack
from tests.conftest import TrackerFactory

pytestmark = pytest.mark.usefixtures("action_settings")


def test_name() -> None:
    assert ActionShowUrgentContacts().name() == "action_show_urgent_contacts"


def test_urgent_contacts(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(intent="urgent_concern", text="I think a child is in danger now")

    events = ActionShowUrgentContacts().run(dispatcher, tracker, {})

    # Any reflection draft is dropped: nothing from this turn or before it is kept.
    assert events == [SlotSet("reflection_text", None), SlotSet("reflection_draft", None)]
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

    # Any reflection draft is dropped: nothing from this turn or before it is kept.
    assert events == [SlotSet("reflection_text", None), SlotSet("reflection_draft", None)]
    assert "01323 464222" in dispatcher.messages[0]["text"]
