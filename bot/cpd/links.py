"""Signed, short-lived download links for a CPD record, that also carry the key to read it.

The stored record (bot.cpd.store) is encrypted under a random key kept nowhere but in the link
the practitioner is shown, so the database alone cannot read it. A token is::

    base64url( version | format | expiry (Unix seconds) | record key (32 bytes)
               | public id | HMAC-SHA256 tag )

in the style of bot.group.links: the tag (128 bits) covers everything before it under a key
derived from the server secret with this module's own domain label (a CPD link can never pass
as a minutes link, a widget session or any keyed hash), the expiry is inside the signed bytes,
tags are compared in constant time, the encoding must be canonical, and nothing here logs a
token. The public id is the row's random ``secrets.token_urlsafe(16)``, never a row number.

Plain Python (``hmac``, ``base64``): no Rasa, no database.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.group.links import (
    MAX_TTL,
    REF_SHAPE,
    LinkState,
    decode_token,
    encode_token,
    link_key,
    unix_seconds,
)

Format = Literal["docx", "pdf"]
#: The formats a link may name, in the order the chat offers them (the index is signed).
FORMATS: tuple[Format, ...] = ("docx", "pdf")
#: Where the web app serves the downloads: ``/cpd/<token>.<format>``.
ROUTE_PREFIX = "/cpd/"

VERSION = 1
TAG_BYTES = 16
#: AES-256-GCM's key, carried in the link only.
KEY_BYTES = 32
_HEAD = struct.Struct(">BBQ")  # version, format index, expiry in Unix seconds
_MIN_RAW = _HEAD.size + KEY_BYTES + 16 + TAG_BYTES
_MAX_RAW = _HEAD.size + KEY_BYTES + 64 + TAG_BYTES
MAX_TOKEN_CHARS = (_MAX_RAW * 4 + 2) // 3
_KEY_DOMAIN = b"reflect/cpd-link-key\x00"
_TAG_DOMAIN = b"reflect/cpd-link\x00"


@dataclass(frozen=True)
class LinkCheck:
    """The outcome of checking a token: the record's id, key and format only when it is valid.

    An expired link still names its record (``public_id``), since its tag is good: the route
    deletes that row at once instead of waiting for the next purge.
    """

    state: LinkState
    public_id: str | None = None
    key: bytes | None = None
    fmt: Format | None = None


def _tag(secret: bytes, body: bytes) -> bytes:
    key = link_key(secret, _KEY_DOMAIN)
    return hmac.new(key, _TAG_DOMAIN + body, hashlib.sha256).digest()[:TAG_BYTES]


def sign(
    public_id: str, key: bytes, fmt: str, *, secret: bytes, now: datetime, ttl: timedelta
) -> str:
    """A token for downloading record ``public_id`` (readable with ``key``) until ``now + ttl``.

    Raises:
        ValueError: an unknown format, an id that is not a random public id, a key that is not
            32 bytes, a lifetime not between a second and a day, a naive ``now`` or a short secret.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown CPD record format {fmt!r}")
    if not REF_SHAPE.fullmatch(public_id):
        raise ValueError("a record id must be a random URL-safe id of 16 to 64 characters")
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise ValueError(f"a record key is {KEY_BYTES} bytes")
    if not timedelta(seconds=1) <= ttl <= MAX_TTL:
        raise ValueError("a link lives between one second and one day")
    head = _HEAD.pack(VERSION, FORMATS.index(fmt), unix_seconds(now + ttl))
    body = head + key + public_id.encode("ascii")
    return encode_token(body + _tag(secret, body))


def check(token: object, *, secret: bytes, now: datetime) -> LinkCheck:
    """Whether ``token`` is a CPD link this server signed, and whether it is still valid.

    Never raises on what a browser sends: anything not of a token's shape and length is
    refused before decoding, the tag is compared in constant time before anything inside is
    trusted, and a link is valid while ``now`` is before its expiry.
    """
    raw = decode_token(token, min_raw=_MIN_RAW, max_raw=_MAX_RAW)
    if raw is None:
        return LinkCheck(LinkState.INVALID)
    body, tag = raw[:-TAG_BYTES], raw[-TAG_BYTES:]
    if not hmac.compare_digest(tag, _tag(secret, body)):
        return LinkCheck(LinkState.INVALID)
    version, fmt_index, expires = _HEAD.unpack(body[: _HEAD.size])
    key = body[_HEAD.size : _HEAD.size + KEY_BYTES]
    public_id = body[_HEAD.size + KEY_BYTES :].decode("ascii", errors="replace")
    if version != VERSION or fmt_index >= len(FORMATS) or not REF_SHAPE.fullmatch(public_id):
        return LinkCheck(LinkState.INVALID)
    if unix_seconds(now) >= expires:
        return LinkCheck(LinkState.EXPIRED, public_id)
    return LinkCheck(LinkState.OK, public_id, key, FORMATS[fmt_index])


def download_url(
    public_url: str,
    public_id: str,
    key: bytes,
    fmt: Format,
    *,
    secret: bytes,
    now: datetime,
    ttl: timedelta,
) -> str:
    """The absolute address of one download: ``<public_url>/cpd/<token>.<fmt>``."""
    token = sign(public_id, key, fmt, secret=secret, now=now, ttl=ttl)
    return f"{public_url}{ROUTE_PREFIX}{token}.{fmt}"
