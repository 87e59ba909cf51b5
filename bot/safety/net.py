"""The safety net: spot a live child-protection concern or a practitioner in distress.

Reflect is for reflecting on *past* learning. Practitioners will still, sometimes, type a live
concern into it ("a boy in my class says he is scared to go home tonight"), or tell it how the
case has affected them. This module is the small, tested decision layer that catches both, so
the bot can answer with Single Point of Advice / 999 guidance (and record nothing), or
acknowledge distress and signpost support. It runs on every user message before anything else.

The patterns are data, in ``bot/safety/data/`` (read once, on first use, by
:mod:`bot.safety.rules`; the text is first put in canonical form by :mod:`bot.safety.normalise`):
named *families* that each catch one kind of concern, and *markers* this module weighs. What
stays here is how they combine.

Design choices, and why:

* Plain Python, no Rasa import: the same check guards the reflection flow and the lead portal,
  and it is testable without a trained model (see ``bot/rasa_ext/safety_net.py`` for the Rasa
  component that plugs it into the NLU pipeline).
* Recall on URGENT matters most: a missed live concern is the worst failure. So a concern
  pattern that fires is URGENT by default; it is downgraded only when the text is clearly a
  reflection on the past ("in a case last year ...") or a hypothetical/general question ("what
  do I do if a child discloses?"), *and* nothing in the text says "now". Time markers come in
  tiers (see ``_Timing.concern_is_current``): explicit "tonight" / "right now" / "just told me" /
  "at the house I'm at" always wins; "is being" / "currently" beats any retrospective marker;
  present tense ("dad hits her") beats a mere reference to the review ("this briefing reminds
  me ...") but not a past anchor ("in a case last year ... she says he will ...").
* Past-tense concern words alone are not enough to downgrade (a practitioner may report
  yesterday's disclosure in the past tense); an explicit retrospective marker is needed.
* URGENT wins over DISTRESS, because the practitioner needs the SPoA / 999 answer first.
* ``rule`` names a pattern family, never user text, so it is safe to log.
* Every regex is compiled once, on first use (nothing is read at import), and every window is
  bounded, so the cost is linear in the text: about 0.15 ms for a typical message, under 1 ms
  for 40 words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from functools import cached_property
from typing import NamedTuple

from bot.safety.language import unreadable
from bot.safety.normalise import normalise
from bot.safety.rules import GATE_FROM as _GATE_FROM
from bot.safety.rules import Family, RuleNames, families, family, marker

__all__ = [
    "CHECK_RULES",
    "DISTRESS_RULES",
    "URGENT_RULES",
    "SafetyAssessment",
    "Signal",
    "assess",
    "is_question",
    "is_support_question",
    "normalise",
]


class Signal(str, Enum):
    """What the safety net found in a message."""

    NONE = "none"
    URGENT = "urgent"
    CHECK = "check"
    DISTRESS = "distress"


@dataclass(frozen=True)
class SafetyAssessment:
    """The result of :func:`assess`.

    Attributes:
        signal: NONE, URGENT (a live child-protection concern) or DISTRESS (the practitioner's
            own distress).
        rule: Name of the pattern family that fired ("" for NONE). Never contains user text,
            so it may be logged.
        retrospective: The text is clearly about the past / a reflection and has no present or
            imminent marker. Lets the NLU component overrule a classifier that predicted an
            urgent concern for a reflection on a past case.
        crisis: The practitioner themselves may be at risk of self-harm or suicide; the bot adds
            Samaritans / 999 signposting. Can accompany URGENT as well as DISTRESS.
        general: About no particular child (a hypothetical, a general statement or question).
        reassured: Says outright that it is not distress, or not about a particular child.
        particular: About a particular child or family (a current case, "mum", "[NAME 1]").
        all_clear: NONE, and the text reports a child as fine in the past tense with no risk or
            worry in it ("mum said the baby was fine at the visit"): a classifier's "urgent" on
            it is about its words, so the NLU component lets it go.
    """

    signal: Signal
    rule: str
    retrospective: bool
    crisis: bool = False
    general: bool = False
    reassured: bool = False
    particular: bool = False
    all_clear: bool = False


# --------------------------------------------------------------------------------------------
# The rules this module weighs (patterns in bot/safety/data/, each explained there)
# --------------------------------------------------------------------------------------------

# The families: the first that fires names the rule.
_URGENT_FAMILIES = families("urgent")
_CRISIS = family("crisis", "practitioner_crisis")
_DISTRESS_FAMILIES = families("distress")
_OWN_CASE = family("distress", "distress_own_case")
_OWN_SAFETY = family("distress", "distress_own_safety")
_LIVE_URGENT = families("live_urgent")

# When: now, present tense, the past, the review, the practitioner's own childhood.
_STRONG_PRESENT = marker("strong_present")
_PRESENT_MARKER = marker("present_marker")
_PRESENT_TENSE = marker("present_tense")
_PAST_ANCHOR = marker("past_anchor")
_REVIEW_REFERENCE = marker("review_reference")
_OWN_PAST = marker("own_past")
_NOW_SPECIFIC = marker("now_specific")
_PRESENT_CUE = marker("present_cue")
# About nobody in particular: conditionals, general statements, hypotheticals, process questions.
_CONDITIONAL = marker("conditional")
_INDEFINITE_CONDITIONAL = marker("indefinite_conditional")
_GENERAL = marker("general")
_HYPOTHETICAL = marker("hypothetical")
_HABITUAL = marker("habitual")
_GENERIC = marker("generic")
_PROCESS_QUESTION = marker("process_question")
# Who: a child, a household, a person, a particular family, a current case.
_CHILD_RE = marker("mentions_child")
_CHILD_BY_AGE = marker("child_by_age")
_HOUSEHOLD_RE = marker("mentions_household")
_PERSON_RE = marker("mentions_person")
_DEFINITE = marker("definite")
_EXISTENTIAL = marker("existential")
_CURRENT_CASE = marker("current_case")
_SEEN_RECENTLY = marker("seen_recently")
# The shape of a risk: an ongoing sign, a risky adult, access to the child, a risk now.
_ONGOING = marker("ongoing")
_RISKY_ADULT = marker("risky_adult")
_RISKY_ACTOR = marker("risky_actor")
_ACCESS = marker("access")
_ACCESS_NOW = marker("access_now")
_RISK_NOW = marker("risk_now")
_DOMESTIC_ABUSE_NOW = marker("domestic_abuse_now")
_CO_RESIDENT = marker("co_resident")
_ALL_CLEAR = marker("all_clear")
# What the practitioner asks or feels about it.
_REQUEST = marker("request")
_REQUEST_ABOUT_THIS = marker("request_about_this")
_ANALOGY = marker("analogy")
_CONCERN_CUE = marker("concern_cue")
_QUESTION = marker("question")
# Someone else's crisis or feelings, taken out before the practitioner's are read.
_SOMEONE_ELSE_AT_RISK = marker("someone_else_at_risk")
_SOMEONE_ELSES_FEELINGS = marker("someone_elses_feelings")
# Distress, weighed: a sibling still at risk, a mitigated remark, reassurance, wanting to stop.
_SIBLING = marker("sibling")
_MITIGATED = marker("mitigated")
_REASSURED = marker("reassured")
_WANTS_TO_STOP = marker("wants_to_stop")
_COST = marker("cost")
# The live-report valve (see _live_report).
_LIVE_PERSON = marker("live_person")
_LIVE_RECENT = marker("live_recent")
_LIVE_HARM = marker("live_harm")
_LIVE_SETTLED = marker("live_settled")
_LIVE_MISSING = marker("live_missing")
_LIVE_SEXUAL = marker("live_sexual")
# A terse note of a risk (see _risk_note).
_NOTE_SIGN = marker("note_sign")
_NOTE_INJURY = marker("note_injury")
_TERSE_RISK = marker("terse_risk")
_NOT_A_NOTE = marker("not_a_note")
_PREGNANCY = marker("pregnancy")
_NOTE_QUESTION = marker("note_question")
_CHILD_SETTING = marker("child_setting")
# A hedged risk to a particular child (see _check_hedged_risk).
_HEDGED_RISK = marker("hedged_risk_to_my_child")
# A quiet worry about a current family, no abuse words (see _check_quiet_worry).
_QUIET_WORRY = marker("quiet_worry_about_my_family")
# Still with, or gone back to, the partner, now (see _check_back_with_them).
_BACK_WITH_THEM = marker("back_with_them")
# The practitioner targeted by a service user, or guilty over a death (attack 9).
_TARGETED = marker("practitioner_targeted")
_GUILT_OVER_DEATH = marker("guilt_over_death")
# A question about support for staff.
_SUPPORT_TOPIC = marker("support_topic")
_ASKING = marker("asking")

# --------------------------------------------------------------------------------------------
# Round 5: a broad safety valve for live-looking reports
# --------------------------------------------------------------------------------------------
# A child or family member ("yr 8", "3 year old", "the baby", "one of our families"), a recent
# or present time or place ("this am", "just disclosed", "still there", "in the medical room")
# and any harm or risk word, with no past anchor or general frame: at least CHECK. The clearest
# combinations (the live_urgent group) are URGENT.


def _live_report(t: str) -> str:
    """A rule name when ``t`` looks like a live report; "" otherwise (the caller checks frames)."""
    if len(t) > 1500 or _LIVE_SETTLED.search(t) is not None:
        return ""
    if _LIVE_PERSON.search(t) is None or _LIVE_HARM.search(t) is None:
        return ""
    recent = _LIVE_RECENT.search(t) is not None
    for live in _LIVE_URGENT:
        name = live.name
        if not any(p.search(t) for p in live.patterns):
            continue
        if name == "looked_after_child_missing_cse" and _LIVE_MISSING.search(t) is None:
            continue
        if name == "sexual_images_of_child_circulating" and not (
            recent or _LIVE_SEXUAL.search(t) is not None
        ):
            continue
        if name in ("young_child_found_alone", "injured_child_with_practitioner") or recent:
            return name
        if name in ("child_criminal_exploitation", "looked_after_child_missing_cse"):
            return name
    return "check_live_report" if recent else ""


URGENT_RULES = RuleNames(
    lambda: (
        [f.name for f in _URGENT_FAMILIES]
        + ["current_case_at_risk", "risky_adult_with_child", "domestic_abuse_in_household"]
        + [f.name for f in _LIVE_URGENT]
    )
)
"""Every ``rule`` name an URGENT assessment can carry (a set, read from the data on first use)."""

DISTRESS_RULES = RuleNames(
    lambda: [f.name for f in _DISTRESS_FAMILIES] + [_CRISIS.name, "distress_wants_to_stop"]
)
"""Every ``rule`` name a DISTRESS assessment can carry (a set, read from the data on first use)."""

CHECK_RULES: frozenset[str] = frozenset(
    [
        "check_current_case",
        "check_particular_child",
        "check_request_about_risk",
        "check_ongoing_risk",
        "check_risky_adult",
        "check_request_about_this",
        "check_household_violence",
        "check_risk_note",
        "check_terse_risk",
        "check_live_report",
        "check_hedged_risk",
        "check_quiet_worry",
        "check_back_with_them",
        "check_unreadable_language",
    ]
)
"""Every ``rule`` name a CHECK assessment can carry."""
#: The CHECK rule for a message mostly not in English (bot.safety.language).
UNREADABLE_RULE = "check_unreadable_language"


def _first_match(candidates: Sequence[Family], text: str, allowed: Callable[[Family], bool]) -> str:
    """The name of the first family in ``candidates`` that ``allowed`` lets fire on ``text``."""
    for candidate in candidates:
        if not allowed(candidate):
            continue
        if len(text) > _GATE_FROM:
            # A long text: each pattern on its own, each skipped unless its literals are there.
            if any(p.search(text) for p in candidate.patterns):
                return candidate.name
        elif candidate.combined.search(text):
            return candidate.name
    return ""


@dataclass(frozen=True)
class _Timing:
    """Which time markers a (normalised) text carries."""

    now: bool  # explicit: "tonight", "right now", "at the house I'm at", "just told me"
    marker: bool  # grammatical present-time marker: "is being", "currently", "are home alone"
    tense: bool  # present/future tense of a concern: "dad hits her", "he will kill her"
    past_anchor: bool  # "in a case last year", "when I worked in MASH", "previously"
    review_reference: bool  # "Child Z", "the review", "in hindsight"
    own_past: bool  # the practitioner's own childhood: "when I was little", "I was in care"

    @classmethod
    def of(cls, text: str) -> _Timing:
        return cls(
            now=_STRONG_PRESENT.search(text) is not None,
            marker=_PRESENT_MARKER.search(text) is not None,
            tense=_PRESENT_TENSE.search(text) is not None,
            past_anchor=_PAST_ANCHOR.search(text) is not None,
            review_reference=_REVIEW_REFERENCE.search(text) is not None,
            own_past=_OWN_PAST.search(text) is not None,
        )

    @property
    def retrospective(self) -> bool:
        """Clearly about the past: a retrospective marker and nothing that outweighs it."""
        if self.now or self.marker:
            return False
        return self.past_anchor or self.own_past or (self.review_reference and not self.tense)

    def concern_is_current(self, text: str) -> bool:
        """Decide whether a concern that matched in ``text`` is a live one.

        Order matters: explicit time/place framing always wins; an explicit conditional or a
        generic statement beats grammar; a present-time marker ("is being") beats any
        retrospective marker; present tense beats a reference to the review or a general
        question but not a past anchor (or the practitioner's own childhood); and with no marker
        at all the concern counts as live, because recall comes first.
        """
        if self.now:
            return True
        if _CONDITIONAL.search(text) or _GENERIC.search(text):
            return False
        if self.marker:
            return True
        if self.retrospective:
            return False
        return self.tense or _GENERAL.search(text) is None


# --------------------------------------------------------------------------------------------
# The shape of a live concern, sentence by sentence
# --------------------------------------------------------------------------------------------
# A *current, specific* child or family plus a *present or future risk*, read sentence by
# sentence with the neighbours (markers.yml explains the pieces).

_SENTENCE_BREAK = re.compile(r"(?<=[.!?;])\s+|\s*\n\s*")
_NOTE_MAX_WORDS = 25
"""A sentence of this many words or more is a sentence, not a terse note."""


def _risk_note(sentences: list[str], has_household: bool) -> bool:
    """Whether a sentence is a terse note of a risk to a child (see ``_NOTE_SIGN``)."""
    return any(_risk_note_sentence(s, has_household) for s in sentences)


def _risk_note_sentence(t: str, has_household: bool) -> bool:
    if t.count(" ") >= _NOTE_MAX_WORDS or _NOT_A_NOTE.search(t):
        return False
    if not (has_household or _PREGNANCY.search(t) or _CHILD_SETTING.search(t)):
        return False
    if _NOTE_QUESTION.search(t):  # "where do I report a risky adult?" is not a note
        return False
    # "non mobile baby" reads as a generalisation to _CONDITIONAL; in a note it is one baby
    # ("non mobile babies" is still general).
    one_baby = t.replace("non mobile baby", "nonmobile baby").replace(
        "non mobile infant", "nonmobile infant"
    )
    if _CONDITIONAL.search(one_baby) or _GENERAL.search(t):
        return False
    if _PROCESS_QUESTION.search(t) or _HYPOTHETICAL.search(t):
        return False
    return any(p.search(t) for p in (_NOTE_SIGN, _RISKY_ADULT, _NOTE_INJURY))


@dataclass(frozen=True)
class _Sentence:
    """The shape markers of one sentence."""

    specific: bool  # a current, specific child or family
    past: bool  # anchored in the past (or the practitioner's own childhood)
    hypothetical: bool
    risk_now: bool
    risky_adult: bool
    access: bool
    weak: bool  # a lesser sign: ongoing contact, a request, "like this", a worry


_NOT_SPECIFIC = _Sentence(False, False, False, False, False, False, False)


def _sentence(text: str) -> _Sentence:
    """The shape markers of a sentence; only one about a current, specific case carries any."""
    specific = (
        _CURRENT_CASE.search(text) is not None
        or _SEEN_RECENTLY.search(text) is not None
        or (_NOW_SPECIFIC.search(text) is not None and _PERSON_RE.search(text) is not None)
    )
    return _flags(text, specific=True) if specific else _NOT_SPECIFIC


def _flags(text: str, *, specific: bool = False) -> _Sentence:
    """The risk markers of a sentence.

    A ``specific`` sentence (about a current case) is anchored in the past only when nothing in
    it says now: "dad broke mum's jaw last year and he has just got bail" is about now.
    """
    past = _PAST_ANCHOR.search(text) is not None or _OWN_PAST.search(text) is not None
    if specific and past:
        past = _NOW_SPECIFIC.search(text) is None and _PRESENT_CUE.search(text) is None
    return _Sentence(
        specific=specific,
        past=past,
        hypothetical=_HYPOTHETICAL.search(text) is not None,
        risk_now=_RISK_NOW.search(text) is not None,
        risky_adult=_RISKY_ADULT.search(text) is not None,
        access=_ACCESS.search(text) is not None,
        weak=any(
            p.search(text) is not None
            for p in (_ONGOING, _REQUEST, _ANALOGY, _REQUEST_ABOUT_THIS, _CONCERN_CUE)
        ),
    )


def _current_case(sentences: list[str]) -> tuple[str, bool]:
    """("current_case_at_risk" or "check_current_case" or "", a current child or family).

    A sentence about a current case is read with its neighbours (the one before unless it is
    anchored in the past, and the two after), because practitioners spread one situation over
    several sentences: "I've got a mum on my caseload. Her ex is out of prison. He's been round."
    """
    marks = [_sentence(s) for s in sentences]
    live = [i for i, m in enumerate(marks) if m.specific and not m.past and not m.hypothetical]
    if not live:
        return "", False
    person = any(_PERSON_RE.search(sentences[i]) for i in live)
    detail: dict[int, _Sentence] = {}

    def at(index: int) -> _Sentence:
        if marks[index].specific:
            return marks[index]
        if index not in detail:
            detail[index] = _flags(sentences[index])
        return detail[index]

    found_check = False
    for i, mark in enumerate(marks):
        if not mark.specific or mark.past or mark.hypothetical:
            continue
        window = [at(j) for j in range(i, min(len(marks), i + 3))]
        if i > 0 and not at(i - 1).past and not at(i - 1).hypothetical:
            window.append(at(i - 1))
        if any(w.risk_now for w in window) or (
            any(w.risky_adult for w in window) and any(w.access for w in window)
        ):
            return "current_case_at_risk", True
        if any(w.weak or w.risky_adult for w in window):
            found_check = True
    return ("check_current_case" if found_check else ""), person


_NONE = SafetyAssessment(Signal.NONE, "", retrospective=False)


def is_support_question(text: str) -> bool:
    """Whether a message asks about support for staff (EAP, counselling, a debrief...).

    The intent classifier answers most of these (``ask_staff_support``); this catches the ones
    it reads as something else, so a practitioner asking for help is never told "out of scope".
    """
    t = normalise(text)
    return _SUPPORT_TOPIC.search(t) is not None and _ASKING.search(t) is not None


def is_question(text: str) -> bool:
    """Whether a message reads as a question ("who would I call?", "is it a referral if...")."""
    return _QUESTION.search(normalise(text)) is not None


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
_MAX_PARAGRAPHS = 12
"""A draft with more paragraphs than this is assessed in this many runs of paragraphs, so the
cost stays about twice that of the whole text however it is split."""


def _severity(found: SafetyAssessment) -> int:
    """The order in which :func:`assess` answers: urgent, crisis, check, distress, none."""
    if found.signal is Signal.URGENT:
        return 4
    if found.crisis:
        return 3
    return {Signal.CHECK: 2, Signal.DISTRESS: 1}.get(found.signal, 0)


def warm_up() -> None:
    """Read and compile the rules now rather than on the first message.

    The Rasa component calls this when the model loads, which happens once before the server
    forks its workers (bot/rasa_ext/prefork.py), so no practitioner's first message waits for
    the rules to be read, and the workers share the compiled patterns.
    """
    assess("reflection " * (_GATE_FROM // 10))  # longer than the gate, so the literals load too


def assess(text: str) -> SafetyAssessment:
    r"""Assess a message, or a draft written over several messages (paragraphs), as a whole.

    A draft is joined with blank lines ("previous\n\nnew"). Read as one text, an ordinary
    reflection in its first paragraph ("in a case last year ...", "my reflection is that ...")
    would make a present-tense worry in a later one look like part of the past case. So each
    paragraph is also assessed alone, and the most serious answer wins (a paragraph is never
    read more leniently than the message it came in); the whole text still counts, for a
    situation spread over paragraphs.
    """
    whole = _assess(text)
    if whole.signal is Signal.URGENT or not text or "\n" not in text:
        return whole
    parts = [p for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    if len(parts) < 2:
        return whole
    if len(parts) > _MAX_PARAGRAPHS:
        size = -(-len(parts) // _MAX_PARAGRAPHS)
        parts = ["\n\n".join(parts[i : i + size]) for i in range(0, len(parts), size)]
    best = whole
    for part in parts:
        found = _assess(part)
        if _severity(found) > _severity(best):
            best = found
    if best is whole:
        return whole
    return replace(best, crisis=best.crisis or whole.crisis)


def door_read(found: SafetyAssessment, *, unreadable_as_typed: bool) -> SafetyAssessment:
    """``found``, or CHECK when the door saw a message the rules could not have read.

    The door (bot/channels/door.py) judges the message as typed, before anonymising turned a
    sentence in another script into ``[NAME 1]``; whatever the rules made of what was left,
    unless they already answered a live concern or a crisis, the practitioner is asked.
    """
    if not unreadable_as_typed or found.signal is Signal.URGENT or found.crisis:
        return found
    if found.signal is Signal.CHECK:
        return found
    return SafetyAssessment(Signal.CHECK, UNREADABLE_RULE, retrospective=False, particular=True)


def _assess(text: str) -> SafetyAssessment:
    """Assess one user message for a live child-protection concern or practitioner distress.

    Args:
        text: The user's message (already anonymised or not; placeholders such as ``[NAME 1]``
            are understood as a person).

    Returns:
        URGENT when the text describes a current concern about a child: an explicit concern
        (never downgraded if it carries present framing such as "tonight", "right now" or "is
        being"), or the shape of one (a current, specific child or family plus a present or
        future risk). Otherwise DISTRESS with ``crisis=True`` when the practitioner's own life
        may be at risk; otherwise CHECK when it may be a live concern but may as well be a past
        case or a general question (the bot asks before doing anything with the text);
        otherwise DISTRESS when the practitioner describes their own distress (including their
        own childhood); otherwise NONE. ``retrospective`` is set whenever the text is clearly
        about the past with no present framing, ``general`` when it is about no particular
        child (a hypothetical or a general statement), whatever the signal.
    """
    if not text or not text.strip():
        return _NONE
    t = normalise(text)
    if not t:
        return _NONE
    reading = _Reading(t)
    if reading.own_safety:
        return SafetyAssessment(
            Signal.DISTRESS, _OWN_SAFETY.name, retrospective=False, crisis=reading.crisis
        )
    for step in _URGENT_STEPS:
        rule = step(reading)
        if rule is not None:
            return SafetyAssessment(
                Signal.URGENT, rule, retrospective=False, crisis=reading.crisis, particular=True
            )
    if reading.crisis:
        return SafetyAssessment(
            Signal.DISTRESS, "practitioner_crisis", retrospective=reading.retrospective, crisis=True
        )
    check = _check_rule(reading)
    if check:
        return SafetyAssessment(
            Signal.CHECK, check, retrospective=reading.retrospective, particular=True
        )
    if unreadable(t):  # the rules cannot read it, so they cannot say it is not a live concern
        return SafetyAssessment(Signal.CHECK, UNREADABLE_RULE, retrospective=False, particular=True)
    return _distress_or_none(reading)


class _Case(NamedTuple):
    """A current case, read sentence by sentence (see :func:`_current_case`)."""

    sentences: list[str]
    shape: str  # "current_case_at_risk", "check_current_case" or ""
    current: bool  # the text is about a current child or family


class _Frame(NamedTuple):
    """How a text frames what it says, and what that frame leaves definite."""

    hypothetical: bool
    generic: bool  # a generic or habitual statement
    past: bool  # about the past (or the practitioner's own childhood)
    distanced: bool  # any of the three: the concern is kept at a distance
    definite: bool  # about a definite child or family ("there is a girl", "the boy"), unframed
    household_violence: bool  # domestic abuse now, framed as neither distant nor conditional


def _frame(t: str, timing: _Timing, current_case: bool) -> _Frame:
    """The :class:`_Frame` of a normalised text."""
    hypothetical = (
        _HYPOTHETICAL.search(t) is not None or _INDEFINITE_CONDITIONAL.search(t) is not None
    )
    generic = _GENERIC.search(t) is not None or _HABITUAL.search(t) is not None
    past = timing.retrospective or timing.past_anchor or timing.own_past
    distanced = hypothetical or generic or past
    definite = not distanced and (
        _EXISTENTIAL.search(t) is not None
        or (_PROCESS_QUESTION.search(t) is None and _DEFINITE.search(t) is not None)
    )
    household_violence = (
        _DOMESTIC_ABUSE_NOW.search(t) is not None
        and not distanced
        and (current_case or not timing.review_reference)
        and _CONDITIONAL.search(t) is None
    )
    return _Frame(hypothetical, generic, past, distanced, definite, household_violence)


class _Reading:
    """What :func:`_assess` reads in one normalised message, for its decision steps to weigh.

    What every answer needs is read at once; the costlier readings (sentence by sentence, the
    frame, the live-report check) on first use and once, so an early URGENT answer costs no
    more than when :func:`_assess` was one long function.
    """

    def __init__(self, t: str) -> None:
        self.t = t
        self.timing = timing = _Timing.of(t)
        self.retrospective = timing.retrospective
        someone_else_at_risk = _SOMEONE_ELSE_AT_RISK.search(t) is not None
        # The practitioner's own words: without what the text says of someone else's risk.
        self.own = own = _SOMEONE_ELSE_AT_RISK.pattern.sub(" ", t) if someone_else_at_risk else t
        self.crisis = bool(_first_match((_CRISIS,), own, lambda f: True))
        self.has_child = has_child = (
            _CHILD_RE.search(t) is not None or _CHILD_BY_AGE.search(t) is not None
        )
        self.household = household = has_child or _HOUSEHOLD_RE.search(t) is not None
        # The first urgent family whose needs (a child, a household, "now") the text meets.
        self.family = _first_match(
            _URGENT_FAMILIES,
            t,
            lambda f: (
                (has_child or not f.needs_child)
                and (household or not f.needs_household)
                and (timing.now or not f.needs_strong_present)
            ),
        ) or ("child_suicidal_or_self_harming" if someone_else_at_risk else "")
        # The practitioner's own safety from a partner's abuse, with no child in the text: their
        # own distress (support, the employee assistance programme, 999), not the SPoA answer.
        self.own_safety = (not household and _OWN_SAFETY.combined.search(own) is not None) or (
            not self.family and not has_child and _targeted(t)
        )
        # Guilt over a death with no child in the text: "I haven't told anyone" is their secret.
        self.own_guilt = not has_child and _GUILT_OVER_DEATH.search(own) is not None

    @cached_property
    def case(self) -> _Case:
        sentences = [s for s in _SENTENCE_BREAK.split(self.t) if s]
        return _Case(sentences, *_current_case(sentences))

    @cached_property
    def frame(self) -> _Frame:
        return _frame(self.t, self.timing, self.case.current)

    @property
    def particular(self) -> bool:
        """About a particular child or family: a current case or a definite one."""
        return self.case.current or self.frame.definite

    @cached_property
    def live(self) -> str:
        """The live-report rule (see :func:`_live_report`), or "" when any frame is present."""
        t = self.t
        framed = (
            self.frame.distanced
            or self.timing.review_reference
            or _CONDITIONAL.search(t) is not None
            or _PROCESS_QUESTION.search(t) is not None
        )
        return "" if framed else _live_report(t)


# --------------------------------------------------------------------------------------------
# URGENT: each step names the rule that fires, or None; the first that fires answers
# --------------------------------------------------------------------------------------------


def _urgent_concern(r: _Reading) -> str | None:
    """An urgent family's concern, unless the text frames it as past, general or conditional."""
    return r.family if r.family and r.timing.concern_is_current(r.t) else None


