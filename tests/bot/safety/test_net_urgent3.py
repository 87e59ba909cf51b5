"""Safety net, third round of child-risk classes (bot/safety/net.py).

Each list is our own phrasings of one class of live concern the patterns used to miss, or of a
reflection / procedural question they used to mistake for one. Never weaken a phrasing to make
it pass: fix the patterns, by class.
"""

from __future__ import annotations

import pytest

from bot.anonymise import anonymise
from bot.safety import net as safety_module
from bot.safety.net import CHECK_RULES, URGENT_RULES, Signal, assess

# A. A disclosure the practitioner has just received.
FRESH_DISCLOSURE = [
    "a lad just came up to me after the lesson and told me something about his uncle,"
    " what's my first step",
    "a 9 year old told me at lunch that her brother does things to her",
    "a girl in my form said at registration that her step dad does stuff to her at night",
    "one of my year 4s whispered to me in the dinner queue that someone at home is doing"
    " things to her, what do I do first",
    "a boy told me during PE something about his mum's boyfriend and then clammed up,"
    " who do I tell first?",
]

# B. Children who cannot be seen or found now.
CHILDREN_UNSEEN = [
    "went round for the visit, mum wouldn't open up but I could hear the kids inside",
    "nobody has seen the three children since the family moved out of the refuge",
    "mum and dad's phones are both dead and the kids haven't been in nursery since Tuesday",
    "the reception place was never taken up and we've no idea where the child is",
    "the kids have been with a friend since Sunday according to mum, she won't say who",
    "the whole family have vanished, the house is empty and the children are off roll",
    "no one has laid eyes on the twins since they moved to the new flat",
]

# C. A threat, or the abuser, at the door now.
THREATS_NOW = [
    "mum has just shown me a text from her ex saying she'll never see the kids again",
    "dad sent mum a photo of the children in his car with 'say goodbye' underneath",
    "the perpetrator is parked outside the refuge and she has her two kids with her",
    "there was a fight at contact handover and the children are due back at his on Friday",
    "her ex is outside the house shouting, she's inside with the baby",
    "he messaged her that if she leaves he'll make sure she never sees the boys again",
]

# D. A young person on the caseload at risk of suicide or self-harm now.
YOUNG_PERSON_AT_RISK = [
    "the girl I support told me she's got a stash of pills in her room",
    "a 15 year old I mentor keeps saying she wishes she was dead",
    "one of my YP has hidden a blade in his room and said he wishes he wasn't here",
    "the 16 year old on my caseload has stashed tablets and is now not picking up",
    "my young person's last snap said she wished she was dead and no one can reach her",
]

# E. Violence to a child seen, filmed or photographed.
VIOLENCE_WITNESSED = [
    "a parent at the school gate showed me a video of dad dragging the toddler across the"
    " floor by his arm",
    "someone sent the school a clip of a mum slapping her little boy in the park",
    "I watched a dad yank his daughter by the hair at pick up",
    "there's a photo going round of the step dad holding the baby upside down by one leg",
    "a neighbour filmed mum kicking her 3 year old in the garden and sent it to me",
]

# F. Physical neglect of a baby now.
BABY_NEGLECT_NOW = [
    "the baby is dropping weight and mum keeps missing the weigh-ins",
    "flat is freezing, no heating on, the 6 week old is in just a vest, should I call someone?",
    "the baby's weight has dropped off the chart and dad won't let us weigh her",
    "the baby is losing weight, mum is really out of it most visits, should I ring someone",
    "dad was slurring and out of it when I called and the baby was in a soaking nappy",
]

# G. Exploitation of a child by older adults.
EXPLOITATION_BY_ADULTS = [
    "a 13 year old in my class is messaging a 24 year old she calls her boyfriend",
    "one of my 14 year olds went to a party with men she didn't know and came home at 4am",
    "a 17 year old I work with is pregnant and the dad is her 35 year old manager at work",
    "her uncle keeps asking the 12 year old to send him pictures of herself",
    "her cousin, who's 25, keeps asking my 14 year old pupil for photos",
    "a year 9 girl goes to a flat after school where older men give her vodka",
    "one of my year 8s says a 23 year old man she met on snapchat is her boyfriend",
]

# H. A risky adult moving in, released, staying over, where young children live.
RISKY_ADULT_ARRIVING = [
    "mum's new partner is moving in next week, he had a child removed in another authority",
    "the violent ex has been released and he's been given mum's address, she has a 2 year old"
    " and a baby",
    "her partner gets out of prison on Friday and is going back to live with her and the toddler",
    "dad comes out of prison next week and is going to be living with the kids again",
    "mum's boyfriend, who had his children taken into care, is staying over from tonight with"
    " the baby",
]

# I. Terse notes with no tense and no past anchor: a careful practitioner may be describing a
# current case, so at least ask.
TERSE_RISK_NOTES = [
    "non-mobile baby, bruise to cheek, no explanation given",
    "health visitor refused entry, baby not seen for 5 weeks",
    "partner known to police for DA, mum 30 weeks pregnant, no referral made",
    "step-dad with previous for ABH, mum expecting, no checks done",
    "nursery keep noticing marks on his legs",
    "girl who says she sleeps in the car with her mum some nights",
]

