"""Actions that show the briefing: greeting, choosing a briefing, about, learning, links."""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import context, names
from actions.discussion import state_events
from bot.briefing import views as briefing
from bot.content.schema import Pack
from bot.cpd.covered import add_section
from bot.discussion.navigate import DiscussionState
from bot.followup import service as followups

Events = list[dict[str, Any]]
logger = logging.getLogger(__name__)
CHOOSE_PAYLOAD = f"/{names.INTENT_CHOOSE_PACK}"


def pack_events(tracker: Tracker, pack: Pack) -> Events:
    """Put the conversation on ``pack``; a different briefing starts its discussion afresh.

    The discussion position, any reflection draft and a member's group session belong to the
    briefing they were on, so moving to another drops them (choosing the same one keeps them).
    """
    events = [SlotSet(names.SLOT_PACK_ID, pack.id)]
    if pack.id == context.pack_for(tracker).id:
        return events
    events += state_events(DiscussionState())
    events += [
        SlotSet(names.SLOT_REFLECTION_TEXT, None),
        SlotSet(names.SLOT_REFLECTION_DRAFT, None),
    ]
    if tracker.get_slot(names.SLOT_GROUP_ROLE) == "member":
        events += [SlotSet(names.SLOT_GROUP_SESSION, None), SlotSet(names.SLOT_GROUP_ROLE, None)]
    return events


def section_read(tracker: Tracker, section: str) -> Events:
    """Note a briefing section as read, for the end summary and the CPD record (bot/cpd)."""
    return [
        SlotSet(
            names.SLOT_SECTIONS_READ,
            add_section(tracker.get_slot(names.SLOT_SECTIONS_READ), section),
        )
    ]


def who(tracker: Tracker) -> followups.Who:
    """The conversation, as bot/followup finds its follow-ups: channel, sender and metadata."""
    return followups.Who(
        channel_kind=tracker.get_latest_input_channel() or "unknown",
        sender_id=tracker.sender_id,
        metadata=tracker.latest_message.get("metadata"),
    )


def followup_events(tracker: Tracker, due: followups.DueFollowup) -> Events:
    """Answer ``due`` next: keep its id, and move to its briefing so the answer is tagged so.

    The answer is the impact on the one point discussed months ago, else on the briefing as a
    whole: ``point_number`` is set to that (or cleared: "general"), never left at wherever this
    conversation last was.
    """
    pack = context.catalogue().get(due.pack_id)
    moved = pack_events(tracker, pack) if pack is not None else []
    return [
        *moved,
        SlotSet(names.SLOT_FOLLOWUP_ID, due.public_id),
        SlotSet(names.SLOT_POINT_NUMBER, due.point_number),
    ]