def _targeted(t: str) -> bool:
    """The practitioner stalked or threatened by a service user, with no risk to a child in it."""
    return (
        _TARGETED.search(t) is not None
        and _RISK_NOW.search(_TARGETED.pattern.sub(" ", t)) is None
        and _ACCESS_NOW.search(t) is None
    )


def _urgent_shape(r: _Reading) -> str | None:
    """A current case with a present risk, read sentence by sentence.

    Not when the practitioner's guilt over a death is all there is: "If I'd done it properly
    he'd be alive ... I haven't told anyone" is their own secret, not an unreported concern.
    """
    if r.own_guilt and _RISKY_ADULT.search(r.t) is None and _ACCESS.search(r.t) is None:
        return None
    return r.case.shape if r.case.shape in URGENT_RULES else None


def _urgent_risky_adult(r: _Reading) -> str | None:
    """A definite child with access, now, to an adult who poses a risk."""
    t = r.t
    if (
        r.frame.definite
        and r.has_child
        and not r.timing.review_reference
        and _RISKY_ADULT.search(t) is not None
        and _ACCESS_NOW.search(t) is not None
    ):
        return "risky_adult_with_child"
    return None


def _urgent_household(r: _Reading) -> str | None:
    """Domestic abuse now in a household a child lives in."""
    if r.frame.household_violence and r.has_child and _CO_RESIDENT.search(r.t) is not None:
        return "domestic_abuse_in_household"
    return None


