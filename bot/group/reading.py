"""Reading what the lead types in a group session: a duration, a command, a team code, counts.

Plain functions over the (already anonymised) text and Rasa's intent name. A message is a
command only when it is a button payload or short: a long note that the classifier happens to
label ``next_point`` is a note, never a reason to move the session on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from bot.group.plan import DURATIONS
from bot.reflections import agencies

#: Longest message (in words) read as a command rather than as a note.
MAX_COMMAND_WORDS = 5


class Command(str, Enum):
    """What the lead (or a member) asked for, when a message is not a note."""

    NEXT = "next"
    BACK = "back"
    REPEAT = "repeat"
    SKIP = "skip"
    FINISH = "finish"
    HOW_LONG = "how_long"
    STATUS = "status"
    PAUSE = "pause"
    YES = "yes"
    NO = "no"
    START = "start"
    JOIN = "join"
    RESUME = "resume"


_INTENT_COMMANDS = {
    "next_point": Command.NEXT,
    "previous_point": Command.BACK,
    "repeat_point": Command.REPEAT,
    "skip_point": Command.SKIP,
    "stop_discussion": Command.PAUSE,
    "affirm": Command.YES,
    "deny": Command.NO,
    "finish_group_session": Command.FINISH,
    "group_status": Command.STATUS,
    "start_group_session": Command.START,
    "join_group_session": Command.JOIN,
    "resume_group_session": Command.RESUME,
}

# Exact short phrases, for when the classifier is unsure (a group chat is noisy).
_PHRASES: dict[str, Command] = {
    **{w: Command.NEXT for w in "next|next point|next one|move on|next please".split("|")},
    **{w: Command.BACK for w in "back|go back|previous|previous point|back one".split("|")},
    **{w: Command.REPEAT for w in "repeat|repeat that|again|say again".split("|")},
    **{w: Command.SKIP for w in "skip|skip it|skip this|skip this one".split("|")},
    **{
        w: Command.FINISH
        for w in (
            "finish|finish now|finish up|wrap up|end|end session|close session|finish early"
            "|finish early please|let's finish early|lets finish early|we are done|we're done"
            "|all done|end it|end now|end here|finish here|that's it for today"
        ).split("|")
    },
    **{w: Command.PAUSE for w in "pause|stop|stop here|pause here".split("|")},
    **{w: Command.YES for w in "yes|yep|yeah|correct|that's right|right|ok|okay".split("|")},
    **{w: Command.NO for w in "no|nope|none|no actions|no more|nothing|no more actions".split("|")},
}
_HOW_LONG = re.compile(
    r"\b(?:how\s+long|how\s+much\s+time|time\s+check|how\s+are\s+we\s+(?:doing\s+)?(?:for|on)"
    r"\s+time|time\s+left)\b"
)
_WORDS = re.compile(r"[\w'’]+")

#: Longest message (in words) read as a command when it also says what it asks for (a cue).
MAX_CUED_COMMAND_WORDS = 14

# What a command says about itself, beyond its intent: a longer message is a command only with
# its cue ("go to the next point please", "can we go back to the last one"), so a note that
# merely sounds like one ("next steps discussed", "we need to move on from relying on mum")
# stays a note.
_POINT = r"(?:point|one|question|section|item|bit)"
_CUES: dict[Command, re.Pattern[str]] = {
    Command.NEXT: re.compile(
        rf"\b(?:next|following)\s+(?:discussion\s+)?{_POINT}\b"
        rf"|\b(?:move|go|carry)\s+on(?:\s+to\s+(?:the\s+)?next)?(?:\s+(?:now|please|then))?$"
        r"|[,;:.!-]\s*next(?:\s+(?:one|point|please|pls))?\s*[.!]*$"
    ),
    Command.BACK: re.compile(
        rf"(?:\b(?:go|going|take\s+us|jump)\s+back\b|\b(?:last|previous|earlier)\s+{_POINT}\b"
        rf"|\b{_POINT}\s+before\b)(?!\s+(?:was|is|were|had|has|said|felt)\b)"
    ),
    Command.SKIP: re.compile(
        rf"(?<!not )(?<!n't )\bskip(?:\s+(?:this|that|it|ahead|on|over|past|the\s+{_POINT}))?\s*$"
        r"|\bmiss\s+(?:this|that|it)(?:\s+one)?\s+out\b"
    ),
    Command.REPEAT: re.compile(
        r"\b(?:again|repeat|re-?show|show|put|see)\b.*\b(?:current\s+)?(?:point|question)\b"
        r"|\b(?:what\s+was|what's|whats|what\s+is)\s+the\s+(?:question|point)\b"
        r"|\bquestion\s+again\b"
    ),
}
# Finishing says so in any words, whatever the classifier made of it ("lets call it a day,
# send minutes", "close group supervision"): a finishing verb and what is being finished.
_FINISH = re.compile(
    r"\b(?:finish(?:ed)?|wrap(?:ping)?|close|end|conclude|call\s+it\s+a\s+day|done|stop)\b"
)
_FINISHED_THING = re.compile(
    r"\b(?:(?:the|this|our)\s+session|group\s+supervision|minutes|write[\s-]?up"
    r"|summar(?:y|ise|ize)|(?:wrap|finish)(?:ing)?\s+(?:it\s+)?up|it\s+(?:there|here|now|up|down))\b"
)
_PUNCTUATION = " .!?,;:"


def word_count(text: str) -> int:
    """Words in a message, as a reader would count them."""
    return len(_WORDS.findall(text))


def read_command(
    text: str, intent: str, *, intents: frozenset[Command] | None = None
) -> Command | None:
    """The command a message gives, or None when it is a note (or an answer to a question).

    A button payload ("/next_point") or an exact short phrase ("next", "no more actions") is
    always a command. Otherwise a message of at most :data:`MAX_COMMAND_WORDS` words is the
    command its intent names, if that command is in ``intents`` (all of them when None): while
    the lead answers a question ("by when?"), "next supervision" must stay an answer however
    the classifier labels it.
    """
    stripped = text.strip()
    if stripped.startswith("/"):
        name = stripped[1:].split("{")[0].strip()
        return _INTENT_COMMANDS.get(name) or _INTENT_COMMANDS.get(intent)
    lowered = stripped.lower().strip(_PUNCTUATION)
    words = word_count(stripped)
    if words <= MAX_COMMAND_WORDS + 3 and _HOW_LONG.search(lowered):
        return Command.HOW_LONG
    allowed = _allowed(intents)
    if words <= MAX_CUED_COMMAND_WORDS:
        cued = _cued(lowered, _INTENT_COMMANDS.get(intent))
        if cued is not None and allowed(cued):
            return cued
    if words > MAX_COMMAND_WORDS:
        return None
    if lowered in _PHRASES:
        return _PHRASES[lowered]
    command = _INTENT_COMMANDS.get(intent)
    if command is None or not allowed(command):
        return None
    # A short note can carry a command's word: "the [NAME 1] next door", "don't skip the
    # chronology", "previous point was about DA". Moving the session takes the command and
    # little else ("back please", "ok next one"), or its cue (above).
    if command in _MOVES and len(_content_words(lowered)) > MAX_MOVE_CONTENT_WORDS:
        return None
    return command


_MOVES = frozenset({Command.NEXT, Command.BACK, Command.SKIP, Command.REPEAT})
MAX_MOVE_CONTENT_WORDS = 2
_FILLERS = frozenset(
    "please pls plz ok okay lets let's let us can we could you go now then thanks thank yes yeah "
    "right so the a point one on to again".split()
)


def _content_words(lowered: str) -> list[str]:
    """The words of a short message that are not politeness or "the point" ("ok next one")."""
    return [word for word in _WORDS.findall(lowered) if word not in _FILLERS]


def _allowed(intents: frozenset[Command] | None) -> Callable[[Command], bool]:
    return lambda command: intents is None or command in intents


def _cued(lowered: str, command: Command | None) -> Command | None:
    """A command a longer message states in words: finishing, or its intent's own cue."""
    if _FINISH.search(lowered) and _FINISHED_THING.search(lowered):
        return Command.FINISH
    cue = _CUES.get(command) if command is not None else None
    return command if cue is not None and cue.search(lowered) else None


