"""Microsoft Teams as a Rasa channel, through an Azure Bot: POST /webhooks/teams/webhook.

Replaces Rasa 3.6's ``botframework`` channel, which (read rasa/core/channels/botframework.py in
the installed Rasa) sends buttons Teams cannot click, reads only ``text`` (so clicks
arrive empty), ignores the app being added, gets its token from the multi-tenant endpoint only,
checks neither the token's issuer nor its ``serviceurl``, answers 500 for some forged tokens
and 200 "success" when handling fails, and blocks the event loop with ``requests``.

Here, for each request:

1. no Teams app configured (``MICROSOFT_APP_ID`` and ``MICROSOFT_APP_PASSWORD``): **404** (there
   is no Teams bot here: a client's mistake, not a server fault);
2. the Bearer token is checked (bot/teams/auth.py): any failure is **401**, logged with its
   reason, never the token (503 only if no signing keys could be loaded at all);
3. the body must be an activity (JSON object with type, channelId, serviceUrl, conversation,
   recipient, and from for messages): otherwise **400**;
4. the token must be for this activity's serviceUrl, itself an allowed connector: else **401**;
   with ``MICROSOFT_TENANT_ID`` set, the activity's ``channelData.tenant.id`` must be that
   tenant: else **403**;
5. the activity goes through the door like every other channel's message: anonymised text,
   a keyed hash as sender id (see :func:`bot.teams.activities.sender_key` for whose
   conversation a group chat is), no metadata at all (names, aadObjectId, tenant stay here);
6. Rasa handles it; replies are posted to the connector as they come (async, with the bot's
   own token, receipt codes revealed on the way out as the REST channel does). **200** when
   done, **202** for activities there is nothing to do for, **500** if handling failed (so
   the failure is visible in Azure's channel health, not swallowed as "success").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.orm import sessionmaker

from bot.channels.door import Door, DoorError
from bot.channels.memory import ConversationMemory
from bot.content.messages import render
from bot.followup.references import attach
from bot.followup.service import TEAMS_REFERENCE_KEY
from bot.rasa_ext.channels import (
    MemoryUnavailable,
    OnNewMessage,
    cleaned,
    default_door,
    default_memory,
    server_settings,
)
from bot.reflections.receipts import reveal_receipts
from bot.settings.config import Settings
from bot.storage.session import make_engine, make_session_factory
from bot.teams.activities import (
    ActivityError,
    Conversation,
    Incoming,
    channel_id_of,
    member_key,
    read_activity,
    reply_activity,
    reply_url,
    service_url_of,
    tenant_id_of,
)
from bot.teams.auth import BotTokens, IncomingAuth, SigningKeys, TeamsAuthError, post_activity
from bot.teams.http import AiohttpJson, JsonHttp

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256_000
"""Teams activities are a few KB (Teams caps messages at about 28 KB); Sanic allows 100 MB."""


@lru_cache(maxsize=1)
def followup_sessions(database_url: str) -> sessionmaker:
    """Sessions on the reflections database, for storing follow-up references.

    One engine per process, created on the first opt-in (never at import, never per message).
    """
    return make_session_factory(make_engine(database_url))


@dataclass(frozen=True)
class Admitted:
    """A message that passed the door: anonymised text, hashed sender, the door's metadata."""

    text: str
    sender: str
    metadata: dict[str, Any] | None = None


