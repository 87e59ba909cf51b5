"""Who may post to the Teams webhook, and the bot's own token for answering.

Incoming: every activity from the Bot Framework connector carries ``Authorization: Bearer
<JWT>``. Microsoft's connector-authentication steps (learn.microsoft.com, "Authenticate
requests from the Bot Connector service") say to check all of: the signature with a key from
the OpenID metadata's key set, RS256, ``iss``, ``aud`` (our app id), the lifetime (with five
minutes' clock skew), the key's endorsements against the activity's ``channelId``, and that the
token's ``serviceurl`` claim is the activity's ``serviceUrl``. Rasa 3.6's channel checks only
signature, lifetime and audience, takes the algorithm from the token itself, and lets a token
without ``kid`` escape as a 500. Here every failure is one exception type,
:class:`TeamsAuthError`, whose reason goes to the log and whose status (401, or 503 when no
signing keys could be loaded at all) goes to the connector.

The ``serviceUrl`` check matters most: replies, carrying the bot's own access token, are posted
to the activity's ``serviceUrl``. Without it, anyone holding one genuine token (or none, before
Rasa 3.1.3) could make the bot send its token to a server of their choosing. So the serviceUrl
must also start with one of the configured prefixes (``TEAMS_ALLOWED_SERVICE_URLS``).

Outgoing: :class:`BotTokens` gets the bot's token by OAuth client credentials from the tenant's
endpoint (single-tenant bots) or Bot Framework's (multi-tenant), cached until shortly before it
expires.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt
from jwt.algorithms import RSAAlgorithm

from bot.teams.http import ConnectorError, JsonHttp

logger = logging.getLogger(__name__)

ALGORITHM = "RS256"
"""The only algorithm the Bot Framework connector signs with; never taken from the token."""

CLOCK_SKEW_SECONDS = 300
"""Microsoft's documented allowance for clock skew between the connector and the bot."""

KEY_REFRESH_SECONDS = 24 * 3600
"""Microsoft rotates signing keys rarely and publishes new ones in advance; daily is its advice."""

FORCED_REFRESH_SECONDS = 300
"""An unknown ``kid`` refetches the key set at most this often, so forged tokens with random
key ids cannot make the bot hammer Microsoft's metadata endpoint."""

RETRY_SECONDS = 10
"""However stale the keys, the metadata endpoint is asked at most this often (it may be down)."""

TOKEN_SCOPE = "https://api.botframework.com/.default"
"""The scope of the bot's own token for the Bot Connector API."""

TOKEN_EARLY_SECONDS = 300
"""Renew the bot's token this long before it expires, so a reply never carries a stale one."""

_BEARER = re.compile(r"^(?i:Bearer) +(?P<token>[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*\.[A-Za-z0-9_\-]*)$")

Clock = Callable[[], float]


class TeamsAuthError(Exception):
    """An incoming request is not from the Bot Framework connector (or cannot be checked).

    ``reason`` is for the log and never quotes the token; ``status`` is what the webhook
    answers: 401, 403 for a genuine activity from a tenant this bot does not serve, or 503 when
    no signing keys could be loaded, which is our fault, not theirs.
    """

    def __init__(self, reason: str, *, status: int = 401) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class SigningKey:
    """One key from the connector's key set, with the channels it is endorsed for."""

    kid: str
    key: Any  # an RSA public key (cryptography), as PyJWT wants it
    endorsements: frozenset[str] | None  # None: the key set did not say


@dataclass(frozen=True)
class VerifiedToken:
    """A token whose signature, lifetime, audience and issuer have been checked."""

    claims: Mapping[str, Any]
    key: SigningKey


