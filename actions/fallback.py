"""The two-stage fallback's three steps, replacing Rasa's defaults of the same names."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.briefing import list_just_shown
from bot.briefing.views import choose_button
from bot.content.messages import Button, render
from bot.fallback.options import likely_options

Events = list[dict[str, Any]]


class ActionDefaultAskAffirmation(Action):
    """Stage one: instead of "Did you mean 'intent_name'?", up to three readable options."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        ranking = tracker.latest_message.get("intent_ranking") or []
        options = [*briefing_by_number(tracker), *likely_options(ranking)]
        dispatcher.utter_message(**render("did_you_mean").as_kwargs(options))
        return []


def briefing_by_number(tracker: Tracker) -> list[Button]:
    """The briefing a bare "2" picks, just after the list of briefings, as the first option.

    A lone number means nothing to the classifier; only here is it known that the list was the
    bot's last message, so the briefing it points at is offered first.
    """
    offered = context.catalogue()
    if not offered.several or not list_just_shown(tracker):
        return []
    found = offered.find(tracker.latest_message.get("text") or "", listed=True)
    return [choose_button(found)] if found else []


class ActionDefaultAskRephrase(Action):
    """Stage two: none of the options fitted, so ask for other words."""

    def name(self) -> str:
        return "action_default_ask_rephrase"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        dispatcher.utter_message(**render("ask_rephrase").as_kwargs())
        return []


class ActionDefaultFallback(Action):
    """Give up gracefully: say so, offer the menu, forget the message that was not understood."""

    def name(self) -> str:
        return "action_default_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        dispatcher.utter_message(**render("default").as_kwargs())
        return [UserUtteranceReverted()]
