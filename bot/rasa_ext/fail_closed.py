"""Fail closed: a turn is either saved whole and answered, or not saved and the user told so.

Rasa 3.6 open source is fail-*safe* where Reflect must be fail-*closed*:

- Every tracker store is wrapped in ``FailSafeTrackerStore`` (rasa/core/agent.py): a failed read
  returns ``None``, so the processor silently starts a **new conversation**; a failed save is
  written to an in-memory store instead, so the turn is **lost** when the process ends (or is
  served from memory by one worker while another reads the database).
- The action server is called with a hard-coded 300 s timeout (``DEFAULT_REQUEST_TIMEOUT`` in
  ``RemoteAction.run``); a dead or hung action server is logged, its events dropped, and the
  prediction loop carries on, so the practitioner waits minutes and the tracker records an
  action that did nothing.

Here, through bot/rasa_ext/patches.py:

1. :class:`FailClosedTrackerStore` replaces that wrapper (patch ``fail_closed_tracker_store``):
   it raises :class:`TrackerStoreUnavailable` instead of falling back. No memory fallback, no
   fresh conversation.
2. ``RemoteAction.run`` is wrapped (patch ``action_timeout``): the action server calls of one
   turn together get ``ACTION_TIMEOUT_SECONDS`` (default 8); a timeout, a refused connection
   or a 5xx raises :class:`ActionServerFailed`, a ``BaseException`` so Rasa's
   ``except Exception`` around each action cannot swallow it and carry on.
3. ``MessageProcessor.handle_message`` is wrapped (patch ``fail_closed_turn``): the turn's
   replies are held in :class:`HeldOutput` and sent only once Rasa's last step, saving the
   tracker, has succeeded. On either failure they are dropped and the user gets one message
   through their own channel instead (REST: in the 200's list; socket.io: ``bot_uttered``;
   Teams: through the connector): ``turn_not_saved`` or ``action_timed_out`` from
   bot/content/messages.yml. Nothing of the turn is saved, so the conversation stays where it
   was and "please try again" means exactly that: sending the same message again works.

Each failure is logged once, at ERROR, with a reason (the operation and the exception's type),
never the user's text or an exception message (which may quote it).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.content.messages import render
from bot.rasa_ext import patches
from bot.settings.config import Settings, load_settings

logger = logging.getLogger(__name__)


class TrackerStoreUnavailable(Exception):
    """The tracker store could not read or save a conversation: the turn must not go on.

    ``operation`` is ``retrieve``, ``save`` or ``keys``; ``reason`` the failing exception's type
    name (never its message, which may quote what the user wrote).
    """

    def __init__(self, operation: str, reason: str) -> None:
        super().__init__(f"tracker store {operation} failed ({reason})")
        self.operation = operation
        self.reason = reason


class ActionServerFailed(BaseException):
    """The action server timed out, refused the connection or failed: the turn is abandoned.

    A ``BaseException`` on purpose: ``MessageProcessor._run_action`` catches ``Exception``,
    logs it and carries on predicting, which would save a turn whose action did nothing.
    """

    def __init__(self, action: str, reason: str) -> None:
        super().__init__(f"action {action} failed ({reason})")
        self.action = action
        self.reason = reason


class FailClosedTrackerStore(TrackerStore):  # type: ignore[misc]  # rasa is untyped
    """Rasa's ``FailSafeTrackerStore`` without the fallback: errors become one clear exception.

    Same constructor (Rasa passes only the store) and the same ``_tracker_store`` attribute, so
    :func:`bot.rasa_ext.tracker_store.delete_conversation` finds the store inside as before.
    """

    def __init__(self, tracker_store: TrackerStore, *_: Any, **__: Any) -> None:
        self._tracker_store = tracker_store
        super().__init__(tracker_store.domain, tracker_store.event_broker)

    @property
    def domain(self) -> Domain:
        """The wrapped store's domain (Rasa sets it on the wrapper when a model loads)."""
        return self._tracker_store.domain

    @domain.setter
    def domain(self, domain: Domain) -> None:
        self._tracker_store.domain = domain

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The stored conversation, ``None`` only if there is none; never on an error."""
        try:
            return await self._tracker_store.retrieve(sender_id)
        except Exception as exc:
            raise TrackerStoreUnavailable("retrieve", type(exc).__name__) from None

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        """Every session of the conversation; raises rather than pretend there is none."""
        try:
            return await self._tracker_store.retrieve_full_tracker(sender_id)
        except Exception as exc:
            raise TrackerStoreUnavailable("retrieve", type(exc).__name__) from None

    async def keys(self) -> Iterable[str]:
        """The stored conversations' ids; raises rather than answer "none"."""
        try:
            return await self._tracker_store.keys()  # type: ignore[no-any-return]
        except Exception as exc:
            raise TrackerStoreUnavailable("keys", type(exc).__name__) from None

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Save to the real store or raise: never to memory."""
        try:
            await self._tracker_store.save(tracker)
        except Exception as exc:
            raise TrackerStoreUnavailable("save", type(exc).__name__) from None


class HeldOutput(OutputChannel):  # type: ignore[misc]  # rasa is untyped
    """The replies of one turn, held until the turn is saved, then sent on (or dropped).

    Rasa's processor sends every bot message through ``send_response`` (rasa/core/processor.py
    ``_send_bot_messages``), so holding that call holds the turn; :meth:`release` replays the
    calls, in order, on the channel Rasa made, which then formats them as it always does.
    """

    def __init__(self, original: OutputChannel) -> None:
        self.original = original
        self.held: list[tuple[str, dict[str, Any]]] = []

    def name(self) -> str:
        """The real channel's name: channel-specific responses are chosen by it."""
        return str(self.original.name())

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Hold the message until the turn is saved."""
        self.held.append((recipient_id, message))

    async def release(self) -> None:
        """Send every held message on, in order."""
        held, self.held = self.held, []
        for recipient_id, message in held:
            await self.original.send_response(recipient_id, message)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.original, name)


@dataclass
class _Turn:
    """The action-server time left in the turn being handled (a monotonic deadline)."""

    deadline: float


_TURN: contextvars.ContextVar[_Turn | None] = contextvars.ContextVar("reflect_turn", default=None)


def action_timeout(settings: Settings) -> float:
    """The action-server time one turn gets, from ``ACTION_TIMEOUT_SECONDS``."""
    return float(settings.action_timeout_seconds)


async def tell(output: OutputChannel, recipient_id: str, name: str) -> None:
    """Send one message from bot/content/messages.yml through the user's own channel."""
    message = render(name)
    await output.send_response(recipient_id, {"text": message.text})


