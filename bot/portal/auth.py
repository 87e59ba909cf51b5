"""Portal sessions, CSRF tokens, the sign-in rate limit and the chat's "open the portal" link.

A signed-in lead carries one cookie, a stateless signed token::

    base64url( version | account id | generation | issued | last seen | expires
               | 128-bit random session id | HMAC-SHA256 tag, truncated to 128 bits )

as bot.web.sessions and bot.group.links sign theirs: a key derived from Settings.secret under
this purpose's own domain label (so no other token of the project can be replayed as a session),
the times inside the signed bytes (Unix seconds), the tag compared in constant time, and
nothing logged. Nothing is stored per session, yet a session can still be ended early: the
account's ``generation`` is signed in, and a password reset, a disable or a sign-out bumps it,
so every cookie issued before is refused (``stale``). Sessions expire twice over: after
Settings.portal_session_idle_minutes without a request (the cookie is re-signed with a new
"last seen" at most once a minute: a sliding timeout) and Settings.portal_session_hours after
sign-in, however busy.

**Cookies.** HttpOnly, SameSite=Strict, Max-Age the absolute lifetime; in production also
Secure and named with the ``__Host-`` prefix. A ``__Host-`` cookie must be Secure, have no
Domain and have ``Path=/`` (RFC 6265bis, section 4.1.3.2), or browsers drop it. We choose the
prefix over ``Path=/portal`` in production: the prefix is what stops a sibling subdomain (any
other site under the council's domain) from planting a cookie of its own for us, while a path
is no security boundary between pages of one origin (RFC 6265, section 8.5), and every path of
our origin is our own server. In development (plain http, no Secure) the prefix is impossible,
so the cookie is ``reflect_portal`` with ``Path=/portal``.

**CSRF.** Every form carries :func:`csrf_token`, an HMAC under its own label of the session's
random id (stable while the session lives, so re-signing every minute does not break an open
form), checked by :func:`check_csrf` in constant time. The sign-in form itself has no session
yet: it is bound to a pre-session nonce (:func:`new_pre_session`, a signed random nonce with an
expiry in its own cookie), so a forged cross-site sign-in (login CSRF) is refused too.

**Rate limit.** :class:`SignInLimiter` limits sign-in attempts per client address and overall,
in memory, on top of the per-account lockout (bot.portal.accounts).

**The chat link.** :func:`chat_link_token` is what the in-chat "open the portal" link carries.
It is *not* a credential and gives access to nothing: it only lets the sign-in page say "you
came from Reflect" while it is fresh (Settings.portal_link_minutes). The lead still signs in.

Plain Python (``hmac``, ``secrets``) plus one database read per request: no web framework.
"""

# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import struct
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy.orm import Session

from bot.portal import audit
from bot.portal.accounts import Principal, bump_generation, get_account_by_id
from bot.reflections.receipts import MIN_SECRET_BYTES
from bot.settings.config import Settings

VERSION = 1
TAG_BYTES = 16
SESSION_ID_BYTES = 16
NONCE_BYTES = 16
LINK_NONCE_BYTES = 8
#: A session cookie is re-signed with a new "last seen" at most this often.
REFRESH_SECONDS = 60
#: A token whose "last seen" is this far in the future is not ours (clocks of two processes).
CLOCK_SKEW_SECONDS = 120
#: How long the sign-in form stays usable after it is shown.
PRE_SESSION_SECONDS = 60 * 60

# version, account id, generation, issued, last seen, expires (Unix seconds)
_SESSION_HEAD = struct.Struct(">BIIQQQ")
_SESSION_RAW = _SESSION_HEAD.size + SESSION_ID_BYTES + TAG_BYTES
_EXPIRING_HEAD = struct.Struct(">BQ")  # version, expires: the pre-session nonce and chat link
_PRE_RAW = _EXPIRING_HEAD.size + NONCE_BYTES + TAG_BYTES
_LINK_RAW = _EXPIRING_HEAD.size + LINK_NONCE_BYTES + TAG_BYTES
CSRF_CHARS = (TAG_BYTES * 4 + 2) // 3
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]+")

