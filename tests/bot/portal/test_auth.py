"""Portal sessions, cookies, CSRF, the pre-session nonce, the chat link and the rate limit."""

from __future__ import annotations

import base64
import dataclasses
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.portal import accounts, auth
from bot.portal.accounts import Principal
from bot.portal.auth import SessionCheck, SessionOutcome, SignInLimiter
from bot.settings.config import Settings
from bot.storage.models import PortalAudit
from bot.storage.session import transaction
from tests.bot.portal.accounts_helpers import NOW, OTHER_PASSWORD, add_lead, use_fast_hashing
from tests.bot.storage.databases import BACKENDS, migrated_sessions
from tests.settings import make_settings

SETTINGS = make_settings()
OTHER_SECRET = make_settings(secret=b"another-deployment-secret-32-bytes!!")
PRODUCTION = make_settings(app_env="production")


@pytest.fixture(params=BACKENDS)
def sessions(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker]:
    with migrated_sessions(request.param, tmp_path) as factory:
        yield factory


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


@pytest.fixture
def lead(sessions: sessionmaker) -> Principal:
    with transaction(sessions) as session:
        return add_lead(session).principal()


def read(
    factory: sessionmaker, value: object, *, minutes: float = 0, settings: Settings = SETTINGS
) -> SessionCheck:
    with transaction(factory) as session:
        return auth.read_session(settings, session, value, NOW + timedelta(minutes=minutes))


def flipped(value: str, index: int) -> str:
    """``value`` with one bit of one byte of the token flipped, re-encoded canonically."""
    raw = bytearray(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    raw[index] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


# --- sessions ---


def test_a_fresh_session_signs_in_as_its_principal(sessions: sessionmaker, lead: Principal) -> None:
    value = auth.issue_session(SETTINGS, lead, NOW)

    check = read(sessions, value, minutes=0.5)

    assert check == SessionCheck(SessionOutcome.OK, principal=lead, account_id=lead.account_id)
    assert value != auth.issue_session(SETTINGS, lead, NOW)  # a new random id each time


def test_the_cookie_is_re_signed_after_a_minute_and_keeps_sliding(
    sessions: sessionmaker, lead: Principal
) -> None:
    value = auth.issue_session(SETTINGS, lead, NOW)

    first = read(sessions, value, minutes=20)
    assert first.outcome is SessionOutcome.OK and first.refreshed is not None
    second = read(sessions, first.refreshed, minutes=45)  # 45 minutes after sign-in

    assert second.outcome is SessionOutcome.OK
    assert read(sessions, value, minutes=45).outcome is SessionOutcome.IDLE


def test_an_idle_session_expires(sessions: sessionmaker, lead: Principal) -> None:
    value = auth.issue_session(SETTINGS, lead, NOW)

    check = read(sessions, value, minutes=SETTINGS.portal_session_idle_minutes)

    assert check == SessionCheck(SessionOutcome.IDLE, account_id=lead.account_id)


def test_a_busy_session_still_expires_after_its_absolute_lifetime(
    sessions: sessionmaker, lead: Principal
) -> None:
    value = auth.issue_session(SETTINGS, lead, NOW)
    minutes = 0
    while True:
        minutes += 10
        check = read(sessions, value, minutes=minutes)
        if check.outcome is not SessionOutcome.OK:
            break
        value = check.refreshed or value

    assert check.outcome is SessionOutcome.EXPIRED
    assert minutes == SETTINGS.portal_session_hours * 60


def test_a_shortened_lifetime_applies_to_sessions_already_issued(
    sessions: sessionmaker, lead: Principal
) -> None:
    value = auth.issue_session(SETTINGS, lead, NOW)
    shorter = dataclasses.replace(SETTINGS, portal_session_hours=1, portal_session_idle_minutes=90)

    assert read(sessions, value, minutes=61, settings=shorter).outcome is SessionOutcome.EXPIRED


def test_an_expired_session_is_audited(sessions: sessionmaker, lead: Principal) -> None:
    value = auth.issue_session(SETTINGS, lead, NOW)

    read(sessions, value, minutes=SETTINGS.portal_session_idle_minutes + 1)

    with transaction(sessions) as session:
        row = session.execute(select(PortalAudit).order_by(PortalAudit.id.desc())).scalars().first()
    assert (row.event, row.account_id, json.loads(row.detail)) == (
        "session_expired",
        lead.account_id,
        {"reason": "idle"},
    )


def test_a_cookie_signed_with_another_secret_is_refused(
    sessions: sessionmaker, lead: Principal
) -> None:
    forged = auth.issue_session(OTHER_SECRET, lead, NOW)

    assert read(sessions, forged) == SessionCheck(SessionOutcome.TAMPERED)


@pytest.mark.parametrize("index", [0, 1, 5, 9, 17, 33, 40, 64])
def test_a_cookie_with_one_byte_changed_is_refused(
    sessions: sessionmaker, lead: Principal, index: int
) -> None:
    value = auth.issue_session(SETTINGS, lead, NOW)

    assert read(sessions, flipped(value, index)).outcome is SessionOutcome.TAMPERED


def test_a_cookie_for_another_account_cannot_be_made_by_editing_it(
    sessions: sessionmaker, lead: Principal
) -> None:
    with transaction(sessions) as session:
        other = add_lead(session, "bob").principal()
    value = auth.issue_session(SETTINGS, lead, NOW)
    raw = bytearray(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    raw[1:5] = other.account_id.to_bytes(4, "big")
    edited = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()

    assert read(sessions, edited).outcome is SessionOutcome.TAMPERED


@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        "x" * 87,
        "!" * 87,
        "x" * 100_000,
        12345,
        b"bytes",
        "AAAA" * 21 + "AAB",  # the right length, not canonical base64
    ],
)
def test_a_malformed_cookie_is_refused(sessions: sessionmaker, value: object) -> None:
    assert read(sessions, value).outcome in {SessionOutcome.MALFORMED, SessionOutcome.TAMPERED}
    if not isinstance(value, str) or len(value) != 87:
        assert read(sessions, value).outcome is SessionOutcome.MALFORMED


