"""The chat's answer to a lead asking for summaries: a link to the portal's sign-in, never data.

Figures and quotes leave Reflect only through the portal, behind a lead's account and the
disclosure engine. The link carries a short-lived signed marker (bot.portal.auth.chat_link_token)
so the sign-in page can say "you came from Reflect"; it is not a credential and opens nothing by
itself, which is why it may sit in a URL that chat clients preview and keep.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from bot.content.messages import Message, render
from bot.portal.auth import chat_link_token
from bot.settings.config import Settings

#: Where the portal's sign-in page is served by the web app.
SIGN_IN_PATH = "/portal/sign-in"


def sign_in_url(settings: Settings, *, now: datetime) -> str:
    """The portal's sign-in address with a fresh chat-link marker."""
    query = urlencode({"via": chat_link_token(settings, now)})
    return f"{settings.web_public_url}{SIGN_IN_PATH}?{query}"


def portal_link_message(settings: Settings, *, now: datetime) -> Message:
    """Where summaries are, that sign-in is needed, and how long the link works."""
    return render(
        "portal_link",
        url=sign_in_url(settings, now=now),
        portal_url=f"{settings.web_public_url}{SIGN_IN_PATH}",
        minutes=str(settings.portal_link_minutes),
    )
