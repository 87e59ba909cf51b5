"""The follow-up's proactive message into Teams: a new message in the stored conversation.

Bot Framework's "send to conversation": ``POST {serviceUrl}v3/conversations/{id}/activities``
(no activity id, so no ``replyToId``: it is not an answer to anything) with the bot's own token,
the activity shaped like every reply (bot.teams.activities.reply_activity: Markdown text and
``messageBack`` buttons). The stored ``serviceUrl`` must still be one of
TEAMS_ALLOWED_SERVICE_URLS, so a reference sealed before the list changed cannot make the bot
send its token anywhere else.

The job (bot/followup/job.py) is synchronous (the CLI, and a worker thread of the web app), so
:func:`teams_sender` runs its own event loop for the aiohttp client and the token cache.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bot.content.messages import Message
from bot.followup.references import Reference
from bot.settings.config import Settings
from bot.teams.activities import reply_activity, reply_url
from bot.teams.auth import BotTokens, post_activity, service_url_allowed
from bot.teams.http import AiohttpJson, ConnectorError, JsonHttp

#: Sends one follow-up question to one conversation; raises if the connector did not take it.
Sender = Callable[[Reference, Message], None]


def proactive_activity(reference: Reference, message: Message) -> dict[str, Any]:
    """The message activity: text and buttons as any reply, the tenant named as Teams wants."""
    activity = reply_activity(
        reference.conversation(), text=message.text, buttons=list(message.buttons)
    )
    if reference.tenant_id:
        activity["channelData"] = {"tenant": {"id": reference.tenant_id}}
    return activity


async def post_proactive(
    reference: Reference,
    message: Message,
    *,
    tokens: BotTokens,
    http: JsonHttp,
    allowed_service_urls: tuple[str, ...],
) -> None:
    """POST the follow-up question into the referenced conversation.

    Raises:
        ConnectorError: the serviceUrl is no longer allowed, or the connector refused it.
    """
    if not service_url_allowed(reference.service_url, allowed_service_urls):
        raise ConnectorError("the stored serviceUrl is not an allowed Teams connector")
    url = reply_url(reference.conversation())
    await post_activity(url, proactive_activity(reference, message), tokens=tokens, http=http)


class TeamsNotConfigured(RuntimeError):
    """MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD are not set: nothing can be sent to Teams."""


@contextmanager
def teams_sender(settings: Settings, *, http: JsonHttp | None = None) -> Iterator[Sender]:
    """A :data:`Sender` for one run of the job: one event loop, one HTTP client, one token.

    Raises:
        TeamsNotConfigured: when the Teams app id or password is missing.
    """
    if not settings.teams_app_id or not settings.teams_app_password:
        raise TeamsNotConfigured("MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD are not set")
    loop = asyncio.new_event_loop()
    client = http or AiohttpJson()
    try:
        tokens = loop.run_until_complete(_tokens(settings, client))

        def send(reference: Reference, message: Message) -> None:
            loop.run_until_complete(
                post_proactive(
                    reference,
                    message,
                    tokens=tokens,
                    http=client,
                    allowed_service_urls=settings.teams_service_urls,
                )
            )

        yield send
    finally:
        if http is None and isinstance(client, AiohttpJson):
            loop.run_until_complete(client.close())
        loop.close()


async def _tokens(settings: Settings, http: JsonHttp) -> BotTokens:
    """The token cache, built inside the loop (its lock belongs to the loop that made it)."""
    return BotTokens(
        app_id=str(settings.teams_app_id),
        password=str(settings.teams_app_password),
        endpoint=settings.teams_token_endpoint,
        http=http,
    )
