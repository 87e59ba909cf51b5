"""Receipt codes and keyed hashes: how a practitioner can withdraw a reflection nobody can trace.

A receipt code is shown once, when a reflection is saved, and never stored: the database keeps
only an HMAC of it under the server secret. Whoever holds the code can withdraw the reflection;
nobody can go from a stored reflection back to a code or a person.

The same module replaces sender ids with keyed hashes at the channel door, and derives the
short-lived key that limits withdrawal attempts. Each hash uses its own domain label, so a value
computed for one purpose can never be replayed as another (a sender id that happens to look like
a receipt code does not hash to that code's receipt hash).

Plain Python only (``hmac``, ``secrets``): no Rasa, no database.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import date

#: Crockford base32: digits and letters minus I, L, O and U, so a code read aloud or copied by
#: hand cannot be confused (I/L look like 1, O like 0, U avoids accidental words).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

#: Characters per group and groups per code: 2 x 5 characters of 5 bits = 50 bits, enough that
#: guessing any one of a million stored codes takes about 10^9 tries.
GROUP_LENGTH = 5
GROUPS = 2
CODE_LENGTH = GROUP_LENGTH * GROUPS

#: Secrets shorter than this are configuration mistakes (an empty or placeholder value), not keys.
MIN_SECRET_BYTES = 16

_RECEIPT_DOMAIN = b"reflect/receipt\x00"
_TYPED_DOMAIN = b"reflect/receipt-typed\x00"
_SENDER_DOMAIN = b"reflect/sender\x00"
_ATTEMPT_DOMAIN = b"reflect/withdrawal-attempt\x00"
# Channel names as Rasa knows them ("rest", "socketio", "teams"): no NUL, so domains never overlap.
_CHANNEL_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")

# What people type instead of the canonical characters: Crockford's own decoding rules.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Separators people put between (or around) the groups when typing or pasting a code.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_.·:]+")
_QUOTES = "\"'`“”‘’«»()[]<>"
_CODE_SHAPE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
_SIX_DIGITS = re.compile(r"\d{6}")
_LETTER_RUNS = re.compile(r"[A-Za-z]{4,}")
_MEMORY_DOMAIN = b"reflect/memory\x00"
_CONVERSATION_DOMAIN = b"reflect/memory-conversation\x00"
_MEMBER_DOMAIN = b"reflect/member\x00"

RECEIPTS_METADATA_KEY = "receipts"
"""UserMessage metadata key holding the keyed receipt hashes of codes typed in the message."""

MEMBER_METADATA_KEY = "member"
"""UserMessage metadata key holding the door's per-member keyed hash (:func:`member_hash`).