def _urgent_live(r: _Reading) -> str | None:
    """The clearest live reports (the live_urgent group)."""
    return r.live if r.live in URGENT_RULES else None


_URGENT_STEPS: tuple[Callable[[_Reading], str | None], ...] = (
    _urgent_concern,
    _urgent_shape,
    _urgent_risky_adult,
    _urgent_household,
    _urgent_live,
)
"""The URGENT rules in the order they are weighed: an explicit concern first, then shapes."""


# --------------------------------------------------------------------------------------------
# CHECK: a concern that may be live but may as well be past or general
# --------------------------------------------------------------------------------------------


def _check_rule(r: _Reading) -> str:
    """The CHECK rule that fires, or "".

    The current-case shape comes first and the steps of :data:`_CHECK_STEPS` run only without
    it, so a current case that turns out to be the practitioner's own loss is not checked by
    them either: only a live report can still be.
    """
    check = ("" if r.own_guilt else r.case.shape) or _first_check(r)
    if check == "check_current_case" and _own_loss(r):
        check = ""
    if (
        not check
        and r.live
        and not (r.live == "check_live_report" and _first_match(_DISTRESS_FAMILIES, r.own, bool))
    ):
        # A distressed practitioner's own tears today are not a live report about a child.
        check = r.live
    return check