# --- durations --------------------------------------------------------------------------------

_DURATION_WORDS = {"seven": 7, "thirty": 30, "forty five": 45, "fortyfive": 45, "sixty": 60}
_HALF_HOUR = re.compile(r"\bhalf\s+(?:an\s+)?h(?:ou)?r\b")
_THREE_QUARTERS = re.compile(r"\bthree\s+quarters?\s+of\s+an?\s+h(?:ou)?r\b")
_HOUR = re.compile(r"\b(?:an|one|1|a\s+full|full)\s*h(?:ou)?rs?\b")
_LONGER = re.compile(r"\b(?:and\s+a\s+half|two|2|half\s+past)\b")
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3})(?![\d.])")
_UNIT = re.compile(r"\b(?:min|mins|minutes?|h(?:ou)?rs?|briefing)\b|\d(?:min|m)\b")


def parse_duration(text: str, *, need_unit: bool = False) -> int | None:
    """The minutes a lead says they have, if one of :data:`DURATIONS`, else None.

    Takes the button payloads ("30 minutes", "7-minute briefing") and what people type: "7",
    "seven minute briefing", "half an hour", "45 mins", "forty-five", "an hour". With
    ``need_unit`` a bare number is not enough ("start a group session for the 7 of us").
    """
    lowered = re.sub(r"[-\u2010-\u2015]", " ", text.lower())
    lowered = re.sub(r"\s+", " ", lowered)
    if need_unit and not _UNIT.search(lowered):
        return None
    found: int | None = None
    if _THREE_QUARTERS.search(lowered):
        found = 45
    elif _HALF_HOUR.search(lowered):
        found = 30
    elif _HOUR.search(lowered):
        found = None if _LONGER.search(lowered) else 60
    else:
        found = _number_in(lowered)
    return found if found in DURATIONS else None