class SigningKeys:
    """The connector's signing keys by ``kid``: OpenID metadata, then its ``jwks_uri``.

    Refreshed when older than ``refresh_after``, and (at most every ``forced_after`` seconds)
    when a token names a key we do not have, in case Microsoft rotated early. A failed refresh
    keeps the keys we have: an outage at Microsoft should not lock out genuine traffic.
    """

    def __init__(
        self,
        openid_url: str,
        http: JsonHttp,
        *,
        refresh_after: float = KEY_REFRESH_SECONDS,
        forced_after: float = FORCED_REFRESH_SECONDS,
        clock: Clock = time.monotonic,
    ) -> None:
        self._openid_url = openid_url
        self._http = http
        self._refresh_after = refresh_after
        self._forced_after = forced_after
        self._clock = clock
        self._keys: dict[str, SigningKey] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._lock = asyncio.Lock()

    async def key_for(self, kid: str) -> SigningKey:
        """The key named ``kid``, fetching the key set when stale or when ``kid`` is new."""
        if self._is_stale():
            await self._refresh(force=False)
        if kid not in self._keys and self._may_force():
            await self._refresh(force=True)
        if not self._keys:
            raise TeamsAuthError("no signing keys could be loaded", status=503)
        try:
            return self._keys[kid]
        except KeyError:
            raise TeamsAuthError(f"unknown signing key {kid[:40]!r}") from None

    def _is_stale(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at > self._refresh_after

    def _may_force(self) -> bool:
        return (
            self._attempted_at is None or self._clock() - self._attempted_at >= self._forced_after
        )

    async def _refresh(self, *, force: bool) -> None:
        attempted_before = self._attempted_at
        async with self._lock:
            # Another request refreshed while this one waited: use its result.
            if self._attempted_at != attempted_before:
                return
            if not force and not self._is_stale():
                return
            if (
                self._attempted_at is not None
                and self._clock() - self._attempted_at < RETRY_SECONDS
            ):
                return
            self._attempted_at = self._clock()
            try:
                keys = await self._fetch()
            except ConnectorError as exc:
                logger.warning("Teams signing keys not refreshed: %s", exc)
                return
            if not keys:
                logger.warning("Teams signing keys not refreshed: the key set had no RSA keys")
                return
            self._keys = keys
            self._fetched_at = self._clock()
            logger.info("Teams signing keys refreshed (%d keys)", len(keys))

    async def _fetch(self) -> dict[str, SigningKey]:
        metadata = await self._http.get_json(self._openid_url)
        jwks_uri = metadata.get("jwks_uri") if isinstance(metadata, dict) else None
        if not isinstance(jwks_uri, str) or urlsplit(jwks_uri).scheme not in {"https", "http"}:
            raise ConnectorError("the OpenID metadata has no jwks_uri")
        if urlsplit(jwks_uri).scheme == "http" and urlsplit(self._openid_url).scheme == "https":
            raise ConnectorError("the OpenID metadata points at a key set over plain http")
        key_set = await self._http.get_json(jwks_uri)
        entries = key_set.get("keys") if isinstance(key_set, dict) else None
        if not isinstance(entries, list):
            raise ConnectorError("the key set has no keys")
        return {key.kid: key for key in (_signing_key(entry) for entry in entries) if key}


def _signing_key(entry: object) -> SigningKey | None:
    """A usable RSA signing key from one JWK, or None (skipped, logged) for anything else."""
    if not isinstance(entry, dict):
        return None
    kid = entry.get("kid")
    if not isinstance(kid, str) or not kid or entry.get("kty") != "RSA":
        return None
    if entry.get("use", "sig") != "sig":
        return None
    try:
        key = RSAAlgorithm.from_jwk(json.dumps(entry))
    except (jwt.PyJWTError, ValueError, TypeError, KeyError):
        logger.warning("Teams signing key %r skipped: not a valid RSA JWK", kid[:40])
        return None
    raw = entry.get("endorsements")
    endorsements = (
        frozenset(item for item in raw if isinstance(item, str)) if isinstance(raw, list) else None
    )
    return SigningKey(kid=kid, key=key, endorsements=endorsements)


def normalise_service_url(url: str) -> str:
    """A serviceUrl for comparison: trailing slashes dropped, scheme and host lower-cased."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"


def service_url_allowed(url: str, prefixes: Iterable[str]) -> bool:
    """True if ``url`` is under one of ``prefixes``, compared by parts, not by string.

    A plain ``startswith`` would let ``https://smba.trafficmanager.net.evil.example/`` pass a
    prefix written without its trailing slash, and ``/amer`` match ``/amerevil``.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        return False
    if parts.username or parts.password or parts.query or parts.fragment:
        return False
    path = parts.path if parts.path.endswith("/") else f"{parts.path}/"
    for prefix in prefixes:
        allowed = urlsplit(prefix.strip())
        allowed_path = allowed.path if allowed.path.endswith("/") else f"{allowed.path}/"
        if (
            parts.scheme == allowed.scheme.lower()
            and parts.netloc.lower() == allowed.netloc.lower()
            and path.startswith(allowed_path)
        ):
            return True
    return False


class IncomingAuth:
    """Checks the Bearer token of an incoming activity, in two steps.

    :meth:`verify_token` needs only the header, so an unauthenticated caller learns nothing
    about how the body is validated; :meth:`check_activity` then binds the token to the
    activity's ``serviceUrl`` and ``channelId``.
    """

    def __init__(
        self,
        *,
        app_id: str,
        issuers: Iterable[str],
        service_urls: Iterable[str],
        keys: SigningKeys,
        leeway: float = CLOCK_SKEW_SECONDS,
        tenant_id: str | None = None,
    ) -> None:
        if not app_id:
            raise ValueError("an app id is required to check Teams tokens")
        self._app_id = app_id
        # A single-tenant bot answers its own organisation only (compared case-insensitively:
        # a tenant id is a GUID).
        self._tenant_id = tenant_id.strip().lower() if tenant_id else None
        self._issuers = frozenset(issuers)
        self._service_urls = tuple(service_urls)
        self._keys = keys
        self._leeway = leeway

    async def verify_token(self, authorization: str | None) -> VerifiedToken:
        """Signature (RS256, known ``kid``), ``exp``/``nbf``, ``aud`` and ``iss`` of the token."""
        if not authorization:
            raise TeamsAuthError("no Authorization header")
        match = _BEARER.match(authorization.strip())
        if not match:
            raise TeamsAuthError("the Authorization header is not a Bearer JWT")
        token = match.group("token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise TeamsAuthError("the token header cannot be read") from None
        if header.get("alg") != ALGORITHM:
            raise TeamsAuthError(f"unexpected token algorithm {str(header.get('alg'))[:20]!r}")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TeamsAuthError("the token names no signing key (kid)")
        key = await self._keys.key_for(kid)
        try:
            claims = jwt.decode(
                token,
                key=key.key,
                algorithms=[ALGORITHM],
                audience=self._app_id,
                leeway=self._leeway,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise TeamsAuthError("the token has expired") from None
        except jwt.ImmatureSignatureError:
            raise TeamsAuthError("the token is not valid yet") from None
        except jwt.InvalidAudienceError:
            raise TeamsAuthError("the token is for another app (aud)") from None
        except jwt.InvalidSignatureError:
            raise TeamsAuthError("the token signature does not verify") from None
        except jwt.PyJWTError as exc:
            raise TeamsAuthError(f"the token is invalid ({type(exc).__name__})") from None
        if claims.get("iss") not in self._issuers:
            raise TeamsAuthError("the token is from an unexpected issuer")
        return VerifiedToken(claims=claims, key=key)

    def check_activity(
        self,
        token: VerifiedToken,
        *,
        service_url: str,
        channel_id: str,
        tenant_id: str | None = None,
    ) -> None:
        """Bind the token to this activity: its serviceUrl and channel, and an allowed connector.

        The serviceUrl is where replies (with the bot's own token) will be posted. A
        single-tenant bot also refuses (403) an activity whose ``channelData.tenant.id`` is
        missing or another organisation's: the Bot Framework signs activities from every tenant
        that installed an app with this bot's id, and a token says nothing about the tenant.
        """
        claim = token.claims.get("serviceurl", token.claims.get("serviceUrl"))
        if not isinstance(claim, str) or not claim:
            raise TeamsAuthError("the token has no serviceurl claim")
        if normalise_service_url(claim) != normalise_service_url(service_url):
            raise TeamsAuthError("the token's serviceurl is not the activity's serviceUrl")
        if not service_url_allowed(service_url, self._service_urls):
            raise TeamsAuthError("the activity's serviceUrl is not an allowed connector")
        endorsements = token.key.endorsements
        if endorsements is not None and channel_id not in endorsements:
            raise TeamsAuthError("the signing key is not endorsed for this channel")
        if self._tenant_id is not None:
            if tenant_id is None:
                raise TeamsAuthError("the activity names no tenant", status=403)
            if tenant_id.strip().lower() != self._tenant_id:
                raise TeamsAuthError("the activity is from another tenant", status=403)


class BotTokens:
    """The bot's own access token for posting replies, by OAuth client credentials.

    One token is shared by all conversations and renewed :data:`TOKEN_EARLY_SECONDS` before it
    expires (or halfway, for short-lived tokens). A lock makes concurrent replies wait for one
    request instead of each asking for a token.
    """

    def __init__(
        self,
        *,
        app_id: str,
        password: str,
        endpoint: str,
        http: JsonHttp,
        clock: Clock = time.monotonic,
    ) -> None:
        self._form = {
            "grant_type": "client_credentials",
            "client_id": app_id,
            "client_secret": password,
            "scope": TOKEN_SCOPE,
        }
        self._endpoint = endpoint
        self._http = http
        self._clock = clock
        self._token: str | None = None
        self._renew_at = 0.0
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"BotTokens(endpoint={self._endpoint!r})"  # never the secret or the token

    async def token(self) -> str:
        """A valid access token, fetching a new one when the cached one is near expiry."""
        async with self._lock:
            if self._token is not None and self._clock() < self._renew_at:
                return self._token
            answer = await self._http.post_form(self._endpoint, self._form)
            token = answer.get("access_token") if isinstance(answer, dict) else None
            if not isinstance(token, str) or not token:
                raise ConnectorError("the token endpoint answered without an access_token")
            try:
                lifetime = float(answer.get("expires_in", 3600))
            except (TypeError, ValueError):
                lifetime = 3600.0
            self._token = token
            self._renew_at = self._clock() + lifetime - min(TOKEN_EARLY_SECONDS, lifetime / 2)
            return token

    def forget(self) -> None:
        """Drop the cached token (the connector refused it), so the next call fetches one."""
        self._token = None


async def post_activity(
    url: str, activity: Mapping[str, Any], *, tokens: BotTokens, http: JsonHttp
) -> None:
    """POST one activity to the connector with the bot's token; raise unless it is accepted.

    A refused token (401/403) is renewed once and the post tried again: the connector may have
    stopped accepting a cached token before its stated expiry. Replies in a conversation and
    the follow-up's proactive messages both go this way.

    Raises:
        ConnectorError: any other status, a second refusal, or a failed request.
    """
    for attempt in (1, 2):
        status = await http.post_json(url, activity, bearer=await tokens.token())
        if 200 <= status < 300:
            return
        if status in {401, 403} and attempt == 1:
            tokens.forget()
            continue
        break
    raise ConnectorError(f"the connector refused an activity ({status})", status=status)
