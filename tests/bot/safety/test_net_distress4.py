"""Distress and crisis about the practitioner, round 4: classes the safety net still missed.

Each list is a class of phrasing, not a list of strings to special-case: the patterns in
bot/safety/net.py are written for the class, and these are a handful of varied examples of it.
Never weaken a phrasing to make it pass: fix the patterns.
"""

from __future__ import annotations

import pytest

from bot.safety.net import DISTRESS_RULES, Signal, assess

# a. A pause because the case is too close to one of their own.
PAUSE_TOO_CLOSE = [
    "this one is way too close to a case I had, can we stop for a bit",
    "sorry, it's too similar to a family I worked with, I need to pause",
    "can we leave it there, this is a bit too near to one of mine",
    "this is too like a case of mine from last year, can we come back to it another time",
]

# b. Their own past loss or involvement resurfacing.
OWN_LOSS_RESURFACING = [
    "we had a baby die on my caseload two years ago and this feels exactly the same",
    "I was the social worker for a family where the toddler died",
    "i knew that family, i worked with them for years, i can't do this",
    "I was the school nurse for a girl who died like this and it's all there again",
    "this is exactly how it felt when I lost a child on my caseload",
]

# c. Body and feeling words.
BODY_AND_FEELING = [
    "my stomach has been in knots all week",
    "brain fog, emotionally done, nothing left",
    "i dread opening my inbox now",
    "I used to love this job and now I just don't",
    "I take every family home with me at night",
    "my chest goes tight every time my phone rings",
    "feel sick to my stomach every sunday night",
]

# d. A death the practitioner has not talked about: support, not a child-risk check.
UNSPOKEN_DEATH = [
    "a child died on my patch and I still haven't talked to anyone about it",
    "one of my families lost their baby in the spring and I've never spoken to anyone about it",
    "a young person on my caseload died last year and I've kept it all to myself",
]

# e. Crisis, first person, said without the words for suicide.
CRISIS_METHOD = [
    "thinking about jumping off the bridge on my way home",
    "I thought about driving into a wall on the way back from the visit",
    "i looked up how many tablets it would take last night",
    "keep thinking about stepping off the platform when the train comes",
    "been thinking of driving off the road on the way home",
]

# f. False alarms: reflections that are neither distress nor risk.
NONE_FALSE_ALARMS = [
    "I've been a DSL for 10 years and info sharing is still a grey area",
    "dad's voice is missing from so many assessments",
    "we stopped for a bit in the strategy meeting to check the chronology",
    "the HV was close to the family and missed how much dad was around",
    "I used to think the threshold was clear, now I'm less sure",
    "I dread to think how many assessments leave out the fathers",
]

# f, borderline: may be NONE or DISTRESS, never a child-risk signal.
NOT_URGENT_BORDERLINE = [
    "the child was known to services and still died, that's what hits hardest",
]


@pytest.mark.parametrize(
    "text", PAUSE_TOO_CLOSE + OWN_LOSS_RESURFACING + BODY_AND_FEELING + UNSPOKEN_DEATH
)
def test_own_distress(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.DISTRESS, result
    assert result.rule in DISTRESS_RULES
    assert not result.crisis, result


@pytest.mark.parametrize("text", CRISIS_METHOD)
def test_crisis_without_the_word(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.DISTRESS, result
    assert result.crisis, result


@pytest.mark.parametrize("text", NONE_FALSE_ALARMS)
def test_false_alarms_stay_none(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.NONE, result


@pytest.mark.parametrize("text", NOT_URGENT_BORDERLINE)
def test_borderline_is_never_child_risk(text: str) -> None:
    result = assess(text)
    assert result.signal in (Signal.NONE, Signal.DISTRESS), result
    assert not result.crisis, result


# d, guard: another child still in the family keeps a death a case to check.
STILL_A_CASE = [
    "a child died on my patch and his sister is still at home with dad,"
    " I haven't talked to anyone about it",
    "a child died on my patch and I am worried dad still has contact with the other kids",
]


@pytest.mark.parametrize("text", STILL_A_CASE)
def test_a_death_with_other_children_still_at_home_is_not_only_distress(text: str) -> None:
    result = assess(text)
    assert result.signal in (Signal.CHECK, Signal.URGENT), result


# e, guard: someone else's thoughts of jumping are not the practitioner's crisis.
def test_someone_else_thinking_of_jumping_is_not_the_practitioner() -> None:
    result = assess("she keeps thinking about jumping off the bridge")
    assert not (result.signal is Signal.DISTRESS and result.crisis), result