class TeamsOutput(OutputChannel):  # type: ignore[misc]
    """Posts Rasa's replies into the Teams conversation the message came from.

    ``recipient_id`` from Rasa is the hashed sender id and is ignored: the reply address
    (serviceUrl, conversation id, the activity replied to) is held here, for one request.
    """

    def __init__(
        self,
        conversation: Conversation,
        *,
        tokens: BotTokens,
        http: JsonHttp,
        secret: bytes,
        settings: Settings | None = None,
    ) -> None:
        self._conversation = conversation
        self._tokens = tokens
        self._http = http
        self._secret = secret
        self._settings = settings

    @classmethod
    def name(cls) -> str:
        """The name Rasa records as the output channel."""
        return "teams"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """One Markdown message (Rasa's channel split text on blank lines into several)."""
        await self._post(reply_activity(self._conversation, text=self._reveal(text)))

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: Sequence[Mapping[str, Any]],
        **kwargs: Any,
    ) -> None:
        """The text, then the buttons as clickable ``messageBack`` actions on hero cards."""
        activity = reply_activity(self._conversation, text=self._reveal(text), buttons=buttons)
        await self._post(activity)

    async def send_quick_replies(
        self,
        recipient_id: str,
        text: str,
        quick_replies: Sequence[Mapping[str, Any]],
        **kwargs: Any,
    ) -> None:
        """Teams has no quick replies; they are buttons."""
        await self.send_text_with_buttons(recipient_id, text, quick_replies, **kwargs)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """An image on a hero card."""
        await self._post(reply_activity(self._conversation, image_url=image))

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        """A custom payload's fields on a message into this conversation (never elsewhere).

        The follow-up's payload (:data:`TEAMS_REFERENCE_KEY`) is not a message: this channel
        alone knows the conversation's address, so it stores it (encrypted) on the follow-up
        the action has just created, and sends nothing to Teams.
        """
        if TEAMS_REFERENCE_KEY in json_message:
            await self._attach_followup(json_message[TEAMS_REFERENCE_KEY])
            return
        base = reply_activity(self._conversation)
        await self._post({**json_message, **{k: base[k] for k in ("type", "from", "conversation")}})

    async def _attach_followup(self, public_id: object) -> None:
        """Store this conversation's reference on follow-up ``public_id``, in a worker thread.

        A failure (no settings, database down) is logged by type only and never breaks the
        reply: the practitioner is then asked on their next message instead of proactively.
        """
        if self._settings is None or not isinstance(public_id, str):
            logger.error("follow-up reference not stored: no settings or no follow-up id")
            return
        try:
            await asyncio.to_thread(
                attach,
                followup_sessions(self._settings.reflections_url),
                self._settings,
                public_id,
                self._conversation,
            )
        except Exception as exc:  # the database, most likely: the reply itself goes on
            logger.error("follow-up reference not stored: %s", type(exc).__name__)

    def _reveal(self, text: str) -> str:
        return reveal_receipts(text, secret=self._secret) if "\u27e6receipt:" in text else text

    async def _post(self, activity: Mapping[str, Any]) -> None:
        """POST one activity; a refused token is renewed once, any other refusal raises."""
        url = reply_url(self._conversation)
        await post_activity(url, activity, tokens=self._tokens, http=self._http)


