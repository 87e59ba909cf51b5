"""The door every user message passes before Rasa sees it: anonymise, pseudonymise, bound.

Channel adapters (bot/rasa_ext/channels.py) call this, so the tracker store, the action server
and every log line only ever see anonymised text and a keyed hash of the sender. Raw text exists
only in the memory of the request that carried it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.anonymise import anonymise
from bot.receipts import normalise_code, sender_hash

MAX_MESSAGE_CHARS = 5_000
"""Longer messages are refused with a clear 400 rather than processed (Sanic allows 100 MB)."""

PAYLOAD_ENTITIES = frozenset({"learning_id", "agency"})
_PAYLOAD = re.compile(r"^/(?P<intent>[a-z_]{1,60})(?P<entities>\{.{0,200}\})?$")
# A receipt code (XXXXX-XXXXX, also typed with a space or no separator). It identifies a
# reflection, not a person, and must survive the anonymiser, which would take it for a reference.
_RECEIPT = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{5}[- ]?[0-9A-Za-z]{5}(?![0-9A-Za-z])")
_RECEIPT_PLACEHOLDER = "[RECEIPT {}]"


class DoorError(ValueError):
    """A message the door refuses; the text is safe to show the client (it quotes nothing)."""


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
            raise DoorError("a non-empty 'sender' is required")
        return sender_hash(sender_id, secret=self.secret, channel=channel)

    def clean_text(self, text: object) -> str:
        """The text Rasa may see: a known button payload as it is, anything else anonymised."""
        if not isinstance(text, str) or not text.strip():
            raise DoorError("a non-empty 'message' is required")
        if len(text) > MAX_MESSAGE_CHARS:
            raise DoorError(
                f"the message is too long (the limit is {MAX_MESSAGE_CHARS} characters)"
            )
        stripped = text.strip()
        if self._is_known_payload(stripped):
            return stripped
        # Anything else that starts with "/" would be read by Rasa as an intent payload, with
        # whatever the user put in its entities; make it plain text and anonymise it.
        plain = stripped.lstrip("/").strip() or "[EMPTY]"
        return self._anonymise_keeping_receipts(plain)

    @staticmethod
    def _anonymise_keeping_receipts(text: str) -> str:
        """Anonymise the whole text but keep receipt codes (normalised), so withdrawal works.

        Codes are swapped for placeholders the anonymiser leaves alone, so the text is
        anonymised in one piece (consistent numbering) and the codes are put back afterwards.
        """
        kept: list[str] = []

        def shield(match: re.Match[str]) -> str:
            if not looks_like_receipt(match.group(0)):
                return match.group(0)
            kept.append(normalise_code(match.group(0)) or match.group(0))
            return _RECEIPT_PLACEHOLDER.format(len(kept))

        redacted = anonymise(_RECEIPT.sub(shield, text)).text
        for number, code in enumerate(kept, start=1):
            redacted = redacted.replace(_RECEIPT_PLACEHOLDER.format(number), code)
        return redacted

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


def looks_like_receipt(token: str) -> bool:
    """A receipt code: ten code characters, with letters and digits (or upper case, hyphenated).

    Requiring both letters and digits keeps ten-digit NHS and phone numbers, and ordinary
    hyphenated words, from being mistaken for a code and let through unredacted.
    """
    if normalise_code(token) is None:
        return False
    characters = token.replace("-", "").replace(" ", "")
    has_letter = any(ch.isalpha() for ch in characters)
    has_digit = any(ch.isdigit() for ch in characters)
    return (has_letter and has_digit) or ("-" in token and token.isupper())


def find_receipt_code(text: str) -> str | None:
    """The first receipt code in a message ("my code is 7k3qf-x9m2d"), normalised, if any."""
    whole = normalise_code(text)
    if whole is not None:
        return whole
    for match in _RECEIPT.finditer(text):
        if looks_like_receipt(match.group(0)):
            return normalise_code(match.group(0))
    return None