def ask_due_followup(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """A follow-up due on this visit is asked after the greeting; a database fault asks nothing.

    The greeting must always work, so an unavailable database only costs the follow-up (it is
    asked on a later visit).
    """
    try:
        due = followups.due_now(
            context.session_factory(), context.settings(), who(tracker), today=context.today()
        )
    except SQLAlchemyError as error:
        logger.warning("followup_due_unavailable error=%s", type(error).__name__)
        return []
    if due is None:  # one left from an earlier visit is no longer due: not answered now
        return (
            [SlotSet(names.SLOT_FOLLOWUP_ID, None)]
            if tracker.get_slot(names.SLOT_FOLLOWUP_ID)
            else []
        )
    dispatcher.utter_message(**due.message.as_kwargs())
    return followup_events(tracker, due)


def list_just_shown(tracker: Tracker) -> bool:
    """Whether the bot's last message before this one offered the briefings to choose from."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return False
            seen_user = True
        elif event.get("event") == "bot" and seen_user:
            buttons = (event.get("data") or {}).get("buttons") or []
            return any(str(b.get("payload", "")).startswith(CHOOSE_PAYLOAD) for b in buttons)
    return False


class ActionGreet(Action):
    """Greeting and privacy notice, then the menu, or the briefings to choose from.

    A ``pack_id`` entity (the widget's ``data-pack``, a link) sends the conversation straight
    to that briefing if it is offered; anything else is ignored and the greeting is as usual.
    """

    def name(self) -> str:
        return "action_greet"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        offered = context.catalogue()
        sent_to = offered.get(next(tracker.get_latest_entity_values(names.ENTITY_PACK_ID), None))
        pack = sent_to or context.pack_for(tracker)
        chosen = sent_to is not None or context.chosen_pack(tracker) is not None
        front_doors = (pack,) if chosen else offered.front_doors()
        for message in briefing.greeting_messages(
            pack, offered.offered(), chosen=chosen, front_doors=front_doors
        ):
            dispatcher.utter_message(**message.as_kwargs())
        moved = sent_to is not None and sent_to.id != context.pack_for(tracker).id
        if moved:  # the domain's menu would still offer the old briefing's place
            dispatcher.utter_message(**briefing.pack_chosen_message(pack).as_kwargs())
        elif not briefing.offers_choice(offered.offered(), chosen=chosen):
            dispatcher.utter_message(response=names.UTTER_MENU)
        events = pack_events(tracker, sent_to) if sent_to else []
        return [*events, *ask_due_followup(dispatcher, tracker)]


class ActionChoosePack(Action):
    """Move to the briefing a message or button names; else list the briefings offered.

    With one briefing offered there is nothing to choose: the answer says which briefing this
    is and where other reviews are published.
    """

    def name(self) -> str:
        return "action_choose_pack"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        offered = context.catalogue()
        current = context.pack_for(tracker)
        if not offered.several:
            message = briefing.other_reviews_message(
                current, offered.offered(), age=context.link_age()
            )
            dispatcher.utter_message(**message.as_kwargs())
            return []
        named = offered.get(
            next(tracker.get_latest_entity_values(names.ENTITY_PACK_ID), None)
        ) or offered.find(tracker.latest_message.get("text") or "", listed=list_just_shown(tracker))
        if named is None:
            message = briefing.briefing_list_message(offered.offered(), current)
            dispatcher.utter_message(**message.as_kwargs())
            return []
        chosen = briefing.pack_chosen_message(named, already=named.id == current.id)
        dispatcher.utter_message(**chosen.as_kwargs())
        return pack_events(tracker, named)


class ActionShowAboutReview(Action):
    """What a practice review is and what happened, from the pack."""

    def name(self) -> str:
        return "action_show_about_review"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        message = briefing.about_message(context.pack_for(tracker))
        dispatcher.utter_message(**message.as_kwargs())
        return section_read(tracker, "about")


class ActionShowKeyLearning(Action):
    """One key learning point if the message names one, else the list to choose from."""

    def name(self) -> str:
        return "action_show_key_learning"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        message = briefing.key_learning_message(
            context.pack_for(tracker),
            learning_id=next(tracker.get_latest_entity_values(names.ENTITY_LEARNING_ID), None),
            text=tracker.latest_message.get("text") or "",
            age=context.link_age(),
        )
        dispatcher.utter_message(**message.as_kwargs())
        return section_read(tracker, "key_learning")


class ActionShowRecommendations(Action):
    """The review's recommendations."""

    def name(self) -> str:
        return "action_show_recommendations"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        message = briefing.recommendations_message(context.pack_for(tracker))
        dispatcher.utter_message(**message.as_kwargs())
        return section_read(tracker, "recommendations")


class ActionShowActionTaken(Action):
    """What the partnership has done since the review."""

    def name(self) -> str:
        return "action_show_action_taken"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        message = briefing.action_taken_message(context.pack_for(tracker), age=context.link_age())
        dispatcher.utter_message(**message.as_kwargs())
        return section_read(tracker, "action_taken")


class ActionShowProcedures(Action):
    """Procedures, contacts, training and the partnership's site, grouped."""

    def name(self) -> str:
        return "action_show_procedures"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        message = briefing.procedures_message(
            context.pack_for(tracker),
            front_doors=context.front_door_packs(tracker),
            age=context.link_age(),
        )
        dispatcher.utter_message(**message.as_kwargs())
        return section_read(tracker, "procedures")


class ActionShowOtherReviews(Action):
    """Which briefings this deployment covers (a button for each other), and where others are."""

    def name(self) -> str:
        return "action_show_other_reviews"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        message = briefing.other_reviews_message(
            context.pack_for(tracker), context.catalogue().offered(), age=context.link_age()
        )
        dispatcher.utter_message(**message.as_kwargs())
        return []
