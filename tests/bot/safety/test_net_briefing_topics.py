"""Questions about what a briefing, review or the learning says about a topic (issue 14).

With several briefings on offer, practitioners ask about their topics ("bruising in babies",
"seeing the child alone"). Such a question names no particular child and nothing happening now,
so it must not be answered as an urgent concern; the same topic with a child here and now still
is. Each list is a class of phrasing, not strings to special-case.
"""

from __future__ import annotations

import pytest

from bot.safety.net import Signal, assess

ABOUT_THE_LEARNING = [
    "what's the takeaway about bruises on babies who can't crawl",
    "any learning on injuries to non-moving infants",
    "is there national learning about head injuries in babies",
    "what did the research find about shaken babies",
    "key messages on neglect of toddlers",
    "what does the panel say about children left home alone",
    "lessons about hitting children in the name of discipline",
    "what did they conclude about babies with unexplained marks",
]

STILL_LIVE = [
    "any learning on bruising? there's a baby with a bruise on his face in clinic right now",
    "what does the briefing say about this? the child I'm with has a burn and mum won't explain it",
    "key messages about neglect please, the toddler I visited today is being left alone tonight",
]


@pytest.mark.parametrize("text", ABOUT_THE_LEARNING)
def test_questions_about_the_learning_are_not_urgent(text: str) -> None:
    assert assess(text).signal is not Signal.URGENT


@pytest.mark.parametrize("text", STILL_LIVE)
def test_a_child_here_and_now_still_is(text: str) -> None:
    assert assess(text).signal is Signal.URGENT