_SESSION_DOMAIN = b"reflect/portal-session-key\x00"
_PRE_SESSION_DOMAIN = b"reflect/portal-pre-session-key\x00"
_CSRF_DOMAIN = b"reflect/portal-csrf-key\x00"
_LINK_DOMAIN = b"reflect/portal-chat-link-key\x00"

COOKIE = "reflect_portal"
PRE_SESSION_COOKIE = "reflect_portal_pre"
HOST_PREFIX = "__Host-"
DEVELOPMENT_PATH = "/portal"


class SessionOutcome(Enum):
    """What a session cookie turned out to be; only OK signs the request in."""

    OK = "ok"
    MISSING = "missing"
    MALFORMED = "malformed"
    TAMPERED = "tampered"
    EXPIRED = "expired"
    IDLE = "idle"
    DISABLED = "disabled"
    STALE = "stale"
    UNKNOWN_ACCOUNT = "unknown_account"


@dataclass(frozen=True)
class SessionCheck:
    """The outcome of :func:`read_session`.

    ``principal`` only when OK (built from the account as it is now, so a changed scope applies
    at once). ``refreshed``, when set, is the cookie value to send back (a new "last seen").
    ``account_id`` is known whenever the cookie was signed here, even once it has expired.
    """

    outcome: SessionOutcome
    principal: Principal | None = None
    refreshed: str | None = None
    account_id: int | None = None


@dataclass(frozen=True)
class _Session:
    account_id: int
    generation: int
    issued: int
    last_seen: int
    expires: int
    session_id: bytes


# --- signing, shared by every token here ---


def _key(settings: Settings, domain: bytes) -> bytes:
    secret = settings.secret
    if not isinstance(secret, bytes) or len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the server secret must be at least {MIN_SECRET_BYTES} bytes")
    # A derived key per purpose: a tag of one kind can never pass as a tag of another.
    return hmac.new(secret, domain, hashlib.sha256).digest()


