"""The chat's portal answer: a sign-in link that works for a while and carries no data."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.portal import ActionPortalLink
from bot.portal.auth import check_chat_link
from tests.conftest import TrackerFactory

pytestmark = pytest.mark.usefixtures("action_settings")


def test_a_lead_gets_a_short_lived_link_to_sign_in_and_nothing_else(
    tracker_factory: TrackerFactory,
) -> None:
    dispatcher = CollectingDispatcher()

    events = ActionPortalLink().run(dispatcher, tracker_factory(), {})

    assert events == []
    (message,) = dispatcher.messages
    text = message["text"]
    link = re.search(r"\]\((https?://[^)\s]+)\)", text)
    assert link, text
    parts = urlsplit(link.group(1))
    assert parts.path == "/portal/sign-in"
    (token,) = parse_qs(parts.query)["via"]
    settings = context.settings()
    now = datetime.now(timezone.utc)
    assert check_chat_link(settings, token, now)
    assert not check_chat_link(
        settings, token, now + timedelta(minutes=settings.portal_link_minutes + 1)
    )
    assert f"{settings.portal_link_minutes} minutes" in text
    assert "no self sign-up" in text
    assert not re.search(r"\d+ reflections?", text)  # never a figure in the chat
