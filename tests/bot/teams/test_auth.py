"""Incoming token checks and the bot's own token, with a local RSA key and a fake fetcher."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot.teams.auth import (
    TOKEN_SCOPE,
    BotTokens,
    IncomingAuth,
    SigningKeys,
    TeamsAuthError,
    VerifiedToken,
    normalise_service_url,
    service_url_allowed,
)
from bot.teams.http import ConnectorError

APP_ID = "9f1c2a3b-4d5e-4f60-8a7b-0c1d2e3f4a5b"
OPENID = "https://login.example.test/v1/.well-known/openidconfiguration"
JWKS = "https://login.example.test/v1/.well-known/keys"
SERVICE_URL = "https://smba.trafficmanager.net/emea/"
ALLOWED = ("https://smba.trafficmanager.net/",)
ISSUER = "https://api.botframework.com"
KID = "key-1"

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwk(key: rsa.RSAPrivateKey, kid: str, **extra: Any) -> dict[str, Any]:
    return {
        **json.loads(RSAAlgorithm.to_jwk(key.public_key())),
        "kid": kid,
        "use": "sig",
        **extra,
    }


class FakeHttp:
    """Serves fixed JSON documents by URL and counts the fetches; or fails, when told to."""

    def __init__(self, documents: dict[str, Any]) -> None:
        self.documents = documents
        self.gets: list[str] = []
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.failing = False
        self.delay = 0.0
        self.token_answer: Any = {"access_token": "bot-token-1", "expires_in": 3600}

    async def get_json(self, url: str) -> Any:
        self.gets.append(url)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.failing or url not in self.documents:
            raise ConnectorError(f"GET {url} failed")
        return self.documents[url]

    async def post_form(self, url: str, form: Mapping[str, str]) -> Any:
        self.forms.append((url, dict(form)))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.failing:
            raise ConnectorError("POST failed")
        answer = self.token_answer
        if isinstance(answer, dict) and "access_token" in answer:
            self.token_answer = {**answer, "access_token": f"bot-token-{len(self.forms) + 1}"}
        return answer

    async def post_json(self, url: str, body: Mapping[str, Any], *, bearer: str) -> int:
        raise AssertionError("not used here")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def documents(*keys: dict[str, Any]) -> dict[str, Any]:
    return {OPENID: {"issuer": ISSUER, "jwks_uri": JWKS}, JWKS: {"keys": list(keys)}}


@pytest.fixture
def http() -> FakeHttp:
    return FakeHttp(documents(jwk(KEY, KID, endorsements=["msteams"])))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def keys(http: FakeHttp, clock: Clock) -> SigningKeys:
    return SigningKeys(OPENID, http, clock=clock)


@pytest.fixture
def auth(keys: SigningKeys) -> IncomingAuth:
    return IncomingAuth(app_id=APP_ID, issuers=(ISSUER,), service_urls=ALLOWED, keys=keys)


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "serviceurl": SERVICE_URL,
        "nbf": now - 10,
        "exp": now + 3600,
        "iss": ISSUER,
        "aud": APP_ID,
    }
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def token(
    key: rsa.RSAPrivateKey = KEY, headers: dict[str, Any] | None = None, **overrides: Any
) -> str:
    return jwt.encode(
        claims(**overrides),
        key,
        algorithm="RS256",
        headers={"kid": KID} if headers is None else headers,
    )


def bearer(value: str) -> str:
    return f"Bearer {value}"


async def verified(auth: IncomingAuth, authorization: str | None) -> VerifiedToken:
    result = await auth.verify_token(authorization)
    auth.check_activity(result, service_url=SERVICE_URL, channel_id="msteams")
    return result


# --- a genuine token ---------------------------------------------------------------------------


async def test_a_genuine_token_is_accepted(auth: IncomingAuth) -> None:
    result = await verified(auth, bearer(token()))

    assert result.claims["aud"] == APP_ID
    assert result.key.kid == KID


async def test_the_bearer_scheme_is_case_insensitive(auth: IncomingAuth) -> None:
    await verified(auth, f"bearer {token()}")


@pytest.mark.parametrize("seconds", [-200, 200])
async def test_five_minutes_of_clock_skew_are_allowed(auth: IncomingAuth, seconds: int) -> None:
    now = int(time.time())
    if seconds < 0:  # expired a little while ago
        await verified(auth, bearer(token(exp=now + seconds, nbf=now - 3600)))
    else:  # valid a little in the future
        await verified(auth, bearer(token(nbf=now + seconds)))


async def test_a_service_url_with_or_without_its_trailing_slash_matches(auth: IncomingAuth) -> None:
    result = await auth.verify_token(bearer(token(serviceurl=SERVICE_URL.rstrip("/"))))

    auth.check_activity(result, service_url=SERVICE_URL, channel_id="msteams")


# --- every forged or broken token is a TeamsAuthError with status 401 -------------------------


def _unsigned() -> str:
    header = {"alg": "none", "typ": "JWT", "kid": KID}
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims()).encode())}."


def _hs256_with_public_key() -> str:
    pem = KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": KID}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims()).encode())}"
    return f"{signing_input}.{_b64(hmac.new(pem, signing_input.encode(), hashlib.sha256).digest())}"


def _rs512() -> str:
    return jwt.encode(claims(), KEY, algorithm="RS512", headers={"kid": KID})


FORGED: dict[str, tuple[str | None, str]] = {
    "missing header": (None, "no Authorization header"),
    "empty header": ("", "no Authorization header"),
    "basic auth": ("Basic dXNlcjpwYXNz", "not a Bearer JWT"),
    "bearer without token": ("Bearer ", "not a Bearer JWT"),
    "not a jwt": ("Bearer not-a-jwt", "not a Bearer JWT"),
    "unreadable header": ("Bearer e30x.e30.e30", "header cannot be read"),
    "signed by another key": (bearer(token(OTHER_KEY)), "signature does not verify"),
    "expired": (bearer(token(exp=int(time.time()) - 600, nbf=0)), "expired"),
    # A day ahead, not minutes: FORGED is built at collection, and a slow run takes minutes.
    "not yet valid": (
        bearer(token(nbf=int(time.time()) + 86_400, exp=int(time.time()) + 2 * 86_400)),
        "not valid yet",
    ),
    "wrong audience": (bearer(token(aud="another-app")), "another app"),
    "wrong issuer": (bearer(token(iss="https://sts.windows.net/evil/")), "unexpected issuer"),
    "no issuer": (bearer(token(iss=None)), "invalid"),
    "no expiry": (bearer(token(exp=None)), "invalid"),
    "no kid": (bearer(token(headers={})), "no signing key (kid)"),
    "unknown kid": (bearer(token(headers={"kid": "nobody"})), "unknown signing key"),
    "alg none": (bearer(_unsigned()), "unexpected token algorithm 'none'"),
    "hs256 with the public key": (bearer(_hs256_with_public_key()), "algorithm 'HS256'"),
    "rs512": (bearer(_rs512()), "algorithm 'RS512'"),
}


@pytest.mark.parametrize("case", FORGED)
async def test_forged_tokens_are_refused_with_401(auth: IncomingAuth, case: str) -> None:
    authorization, reason = FORGED[case]

    with pytest.raises(TeamsAuthError) as refused:
        await auth.verify_token(authorization)

    assert refused.value.status == 401
    assert reason in refused.value.reason
    # The reason is for the log: it never quotes the token.
    if authorization and len(authorization) > 40:
        assert authorization.split(" ", 1)[1][:30] not in refused.value.reason


@pytest.mark.parametrize(
    ("token_url", "activity_url", "channel", "reason"),
    [
        ("https://evil.example/amer/", SERVICE_URL, "msteams", "not the activity's serviceUrl"),
        (None, SERVICE_URL, "msteams", "no serviceurl claim"),
        ("https://evil.example/", "https://evil.example/", "msteams", "not an allowed connector"),
        (
            "https://smba.trafficmanager.net.evil.example/emea/",
            "https://smba.trafficmanager.net.evil.example/emea/",
            "msteams",
            "not an allowed connector",
        ),
        (SERVICE_URL, SERVICE_URL, "webchat", "not endorsed for this channel"),
    ],
)
async def test_the_token_is_bound_to_the_activity(
    auth: IncomingAuth, token_url: str | None, activity_url: str, channel: str, reason: str
) -> None:
    result = await auth.verify_token(bearer(token(serviceurl=token_url)))

    with pytest.raises(TeamsAuthError) as refused:
        auth.check_activity(result, service_url=activity_url, channel_id=channel)

    assert refused.value.status == 401
    assert reason in refused.value.reason


TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


@pytest.mark.parametrize(
    ("activity_tenant", "reason"),
    [
        (None, "names no tenant"),
        ("0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", "from another tenant"),
    ],
)
async def test_a_single_tenant_bot_refuses_other_tenants_with_a_403(
    keys: SigningKeys, activity_tenant: str | None, reason: str
) -> None:
    auth = IncomingAuth(
        app_id=APP_ID, issuers=(ISSUER,), service_urls=ALLOWED, keys=keys, tenant_id=TENANT
    )
    result = await auth.verify_token(bearer(token()))

    with pytest.raises(TeamsAuthError) as refused:
        auth.check_activity(
            result, service_url=SERVICE_URL, channel_id="msteams", tenant_id=activity_tenant
        )
    auth.check_activity(
        result, service_url=SERVICE_URL, channel_id="msteams", tenant_id=TENANT.upper()
    )

    assert refused.value.status == 403
    assert reason in refused.value.reason
    assert "0b1c2d3e" not in refused.value.reason  # the other tenant's id is not logged


async def test_a_multi_tenant_bot_checks_no_tenant(auth: IncomingAuth) -> None:
    result = await auth.verify_token(bearer(token()))

    auth.check_activity(result, service_url=SERVICE_URL, channel_id="msteams", tenant_id=None)
    auth.check_activity(result, service_url=SERVICE_URL, channel_id="msteams", tenant_id="any")


def test_an_app_id_is_required(keys: SigningKeys) -> None:
    with pytest.raises(ValueError):
        IncomingAuth(app_id="", issuers=(ISSUER,), service_urls=ALLOWED, keys=keys)


# --- signing keys: cached, refreshed, refetched once for a new kid ----------------------------


async def test_keys_are_fetched_once_and_cached(auth: IncomingAuth, http: FakeHttp) -> None:
    for _ in range(3):
        await verified(auth, bearer(token()))

    assert http.gets == [OPENID, JWKS]


async def test_keys_are_refreshed_after_a_day(
    auth: IncomingAuth, http: FakeHttp, clock: Clock
) -> None:
    await verified(auth, bearer(token()))
    clock.now += 24 * 3600 + 1

    await verified(auth, bearer(token()))

    assert http.gets == [OPENID, JWKS, OPENID, JWKS]


async def test_a_rotated_key_is_fetched_when_a_token_names_it(
    auth: IncomingAuth, http: FakeHttp, clock: Clock
) -> None:
    await verified(auth, bearer(token()))
    http.documents.update(documents(jwk(KEY, KID), jwk(OTHER_KEY, "key-2")))
    clock.now += 301

    await verified(auth, bearer(token(OTHER_KEY, headers={"kid": "key-2"})))

    assert http.gets == [OPENID, JWKS, OPENID, JWKS]


async def test_unknown_kids_cannot_make_the_bot_refetch_on_every_request(
    auth: IncomingAuth, http: FakeHttp, clock: Clock
) -> None:
    await verified(auth, bearer(token()))
    clock.now += 301
    for n in range(5):
        with pytest.raises(TeamsAuthError, match="unknown signing key"):
            await auth.verify_token(bearer(token(headers={"kid": f"random-{n}"})))

    assert http.gets == [OPENID, JWKS, OPENID, JWKS]  # one refetch, not five


async def test_a_failed_refresh_keeps_the_keys_it_has(
    auth: IncomingAuth, http: FakeHttp, clock: Clock
) -> None:
    await verified(auth, bearer(token()))
    clock.now += 24 * 3600 + 1
    http.failing = True

    await verified(auth, bearer(token()))


async def test_no_keys_at_all_is_a_503_not_a_401(auth: IncomingAuth, http: FakeHttp) -> None:
    http.failing = True

    with pytest.raises(TeamsAuthError) as refused:
        await auth.verify_token(bearer(token()))

    assert refused.value.status == 503


async def test_an_unreachable_key_endpoint_is_asked_at_most_every_ten_seconds(
    auth: IncomingAuth, http: FakeHttp, clock: Clock
) -> None:
    http.failing = True
    for _ in range(3):
        with pytest.raises(TeamsAuthError):
            await auth.verify_token(bearer(token()))
    assert http.gets == [OPENID]

    clock.now += 11
    http.failing = False
    await verified(auth, bearer(token()))

    assert http.gets == [OPENID, OPENID, JWKS]


async def test_concurrent_first_requests_fetch_the_keys_once(
    auth: IncomingAuth, http: FakeHttp
) -> None:
    http.delay = 0.01

    await asyncio.gather(*(verified(auth, bearer(token())) for _ in range(5)))

    assert http.gets == [OPENID, JWKS]


@pytest.mark.parametrize(
    "entry",
    [
        {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"},
        {"kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"},
        {"kty": "RSA", "n": "AQAB", "e": "AQAB"},
        {**jwk(OTHER_KEY, "encryption"), "use": "enc"},
        "not a key",
    ],
)
async def test_unusable_keys_in_the_set_are_skipped(
    http: FakeHttp, clock: Clock, entry: Any
) -> None:
    http.documents.update(documents(entry, jwk(KEY, KID)))
    keys = SigningKeys(OPENID, http, clock=clock)

    assert (await keys.key_for(KID)).kid == KID


async def test_a_plain_http_key_set_behind_https_metadata_is_refused(
    http: FakeHttp, clock: Clock
) -> None:
    http.documents[OPENID] = {"jwks_uri": "http://login.example.test/keys"}
    http.documents["http://login.example.test/keys"] = {"keys": [jwk(KEY, KID)]}
    keys = SigningKeys(OPENID, http, clock=clock)

    with pytest.raises(TeamsAuthError) as refused:
        await keys.key_for(KID)

    assert refused.value.status == 503


# --- serviceUrl helpers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://smba.trafficmanager.net/emea/", True),
        ("https://smba.trafficmanager.net/amer", True),
        ("HTTPS://SMBA.trafficmanager.net/emea/", True),
        ("https://smba.trafficmanager.net.evil.example/emea/", False),
        ("https://evil.example/https://smba.trafficmanager.net/", False),
        ("http://smba.trafficmanager.net/emea/", False),
        ("https://user:pw@smba.trafficmanager.net/emea/", False),
        ("https://smba.trafficmanager.net/emea/?x=1", False),
        ("https://smba.trafficmanager.net:8443/emea/", False),
        ("ftp://smba.trafficmanager.net/", False),
        ("not a url", False),
    ],
)
def test_service_url_allow_list(url: str, allowed: bool) -> None:
    assert service_url_allowed(url, ALLOWED) is allowed


@pytest.mark.parametrize(
    ("url", "prefix", "allowed"),
    [
        ("https://smba.trafficmanager.net/amer/", "https://smba.trafficmanager.net/amer", True),
        (
            "https://smba.trafficmanager.net/amerevil/",
            "https://smba.trafficmanager.net/amer",
            False,
        ),
        ("https://smba.trafficmanager.net.evil.example/", "https://smba.trafficmanager.net", False),
    ],
)
def test_a_prefix_without_its_trailing_slash_is_still_a_boundary(
    url: str, prefix: str, allowed: bool
) -> None:
    assert service_url_allowed(url, (prefix,)) is allowed


def test_normalise_service_url() -> None:
    assert normalise_service_url("HTTPS://Smba.TrafficManager.net/emea//") == (
        "https://smba.trafficmanager.net/emea"
    )


# --- the bot's own token ----------------------------------------------------------------------

TOKEN_URL = "https://login.microsoftonline.com/tenant-id/oauth2/v2.0/token"


def bot_tokens(http: FakeHttp, clock: Clock) -> BotTokens:
    return BotTokens(
        app_id=APP_ID, password="s3cret-pw", endpoint=TOKEN_URL, http=http, clock=clock
    )


async def test_the_bot_token_comes_from_client_credentials(http: FakeHttp, clock: Clock) -> None:
    tokens = bot_tokens(http, clock)

    assert await tokens.token() == "bot-token-1"
    assert http.forms == [
        (
            TOKEN_URL,
            {
                "grant_type": "client_credentials",
                "client_id": APP_ID,
                "client_secret": "s3cret-pw",
                "scope": TOKEN_SCOPE,
            },
        )
    ]
    assert TOKEN_SCOPE == "https://api.botframework.com/.default"
    assert "s3cret-pw" not in repr(tokens)


async def test_the_bot_token_is_cached_until_shortly_before_it_expires(
    http: FakeHttp, clock: Clock
) -> None:
    tokens = bot_tokens(http, clock)
    first = await tokens.token()
    clock.now += 3600 - 301
    assert await tokens.token() == first
    clock.now += 2

    assert await tokens.token() != first
    assert len(http.forms) == 2


async def test_a_refused_bot_token_is_forgotten(http: FakeHttp, clock: Clock) -> None:
    tokens = bot_tokens(http, clock)
    first = await tokens.token()

    tokens.forget()

    assert await tokens.token() != first


async def test_concurrent_replies_share_one_token_request(http: FakeHttp, clock: Clock) -> None:
    tokens = bot_tokens(http, clock)
    http.delay = 0.01

    results = await asyncio.gather(*(tokens.token() for _ in range(5)))

    assert len(set(results)) == 1
    assert len(http.forms) == 1


@pytest.mark.parametrize("answer", [{"error": "invalid_client"}, {"access_token": ""}, ["x"]])
async def test_a_token_answer_without_a_token_is_an_error(
    http: FakeHttp, clock: Clock, answer: Any
) -> None:
    http.token_answer = answer

    with pytest.raises(ConnectorError):
        await bot_tokens(http, clock).token()