# J. Reflections anchored in the past, and procedural / general questions: NONE.
PAST_ANCHORED = [
    "an old case of mine had a baby with a bruise on his cheek that nobody explained",
    "a previous case taught me that the partner living there is often hidden; he hit the kids",
    "one of my old families: mum's boyfriend moved in and nobody checked him",
    "early in my career a boy in my class had bruises on his arms and I said nothing",
    "in my ASYE I had a toddler with unexplained bruising",
    "my first ever case, a baby with a fractured arm and no explanation",
    "one of my earliest families had a toddler with a burn nobody explained, that was 2010",
]
PROCEDURAL_QUESTIONS = [
    "how do I record a father's details if he doesn't live with the baby?",
    "is a DVDS application something a school nurse can make on mum's behalf?",
    "is there any difference between a risky adult and a person who poses a risk to children?",
    "they used to be serious case reviews, what's the difference now?",
    "so the alleged abuser had already had a child removed and mum was never told?",
    "what's the threshold for a strategy discussion when a non-mobile baby has a bruise?",
]
# The same words as the classes above, about nobody now: must stay NONE.
SAME_WORDS_NOT_NOW = [
    "in the review the children were not seen for weeks and nobody escalated it",
    "years ago a dad sent a photo to mum saying she'd never see the kids again",
    "the learning briefing says babies who are losing weight need a plan",
    "if a young person says they wish they were dead, what do I do?",
    "back in 2015 a 14 year old on my caseload was pregnant by a 30 year old",
    "mum has a new 30 year old boyfriend and the training was about how we assess new partners"
    " in general",
    "mum wouldn't open up to me about the children's dad in supervision",
    "the kids stayed with a friend for a few days while mum was in hospital and it was fine",
    "a colleague told me something about the new system, what's my first step to log in?",
    "in the review, the family vanished after the first referral and the children were off roll",
    "I saw mum shaking the baby's rattle to calm him",
    "the photo showed dad holding the baby on his knee",
    "mum is losing weight and looks exhausted, the kids are fine",
    "I felt out of it after the visit with the baby",
    "a 16 year old and her 17 year old boyfriend came to clinic for contraception advice",
    "my 15 year old pupil and her 16 year old boyfriend split up, she's fine",
    "the school asked mum for photos of the children for the yearbook",
    "in 2016 dad came out of prison and went back to live with the kids",
    "we discussed what happens when a perpetrator is released and moves back in",
    "great briefing, the bit on unexplained bruising in babies was clear",
    "notes from training: stepdad with a previous for ABH, mum pregnant",
    "lots to think about re unexplained injuries in non-mobile babies",
    "Child Z: not seen for weeks, no referral",
]

URGENT_CLASSES = (
    FRESH_DISCLOSURE
    + CHILDREN_UNSEEN
    + THREATS_NOW
    + YOUNG_PERSON_AT_RISK
    + VIOLENCE_WITNESSED
    + BABY_NEGLECT_NOW
    + EXPLOITATION_BY_ADULTS
    + RISKY_ADULT_ARRIVING
)


@pytest.mark.parametrize("text", URGENT_CLASSES)
def test_a_live_concern_of_the_third_round_is_urgent(text: str) -> None:
    found = assess(text)
    assert found.signal is Signal.URGENT, (found, text)
    assert found.rule in URGENT_RULES


@pytest.mark.parametrize("text", URGENT_CLASSES)
def test_a_live_concern_is_still_urgent_after_the_door(text: str) -> None:
    """The safety net sees anonymised text: ages become placeholders, names too."""
    assert assess(anonymise(text).text).signal is Signal.URGENT, text


@pytest.mark.parametrize("text", TERSE_RISK_NOTES)
def test_a_terse_risk_note_is_at_least_asked_about(text: str) -> None:
    found = assess(text)
    assert found.signal in (Signal.CHECK, Signal.URGENT), (found, text)
    assert found.rule in CHECK_RULES | URGENT_RULES
    assert assess(anonymise(text).text).signal in (Signal.CHECK, Signal.URGENT)


@pytest.mark.parametrize("text", PAST_ANCHORED + PROCEDURAL_QUESTIONS + SAME_WORDS_NOT_NOW)
def test_a_past_case_or_a_question_stays_none(text: str) -> None:
    found = assess(text)
    assert found.signal is Signal.NONE, (found, text)
    assert assess(anonymise(text).text).signal is Signal.NONE


@pytest.mark.parametrize("text", PAST_ANCHORED)
def test_a_past_anchor_marks_the_text_retrospective(text: str) -> None:
    assert assess(text).retrospective


@pytest.mark.parametrize("text", URGENT_CLASSES[::3] + TERSE_RISK_NOTES[::2])
def test_a_long_message_of_the_third_round_is_answered_the_same(text: str) -> None:
    padding = "The weather has been grey all week and the trains were late. " * 6
    short, long = assess(text), assess(padding + text)
    assert len(padding + text) > safety_module._GATE_FROM
    assert long.signal is short.signal


# --- attack round 3: the practitioner intimidated by someone in a family now ----------------


@pytest.mark.parametrize(
    "text",
    [
        "The dad followed me to my car after the visit and said he knows where I live",
        "mum's boyfriend waited for me outside the school and said I would regret it",
        "he texted me saying he knows where I live",
        "her brother cornered me in the car park and threatened me",
    ],
)
def test_a_practitioner_threatened_now_gets_the_urgent_answer(text: str) -> None:
    assert assess(anonymise(text).text).signal is Signal.URGENT, text


@pytest.mark.parametrize(
    "text",
    [
        "years ago a dad followed me to my car and threatened me, it shaped how I lone work",
        "the review says the social worker was followed to her car",
        "I followed up with the school and they know where I live on the patch",
    ],
)
def test_a_past_or_reported_threat_stays_none(text: str) -> None:
    assert assess(anonymise(text).text).signal is Signal.NONE, text
