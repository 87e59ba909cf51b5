"""Round 6: short and bodily distress, blame and the practitioner's own past, crisis without the
word, live children described in clinical or visit terms, a child with the practitioner now, and
reflections that must stay quiet.

Each list is a class of phrasing, not a list of strings to special-case: the patterns in
bot/safety/net.py are written for the class, and these are varied examples of it.
"""

from __future__ import annotations

import pytest

from bot.safety.net import DISTRESS_RULES, URGENT_RULES, Signal, assess

# A. Short or bodily distress.
SHORT_OR_BODILY = [
    "exhausted. just exhausted.",
    "honestly not coping tbh",
    "my chest is tight reading this",
    "stomach churning after that",
    "can hardly get up in the mornings before work",
    "felt nothing reading it, totally numb",
    "all my colleagues manage and I just can't",
    "28 on my caseload, no senior, and now this. i'm done in",
]

# B. Blame and the practitioner's own past.
BLAME_AND_OWN_PAST = [
    "I got it wrong on a case once and even though nobody said so I know it was my fault",
    "they've written me into the chronology like I didn't act. gutted",
    "three years later and I still can't go past that house",
    "each time I read one of these I wonder which of my families will be next",
]

# C. Crisis without the word.
CRISIS = [
    "stopped on the bridge on the way home and stood there thinking about it for ages",
    "can't keep going like this, I've got a plan for tonight",
    "parked up by the railway line after work thinking about it",
]

# D. A live child described in clinical or visit terms.
CLINICAL_OR_VISIT = [
    "4 month old, head circumference has jumped two centiles, vomiting, and dad walks out"
    " whenever I ask about falls",
    "the toddler screams every time dad goes near him, I'm sat outside in the car now",
    "it's my family on tuesday: mum's new partner had his own kids removed, baby is 3 months,"
    " nobody has told mum",
]

# E. A child with or near the practitioner now, injured or at risk.
WITH_ME_NOW = [
    "a 3 year old in clinic right now has a handprint on his cheek",
    "we picked up a 13yo at 2am with older men and custody want to just drop her home",
    "just attended a DA job and the little girl is hiding under the bed with a cut lip",
    "pregnant woman just told me he hits her and he's in the waiting room",
    "16yo on the ward is leaving with her 29 year old boyfriend, he's at the nurses' station",
    "one of my young people has just texted me saying she's got the pills ready",
]

# F. Ordinary reflections and questions: NONE.
STAY_NONE = [
    "what's the difference between the DVDS right to ask and right to know?",
    "the Domestic Abuse Act 2021 recognises children as victims in their own right, yeah?",
    "had a family back in 2015, we got a non-molestation order and she's doing really well now",
    "a baby on my caseload was injured years ago, went to an aunt under an SGO and is"
    " thriving at 7",
    "team reflection: strong on the child, weak on the network around the child",
    "where in Working Together does it talk about fathers?",
]


@pytest.mark.parametrize("text", SHORT_OR_BODILY + BLAME_AND_OWN_PAST)
def test_round6_distress(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.DISTRESS, result
    assert result.rule in DISTRESS_RULES
    assert not result.crisis, result


@pytest.mark.parametrize("text", CRISIS)
def test_round6_crisis(text: str) -> None:
    result = assess(text)
    assert result.signal in (Signal.DISTRESS, Signal.URGENT), result
    assert result.crisis, result


@pytest.mark.parametrize("text", CLINICAL_OR_VISIT + WITH_ME_NOW)
def test_round6_urgent(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.URGENT, result
    assert result.rule in URGENT_RULES


@pytest.mark.parametrize("text", STAY_NONE)
def test_round6_stays_none(text: str) -> None:
    assert assess(text).signal is Signal.NONE, assess(text)
