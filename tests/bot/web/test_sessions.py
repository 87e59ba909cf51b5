"""Widget session tokens: issued and signed by the server, refused when altered, old, garbage or
revoked ("Forget this conversation")."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date, timedelta

import pytest

from bot.reflections.receipts import sender_hash
from bot.settings.config import Settings
from bot.web.sessions import FUTURE_SKEW_DAYS, TOKEN_CHARS, SessionSigner, WidgetSessions
from tests.bot.web.fakes import FakeRevocationList

SECRET = b"session-test-secret-0123456789abcdef"
TODAY = date(2025, 3, 14)


@pytest.fixture
def signer() -> SessionSigner:
    return SessionSigner(secret=SECRET, max_age_days=7)


def _raw(token: str) -> bytearray:
    return bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def test_a_fresh_token_is_compact_url_safe_and_verifies(signer: SessionSigner) -> None:
    token = signer.issue(today=TODAY)

    assert len(token) == TOKEN_CHARS == 47
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert signer.verify(token, today=TODAY) is True


def test_tokens_are_random(signer: SessionSigner) -> None:
    tokens = {signer.issue(today=TODAY) for _ in range(200)}

    assert len(tokens) == 200
    ids = {bytes(_raw(token)[1:17]) for token in tokens}
    assert len(ids) == 200


def test_a_token_is_valid_for_the_configured_days_and_then_expires(signer: SessionSigner) -> None:
    token = signer.issue(today=TODAY)

    assert signer.verify(token, today=TODAY + timedelta(days=7)) is True
    assert signer.verify(token, today=TODAY + timedelta(days=8)) is False
    assert signer.verify(token, today=TODAY + timedelta(days=4000)) is False


def test_a_token_from_the_future_is_refused(signer: SessionSigner) -> None:
    token = signer.issue(today=TODAY + timedelta(days=30))

    assert signer.verify(token, today=TODAY) is False
    # One day of clock difference between servers around midnight is tolerated.
    assert signer.verify(signer.issue(today=TODAY + timedelta(days=1)), today=TODAY) is True


def test_expiry_follows_settings() -> None:
    signer = SessionSigner.from_settings(Settings(secret=SECRET, widget_session_days=2))
    token = signer.issue(today=TODAY)

    assert signer.verify(token, today=TODAY + timedelta(days=2)) is True
    assert signer.verify(token, today=TODAY + timedelta(days=3)) is False


@pytest.mark.parametrize("index", range(35))
def test_any_altered_byte_is_refused(signer: SessionSigner, index: int) -> None:
    raw = _raw(signer.issue(today=TODAY))
    raw[index] ^= 0x01

    assert signer.verify(_encode(raw), today=TODAY) is False


def test_moving_the_issue_day_forward_breaks_the_signature(signer: SessionSigner) -> None:
    raw = _raw(signer.issue(today=TODAY - timedelta(days=30)))
    day = (TODAY - date(1970, 1, 1)).days
    raw[17:19] = day.to_bytes(2, "big")

    assert signer.verify(_encode(raw), today=TODAY) is False


def test_a_non_canonical_spelling_of_a_valid_token_is_refused(signer: SessionSigner) -> None:
    token = signer.issue(today=TODAY)
    # 35 bytes leave 2 unused bits in the last character: flipping them decodes to the same bytes.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(token[-1])
    twins = [token[:-1] + alphabet[last ^ bits] for bits in (1, 2, 3)]
    assert all(bytes(_raw(twin)) == bytes(_raw(token)) for twin in twins)

    assert [signer.verify(twin, today=TODAY) for twin in twins] == [False, False, False]


def test_a_token_signed_with_another_secret_is_refused(signer: SessionSigner) -> None:
    other = SessionSigner(secret=b"another-secret-0123456789abcdefgh", max_age_days=7)

    assert signer.verify(other.issue(today=TODAY), today=TODAY) is False


def test_the_key_is_not_the_secret_nor_the_sender_hash_key(signer: SessionSigner) -> None:
    token = signer.issue(today=TODAY)
    raw = bytes(_raw(token))
    body, tag = raw[:-16], raw[-16:]

    assert tag != hmac.new(SECRET, body, hashlib.sha256).digest()[:16]
    assert tag != bytes.fromhex(sender_hash(body.hex(), secret=SECRET, channel="socketio")[2:34])


def test_a_forged_token_with_a_valid_shape_is_refused(signer: SessionSigner) -> None:
    body = bytes([1]) + bytes(16) + (TODAY - date(1970, 1, 1)).days.to_bytes(2, "big")
    forged = _encode(body + hmac.new(b"guess", body, hashlib.sha256).digest()[:16])

    assert len(forged) == TOKEN_CHARS
    assert signer.verify(forged, today=TODAY) is False


def test_a_token_of_another_version_is_refused(signer: SessionSigner) -> None:
    raw = _raw(signer.issue(today=TODAY))
    raw[0] = 2

    assert signer.verify(_encode(raw), today=TODAY) is False


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        "",
        " ",
        42,
        b"bytes",
        ["a", "list"],
        {"session_id": "x"},
        "a" * 46,
        "a" * 48,
        "!" * 47,
        "=" * 47,
        "a" * 46 + "\n",
        "é" * 47,
        "\x00" * 47,
        "a" * 10_000_000,
        "0" * 47,
        "session-abc",
        "7c9e6679-7425-40de-944b-e07fc1f90ae7",  # what Rasa's own widget would send
    ],
)
def test_garbage_is_refused_without_raising(signer: SessionSigner, garbage: object) -> None:
    assert signer.verify(garbage, today=TODAY) is False


def test_a_short_secret_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="at least 16 bytes"):
        SessionSigner(secret=b"short", max_age_days=7)


def test_sessions_last_at_least_a_day() -> None:
    with pytest.raises(ValueError, match="at least one day"):
        SessionSigner(secret=SECRET, max_age_days=0)


def test_the_secret_is_not_in_the_repr(signer: SessionSigner) -> None:
    assert SECRET.decode() not in repr(signer)


def test_without_a_date_today_is_used(signer: SessionSigner) -> None:
    assert signer.verify(signer.issue()) is True


# --- revocation -----------------------------------------------------------------------------


@pytest.fixture
def revoked() -> FakeRevocationList:
    return FakeRevocationList()


@pytest.fixture
def sessions(signer: SessionSigner, revoked: FakeRevocationList) -> WidgetSessions:
    return WidgetSessions(signer=signer, revoked=revoked)


def test_a_revoked_token_is_not_verified(sessions: WidgetSessions) -> None:
    token = sessions.issue(today=TODAY)
    other = sessions.issue(today=TODAY)
    assert sessions.verify(token, today=TODAY) is True

    assert sessions.revoke(token, today=TODAY) is True

    assert sessions.verify(token, today=TODAY) is False
    assert sessions.is_revoked(token) is True
    # The signature is still good: only the list says no. Other sessions are untouched.
    assert sessions.signer.verify(token, today=TODAY) is True
    assert sessions.verify(other, today=TODAY) is True


def test_the_list_keeps_a_keyed_hash_and_the_issue_day_not_the_token(
    sessions: WidgetSessions, revoked: FakeRevocationList
) -> None:
    token = sessions.issue(today=TODAY - timedelta(days=3))

    sessions.revoke(token, today=TODAY)

    (key,) = revoked.entries
    assert revoked.entries[key] == TODAY - timedelta(days=3)
    assert token not in key and len(key) == 64
    assert key == sessions.signer.revocation_key(token)
    assert key != hashlib.sha256(token.encode()).hexdigest()
    assert key != sender_hash(token, secret=SECRET, channel="socketio")[2:]
    # Another secret gives another key for the same token.
    other = SessionSigner(secret=b"another-secret-0123456789abcdefgh", max_age_days=7)
    assert other.revocation_key(token) != key


def test_revoking_twice_is_harmless(sessions: WidgetSessions, revoked: FakeRevocationList) -> None:
    token = sessions.issue(today=TODAY)

    assert sessions.revoke(token, today=TODAY) is True
    assert sessions.revoke(token, today=TODAY) is True

    assert len(revoked.entries) == 1
    assert sessions.verify(token, today=TODAY) is False


@pytest.mark.parametrize("offered", ["garbage", "a" * 47, None, 42, "tampered", "other-secret"])
def test_only_a_token_signed_here_can_be_revoked(
    sessions: WidgetSessions, revoked: FakeRevocationList, offered: object
) -> None:
    real = sessions.issue(today=TODAY)
    raw = _raw(real)
    raw[5] ^= 0x01
    candidates = {
        "tampered": _encode(raw),
        "other-secret": SessionSigner(
            secret=b"another-secret-0123456789abcdefgh", max_age_days=7
        ).issue(today=TODAY),
    }
    offered = candidates.get(offered, offered) if isinstance(offered, str) else offered

    assert sessions.revoke(offered, today=TODAY) is False

    assert revoked.entries == {}
    assert sessions.verify(real, today=TODAY) is True


def test_garbage_costs_no_lookup_in_the_list(
    sessions: WidgetSessions, revoked: FakeRevocationList
) -> None:
    for garbage in ("garbage", "a" * 47, None, "x" * 100_000):
        assert sessions.verify(garbage, today=TODAY) is False

    assert revoked.asked == []


def test_a_revoked_token_stays_refused_until_it_expires_and_then_its_entry_goes(
    sessions: WidgetSessions, revoked: FakeRevocationList
) -> None:
    token = sessions.issue(today=TODAY)
    sessions.revoke(token, today=TODAY)
    key = sessions.signer.revocation_key(token)

    # Kept while any server could still accept the token (7 days, plus a day of clock skew).
    last_day = TODAY + timedelta(days=7 + FUTURE_SKEW_DAYS)
    for day in (TODAY, TODAY + timedelta(days=7), last_day):
        assert sessions.purge(today=day) == 0, day
        assert key in revoked.entries
        assert sessions.verify(token, today=day) is False

    # The day after, the token is expired anyway: its entry is deleted.
    assert sessions.purge(today=last_day + timedelta(days=1)) == 1
    assert revoked.entries == {}
    assert sessions.verify(token, today=last_day + timedelta(days=1)) is False


def test_revoking_purges_entries_of_expired_tokens(
    sessions: WidgetSessions, revoked: FakeRevocationList
) -> None:
    old = sessions.issue(today=TODAY - timedelta(days=30))
    # Revoked back then, and nobody has revoked anything since.
    revoked.add(sessions.signer.revocation_key(old), issued_on=TODAY - timedelta(days=30))
    recent = sessions.issue(today=TODAY - timedelta(days=2))

    sessions.revoke(recent, today=TODAY)

    assert revoked.entries == {sessions.signer.revocation_key(recent): TODAY - timedelta(days=2)}


def test_issued_on_is_the_signed_day_even_when_expired(signer: SessionSigner) -> None:
    token = signer.issue(today=TODAY - timedelta(days=100))

    assert signer.verify(token, today=TODAY) is False
    assert signer.issued_on(token) == TODAY - timedelta(days=100)
    assert signer.issued_on("a" * 47) is None
