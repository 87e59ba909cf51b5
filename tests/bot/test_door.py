"""The door: known button payloads pass as they are, everything else is anonymised and bounded."""

from __future__ import annotations

import pytest

from bot.anonymise import anonymise
from bot.config import PROJECT_ROOT as _ROOT
from bot.door import MAX_MESSAGE_CHARS, Door, DoorError
from bot.rasa_ext.channels import domain_intents
from bot.receipts import sender_hash

INTENTS = domain_intents(_ROOT / "domain.yml")

SECRET = b"door-test-secret-0123456789abcdef"
OTHER_SECRET = b"another-door-secret-fedcba9876543210"
KNOWN_VALUES = {"information-sharing", "police", "prefer_not_to_say"}
FREE_TEXT = "I spoke to Sarah Jones on 07700 900123 at BN21 4UG about Child Z and SPoA."


@pytest.fixture
def door() -> Door:
    return Door.create(secret=SECRET, payload_values=KNOWN_VALUES, intents=INTENTS)


# --- button payloads ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        "/next_point",
        '/ask_key_learning{"learning_id":"information-sharing"}',
        '/choose_agency{"agency":"police"}',
        '/choose_agency{"agency":"prefer_not_to_say"}',
    ],
)
def test_known_payloads_pass_unchanged(door: Door, payload: str) -> None:
    assert door.clean_text(payload) == payload


def test_a_known_payload_is_trimmed_but_otherwise_kept(door: Door) -> None:
    assert door.clean_text("  /next_point \n") == "/next_point"


@pytest.mark.parametrize(
    "payload",
    [
        '/choose_agency{"agency":"Sarah Jones"}',  # a name as the value
        '/choose_agency{"agency":"fire_service"}',  # an unknown value
        '/choose_agency{"name":"police"}',  # an unknown key
        '/choose_agency{"agency":"police","note":"police"}',  # one unknown key among known
        '/choose_agency{"agency":1}',  # not a string
        '/choose_agency{"agency":["police"]}',
        "/choose_agency{not json}",
        "/Next_Point",  # not an intent name Rasa's buttons use
    ],
)
def test_other_payloads_are_anonymised_as_plain_text(door: Door, payload: str) -> None:
    cleaned = door.clean_text(payload)

    assert not cleaned.startswith("/")
    assert cleaned == anonymise(payload[1:]).text


def test_a_name_in_a_payload_value_does_not_survive(door: Door) -> None:
    cleaned = door.clean_text('/choose_agency{"agency":"Sarah Jones"}')

    assert "Sarah" not in cleaned
    assert "Jones" not in cleaned


def test_a_bare_slash_is_not_an_intent(door: Door) -> None:
    assert door.clean_text("/") == "[EMPTY]"
    assert door.clean_text("//") == "[EMPTY]"


@pytest.mark.parametrize("typed", ["/sarah_jones", '/sarah_jones{"agency":"police"}'])
def test_a_name_typed_as_an_intent_does_not_survive(door: Door, typed: str) -> None:
    assert "sarah" not in door.clean_text(typed).lower()


# --- free text ---------------------------------------------------------------------------------


def test_free_text_is_anonymised(door: Door) -> None:
    cleaned = door.clean_text(FREE_TEXT)

    for identifier in ("Sarah", "Jones", "07700 900123", "07700", "BN21 4UG", "BN21"):
        assert identifier not in cleaned
    assert "Child Z" in cleaned
    assert "SPoA" in cleaned
    assert cleaned == anonymise(FREE_TEXT).text


def test_free_text_keeps_its_paragraphs(door: Door) -> None:
    text = "First thought about SPoA.\n\nSecond thought about Child Z."

    assert door.clean_text(text) == text


def test_surrounding_whitespace_is_dropped(door: Door) -> None:
    assert door.clean_text("  We would ask SPoA sooner.  ") == "We would ask SPoA sooner."


# --- receipt codes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("7K3QF-X9M2D", "7K3QF-X9M2D"),
        ("7k3qf-x9m2d", "7K3QF-X9M2D"),
        ("7k3qf-x9m2o", "7K3QF-X9M20"),  # the look-alike O is read as 0
        ("  7k3qf-x9m2d  ", "7K3QF-X9M2D"),
    ],
)
def test_a_receipt_code_alone_survives_normalised(door: Door, typed: str, kept: str) -> None:
    assert door.clean_text(typed) == kept


def test_a_receipt_code_in_a_sentence_survives_normalised(door: Door) -> None:
    assert door.clean_text("my code is 7k3qf-x9m2d") == "my code is 7K3QF-X9M2D"


def test_the_rest_of_a_sentence_with_a_code_is_anonymised(door: Door) -> None:
    cleaned = door.clean_text("Sarah Jones gave me 7k3qf-x9m2d, ring 07700 900123")

    assert "7K3QF-X9M2D" in cleaned
    for identifier in ("Sarah", "Jones", "07700 900123"):
        assert identifier not in cleaned


