"""Actions that show the briefing: greeting, about, key learning, recommendations, links."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import names
from actions.context import all_packs, current_pack
from bot.briefing import views as briefing

Events = list[dict[str, Any]]


class ActionGreet(Action):
    """Greeting and privacy notice, then the menu (which offers to resume a paused discussion)."""

    def name(self) -> str:
        return "action_greet"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        for message in briefing.greeting_messages(current_pack()):
            dispatcher.utter_message(**message.as_kwargs())
        dispatcher.utter_message(response=names.UTTER_MENU)
        return []


class ActionShowAboutReview(Action):
    """What a practice review is and what happened, from the pack."""

    def name(self) -> str:
        return "action_show_about_review"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        dispatcher.utter_message(**briefing.about_message(current_pack()).as_kwargs())
        return []


class ActionShowKeyLearning(Action):
    """One key learning point if the message names one, else the list to choose from."""

    def name(self) -> str:
        return "action_show_key_learning"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        message = briefing.key_learning_message(
            current_pack(),
            learning_id=next(tracker.get_latest_entity_values(names.ENTITY_LEARNING_ID), None),
            text=tracker.latest_message.get("text") or "",
        )
        dispatcher.utter_message(**message.as_kwargs())
        return []


class ActionShowRecommendations(Action):
    """The review's recommendations."""

    def name(self) -> str:
        return "action_show_recommendations"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        dispatcher.utter_message(**briefing.recommendations_message(current_pack()).as_kwargs())
        return []


class ActionShowActionTaken(Action):
    """What the partnership has done since the review."""

    def name(self) -> str:
        return "action_show_action_taken"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        dispatcher.utter_message(**briefing.action_taken_message(current_pack()).as_kwargs())
        return []


class ActionShowProcedures(Action):
    """Procedures, contacts, training and the partnership's site, grouped."""

    def name(self) -> str:
        return "action_show_procedures"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        dispatcher.utter_message(**briefing.procedures_message(current_pack()).as_kwargs())
        return []


class ActionShowOtherReviews(Action):
    """Which briefings this deployment covers, and where national and local reviews are."""

    def name(self) -> str:
        return "action_show_other_reviews"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        message = briefing.other_reviews_message(current_pack(), all_packs())
        dispatcher.utter_message(**message.as_kwargs())
        return []
