"""Actions for the end of a walk-through and the practitioner's own CPD record (bot/cpd)."""

from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import context, names
from bot.content.messages import render
from bot.cpd import service
from bot.cpd.covered import Covered, covered_from_slots
from bot.cpd.variant import choose_variant

Events = list[dict[str, Any]]


def covered(tracker: Tracker) -> Covered:
    """What this conversation covered, from the slots the briefing, discussion and save set."""
    return covered_from_slots(
        sections_read=tracker.get_slot(names.SLOT_SECTIONS_READ),
        points_covered=tracker.get_slot(names.SLOT_POINTS_COVERED),
        points_skipped=tracker.get_slot(names.SLOT_POINTS_SKIPPED),
        reflections_saved=tracker.get_slot(names.SLOT_REFLECTIONS_SAVED),
    )


class ActionEndSummary(Action):
    """Saying they are done: what they covered, the links again, the CPD record and follow-up."""

    def name(self) -> str:
        return "action_end_summary"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        message = service.end_summary(
            context.pack_for(tracker), covered(tracker), age=context.link_age()
        )
        dispatcher.utter_message(**message.as_kwargs())
        return []


class ActionCpdRecord(Action):
    """The CPD record, made now and not kept against them: chat text, then DOCX and PDF links.

    The layout comes from the button (``cpd_variant``) or the words typed, and is remembered for
    the next request in this conversation.
    """

    def name(self) -> str:
        return "action_cpd_record"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        variant = choose_variant(
            entity=next(tracker.get_latest_entity_values(names.ENTITY_CPD_VARIANT), None),
            text=tracker.latest_message.get("text") or "",
            remembered=tracker.get_slot(names.SLOT_CPD_VARIANT),
        )
        try:
            messages = service.record_messages(
                context.session_factory(),
                context.settings(),
                pack=context.pack_for(tracker),
                covered=covered(tracker),
                variant=variant,
                today=context.today(),
                now=datetime.now(timezone.utc),
            )
        except SQLAlchemyError:
            messages = [render("cpd_record_unavailable")]
        for message in messages:
            dispatcher.utter_message(**message.as_kwargs())
        return [SlotSet(names.SLOT_CPD_VARIANT, variant)]
