"""The door: known button payloads pass as they are, everything else is anonymised and bounded."""

from __future__ import annotations

import pytest

from bot.anonymise import anonymise
from bot.channels.door import MAX_MESSAGE_CHARS, Door, DoorError
from bot.channels.intents import domain_intents
from bot.reflections.receipts import receipt_hash, sender_hash, stored_receipt, typed_receipt
from bot.settings.config import PROJECT_ROOT as _ROOT

INTENTS = domain_intents(_ROOT / "domain.yml")

SECRET = b"door-test-secret-0123456789abcdef"
OTHER_SECRET = b"another-door-secret-fedcba9876543210"
KNOWN_VALUES = {"information-sharing", "police", "prefer_not_to_say", "swe", "nmc"}
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
        '/ask_cpd_record{"cpd_variant":"nmc"}',
        '/ask_cpd_record{"cpd_variant":"swe"}',
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
    """A forged payload keeps only its intent's words: names inside its JSON never pass."""
    cleaned = door.clean_text(payload)

    assert not cleaned.startswith("/")
    if "{" in payload and payload.startswith("/choose_agency{") and payload.endswith("}"):
        assert cleaned == "choose agency"
    else:
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


# --- receipt codes: nothing is exempt ------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "7K3QF-X9M2D",
        "7k3qf-x9m2d",
        "7k3qf x9m2d",
        "7K3QFX9M2D",
        "  7k3qf-x9m2d  ",
        "７Ｋ３ＱＦ－Ｘ９Ｍ２Ｄ",
    ],
)
def test_a_receipt_code_becomes_its_keyed_hash(door: Door, typed: str) -> None:
    """Issue 10, finding 1: a code never passes as raw text; withdrawal matches the hash."""
    cleaned = door.clean(typed)

    assert cleaned.text == "[RECEIPT 1]"
    assert cleaned.receipts == (typed_receipt("7K3QF-X9M2D", secret=SECRET),)
    assert cleaned.metadata == {"receipts": [typed_receipt("7K3QF-X9M2D", secret=SECRET)]}


def test_a_look_alike_letter_in_a_code_is_read_as_its_digit(door: Door) -> None:
    assert door.clean("7k3qf-x9m2o").receipts == (typed_receipt("7K3QF-X9M20", secret=SECRET),)


def test_the_rest_of_a_sentence_with_a_code_is_anonymised(door: Door) -> None:
    cleaned = door.clean("Sarah Jones gave me 7k3qf-x9m2d, ring 07700 900123")

    assert cleaned.text == "[NAME 1] gave me [RECEIPT 1], ring [PHONE 1]"
    assert len(cleaned.receipts) == 1


@pytest.mark.parametrize(
    ("typed", "gone"),
    [
        # Issue 10, finding 1: each of these was kept as a "receipt code" before.
        ("Mum is Kelly 07700 900123", ("Kelly", "07700", "900123", "KE11Y")),
        ("Jamie 10yrs was at school", ("Jamie", "JAM1E")),
        ("Ms CLARK-HAYES came to the meeting", ("CLARK", "HAYES", "C1ARK")),
        ("AMBER-ROSE was seen at clinic", ("AMBER", "ROSE")),
        ("AMBER-ROSE", ("AMBER", "ROSE")),  # alone: passed unchanged before
        ("email kelly12345@gmail.com about it", ("kelly", "12345", "KE11Y")),
        ("hospital number RAE1234567 on the letter", ("RAE1234567",)),
    ],
)
def test_identifiers_shaped_like_codes_are_anonymised_not_kept(
    door: Door, typed: str, gone: tuple[str, ...]
) -> None:
    cleaned = door.clean(typed)

    for fragment in gone:
        assert fragment.lower() not in cleaned.text.lower(), cleaned.text
    assert cleaned.receipts == ()


def test_an_ordinary_hyphenated_word_is_not_taken_for_a_code(door: Door) -> None:
    assert door.clean_text("We did a cross-check with SPoA") == "We did a cross-check with SPoA"


def test_placeholders_stay_distinct_either_side_of_a_code(door: Door) -> None:
    cleaned = door.clean_text("Sarah said 7k3qf-x9m2d and then John left")

    assert cleaned == "[NAME 1] said [RECEIPT 1] and then [NAME 2] left"


