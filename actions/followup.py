"""Actions for the follow-up months later: opting in and out, what is kept, answering it.

bot/followup decides everything (what is stored, for which channel, when it is due); an answer
is written, previewed, checked and saved by the reflection actions, as kind "followup".
"""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import context, names
from actions.briefing import followup_events, who
from bot.content.messages import render
from bot.followup import service as followups

Events = list[dict[str, Any]]
DRAFT_CLEARED = [
    SlotSet(names.SLOT_REFLECTION_TEXT, None),
    SlotSet(names.SLOT_REFLECTION_DRAFT, None),
]


def points_discussed(tracker: Tracker) -> list[str]:
    """The pack point ids discussed in this conversation (the follow-up asks about those)."""
    value = tracker.get_slot(names.SLOT_POINTS_COVERED)
    return [point for point in value if isinstance(point, str)] if isinstance(value, list) else []


def unavailable(dispatcher: CollectingDispatcher) -> Events:
    """The follow-up store cannot be reached: say so; nothing was changed."""
    dispatcher.utter_message(**render("followup_store_unavailable").as_kwargs())
    return []


class ActionOptInFollowup(Action):
    """Ask to be followed up in about three months on the points discussed.

    The channel's payloads (the widget's token, Teams' reference request) follow the message.
    """

    def name(self) -> str:
        return "action_opt_in_followup"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        try:
            result = followups.opt_in(
                context.session_factory(),
                context.settings(),
                who(tracker),
                pack=context.pack_for(tracker),
                points=points_discussed(tracker),
                today=context.today(),
            )
        except SQLAlchemyError:
            return unavailable(dispatcher)
        dispatcher.utter_message(**result.message.as_kwargs())
        for payload in result.payloads:
            dispatcher.utter_message(json_message=payload)
        return []


class ActionOptOutFollowup(Action):
    """Stop the follow-up, at any time: everything kept for it is deleted, no answer is due.

    In the web widget the browser is then told to forget its follow-up token too.
    """

    def name(self) -> str:
        return "action_opt_out_followup"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        try:
            message = followups.opt_out(context.session_factory(), context.settings(), who(tracker))
        except SQLAlchemyError:
            return unavailable(dispatcher)
        dispatcher.utter_message(**message.as_kwargs())
        if tracker.get_latest_input_channel() == followups.WIDGET_CHANNEL_KIND:
            dispatcher.utter_message(json_message={followups.WIDGET_FORGET_KEY: True})
        return [SlotSet(names.SLOT_FOLLOWUP_ID, None)]


class ActionFollowupKept(Action):
    """What is kept for the follow-up: exactly what is stored for them, or that nothing is."""

    def name(self) -> str:
        return "action_followup_kept"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        try:
            message = followups.kept(
                context.session_factory(), context.settings(), who(tracker), today=context.today()
            )
        except SQLAlchemyError:
            return unavailable(dispatcher)
        dispatcher.utter_message(**message.as_kwargs())
        return []


class ActionStartFollowup(Action):
    """Answer the follow-up: its question, then the reflection form takes the answer.

    Sets ``followup_id``, which the rules branch on: set, the form opens and the answer goes
    through the same draft, preview, safety checks and save as a reflection; unset (none due,
    or the database is unavailable), a kind word and nothing else. One the greeting already
    asked on this visit (``followup_id`` set) is answered even if it is no longer returned as
    due (the widget's is marked asked when the greeting shows it); the form's prompt then asks.
    """

    def name(self) -> str:
        return "action_start_followup"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        try:
            due = followups.due_now(
                context.session_factory(), context.settings(), who(tracker), today=context.today()
            )
        except SQLAlchemyError:
            return [*unavailable(dispatcher), SlotSet(names.SLOT_FOLLOWUP_ID, None)]
        asked = tracker.get_slot(names.SLOT_FOLLOWUP_ID)
        if due is None and asked:  # the greeting asked it on this visit: its button answers it
            return [SlotSet(names.SLOT_FOLLOWUP_ID, asked), *DRAFT_CLEARED]
        if due is None:
            dispatcher.utter_message(**render("followup_none_due").as_kwargs())
            return [SlotSet(names.SLOT_FOLLOWUP_ID, None)]
        dispatcher.utter_message(**due.message.as_kwargs())
        return [*followup_events(tracker, due), *DRAFT_CLEARED]