def make_handle_message(original: Any, timeout: float) -> Any:
    """Rasa's ``MessageProcessor.handle_message`` with the turn held and failures told."""

    async def handle_message(self: Any, message: UserMessage) -> Any:
        real = message.output_channel
        held = HeldOutput(real)
        message.output_channel = held
        token = _TURN.set(_Turn(time.monotonic() + timeout))
        failed: str | None = None
        try:
            await original(self, message)
        except TrackerStoreUnavailable as exc:
            logger.error("turn not saved: tracker store %s failed: %s", exc.operation, exc.reason)
            failed = "turn_not_saved"
        except ActionServerFailed as exc:
            logger.error("turn abandoned: action %s failed: %s", exc.action, exc.reason)
            failed = "action_timed_out"
        finally:
            _TURN.reset(token)
            message.output_channel = real
        if failed is None:
            await held.release()
        else:
            await tell(real, message.sender_id, failed)
        return real.messages if isinstance(real, CollectingOutputChannel) else None

    return handle_message


def make_remote_run(original: Any, timeout: float) -> Any:
    """Rasa's ``RemoteAction.run`` bounded by the turn's action time; failures abandon the turn."""
    from rasa.core.actions.action import ActionExecutionRejection
    from rasa.shared.exceptions import RasaException

    async def run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
        turn = _TURN.get()
        left = timeout if turn is None else max(0.0, turn.deadline - time.monotonic())
        try:
            return await asyncio.wait_for(
                original(self, output_channel, nlg, tracker, domain), timeout=left
            )
        except ActionExecutionRejection:
            raise  # a form rejecting a value: Rasa's normal flow
        except asyncio.TimeoutError:
            raise ActionServerFailed(self.name(), f"no answer within {timeout:g} s") from None
        except RasaException as exc:
            cause = exc.__cause__ or exc.__context__
            reason = type(cause).__name__ if cause is not None else "unreachable"
            raise ActionServerFailed(self.name(), reason) from None

    return run


class _DropRasaActionErrors(logging.Filter):
    """Drop Rasa's own log line for an action-server failure: ours says it, once."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to run custom action")


def install(settings: Settings | None = None) -> None:
    """Apply the three patches in this process (our Rasa server only)."""
    settings = settings if settings is not None else load_settings()
    timeout = action_timeout(settings)
    patches.apply("fail_closed_tracker_store", staticmethod(_create_tracker_store))
    turn = make_handle_message(patches.original("fail_closed_turn"), timeout)
    patches.apply("fail_closed_turn", turn)
    patches.apply("action_timeout", make_remote_run(patches.original("action_timeout"), timeout))
    logging.getLogger("rasa.core.actions.action").addFilter(_DropRasaActionErrors())


def _create_tracker_store(store: TrackerStore | None, domain: Domain) -> TrackerStore:
    """``Agent._create_tracker_store`` with our wrapper (Rasa's body, otherwise unchanged)."""
    from rasa.core.tracker_store import InMemoryTrackerStore

    if store is not None:
        store.domain = domain
        inner = store
    else:
        inner = InMemoryTrackerStore(domain)
    return FailClosedTrackerStore(inner)