def _first_check(r: _Reading) -> str:
    """The rule of the first step in :data:`_CHECK_STEPS` that fires, or ""."""
    for step in _CHECK_STEPS:
        rule = step(r)
        if rule:
            return rule
    return ""


def _check_definite(r: _Reading) -> str:
    """A definite child or family, with an urgent family's words or a risk in the text.

    The words of an urgent family that was not current, a request about a risk, an ongoing
    risk, or a risky adult near a child.
    """
    if not r.frame.definite:
        return ""
    t = r.t
    if r.family:
        return "check_particular_child"
    if _REQUEST.search(t) and (_RISKY_ADULT.search(t) or _RISK_NOW.search(t) or _ONGOING.search(t)):
        return "check_request_about_risk"
    if _ONGOING.search(t) and (_RISKY_ADULT.search(t) or _RISKY_ACTOR.search(t)):
        return "check_ongoing_risk"
    if r.has_child and _RISKY_ADULT.search(t) and (_PRESENT_CUE.search(t) or _ACCESS.search(t)):
        return "check_risky_adult"
    return ""


def _check_household_violence(r: _Reading) -> str:
    """Domestic abuse now in a household, with no child said to live in it (else URGENT)."""
    # "mum's partner is violent, they live together": a household with a child in it.
    return "check_household_violence" if r.frame.household_violence and r.household else ""


