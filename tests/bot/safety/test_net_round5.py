"""Round 5: a broad safety valve for live-looking reports, and distress classes still missed.

Each list is a class of phrasing, not a list of strings to special-case: the patterns in
bot/safety/net.py are written for the class, and these are a handful of varied examples of it.
Never weaken a phrasing to make it pass: fix the patterns.
"""

from __future__ import annotations

import pytest

from bot.safety.net import CHECK_RULES, DISTRESS_RULES, URGENT_RULES, Signal, assess

# 1a. Live-looking reports: a child or family member + a recent time/place + a harm word.
LIVE_LOOKING = [
    "yr 9 lad came in this am with a mark on his neck, says he fell",
    "the 4yo at nursery had a bite on her arm this morning",
    "client's 12 yr old hasn't been home for 3 nights",
    "one of our families, dad got a call out for DA this week",
    "the baby had a bandaged hand at the visit today, mum vague about it",
    "yr 7 girl sobbing in the toilets this lunchtime, won't say why",
    "little boy in reception flinched when I raised my hand today",
    "8 wk old brought to A&E this week with a bruise on the cheek",
]

# 1b. The clearest combinations: URGENT.
URGENT_NOW = [
    # a disclosure just made
    "a yr 10 girl has just disclosed that her stepdad comes into her room",
    "a 9 year old just told me uncle makes her do things she doesn't like",
    # a young child found alone
    "found a 3yo wandering on the estate on his own, no adult around",
    "a toddler was found alone outside the shop just now",
    # a child used to deliver drugs
    "one of my yr 9s is being made to carry drugs to another town for older lads",
    "our 14 year old has come back with cash and two phones and says he's been delivering",
    # an injury on a child who is with the practitioner now
    "the 2 year old with me in the medical room has a handprint bruise on her face",
    "he's sat with me now and I can see burn marks on his arm",
    # DA call-out tonight, abuser still there, children in the house
    "police were called out to a DA tonight, he is still there and the kids are in the house",
    "DA call out this evening, partner hasn't left and the three children are home",
    # looked-after teen missing for nights with CSE history
    "our looked after 15 yr old hasn't come back for 2 nights and she has CSE history",
    "the girl in our care with exploitation concerns has been missing three nights now",
    # sexual images of a child circulating now
    "a nude picture of a yr 8 girl is being shared round the school right now",
    "images of a 13 year old are going round snapchat today",
]

# 1c. Past anchor or general frame: never URGENT/CHECK.
PAST_OR_GENERAL = [
    "years ago a yr 9 lad came in with a mark on his neck and it turned out to be DA at home",
    "what would you do if a 4yo turned up with a bite mark?",
    "in general, when a child discloses, how quickly should we ring SPoA?",
]

# 2a. Very short distress.
SHORT_DISTRESS = [
    "don't think I can do this today",
    "numb.",
    "just... heavy",
    "not sure I can face today",
    "hollow.",
]

# 2b. Fraud / can't keep going in the job.
FRAUD = [
    "I feel like a fraud doing this job",
    "some days I feel like such an imposter in this role",
    "I can't keep going in this job much longer",
    "don't know how much longer I can keep doing this work",
]

# 2c. A loss they think about every day.
DAILY_LOSS = [
    "I think about that little boy every day",
    "there's a baby from my caseload I still think about every single day",
    "not a day goes by that I don't think about her",
]

# 2d. Welling up / stopping because a detail matches their own family.
OWN_FAMILY_MATCH = [
    "I welled up because the girl is the same age as my daughter",
    "had to stop the questions, he has the same name as my son",
    "I'm tearing up, this is just like what happened in my own family",
    "I stopped the questions, the girl has the same name as my daughter",
]

# 2e. Crisis without the word.
CRISIS = [
    "I've been putting my affairs in order",
    "started giving my things away this week",
    "honestly it just feels like it's time",
    "what's the most painless way to go for me",
    "I've sorted my will and written letters to everyone",
]

# 2f. Support questions.
SUPPORT = [
    "do we get support when we give evidence in court",
    "is there any support for staff who have to give evidence in court?",
]

# 3. False alarms: NONE.
NONE_FALSE_ALARMS = [
    "we worked with her for 18 months after the DA and the kids are thriving now",
    "a few years ago one of mine disclosed at school and she's doing well now",
    "what's a non accidental head injury exactly?",
    "we rely on mums too much to protect kids",
    "I'm a teacher, I didn't know half of this, useful",
    "what does 'disguised compliance' actually mean?",
    "I think we expect mothers to do all the protecting and ignore the dads",
]


@pytest.mark.parametrize("text", LIVE_LOOKING)
def test_live_looking_report_is_at_least_check(text: str) -> None:
    result = assess(text)
    assert result.signal in (Signal.CHECK, Signal.URGENT), result


@pytest.mark.parametrize("text", URGENT_NOW)
def test_clearest_live_combinations_are_urgent(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.URGENT, result
    assert result.rule in URGENT_RULES


@pytest.mark.parametrize("text", PAST_OR_GENERAL)
def test_past_or_general_is_not_a_live_report(text: str) -> None:
    result = assess(text)
    assert result.signal not in (Signal.URGENT, Signal.CHECK), result


@pytest.mark.parametrize("text", SHORT_DISTRESS + FRAUD + DAILY_LOSS + OWN_FAMILY_MATCH)
def test_distress_classes(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.DISTRESS, result
    assert result.rule in DISTRESS_RULES
    assert not result.crisis, result


@pytest.mark.parametrize("text", CRISIS)
def test_crisis_without_the_word(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.DISTRESS, result
    assert result.crisis, result


@pytest.mark.parametrize("text", SUPPORT)
def test_support_question(text: str) -> None:
    from bot.safety.net import is_support_question

    assert is_support_question(text)
    assert assess(text).signal in (Signal.NONE, Signal.DISTRESS)


@pytest.mark.parametrize("text", NONE_FALSE_ALARMS)
def test_false_alarms_stay_none(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.NONE, result


def test_check_rules_known() -> None:
    result = assess(LIVE_LOOKING[0])
    assert result.rule in CHECK_RULES or result.rule in URGENT_RULES


# Guards on the valve: own tears today, a realisation, a family now safe.
NOT_A_LIVE_REPORT = [
    "I have been crying all day today thinking about my mum",
    "today I realised we never ask kids about the marks we see",
    "mum called police on the dad, the family is now safe and rehoused",
]


@pytest.mark.parametrize("text", NOT_A_LIVE_REPORT)
def test_valve_guards(text: str) -> None:
    result = assess(text)
    assert result.signal not in (Signal.URGENT, Signal.CHECK), result
