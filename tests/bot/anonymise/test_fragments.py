"""A message's edges are read for the broken ends of identifiers (attack round 4)."""

from __future__ import annotations

import pytest

from bot.anonymise import anonymise


@pytest.mark.parametrize(
    ("message", "gone"),
    [
        ("mum's mobile is 07700 9", "07700"),
        ("her number was +44 7700 90", "7700"),
        ("her NHS 999 222", "222"),
        ("postcode BN2", "BN2"),
        ("her surname was Quenby-", "Quenby"),
        ("00 888 was the rest of it", "888"),
        ("4QQ and then they moved", "4QQ"),
        ("1aa was the end of the postcode", "1aa"),
        ("07700 and then I rang again", "07700"),
    ],
)
def test_a_broken_identifier_at_a_message_edge_is_redacted(message: str, gone: str) -> None:
    assert gone not in anonymise(message).text


@pytest.mark.parametrize(
    "message",
    [
        "3 kids at home and a new baby",
        "2019 was a hard year for the team",
        "999 is what I would ring",
        "20 minutes late to the core group",
        "4th visit and still no answer",
        "1am is when the calls came in",
        "the visit was at 10",
        "I rang 3 times",
        "we saw her at 2pm",
    ],
)
def test_ordinary_numbers_at_the_edges_survive(message: str) -> None:
    assert anonymise(message).text == message


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("we found that Rain Brook had not been checked", "Brook"),
        ("I supported her son Rain Brook; Mr Rain was often away", "Brook"),
        ("I spoke to Mrs Joy baker about it", "baker"),
    ],
)
def test_surnames_that_are_words(text: str, gone: str) -> None:
    assert gone not in anonymise(text).text


@pytest.mark.parametrize(
    "text",
    [
        "The Local Child Safeguarding Practice Review was published.",
        "so Recommendation Three is a real challenge",
        "Social Care had the case for a year",
        "we think Early Help was right",
    ],
)
def test_capitalised_phrases_that_are_not_names_survive(text: str) -> None:
    assert anonymise(text).text == text


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("Quenby\u200cHarrow said school is far", "Quenby"),  # attack round 5
        ("Kelly\u200bSmith came to the meeting", "Smith"),
        ("Quenby Harrow said school is far", "Quenby"),
    ],
)
def test_names_glued_by_an_invisible_character_or_before_a_place_surname(
    text: str, gone: str
) -> None:
    assert gone not in anonymise(text).text


def test_an_invisible_character_inside_a_word_or_number_is_still_removed() -> None:
    assert anonymise("0770\u200b0900\u200b123").text == "[PHONE 1]"
    assert anonymise("we met on the w\u200bard").text == "we met on the ward"


@pytest.mark.parametrize(
    "text",
    [
        "we reflected that quenby harrow had not been asked",  # attack round 5
        "i rang ottoline brabazon about it",
    ],
)
def test_an_unknown_first_name_and_surname_in_lower_case(text: str) -> None:
    out = anonymise(text).text
    assert "[NAME 1]" in out and "quenby" not in out and "ottoline" not in out


@pytest.mark.parametrize(
    "text",
    [
        "there is a fundraiser page online",
        "we used the dvds and marac route",
        "recieved teh referal late",
        "she has adhd and asd",
    ],
)
def test_lower_case_words_that_are_not_names_survive(text: str) -> None:
    assert anonymise(text).text == text