def _check_request_about_this(r: _Reading) -> str:
    """A request for advice about this situation, with no frame that keeps it at a distance."""
    if not r.frame.distanced and _REQUEST_ABOUT_THIS.search(r.t):
        return "check_request_about_this"
    return ""


def _check_risk_note(r: _Reading) -> str:
    """A terse note of a risk to a child (see :func:`_risk_note`), not framed or reviewed."""
    framed = r.frame.distanced or r.timing.review_reference
    if not framed and _risk_note(r.case.sentences, r.household):
        return "check_risk_note"
    return ""


def _check_terse_risk(r: _Reading) -> str:
    """A terse risk phrase that is not a question about process, generic or past."""
    if (
        not (r.frame.generic or r.frame.past or r.timing.review_reference)
        and _PROCESS_QUESTION.search(r.t) is None
        and _TERSE_RISK.search(r.t) is not None
    ):
        return "check_terse_risk"
    return ""


def _check_hedged_risk(r: _Reading) -> str:
    """A hedged risk to a particular child, unless the text is anchored in the past.

    "I wonder if the girl on my list might be at risk from her dad's mate who stays over":
    "I wonder", "might", "probably nothing" read as a hypothetical or a generalisation to the
    frame, but the child is one the practitioner holds and the risk is present, so the bot asks.
    Only a past anchor ("in a case years ago") or the practitioner's own childhood keeps it a
    reflection; a reference to the review does not ("the review made me wonder if ...").
    """
    if r.timing.past_anchor or r.timing.own_past:
        return ""
    return "check_hedged_risk" if _HEDGED_RISK.search(r.t) is not None else ""


