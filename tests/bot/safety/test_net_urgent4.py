"""Safety net, fourth round of child-risk classes (bot/safety/net.py).

Each list is our own phrasings of one class of live concern the patterns used to miss, or of a
reflection / general question they used to mistake for one. Never weaken a phrasing to make it
pass: fix the patterns, by class.
"""

from __future__ import annotations

import pytest

from bot.anonymise import anonymise
from bot.safety import net as safety_module
from bot.safety.net import CHECK_RULES, URGENT_RULES, Signal, assess

# 1. Domestic abuse going on while the practitioner is there.
DA_WHILE_THERE = [
    "I'm at the house now and dad is screaming at mum in the kitchen, the baby is upstairs",
    "on a visit and her partner has started throwing things at her, the kids are in the lounge",
    "I'm outside the flat and I can see him pinning her against the wall, toddler's in there",
    "sat in the living room while he's shouting in her face, the twins are watching",
]

# 2. A young child's disclosure of sexual abuse, in a child's words.
CHILD_WORDS_DISCLOSURE = [
    "a 5 year old in my class said her step dad touches her front bottom",
    "he said his uncle makes him touch his willy when mum is at work",
    "she told the TA that grandad puts his hand in her knickers",
    "a little girl in reception said mummy's boyfriend does rude things to her in the bath",
    "the boy said the man next door showed him his privates and told him it's a secret",
]

# 3. Strong-signal combinations that are a risk now.
STRONG_COMBINATIONS = [
    "a 13 year old told me a man she met on an app is picking her up on Saturday to meet her",
    "mum was driving the kids to school this morning and she was clearly drunk",
    "a year 10 boy has a black eye and begged me not to tell anyone",
    "the 6 year old came in starving, filthy clothes and a bruise on her cheek again",
    "one of my 16 year olds is living with a 38 year old man who controls her phone and money",
    "her violent ex gets out next week and he knows where she and the kids live",
    "dad is secretly living back at home and mum is hiding him from social care",
    "a 14 year old was given a drink at a party and woke up in a flat she didn't know",
]

# 3b. Weaker single signals of the same kinds: at least ask.
WEAKER_SIGNALS = [
    "a 15 year old I work with is chatting to someone online she has never met",
    "mum smelt of alcohol at pick up today",
    "the 8 year old often comes in hungry",
]

# 4. Threats phrased indirectly.
INDIRECT_THREATS = [
    "dad told mum he'll make sure she never sees the kids again if she goes to the police",
    "he said if they take the children he'll do something stupid",
    "her ex keeps saying she'll be sorry if she stops him seeing the boys",
    "he's told her that if social services get involved none of them will be around to see it",
]

# 5. Questions framed around a current child.
CURRENT_CHILD_QUESTIONS = [
    "does it count as a concern if a toddler I visit keeps coming to the door with no nappy on?",
    "we're currently working with a family where the new partner has a conviction for violence,"
    " do we tell mum?",
    "would it be a safeguarding issue if a girl in my class says her dad locks her in her room?",
    "is it a concern if a boy I see is always left to walk his little sister home at night?",
]

# 6. Repeated police call-outs for DA to an address with a baby now.
REPEATED_CALL_OUTS = [
    "third call-out this month to the same address for DA, there's a newborn in the house",
    "police have been called to that flat twice this week for domestic incidents and there is a"
    " 4 month old",
    "another DA call-out last night at the family with the baby, that's the fourth in a month",
]

# 7. Cuckooing / county lines in a family home now.
CUCKOOING = [
    "strange men coming and going from mum's flat, I think she's been cuckooed, the kids live"
    " there",
    "the house has been taken over by dealers and the two children are still living there",
    "lads from out of town are using the family home to deal from, there's a baby there",
]

