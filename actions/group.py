"""Actions for group supervision: start, resume, join, status, and every message of a session.

Thin: each reads the message and the two group slots, calls :class:`bot.group.flow.GroupFlow`
once, says its messages and returns its slots. The session itself lives in the database.
"""

from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions import context, names
from bot.content.messages import render
from bot.group import flow
from bot.reflections.receipts import MEMBER_METADATA_KEY, RECEIPTS_METADATA_KEY

Events = list[dict[str, Any]]

#: group_input's value once the session stops listening: the form is complete and ends.
STOPPED = "stopped"


def read_turn(tracker: Tracker) -> flow.Turn:
    """The latest message as the group flow reads it (anonymised text, the door's hashes)."""
    message = tracker.latest_message or {}
    metadata = message.get("metadata") or {}
    receipts = metadata.get(RECEIPTS_METADATA_KEY) or ()
    return flow.Turn(
        text=message.get("text") or "",
        intent=(message.get("intent") or {}).get("name") or "",
        member=str(metadata.get(MEMBER_METADATA_KEY) or ""),
        receipts=tuple(str(item) for item in receipts if isinstance(item, str)),
        channel=tracker.get_latest_input_channel() or "unknown",
        now=datetime.now(timezone.utc),
    )


def group_flow() -> flow.GroupFlow:
    """The flow over this process's database and briefing."""
    return flow.GroupFlow(
        factory=context.session_factory(), pack=context.current_pack(), settings=context.settings()
    )


def reply_slots(reply: flow.Reply) -> dict[str, Any]:
    """The slots a reply sets: which session, whose, listening, and the point it is on."""
    slots: dict[str, Any] = {
        names.SLOT_GROUP_SESSION: reply.session,
        names.SLOT_GROUP_ROLE: reply.role,
        names.SLOT_GROUP_LISTENING: reply.listening,
    }
    if reply.point_number is not None:
        slots[names.SLOT_POINT_NUMBER] = reply.point_number
    return slots


def say(dispatcher: CollectingDispatcher, reply: flow.Reply) -> None:
    """Send the reply's messages in order."""
    for message in reply.messages:
        dispatcher.utter_message(**message.as_kwargs())


def _not_saved(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """The database failed: say so plainly, keep the slots as they were, stop nothing."""
    dispatcher.utter_message(**render("group_not_saved").as_kwargs())
    return [SlotSet(names.SLOT_GROUP_LISTENING, bool(tracker.get_slot(names.SLOT_GROUP_SESSION)))]


class _GroupAction(Action):
    """Run one GroupFlow call on the latest message and set the slots its reply says."""

    def call(self, tracker: Tracker, turn: flow.Turn) -> flow.Reply:
        raise NotImplementedError

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        try:
            reply = self.call(tracker, read_turn(tracker))
        except SQLAlchemyError:
            return _not_saved(dispatcher, tracker)
        say(dispatcher, reply)
        return [SlotSet(slot, value) for slot, value in reply_slots(reply).items()]


class ActionStartGroup(_GroupAction):
    """A lead starts a group session: the time they have, then the plan, code and first point."""

    def name(self) -> str:
        return "action_start_group"

    def call(self, tracker: Tracker, turn: flow.Turn) -> flow.Reply:
        return group_flow().start(turn)


class ActionResumeGroup(_GroupAction):
    """The lead carries on the session this conversation started, where it was."""

    def name(self) -> str:
        return "action_resume_group"

    def call(self, tracker: Tracker, turn: flow.Turn) -> flow.Reply:
        return group_flow().resume(tracker.get_slot(names.SLOT_GROUP_SESSION), turn)


class ActionJoinGroup(_GroupAction):
    """A member joins a session with its code, from their own chat or the widget."""

    def name(self) -> str:
        return "action_join_group"

    def call(self, tracker: Tracker, turn: flow.Turn) -> flow.Reply:
        return group_flow().join(turn)


class ActionGroupStatus(_GroupAction):
    """How the session stands (how many joined, time, point), or that there is none."""

    def name(self) -> str:
        return "action_group_status"

    def call(self, tracker: Tracker, turn: flow.Turn) -> flow.Reply:
        return group_flow().status(tracker.get_slot(names.SLOT_GROUP_SESSION), turn)


class ValidateGroupForm(FormValidationAction):
    """Every message of a running session goes to the flow; the form ends when it stops."""

    def name(self) -> str:
        return "validate_group_form"

    def validate_group_input(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        session = tracker.get_slot(names.SLOT_GROUP_SESSION)
        if value is None or not session:
            return {names.SLOT_GROUP_INPUT: None if session else STOPPED}
        try:
            reply = group_flow().step(session, read_turn(tracker))
        except SQLAlchemyError:
            dispatcher.utter_message(**render("group_not_saved").as_kwargs())
            return {names.SLOT_GROUP_INPUT: None}
        say(dispatcher, reply)
        return {
            **reply_slots(reply),
            names.SLOT_GROUP_INPUT: None if reply.listening else STOPPED,
        }


class ActionAskGroupInput(Action):
    """The form's question for its one slot: nothing to say, the flow has said it already."""

    def name(self) -> str:
        return "action_ask_group_input"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        return []


class ActionGroupDone(Action):
    """The session stopped listening: clear the form's slot (the session slots stay)."""

    def name(self) -> str:
        return "action_group_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        return [SlotSet(names.SLOT_GROUP_INPUT, None), SlotSet(names.SLOT_GROUP_LISTENING, False)]