def _check_quiet_worry(r: _Reading) -> str:
    """A quiet, present-tense worry about a family or child the practitioner holds now.

    "The family I visit on Tuesdays has a new uncle staying who sleeps in the kids' room": no
    abuse word, so no family or shape fires, but an unrelated adult in the children's room, a
    child left in charge of a baby overnight or a baby who flinches are known risk indicators
    and the family is a current one, so the bot asks. A past anchor, the practitioner's own
    childhood, the review or a conditional keeps it a reflection or a general question.
    """
    t = r.t
    if r.timing.past_anchor or r.timing.own_past or r.timing.review_reference:
        return ""
    if _CONDITIONAL.search(t) is not None or _PROCESS_QUESTION.search(t) is not None:
        return ""
    return "check_quiet_worry" if _QUIET_WORRY.search(t) is not None else ""


def _check_back_with_them(r: _Reading) -> str:
    """Someone still with, or gone back to, a partner, said in the present.

    "she's still with him now": the team may be talking about a live case, so it is asked
    about, never noted unseen. A past anchor, the practitioner's own past, the review, a
    generic frame or a conditional keeps it a reflection ("in Child Z's case mum went back to
    him" does not match anyway).
    """
    t = r.t
    if r.timing.past_anchor or r.timing.own_past or r.timing.review_reference:
        return ""
    if r.frame.generic or _CONDITIONAL.search(t) is not None:
        return ""
    return "check_back_with_them" if _BACK_WITH_THEM.search(t) is not None else ""