def test_two_codes_give_two_hashes_in_order(door: Door) -> None:
    cleaned = door.clean("7K3QF-X9M2D or maybe 4M8TD-2QX9R")

    assert cleaned.text == "[RECEIPT 1] or maybe [RECEIPT 2]"
    assert cleaned.receipts == (
        typed_receipt("7K3QF-X9M2D", secret=SECRET),
        typed_receipt("4M8TD-2QX9R", secret=SECRET),
    )


def test_what_the_door_passes_is_not_the_stored_hash(door: Door) -> None:
    """Attack finding: the tracker's metadata must not equal reflections.receipt_hash."""
    (typed,) = door.clean("my code is 7K3QF-X9M2D").receipts

    assert typed != receipt_hash("7K3QF-X9M2D", secret=SECRET)
    assert stored_receipt(typed, secret=SECRET) == receipt_hash("7K3QF-X9M2D", secret=SECRET)


def test_no_metadata_without_a_code(door: Door) -> None:
    assert door.clean("nothing to see here").metadata is None


# --- the conversation remembers what it redacted (as keyed hashes) ------------------------------


def _remembering(door: Door, messages: list[str]) -> list[str]:
    memory: dict[str, str] = {}
    out = []
    for message in messages:
        cleaned = door.clean(message, conversation="c1", recall=dict(memory))
        memory.update(cleaned.remember)
        out.append(cleaned.text)
    return out


def test_a_surname_given_earlier_is_caught_alone_later(door: Door) -> None:
    """Issue 10, finding 3: "Hill" in the second message was left before."""
    first, second = _remembering(door, ["dad is Frankie Hill", "Hill said no to the plan"])

    assert "Hill" not in first
    assert second == "[NAME 1] said no to the plan"


def test_memory_holds_keyed_hashes_not_identifiers(door: Door) -> None:
    cleaned = door.clean("dad is Frankie Hollis on 07700 900123", conversation="c1")

    assert cleaned.remember
    for key in cleaned.remember:
        assert len(key) == 64 and all(ch in "0123456789abcdef" for ch in key)
    assert "hollis" not in " ".join(cleaned.remember).lower()
    assert set(cleaned.remember.values()) <= {"NAME", "PHONE"}


def test_memory_is_per_conversation(door: Door) -> None:
    one = door.clean("dad is Frankie Hollis", conversation="c1").remember
    two = door.clean("dad is Frankie Hollis", conversation="c2").remember

    assert one and two and not set(one) & set(two)


def test_an_ordinary_word_that_was_a_name_survives_as_a_word(door: Door) -> None:
    texts = _remembering(door, ["Met Mark Hill at contact", "I hit the mark, up the hill"])

    assert texts[1] == "I hit the mark, up the hill"


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


def test_a_sender_with_a_lone_surrogate_is_refused(door: Door) -> None:
    with pytest.raises(DoorError) as refused:
        door.pseudonymise("teams-user\ud800", channel="rest")

    assert str(refused.value) == "the 'sender' must be text (it holds a lone surrogate)"


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


@pytest.mark.parametrize(
    ("payload", "cleaned"),
    [
        ('/greet{"pack_id":"no-such-pack"}', "/greet"),
        ('/choose_pack{"pack_id":"Sarah Jones"}', "/choose_pack"),
        ('/greet{"pack_id":["esscp-child-z"]}', "/greet"),
        ('/greet{"pack_id":"x","agency":"police"}', "greet"),  # another key: forged as before
        ('/no_such_intent{"pack_id":"x"}', "no such intent"),
        ('/ask_cpd_record{"cpd_variant":"hcpc"}', "/ask_cpd_record"),  # not a CPD layout
        ('/ask_cpd_record{"cpd_variant":"Sarah Jones"}', "/ask_cpd_record"),
    ],
)
def test_an_unknown_pack_id_is_dropped_and_the_intent_kept(payload: str, cleaned: str) -> None:
    """A page may name a briefing no longer offered: the greeting goes ahead without it."""
    door = Door.create(
        secret=b"s" * 32,
        payload_values={"police"},
        intents={"greet", "choose_pack", "ask_cpd_record"},
    )

    assert door.clean_text(payload) == cleaned
