"""Reading the answer to "is this about a child you are worried about now?".

The question is asked when the safety net is unsure, so the answer decides whether a possible
live concern is treated as a reflection. Only a clear *no* lets the conversation carry on with
what was written; anything else (yes, a hedge, a question, more detail about the child, words
that put it in the present) gets the urgent answer. Getting it wrong that way costs a practitioner
one unneeded reminder of the SPoA number; the other way costs a child.
"""

from __future__ import annotations

import re
from enum import Enum

from bot.safety.net import Signal, assess
from bot.safety.net import normalise as safety_normalise

__all__ = ["ConcernAnswer", "read_concern_answer"]


class ConcernAnswer(str, Enum):
    """The ``concern_now`` slot's values, which the rules branch on."""

    NOW = "now"
    NOT_NOW = "not_now"


_DENY_INTENTS = frozenset({"deny"})

# A reply that starts with or is a plain no, or says the case is past, closed or general.
_NO = re.compile(
    r"^(?:no+|nope|nah|no thanks?|no thank you|negative)\b"
    r"|\bnot (?:a )?(?:current|live|open|now|at the moment|right now)\b"
    r"|\b(?:years|months|weeks|a while|long time) ago\b"
    r"|\b(?:historic(?:al)?|in the past|past case|old case|previous (?:case|job|role|post)"
    r"|closed(?: case)?|case (?:is |was )?closed|no longer (?:open|involved|working)"
    r"|retired|before i (?:moved|left|retired)|general (?:question|point|reflection)"
    r"|just (?:a )?(?:general|reflecting|a reflection|thinking|wondering|asking)"
    r"|hypothetical(?:ly)?)\b"
)

# Words that keep a "no" from being clear: the worry may be current after all.
_NOT_CLEAR = re.compile(
    r"\b(?:yes|yeah|yep|yh|maybe|perhaps|possibly|not sure|unsure|dunno|idk|think so"
    r"|might be|(?:do not|don'?t) know|could be|kind of|sort of|i mean|actually|but"
    r"|although|though|still|now|current(?:ly)?|ongoing|at the moment|right now|today"
    r"|tonight|tomorrow|this (?:morning|afternoon|evening|week)|yesterday|last night"
    r"|is happening|keeps?|again|open case|(?:is|still|currently) (?:open|allocated|active)"
    r"|on my caseload|worried|scared|afraid|at risk|in danger|unsafe|well|i think|i guess"
    r"|i suppose|probably|hopefully|wait|hmm+|er+m*|um+|really|yet|sure|longer)\b"
    r"|\.\.|…|\?"  # a trailing-off "no..." or a question back is not a clear no
)

# "Not now, the case is closed now" / "she's safe now": "now" that reassures, not worries.
_REASSURING_NOW = re.compile(
    r"\b(?:closed|safe|fine|over|resolved|settled|grown up|an adult|adopted|moved on"
    r"|no longer \w+) now\b"
)


def read_concern_answer(text: str, intent: str | None) -> ConcernAnswer:
    """NOT_NOW only for a clear no; NOW for yes and for anything that is not clearly no.

    Args:
        text: The practitioner's answer, as the door left it (a button sends "/deny").
        intent: The intent Rasa predicted for it (after the safety net).
    """
    lowered = safety_normalise(text).strip()
    if intent in {"urgent_concern", "check_concern"} or assess(text).signal is Signal.URGENT:
        return ConcernAnswer.NOW
    said_no = intent in _DENY_INTENTS or bool(_NO.search(lowered))
    if not said_no or text.lstrip().startswith("/"):  # a button: exactly yes or no
        return ConcernAnswer.NOT_NOW if said_no else ConcernAnswer.NOW
    # What is left once the no itself ("not now") and reassurance ("closed now") are removed.
    rest = _NO.sub(" ", _REASSURING_NOW.sub(" ", lowered))
    return ConcernAnswer.NOW if _NOT_CLEAR.search(rest) else ConcernAnswer.NOT_NOW
