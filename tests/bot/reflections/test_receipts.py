from __future__ import annotations

import re
from datetime import date

import pytest

from bot.reflections.receipts import (
    ALPHABET,
    attempt_key,
    keyed_hex,
    new_receipt_code,
    normalise_code,
    receipt_hash,
    sender_hash,
)

SECRET = b"test-secret-0123456789abcdef"
OTHER_SECRET = b"another-secret-9876543210fedcba"
CODE_SHAPE = re.compile(r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}")


def test_alphabet_is_crockford_base32() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert not set("ILOU") & set(ALPHABET)


def test_new_code_has_the_readable_format() -> None:
    code = new_receipt_code()

    assert CODE_SHAPE.fullmatch(code), code
    assert normalise_code(code) == code


def test_codes_are_unique_over_ten_thousand() -> None:
    codes = [new_receipt_code() for _ in range(10_000)]

    assert len(set(codes)) == len(codes)
    assert all(CODE_SHAPE.fullmatch(code) for code in codes)


def test_codes_use_the_whole_alphabet() -> None:
    used = set("".join(new_receipt_code() for _ in range(2_000)).replace("-", ""))

    assert used == set(ALPHABET)


@pytest.mark.parametrize(
    "typed",
    [
        "7K2QD-M9XAT",
        "7k2qd-m9xat",
        "7K2QDM9XAT",
        "7k2qd m9xat",
        " 7K2QD - M9XAT \n",
        "7K2 QD M9 XAT",
        "7K2QD–M9XAT",  # en dash from a phone keyboard
        '"7K2QD-M9XAT"',
        "7K2QD-M9XAT.",
    ],
)
def test_normalise_accepts_messy_typing(typed: str) -> None:
    assert normalise_code(typed) == "7K2QD-M9XAT"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("O0OOO-ooooo", "00000-00000"),
        ("I1IL1-lilli", "11111-11111"),
        ("abcde-fghjk", "ABCDE-FGHJK"),
    ],
)
def test_normalise_maps_lookalikes(typed: str, expected: str) -> None:
    assert normalise_code(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "7K2QD-M9XA",  # too short
        "7K2QD-M9XATT",  # too long
        "7K2QU-M9XAT",  # U is not in the alphabet
        "7K2Q!-M9XAT",
        "my code is 7K2QD-M9XAT",
        "hello",
        "7K2QD/M9XAT",
    ],
)
def test_normalise_rejects_what_cannot_be_a_code(typed: str) -> None:
    assert normalise_code(typed) is None


def test_receipt_hash_is_hex_sha256_and_ignores_how_the_code_was_typed() -> None:
    digest = receipt_hash("7K2QD-M9XAT", secret=SECRET)

    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert receipt_hash("7k2qd m9xat", secret=SECRET) == digest
    assert receipt_hash("7K2QDM9XAT", secret=SECRET) == digest


def test_receipt_hash_differs_with_another_secret_or_code() -> None:
    digest = receipt_hash("7K2QD-M9XAT", secret=SECRET)

    assert receipt_hash("7K2QD-M9XAT", secret=OTHER_SECRET) != digest
    assert receipt_hash("7K2QD-M9XAV", secret=SECRET) != digest


def test_receipt_hash_never_contains_the_code() -> None:
    code = "7K2QD-M9XAT"

    assert code.replace("-", "").lower() not in receipt_hash(code, secret=SECRET)


def test_receipt_hash_refuses_a_non_code() -> None:
    with pytest.raises(ValueError, match="not a receipt code"):
        receipt_hash("nonsense", secret=SECRET)


@pytest.mark.parametrize("secret", [b"", b"short", b"x" * 15])
def test_hashes_refuse_a_secret_too_short_to_be_a_key(secret: bytes) -> None:
    with pytest.raises(ValueError, match="at least 16 bytes"):
        receipt_hash("7K2QD-M9XAT", secret=secret)
    with pytest.raises(ValueError, match="at least 16 bytes"):
        sender_hash("29:1abc", secret=secret, channel="teams")


def test_sender_hash_is_a_stable_prefixed_pseudonym() -> None:
    raw = "29:1AbCdEf-teams-user"
    hashed = sender_hash(raw, secret=SECRET, channel="teams")

    assert re.fullmatch(r"s_[0-9a-f]{64}", hashed)
    assert sender_hash(raw, secret=SECRET, channel="teams") == hashed
    assert sender_hash(raw, secret=OTHER_SECRET, channel="teams") != hashed
    assert sender_hash("someone-else", secret=SECRET, channel="teams") != hashed
    assert "teams" not in hashed


def test_sender_hash_is_separated_by_channel() -> None:
    """A REST client choosing a Teams or widget id as its sender must not get that pseudonym."""
    raw = "teams:conversation:19:abc@thread.v2"
    by_channel = {
        channel: sender_hash(raw, secret=SECRET, channel=channel)
        for channel in ("rest", "socketio", "teams")
    }

    assert len(set(by_channel.values())) == 3
    # Moving bytes between the channel name and the id gives nothing either.
    assert sender_hash("s\x00x", secret=SECRET, channel="rest") != sender_hash(
        "x", secret=SECRET, channel="rests"
    )


@pytest.mark.parametrize("channel", ["", "REST", "rest\x00teams", "a b", "x" * 33])
def test_sender_hash_refuses_a_malformed_channel_name(channel: str) -> None:
    with pytest.raises(ValueError, match="channel"):
        sender_hash("29:1abc", secret=SECRET, channel=channel)


def test_hashes_are_separated_by_purpose() -> None:
    """A sender id that looks like a code must not hash to that code's receipt hash."""
    code = "7K2QD-M9XAT"

    assert sender_hash(code, secret=SECRET, channel="rest")[2:] != receipt_hash(code, secret=SECRET)


def test_attempt_key_changes_every_day_and_differs_from_the_sender_hash() -> None:
    sender = sender_hash("29:1AbCdEf", secret=SECRET, channel="teams")
    monday = attempt_key(sender, secret=SECRET, day=date(2026, 11, 23))
    tuesday = attempt_key(sender, secret=SECRET, day=date(2026, 11, 24))

    assert re.fullmatch(r"a_[0-9a-f]{64}", monday)
    assert monday != tuesday
    assert attempt_key(sender, secret=SECRET, day=date(2026, 11, 23)) == monday
    assert monday[2:] != sender[2:]


def test_keyed_hex_separates_domains_and_needs_a_real_secret() -> None:
    one = keyed_hex(SECRET, b"reflect/one\x00", "message")

    assert len(one) == 64 and one == keyed_hex(SECRET, b"reflect/one\x00", "message")
    assert one != keyed_hex(SECRET, b"reflect/two\x00", "message")
    assert one != keyed_hex(OTHER_SECRET, b"reflect/one\x00", "message")
    with pytest.raises(ValueError):
        keyed_hex(b"short", b"reflect/one\x00", "message")
