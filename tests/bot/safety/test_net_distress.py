"""Distress and crisis about the practitioner: the classes the safety net used to miss.

Each list is a class of phrasing, not a list of strings to special-case: the patterns in
bot/safety/net.py are written for the class, and these are a handful of varied examples of it.
Never weaken a phrasing to make it pass: fix the patterns.
"""

from __future__ import annotations

import pytest

from bot.safety.net import DISTRESS_RULES, URGENT_RULES, Signal, assess, normalise

# --------------------------------------------------------------------------------------------
# A. Short distress without an "upset"-type word
# --------------------------------------------------------------------------------------------

DISTRESS_SHORT = [
    # asking for a pause
    "can I have a moment please",
    "give me a min, this is heavy",
    "could I take a breather",
    # too much, on top of everything
    "this is too much on top of everything",
    "honestly it's a lot on top of everything else",
    # sad, briefly
    "honestly, just so sad",
    "that's so sad, I don't know what to say",
    # a crying emoji, alone or with a few words
    "\U0001f622",
    "oh god \U0001f62d",
    "reading this \U0001f494",
    "\U0001f62d\U0001f62d",
    # shaken, pulling myself together
    "honestly a bit shaken after that",
    "quite rattled tbh",
    "sat in the car park trying to pull myself together before my next visit",
    "trying to hold it together in the staff room",
    # sleep, wear, anxiety since a case
    "haven't slept properly since the inquest",
    "I've not really slept right since the strategy meeting",
    "this job is wearing me down",
    "it's all grinding me down lately",
    "anxious all the time since that case",
    "on edge constantly since the baby died",
    # a loss reopened
    "we lost a little boy on our caseload last year and this has opened it all up again",
    "our team lost a child in the spring and this has ripped it all back open",
    # burnt out, with deaths that are about the practitioner, not a live child
    "I'm completely burnt out, three deaths on my patch since Christmas",
    "three deaths on my patch this year and I'm burned out",
    "honestly burnout is real, two child deaths on my caseload this term",
    "I think I'm close to burnout",
]


