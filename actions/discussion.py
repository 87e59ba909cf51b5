"""Actions that walk through the points for discussion (state machine: bot.discussion.navigate)."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context, names
from bot.discussion import views as discussion_views
from bot.discussion.navigate import (
    Command,
    DiscussionState,
    navigate,
    slots_from_state,
    state_from_slots,
)

Events = list[dict[str, Any]]

COMMANDS = {
    names.INTENT_START_DISCUSSION: Command.START,
    names.INTENT_NEXT_POINT: Command.NEXT,
    names.INTENT_REPEAT_POINT: Command.REPEAT,
    names.INTENT_SKIP_POINT: Command.SKIP,
    names.INTENT_PREVIOUS_POINT: Command.BACK,
    names.INTENT_RESUME_DISCUSSION: Command.RESUME,
    names.INTENT_AFFIRM: Command.RESUME,  # "carry on" after the distress check-in
}


def read_state(tracker: Tracker) -> DiscussionState:
    """The discussion state persisted in this conversation's slots."""
    return state_from_slots(
        point_number=tracker.get_slot(names.SLOT_POINT_NUMBER),
        covered=tracker.get_slot(names.SLOT_POINTS_COVERED),
        skipped=tracker.get_slot(names.SLOT_POINTS_SKIPPED),
        status=tracker.get_slot(names.SLOT_DISCUSSION_STATUS),
    )


def state_events(state: DiscussionState) -> Events:
    """SlotSet events that keep the state in the tracker store."""
    return [SlotSet(name, value) for name, value in slots_from_state(state).items()]


class ActionShowDiscussionPoint(Action):
    """Start, next, repeat, skip, back and resume all land here: one state machine, one place."""

    def name(self) -> str:
        return "action_show_discussion_point"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        pack = context.pack_for(tracker)
        intent = str((tracker.latest_message.get("intent") or {}).get("name") or "")
        move = navigate(pack, read_state(tracker), COMMANDS.get(intent, Command.RESUME))
        for message in discussion_views.discussion_messages(pack, move, age=context.link_age()):
            dispatcher.utter_message(**message.as_kwargs())
        return state_events(move.state)


class ActionStopDiscussion(Action):
    """Pause: the position stays in the slots, so "carry on where I left off" resumes it."""

    def name(self) -> str:
        return "action_stop_discussion"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        message = discussion_views.pause_message(context.pack_for(tracker), read_state(tracker))
        if message is None:
            dispatcher.utter_message(response=names.UTTER_MENU)
        else:
            dispatcher.utter_message(**message.as_kwargs())
        return []


class ActionResetDiscussion(Action):
    """Forget the discussion position ("start again"); the rule then shows the menu afresh."""

    def name(self) -> str:
        return "action_reset_discussion"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        return state_events(DiscussionState())
