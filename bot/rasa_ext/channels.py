"""Rasa input channels with the door built in: anonymised text and hashed sender ids only.

Referenced from credentials.yml instead of Rasa's own ``rest`` and ``socketio`` channels (same
names, so the URLs are unchanged). Each replaces the text and the sender id *before* a
``UserMessage`` exists, so Rasa's tracker store, its logs (including the REST channel's
error log, which quotes the text) and the action server never see raw text.

The socket.io channel is the web widget's server side and implements docs/widget-protocol.md:
Origin allow-list, server-issued signed session ids bound to the socket, history on resume,
and "Forget this conversation".
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from functools import lru_cache
from typing import Any

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    OutputChannel,
    UserMessage,
    decode_bearer_token,
)
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.exceptions import InvalidUsage, ServiceUnavailable
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels.door import Cleaned, Door, DoorError
from bot.channels.http_auth import UNAUTHORIZED, bearer_matches
from bot.channels.intents import domain_intents
from bot.channels.memory import ConversationMemory
from bot.content.catalogue import load_catalogue
from bot.content.messages import render
from bot.cpd.service import VARIANTS
from bot.followup.service import TOKEN_METADATA_KEY, TOKEN_SHAPE
from bot.rasa_ext.forget import forget_conversation
from bot.reflections.dialogue import PREFER_NOT_TO_SAY
from bot.reflections.receipts import conversation_key, reveal_receipts
from bot.settings.config import PROJECT_ROOT, Settings, load_settings
from bot.storage.models import AGENCIES
from bot.storage.session import make_engine, make_session_factory
from bot.web.history import HistoryMessage, history_messages
from bot.web.revocations import SqlRevocationList
from bot.web.sessions import SessionSigner, WidgetSessions

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


@lru_cache(maxsize=1)
def server_settings() -> Settings:
    """Settings for this Rasa server process, read once and shared by every channel."""
    return load_settings()


@lru_cache(maxsize=1)
def default_door() -> Door:
    """The door for this server process, from Settings (read once, at channel start-up)."""
    settings = server_settings()
    offered = load_catalogue(
        settings.content_dir, settings.offered_packs, settings.default_pack_id
    ).offered()
    learning_ids = {learning.id for pack in offered for learning in pack.key_learning}
    pack_ids = {pack.id for pack in offered}
    return Door.create(
        secret=settings.secret,
        payload_values={*learning_ids, *pack_ids, *AGENCIES, PREFER_NOT_TO_SAY, *VARIANTS},
        intents=domain_intents(PROJECT_ROOT / "domain.yml"),
    )


@lru_cache(maxsize=1)
def request_max_bytes() -> int:
    """REQUEST_MAX_BYTES for this server process (Engine.IO's limit per message), read once."""
    return server_settings().request_max_bytes


DOOR_THREADS = 4
"""Messages cleaned at once. The anonymiser is pure Python, so more threads add no speed; they
keep one slow message (about 0.25 s for the worst 5,000 characters) from queueing the rest."""


@lru_cache(maxsize=1)
def _door_threads() -> ThreadPoolExecutor:
    """Created on first use, so in each Sanic worker after the fork (threads do not survive it)."""
    return ThreadPoolExecutor(max_workers=DOOR_THREADS, thread_name_prefix="reflect-door")


@lru_cache(maxsize=1)
def default_memory() -> ConversationMemory:
    """What conversations remember (keyed hashes), in the reflections database, read once."""
    settings = server_settings()
    factory = make_session_factory(make_engine(settings.reflections_url))
    return ConversationMemory(factory, timedelta(days=settings.conversation_memory_days))


class MemoryUnavailable(RuntimeError):
    """The conversation memory could not be read or written: the message is not passed on.

    Failing closed: without the memory an identifier named earlier could pass the door, so the
    practitioner is asked to try again rather than the message going on half-protected.
    """


def admit(
    door: Door,
    text: object,
    *,
    sender: str,
    memory: ConversationMemory | None,
    member: str | None = None,
) -> Cleaned:
    """The door for one message of one conversation: recall, clean, remember, say who.

    ``member`` is the channel's id of the person who sent it when that is not the sender (a
    Teams group chat); by default the (already hashed) sender. Either way only its keyed hash
    (:meth:`Door.member`) goes on, in the metadata, for the turn.

    Blocking (the anonymiser and, with a memory, two short database calls), so the channels run
    it on a worker thread through :func:`cleaned`.

    Raises:
        DoorError: for an empty or over-long message (safe to show the client).
        MemoryUnavailable: if the conversation memory failed.
    """
    conversation = conversation_key(sender, secret=door.secret)
    try:
        recall = memory.recall(conversation) if memory is not None else {}
    except Exception as exc:  # the database: the type only, never the text
        logger.error("conversation memory not available: %s", type(exc).__name__)
        raise MemoryUnavailable from None
    result = replace(
        door.clean(text, conversation=conversation, recall=recall),
        member=door.member(sender if member is None else member),
    )
    fresh = {token: kind for token, kind in result.remember.items() if token not in recall}
    if memory is not None and fresh:
        try:
            memory.remember(conversation, fresh, known=len(recall))
        except Exception as exc:
            logger.error("conversation memory not written: %s", type(exc).__name__)
            raise MemoryUnavailable from None
    return result


async def cleaned(
    door: Door,
    text: object,
    *,
    sender: str,
    memory: ConversationMemory | None,
    member: str | None = None,
) -> Cleaned:
    """:func:`admit` on a worker thread, so the event loop keeps serving other conversations.

    The one place the channels call the door; raises what :func:`admit` raises. The thread
    hand-off costs about 0.1 ms per message (measured), under 1 % of a message's time in the
    Rasa server.
    """
    loop = asyncio.get_running_loop()
    work = functools.partial(admit, door, text, sender=sender, memory=memory, member=member)
    return await loop.run_in_executor(_door_threads(), work)


def _body(request: Request) -> dict[str, Any]:
    """The JSON object of a request, or a 400 that says what is wrong."""
    try:
        body = request.json
    except Exception as exc:  # Sanic raises its own error types for malformed JSON.
        raise InvalidUsage(render("rest_not_json").text) from exc
    if not isinstance(body, dict):
        raise InvalidUsage(render("rest_not_json").text)
    return body


def _revealed(message: dict[str, Any], secret: bytes) -> dict[str, Any]:
    """A bot message with receipt tokens turned into codes, for the practitioner's eyes only."""
    text = message.get("text")
    if isinstance(text, str) and "\u27e6receipt:" in text:
        return {**message, "text": reveal_receipts(text, secret=secret)}
    return message


class RevealingOutput(OutputChannel):  # type: ignore[misc]
    """Rasa's output channel for one message, with receipt tokens turned into codes on the way out.

    A wrapper: it holds the output channel Rasa made and passes every call on to it, so the
    replies land where Rasa expects them (the REST route answers with the messages collected on
    *its* object). Text is revealed on the way through: a whole reply (``send_response``, what
    Rasa's processor calls; its ``text`` only, as Rasa's own dispatch then reads it), and the
    text of the other text-carrying sends. Images, attachments, elements and custom payloads
    carry no receipt and pass unchanged. Anything else (the name, ``messages``, ``sio``,
    ``bot_message_evt``...) is the wrapped channel's.
    """

    def __init__(self, original: OutputChannel, secret: bytes) -> None:
        self._original = original
        self._secret = secret

    @property
    def original(self) -> OutputChannel:
        """The output channel Rasa made, which every reply reaches."""
        return self._original

    def name(self) -> str:
        """The wrapped channel's name: Rasa picks channel-specific responses by it."""
        return str(self._original.name())

    def _reveal(self, text: Any) -> Any:
        if isinstance(text, str) and "\u27e6receipt:" in text:
            return reveal_receipts(text, secret=self._secret)
        return text

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """A whole reply, its text revealed, handed to the wrapped channel's own dispatch."""
        await self._original.send_response(recipient_id, _revealed(message, self._secret))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Text, revealed."""
        await self._original.send_text_message(recipient_id, self._reveal(text), **kwargs)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Text (revealed) and buttons."""
        await self._original.send_text_with_buttons(
            recipient_id, self._reveal(text), buttons, **kwargs
        )

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Text (revealed) and quick replies."""
        await self._original.send_quick_replies(
            recipient_id, self._reveal(text), quick_replies, **kwargs
        )

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """An image, unchanged."""
        await self._original.send_image_url(recipient_id, image, **kwargs)

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        """An attachment, unchanged."""
        await self._original.send_attachment(recipient_id, attachment, **kwargs)

    async def send_elements(
        self, recipient_id: str, elements: Iterable[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Elements (cards), unchanged."""
        await self._original.send_elements(recipient_id, elements, **kwargs)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        """A custom payload, unchanged."""
        await self._original.send_custom_json(recipient_id, json_message, **kwargs)

    def __getattr__(self, name: str) -> Any:
        """Everything else is the wrapped channel's (only called when not found here)."""
        if name.startswith("__") or name in {"_original", "_secret"}:
            raise AttributeError(name)
        return getattr(self._original, name)


class _RevealingCollector(RevealingOutput, CollectingOutputChannel):  # type: ignore[misc]
    """:class:`RevealingOutput` around a collecting channel (REST), itself one.

    Rasa's processor returns ``output_channel.messages`` for a ``CollectingOutputChannel``, as
    it did when the channel was Rasa's own; the messages are the wrapped channel's.
    """

    @property
    def messages(self) -> Any:
        """The wrapped channel's messages (a list; a queue when the REST reply is streamed)."""
        return self.original.messages


def _reveal_on_the_way_out(output: OutputChannel, secret: bytes) -> RevealingOutput:
    """``output`` wrapped so that receipts are revealed in what it sends, and nowhere else."""
    if isinstance(output, RevealingOutput):
        return output
    if isinstance(output, CollectingOutputChannel):
        return _RevealingCollector(output, secret)
    return RevealingOutput(output, secret)


class AnonymisingRestInput(RestInput):  # type: ignore[misc]
    """Rasa's REST channel, refusing bad input with a 400 and anonymising everything else.

    With a ``token`` every request must carry ``Authorization: Bearer <token>`` (401 otherwise,
    before the body is read); with ``enabled=False`` both routes answer 403 (``rest_off`` in
    bot/content/messages.yml).
    """

    def __init__(
        self,
        door: Door | None = None,
        *,
        token: str | None = None,
        enabled: bool = True,
        memory: ConversationMemory | None = None,
    ) -> None:
        self._door = door or default_door()
        self._token = token
        self._enabled = enabled or bool(token)
        self._memory = memory

    @classmethod
    def name(cls) -> str:
        """Same URL as Rasa's own: /webhooks/rest/webhook."""
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Built by Rasa from credentials.yml; the secret and token come from Settings."""
        settings = server_settings()
        return cls(
            token=settings.rest_channel_token,
            enabled=settings.rest_channel_open,
            memory=default_memory(),
        )

    async def _extract_sender(self, req: Request) -> str:
        """The hashed sender; the message is cleaned here too, off the event loop.

        Rasa asks for the sender (awaited) before the message (not awaited), so this is where
        the cleaning can wait for a thread; :meth:`_extract_message` picks the result up.
        """
        body = _body(req)
        try:
            sender = self._door.pseudonymise(body.get("sender"), channel=self.name())
            req.ctx.reflect_cleaned = await cleaned(
                self._door, body.get("message"), sender=sender, memory=self._memory
            )
        except DoorError as exc:
            raise InvalidUsage(str(exc)) from None
        except MemoryUnavailable:
            raise ServiceUnavailable(render("turn_not_saved").text) from None
        return sender

    def _extract_message(self, req: Request) -> str:
        return self._cleaned(req).text

    def _cleaned(self, req: Request) -> Cleaned:
        ready = getattr(req.ctx, "reflect_cleaned", None)
        if isinstance(ready, Cleaned):
            return ready
        try:  # called on its own (not through Rasa's route): clean it here, without memory
            return self._door.clean(_body(req).get("message"))
        except DoorError as exc:
            raise InvalidUsage(str(exc)) from None

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        """Only the door's own metadata (receipt hashes); the client's is dropped unread."""
        return self._cleaned(request).metadata

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Rasa's REST endpoints, with receipt codes revealed only in the HTTP reply.

        Behind the token when one is set; two fixed 403 routes when the channel is off.
        """
        if not self._enabled:
            return _rest_off_blueprint()
        secret = self._door.secret

        async def revealing(message: UserMessage) -> None:
            message.output_channel = _reveal_on_the_way_out(message.output_channel, secret)
            await on_new_message(message)

        rest: Blueprint = super().blueprint(revealing)
        token = self._token
        if token:

            async def require_token(request: Request) -> HTTPResponse | None:
                if bearer_matches(request.headers.get("authorization"), token):
                    return None
                logger.info("REST request refused: no valid REST_CHANNEL_TOKEN")
                return response.json(UNAUTHORIZED, status=401)

            rest.middleware(require_token, "request")
        return rest


def _rest_off_blueprint() -> Blueprint:
    """The REST channel's URLs when it is off: a clear 403, and nothing reaches Rasa."""
    off = Blueprint("custom_webhook_AnonymisingRestInput", __name__)

    async def refuse(_: Request) -> HTTPResponse:
        return response.json({"error": render("rest_off").text}, status=403)

    off.add_route(refuse, "/", methods=["GET"], name="health")
    off.add_route(refuse, "/webhook", methods=["POST"], name="receive")
    return off


class _RoomOutput(SocketIOOutput):  # type: ignore[misc]
    """Sends replies to one socket.io room (a widget session's sockets), receipts revealed."""

    def __init__(self, original: SocketIOOutput, room: str, secret: bytes) -> None:
        super().__init__(original.sio, original.bot_message_evt)
        self._room = room
        self._secret = secret

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Every kind of reply goes to the session's room."""
        await super().send_response(self._room, message)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        """A custom payload as ``{"custom": ...}`` to the session's room.

        Rasa's own passes the payload's keys to ``emit`` as keyword arguments, which breaks on
        any key but ``data`` and ``room``; the widget reads ``custom`` (the follow-up token).
        """
        await self.sio.emit(self.bot_message_evt, {"custom": json_message}, room=self._room)

    async def _send_message(self, socket_id: str, response: Any) -> None:
        """Every text, with or without buttons, passes here: reveal receipts at the last moment."""
        if isinstance(response, dict):
            response = _revealed(response, self._secret)
        await self.sio.emit(self.bot_message_evt, response, room=self._room)


def with_followup_token(metadata: dict[str, Any] | None, data: object) -> dict[str, Any] | None:
    """The door's metadata plus the widget's follow-up token, if it sent one of the right shape.

    The only client value that reaches Rasa besides the text: a random token the widget was
    given on opting in to the follow-up (bot/followup finds the follow-up by its keyed hash).
    Anything else the client puts in a message is dropped unread, as before.
    """
    token = data.get("followup") if isinstance(data, dict) else None
    if not isinstance(token, str) or not TOKEN_SHAPE.fullmatch(token):
        return metadata
    return {**(metadata or {}), TOKEN_METADATA_KEY: token}


# Events of docs/widget-protocol.md besides Rasa's configurable user/bot message events.
SESSION_REQUEST = "session_request"
SESSION_CONFIRM = "session_confirm"
HISTORY = "history"
TURN_COMPLETE = "turn_complete"
ERROR = "error"
FORGET = "forget"
SESSION_ENDED = "session_ended"
#: ``session_ended``'s reason when the session was forgotten (from this socket or another).
FORGOTTEN = "forgotten"
# The texts of ``error`` events are in bot/content/messages.yml (widget_no_session, ...).


@lru_cache(maxsize=1)
def default_sessions() -> WidgetSessions:
    """The widget's sessions for this server process, from Settings (read once).

    The revocation list is in the reflections database, which every worker and replica shares
    (its engine is built on first use, after Sanic has forked the workers).
    """
    settings = server_settings()
    return WidgetSessions(
        signer=SessionSigner.from_settings(settings),
        revoked=SqlRevocationList(settings.reflections_url),
    )


@lru_cache(maxsize=1)
def default_widget_origins() -> tuple[str, ...]:
    """Origins allowed to open a widget socket, from Settings (read once)."""
    return server_settings().widget_origins


def _sentence(text: str) -> str:
    """A door error ("the message is too long (...)") as a sentence the widget can show."""
    text = text.strip()
    if not text:
        return render("not_handled").text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


async def _settled(result: object) -> None:
    """Await ``result`` if it is awaitable.

    ``AsyncServer.enter_room``/``leave_room`` are plain methods in python-socketio 5.9 and
    coroutines from 5.10 (Rasa's own channel forgets to await them, RasaHQ/rasa#13027); this
    works with both.
    """
    if inspect.isawaitable(result):
        await result


class _WidgetBlueprint(SocketBlueprint):  # type: ignore[misc]
    """Rasa's socket.io blueprint, remembering the app it joins.

    The app's ``ctx.agent`` has the tracker store a resumed session's history comes from, and
    the tracker and lock stores "forget" deletes a conversation with.
    """

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        self.ctx.app = app
        super().register(app, options)

    @property
    def agent(self) -> Any:
        """Rasa's agent for the app (None before the app is registered or the model loaded)."""
        app = getattr(self.ctx, "app", None)
        return getattr(getattr(app, "ctx", None), "agent", None)


class AnonymisingSocketIOInput(SocketIOInput):  # type: ignore[misc]
    """The web widget's socket.io channel: docs/widget-protocol.md, with the door built in.

    Differences from Rasa's channel, each closing a hole it leaves open:

    - Origins: only Settings.widget_origins may open a socket (Rasa passes
      ``cors_allowed_origins=[]``, which turns Engine.IO's Origin check off).
    - Sessions: the server issues and signs every session id (bot.web.sessions); a client's own
      or altered id is never adopted, so nobody can join a conversation by guessing its id.
    - Binding: a message is handled only for the session bound to its socket by
      session_request, never for whatever ``session_id`` the message names.
    - The door: text is anonymised, the sender Rasa sees is a keyed hash of the token, client
      metadata is dropped, receipt tokens become codes only on the way out.
    - Rooms: replies go to every socket of the session (two tabs), and ``turn_complete``
      follows each handled message; a resumed session gets its ``history``.
    - Forgetting: ``forget`` revokes the session's token for good, deletes the conversation
      from the tracker store and ends the session in every tab (``session_ended``).
    """

    def __init__(
        self,
        user_message_evt: str = "user_uttered",
        bot_message_evt: str = "bot_uttered",
        namespace: str | None = None,
        session_persistence: bool = True,
        socketio_path: str | None = "/socket.io",
        jwt_key: str | None = None,
        jwt_method: str | None = "HS256",
        metadata_key: str | None = "metadata",
        *,
        door: Door | None = None,
        sessions: WidgetSessions | None = None,
        origins: Iterable[str] | None = None,
        memory: ConversationMemory | None = None,
    ) -> None:
        # session_persistence is accepted for credentials.yml's sake; sessions always persist.
        super().__init__(
            user_message_evt,
            bot_message_evt,
            namespace,
            session_persistence,
            socketio_path,
            jwt_key,
            jwt_method,
            metadata_key,
        )
        self._door = door or default_door()
        self._sessions = sessions or default_sessions()
        self._memory = memory
        self._origins = tuple(default_widget_origins() if origins is None else origins)
        if not self._origins:
            # Engine.IO reads an empty list as "no Origin check at all": never pass one.
            raise ValueError("at least one widget origin must be allowed")

    @classmethod
    def name(cls) -> str:
        """Same name (and socket.io path) as Rasa's own channel."""
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Built by Rasa from credentials.yml, with the conversation memory from Settings."""
        credentials = credentials or {}
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("session_persistence", True),
            credentials.get("socketio_path", "/socket.io"),
            credentials.get("jwt_key"),
            credentials.get("jwt_method", "HS256"),
            credentials.get("metadata_key", "metadata"),
            memory=default_memory(),
        )

    @property
    def origins(self) -> tuple[str, ...]:
        """The origins allowed to open a socket (scheme://host[:port])."""
        return self._origins

    def get_output_channel(self) -> OutputChannel | None:
        """Rasa's proactive output (reminders, external events): to the sender's room.

        The room of a session is its hashed sender id, so Rasa's recipient id reaches every
        socket of that session; receipt tokens are revealed here too.
        """
        if self.sio is None:
            return super().get_output_channel()
        output = SocketIOOutput(self.sio, self.bot_message_evt)
        return _reveal_on_the_way_out(output, self._door.secret)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """The socket.io server and its handlers (Rasa's own are replaced, not wrapped)."""
        namespace = self.namespace
        # Engine.IO checks the Origin of every request (polling and the websocket upgrade) and
        # answers 400 to one not in the list, before any handler runs.
        sio = AsyncServer(
            async_mode="sanic",
            cors_allowed_origins=list(self._origins),
            max_http_buffer_size=request_max_bytes(),
        )
        socketio_webhook = _WidgetBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio

        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
            return self._may_connect(sid, environ, auth)

        async def disconnect(sid: str, *_: Any) -> None:
            # python-socketio 5.9 passes only the sid, 5.10+ a reason too; a client emitting
            # "disconnect" itself may pass anything: never a TypeError in the log.
            logger.debug("widget socket %s disconnected", sid)

        async def session_request(sid: str, data: Any = None) -> None:
            await self._start_session(sio, sid, data, socketio_webhook)

        async def user_uttered(sid: str, data: Any = None) -> None:
            await self._handle_message(sio, sid, data, on_new_message)

        async def forget(sid: str, data: Any = None) -> None:
            await self._forget(sio, sid, data, socketio_webhook)

        socketio_webhook.add_route(health, "/", methods=["GET"])
        sio.on("connect", connect, namespace=namespace)
        sio.on("disconnect", disconnect, namespace=namespace)
        sio.on(SESSION_REQUEST, session_request, namespace=namespace)
        sio.on(self.user_message_evt, user_uttered, namespace=namespace)
        sio.on(FORGET, forget, namespace=namespace)
        return socketio_webhook

    def _may_connect(self, sid: str, environ: dict[str, Any], auth: Any) -> bool:
        """Refuse a foreign Origin (again: Engine.IO already did) and, if set, a bad JWT."""
        origin = environ.get("HTTP_ORIGIN")
        if origin and origin not in self._origins:
            logger.info("widget socket %s refused: origin not allowed", sid)
            return False
        if self.jwt_key:
            token = auth.get("token") if isinstance(auth, dict) else None
            if not token or not decode_bearer_token(token, self.jwt_key, self.jwt_algorithm):
                return False
        logger.debug("widget socket %s connected", sid)
        return True

    async def _start_session(
        self, sio: AsyncServer, sid: str, data: Any, bp: _WidgetBlueprint
    ) -> None:
        """Adopt a valid token (resume) or issue a new one; bind it to this socket.

        A forgotten (revoked) token is refused like a forged one. If the revocation list cannot
        be read, the offered token is not adopted either: a new session, never a guess.
        """
        namespace = self.namespace
        offered = data.get("session_id") if isinstance(data, dict) else None
        history: list[HistoryMessage] = []
        if self._adoptable(offered):
            token = str(offered)
            sender = self._door.pseudonymise(token, channel=self.name())
            history = history_messages(await self._events(bp, sender))
        else:
            token = self._sessions.issue()
        sender = self._door.pseudonymise(token, channel=self.name())
        previous = (await self._socket_session(sio, sid)).get("sender")
        if previous and previous != sender:
            await _settled(sio.leave_room(sid, previous, namespace=namespace))
        await sio.save_session(sid, {"token": token, "sender": sender}, namespace=namespace)
        await _settled(sio.enter_room(sid, sender, namespace=namespace))
        # A valid token with nothing to show (e.g. purged) is kept, but the widget greets anew.
        resumed = bool(history)
        await sio.emit(
            SESSION_CONFIRM,
            {"session_id": token, "resumed": resumed},
            room=sid,
            namespace=namespace,
        )
        if resumed:
            await sio.emit(HISTORY, {"messages": history}, room=sid, namespace=namespace)

    def _adoptable(self, offered: object) -> bool:
        """Whether an offered token may be adopted; ``False`` if that cannot be known now."""
        try:
            return self._sessions.verify(offered)
        except Exception as exc:  # the revocation list is in the database, which may be down
            logger.error("widget revocation list not available: %s", type(exc).__name__)
            return False

    async def _claimed_session(
        self, sio: AsyncServer, sid: str, data: Any
    ) -> tuple[str, str] | None:
        """The (token, sender) bound to this socket, if ``data`` names exactly that session.

        Otherwise the socket gets an ``error`` (and ``turn_complete``) and the caller stops.
        """
        bound = await self._socket_session(sio, sid)
        if "token" not in bound:
            await self._refuse(sio, sid, render("widget_no_session").text)
            return None
        claimed = data.get("session_id") if isinstance(data, dict) else None
        if not isinstance(claimed, str) or not hmac.compare_digest(
            claimed.encode("utf-8", "replace"), str(bound["token"]).encode()
        ):
            await self._refuse(sio, sid, render("widget_wrong_session").text)
            return None
        return str(bound["token"]), str(bound["sender"])

    async def _handle_message(
        self, sio: AsyncServer, sid: str, data: Any, on_new_message: OnNewMessage
    ) -> None:
        """Through the door and on to Rasa, for the session bound to this socket only."""
        namespace = self.namespace
        claimed = await self._claimed_session(sio, sid, data)
        if claimed is None:
            return
        token, room = claimed
        try:
            revoked = self._sessions.is_revoked(token)
        except Exception as exc:  # fail closed: never write to a conversation maybe forgotten
            logger.error("widget revocation list not available: %s", type(exc).__name__)
            await self._refuse(sio, sid, render("turn_not_saved").text)
            return
        if revoked:
            # Forgotten from a tab on another worker, whose room does not reach this socket.
            await self._end_socket_session(sio, sid, room)
            await sio.emit(SESSION_ENDED, {"reason": FORGOTTEN}, room=sid, namespace=namespace)
            await sio.emit(TURN_COMPLETE, {}, room=sid, namespace=namespace)
            return
        try:
            admitted = await cleaned(
                self._door, data.get("message"), sender=room, memory=self._memory
            )
        except DoorError as exc:
            await self._refuse(sio, sid, _sentence(str(exc)))
            return
        except MemoryUnavailable:
            await self._refuse(sio, sid, render("turn_not_saved").text)
            return
        output = _RoomOutput(SocketIOOutput(sio, self.bot_message_evt), room, self._door.secret)
        message = UserMessage(
            admitted.text,
            output,
            room,
            input_channel=self.name(),
            metadata=with_followup_token(admitted.metadata, data),
        )
        try:
            await on_new_message(message)
        except Exception as exc:  # Rasa normally answers errors itself; never leave a spinner.
            # The type only: an exception's text may quote the message.
            logger.error("widget message not handled: %s", type(exc).__name__)
            await sio.emit(
                ERROR, {"message": render("not_handled").text}, room=sid, namespace=namespace
            )
        finally:
            await sio.emit(TURN_COMPLETE, {}, room=room, namespace=namespace)

    async def _forget(self, sio: AsyncServer, sid: str, data: Any, bp: _WidgetBlueprint) -> None:
        """Forget this socket's session: revoke the token, delete the conversation, end it.

        The token is revoked first, so from then on no tab (on any worker) can resume the
        session or add to it; then :func:`~bot.rasa_ext.forget.forget_conversation` deletes it
        under Rasa's conversation lock. If either fails, the socket keeps its session and gets
        an ``error``: both steps are safe to repeat, so the widget can simply ask again.
        """
        namespace = self.namespace
        claimed = await self._claimed_session(sio, sid, data)
        if claimed is None:
            return
        token, sender = claimed
        agent = bp.agent
        try:
            if getattr(agent, "tracker_store", None) is None:
                raise RuntimeError("no tracker store yet")
            self._sessions.revoke(token)
            await forget_conversation(
                sender,
                tracker_store=agent.tracker_store,
                lock_store=getattr(agent, "lock_store", None),
                memory=self._memory,
                secret=self._door.secret,
            )
        except Exception as exc:  # the type only: logs never carry a conversation's content
            logger.error("widget session not forgotten: %s", type(exc).__name__)
            await sio.emit(
                ERROR,
                {"message": render("widget_not_forgotten").text},
                room=sid,
                namespace=namespace,
            )
            return
        # Every socket of the session in this process: told, unbound, out of the room. (A tab
        # on another worker is told when it next sends a message; it can no longer resume.)
        await sio.emit(SESSION_ENDED, {"reason": FORGOTTEN}, room=sender, namespace=namespace)
        for member in self._room_members(sio, sender):
            await self._end_socket_session(sio, member, sender)
        await _settled(sio.close_room(sender, namespace=namespace))

    async def _end_socket_session(self, sio: AsyncServer, sid: str, room: str) -> None:
        """Unbind a socket from its session: it must ask for a new one before it may speak."""
        try:
            await sio.save_session(sid, {}, namespace=self.namespace)
        except KeyError:  # the socket has gone meanwhile
            pass
        await _settled(sio.leave_room(sid, room, namespace=self.namespace))

    def _room_members(self, sio: AsyncServer, room: str) -> list[str]:
        """The sockets of this process in a session's room."""
        try:
            members = sio.manager.get_participants(self.namespace or "/", room)
            return [str(member) for member, _ in members]
        except KeyError:  # nobody in the room (or in the namespace) any more
            return []

    async def _refuse(self, sio: AsyncServer, sid: str, reason: str) -> None:
        """An ``error`` for this socket only, then ``turn_complete`` to end its typing dots."""
        await sio.emit(ERROR, {"message": reason}, room=sid, namespace=self.namespace)
        await sio.emit(TURN_COMPLETE, {}, room=sid, namespace=self.namespace)

    async def _socket_session(self, sio: AsyncServer, sid: str) -> dict[str, Any]:
        """What session_request bound to this socket (empty if nothing, or it has gone)."""
        try:
            session = await sio.get_session(sid, namespace=self.namespace)
        except KeyError:
            return {}
        return session if isinstance(session, dict) else {}

    @staticmethod
    async def _events(bp: _WidgetBlueprint, sender: str) -> list[dict[str, Any]]:
        """The sender's events of every conversation session, from Rasa's tracker store.

        Every session, because a long conversation's tracker store *rollover* starts a new one
        the practitioner never noticed (bot/rasa_ext/rollover.py); :func:`history_messages`
        finds where the real session starts. Read-only (``retrieve_full_tracker`` creates
        nothing, so an unknown sender stays unknown). History is a convenience: if the store
        cannot answer, the widget starts afresh rather than failing.
        """
        store = getattr(bp.agent, "tracker_store", None)
        if store is None:
            return []
        try:
            tracker = await store.retrieve_full_tracker(sender)
        except Exception as exc:  # FailSafeTrackerStore already catches most; be sure.
            logger.error("widget history not available: %s", type(exc).__name__)
            return []
        if tracker is None:
            return []
        return [event.as_dict() for event in tracker.events]
