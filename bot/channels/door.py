"""The door every user message passes before Rasa sees it: anonymise, pseudonymise, bound.

Channel adapters (bot/rasa_ext/channels.py) call this, so the tracker store, the action server
and every log line only ever see anonymised text and a keyed hash of the sender. Raw text exists
only in the memory of the request that carried it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from bot.anonymise import FAILED_TEXT, Span, redact
from bot.anonymise.memory import detect_in_conversation
from bot.anonymise.normalise import normalise
from bot.content.messages import render
from bot.reflections.receipts import (
    MEMBER_METADATA_KEY,
    RECEIPTS_METADATA_KEY,
    code_candidates,
    member_hash,
    memory_hash,
    sender_hash,
    typed_receipt,
)
from bot.safety.language import UNREADABLE_METADATA_KEY, unreadable_as_typed

MAX_MESSAGE_CHARS = 5_000
"""Longer messages are refused with a clear 400 rather than processed (Sanic allows 100 MB)."""

MAX_NORMALISED_CHARS = 2 * MAX_MESSAGE_CHARS
"""A message that normalisation blows up past this (e.g. 5,000 ligatures) is refused too."""

PAYLOAD_ENTITIES = frozenset({"learning_id", "agency", "pack_id"})
#: Entities whose unknown value is dropped rather than the payload refused: a page embedding
#: the widget may name a briefing this deployment no longer offers (data-pack), and the
#: conversation should then start on the default briefing, not in the fallback.
DROPPABLE_ENTITIES = frozenset({"pack_id"})
_PAYLOAD = re.compile(r"^/(?P<intent>[a-z_]{1,60})(?P<entities>\{.{0,200}\})?$")
RECEIPT_TYPE = "RECEIPT"


class DoorError(ValueError):
    """A message the door refuses; the text is safe to show the client (it quotes nothing).

    Clients show it to people (the widget as a sentence, Teams after "Sorry: "), so its text
    comes from bot/content/messages.yml like every other sentence they see.
    """


@dataclass(frozen=True)
class Cleaned:
    """A message after the door.

    Attributes:
        text: What Rasa sees: a known payload, or the normalised, anonymised text.
        receipts: Keyed hashes of the code-shaped tokens typed (``[RECEIPT n]`` in ``text``, in
            order), for withdrawal (:func:`bot.reflections.receipts.typed_receipt`).
        remember: Keyed hashes of the identifiers redacted here, with their types, for the
            conversation to keep (:mod:`bot.channels.memory`).
        member: The keyed hash of the person who sent it (:meth:`Door.member`), or ``""``.
        unreadable: The message as typed was mostly not English (bot.safety.language), read
            before anonymising: a sentence in Arabic or Russian reaches Rasa as ``[NAME 1]``, so
            only the door can tell the safety net that there was something it could not read.
    """

    text: str
    receipts: tuple[str, ...] = ()
    remember: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    member: str = ""
    unreadable: bool = False

    @property
    def metadata(self) -> dict[str, Any] | None:
        """The UserMessage metadata: the receipt hashes and the member's hash, or nothing."""
        found: dict[str, Any] = {}
        if self.receipts:
            found[RECEIPTS_METADATA_KEY] = list(self.receipts)
        if self.member:
            found[MEMBER_METADATA_KEY] = self.member
        if self.unreadable:
            found[UNREADABLE_METADATA_KEY] = True
        return found or None