def test_an_ordinary_hyphenated_word_is_not_taken_for_a_code(door: Door) -> None:
    assert door.clean_text("We did a cross-check with SPoA") == "We did a cross-check with SPoA"


@pytest.mark.parametrize(
    ("typed", "code"),
    [("7K3QFX9M2D", "7K3QF-X9M2D"), ("7k3qfx9m2d", "7K3QF-X9M2D"), ("RVXJB CAFV2", "RVXJB-CAFV2")],
)
def test_a_code_typed_without_its_hyphen_survives(door: Door, typed: str, code: str) -> None:
    assert door.clean_text(typed) == code


def test_placeholders_stay_distinct_either_side_of_a_code(door: Door) -> None:
    cleaned = door.clean_text("Sarah said 7k3qf-x9m2d and then John left")

    assert "7K3QF-X9M2D" in cleaned
    assert "[NAME 1]" in cleaned
    assert "[NAME 2]" in cleaned


# --- refused messages --------------------------------------------------------------------------


@pytest.mark.parametrize("message", ["", "   ", "\n\t", None, 42, ["hi"], {"text": "hi"}])
def test_an_empty_or_non_string_message_is_refused(door: Door, message: object) -> None:
    with pytest.raises(DoorError) as refused:
        door.clean_text(message)

    assert str(refused.value) == "a non-empty 'message' is required"


def test_a_message_over_the_limit_is_refused_without_quoting_it(door: Door) -> None:
    text = ("Sarah Jones " * MAX_MESSAGE_CHARS)[: MAX_MESSAGE_CHARS + 1]

    with pytest.raises(DoorError) as refused:
        door.clean_text(text)

    assert "Sarah" not in str(refused.value)
    assert str(MAX_MESSAGE_CHARS) in str(refused.value)


def test_a_message_at_the_limit_is_accepted(door: Door) -> None:
    assert door.clean_text("a" * MAX_MESSAGE_CHARS)


def test_door_error_is_a_value_error() -> None:
    assert issubclass(DoorError, ValueError)


# --- sender pseudonyms -------------------------------------------------------------------------

CHANNELS = ("rest", "socketio", "teams")


@pytest.mark.parametrize("sender", [None, "", "   ", 42, b"teams-user"])
def test_a_missing_or_empty_sender_is_refused(door: Door, sender: object) -> None:
    with pytest.raises(DoorError) as refused:
        door.pseudonymise(sender, channel="rest")

    assert str(refused.value) == "a non-empty 'sender' is required"


def test_pseudonymise_is_deterministic_for_one_secret(door: Door) -> None:
    again = Door.create(secret=SECRET, payload_values=(), intents=INTENTS)
    raw = "29:1a-teams-user"

    assert door.pseudonymise(raw, channel="teams") == door.pseudonymise(raw, channel="teams")
    assert door.pseudonymise(raw, channel="teams") == again.pseudonymise(raw, channel="teams")
    assert door.pseudonymise(raw, channel="teams") == sender_hash(
        raw, secret=SECRET, channel="teams"
    )


def test_pseudonymise_differs_across_secrets_and_senders(door: Door) -> None:
    other = Door.create(secret=OTHER_SECRET, payload_values=KNOWN_VALUES, intents=INTENTS)

    assert door.pseudonymise("user-1", channel="rest") != other.pseudonymise(
        "user-1", channel="rest"
    )
    assert door.pseudonymise("user-1", channel="rest") != door.pseudonymise(
        "user-2", channel="rest"
    )


@pytest.mark.parametrize(
    "raw", ["teams:conversation:19:abc@thread.v2", "teams:user:29:1abc", "a-widget-session-id"]
)
def test_one_id_through_two_channels_is_two_pseudonyms(door: Door, raw: str) -> None:
    pseudonyms = {channel: door.pseudonymise(raw, channel=channel) for channel in CHANNELS}

    assert len(set(pseudonyms.values())) == len(CHANNELS)
    assert all(pseudonym.startswith("s_") for pseudonym in pseudonyms.values())


def test_pseudonymise_never_contains_the_raw_id(door: Door) -> None:
    raw = "sarah.jones@example.org"

    hashed = door.pseudonymise(raw, channel="rest")

    assert raw not in hashed
    assert "sarah" not in hashed
    assert hashed.startswith("s_")
    assert len(hashed) == 2 + 64


def test_create_accepts_any_iterable_of_values() -> None:
    door = Door.create(
        secret=SECRET, payload_values=(value for value in ["police"]), intents=INTENTS
    )

    assert door.payload_values == frozenset({"police"})
    assert door.clean_text('/choose_agency{"agency":"police"}') == (
        '/choose_agency{"agency":"police"}'
    )
