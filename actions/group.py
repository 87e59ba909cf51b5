"""Actions for group supervision: start, resume, join, status, and every message of a session.

Thin: each reads the message and the two group slots, calls :class:`bot.group.flow.GroupFlow`
once, says its messages and returns its slots. The session itself lives in the database.
"""

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions import context, names
from actions.briefing import pack_events
from actions.safety import say_staff_support
from bot.content.messages import render
from bot.group import flow
from bot.group.reading import is_question
from bot.reflections.dialogue import privacy_message
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


def group_flow(tracker: Tracker) -> flow.GroupFlow:
    """The flow over this process's database and this conversation's briefing.

    A session started here is on the conversation's briefing; one already running stays on its
    own (found among every pack by id).
    """
    return flow.GroupFlow(
        factory=context.session_factory(),
        pack=context.pack_for(tracker),
        settings=context.settings(),
        packs=context.pack_by_id,
        link_age=context.link_age(),
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


def reply_events(reply: flow.Reply, tracker: Tracker) -> Events:
    """The events a reply sets; none when it was refused (the slots are the conversation's).

    A member's conversation moves to the session's briefing first (:func:`pack_events`), so
    what they save afterwards is filed against the briefing the group discussed.
    """
    if reply.refused:
        return []
    session_pack = context.pack_by_id(reply.pack_id) if reply.pack_id else None
    moved = pack_events(tracker, session_pack) if session_pack else []
    return [*moved, *(SlotSet(slot, value) for slot, value in reply_slots(reply).items())]


def say(dispatcher: CollectingDispatcher, reply: flow.Reply) -> None:
    """Send the reply's messages in order; a live concern first gets the static 999 answer."""
    if reply.urgent:
        dispatcher.utter_message(response=names.UTTER_URGENT_CONCERN)
    for message in reply.messages:
        dispatcher.utter_message(**message.as_kwargs())


def run_group(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    call: Callable[[flow.GroupFlow, flow.Turn], flow.Reply],
) -> Events:
    """One GroupFlow call on the latest message: say its reply, return its slots.

    The database failing is said plainly; the conversation's slots stay as they were.
    """
    try:
        reply = call(group_flow(tracker), read_turn(tracker))
    except SQLAlchemyError:
        dispatcher.utter_message(**render("group_not_saved").as_kwargs())
        listening = bool(tracker.get_slot(names.SLOT_GROUP_LISTENING))
        return [SlotSet(names.SLOT_GROUP_LISTENING, listening)]
    say(dispatcher, reply)
    return reply_events(reply, tracker)


class ActionStartGroup(Action):
    """A lead starts a group session: the time they have, then the plan, code and first point."""

    def name(self) -> str:
        return "action_start_group"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        events = run_group(dispatcher, tracker, lambda group, turn: group.start(turn))
        # The rules branch on group_listening, so a refused start still says it is not.
        return events or [SlotSet(names.SLOT_GROUP_LISTENING, False)]


class ActionResumeGroup(Action):
    """The lead carries on the session this conversation started, where it was."""

    def name(self) -> str:
        return "action_resume_group"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        session = tracker.get_slot(names.SLOT_GROUP_SESSION)
        role = tracker.get_slot(names.SLOT_GROUP_ROLE)
        events = run_group(
            dispatcher,
            tracker,
            lambda group, turn: group.resume(session, turn, conversation_role=role),
        )
        return events or [SlotSet(names.SLOT_GROUP_LISTENING, False)]


class ActionJoinGroup(Action):
    """A member joins a session with its code, from their own chat or the widget."""

    def name(self) -> str:
        return "action_join_group"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        return run_group(dispatcher, tracker, lambda group, turn: group.join(turn))


class ActionGroupStatus(Action):
    """How the session stands (how many joined, time, point), or that there is none."""

    def name(self) -> str:
        return "action_group_status"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        session = tracker.get_slot(names.SLOT_GROUP_SESSION)
        return run_group(dispatcher, tracker, lambda group, turn: group.status(session, turn))


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
        turn = read_turn(tracker)
        if turn.intent in SIDE_QUESTIONS and is_question(turn.text):
            SIDE_QUESTIONS[turn.intent](dispatcher, tracker)
            return {names.SLOT_GROUP_INPUT: None}
        try:
            reply = group_flow(tracker).step(session, turn)
        except SQLAlchemyError:
            dispatcher.utter_message(**render("group_not_saved").as_kwargs())
            return {names.SLOT_GROUP_INPUT: None}
        say(dispatcher, reply)
        if reply.refused:  # someone else in the lead's group chat: the session listens on
            return {names.SLOT_GROUP_INPUT: None}
        return {
            **reply_slots(reply),
            names.SLOT_GROUP_INPUT: None if reply.listening else STOPPED,
        }


def _answer_staff_support(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    dispatcher.utter_message(response=names.UTTER_STAFF_SUPPORT)
    say_staff_support(dispatcher, tracker)


def _answer_privacy(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    config = context.settings()
    message = privacy_message(
        pack=context.pack_for(tracker),
        retention_days=config.retention_days,
        tracker_retention_days=config.tracker_retention_days,
    )
    dispatcher.utter_message(**message.as_kwargs())


#: Questions a session answers without noting them, when they are asked as questions; the same
#: words as a statement are a note (bot.group.reading.is_question).
SIDE_QUESTIONS: dict[str, Callable[[CollectingDispatcher, Tracker], None]] = {
    "ask_staff_support": _answer_staff_support,
    "ask_privacy": _answer_privacy,
}


#: Intents the safety rules answer inside a session (group_input never takes them).
SAFETY_INTENTS = frozenset({"urgent_concern", "check_concern", "express_distress"})


class ActionAskGroupInput(Action):
    """The form's question for its one slot: usually nothing, the flow has said it already.

    After the safety rules answered a message instead of the flow, the session's open question
    is asked again (:meth:`bot.group.flow.GroupFlow.ask_again`), so the next answer lands where
    the lead means it to.
    """

    def name(self) -> str:
        return "action_ask_group_input"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        intent = (tracker.latest_message or {}).get("intent") or {}
        if intent.get("name") not in SAFETY_INTENTS:
            return []
        session = tracker.get_slot(names.SLOT_GROUP_SESSION)
        try:
            say(dispatcher, group_flow(tracker).ask_again(session, read_turn(tracker)))
        except SQLAlchemyError:
            pass  # the question is already on screen; nothing is lost
        return []


class ActionGroupDone(Action):
    """The session stopped listening: clear the form's slot (the session slots stay)."""

    def name(self) -> str:
        return "action_group_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        return [SlotSet(names.SLOT_GROUP_INPUT, None), SlotSet(names.SLOT_GROUP_LISTENING, False)]
