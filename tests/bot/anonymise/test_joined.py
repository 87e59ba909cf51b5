"""A draft written over several messages is anonymised again whole (bot/anonymise/joined.py)."""

from __future__ import annotations

import pytest

from bot.anonymise import anonymise
from bot.anonymise.core import FAILED_TEXT
from bot.anonymise.joined import anonymise_joined


def door(*messages: str) -> list[str]:
    """Each message as the door leaves it: anonymised alone."""
    return [anonymise(message).text for message in messages]


@pytest.mark.parametrize(
    ("messages", "leaked"),
    [
        (("her mobile was 07700 900", "123 and she never answered"), "123"),
        (("they moved to BN21", "4UG last spring"), "4UG"),
        (("the NHS number on the letter was 943 476", "5919, I checked twice"), "5919"),
        (("I spoke to Kayden", "Smith about the missed visits"), "Smith"),
        (("you can reach her on zq77x@", "example.com if needed"), "zq77x"),
    ],
)
def test_an_identifier_split_over_two_messages_is_caught_in_the_draft(
    messages: tuple[str, str], leaked: str
) -> None:
    # Each half passed the door alone (the door now also reads a message's edges for broken
    # identifiers, bot/anonymise/fragments.py), so the draft must catch it whole either way.
    joined = anonymise_joined(list(messages))
    assert leaked not in anonymise_joined(door(*messages))
    assert leaked not in joined
    assert "[" in joined


def test_a_fragment_next_to_a_placeholder_of_its_type_joins_that_placeholder() -> None:
    # "BN1" alone was redacted; "1AA" in the next message completes it.
    joined = anonymise_joined(["postcode [POSTCODE 1]", "1AA then they moved"])
    assert joined == "postcode [POSTCODE 1] then they moved"


def test_a_surname_after_a_name_placeholder_is_absorbed_and_keeps_the_number() -> None:
    joined = anonymise_joined(["I met [NAME 3]", "smith at the school gate and she was calm"])
    assert "smith" not in joined.lower()
    assert "[NAME 3]" in joined
    assert "[NAME 4]" not in joined


def test_a_new_identifier_is_numbered_after_the_highest_of_its_type() -> None:
    joined = anonymise_joined(
        ["[NAME 1] and [NAME 2] were at the meeting", "and later Kelly Brown came in"]
    )
    assert "Kelly" not in joined and "Brown" not in joined
    assert "[NAME 3]" in joined


def test_text_already_anonymised_is_unchanged_apart_from_the_paragraph_break() -> None:
    parts = [
        "We should have asked [NAME 1] directly about the new partner.",
        "Next time I will check who lives in the house at every visit.",
    ]
    assert anonymise_joined(parts) == "\n\n".join(parts)


def test_placeholders_keep_their_numbers_and_nothing_ordinary_is_lost() -> None:
    parts = ["[NAME 2] told me at [SCHOOL 1] on [DATE 1].", "I wish I had written it down then."]
    assert anonymise_joined(parts) == "\n\n".join(parts)


def test_empty_parts_are_dropped() -> None:
    assert anonymise_joined(["", "  ", "Just one part here."]) == "Just one part here."
    assert anonymise_joined([]) == ""


def test_an_error_withholds_the_added_part_not_the_earlier_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(text: str) -> list[object]:
        raise RuntimeError("detector failed")

    monkeypatch.setattr("bot.anonymise.joined.detect", broken)
    assert (
        anonymise_joined(["first part kept", "second part"]) == f"first part kept\n\n{FAILED_TEXT}"
    )


def test_digits_split_from_a_number_read_as_another_type_join_its_placeholder() -> None:
    # "900901" alone read as a reference, so no stand-in reassembles the phone it completes.
    parts = ["her mobile, it was 07700", "[REFERENCE 1] and the NHS number was on the letter"]
    joined = anonymise_joined(parts)
    assert "07700" not in joined and "900901" not in joined
    assert joined == "her mobile, it was [REFERENCE 1] and the NHS number was on the letter"


def test_numbers_in_separate_messages_that_are_not_identifiers_stay() -> None:
    parts = ["We met the family in 2019", "2020 was worse for them"]
    assert anonymise_joined(parts) == "\n\n".join(parts)
    parts = ["Her number was [PHONE 1]", "and we rang 3 times before visiting"]
    assert anonymise_joined(parts) == "\n\n".join(parts)
