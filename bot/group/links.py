"""Signed, short-lived download links for a session's minutes, checked by the web app.

Teams bots cannot attach files in group chats, so the lead gets links instead. A link must not
outlive its use, must open one set of minutes only, and must not be guessable, so a token is::

    base64url( version | format | expiry (Unix seconds) | minutes ref | HMAC-SHA256 tag )

The minutes ref is the stored minutes' random ``public_id`` (``secrets.token_urlsafe(16)``,
128 bits), never a row number. The tag (truncated to 128 bits, as in bot.web.sessions) covers
everything before it, under a key derived from the server secret with this module's own domain
label, so a link can never be replayed as a widget session, a sender hash or a receipt hash. The
expiry is inside the signed bytes: nothing is stored per link, links work across restarts and
processes that share the secret (the action server signs, the web app verifies), and a changed
expiry breaks the tag. Tags are compared in constant time; nothing here logs a token.

Plain Python (``hmac``, ``base64``): no Rasa, no database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import struct
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import Literal

from bot.reflections.receipts import MIN_SECRET_BYTES
from bot.settings.config import Settings

Format = Literal["docx", "pdf", "md"]
#: The formats a link may name, in the order the chat offers them (the index is signed).
FORMATS: tuple[Format, ...] = ("docx", "pdf", "md")
#: Where the web app serves the downloads: ``/minutes/<token>.<format>``.
ROUTE_PREFIX = "/minutes/"

VERSION = 1
TAG_BYTES = 16
_HEAD = struct.Struct(">BBQ")  # version, format index, expiry in Unix seconds
#: What ``secrets.token_urlsafe(16..48)`` gives: the only refs a link may carry.
REF_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_MIN_RAW = _HEAD.size + 16 + TAG_BYTES
_MAX_RAW = _HEAD.size + 64 + TAG_BYTES
MAX_TOKEN_CHARS = (_MAX_RAW * 4 + 2) // 3
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]+")
_KEY_DOMAIN = b"reflect/minutes-link-key\x00"
_TAG_DOMAIN = b"reflect/minutes-link\x00"
#: No link lives longer than a day, whatever the caller asks.
MAX_TTL = timedelta(days=1)


class LinkState(Enum):
    """What a token turned out to be."""

    OK = "ok"
    EXPIRED = "expired"
    INVALID = "invalid"


@dataclass(frozen=True)
class LinkCheck:
    """The outcome of checking a token: its minutes and format only when it is valid."""

    state: LinkState
    minutes_ref: str | None = None
    fmt: Format | None = None


def link_key(secret: bytes, domain: bytes) -> bytes:
    """The key a kind of link is signed with, derived from the server secret under ``domain``.

    A derived key, not the secret itself, and one per kind of link (minutes, CPD records): a
    tag can never double as another kind's, nor as any other keyed hash.
    """
    if not isinstance(secret, bytes) or len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the server secret must be at least {MIN_SECRET_BYTES} bytes")
    return hmac.new(secret, domain, hashlib.sha256).digest()


def _key(secret: bytes) -> bytes:
    return link_key(secret, _KEY_DOMAIN)


def _tag(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, _TAG_DOMAIN + body, hashlib.sha256).digest()[:TAG_BYTES]


def unix_seconds(moment: datetime) -> int:
    """A link's time as whole Unix seconds; a naive time is refused, never guessed at."""
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return int(moment.timestamp())


