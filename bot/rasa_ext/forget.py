"""Forgetting a conversation: the one function every "forget" goes through.

The web widget's "Forget this conversation" (bot/rasa_ext/channels.py) calls
:func:`forget_conversation` after revoking the session's token. Anything else Reflect comes to
keep per conversation must be deleted here too, so that forgetting stays complete however it is
asked for.

What is *not* deleted, on purpose: saved reflections. They carry no sender id or conversation id
(bot/storage/models.py), so nothing links them to the conversation; a practitioner withdraws one
with its receipt code.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from bot.channels.memory import ConversationMemory
from bot.rasa_ext.tracker_store import delete_conversation
from bot.reflections.receipts import conversation_key

logger = logging.getLogger(__name__)


async def forget_conversation(
    sender_id: str,
    *,
    tracker_store: Any,
    lock_store: Any | None = None,
    memory: ConversationMemory | None = None,
    secret: bytes | None = None,
) -> int:
    """Delete everything Reflect keeps about one conversation; return the events deleted.

    ``sender_id`` is the hashed sender id Rasa knows the conversation by (the door's keyed
    pseudonym), never a raw channel id or widget token. ``tracker_store`` is the store as Rasa
    hands it out (``agent.tracker_store``, wrapped); ``lock_store`` is Rasa's
    (``agent.lock_store``).

    Steps, each for this sender only, in this order:

    1. the tracker store's events, every session of the conversation, under Rasa's lock for the
       conversation, so a message already being handled finishes first and cannot save its
       events after the delete;
    2. the conversation memory (``memory``, keyed with ``secret``): the keyed hashes of the
       identifiers it redacted (bot/channels/memory.py), on a worker thread.

    Add further per-conversation cleanup steps here (inside the lock if they race with message
    handling). Raises whatever a step raises, so the caller never reports a conversation as
    forgotten that is still kept; every step must be safe to repeat, as the caller may retry.
    """
    lock = lock_store.lock(sender_id) if lock_store is not None else contextlib.nullcontext()
    async with lock:
        deleted = await delete_conversation(tracker_store, sender_id)
        if memory is not None and secret is not None:
            key = conversation_key(sender_id, secret=secret)
            await asyncio.get_running_loop().run_in_executor(None, memory.forget, key)
    # Counts only: never text, and not the sender id either (it is a key to the conversation).
    logger.info("conversation forgotten: %d tracker event(s) deleted", deleted)
    return deleted