_CHECK_STEPS: tuple[Callable[[_Reading], str], ...] = (
    _check_definite,
    _check_household_violence,
    _check_request_about_this,
    _check_risk_note,
    _check_terse_risk,
    _check_hedged_risk,
    _check_quiet_worry,
    _check_back_with_them,
)
"""The CHECK rules tried when no current-case shape fired, in order; the first that fires wins."""


def _own_loss(r: _Reading) -> bool:
    """A current case that is the practitioner's own loss, with no risk, access or request in it.

    "a child died on my patch and I still haven't talked to anyone about it": the child is the
    practitioner's loss, not a live case; they need support, not a risk check.
    """
    t = r.t
    return (
        _OWN_CASE.combined.search(r.own) is not None
        and _SIBLING.search(t) is None
        and not any(p.search(t) is not None for p in (_RISK_NOW, _RISKY_ADULT, _ACCESS, _REQUEST))
    )


# --------------------------------------------------------------------------------------------
# DISTRESS, or nothing
# --------------------------------------------------------------------------------------------


def _distress_or_none(r: _Reading) -> SafetyAssessment:
    """DISTRESS when the practitioner describes their own distress; otherwise NONE."""
    t, own = r.t, r.own
    if _SOMEONE_ELSES_FEELINGS.search(own):
        own = _SOMEONE_ELSES_FEELINGS.pattern.sub(" ", own)
    rule = _first_match(_DISTRESS_FAMILIES, own, lambda f: True)
    if rule == "distress_affected" and (_MITIGATED.search(t) or _REASSURED.search(t)):
        # "hard going in places, but it's important learning": a remark about the briefing.
        rule = ""
    if not rule and _WANTS_TO_STOP.search(own) and _COST.search(own):
        rule = "distress_wants_to_stop"
    if rule:
        return SafetyAssessment(
            Signal.DISTRESS, rule, retrospective=r.retrospective, particular=r.particular
        )
    return _nothing_found(r)


def _nothing_found(r: _Reading) -> SafetyAssessment:
    """NONE, with what the text says of itself: reassured, general, an all-clear."""
    t = r.t
    particular = r.particular
    reassured = _REASSURED.search(t) is not None or _MITIGATED.search(t) is not None
    general = not particular and (
        r.frame.hypothetical
        or r.frame.generic
        or _CONDITIONAL.search(t) is not None
        or _GENERAL.search(t) is not None
    )
    all_clear = _ALL_CLEAR.search(t) is not None and not any(
        p.search(t) is not None
        for p in (_RISK_NOW, _RISKY_ADULT, _CONCERN_CUE, _REQUEST, _REQUEST_ABOUT_THIS, _ONGOING)
    )
    return SafetyAssessment(
        Signal.NONE,
        "",
        retrospective=r.retrospective,
        general=general,
        reassured=reassured,
        particular=particular,
        all_clear=all_clear,
    )
