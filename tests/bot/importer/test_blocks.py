"""List markers: split off a line (every reader) and drawn for a number (HTML, DOCX)."""

from __future__ import annotations

import pytest

from bot.importer.blocks import alphabetic, ordinal_marker, roman, split_marker


@pytest.mark.parametrize(
    ("line", "marker", "rest"),
    [
        ("1) The legacy of", "1)", "The legacy of"),
        ("R2: Partners should", "R2:", "Partners should"),
        ("(iii) third", "(iii)", "third"),
        ("\u2022 How do you?", "\u2022", "How do you?"),
        ("a. first", "a.", "first"),
        ("IV. Fourth", "IV.", "Fourth"),
        ("- dash item", "-", "dash item"),
        ("2021 was a year", "", "2021 was a year"),
        ("18 weeks old", "", "18 weeks old"),
        ("3.5 million people", "", "3.5 million people"),
        ("I think so", "", "I think so"),
        ("e.g. this", "", "e.g. this"),
        (". stray", "", ". stray"),
        ("() empty", "", "() empty"),
        ("1)", "", "1)"),
    ],
)
def test_a_marker_is_split_off_and_a_number_in_a_sentence_is_not(
    line: str, marker: str, rest: str
) -> None:
    assert split_marker(line) == (marker, rest)


def test_markers_in_other_counting_systems() -> None:
    assert [roman(n) for n in (1, 4, 9, 14, 40, 1999)] == ["i", "iv", "ix", "xiv", "xl", "mcmxcix"]
    assert [alphabetic(n) for n in (1, 26, 27)] == ["a", "z", "aa"]
    assert ordinal_marker(3, "A") == "C." and ordinal_marker(0, "a") == "0."
