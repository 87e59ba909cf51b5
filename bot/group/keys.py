"""Keyed hashes a group session keeps instead of people and codes: lead, members, join code.

Each has its own domain label (:func:`bot.reflections.receipts.keyed_hex`), and the lead and
member keys include the session's public id, so a key says nothing outside its session: the
same practitioner leading two sessions, or joining two, gives unrelated keys. The door already
replaced the Teams or widget id with a per-member keyed hash (``member``); these hash it again.
"""

from __future__ import annotations

import secrets
from datetime import date

from bot.reflections.receipts import code_from_token, keyed_hex, new_receipt_token, typed_receipt

_LEAD_DOMAIN = b"reflect/group-lead\x00"
_MEMBER_DOMAIN = b"reflect/group-member\x00"
_JOIN_DOMAIN = b"reflect/group-join\x00"
_JOIN_ATTEMPT_DOMAIN = b"reflect/group-join-attempt\x00"

#: The attempts row counting every sender's failed join codes together (withdrawal's is
#: ``all-senders``): real keys are ``j_`` + 64 hex digits, so this is never one of them.
ALL_JOINERS_KEY = "all-joiners"


def new_public_id() -> str:
    """A random, url-safe id for a session or its minutes (128 bits: never guessed)."""
    return secrets.token_urlsafe(16)


def lead_key(public_id: str, member: str, *, secret: bytes) -> str:
    """Who may move the session on: the lead's member hash, keyed to this session only."""
    return keyed_hex(secret, _LEAD_DOMAIN, f"{public_id}\x00{member}")


def member_key(public_id: str, member: str, *, secret: bytes) -> str:
    """Whether a member has joined already (counted once), keyed to this session only."""
    return keyed_hex(secret, _MEMBER_DOMAIN, f"{public_id}\x00{member}")


def join_hash(typed: str, *, secret: bytes) -> str:
    """What the session keeps for its join code: a keyed hash of the door's typed hash.

    The door replaces a typed code-shaped token with
    :func:`bot.reflections.receipts.typed_receipt` (``receipts`` in the message metadata), so
    joining matches on that and the code never reaches Rasa or the database.
    """
    return keyed_hex(secret, _JOIN_DOMAIN, typed)


def join_attempt_key(member: str, *, secret: bytes, day: date) -> str:
    """The key counting one member's failed join codes for one day (like withdrawal's)."""
    return "j_" + keyed_hex(secret, _JOIN_ATTEMPT_DOMAIN, f"{day.isoformat()}\x00{member}")


def new_join_code(*, secret: bytes) -> tuple[str, str]:
    """A fresh join code as ``(token, join hash)``: receipt-code shaped, shown via its token.

    The code has exactly a receipt code's shape, so the door hashes it when a member types it.
    The lead is shown :func:`bot.reflections.receipts.receipt_placeholder` of the token, which
    the channel turns into the code on the way out, so the tracker store never holds it either.
    """
    token = new_receipt_token()
    code = code_from_token(token, secret=secret)
    return token, join_hash(typed_receipt(code, secret=secret), secret=secret)