_OTHER_MINUTES = {
    "five": 5,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "twenty five": 25,
    "forty": 40,
    "fifty": 50,
    "ninety": 90,
}
_SOME_MINUTES = re.compile(r"(?<![\d.])(\d{1,3})(?![\d.])")


def nearest_duration(text: str) -> tuple[int, int] | None:
    """The plan closest to a time that is not one of :data:`DURATIONS`, and that time.

    "about 40", "ten minutes", "90 mins": the lead is planned for, not asked again. ``None``
    when the text gives no time between 5 and 240 minutes.
    """
    lowered = re.sub(r"[-\u2010-\u2015]", " ", text.lower())
    lowered = re.sub(r"\s+", " ", lowered)
    match = _SOME_MINUTES.search(lowered)
    asked = int(match.group(1)) if match else None
    if asked is None:
        words = [m for w, m in _OTHER_MINUTES.items() if re.search(rf"\b{w}\b", lowered)]
        asked = max(words) if words else None
    if asked is not None and re.search(r"\bh(?:ou)?rs?\b", lowered) and asked <= 4:
        asked *= 60
    if asked is None or not 5 <= asked <= 240:
        return None
    return min(DURATIONS, key=lambda planned: (abs(planned - asked), -planned)), asked


def _number_in(lowered: str) -> int | None:
    match = _NUMBER.search(lowered)
    if match:
        return int(match.group(1))
    for word, minutes in _DURATION_WORDS.items():
        if re.search(rf"\b{word}\b", lowered):
            return minutes
    return None


# --- team codes --------------------------------------------------------------------------------

_TEAM_CODE_REQUEST = re.compile(
    r"^\s*(?:(?:please\s+)?(?:set\s+|use\s+)?(?:the\s+|our\s+|my\s+)?)team\s+code\b"
    r"(?:\s+(?:is|to|=)\b)?[\s:=]*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_TEAM_CODE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,14}[A-Za-z0-9])?")


@dataclass(frozen=True)
class TeamCodeRequest:
    """The lead said "team code ...": the code, upper-cased, or None when it is not a valid one."""

    code: str | None


def read_team_code(text: str) -> TeamCodeRequest | None:
    """A "team code ABC12" message (None when the message is not one).

    A team code is 2 to 16 letters, digits or hyphens (not starting or ending with a hyphen),
    stored upper-cased; anything else, including a placeholder the door put in, is refused.
    """
    match = _TEAM_CODE_REQUEST.match(text)
    if match is None:
        return None
    rest = match.group("rest").strip().strip(_PUNCTUATION + "\"'")
    if len(rest) >= 2 and _TEAM_CODE.fullmatch(rest):
        return TeamCodeRequest(rest.upper())
    return TeamCodeRequest(None)


