"""Third blind run: classes of misses, each fixed as a class (every example here is our own).

NHS numbers in odd groupings, references with letters and slashes, lower-case vehicle
registrations, surnames in capitals as a family label, word-names opening a sentence before a
person's verb, initials, nicknames, streets without a number, ages with their unit, saints'
schools; and the ordinary words that must survive each rule.
"""

from __future__ import annotations

import pytest

from bot.anonymise import anonymise


def redacted(text: str) -> str:
    return anonymise(text).text


# --- 1. NHS numbers in any grouping after an NHS cue ---------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "NHS no. 48 57 77 34 56 is on the health record.",
        "NHS: 485 7773 456",
        "her nhs number 4857 773 456 was on the discharge letter",
        "NHS # 48577 73456 (baby)",
        "The NHS no is 4 857 773 456 on the form.",
    ],
)
def test_nhs_number_in_any_grouping_after_an_nhs_cue(text: str) -> None:
    out = redacted(text)
    assert "[NHS_NUMBER 1]" in out, out
    assert "773" not in out and "34 56" not in out, out


def test_a_count_after_nhs_is_not_an_nhs_number() -> None:
    assert redacted("The NHS has 10 trusts in the region.") == (
        "The NHS has 10 trusts in the region."
    )
