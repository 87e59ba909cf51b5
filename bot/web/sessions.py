"""Widget session ids the server issues and signs, so a browser can only resume its own chat.

Rasa's socketio channel lets the *client* choose ``session_id``: anyone who guessed or learned an
id could read and write that conversation. Here the server issues every id. A token is::

    base64url( version | 128-bit random id | issue day | HMAC-SHA256 tag, truncated to 128 bits )

35 bytes, 47 URL-safe characters, no padding. The tag covers the version, id and day, under a
key derived from the server secret with its own domain label, so a token can never be made to
equal a sender hash or a receipt hash (those use other labels). The issue day makes tokens
expire (Settings.widget_session_days) without any server-side state, so tokens work across
restarts and across Rasa replicas that share the secret.

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
from datetime import date, datetime, timezone

from bot.config import Settings
from bot.receipts import MIN_SECRET_BYTES

VERSION = 1
ID_BYTES = 16
TAG_BYTES = 16
_DAY = struct.Struct(">H")  # days since 1970-01-01: fits until 2149
_RAW_BYTES = 1 + ID_BYTES + _DAY.size + TAG_BYTES
TOKEN_CHARS = (_RAW_BYTES * 4 + 2) // 3  # base64 without padding: 47
_KEY_DOMAIN = b"reflect/widget-session-key\x00"
_TAG_DOMAIN = b"reflect/widget-session\x00"
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
        if not isinstance(token, str) or len(token) != TOKEN_CHARS or not _SHAPE.fullmatch(token):
            return False
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            return False
        if len(raw) != _RAW_BYTES or _encode(raw) != token or raw[0] != VERSION:
            return False
        body, tag = raw[:-TAG_BYTES], raw[-TAG_BYTES:]
        if not hmac.compare_digest(tag, self._tag(body)):
            return False
        issued = int(_DAY.unpack(body[1 + ID_BYTES :])[0])
        age = ((today or _today()) - _EPOCH).days - issued
        return -FUTURE_SKEW_DAYS <= age <= self.max_age_days

    def _tag(self, body: bytes) -> bytes:
        return hmac.new(self._key, _TAG_DOMAIN + body, hashlib.sha256).digest()[:TAG_BYTES]


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
