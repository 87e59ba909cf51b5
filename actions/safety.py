"""Safety answers that need the pack or the conversation: contacts, support, the concern check.

The first, static responses (utter_urgent_concern, utter_crisis_support, utter_distress_support
and utter_ask_concern_now in domain.yml) need no action server, so the most important words
reach the practitioner even if these actions cannot run.
"""

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import context, names
from bot.reflections.dialogue import after_concern_check
from bot.safety import views as safety_views
from bot.safety.concern_check import ConcernAnswer, read_concern_answer

Events = list[dict[str, Any]]
CHECK_CLEARED = [
    SlotSet(names.SLOT_CONCERN_CHECK_TEXT, None),
    SlotSet(names.SLOT_CONCERN_CHECK_DRAFTING, None),
    SlotSet(names.SLOT_CONCERN_NOW, None),
    SlotSet(names.SLOT_DRAFT_CHECK, None),
]


class ActionShowUrgentContacts(Action):
    """The front door, out-of-hours and police numbers from the pack; drops any draft and held text.

    Before a briefing is chosen among several, every offered partnership's front door.
    """

    def name(self) -> str:
        return "action_show_urgent_contacts"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        say_urgent_contacts(dispatcher, tracker)
        return [
            SlotSet(names.SLOT_REFLECTION_TEXT, None),
            SlotSet(names.SLOT_REFLECTION_DRAFT, None),
            *CHECK_CLEARED,
            # Nor is a follow-up being answered: a later reflection is not its answer.
            SlotSet(names.SLOT_FOLLOWUP_ID, None),
        ]


class ActionHoldConcernCheck(Action):
    """Keep the message the bot is asking about, and whether it was typed into a reflection.

    Runs before the question and before the reflection form is stopped, so it still sees the
    form; nothing is previewed or saved, the text only waits in a slot for the answer.
    """

    def name(self) -> str:
        return "action_hold_concern_check"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        drafting = (tracker.active_loop or {}).get("name") == names.FORM_REFLECTION
        return [
            SlotSet(names.SLOT_CONCERN_CHECK_TEXT, tracker.latest_message.get("text") or ""),
            SlotSet(names.SLOT_CONCERN_CHECK_DRAFTING, drafting),
        ]


class ValidateConcernCheckForm(FormValidationAction):
    """Reads the answer to "is this about a child now?": only a clear no is taken as no."""

    def name(self) -> str:
        return "validate_concern_check_form"

    def validate_concern_now(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        answer = read_concern_answer(str(value or ""), intent)
        return {names.SLOT_CONCERN_NOW: answer.value}


class ActionResolveConcernCheck(Action):
    """The answer to "is this about a child now?": the urgent answer, or carry on.

    Anything but a clear no (``concern_now`` is "now") gets the urgent answer and keeps nothing.
    A clear no carries on with the held message as if it had been typed normally; if the draft
    as a whole reads as a live concern all the same, it is answered as one.
    """

    def name(self) -> str:
        return "action_resolve_concern_check"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        if tracker.get_slot(names.SLOT_CONCERN_NOW) != ConcernAnswer.NOT_NOW.value:
            return _urgent_answer(dispatcher, tracker)
        first, *others = context.front_door_packs(tracker)
        outcome = after_concern_check(
            pack=first,
            others=others,
            text=tracker.get_slot(names.SLOT_CONCERN_CHECK_TEXT) or "",
            drafting=tracker.get_slot(names.SLOT_CONCERN_CHECK_DRAFTING) is True,
            draft=tracker.get_slot(names.SLOT_REFLECTION_DRAFT) or "",
        )
        if outcome.urgent:
            return _urgent_answer(dispatcher, tracker)
        for message in outcome.messages:
            dispatcher.utter_message(**message.as_kwargs())
        if outcome.draft is None:
            return CHECK_CLEARED
        return [SlotSet(names.SLOT_REFLECTION_DRAFT, outcome.draft), *CHECK_CLEARED]


def say_urgent_contacts(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The chosen briefing's partnership numbers, or before a choice every offered area's."""
    first, *others = context.front_door_packs(tracker)
    dispatcher.utter_message(**safety_views.urgent_contacts_message(first, others).as_kwargs())


def say_urgent_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """999 and the front door: the static response, then the pack's numbers."""
    dispatcher.utter_message(response=names.UTTER_URGENT_CONCERN)
    say_urgent_contacts(dispatcher, tracker)


def _urgent_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """The urgent answer; the draft and the held text go."""
    say_urgent_answer(dispatcher, tracker)
    return [
        SlotSet(names.SLOT_REFLECTION_TEXT, None),
        SlotSet(names.SLOT_REFLECTION_DRAFT, None),
        *CHECK_CLEARED,
    ]


def say_staff_support(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The partnership's own support for practitioners, if its pack lists any."""
    message = safety_views.staff_support_message(context.pack_for(tracker), age=context.link_age())
    if message is not None:
        dispatcher.utter_message(**message.as_kwargs())


class ActionShowStaffSupport(Action):
    """The partnership's own support for practitioners, after the static signposting."""

    def name(self) -> str:
        return "action_show_staff_support"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        say_staff_support(dispatcher, tracker)
        return []


class ActionShowFrontDoor(Action):
    """How to refer a child or ask for advice: the safeguarding lead, the front door, 999."""

    def name(self) -> str:
        return "action_show_front_door"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        first, *others = context.front_door_packs(tracker)
        message = safety_views.front_door_message(first, others, age=context.link_age())
        dispatcher.utter_message(**message.as_kwargs())
        return []
