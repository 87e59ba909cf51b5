"""The Teams conversation reference a follow-up needs, sealed with AES-GCM under the server secret.

A proactive message into Teams needs to know where to go: the connector's ``serviceUrl``, the
conversation id and type, the tenant and the bot's own id and name. That is all that is kept;
not the user's Teams id, name, Entra object id or any message. Even so the address is an
identifier (it names one chat), so it is stored encrypted: AES-256-GCM under a key derived from
Settings.secret with this module's own domain label (a key that is no other hash or tag), with a
fresh 96-bit nonce each time, and the row's public id as associated data, so a sealed address
copied onto another follow-up does not open there. Any change to the stored text fails the tag
and :func:`open_reference` refuses it. The reference is written once, by :func:`attach`, and set
back to NULL as soon as the message is sent or the practitioner opts out.

Stored form: ``base64url(version | nonce | ciphertext and tag)``, ASCII in ``followups.reference``.
"""

# SQLAlchemy 1.4 ships without type information; its objects are Any to mypy until SQLAlchemy 2.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import update
from sqlalchemy.orm import sessionmaker

from bot.reflections.receipts import MIN_SECRET_BYTES
from bot.settings.config import Settings
from bot.storage.models import MAX_REFERENCE_LENGTH, Followup
from bot.storage.session import transaction
from bot.teams.activities import Conversation

VERSION = 1
NONCE_BYTES = 12
_KEY_DOMAIN = b"reflect/followup-reference-key\x00"
_AAD_DOMAIN = b"reflect/followup-reference\x00"
_FIELDS = (
    "service_url",
    "conversation_id",
    "conversation_type",
    "tenant_id",
    "bot_id",
    "bot_name",
)


class UnreadableReference(ValueError):
    """A stored reference that cannot be opened: tampered with, another key, or malformed."""


@dataclass(frozen=True)
class Reference:
    """Where a proactive message goes, and nothing else."""

    service_url: str
    conversation_id: str
    conversation_type: str
    tenant_id: str | None
    bot_id: str
    bot_name: str | None

    @classmethod
    def of(cls, conversation: Conversation) -> Reference:
        """The reference of the conversation a message came from (the user's id left out)."""
        return cls(
            service_url=conversation.service_url,
            conversation_id=conversation.conversation_id,
            conversation_type=conversation.conversation_type,
            tenant_id=conversation.tenant_id,
            bot_id=conversation.bot_id,
            bot_name=conversation.bot_name,
        )

    def conversation(self) -> Conversation:
        """A :class:`Conversation` to post into: no user, nothing replied to (a new message)."""
        return Conversation(
            service_url=self.service_url,
            conversation_id=self.conversation_id,
            conversation_type=self.conversation_type,
            bot_id=self.bot_id,
            bot_name=self.bot_name,
            user_id=None,
            reply_to_id=None,
            tenant_id=self.tenant_id,
        )


def _aead(secret: bytes) -> AESGCM:
    if not isinstance(secret, bytes) or len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the server secret must be at least {MIN_SECRET_BYTES} bytes")
    return AESGCM(hmac.new(secret, _KEY_DOMAIN, hashlib.sha256).digest())


def _aad(public_id: str) -> bytes:
    return _AAD_DOMAIN + bytes([VERSION]) + public_id.encode("utf-8")


def seal(reference: Reference, *, secret: bytes, public_id: str) -> str:
    """The reference encrypted for the follow-up ``public_id``, as stored text."""
    plain = json.dumps(asdict(reference), separators=(",", ":"), sort_keys=True).encode("utf-8")
    nonce = os.urandom(NONCE_BYTES)
    sealed = _aead(secret).encrypt(nonce, plain, _aad(public_id))
    text = base64.urlsafe_b64encode(bytes([VERSION]) + nonce + sealed).decode("ascii")
    if len(text) > MAX_REFERENCE_LENGTH:
        raise ValueError("the conversation reference is too long to store")
    return text


def open_reference(text: object, *, secret: bytes, public_id: str) -> Reference:
    """The reference sealed in ``text`` for ``public_id``.

    Raises:
        UnreadableReference: changed, sealed under another key or for another follow-up.
    """
    if not isinstance(text, str) or len(text) > MAX_REFERENCE_LENGTH:
        raise UnreadableReference("not a stored reference")
    try:
        raw = base64.urlsafe_b64decode(text.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise UnreadableReference("not base64") from None
    if len(raw) < 1 + NONCE_BYTES + 16 or raw[0] != VERSION:
        raise UnreadableReference("unknown version or too short")
    try:
        plain = _aead(secret).decrypt(
            raw[1 : 1 + NONCE_BYTES], raw[1 + NONCE_BYTES :], _aad(public_id)
        )
    except InvalidTag:
        raise UnreadableReference("the reference was changed or sealed under another key") from None
    return _reference_from(json.loads(plain))


def _reference_from(data: Any) -> Reference:
    if not isinstance(data, dict) or set(data) != set(_FIELDS):
        raise UnreadableReference("unexpected fields")
    for name in ("service_url", "conversation_id", "conversation_type", "bot_id"):
        if not isinstance(data[name], str) or not data[name]:
            raise UnreadableReference(f"no {name}")
    for name in ("tenant_id", "bot_name"):
        if data[name] is not None and not isinstance(data[name], str):
            raise UnreadableReference(f"bad {name}")
    return Reference(**data)


def attach(
    factory: sessionmaker, settings: Settings, public_id: str, conversation: Conversation
) -> bool:
    """Store the conversation's reference on the Teams follow-up ``public_id``, once.

    Only on a Teams row that has none yet and is still pending: a replayed payload can neither
    overwrite an address nor give one to a widget row or to a follow-up already sent. Returns
    whether it was stored.
    """
    sealed = seal(Reference.of(conversation), secret=settings.secret, public_id=public_id)
    with transaction(factory) as session:
        result = session.execute(
            update(Followup)
            .where(
                Followup.public_id == public_id,
                Followup.channel == "teams",
                Followup.status == "pending",
                Followup.reference.is_(None),
            )
            .values(reference=sealed)
            .execution_options(synchronize_session=False)
        )
    return bool(result.rowcount)
