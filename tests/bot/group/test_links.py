from __future__ import annotations

import base64
import secrets
from datetime import datetime, timedelta, timezone

import pytest

from bot.group.links import (
    FORMATS,
    MAX_TOKEN_CHARS,
    ROUTE_PREFIX,
    LinkCheck,
    LinkState,
    check,
    download_links,
    download_url,
    sign,
    verify,
)
from bot.web.sessions import SessionSigner
from tests.settings import TEST_SECRET, make_settings

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)
REF = secrets.token_urlsafe(16)


def _sign(ref: str = REF, fmt: str = "pdf", **kw: object) -> str:
    return sign(ref, fmt, secret=TEST_SECRET, now=NOW, ttl=HOUR, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_link_opens_its_minutes_in_its_format(fmt: str) -> None:
    token = _sign(fmt=fmt)

    assert verify(token, secret=TEST_SECRET, now=NOW) == (REF, fmt)
    assert verify(token, secret=TEST_SECRET, now=NOW + HOUR - timedelta(seconds=1)) == (REF, fmt)


def test_a_link_expires_after_its_lifetime() -> None:
    token = _sign()

    assert check(token, secret=TEST_SECRET, now=NOW + HOUR) == LinkCheck(LinkState.EXPIRED)
    assert verify(token, secret=TEST_SECRET, now=NOW + HOUR) is None


def test_a_link_signed_with_another_secret_is_invalid() -> None:
    token = _sign()

    assert check(token, secret=b"another-secret-of-enough-bytes!!", now=NOW).state is (
        LinkState.INVALID
    )


def test_every_changed_byte_is_refused() -> None:
    raw = bytearray(base64.urlsafe_b64decode(_sign() + "=" * (-len(_sign()) % 4)))
    for index in range(len(raw)):
        changed = bytearray(raw)
        changed[index] ^= 0x01
        token = base64.urlsafe_b64encode(bytes(changed)).rstrip(b"=").decode()
        assert check(token, secret=TEST_SECRET, now=NOW).state is LinkState.INVALID, index


def test_a_later_expiry_cannot_be_written_in() -> None:
    token = _sign()
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[2:10] = int(NOW.timestamp() + 10 * 86400).to_bytes(8, "big")
    forged = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()

    assert check(forged, secret=TEST_SECRET, now=NOW + 2 * HOUR).state is LinkState.INVALID


@pytest.mark.parametrize(
    "token",
    [
        None,
        42,
        "",
        "not a token",
        "A" * 10,
        "A" * (MAX_TOKEN_CHARS + 1),
        "../../etc/passwd",
        "%2e%2e",
        "é" * 60,
    ],
)
def test_anything_else_is_invalid_and_never_raises(token: object) -> None:
    assert check(token, secret=TEST_SECRET, now=NOW) == LinkCheck(LinkState.INVALID)


def test_a_non_canonical_spelling_is_refused() -> None:
    token = _sign("x" * 23)  # 49 bytes: the last character carries spare bits
    # Another last character that decodes to the same bytes: a second spelling of one token.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    twins = [
        token[:-1] + ch
        for ch in alphabet
        if ch != token[-1]
        and base64.urlsafe_b64decode(token[:-1] + ch + "=" * (-len(token) % 4))
        == base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    ]

    assert twins
    assert all(check(t, secret=TEST_SECRET, now=NOW).state is LinkState.INVALID for t in twins)


def test_a_widget_session_token_is_not_a_link() -> None:
    widget = SessionSigner(secret=TEST_SECRET, max_age_days=7).issue()

    assert check(widget, secret=TEST_SECRET, now=NOW).state is LinkState.INVALID


@pytest.mark.parametrize(
    ("ref", "fmt", "ttl"),
    [
        (REF, "xlsx", HOUR),
        ("1", "pdf", HOUR),  # a row number is not a ref
        ("a/b" * 8, "pdf", HOUR),
        ("x" * 65, "pdf", HOUR),
        (REF, "pdf", timedelta(0)),
        (REF, "pdf", timedelta(days=2)),
    ],
)
def test_sign_refuses_what_no_link_should_carry(ref: str, fmt: str, ttl: timedelta) -> None:
    with pytest.raises(ValueError):
        sign(ref, fmt, secret=TEST_SECRET, now=NOW, ttl=ttl)


def test_sign_refuses_a_naive_time_and_a_short_secret() -> None:
    with pytest.raises(ValueError):
        sign(REF, "pdf", secret=TEST_SECRET, now=datetime(2026, 11, 27), ttl=HOUR)
    with pytest.raises(ValueError):
        sign(REF, "pdf", secret=b"short", now=NOW, ttl=HOUR)


def test_tokens_are_url_safe_and_differ_per_format_and_ref() -> None:
    tokens = {_sign(ref, fmt) for ref in (REF, secrets.token_urlsafe(16)) for fmt in FORMATS}

    assert len(tokens) == 6
    assert all(
        len(t) <= MAX_TOKEN_CHARS and t.replace("-", "").replace("_", "").isalnum() for t in tokens
    )


def test_download_urls_use_the_public_address_and_the_setting() -> None:
    settings = make_settings(public_url="https://reflect.example.org/", minutes_link_minutes=15)

    url = download_url(settings, REF, "docx", now=NOW)
    token = url.removeprefix(f"https://reflect.example.org{ROUTE_PREFIX}").removesuffix(".docx")

    assert verify(token, secret=TEST_SECRET, now=NOW + timedelta(minutes=14)) == (REF, "docx")
    assert verify(token, secret=TEST_SECRET, now=NOW + timedelta(minutes=15)) is None


def test_download_links_cover_every_format_from_the_web_app_by_default() -> None:
    links = download_links(make_settings(web_port=8080), REF, now=NOW)

    assert links.minutes == 60
    for fmt, url in (("docx", links.docx), ("pdf", links.pdf), ("md", links.md)):
        assert url.startswith(f"http://127.0.0.1:8080{ROUTE_PREFIX}")
        assert url.endswith(f".{fmt}")
