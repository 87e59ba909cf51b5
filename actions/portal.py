"""The chat's side of the safeguarding lead's portal: a sign-in link, never figures or quotes."""

from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from bot.portal.chat import portal_link_message

Events = list[dict[str, Any]]


class ActionPortalLink(Action):
    """Answer "where are the summaries?" with a short-lived link to the portal's sign-in."""

    def name(self) -> str:
        return "action_portal_link"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        message = portal_link_message(context.settings(), now=datetime.now(timezone.utc))
        dispatcher.utter_message(**message.as_kwargs())
        return []