@pytest.mark.parametrize("text", DISTRESS_SHORT)
def test_short_distress(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.DISTRESS, result
    assert result.rule in DISTRESS_RULES
    assert result.crisis is False


def test_burnout_is_not_a_burn() -> None:
    """'Burnt out' is one word to the patterns, so the injury words never read it."""
    assert normalise("I'm burned out") == "i am burnout"
    text = "I'm burnt out, and a baby on my caseload has burns on his hands today"
    assert assess(text).signal is Signal.URGENT


# --------------------------------------------------------------------------------------------
# B. The practitioner's own past mirrored in the briefing
# --------------------------------------------------------------------------------------------

DISTRESS_OWN_PAST_MIRRORED = [
    "that was my mum",
    "that was me as a kid, honestly a bit shaken",
    "that was literally my childhood",
    "my dad was like Adult A",
    "my stepdad was exactly like the man in this review and I'm all over the place",
    "Child Z could have been me",
    "I was that little girl",
]


@pytest.mark.parametrize("text", DISTRESS_OWN_PAST_MIRRORED)
def test_own_past_mirrored_in_the_briefing(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.DISTRESS, result
    assert result.rule in DISTRESS_RULES
    assert result.crisis is False


@pytest.mark.parametrize(
    "text",
    [
        "that was me - my stepdad used to lock me in my room too, I'm shaking",
        "my dad was like Adult A, he used to hit my mum",
    ],
)
def test_own_past_mirrored_is_not_a_live_child(text: str) -> None:
    assert assess(text).signal is Signal.DISTRESS


def test_a_live_child_still_wins_over_the_own_past() -> None:
    text = "that was my mum, and now a girl in my class says her dad hits her"
    assert assess(text).signal is Signal.URGENT


# --------------------------------------------------------------------------------------------
# C. Indirect risk to the practitioner's own life: crisis
# --------------------------------------------------------------------------------------------

CRISIS_INDIRECT = [
    # no point in being here
    "what's the point of me even being here anymore",
    "I'm not sure there's any point in me being here",
    # a bridge, a train, the car
    "I keep thinking about the bridge on my drive home",
    "I've been thinking about the train tracks near the office",
    "sometimes I think about crashing the car on the way to visits",
    # a plan
    "I've made a plan",
    "I have a plan now",
    "I've worked out how I'd do it",
    # the only thing keeping me going
    "the only thing keeping me going is my kids",
    "the only reason I'm still here is my dog",
    # it should have been me
    "it should have been me that died",
    "it should have been me instead of her",
    # done with everything
    "I'm done with everything",
    "honestly I'm just done with all of it",
    # better off
    "everyone would be better off",
    "my family would honestly be better off",
    # life insurance
    "my life insurance would pay off the mortgage at least",
    "I keep thinking the kids would be better off with my life insurance",
    # not waking up
    "most nights I go to bed hoping I don't wake up",
]

# A young person on the caseload talking of suicide is a live concern (URGENT), not the
# practitioner's crisis.
URGENT_YOUNG_PERSON_SUICIDAL = [
    "a 16 year old on my caseload is messaging about wanting to die",
    "my 15 year old client says everyone would be better off without her",
    "a lad I work with says there's no point in him being here any more",
    "one of my year 10s told me today that she has made a plan",
    "young person I support keeps saying he's done with everything",
]

# A parent, or anyone else, talking of suicide: never the practitioner's crisis.
NOT_PRACTITIONER_CRISIS = [
    "mum says she wants to die",
    "dad told me he doesn't see the point in being here anymore",
    "mum says everyone would be better off without her",
    "her partner keeps saying he's made a plan",
]


@pytest.mark.parametrize("text", CRISIS_INDIRECT)
def test_indirect_crisis(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.DISTRESS, result
    assert result.crisis is True
    assert result.rule == "practitioner_crisis"


def test_not_waking_up_keeps_the_crisis_flag_even_when_read_as_urgent() -> None:
    """'Won't wake up' is also how a practitioner describes an unresponsive baby, so an urgent
    family reads it too; whatever the signal, the practitioner gets the crisis lines."""
    assert assess("some mornings I hope I won't wake up").crisis is True


@pytest.mark.parametrize("text", URGENT_YOUNG_PERSON_SUICIDAL)
def test_a_young_person_talking_of_suicide_is_urgent(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.URGENT, result
    assert result.rule in URGENT_RULES
    assert result.crisis is False


@pytest.mark.parametrize("text", NOT_PRACTITIONER_CRISIS)
def test_someone_else_talking_of_suicide_is_not_the_practitioner(text: str) -> None:
    result = assess(text)
    assert result.signal is not Signal.DISTRESS, result
    assert result.signal is not Signal.NONE, result
    assert result.crisis is False


def test_the_practitioner_after_someone_else_is_still_in_crisis() -> None:
    result = assess("mum says she wants to die and honestly I want to die too")
    assert result.crisis is True


# --------------------------------------------------------------------------------------------
# D. Ordinary reflections near the line: NONE
# --------------------------------------------------------------------------------------------

NONE_NEAR_DISTRESS = [
    "I'm done with the questions for today",
    "I'm done with all the questions, thanks",
    "the point about bridges between agencies really landed",
    "that sent me off on a train of thought about thresholds",
    "that was my first case as a newly qualified worker",
    "that case stuck with me and shaped how I practise",
    "that family stayed with me, it's why I push for multi agency meetings",
    "I was sad to read it but it's useful",
    "the practitioner felt overwhelmed by the size of her caseload",
    "the review says the social workers were overwhelmed and burnt out",
    "not sure how much of this applies to us?",
    "I'm a teacher - not sure how much of this applies to us?",
    "I need a minute to find my notes",
    "I've made a plan for the team meeting",
    "we made a plan with mum at the last visit",
    "the only thing keeping that family going was the grandmother",
    "it should have been me who made the referral, I was the lead",
    "everyone would be better off if agencies talked to each other",
    "is there a life insurance question on the financial assessment?",
    "it's so sad that nobody joined the dots",
    "that was my mum's view too when I told her about the course",
    "I grew up in the area so I know the estates",
    "the car crash of a meeting with the police was a learning point",
    "shaken baby training is on next week",
    "what's the point of the strategy meeting if nobody shares?",
    "lol the trains were awful today \U0001f62d",
    "I thought about the railway line as a boundary for the patch",
    "staff burnout is a theme in the review",
    "the only thing keeping me going this week is coffee",
    "I think mum would be better off without him",
    "mum said she has made a plan to leave him",
    "what is the point of my being here if nobody listens to schools?",
    "I'm done with all of it, thanks",
]


@pytest.mark.parametrize("text", NONE_NEAR_DISTRESS)
def test_ordinary_reflections_near_distress(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.NONE, result
    assert result.crisis is False


def test_the_distress_lists_do_not_repeat() -> None:
    everything = (
        DISTRESS_SHORT
        + DISTRESS_OWN_PAST_MIRRORED
        + CRISIS_INDIRECT
        + URGENT_YOUNG_PERSON_SUICIDAL
        + NOT_PRACTITIONER_CRISIS
        + NONE_NEAR_DISTRESS
    )
    assert len(set(everything)) == len(everything)


# --- attack round 3: wanting everything to stop, in the words of commands -----------------


@pytest.mark.parametrize(
    "text",
    [
        "I want to stop existing",
        "tbh i just want it all to stop",
        "I'm done. With everything. For good.",
        "i want it all to end",
        "honestly I just want everything to stop",
        "some days I wish I could just cease to exist",
        "i really want the pain to stop",
    ],
)
def test_wanting_everything_to_stop_is_a_crisis_not_a_command(text: str) -> None:
    # Found by an attack: these reached "stop", "goodbye" or "add a reflection" as commands.
    result = assess(text)
    assert result.signal is Signal.DISTRESS and result.crisis, text


@pytest.mark.parametrize(
    "text",
    [
        "I want this meeting to end",
        "I want the questions to stop",
        "the abuse needs to stop and the review says so",
        "we want everything to stop being siloed between agencies",
        "the old service will cease to exist next year",
        "I'm done with the questions for today",
    ],
)
def test_wanting_a_task_to_stop_is_not_a_crisis(text: str) -> None:
    assert not assess(text).crisis, text
