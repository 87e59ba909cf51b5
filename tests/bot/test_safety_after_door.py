"""The safety net sees anonymised text (the door runs first), so it must work on placeholders."""

from __future__ import annotations

import pytest

from bot.anonymise import anonymise
from bot.safety import Signal, assess


@pytest.mark.parametrize(
    "raw",
    [
        "a 4 year old at the house I am at has bruises on his face",
        "Kayden in year 4 told me his dad hits him",
        "mum Sarah just told me dad threatened to kill the kids tonight",
        "there is a baby with bruises at 14 Seaview Road right now",
        "my colleague jo is worried about a toddler left alone in the flat next door",
        "Amara at Oakwood Primary says she is scared to go home tonight",
        "DC Okafor says Leo's stepdad is at the house now and he has a knife",
    ],
)
def test_urgent_concerns_are_still_urgent_after_anonymisation(raw: str) -> None:
    redacted = anonymise(raw).text
    assert redacted != raw  # the door really changed something
    assert assess(redacted).signal is Signal.URGENT


@pytest.mark.parametrize(
    "raw",
    [
        "working with the Smith family last year really got to me",
        "I can't stop thinking about what happened to Kayden",
    ],
)
def test_distress_is_still_distress_after_anonymisation(raw: str) -> None:
    assert assess(anonymise(raw).text).signal is Signal.DISTRESS