class TeamsInput(InputChannel):  # type: ignore[misc]
    """Microsoft Teams via the Bot Framework connector, anonymised at the door."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        door: Door | None = None,
        http: JsonHttp | None = None,
        memory: ConversationMemory | None = None,
    ) -> None:
        self._settings = settings or server_settings()
        self._door = door or default_door()
        self._memory = memory
        self._http: JsonHttp = http or AiohttpJson()
        self._owns_http = http is None
        app_id = self._settings.teams_app_id
        password = self._settings.teams_app_password
        self._auth: IncomingAuth | None = None
        self._tokens: BotTokens | None = None
        if app_id and password:
            keys = SigningKeys(self._settings.teams_openid_url, self._http)
            self._auth = IncomingAuth(
                app_id=app_id,
                issuers=self._settings.teams_issuers,
                service_urls=self._settings.teams_service_urls,
                keys=keys,
                tenant_id=self._settings.teams_tenant_id,
            )
            self._tokens = BotTokens(
                app_id=app_id,
                password=password,
                endpoint=self._settings.teams_token_endpoint,
                http=self._http,
            )
        else:
            logger.info("Teams is not configured (MICROSOFT_APP_ID/PASSWORD): webhook answers 404")

    @classmethod
    def name(cls) -> str:
        """URL prefix: /webhooks/teams/."""
        return "teams"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Built by Rasa from credentials.yml; everything comes from Settings, not the file.

        Secrets in credentials.yml would need Rasa's ``${VAR}`` expansion from the process
        environment; Settings reads .env and the environment once, and validates.
        """
        return cls(memory=default_memory())

    @property
    def configured(self) -> bool:
        """Whether an app id and password are set (otherwise the webhook answers 404)."""
        return self._auth is not None and self._tokens is not None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """GET / (health) and POST /webhook (activities from the Bot Framework connector)."""
        teams = Blueprint("teams_webhook", __name__)

        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.configured})

        async def webhook(request: Request) -> HTTPResponse:
            return await self.handle(request, on_new_message)

        async def close_http(*_: Any) -> None:
            if self._owns_http and isinstance(self._http, AiohttpJson):
                await self._http.close()

        # Registered by call rather than decorator: Sanic is untyped, and mypy is strict here.
        teams.add_route(health, "/", methods=["GET"])
        teams.add_route(webhook, "/webhook", methods=["POST"])
        teams.listener("before_server_stop")(close_http)
        return teams

    async def handle(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        """One webhook request: the numbered steps in this module's docstring."""
        if self._auth is None or self._tokens is None:
            return response.json({"error": "Teams is not configured on this server"}, status=404)
        if len(request.body or b"") > MAX_BODY_BYTES:
            return response.json({"error": "the activity is too large"}, status=413)
        try:
            token = await self._auth.verify_token(request.headers.get("Authorization"))
        except TeamsAuthError as refused:
            return _refused(refused)
        try:
            body = _json_body(request)
            service_url, channel_id = service_url_of(body), channel_id_of(body)
        except ActivityError as exc:
            return response.json({"error": str(exc)}, status=400)
        try:
            self._auth.check_activity(
                token,
                service_url=service_url,
                channel_id=channel_id,
                tenant_id=tenant_id_of(body),
            )
        except TeamsAuthError as refused:
            return _refused(refused)
        try:
            incoming = read_activity(body)
        except ActivityError as exc:
            return response.json({"error": str(exc)}, status=400)
        if incoming.kind == "ignore" or incoming.conversation is None:
            return response.empty(status=202)
        output = TeamsOutput(
            incoming.conversation,
            tokens=self._tokens,
            http=self._http,
            secret=self._door.secret,
            settings=self._settings,
        )
        try:
            outcome = await self._through_the_door(incoming)
            if isinstance(outcome, str):
                await output.send_text_message("", outcome)
            else:
                await on_new_message(
                    UserMessage(
                        outcome.text,
                        output,
                        outcome.sender,
                        input_channel=self.name(),
                        # The door's receipt and member hashes only: names, aadObjectId and
                        # tenant never reach Rasa.
                        metadata=outcome.metadata,
                    )
                )
        except Exception as exc:  # Rasa, the action server or the connector failed.
            # The type only: messages from deeper down could quote the user's text.
            logger.error("Teams activity not handled: %s", type(exc).__name__)
            logger.debug("Teams activity not handled", exc_info=True)
            return response.json({"error": "the activity could not be handled"}, status=500)
        return response.empty(status=200)

    async def _through_the_door(self, incoming: Incoming) -> Admitted | str:
        """What Rasa may see of this activity, or the apology to send instead of asking Rasa."""
        try:
            sender = self._door.pseudonymise(incoming.sender_key, channel=self.name())
            if not incoming.text:  # only an image, a file, a sticker
                return render("teams_cannot_read").text
            admitted = await cleaned(
                self._door,
                incoming.text,
                sender=sender,
                memory=self._memory,
                member=member_key(incoming.conversation),
            )
            return Admitted(text=admitted.text, sender=sender, metadata=admitted.metadata)
        except DoorError as exc:
            return render("teams_door_refused", reason=str(exc)).text
        except MemoryUnavailable:
            return render("turn_not_saved").text


def _json_body(request: Request) -> Any:
    try:
        return request.json
    except Exception:  # Sanic raises its own error types for malformed JSON.
        raise ActivityError("the body must be a JSON object") from None


def _refused(refused: TeamsAuthError) -> HTTPResponse:
    """401, 403 (another tenant) or 503, with a fixed text; the reason goes to the log only."""
    logger.warning("Teams request refused: %s", refused.reason)
    if refused.status == 503:
        return response.json({"error": "cannot check tokens right now"}, status=503)
    if refused.status == 403:
        return response.json({"error": "forbidden"}, status=403)
    return response.json({"error": "unauthorized"}, status=401)