# 8. Terse, tense-less risk statements: at least ask.
TERSE_STATEMENTS = [
    "new boyfriend on the scene and nobody knows a thing about him",
    "mum says they've split up but his van is on the drive every morning",
    "what would you do if mum won't let you see the baby",
    "what if dad is dangerous and mum won't accept it",
    "police won't share anything about mum's new partner",
]

# 9. False alarms: must stay NONE.
FALSE_ALARMS = [
    "we ran a training exercise on a made-up baby with a skull fracture",
    "a general question - when am I allowed to tell a mum about her partner's history?",
    "reflection: we need to be braver about challenging mums who say the ex is no risk",
    "the child was known to services and still died, that's what stays with me",
    "dad's voice is missing from so many of our assessments",
    "in the simulation the fictional toddler had bruises on both arms",
    "general question: when should a practitioner share a partner's record with mum?",
]

URGENT_CLASSES = (
    DA_WHILE_THERE
    + CHILD_WORDS_DISCLOSURE
    + STRONG_COMBINATIONS
    + INDIRECT_THREATS
    + REPEATED_CALL_OUTS
)
AT_LEAST_CHECK = WEAKER_SIGNALS + CURRENT_CHILD_QUESTIONS + CUCKOOING + TERSE_STATEMENTS


@pytest.mark.parametrize("text", URGENT_CLASSES)
def test_a_live_concern_of_the_fourth_round_is_urgent(text: str) -> None:
    found = assess(text)
    assert found.signal is Signal.URGENT, (found, text)
    assert found.rule in URGENT_RULES


@pytest.mark.parametrize("text", URGENT_CLASSES)
def test_a_fourth_round_concern_is_still_urgent_after_the_door(text: str) -> None:
    assert assess(anonymise(text).text).signal is Signal.URGENT, text


@pytest.mark.parametrize("text", AT_LEAST_CHECK)
def test_a_current_child_is_at_least_asked_about(text: str) -> None:
    found = assess(text)
    assert found.signal in (Signal.CHECK, Signal.URGENT), (found, text)
    assert found.rule in CHECK_RULES | URGENT_RULES
    assert assess(anonymise(text).text).signal in (Signal.CHECK, Signal.URGENT)


@pytest.mark.parametrize("text", WEAKER_SIGNALS)
def test_a_weaker_single_signal_is_asked_about_not_answered(text: str) -> None:
    assert assess(text).signal is Signal.CHECK, text


@pytest.mark.parametrize("text", REPEATED_CALL_OUTS)
def test_a_call_out_is_not_read_as_distress(text: str) -> None:
    assert assess(text).signal is not Signal.DISTRESS


@pytest.mark.parametrize("text", FALSE_ALARMS)
def test_a_fourth_round_false_alarm_stays_none(text: str) -> None:
    found = assess(text)
    assert found.signal is Signal.NONE, (found, text)
    assert assess(anonymise(text).text).signal is Signal.NONE


@pytest.mark.parametrize("text", URGENT_CLASSES[::3] + AT_LEAST_CHECK[::3])
def test_a_long_message_of_the_fourth_round_is_answered_the_same(text: str) -> None:
    padding = "The weather has been grey all week and the trains were late. " * 6
    short, long = assess(text), assess(padding + text)
    assert len(padding + text) > safety_module._GATE_FROM
    assert long.signal is short.signal


# The words of the new families, anchored in the past or the review: not URGENT or CHECK.
PAST_WITH_NEW_WORDS = [
    "in a case last year there were three call-outs for DA and a newborn in the house",
    "back in 2018 a family I worked with had been cuckooed and the kids lived there",
    "in the review the 14 year old met a man on an app who picked her up to meet her",
    "when I was in MASH, police wouldn't share anything about mum's new partner",
    "in a case years ago dad was secretly living at home and mum hid him from social care",
]


@pytest.mark.parametrize("text", PAST_WITH_NEW_WORDS)
def test_the_new_families_leave_a_past_case_alone(text: str) -> None:
    assert assess(text).signal is Signal.NONE, text
