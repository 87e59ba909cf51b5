"""The safety net sees anonymised text (the door runs first), so it must work on placeholders."""

from __future__ import annotations

import pytest

from bot.anonymise import anonymise
from bot.safety.net import Signal, assess


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


@pytest.mark.parametrize(
    "raw",
    [
        "Tyler in year 8 gets knocked about at home by his older brother",
        "Nicole's mum is letting a man who did time for abusing kids stay at 3 Mill Lane",
        "Jade is 14 and gets picked up from school by men in cars who give her weed",
    ],
)
def test_new_classes_of_live_concern_survive_anonymisation(raw: str) -> None:
    redacted = anonymise(raw).text
    assert redacted != raw
    assert assess(redacted).signal is Signal.URGENT


@pytest.mark.parametrize(
    "raw",
    [
        "Dad Justice told us the twins were fine after the weekend",
        "JB and her sister MB were never seen alone, which the review noted",
        "we knew him as Big Terry, and his record only came out much later",
    ],
)
def test_reflections_with_names_initials_or_nicknames_stay_none_after_the_door(raw: str) -> None:
    found = assess(anonymise(raw).text)
    assert found.signal is Signal.NONE, found
    assert found.retrospective or found.all_clear or found.general or not found.particular