For the turn only: the tracker store drops it before writing the event (a group session keeps
its lead's key in its own row, for the session's life only).
"""


def well_shaped(chars: str) -> bool:
    """A code the door can tell from everything else a practitioner types.

    At least one letter and one digit (so no word, name or phone number has its shape), no run
    of six digits (which is what case and hospital numbers look like: "RAE1234567"), and no run
    of four or more letters that is a word, a name or a place ("MARK1-..."; "Kelly 07700" is a
    name and a phone, so the door must never read a real code that way), and nothing the
    anonymiser's patterns take for a postcode, date or the like however it is typed. About 6 %
    of random draws fail and are drawn again, so a code keeps about 49.9 bits.
    """
    return (
        any(ch.isalpha() for ch in chars)
        and any(ch.isdigit() for ch in chars)
        and _SIX_DIGITS.search(chars) is None
        and not any(
            names_a_word(run)
            for part in (chars, chars[:GROUP_LENGTH], chars[GROUP_LENGTH:])
            for run in _LETTER_RUNS.findall(part)
        )
        and not _has_structured_shape(chars)
    )


def _has_structured_shape(chars: str) -> bool:
    """A postcode, date or other structured identifier in any way the code may be typed."""
    from bot.anonymise.patterns import find_structured  # Rasa-free; loads nothing at import

    head, tail = chars[:GROUP_LENGTH], chars[GROUP_LENGTH:]
    for typed in (chars, f"{head}-{tail}", f"{head} {tail}"):
        for variant in (typed, typed.lower(), f"({typed}).", f"{typed.lower()},"):
            if any(c.type != "REFERENCE" for c in find_structured(variant)):
                return True
    return False


def names_a_word(letters: str) -> bool:
    """A run of letters that is an English word, a first name, a surname or a place."""
    from bot.anonymise.lexicon import lexicon  # the word lists load on first use

    lex = lexicon()
    low = letters.lower()
    return (
        low in lex.english
        or low in lex.first_names
        or low in lex.surnames
        or low in lex.places_lower
    )


def new_receipt_code() -> str:
    """A fresh, unguessable receipt code such as ``"7K2QD-M9XAT"``.

    Uses :mod:`secrets` (the OS CSPRNG) because the code is the only thing standing between a
    stranger and someone else's reflection.
    """
    while True:
        chars = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if well_shaped(chars):
            return _format(chars)


_DERIVE_DOMAIN = b"reflect/receipt-from-token\x00"
RECEIPT_TOKEN = re.compile(r"\u27e6receipt:(?P<token>[0-9a-f]{24})\u27e7")
"""How a receipt travels through Rasa: ``⟦receipt:<token>⟧``, turned into the code only by the
channel on its way out, so the tracker store and logs never hold a working code."""


def new_receipt_token() -> str:
    """A random token from which the receipt code is derived (96 bits)."""
    return secrets.token_hex(12)


def code_from_token(token: str, *, secret: bytes) -> str:
    """The receipt code for a token: HMAC under the server secret, in the code alphabet.

    Without the secret a stored token says nothing; with it the code can be recomputed, which is
    no more than the secret already allows (it keys every hash here).
    """
    suffix = b""
    for attempt in range(64):
        message = _DERIVE_DOMAIN + token.encode("ascii") + suffix
        digest = hmac.new(secret, message, hashlib.sha256).digest()
        number = int.from_bytes(digest[:8], "big")
        chars = []
        for _ in range(CODE_LENGTH):
            number, index = divmod(number, len(ALPHABET))
            chars.append(ALPHABET[index])
        code = "".join(chars)
        if well_shaped(code):
            return _format(code)
        suffix = b"\x00" + str(attempt + 1).encode("ascii")  # draw again, deterministically
    raise ValueError("could not derive a well-shaped receipt code")  # ~0.03^64: never


def receipt_placeholder(token: str) -> str:
    """The form a receipt takes inside Rasa (see :data:`RECEIPT_TOKEN`)."""
    return f"\u27e6receipt:{token}\u27e7"


def reveal_receipts(text: str, *, secret: bytes) -> str:
    """Replace receipt placeholders with their codes, for the message the practitioner sees."""
    return RECEIPT_TOKEN.sub(lambda m: code_from_token(m.group("token"), secret=secret), text)


def normalise_code(text: str) -> str | None:
    """The canonical form of a code as a practitioner typed it, or ``None`` if it cannot be one.

    Forgiving on purpose, because codes are copied by hand from a chat: lower case, spaces or a
    missing hyphen, surrounding quotes, and the look-alikes O→0 and I/L→1 are all accepted.
    Anything else (a U, other letters or symbols, the wrong length) is rejected rather than
    guessed at, so a typo never withdraws somebody else's reflection.
    """
    cleaned = _SEPARATORS.sub("", text.strip().strip(_QUOTES)).upper().translate(_LOOKALIKES)
    if not _CODE_SHAPE.fullmatch(cleaned):
        return None
    return _format(cleaned)


def typed_receipt(code: str, *, secret: bytes) -> str:
    """What the door puts in a message for a typed receipt code: a keyed hash of the code.

    It is *not* the hash stored with the reflection (:func:`receipt_hash` hashes it once more
    under another label), so the tracker store, which keeps it in the message's metadata, can
    not be joined to the reflections table without the secret.

    Raises:
        ValueError: if ``code`` is not a receipt code, or the secret is too short to be a key.
    """
    canonical = normalise_code(code)
    if canonical is None:
        raise ValueError("not a receipt code")
    return _hmac_hex(secret, _TYPED_DOMAIN, canonical)


def stored_receipt(typed: str, *, secret: bytes) -> str:
    """The hash stored with a reflection, from what the door passed (:func:`typed_receipt`)."""
    return _hmac_hex(secret, _RECEIPT_DOMAIN, typed)


def receipt_hash(code: str, *, secret: bytes) -> str:
    """The hex HMAC of a receipt code as stored with its reflection: the only form kept there.

    Keyed with the server secret so a stolen database cannot be searched by trying all 2^50
    codes offline. The code is normalised first, so every way of typing it gives the same hash.
    It is the keyed hash of the door's :func:`typed_receipt`, so withdrawal matches on what the
    door passed without the code ever reaching Rasa.

    Raises:
        ValueError: if ``code`` is not a receipt code, or the secret is too short to be a key.
    """
    return stored_receipt(typed_receipt(code, secret=secret), secret=secret)


def sender_hash(sender_id: str, *, secret: bytes, channel: str) -> str:
    """A pseudonym for a channel's sender id, computed at the door before Rasa sees the message.

    Stable for one sender (so a conversation can continue) but not reversible without the
    secret, so the tracker store never holds a Teams or widget user id. Prefixed ``s_`` so a
    hashed id is recognisable in the tracker store and never mistaken for a raw one.

    Each channel hashes under its own domain (``reflect/sender`` + the channel name): REST
    senders are whatever the client sends, so a REST client sending ``teams:conversation:<id>``
    or a widget's session id must land in a conversation of its own, not that one.

    Raises:
        ValueError: if the secret is too short to be a key, or ``channel`` is not a channel name.
    """
    if not _CHANNEL_NAME.fullmatch(channel):
        raise ValueError("channel must be a short lower-case channel name")
    domain = _SENDER_DOMAIN + channel.encode("ascii") + b"\x00"
    return "s_" + _hmac_hex(secret, domain, sender_id)


def member_hash(member_id: str, *, secret: bytes) -> str:
    """Who, among the people of one conversation, sent this message: a keyed hash.

    A Teams group chat is one conversation (one sender id) for everyone in it, so the sender
    hash cannot tell the lead who started a group session from the other members; this can.
    Prefixed ``m_`` and under its own domain, so it never equals a sender hash. In a personal
    chat or the widget the member is the sender's pseudonym (already separated per channel); in
    Teams it is ``teams:user:<from.id>``, so the same person is the same member in a group chat
    and in their personal chat with Reflect.

    Raises:
        ValueError: if the secret is too short to be a key.
    """
    return "m_" + _hmac_hex(secret, _MEMBER_DOMAIN, member_id)


def looks_like_typed_code(token: str) -> bool:
    """Whether a token as typed has the shape of one of our receipt codes.

    Ten code characters (five, an optional separator, five; any case; O/I/L for 0/1/1), with a
    letter and a digit and no six-digit run, as :func:`well_shaped` guarantees for every code we
    issue. The door replaces such a token by its keyed hash unless the anonymiser finds it is
    (part of) a name, phone number, email or the like ("Kelly 07700").
    """
    if normalise_code(token) is None:
        return False
    typed = _SEPARATORS.sub("", token)
    return well_shaped(typed)


def conversation_key(sender_id: str, *, secret: bytes) -> str:
    """Which conversation a memory row belongs to: a keyed hash of the (pseudonymous) sender.

    Its own domain label, so the memory table cannot be joined to the tracker store's
    ``sender_id`` column without the secret.
    """
    return _hmac_hex(secret, _CONVERSATION_DOMAIN, sender_id)


def memory_hash(token: str, *, conversation: str, secret: bytes) -> str:
    """The keyed hash under which a conversation remembers an identifier it redacted.

    Keyed by the secret *and* the conversation, so one name typed in two conversations gives
    two unrelated hashes, and a stolen table cannot be tested against a list of names.
    """
    return _hmac_hex(secret, _MEMORY_DOMAIN, f"{conversation}\x00{token}")


def attempt_key(sender_id: str, *, secret: bytes, day: date) -> str:
    """The key under which one sender's withdrawal attempts are counted for one day.

    Derived from the (already pseudonymous) sender id *and* the day, under its own domain
    label, so the attempts table cannot be joined to the tracker store's ``sender_id`` column,
    and one sender's rows on different days cannot be linked to each other.

    Raises:
        ValueError: if the secret is too short to be a key.
    """
    return "a_" + _hmac_hex(secret, _ATTEMPT_DOMAIN, f"{day.isoformat()}\x00{sender_id}")


_SAVE_DOMAIN = b"reflect/idempotency-reflection\x00"
_MINUTES_DOMAIN = b"reflect/idempotency-minutes\x00"
_KEY_TOKEN_DOMAIN = b"reflect/receipt-token-from-key\x00"


def idempotency_key(
    sender_id: str,
    *,
    pack_id: str,
    point_id: str,
    text: str,
    secret: bytes,
    kind: str = "reflection",
) -> str:
    """What makes two saves of a reflection the same save: a keyed hash, stored in a unique column.

    The conversation (the already pseudonymous sender id, hashed again here, never stored as
    it is) and the message being saved: the confirmed, anonymised text and the point it answers.
    Not the id of the message that said "save": a turn abandoned after the commit (the action
    server's answer lost, bot/rasa_ext/fail_closed.py) is retried as a *new* message, and so is
    pressing Save again after a commit whose acknowledgement was lost; either would store a
    second copy under a message id. Prefixed ``i_``.

    Raises:
        ValueError: if the secret is too short to be a key.
    """
    parts = (sender_id, pack_id, point_id, text.strip())
    # A reflection's key is unchanged from migration 0007; another kind is a different save.
    message = "\x00".join(parts if kind == "reflection" else (*parts, kind))
    return "i_" + _hmac_hex(secret, _SAVE_DOMAIN, message)


def minutes_key(group_ref: str, *, secret: bytes) -> str:
    """The idempotency key of a group session's minutes: one set per session, ever."""
    return "i_" + _hmac_hex(secret, _MINUTES_DOMAIN, group_ref)


def receipt_token_for(key: str, *, secret: bytes) -> str:
    """The receipt token of the save with this idempotency key (96 bits, as a fresh one).

    Derived, not drawn, so a repeated save answers with the very receipt the first one gave:
    the code is never stored, only its hash, so it could not be looked up.
    """
    return _hmac_hex(secret, _KEY_TOKEN_DOMAIN, key)[:24]


def keyed_hex(secret: bytes, domain: bytes, message: str) -> str:
    r"""HMAC-SHA256 of ``message`` under the secret and a domain label, in hex.

    For other features' keyed hashes (a group session's lead, members and join code): each
    passes a domain label of its own (``b"reflect/<purpose>\x00"``), so no hash made for one
    purpose can be replayed as another.

    Raises:
        ValueError: if the secret is too short to be a key.
    """
    return _hmac_hex(secret, domain, message)


def _format(chars: str) -> str:
    groups = [chars[i : i + GROUP_LENGTH] for i in range(0, CODE_LENGTH, GROUP_LENGTH)]
    return "-".join(groups)


def _hmac_hex(secret: bytes, domain: bytes, message: str) -> str:
    if not isinstance(secret, bytes) or len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the server secret must be at least {MIN_SECRET_BYTES} bytes")
    return hmac.new(secret, domain + message.encode("utf-8"), hashlib.sha256).hexdigest()


# Something typed that has a receipt code's shape: five, an optional separator, five (found at
# every start, so "maybe 4M8TD-2QX9R" offers both readings and the better one is chosen).
_CODE_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z])(?=([0-9A-Za-z]{5}([-_.: ]?)[0-9A-Za-z]{5})(?![0-9A-Za-z]))"
)


def code_candidates(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` typed like one of our receipt codes, not overlapping each other.

    A hyphen or no separator beats a space ("maybe 4M8TD-2QX9R" is one code, not "maybe 4M8TD");
    a space-separated pair is a code only if neither half is an English word.
    """
    found: list[tuple[int, int, bool]] = []
    for m in _CODE_CANDIDATE.finditer(text):
        token, separator = m.group(1), m.group(2)
        if not looks_like_typed_code(token):  # well shaped: no word, name or place in it
            continue
        if separator == " " and any(_is_word(half) for half in token.split(" ")):
            continue
        found.append((m.start(1), m.end(1), separator != " "))
    chosen: list[tuple[int, int]] = []
    for start, end, _ in sorted(found, key=lambda c: (not c[2], c[0])):
        if all(end <= s or e <= start for s, e in chosen):
            chosen.append((start, end))
    return sorted(chosen)


def _is_word(token: str) -> bool:
    from bot.anonymise.lexicon import lexicon  # the word lists load on first use

    return token.lower() in lexicon().english
