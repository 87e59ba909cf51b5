"""Only a clear no to "is this about a child you are worried about now?" is taken as no."""

from __future__ import annotations

import pytest

from bot.safety.concern_check import ConcernAnswer, read_concern_answer

NOW, NOT_NOW = ConcernAnswer.NOW, ConcernAnswer.NOT_NOW


@pytest.mark.parametrize(
    "text",
    [
        "no",
        "No.",
        "nope",
        "no thanks",
        "no, it was years ago",
        "No - a historic case from my last job",
        "no it's closed now",
        "not a current case",
        "no, just a general question",
        "no, hypothetically",
        "nah, she's an adult now",
        "no, I was just reflecting",
        "no, before I retired",
    ],
)
def test_a_clear_no_carries_on(text: str) -> None:
    assert read_concern_answer(text, "deny") is NOT_NOW


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("yes", "affirm"),
        ("yeah it is", "affirm"),
        ("I think so", "affirm"),
        ("not sure", "deny"),
        ("no... well maybe", "deny"),
        ("no but he's still living there", "deny"),
        ("no, I mean yes, it's ongoing", "deny"),
        ("no, I'm seeing them tomorrow", "deny"),
        ("no, the case is open", "deny"),
        ("dunno, the kids seemed scared of him", "deny"),
        ("hard to say, mum said he comes round most nights", "share_reflection"),
        ("what do you mean?", "ask_help"),
        ("she's 4 and he's back at the house", "share_reflection"),
        ("no it happened last night", "deny"),
        ("no... well", "deny"),
        ("Nah it's fine I think", "deny"),
        ("no, wait, yes", "deny"),
        ("no?", "deny"),
        ("probably not", "deny"),
        ("hmm no", "deny"),
        ("not really", "deny"),
        ("no - not yet anyway", "deny"),
        ("no longer sure", "deny"),
    ],
)
def test_anything_but_a_clear_no_gets_the_urgent_answer(text: str, intent: str) -> None:
    assert read_concern_answer(text, intent) is NOW


def test_a_button_is_exactly_what_it_says() -> None:
    assert read_concern_answer("/deny", "deny") is NOT_NOW
    assert read_concern_answer("/affirm", "affirm") is NOW


def test_the_safety_intents_are_always_now() -> None:
    assert read_concern_answer("no", "urgent_concern") is NOW
    assert read_concern_answer("no", "check_concern") is NOW


def test_a_live_concern_in_the_answer_is_now_whatever_the_intent() -> None:
    assert (
        read_concern_answer("no, he hit her last night and she's scared to go home", "deny") is NOW
    )