@dataclass(frozen=True)
class Door:
    """Anonymises text and hashes sender ids under the server secret."""

    secret: bytes
    payload_values: frozenset[str]
    intents: frozenset[str]

    @classmethod
    def create(
        cls, *, secret: bytes, payload_values: Iterable[str], intents: Iterable[str]
    ) -> Door:
        """A door that lets through payloads naming a known intent with known entity values."""
        return cls(
            secret=secret, payload_values=frozenset(payload_values), intents=frozenset(intents)
        )

    def pseudonymise(self, sender_id: object, *, channel: str) -> str:
        """The keyed hash that replaces a channel's sender id; refuses a missing one.

        Rasa's REST channel would otherwise file every sender-less message under the shared
        conversation "default". ``channel`` (Rasa's name for it) keys the hash too, so the same
        id sent through two channels is two conversations (see :func:`sender_hash`).
        """
        if not isinstance(sender_id, str) or not sender_id.strip():
            raise DoorError(render("door_no_sender").text)
        if not _encodable(sender_id):
            raise DoorError(render("door_sender_not_text").text)
        return sender_hash(sender_id, secret=self.secret, channel=channel)

    def member(self, member_id: object) -> str:
        """The keyed hash of who sent a message, for the turn (group sessions: who is the lead).

        ``member_id`` is the channel's id of the person: in a Teams group chat the member, not
        the shared conversation; elsewhere the sender. Refused like a missing sender.
        """
        if not isinstance(member_id, str) or not member_id.strip() or not _encodable(member_id):
            raise DoorError(render("door_no_sender").text)
        return member_hash(member_id, secret=self.secret)

    def clean(
        self,
        text: object,
        *,
        conversation: str = "",
        recall: Mapping[str, str] | None = None,
    ) -> Cleaned:
        """What Rasa may see of ``text``, and what the conversation should remember.

        A known button payload passes as it is. Anything else is normalised (Unicode spaces,
        invisible characters, full-width forms, accents) and anonymised, with nothing exempt:
        identifiers become placeholders; a token shaped like a receipt code becomes
        ``[RECEIPT n]`` and its keyed receipt hash travels in the message metadata (withdrawal
        matches on the hash, so no working code ever reaches the tracker store or a log);
        identifiers this conversation redacted before (``recall``: keyed hashes to types) are
        caught again ("Hollis said no" after "dad Frankie Hollis").

        Args:
            text: The message as it arrived.
            conversation: The conversation's key
                (:func:`bot.reflections.receipts.conversation_key`); it keys the memory hashes.
            recall: What the conversation remembers, or ``None``.

        Raises:
            DoorError: for an empty or over-long message (the text says which, quoting none).
        """
        if not isinstance(text, str) or not text.strip():
            raise DoorError(render("door_no_message").text)
        if len(text) > MAX_MESSAGE_CHARS:
            raise DoorError(render("door_too_long", limit=str(MAX_MESSAGE_CHARS)).text)
        stripped = text.strip()
        if self._is_known_payload(stripped):
            return Cleaned(stripped)
        bare = self._without_droppable_entities(stripped)
        if bare is not None:
            return Cleaned(bare)
        # Anything else that starts with "/" would be read by Rasa as an intent payload, with
        # whatever the user put in its entities. A forged payload keeps only its intent's words
        # (its JSON could hold anything, and no rule reads names inside JSON); other text loses
        # the slash and is anonymised like any message.
        forged = _PAYLOAD.match(stripped)
        if forged and forged.group("entities"):
            plain = forged.group("intent").replace("_", " ")
        else:
            plain = stripped.lstrip("/").strip() or "[EMPTY]"
        normalised = normalise(plain).text.strip().lstrip("/").strip() or "[EMPTY]"
        if len(normalised) > MAX_NORMALISED_CHARS:
            raise DoorError(render("door_too_long", limit=str(MAX_MESSAGE_CHARS)).text)
        try:
            return self._anonymised(normalised, conversation, recall)
        except Exception:  # fail closed: never the raw text, never a crashed turn
            return Cleaned(FAILED_TEXT)

    def clean_text(self, text: object) -> str:
        """The text alone, for a message with no conversation to remember (tests, tools)."""
        return self.clean(text).text

    def _anonymised(
        self, text: str, conversation: str, recall: Mapping[str, str] | None
    ) -> Cleaned:
        def hashed(token: str) -> str:
            return memory_hash(token, conversation=conversation, secret=self.secret)

        def known(token: str) -> str | None:
            return recall.get(hashed(token)) if recall else None

        spans, tokens = detect_in_conversation(text, known if recall else None)
        spans, receipts = self._receipts(text, spans)
        remember = {hashed(token): kind for token, kind in tokens.items()}
        return Cleaned(
            redact(text, spans).text,
            tuple(receipts),
            MappingProxyType(remember),
            unreadable=unreadable_as_typed(text),
        )

    def _receipts(self, text: str, spans: list[Span]) -> tuple[list[Span], list[str]]:
        """Code-shaped tokens become RECEIPT spans, unless they are (part of) an identifier.

        The token is an identifier, not a code, when the anonymiser found something that runs
        past it ("Kelly 07700" + " 900123"; an email) or a structured identifier in it, or when
        it contains a word, name or place of four letters or more ("Kelly", "CLARK-HAYES"),
        which no code we issue does (:func:`bot.reflections.receipts.well_shaped`). Shape-only
        finds inside it (a "reference", an unknown capitalised "name") are the code.
        """
        receipts: list[str] = []
        for start, end in code_candidates(text):
            overlapping = [s for s in spans if s.start < end and start < s.end]
            if any(s.start < start or s.end > end or s.type not in _CODE_LIKE for s in overlapping):
                continue
            token = text[start:end]
            spans = [s for s in spans if s not in overlapping]
            spans.append(Span(start, end, RECEIPT_TYPE))
            receipts.append(typed_receipt(token, secret=self.secret))
        return sorted(spans), receipts

    def _without_droppable_entities(self, text: str) -> str | None:
        """``/intent`` for a known intent whose only entities are droppable ones, else None."""
        match = _PAYLOAD.match(text)
        if not match or match.group("intent") not in self.intents or not match.group("entities"):
            return None
        try:
            entities = json.loads(match.group("entities"))
        except ValueError:
            return None
        if not isinstance(entities, dict) or not entities or set(entities) - DROPPABLE_ENTITIES:
            return None
        return f"/{match.group('intent')}"

    def _is_known_payload(self, text: str) -> bool:
        match = _PAYLOAD.match(text)
        if not match or match.group("intent") not in self.intents:
            return False
        if not match.group("entities"):
            return True
        try:
            entities = json.loads(match.group("entities"))
        except ValueError:
            return False
        return isinstance(entities, dict) and all(
            key in PAYLOAD_ENTITIES and isinstance(value, str) and value in self.payload_values
            for key, value in entities.items()
        )


# What the anonymiser may see in a random code: letters that look like an unknown name or
# place, a letter-and-digit "reference".
_CODE_LIKE = frozenset({"NAME", "PLACE", "REFERENCE"})


def _encodable(text: str) -> bool:
    """Whether ``text`` is valid Unicode (JSON can carry a lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