@pytest.mark.parametrize("value", [None, ""])
def test_no_cookie_is_missing(sessions: sessionmaker, value: object) -> None:
    assert read(sessions, value) == SessionCheck(SessionOutcome.MISSING)


class NoDatabase:
    """A database session that must not be touched: garbage is refused before any query."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"read_session used the database ({name}) for an unsigned cookie")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=120), st.text(alphabet="AB-_xyz019", min_size=80, max_size=90)))
def test_no_text_ever_signs_in_raises_or_costs_a_query(value: str) -> None:
    check = auth.read_session(SETTINGS, NoDatabase(), value, NOW)

    assert check.outcome in {
        SessionOutcome.MISSING,
        SessionOutcome.MALFORMED,
        SessionOutcome.TAMPERED,
    }


def test_a_disabled_account_loses_its_session(sessions: sessionmaker, lead: Principal) -> None:
    value = auth.issue_session(SETTINGS, lead, NOW)
    with transaction(sessions) as session:
        accounts.disable_account(session, username=lead.username, now=NOW)

    check = read(sessions, value, minutes=1)

    assert check.outcome is SessionOutcome.DISABLED and check.principal is None


def test_a_reset_makes_every_older_session_stale(sessions: sessionmaker, lead: Principal) -> None:
    value = auth.issue_session(SETTINGS, lead, NOW)
    with transaction(sessions) as session:
        account = accounts.reset_password(
            session, username=lead.username, password=OTHER_PASSWORD, now=NOW
        )

    assert read(sessions, value, minutes=1).outcome is SessionOutcome.STALE
    fresh = auth.issue_session(SETTINGS, account.principal(), NOW + timedelta(minutes=2))
    assert read(sessions, fresh, minutes=3).outcome is SessionOutcome.OK


def test_a_cookie_of_an_account_that_is_gone_is_refused(sessions: sessionmaker) -> None:
    ghost = Principal(
        account_id=999, username="ghost", role="lead", scope=accounts.Scope("ESSCP"), generation=1
    )

    assert read(sessions, auth.issue_session(SETTINGS, ghost, NOW)) == SessionCheck(
        SessionOutcome.UNKNOWN_ACCOUNT
    )


def test_the_principal_follows_the_account_as_it_is_now(
    sessions: sessionmaker, lead: Principal
) -> None:
    value = auth.issue_session(SETTINGS, lead, NOW)
    with transaction(sessions) as session:
        row = session.execute(select(accounts.PortalAccount)).scalar_one()
        row.agency = "police"

    check = read(sessions, value)

    assert check.principal is not None and check.principal.scope.agency == "police"


def test_sign_out_ends_every_session_of_the_account(
    sessions: sessionmaker, lead: Principal
) -> None:
    here = auth.issue_session(SETTINGS, lead, NOW)
    elsewhere = auth.issue_session(SETTINGS, lead, NOW)

    with transaction(sessions) as session:
        assert auth.sign_out(SETTINGS, session, here, NOW + timedelta(minutes=1))
    with transaction(sessions) as session:
        assert not auth.sign_out(SETTINGS, session, here, NOW + timedelta(minutes=2))

    assert read(sessions, here, minutes=2).outcome is SessionOutcome.STALE
    assert read(sessions, elsewhere, minutes=2).outcome is SessionOutcome.STALE
    with transaction(sessions) as session:
        events = session.execute(select(PortalAudit.event)).scalars().all()
    assert events.count("sign_out") == 1


def test_a_naive_time_is_a_bug() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        auth.chat_link_token(SETTINGS, NOW.replace(tzinfo=None))


# --- cookies ---


def test_development_cookies_are_http_only_strict_and_scoped_to_the_portal() -> None:
    assert auth.cookie_name(SETTINGS) == "reflect_portal"
    assert auth.cookie_attributes(SETTINGS) == {
        "path": "/portal",
        "max-age": 8 * 3600,
        "httponly": True,
        "samesite": "Strict",
        "secure": False,
    }
    assert auth.set_cookie_header(SETTINGS, "v") == (
        "reflect_portal=v; Path=/portal; Max-Age=28800; HttpOnly; SameSite=Strict"
    )


def test_production_cookies_follow_the_host_prefix_rules() -> None:
    """``__Host-``: Secure, Path=/ and no Domain, or browsers drop the cookie (RFC 6265bis)."""
    for pre_session in (False, True):
        name = auth.cookie_name(PRODUCTION, pre_session=pre_session)
        attributes = auth.cookie_attributes(PRODUCTION, pre_session=pre_session)

        assert name.startswith("__Host-")
        assert attributes["secure"] is True and attributes["path"] == "/"
        assert "domain" not in attributes
        assert attributes["httponly"] is True and attributes["samesite"] == "Strict"
    assert auth.set_cookie_header(PRODUCTION, "v") == (
        "__Host-reflect_portal=v; Path=/; Max-Age=28800; HttpOnly; SameSite=Strict; Secure"
    )


def test_clearing_a_cookie_keeps_its_name_and_path_and_sets_max_age_zero() -> None:
    for settings_ in (SETTINGS, PRODUCTION):
        cleared = auth.cookie_attributes(settings_, clear=True)
        assert cleared["max-age"] == 0
        assert cleared["path"] == auth.cookie_attributes(settings_)["path"]
    assert auth.set_cookie_header(PRODUCTION, "v", clear=True).startswith(
        "__Host-reflect_portal=; Path=/; Max-Age=0;"
    )


def test_the_attributes_fit_sanics_cookie_objects() -> None:
    from sanic.cookies import Cookie

    for clear in (False, True):
        cookie = Cookie(auth.cookie_name(PRODUCTION), "" if clear else "v")
        for key, value in auth.cookie_attributes(PRODUCTION, clear=clear).items():
            cookie[key] = value

        # Sanic spells an empty value "" (the same cookie to a browser).
        expected = auth.set_cookie_header(PRODUCTION, "v", clear=clear)
        assert str(cookie).replace('=""', "=", 1) == expected


# --- CSRF ---


def test_a_csrf_token_is_accepted_only_for_its_own_session(
    sessions: sessionmaker, lead: Principal
) -> None:
    mine = auth.issue_session(SETTINGS, lead, NOW)
    theirs = auth.issue_session(SETTINGS, lead, NOW)
    token = auth.csrf_token(SETTINGS, mine)

    assert auth.check_csrf(SETTINGS, mine, token)
    assert not auth.check_csrf(SETTINGS, theirs, token)  # bound to another session
    assert not auth.check_csrf(SETTINGS, mine, None)  # missing
    assert not auth.check_csrf(SETTINGS, mine, "")
    assert not auth.check_csrf(SETTINGS, mine, auth.csrf_token(OTHER_SECRET, mine))  # wrong
    assert not auth.check_csrf(SETTINGS, mine, token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert not auth.check_csrf(SETTINGS, None, token)
    assert not auth.check_csrf(SETTINGS, mine, "é" * len(token))


def test_a_form_stays_valid_when_its_session_is_re_signed(
    sessions: sessionmaker, lead: Principal
) -> None:
    value = auth.issue_session(SETTINGS, lead, NOW)
    token = auth.csrf_token(SETTINGS, value)

    refreshed = read(sessions, value, minutes=5).refreshed

    assert refreshed is not None and refreshed != value
    assert auth.check_csrf(SETTINGS, refreshed, token)


def test_the_sign_in_form_is_bound_to_a_pre_session_nonce() -> None:
    nonce = auth.new_pre_session(SETTINGS, NOW)
    another = auth.new_pre_session(SETTINGS, NOW)
    token = auth.csrf_token(SETTINGS, nonce)

    assert auth.check_pre_session(SETTINGS, nonce, NOW + timedelta(minutes=59))
    assert auth.check_csrf(SETTINGS, nonce, token)
    assert not auth.check_csrf(SETTINGS, another, token)  # a login CSRF brings no nonce of ours


def test_a_pre_session_nonce_expires_and_cannot_be_forged() -> None:
    nonce = auth.new_pre_session(SETTINGS, NOW)

    assert not auth.check_pre_session(SETTINGS, nonce, NOW + timedelta(hours=1))
    assert not auth.check_pre_session(SETTINGS, auth.new_pre_session(OTHER_SECRET, NOW), NOW)
    assert not auth.check_pre_session(SETTINGS, flipped(nonce, 3), NOW)
    assert not auth.check_pre_session(SETTINGS, None, NOW)
    assert not auth.check_pre_session(SETTINGS, "x" * 55, NOW)


def test_tokens_of_one_kind_never_pass_as_another(sessions: sessionmaker, lead: Principal) -> None:
    link = auth.chat_link_token(SETTINGS, NOW)
    nonce = auth.new_pre_session(SETTINGS, NOW)
    session_value = auth.issue_session(SETTINGS, lead, NOW)

    assert read(sessions, link).outcome is SessionOutcome.MALFORMED
    assert read(sessions, nonce).outcome is SessionOutcome.MALFORMED
    assert not auth.check_pre_session(SETTINGS, link, NOW)
    assert not auth.check_pre_session(SETTINGS, session_value, NOW)
    assert not auth.check_chat_link(SETTINGS, nonce, NOW)
    assert not auth.check_chat_link(SETTINGS, session_value, NOW)


def test_a_csrf_token_needs_something_to_be_bound_to() -> None:
    with pytest.raises(ValueError, match="bound"):
        auth.csrf_token(SETTINGS, "")


# --- the chat link ---


def test_the_chat_link_is_fresh_for_its_minutes_only() -> None:
    token = auth.chat_link_token(SETTINGS, NOW)
    minutes = SETTINGS.portal_link_minutes

    assert auth.check_chat_link(SETTINGS, token, NOW + timedelta(minutes=minutes - 1))
    assert not auth.check_chat_link(SETTINGS, token, NOW + timedelta(minutes=minutes))
    assert not auth.check_chat_link(OTHER_SECRET, token, NOW)
    assert not auth.check_chat_link(SETTINGS, flipped(token, 2), NOW)
    assert not auth.check_chat_link(SETTINGS, "not a token", NOW)


# --- the sign-in rate limit ---


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_one_client_is_limited_per_minute_and_let_in_again_later() -> None:
    clock = FakeClock()
    limiter = SignInLimiter(per_client=3, overall=100, clock=clock)

    allowed = [limiter.attempt("10.0.0.1") for _ in range(5)]
    other = limiter.attempt("10.0.0.2")
    wait = limiter.retry_after("10.0.0.1")
    clock.now += 60

    assert allowed == [True, True, True, False, False]
    assert other is True
    assert wait == 60
    assert limiter.attempt("10.0.0.1") is True
    assert limiter.retry_after("10.0.0.2") == 0


def test_the_window_slides() -> None:
    clock = FakeClock()
    limiter = SignInLimiter(per_client=2, overall=100, clock=clock)
    limiter.attempt("a")
    clock.now += 30
    limiter.attempt("a")

    clock.now += 31  # the first attempt has left the window, the second has not

    assert limiter.attempt("a") is True
    assert limiter.attempt("a") is False


def test_all_clients_together_are_limited_too() -> None:
    clock = FakeClock()
    limiter = SignInLimiter(per_client=10, overall=5, clock=clock)

    allowed = [limiter.attempt(f"10.0.0.{n}") for n in range(8)]

    assert allowed == [True] * 5 + [False] * 3
    assert limiter.retry_after("10.0.0.99") == 60


def test_memory_is_bounded() -> None:
    limiter = SignInLimiter(per_client=1, overall=10**6, max_clients=100, clock=FakeClock())

    for n in range(1000):
        limiter.attempt(f"client-{n}")

    assert len(limiter._clients) == 100
    assert limiter.attempt("client-0") is True  # forgotten first: the least recently seen


def test_the_limiter_is_thread_safe() -> None:
    limiter = SignInLimiter(per_client=50, overall=10_000, clock=FakeClock())
    results: list[bool] = []
    lock = threading.Lock()

    def hammer() -> None:
        mine = [limiter.attempt("one address") for _ in range(100)]
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count(True) == 50


def test_the_limits_come_from_the_settings() -> None:
    limiter = SignInLimiter.from_settings(make_settings(portal_sign_in_per_minute=2))

    assert [limiter.attempt("a") for _ in range(3)] == [True, True, False]


def test_nonsense_limits_are_refused() -> None:
    with pytest.raises(ValueError):
        SignInLimiter(per_client=0, overall=1)
