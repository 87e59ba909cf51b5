"""Attack round of the group issue: names written in scripts other than Latin.

Hebrew, Devanagari, Bengali, Arabic, Chinese and Korean names typed into group notes and
actions reached the minutes as typed; Greek and Cyrillic were already caught.
"""

from __future__ import annotations

import pytest

from bot.anonymise import anonymise


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("דוד כהן visited the home", "דוד כהן"),
        ("राहुल शर्मा the dad", "राहुल शर्मा"),
        ("রহিম উদ্দিন the uncle", "রহিম উদ্দিন"),
        ("عمران خان the uncle", "عمران خان"),
        ("محمد علي", "محمد علي"),
        ("李娜 the mum", "李娜"),
        ("when 김민준 is back at school", "김민준"),
        ("the owner is 王小明", "王小明"),
        ("Дмитрий Иванов the dad", "Дмитрий"),
        ("ask ვახტანგ about it", "ვახტანგ"),
        ("ሰላም አበበ was there", "አበበ"),
    ],
)
def test_a_name_in_another_script_is_removed(text: str, name: str) -> None:
    result = anonymise(text).text

    assert name not in result
    assert "[NAME" in result


def test_english_around_it_is_kept() -> None:
    assert anonymise("when 김민준 is back at school").text == "when [NAME 1] is back at school"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("JOHN SMITH was the nurse", "JOHN"),
        ("MARY was the nurse", "MARY"),
        ("ADAM called the school", "ADAM"),
    ],
)
def test_a_first_name_in_capitals_in_prose_is_a_name(text: str, name: str) -> None:
    assert name not in anonymise(text).text


@pytest.mark.parametrize(
    "text", ["the MASH team said", "we rang SPOA and the GP", "CAMHS were involved"]
)
def test_acronyms_in_prose_stay(text: str) -> None:
    assert anonymise(text).text == text


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("NHS number begins 485 777", "485 777"),
        ("phone 07700 900", "07700 900"),
        ("the case number is 4471", "4471"),
        ("ends 3456", "3456"),
        ("and ends 4GT", "4GT"),
        ("321 is the rest", "321"),
    ],
)
def test_part_of_an_identifier_is_removed(text: str, part: str) -> None:
    """Split over two notes, "NHS number begins 485 777" then "ends 3456" kept all ten digits."""
    assert part not in anonymise(text).text


@pytest.mark.parametrize(
    "text",
    ["3 police, 2 health", "we met at 1530 and it ends at 5", "case closed in 2019", "ok 123"],
)
def test_counts_times_and_years_stay(text: str) -> None:
    assert anonymise(text).text == text
