"""Widget session ids the server issues and signs, so a browser can only resume its own chat.

Rasa's socketio channel lets the *client* choose ``session_id``: anyone who guessed or learned an
id could read and write that conversation. Here the server issues every id. A token is::

    base64url( version | 128-bit random id | issue day | HMAC-SHA256 tag, truncated to 128 bits )

35 bytes, 47 URL-safe characters, no padding. The tag covers the version, id and day, under a
key derived from the server secret with its own domain label, so a token can never be made to
equal a sender hash or a receipt hash (those use other labels). The issue day makes tokens
expire (Settings.widget_session_days) without any server-side state, so tokens work across
restarts and across Rasa replicas that share the secret.

The one piece of state: a token can be *revoked* before it expires ("Forget this conversation").
A stateless token cannot forget itself, so :class:`WidgetSessions` also asks a
:class:`RevocationList` shared by every server process (bot.web.revocations keeps it in the
database), keyed by a keyed hash of the token and kept only until the token would have expired.

Plain Python (``hmac``, ``secrets``): no Rasa, no database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import struct
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Protocol

from bot.reflections.receipts import MIN_SECRET_BYTES
from bot.settings.config import Settings

VERSION = 1
ID_BYTES = 16
TAG_BYTES = 16
_DAY = struct.Struct(">H")  # days since 1970-01-01: fits until 2149
_RAW_BYTES = 1 + ID_BYTES + _DAY.size + TAG_BYTES
TOKEN_CHARS = (_RAW_BYTES * 4 + 2) // 3  # base64 without padding: 47
_KEY_DOMAIN = b"reflect/widget-session-key\x00"
_TAG_DOMAIN = b"reflect/widget-session\x00"
_REVOCATION_DOMAIN = b"reflect/widget-session-revoked\x00"
_EPOCH = date(1970, 1, 1)
_SHAPE = re.compile(f"[A-Za-z0-9_-]{{{TOKEN_CHARS}}}")
#: A token dated this many days ahead is still accepted (servers' clocks around midnight).
FUTURE_SKEW_DAYS = 1


def _today() -> date:
    return datetime.now(timezone.utc).date()


@dataclass(frozen=True)
class SessionSigner:
    """Issues and verifies widget session tokens under a key derived from the server secret."""

    secret: bytes = field(repr=False)
    max_age_days: int
    _key: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.secret, bytes) or len(self.secret) < MIN_SECRET_BYTES:
            raise ValueError(f"the server secret must be at least {MIN_SECRET_BYTES} bytes")
        if self.max_age_days < 1:
            raise ValueError("widget sessions must last at least one day")
        # A derived key, not the secret itself: a tag can never double as a sender hash.
        key = hmac.new(self.secret, _KEY_DOMAIN, hashlib.sha256).digest()
        object.__setattr__(self, "_key", key)

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionSigner:
        """The signer for this deployment: Settings.secret and Settings.widget_session_days."""
        return cls(secret=settings.secret, max_age_days=settings.widget_session_days)

    def issue(self, *, today: date | None = None) -> str:
        """A fresh token: 128 random bits (the OS CSPRNG), dated today (UTC), signed."""
        day = (today or _today()) - _EPOCH
        body = bytes([VERSION]) + secrets.token_bytes(ID_BYTES) + _DAY.pack(day.days)
        return _encode(body + self._tag(body))

    def verify(self, token: object, *, today: date | None = None) -> bool:
        """Whether ``token`` is one this server issued, unaltered and not expired.

        A token is valid from its issue day (UTC) through ``max_age_days`` days after it.

        Never raises: anything that is not a string of exactly the right shape is refused
        before it is decoded (so a megabyte of input costs nothing), and the tag is compared in
        constant time. The encoding must be canonical, so one token has exactly one spelling
        (the sender id Rasa sees is derived from the spelling).
        """
        issued = self.issued_on(token)
        if issued is None:
            return False
        age = ((today or _today()) - issued).days
        return -FUTURE_SKEW_DAYS <= age <= self.max_age_days

    def issued_on(self, token: object) -> date | None:
        """The issue day of a token this server signed, expired or not; ``None`` for any other.

        The signature and shape checks of :meth:`verify`, without the expiry: a revocation is
        kept for as long as the token could still be accepted, counted from this day.
        """
        if not isinstance(token, str) or len(token) != TOKEN_CHARS or not _SHAPE.fullmatch(token):
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            return None
        if len(raw) != _RAW_BYTES or _encode(raw) != token or raw[0] != VERSION:
            return None
        body, tag = raw[:-TAG_BYTES], raw[-TAG_BYTES:]
        if not hmac.compare_digest(tag, self._tag(body)):
            return None
        return _EPOCH + timedelta(days=int(_DAY.unpack(body[1 + ID_BYTES :])[0]))

    def revocation_key(self, token: str) -> str:
        """What the revocation list stores for a token: a keyed hash, never the token itself.

        Keyed (and labelled apart from the tag, sender hashes and receipt hashes), so a row of
        the list can be matched neither to a token nor to a conversation without the secret.
        """
        digest = hmac.new(self._key, _REVOCATION_DOMAIN + token.encode(), hashlib.sha256)
        return digest.hexdigest()

    def _tag(self, body: bytes) -> bytes:
        return hmac.new(self._key, _TAG_DOMAIN + body, hashlib.sha256).digest()[:TAG_BYTES]


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class RevocationList(Protocol):
    """Revoked widget tokens by :meth:`SessionSigner.revocation_key`, shared by every process.

    Must be visible to every Rasa server worker and replica at once (a token forgotten in one
    must be refused by all), so bot.web.revocations keeps it in the database.
    """

    def contains(self, key: str) -> bool:
        """Whether the token with this key has been revoked."""
        ...

    def add(self, key: str, *, issued_on: date) -> None:
        """Revoke the token with this key (adding it twice is not an error)."""
        ...

    def purge(self, *, issued_before: date) -> int:
        """Drop the entries of tokens issued before ``issued_before``; return how many."""
        ...


@dataclass(frozen=True)
class WidgetSessions:
    """The widget's sessions as the channel sees them: signed tokens that can be revoked.

    :meth:`verify` is the question asked before a token is adopted: issued and signed here,
    unaltered, not expired, and not revoked. A revoked token therefore behaves exactly like a
    forged or expired one: ``session_request`` issues a new session instead.
    """

    signer: SessionSigner
    revoked: RevocationList

    def issue(self, *, today: date | None = None) -> str:
        """A fresh token (see :meth:`SessionSigner.issue`)."""
        return self.signer.issue(today=today)

    def verify(self, token: object, *, today: date | None = None) -> bool:
        """Whether ``token`` may be adopted: valid (:meth:`SessionSigner.verify`), not revoked.

        The revocation list is asked only about a token that is otherwise valid, so garbage
        costs no database query.
        """
        if not self.signer.verify(token, today=today):
            return False
        return not self.is_revoked(str(token))

    def is_revoked(self, token: str) -> bool:
        """Whether this token was revoked (the signature is not checked here)."""
        return self.revoked.contains(self.signer.revocation_key(token))

    def revoke(self, token: object, *, today: date | None = None) -> bool:
        """Revoke a token this server signed, for good; ``False`` (nothing stored) for any other.

        Revoking twice is harmless, so a retried "forget" succeeds. Entries of tokens that have
        expired anyway are dropped on the way, so the list holds at most the last
        ``max_age_days`` of revocations; one day of margin covers servers whose clocks differ
        around midnight (see :data:`FUTURE_SKEW_DAYS`).
        """
        issued = self.signer.issued_on(token)
        if issued is None:
            return False
        self.revoked.add(self.signer.revocation_key(str(token)), issued_on=issued)
        self.purge(today=today)
        return True

    def purge(self, *, today: date | None = None) -> int:
        """Drop the entries of tokens that no server accepts any more; return how many."""
        oldest_valid = (today or _today()) - timedelta(
            days=self.signer.max_age_days + FUTURE_SKEW_DAYS
        )
        return self.revoked.purge(issued_before=oldest_valid)
