"""Attack round of the group issue: still with, or back with, the partner, said now.

"she's still with him now", typed as a group note, was minuted. It is at least CHECK (never
noted or saved unseen), and the ways a reflection tells the same story stay reflections.
"""

from __future__ import annotations

import pytest

from bot.safety.net import Signal, assess


@pytest.mark.parametrize(
    "text",
    [
        "she's still with him now",
        "SHE IS STILL WITH HIM NOW",
        "she\u2019s still with him",
        "she's still seeing him now",
        "she has gone back to him",
        "mum has moved back in with the boyfriend",
        "the mother is back with her ex",
        "they are still together with him? no, she is still living with him",
    ],
)
def test_back_with_the_partner_now_is_at_least_check(text: str) -> None:
    assert assess(text).signal in {Signal.CHECK, Signal.URGENT}


@pytest.mark.parametrize(
    "text",
    [
        "in Child Z mum went back to him",
        "victims often go back to the perpetrator",
        "if she is still with him we would need a strategy discussion",
        "Mum in the review was still with him when the baby was born",
        "she was still with him at the time",
        "we talked about how she is still with him in the case we closed last year",
    ],
)
def test_the_same_story_told_as_a_reflection_is_not_a_concern(text: str) -> None:
    assert assess(text).signal is Signal.NONE


@pytest.mark.parametrize(
    "text",
    [
        "kid on my list is gettin beaten at home atm",
        "children r bein neglected rn no heating no food",
        "a 15 yo is sofa surfing w/ a 30yr old man atm",
    ],
)
def test_text_speak_for_now_is_read_as_now(text: str) -> None:
    """Group notes in text-speak were minuted: "atm", "rn", "gettin", "w/" read as words."""
    assert assess(text).signal is Signal.URGENT


@pytest.mark.parametrize(
    "text",
    [
        "the RN on the ward said the baby was fine, in a case last year",
        "she took him to the atm in the case years ago",
    ],
)
def test_a_nurse_or_a_cash_machine_is_not_right_now(text: str) -> None:
    assert assess(text).signal is Signal.NONE