def _tag(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest()[:TAG_BYTES]


def _seconds(moment: datetime) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("times must be timezone-aware")
    return int(moment.timestamp())


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(value: object, raw_bytes: int) -> bytes | None:
    """The bytes of a token of exactly ``raw_bytes``, canonically encoded; None for anything else.

    The length is checked before decoding, so a megabyte of cookie costs nothing.
    """
    chars = (raw_bytes * 4 + 2) // 3
    if not isinstance(value, str) or len(value) != chars or not _TOKEN_SHAPE.fullmatch(value):
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None
    if len(raw) != raw_bytes or _encode(raw) != value:
        return None
    return raw


def _signed(key: bytes, raw: bytes) -> bytes | None:
    """The body of ``raw`` if its tag is right (constant-time), else None."""
    body, tag = raw[:-TAG_BYTES], raw[-TAG_BYTES:]
    return body if hmac.compare_digest(tag, _tag(key, body)) else None


def _sign(key: bytes, body: bytes) -> str:
    return _encode(body + _tag(key, body))


# --- sessions ---


def issue_session(settings: Settings, principal: Principal, now: datetime) -> str:
    """A fresh session cookie value for ``principal``: a new random session id, signed."""
    issued = _seconds(now)
    expires = issued + settings.portal_session_hours * 3600
    return _session_value(
        settings,
        _Session(
            account_id=principal.account_id,
            generation=principal.generation,
            issued=issued,
            last_seen=issued,
            expires=expires,
            session_id=secrets.token_bytes(SESSION_ID_BYTES),
        ),
    )


def _session_value(settings: Settings, fields: _Session) -> str:
    head = _SESSION_HEAD.pack(
        VERSION,
        fields.account_id,
        fields.generation,
        fields.issued,
        fields.last_seen,
        fields.expires,
    )
    return _sign(_key(settings, _SESSION_DOMAIN), head + fields.session_id)


def _unseal(settings: Settings, value: object) -> _Session | SessionOutcome:
    if value is None or value == "":
        return SessionOutcome.MISSING
    raw = _decode(value, _SESSION_RAW)
    if raw is None:
        return SessionOutcome.MALFORMED
    body = _signed(_key(settings, _SESSION_DOMAIN), raw)
    if body is None:
        return SessionOutcome.TAMPERED
    version, account_id, generation, issued, last_seen, expires = _SESSION_HEAD.unpack(
        body[: _SESSION_HEAD.size]
    )
    if version != VERSION or not issued <= last_seen <= expires:
        return SessionOutcome.MALFORMED
    return _Session(account_id, generation, issued, last_seen, expires, body[_SESSION_HEAD.size :])


def _timed_out(settings: Settings, fields: _Session, now: int) -> SessionOutcome | None:
    """EXPIRED or IDLE under the settings as they are now (a shortened limit applies at once)."""
    expires = min(fields.expires, fields.issued + settings.portal_session_hours * 3600)
    if now >= expires:
        return SessionOutcome.EXPIRED
    if now - fields.last_seen >= settings.portal_session_idle_minutes * 60:
        return SessionOutcome.IDLE
    return None


def read_session(
    settings: Settings, db_session: Session, value: object, now: datetime
) -> SessionCheck:
    """Whether a session cookie signs this request in, and as whom.

    Never raises on what a browser sends. The signature is checked before anything inside is
    trusted, the times before the database is asked, and then the account: it must exist, not
    be disabled, and still be at the generation the cookie was signed with. A session that
    ran out (EXPIRED or IDLE) is audited as ``session_expired``; the caller clears the cookie
    on every outcome but OK, so that happens once.
    """
    fields = _unseal(settings, value)
    if isinstance(fields, SessionOutcome):
        return SessionCheck(fields)
    moment = _seconds(now)
    if fields.last_seen > moment + CLOCK_SKEW_SECONDS:
        return SessionCheck(SessionOutcome.MALFORMED)
    timed_out = _timed_out(settings, fields, moment)
    if timed_out is not None:
        _record_expiry(db_session, fields.account_id, timed_out, now)
        return SessionCheck(timed_out, account_id=fields.account_id)
    return _checked_account(settings, db_session, fields, moment)


def _record_expiry(
    db_session: Session, account_id: int, outcome: SessionOutcome, now: datetime
) -> None:
    if get_account_by_id(db_session, account_id) is None:
        return  # the audit row would point at nothing
    audit.record(
        db_session,
        event="session_expired",
        account_id=account_id,
        detail={"reason": outcome.value},
        now=now,
    )


def _checked_account(
    settings: Settings, db_session: Session, fields: _Session, moment: int
) -> SessionCheck:
    account = get_account_by_id(db_session, fields.account_id)
    if account is None:
        return SessionCheck(SessionOutcome.UNKNOWN_ACCOUNT)
    if account.disabled:
        return SessionCheck(SessionOutcome.DISABLED, account_id=account.id)
    if account.generation != fields.generation:
        return SessionCheck(SessionOutcome.STALE, account_id=account.id)
    refreshed = None
    if moment - fields.last_seen > REFRESH_SECONDS:
        refreshed = _session_value(
            settings,
            _Session(
                fields.account_id,
                fields.generation,
                fields.issued,
                moment,
                fields.expires,
                fields.session_id,
            ),
        )
    return SessionCheck(
        SessionOutcome.OK,
        principal=account.principal(),
        refreshed=refreshed,
        account_id=account.id,
    )


def sign_out(settings: Settings, db_session: Session, value: object, now: datetime) -> bool:
    """End the session in ``value`` and every other session of its account; audit it.

    Clearing a cookie alone would leave a copied cookie valid until it expires, so the
    account's generation is bumped: every browser of this account is signed out. Returns
    whether a valid session was signed out (the caller clears the cookie either way).
    """
    check = read_session(settings, db_session, value, now)
    if check.outcome is not SessionOutcome.OK or check.account_id is None:
        return False
    bump_generation(db_session, account_id=check.account_id)
    audit.record(db_session, event="sign_out", account_id=check.account_id, detail={}, now=now)
    return True


# --- cookies ---


def cookie_name(settings: Settings, *, pre_session: bool = False) -> str:
    """The session (or sign-in form's) cookie name: ``__Host-`` prefixed in production."""
    name = PRE_SESSION_COOKIE if pre_session else COOKIE
    return f"{HOST_PREFIX}{name}" if settings.is_production else name


def cookie_attributes(
    settings: Settings, *, clear: bool = False, pre_session: bool = False
) -> dict[str, str | int | bool]:
    """The cookie's attributes, keyed as Sanic's (and http.cookies') cookie objects spell them.

    ``clear`` gives the same cookie with ``Max-Age=0``, which deletes it (sign-out, or any
    session that is not OK). See the module docstring for why the path differs in production.
    """
    if clear:
        max_age = 0
    elif pre_session:
        max_age = PRE_SESSION_SECONDS
    else:
        max_age = settings.portal_session_hours * 3600
    return {
        "path": "/" if settings.is_production else DEVELOPMENT_PATH,
        "max-age": max_age,
        "httponly": True,
        "samesite": "Strict",
        "secure": settings.is_production,
    }


_HEADER_NAMES = {
    "path": "Path",
    "max-age": "Max-Age",
    "httponly": "HttpOnly",
    "samesite": "SameSite",
    "secure": "Secure",
}


def set_cookie_header(
    settings: Settings, value: str, *, clear: bool = False, pre_session: bool = False
) -> str:
    """The whole ``Set-Cookie`` header value, for a framework without a cookie API (and tests)."""
    name = cookie_name(settings, pre_session=pre_session)
    parts = [f"{name}={'' if clear else value}"]
    for key, attribute in cookie_attributes(settings, clear=clear, pre_session=pre_session).items():
        if isinstance(attribute, bool):
            if attribute:
                parts.append(_HEADER_NAMES[key])
        else:
            parts.append(f"{_HEADER_NAMES[key]}={attribute}")
    return "; ".join(parts)


# --- the sign-in form's pre-session nonce ---


def new_pre_session(settings: Settings, now: datetime) -> str:
    """A signed random nonce for the sign-in form's cookie, valid for an hour."""
    head = _EXPIRING_HEAD.pack(VERSION, _seconds(now) + PRE_SESSION_SECONDS)
    return _sign(_key(settings, _PRE_SESSION_DOMAIN), head + secrets.token_bytes(NONCE_BYTES))


def check_pre_session(settings: Settings, value: object, now: datetime) -> bool:
    """Whether ``value`` is a pre-session nonce signed here and not expired."""
    return _check_expiring(settings, _PRE_SESSION_DOMAIN, _PRE_RAW, value, now)


def _check_expiring(
    settings: Settings, domain: bytes, raw_bytes: int, value: object, now: datetime
) -> bool:
    raw = _decode(value, raw_bytes)
    body = None if raw is None else _signed(_key(settings, domain), raw)
    if body is None:
        return False
    version, expires = _EXPIRING_HEAD.unpack(body[: _EXPIRING_HEAD.size])
    return bool(version == VERSION and _seconds(now) < expires)


# --- CSRF ---


def _csrf_binding(bound_to: str) -> bytes:
    """What a CSRF token is bound to: the random id inside a session or pre-session value.

    A session's id outlives the re-signing every minute, so a form stays valid while its
    session does; any other value is bound as it is.
    """
    session_raw = _decode(bound_to, _SESSION_RAW)
    if session_raw is not None:
        start = _SESSION_HEAD.size
        return b"session\x00" + session_raw[1:5] + session_raw[start : start + SESSION_ID_BYTES]
    pre_raw = _decode(bound_to, _PRE_RAW)
    if pre_raw is not None:
        start = _EXPIRING_HEAD.size
        return b"pre-session\x00" + pre_raw[start : start + NONCE_BYTES]
    return b"value\x00" + bound_to.encode("utf-8")


def csrf_token(settings: Settings, bound_to: str) -> str:
    """The CSRF token every form of this session (or sign-in form) must send back.

    Raises:
        ValueError: ``bound_to`` is empty (a form with nothing to bind to is a bug).
    """
    if not bound_to:
        raise ValueError("a CSRF token must be bound to a session or a pre-session nonce")
    return _encode(_tag(_key(settings, _CSRF_DOMAIN), _csrf_binding(bound_to)))


def check_csrf(settings: Settings, bound_to: str | None, submitted: object) -> bool:
    """Whether ``submitted`` is this session's CSRF token (constant time); never raises."""
    if not bound_to or not isinstance(submitted, str) or len(submitted) != CSRF_CHARS:
        return False
    expected = csrf_token(settings, bound_to).encode("ascii")
    return hmac.compare_digest(expected, submitted.encode("utf-8", errors="replace"))


# --- the chat's portal link ---


def chat_link_token(settings: Settings, now: datetime) -> str:
    """What the in-chat portal link carries: signed, random, expiring, and not a credential."""
    head = _EXPIRING_HEAD.pack(VERSION, _seconds(now) + settings.portal_link_minutes * 60)
    return _sign(_key(settings, _LINK_DOMAIN), head + secrets.token_bytes(LINK_NONCE_BYTES))


def check_chat_link(settings: Settings, token: object, now: datetime) -> bool:
    """Whether the sign-in page may say "you came from Reflect" (it grants nothing else)."""
    return _check_expiring(settings, _LINK_DOMAIN, _LINK_RAW, token, now)


# --- the sign-in rate limit ---


class SignInLimiter:
    """Sign-in attempts per client (an address) and overall, in a sliding window, in memory.

    On top of the per-account lockout, which cannot stop one address trying one password
    against many usernames. Thread-safe (one lock), and bounded: at most ``max_clients``
    clients are remembered (the least recently seen is forgotten first), each with at most
    ``per_client`` times. Per process: behind several workers each has its own count, which
    the overall limit and the lockout still bound.
    """

    def __init__(
        self,
        *,
        per_client: int,
        overall: int,
        window_seconds: float = 60.0,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_client < 1 or overall < 1 or window_seconds <= 0 or max_clients < 1:
            raise ValueError("a sign-in limit needs positive limits and window")
        self._per_client = per_client
        self._window = window_seconds
        self._max_clients = max_clients
        self._clock = clock
        self._lock = threading.Lock()
        self._clients: OrderedDict[str, deque[float]] = OrderedDict()
        self._overall: deque[float] = deque(maxlen=overall)

    @classmethod
    def from_settings(cls, settings: Settings) -> SignInLimiter:
        """PORTAL_SIGN_IN_PER_MINUTE per address; ten times that for all addresses together."""
        per_minute = settings.portal_sign_in_per_minute
        return cls(per_client=per_minute, overall=10 * per_minute)

    def attempt(self, client: str) -> bool:
        """Count an attempt from ``client`` and say whether it may go ahead.

        A refused attempt is not counted, so a client that keeps trying is let in again one
        window after its last counted attempts.
        """
        now = self._clock()
        with self._lock:
            self._prune(self._overall, now)
            times = self._clients.get(client)
            if times is not None:
                self._prune(times, now)
            overall_full = len(self._overall) == self._overall.maxlen
            if overall_full or (times is not None and len(times) >= self._per_client):
                return False
            if times is None:
                times = self._clients[client] = deque(maxlen=self._per_client)
            times.append(now)
            self._overall.append(now)
            self._clients.move_to_end(client)
            while len(self._clients) > self._max_clients:
                self._clients.popitem(last=False)
            return True

    def retry_after(self, client: str) -> int:
        """Whole seconds until ``client`` may try again (0 when it may now)."""
        now = self._clock()
        with self._lock:
            waits = [0.0]
            times = self._clients.get(client)
            if times is not None and len(times) >= self._per_client:
                waits.append(times[0] + self._window - now)
            if len(self._overall) == self._overall.maxlen:
                waits.append(self._overall[0] + self._window - now)
            return max(0, int(max(waits) + 0.999))

    def _prune(self, times: deque[float], now: float) -> None:
        while times and times[0] <= now - self._window:
            times.popleft()
