"""Classes an attack on the running stack found after the third blind run (issue 10)."""

from __future__ import annotations

import pytest

from bot.anonymise import anonymise


@pytest.mark.parametrize(
    ("text", "leaked"),
    [
        ("Mum, Faith Goodwill, and dad both struggled with engagement", "Goodwill"),
        ("Mrs Hope Carpenter came to the core group", "Carpenter"),
        ("grandmother Maureen Carpenter-Wood has the children", "Carpenter-Wood"),
        ("we visited Jordan Fisher at home", "Fisher"),
    ],
)
def test_a_word_after_a_name_in_title_case_is_its_surname(text: str, leaked: str) -> None:
    assert leaked not in anonymise(text).text


@pytest.mark.parametrize(
    "text",
    [
        "we met Kelly at Early Help on Monday",
        "I told Sarah Monday would work",
        "Kelly said the East Sussex procedures were clear",
    ],
)
def test_words_that_follow_names_without_being_surnames_survive(text: str) -> None:
    out = anonymise(text).text
    for word in ("Early Help", "Monday", "East Sussex"):
        if word in text:
            assert word in out, out


@pytest.mark.parametrize(
    ("text", "leaked"),
    [
        ("the family surname is Bishop", "Bishop"),
        ("her maiden name: Carpenter", "Carpenter"),
        ("the initials ZQH were on the file", "ZQH"),
        ("he goes by the name of Tanner", "Tanner"),
    ],
)
def test_a_word_introduced_as_a_name_is_a_name(text: str, leaked: str) -> None:
    assert leaked not in anonymise(text).text


@pytest.mark.parametrize(
    ("text", "leaked"),
    [
        ("the car was W12 XYZ, parked outside", "W12"),
        ("an old van, ABC 123D, on the drive", "123D"),
        ("he's on discord as tabw#1234", "tabw"),
        ("aged fourteen and out late", "teen"),
    ],
)
def test_older_plates_tagged_usernames_and_number_words(text: str, leaked: str) -> None:
    assert leaked not in anonymise(text).text


def test_a_room_or_ticket_without_a_vehicle_word_is_not_a_plate() -> None:
    assert anonymise("room W12 ABC on the ward").text == "room W12 ABC on the ward"
