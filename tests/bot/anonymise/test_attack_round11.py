"""Issue 16's blind attack and Hypothesis run: a phone number with a digit too many, and a
first name the allow-list keeps as a word elsewhere ("Jan" the month) before a surname."""

from __future__ import annotations

import pytest

from bot.anonymise import anonymise


@pytest.mark.parametrize(
    ("text", "identifier"),
    [
        ("mum rang from 01323 555 0123 and we rang back the same day", "555 0123"),
        ("Jan Lee said she was frightened of him.", "Jan"),
        ("Ｊａｎ\u00a0Ｌｅｅ said she was frightened of him.", "Jan"),
        ("Hope Lee rang the office", "Hope"),
        ("jan abdi said she was frightened of him.", "jan"),
        ("JAN ABDI said she was frightened of him.", "JAN"),
    ],
)
def test_the_identifier_is_gone(text: str, identifier: str) -> None:
    assert identifier not in anonymise(text).text


@pytest.mark.parametrize(
    "text",
    ["On 3 Jan the strategy meeting was held.", "We will review the plan in Jan 2027."],
)
def test_the_month_is_never_taken_for_a_first_name(text: str) -> None:
    assert "[NAME" not in anonymise(text).text