def sign(minutes_ref: str, fmt: str, *, secret: bytes, now: datetime, ttl: timedelta) -> str:
    """A token for downloading the minutes ``minutes_ref`` as ``fmt`` until ``now + ttl``.

    Raises:
        ValueError: an unknown format, a ref that is not a random public id, a lifetime that is
            not between a second and :data:`MAX_TTL`, a naive ``now`` or a short secret.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown minutes format {fmt!r}")
    if not REF_SHAPE.fullmatch(minutes_ref):
        raise ValueError("a minutes ref must be a random URL-safe id of 16 to 64 characters")
    if not timedelta(seconds=1) <= ttl <= MAX_TTL:
        raise ValueError("a link lives between one second and one day")
    expires = unix_seconds(now + ttl)
    body = _HEAD.pack(VERSION, FORMATS.index(fmt), expires) + minutes_ref.encode("ascii")
    return encode_token(body + _tag(_key(secret), body))


def check(token: object, *, secret: bytes, now: datetime) -> LinkCheck:
    """Whether ``token`` is a link this server signed, and whether it is still valid.

    Never raises on what a browser sends: anything that is not a string of a token's shape and
    length is refused before it is decoded, the encoding must be canonical (one token, one
    spelling), and the tag is compared in constant time before anything inside is trusted.
    A link is valid while ``now`` is before its expiry.
    """
    raw = decode_token(token, min_raw=_MIN_RAW, max_raw=_MAX_RAW)
    if raw is None:
        return LinkCheck(LinkState.INVALID)
    body, tag = raw[:-TAG_BYTES], raw[-TAG_BYTES:]
    if not hmac.compare_digest(tag, _tag(_key(secret), body)):
        return LinkCheck(LinkState.INVALID)
    version, fmt_index, expires = _HEAD.unpack(body[: _HEAD.size])
    ref = body[_HEAD.size :].decode("ascii", errors="replace")
    if version != VERSION or fmt_index >= len(FORMATS) or not REF_SHAPE.fullmatch(ref):
        return LinkCheck(LinkState.INVALID)
    if unix_seconds(now) >= expires:
        return LinkCheck(LinkState.EXPIRED)
    return LinkCheck(LinkState.OK, ref, FORMATS[fmt_index])


def verify(token: object, *, secret: bytes, now: datetime) -> tuple[str, Format] | None:
    """``(minutes_ref, format)`` for a valid, unexpired link; ``None`` for anything else."""
    result = check(token, secret=secret, now=now)
    if result.state is not LinkState.OK or result.minutes_ref is None or result.fmt is None:
        return None
    return result.minutes_ref, result.fmt


def encode_token(raw: bytes) -> str:
    """A token's bytes as unpadded URL-safe base64 (the one spelling :func:`decode_token` takes)."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_token(token: object, *, min_raw: int, max_raw: int) -> bytes | None:
    """The bytes of a token of ``min_raw`` to ``max_raw`` bytes; None for anything else.

    Anything that is not a string of the token alphabet and length is refused before it is
    decoded, and only the canonical spelling is accepted (one token, one spelling).
    """
    if (
        not isinstance(token, str)
        or len(token) > (max_raw * 4 + 2) // 3
        or not _TOKEN_SHAPE.fullmatch(token)
    ):
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    if not min_raw <= len(raw) <= max_raw or encode_token(raw) != token:
        return None
    return raw


@dataclass(frozen=True)
class DownloadLinks:
    """The three links the chat shows when a session closes, and how long they work."""

    docx: str
    pdf: str
    md: str
    minutes: int


def download_url(
    settings: Settings, minutes_ref: str, fmt: str, *, now: datetime | None = None
) -> str:
    """The absolute address of one download, valid for Settings.minutes_link_minutes."""
    token = sign(
        minutes_ref,
        fmt,
        secret=settings.secret,
        now=now or datetime.now(timezone.utc),
        ttl=timedelta(minutes=settings.minutes_link_minutes),
    )
    return f"{settings.web_public_url}{ROUTE_PREFIX}{token}.{fmt}"


def download_links(
    settings: Settings, minutes_ref: str, *, now: datetime | None = None
) -> DownloadLinks:
    """Links to the minutes ``minutes_ref`` in every format, signed at the same moment."""
    moment = now or datetime.now(timezone.utc)
    return DownloadLinks(
        docx=download_url(settings, minutes_ref, "docx", now=moment),
        pdf=download_url(settings, minutes_ref, "pdf", now=moment),
        md=download_url(settings, minutes_ref, "md", now=moment),
        minutes=settings.minutes_link_minutes,
    )
