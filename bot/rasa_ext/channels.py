"""Rasa input channels with the door built in: anonymised text and hashed sender ids only.

Referenced from credentials.yml instead of Rasa's own ``rest`` and ``socketio`` channels (same
names, so the URLs are unchanged). Each replaces the text and the sender id *before* a
``UserMessage`` exists, so Rasa's tracker store, its logs (including the REST channel's
error log, which quotes the text) and the action server never see raw text.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from bot.config import PROJECT_ROOT, load_settings
from bot.content.loader import load_packs
from bot.door import Door, DoorError
from bot.receipts import reveal_receipts
from bot.reflection_dialogue import PREFER_NOT_TO_SAY
from bot.storage.models import AGENCIES

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


@lru_cache(maxsize=1)
def default_door() -> Door:
    """The door for this server process, from Settings (read once, at channel start-up)."""
    settings = load_settings()
    packs = load_packs(settings.content_dir).values()
    learning_ids = {learning.id for pack in packs for learning in pack.key_learning}
    return Door.create(
        secret=settings.secret,
        payload_values={*learning_ids, *AGENCIES, PREFER_NOT_TO_SAY},
        intents=domain_intents(PROJECT_ROOT / "domain.yml"),
    )


def domain_intents(domain_file: Path) -> set[str]:
    """The intents a button payload may name (plus Rasa's own); anything else is user text."""
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8")) or {}
    names = {next(iter(i)) if isinstance(i, dict) else str(i) for i in domain.get("intents", [])}
    return names | {"nlu_fallback", "out_of_scope", "restart", "session_start", "back"}


def _body(request: Request) -> dict[str, Any]:
    """The JSON object of a request, or a 400 that says what is wrong."""
    try:
        body = request.json
    except Exception as exc:  # Sanic raises its own error types for malformed JSON.
        raise InvalidUsage("the body must be a JSON object") from exc
    if not isinstance(body, dict):
        raise InvalidUsage("the body must be a JSON object")
    return body


def _revealed(message: dict[str, Any], secret: bytes) -> dict[str, Any]:
    """A bot message with receipt tokens turned into codes, for the practitioner's eyes only."""
    text = message.get("text")
    if isinstance(text, str) and "\u27e6receipt:" in text:
        return {**message, "text": reveal_receipts(text, secret=secret)}
    return message


@cache
def _revealing_class(base: type[OutputChannel]) -> type[OutputChannel]:
    """``base`` with receipt tokens turned into codes on the way out, and nowhere else."""

    class Revealing(base):  # type: ignore[misc]
        _reflect_secret: bytes

        async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
            await super().send_response(recipient_id, _revealed(message, self._reflect_secret))

        async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
            revealed = reveal_receipts(text, secret=self._reflect_secret)
            await super().send_text_message(recipient_id, revealed, **kwargs)

    Revealing.__name__ = f"Revealing{base.__name__}"
    return Revealing


def _reveal_on_the_way_out(output: OutputChannel, secret: bytes) -> OutputChannel:
    """Make this output reveal receipts, keeping the object (the REST route reads its messages)."""
    output.__class__ = _revealing_class(type(output))  # type: ignore[arg-type]
    output._reflect_secret = secret
    return output


class AnonymisingRestInput(RestInput):  # type: ignore[misc]
    """Rasa's REST channel, refusing bad input with a 400 and anonymising everything else."""

    def __init__(self, door: Door | None = None) -> None:
        self._door = door or default_door()

    @classmethod
    def name(cls) -> str:
        """Same URL as Rasa's own: /webhooks/rest/webhook."""
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Built by Rasa from credentials.yml; the secret comes from Settings, not the file."""
        return cls()

    async def _extract_sender(self, req: Request) -> str:
        try:
            return self._door.pseudonymise(_body(req).get("sender"))
        except DoorError as exc:
            raise InvalidUsage(str(exc)) from None

    def _extract_message(self, req: Request) -> str:
        try:
            return self._door.clean_text(_body(req).get("message"))
        except DoorError as exc:
            raise InvalidUsage(str(exc)) from None

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        """Client metadata is dropped: it could carry anything, and nothing here needs it."""
        return None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Rasa's REST endpoints, with receipt codes revealed only in the HTTP reply."""
        secret = self._door.secret

        async def revealing(message: UserMessage) -> None:
            _reveal_on_the_way_out(message.output_channel, secret)
            await on_new_message(message)

        return super().blueprint(revealing)  # type: ignore[no-any-return]


class _RoomOutput(SocketIOOutput):  # type: ignore[misc]
    """Sends replies to the socket.io room the message came from, not to the hashed sender id."""

    def __init__(self, original: SocketIOOutput, room: str, secret: bytes) -> None:
        super().__init__(original.sio, original.bot_message_evt)
        self._room = room
        self._secret = secret

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Every kind of reply goes to the original room, with receipt codes revealed."""
        await super().send_response(self._room, _revealed(message, self._secret))

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        """Custom payloads set their own room from the recipient: give them the real one."""
        await super().send_custom_json(self._room, json_message, **kwargs)

    async def _send_message(self, socket_id: str, response: Any) -> None:
        await self.sio.emit(self.bot_message_evt, response, room=self._room)


class AnonymisingSocketIOInput(SocketIOInput):  # type: ignore[misc]
    """Rasa's socketio channel with the door: anonymised text, hashed session ids, no metadata."""

    def __init__(self, *args: Any, door: Door | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._door = door or default_door()

    @classmethod
    def name(cls) -> str:
        """Same name (and socket.io path) as Rasa's own channel."""
        return "socketio"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Rasa's socket.io endpoints, with every message passed through the door first."""
        door = self._door

        async def through_the_door(message: UserMessage) -> None:
            room = message.sender_id
            try:
                text = door.clean_text(message.text)
                sender = door.pseudonymise(room)
            except DoorError as exc:
                await message.output_channel.send_text_message(room, f"Sorry: {exc}.")
                return
            await on_new_message(
                UserMessage(
                    text,
                    _RoomOutput(message.output_channel, room, door.secret),
                    sender,
                    input_channel=self.name(),
                    metadata=None,
                )
            )

        return super().blueprint(through_the_door)  # type: ignore[no-any-return]
