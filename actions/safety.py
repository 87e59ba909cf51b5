"""The partnership's urgent contacts, shown after the static 999/SPoA message.

The first, static response (utter_urgent_concern in domain.yml) needs no action server, so the
most important words reach the practitioner even if this action cannot run.
"""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import names
from actions.context import current_pack
from bot import briefing

Events = list[dict[str, Any]]


class ActionShowUrgentContacts(Action):
    """SPoA, out-of-hours and police numbers from the pack; drops any reflection draft."""

    def name(self) -> str:
        return "action_show_urgent_contacts"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        dispatcher.utter_message(**briefing.urgent_contacts_message(current_pack()).as_kwargs())
        return [
            SlotSet(names.SLOT_REFLECTION_TEXT, None),
            SlotSet(names.SLOT_REFLECTION_DRAFT, None),
        ]
