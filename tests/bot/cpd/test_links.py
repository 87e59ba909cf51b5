from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import pytest

from bot.cpd.links import (
    FORMATS,
    KEY_BYTES,
    MAX_TOKEN_CHARS,
    ROUTE_PREFIX,
    check,
    download_url,
    sign,
)
from bot.group import links as minutes_links
from bot.group.links import LinkState
from tests.settings import TEST_SECRET

NOW = datetime(2026, 12, 7, 23, 0, tzinfo=timezone.utc)
PUBLIC_ID = "Zq3v0Tn9hS2xWmK8pLr4Bw"
KEY = bytes(range(KEY_BYTES))
TTL = timedelta(minutes=30)


def _token(fmt: str = "pdf", **overrides: object) -> str:
    values: dict[str, object] = {"secret": TEST_SECRET, "now": NOW, "ttl": TTL, **overrides}
    return sign(PUBLIC_ID, KEY, fmt, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_signed_link_gives_back_its_record_key_and_format(fmt: str) -> None:
    result = check(_token(fmt), secret=TEST_SECRET, now=NOW + TTL - timedelta(seconds=1))

    assert result.state is LinkState.OK
    assert (result.public_id, result.key, result.fmt) == (PUBLIC_ID, KEY, fmt)


def test_a_link_expires_and_then_names_only_its_record() -> None:
    result = check(_token(), secret=TEST_SECRET, now=NOW + TTL)

    assert result.state is LinkState.EXPIRED
    assert result.public_id == PUBLIC_ID
    assert result.key is None and result.fmt is None


def test_a_changed_expiry_breaks_the_tag() -> None:
    raw = bytearray(base64.urlsafe_b64decode(_token() + "=="))
    raw[9] ^= 0x01  # the expiry's lowest byte: a second later or earlier
    forged = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()

    assert check(forged, secret=TEST_SECRET, now=NOW).state is LinkState.INVALID


@pytest.mark.parametrize("position", [0, 1, 12, 40, 60, -3, -1])
def test_any_changed_character_is_invalid(position: int) -> None:
    token = _token()
    swapped = "A" if token[position] != "A" else "B"
    tampered = (
        token[:position] + swapped + token[position + 1 :]
        if position != -1
        else (token[:-1] + swapped)
    )

    assert check(tampered, secret=TEST_SECRET, now=NOW).state is LinkState.INVALID


def test_another_secret_or_a_minutes_link_is_invalid() -> None:
    other = b"another-secret-for-another-site!"
    minutes = minutes_links.sign(PUBLIC_ID, "pdf", secret=TEST_SECRET, now=NOW, ttl=TTL)

    assert check(_token(), secret=other, now=NOW).state is LinkState.INVALID
    assert check(minutes, secret=TEST_SECRET, now=NOW).state is LinkState.INVALID
    assert minutes_links.check(_token(), secret=TEST_SECRET, now=NOW).state is LinkState.INVALID


@pytest.mark.parametrize(
    "token",
    [None, 42, b"bytes", "", "!" * 40, "A" * (MAX_TOKEN_CHARS + 1), "A" * 20, "a/b", "a=b"],
)
def test_anything_else_is_invalid_without_raising(token: object) -> None:
    assert check(token, secret=TEST_SECRET, now=NOW).state is LinkState.INVALID


def test_only_the_canonical_spelling_is_accepted() -> None:
    token = _token()
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    # A token whose last character carries unused bits: set them and it decodes the same.
    assert len(raw) % 3 != 0
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(token[-1])
    variants = [token[:-1] + alphabet[last | bit] for bit in (1, 2, 4, 8) if last | bit != last]

    decoded_same = [v for v in variants if base64.urlsafe_b64decode(v + "=" * (-len(v) % 4)) == raw]
    assert decoded_same  # the check below is only worth something if such spellings exist
    for variant in decoded_same:
        assert check(variant, secret=TEST_SECRET, now=NOW).state is LinkState.INVALID


@pytest.mark.parametrize(
    ("args", "overrides"),
    [
        (("not-an-id", KEY, "pdf"), {}),
        ((PUBLIC_ID, KEY, "md"), {}),
        ((PUBLIC_ID, KEY[:16], "pdf"), {}),
        ((PUBLIC_ID, KEY, "pdf"), {"ttl": timedelta(days=2)}),
        ((PUBLIC_ID, KEY, "pdf"), {"ttl": timedelta(0)}),
        ((PUBLIC_ID, KEY, "pdf"), {"now": NOW.replace(tzinfo=None)}),
        ((PUBLIC_ID, KEY, "pdf"), {"secret": b"short"}),
    ],
)
def test_signing_refuses_what_would_make_a_bad_link(
    args: tuple[str, bytes, str], overrides: dict[str, object]
) -> None:
    values: dict[str, object] = {"secret": TEST_SECRET, "now": NOW, "ttl": TTL, **overrides}
    with pytest.raises(ValueError):
        sign(*args, **values)  # type: ignore[arg-type]


def test_the_download_url_is_under_cpd_with_the_format() -> None:
    url = download_url(
        "https://reflect.example", PUBLIC_ID, KEY, "docx", secret=TEST_SECRET, now=NOW, ttl=TTL
    )

    assert url.startswith("https://reflect.example" + ROUTE_PREFIX) and url.endswith(".docx")
    token = url.removeprefix("https://reflect.example" + ROUTE_PREFIX).removesuffix(".docx")
    assert check(token, secret=TEST_SECRET, now=NOW).fmt == "docx"