def valid_team_code(code: str) -> str | None:
    """``code`` upper-cased if it is a valid team code, else None (for a default from Teams)."""
    stripped = code.strip()
    return stripped.upper() if len(stripped) >= 2 and _TEAM_CODE.fullmatch(stripped) else None


# --- attendance --------------------------------------------------------------------------------

#: Most people one agency can be counted as (a typo like "40 police" is still taken as said).
MAX_COUNT = 999

_COUNT_WORDS = {
    "no": 0,
    "zero": 0,
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
}
_COUNT = re.compile(
    r"(?<![\w])(?:x\s*)?(\d{1,3}|" + "|".join(_COUNT_WORDS) + r")(?![\w])", re.IGNORECASE
)


@dataclass(frozen=True)
class _Count:
    start: int
    end: int
    value: int


def _counts(text: str) -> list[_Count]:
    found = []
    for match in _COUNT.finditer(text):
        token = match.group(1).lower()
        value = int(token) if token.isdigit() else _COUNT_WORDS[token]
        found.append(_Count(match.start(), match.end(), value))
    return found


def _separated(text: str, start: int, end: int) -> bool:
    """Whether a comma, semicolon, "and" or a new line lies between two places in the text."""
    return re.search(r"[,;\n]|\band\b|\bplus\b", text[start:end]) is not None


def _merged(text: str, named: list[agencies.Mention]) -> list[agencies.Mention]:
    """One mention for words of one agency side by side ("PPU sergeant", "CIN social worker")."""
    merged: list[agencies.Mention] = []
    for mention in named:
        last = merged[-1] if merged else None
        if last and last.agency == mention.agency and not text[last.end : mention.start].strip():
            merged[-1] = agencies.Mention(last.start, mention.end, last.agency)
        else:
            merged.append(mention)
    return merged


_IMPLAUSIBLE = re.compile(
    r"(?:^|[,;:(]\s*|\b(?:and|plus)\s+)-\s?\d|\bminus\s+\w+|(?<![\w.])\d{4,}(?![\w.])",
    re.IGNORECASE,
)


def implausible_count(text: str) -> bool:
    """A headcount nobody means: negative ("-3 health") or four digits and more ("1000")."""
    return _IMPLAUSIBLE.search(text) is not None


def parse_attendance(text: str) -> dict[str, int]:
    """Counts per agency from "4 social care, 2 police, a health visitor" (agency -> count).

    Each agency word takes the number just before it ("2 police"), or else the one just after
    it ("police 2", "police x2") in the same part of the list; an agency with no number is one
    person ("health visitor"). "no police" or "0 police" is zero: the agency is named with
    nothing, so a correction can remove it. Empty when the text names no agency.
    """
    named = _merged(text, agencies.mentions(text))
    numbers = [c for c in _counts(text) if not any(m.start <= c.start < m.end for m in named)]
    used: set[int] = set()
    totals: dict[str, int] = {}
    for index, mention in enumerate(named):
        previous_end = named[index - 1].end if index else 0
        next_start = named[index + 1].start if index + 1 < len(named) else len(text)
        before = [
            n
            for n in numbers
            if previous_end <= n.start and n.end <= mention.start and id(n) not in used
        ]
        after = [
            n
            for n in numbers
            if mention.end <= n.start and n.end <= next_start and id(n) not in used
        ]
        before = [n for n in before if not _separated(text, n.end, mention.start)]
        after = [n for n in after if not _separated(text, mention.end, n.start)]
        chosen = before[-1] if before else (after[0] if after else None)
        if chosen is not None:
            used.add(id(chosen))
        value = chosen.value if chosen is not None else 1
        totals[mention.agency] = min(MAX_COUNT, totals.get(mention.agency, 0) + value)
    return totals


_QUESTION_START = re.compile(
    r"^(?:who|what|whats|what's|how|where|when|why|which|can|could|is|are|do|does|did|will"
    r"|would|should|may|am)\b"
)


def is_question(text: str) -> bool:
    """Whether a message asks something ("who sees this?") rather than states it (a note).

    In a session a question about privacy or staff support is answered and not noted, but a
    note the classifier reads as one ("good practice noted: the school nurse kept records",
    "6 social workers and 2 family support workers") is a statement, and is noted.
    """
    stripped = text.strip()
    return stripped.endswith("?") or bool(_QUESTION_START.match(stripped.lower()))
