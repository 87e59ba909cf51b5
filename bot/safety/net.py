"""The safety net: spot a live child-protection concern or a practitioner in distress.

Reflect is for reflecting on *past* learning. Practitioners will still, sometimes, type a live
concern into it ("a boy in my class says he is scared to go home tonight"), or tell it how the
case has affected them. This module is the small, tested pattern layer that catches both, so the
bot can answer with Single Point of Advice / 999 guidance (and record nothing), or acknowledge
distress and signpost support. It runs on every user message before anything else.

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
* Every regex is compiled once at import (no I/O at import) and every window is bounded, so
  the cost is linear in the text: about 0.15 ms for a typical message, under 1 ms for 40 words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

try:  # Python 3.11+ keeps the regex parser here
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # Python 3.10
    import sre_parse as _sre_parse

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
# Normalisation
# --------------------------------------------------------------------------------------------

# Curly quotes, primes and odd apostrophes fold to ASCII; dashes fold to a hyphen.
_QUOTE_TABLE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)

# Single-word typos, text-speak and apostrophe-less contractions -> canonical form.
_WORD_FIXES: dict[str, str] = {
    # time
    "tonite": "tonight",
    "tonigt": "tonight",
    "tonihgt": "tonight",
    "tongiht": "tonight",
    "toniht": "tonight",
    "tonght": "tonight",
    "2nite": "tonight",
    "2night": "tonight",
    "2day": "today",
    "tday": "today",
    "todya": "today",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tomoz": "tomorrow",
    "2moro": "tomorrow",
    "tomorow": "tomorrow",
    "tommorow": "tomorrow",
    "tommorrow": "tomorrow",
    "rite": "right",
    "nw": "now",
    "yday": "yesterday",
    "yesterdy": "yesterday",
    # fear / abuse
    "scard": "scared",
    "scaed": "scared",
    "scarred": "scared",
    "skared": "scared",
    "scaerd": "scared",
    "sacred": "scared",
    "afriad": "afraid",
    "frightend": "frightened",
    "terrifed": "terrified",
    "brusies": "bruises",
    "bruses": "bruises",
    "bruisies": "bruises",
    "bruisses": "bruises",
    "bruzes": "bruises",
    "bruisis": "bruises",
    "bruize": "bruise",
    "bruizes": "bruises",
    "bruse": "bruise",
    "brusie": "bruise",
    "brused": "bruised",
    "brusied": "bruised",
    "brusing": "bruising",
    "bruseing": "bruising",
    "bruiseing": "bruising",
    "bleading": "bleeding",
    "bleedin": "bleeding",
    "injurys": "injuries",
    "injurie": "injury",
    "fractered": "fractured",
    "fracured": "fractured",
    "disclossed": "disclosed",
    "discosed": "disclosed",
    "discolsed": "disclosed",
    "disclsoed": "disclosed",
    "discloed": "disclosed",
    "dislosed": "disclosed",
    "abussed": "abused",
    "abuesd": "abused",
    "abued": "abused",
    "abuse3d": "abused",
    "sexualy": "sexually",
    "threatend": "threatened",
    "threatned": "threatened",
    "thretened": "threatened",
    "threatenned": "threatened",
    "threatning": "threatening",
    "bein": "being",
    "beeing": "being",
    "hittin": "hitting",
    "hitin": "hitting",
    "hurtin": "hurting",
    "beatin": "beating",
    "dnager": "danger",
    "dagner": "danger",
    "suicdal": "suicidal",
    "sucidal": "suicidal",
    "suicidle": "suicidal",
    "suicidial": "suicidal",
    "abandonned": "abandoned",
    "referal": "referral",
    "refferal": "referral",
    "refferral": "referral",
    "safegaurding": "safeguarding",
    "safegarding": "safeguarding",
    "worryed": "worried",
    "woried": "worried",
    "worred": "worried",
    "wrried": "worried",
    "worrried": "worried",
    "concered": "concerned",
    "conserned": "concerned",
    # people
    "childern": "children",
    "chidren": "children",
    "chilren": "children",
    "childen": "children",
    "chidlren": "children",
    "chld": "child",
    "chlid": "child",
    "bby": "baby",
    "todler": "toddler",
    "teenger": "teenager",
    "stepdad": "step dad",
    "stepmum": "step mum",
    "stepfather": "step father",
    "stepmother": "step mother",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "mom": "mum",
    "mam": "mum",
    "mummy": "mum",
    "daddy": "dad",
    "ppl": "people",
    "fella": "boyfriend",
    "fellah": "boyfriend",
    "bloke": "man",
    "hv": "health visitor",
    "pt": "patient",
    "pts": "patients",
    "cyp": "children",
    # distress
    "overwelmed": "overwhelmed",
    "overwhlemed": "overwhelmed",
    "overwhelmd": "overwhelmed",
    "overwhelemed": "overwhelmed",
    "copeing": "coping",
    "copin": "coping",
    "burntout": "burnout",
    "burnedout": "burnout",
    "exausted": "exhausted",
    "exhuasted": "exhausted",
    "upseting": "upsetting",
    "thinkin": "thinking",
    "sleeo": "sleep",
    "suicde": "suicide",
    "sucide": "suicide",
    "suicid": "suicide",
    "tabs": "tablets",
    "meds": "medication",
    # text-speak
    "u": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "coz": "because",
    "cos": "because",
    "cuz": "because",
    "abt": "about",
    "wiv": "with",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "got to",
    "b4": "before",
    # contractions typed without the apostrophe
    "im": "i am",
    "ive": "i have",
    "cant": "cannot",
    "wont": "will not",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "isnt": "is not",
    "arent": "are not",
    "wasnt": "was not",
    "werent": "were not",
    "hasnt": "has not",
    "havent": "have not",
    "hadnt": "had not",
    "couldnt": "could not",
    "shouldnt": "should not",
    "wouldnt": "would not",
    "mustnt": "must not",
    "aint": "is not",
    "youre": "you are",
    "theyre": "they are",
    "theyve": "they have",
    "youve": "you have",
    "weve": "we have",
    "theyll": "they will",
    "youll": "you will",
    "shouldve": "should have",
    "couldve": "could have",
    "wouldve": "would have",
    "mightve": "might have",
    "mustve": "must have",
    "thats": "that is",
    "whats": "what is",
    "theres": "there is",
    "wheres": "where is",
}
_WORD_RE = re.compile(r"[a-z0-9]+")


def _fix_word(match: re.Match[str]) -> str:
    word = match.group()
    return _WORD_FIXES.get(word, word)


# Contractions with an apostrophe (applied before apostrophes are dropped).
_PERFECT = (
    r"(been|got|gone|had|taken|told|done|made|run|left|just|moved|let|started|stopped|come"
    r"|said|threatened|turned|shown|asked|agreed|decided|refused|disappeared|breached|broken)"
)
_CONTRACTION_SUBS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bcan'?t\b"), "cannot"),
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"\bshan'?t\b"), "shall not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"\bi'm\b"), "i am"),
    (re.compile(r"\bi\s?m\b"), "i am"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d(?= (?:been|had|gone|got|done|taken|told|seen|left|just)\b)"), " had"),
    (re.compile(r"'d\b"), " would"),
    # "he's been hit" -> "he has been hit"; "he's scared" -> "he is scared".
    (
        re.compile(r"\b(he|she|it|there|that|what|who|where|they)'?s (?=" + _PERFECT + r"\b)"),
        r"\1 has ",
    ),
    (re.compile(r"\b(he|she|it|there|that|what|who|where)'s\b"), r"\1 is"),
    (re.compile(r"\b(he|she|there|that|what|who|where)s\b"), r"\1 is"),
    (re.compile(r"\b(should|could|would|might|must) of\b"), r"\1 have"),
    # Possessive: "mum's boyfriend" -> "mum boyfriend", "the child's arm" -> "the child arm".
    (re.compile(r"'s\b"), ""),
    (re.compile(r"'"), ""),
)

_MULTI_FIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    # "14yo", "[age] y/o", "15 yrs old" -> "14 year old" (the door writes ages as [AGE 1]).
    (re.compile(r"\b(\d{1,2}|xxage) ?(?:yo|y o|yrs old|yr old)\b"), r"\1 year old"),
    (re.compile(r"\bcase load\b"), "caseload"),
    # One word, so the injury words ("burnt", "burns") never read a practitioner's burnout.
    (re.compile(r"\b(?:burnt|burned|burn) ?out\b"), "burnout"),
    (re.compile(r"\bself[ -]?harm"), "self harm"),
    (re.compile(r"\bover ?dose"), "overdose"),
    (re.compile(r"\bhome ?alone\b"), "home alone"),
)

# The door's placeholders ("[NAME 1]", "[AGE 2]") become one word per kind ("xxname", "xxage"),
# so word boundaries work around them as around any word.
_PLACEHOLDER_RE = re.compile(r"\[([a-z_]{2,20})(?: \d{1,3})?\]")
_PLACEHOLDER_AFTER_RE = re.compile(r"\b(xx[a-z_]{2,20}) -(?=[a-z0-9])")
_HYPHEN_RE = re.compile(r"(?<=[a-z0-9])-(?=[a-z0-9])")
_SPACE_RE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Return a canonical, lower-case form of ``text`` for the pattern families.

    Lower-cases, folds curly quotes and dashes, expands contractions (with or without the
    apostrophe: "can't"/"cant" -> "cannot", "im" -> "i am"), fixes common typos ("scard",
    "brusies", "tonite", "rite now"), turns hyphens inside words into spaces ("self-harm" ->
    "self harm", "18-month-old" -> "18 month old") and collapses whitespace. The patterns are
    written against this form only, which keeps them short.
    """
    t = text.lower().translate(_QUOTE_TABLE)
    t = _PLACEHOLDER_AFTER_RE.sub(r"\1 ", _PLACEHOLDER_RE.sub(r" xx\1 ", t))
    for pattern, repl in _CONTRACTION_SUBS:
        t = pattern.sub(repl, t)
    t = _HYPHEN_RE.sub(" ", t)
    t = _SPACE_RE.sub(" ", t).strip()
    t = _WORD_RE.sub(_fix_word, t)
    # Multi-word spellings that the patterns expect in one form ("burned out" -> "burnout").
    for pattern, repl in _MULTI_FIXES:
        t = pattern.sub(repl, t)
    return t


# --------------------------------------------------------------------------------------------
# A literal prefilter, so most regexes never scan most texts
# --------------------------------------------------------------------------------------------
#
# Every match of a pattern contains at least one of its *required literals*: worked out once
# from the parsed pattern (a run of literal characters every match passes through; for an
# alternation, one from each branch). When none of them is in the text the regex cannot match,
# so it is not run. ``in`` on a string is a fast C scan, and a typical message contains the
# literals of only a few families; an adversarial text has to carry every family's words to make
# every regex run, which dilutes the repeats that make each one slow.

_LITERAL = _sre_parse.LITERAL
_SUBPATTERN = _sre_parse.SUBPATTERN
_BRANCH = _sre_parse.BRANCH
_REPEATS = (_sre_parse.MAX_REPEAT, _sre_parse.MIN_REPEAT)


def _stronger(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether literal set ``a`` is the better filter: longer shortest literal, then fewer."""
    return (min(map(len, a)), -len(a)) > (min(map(len, b)), -len(b))


def _required_literals(items: Any) -> frozenset[str] | None:
    """Literals of which every match of the parsed sequence ``items`` contains one (or None)."""
    best: frozenset[str] | None = None
    run: list[str] = []

    def consider(found: frozenset[str] | None) -> None:
        nonlocal best
        if found and (best is None or _stronger(found, best)):
            best = found

    for op, av in items:
        if op is _LITERAL:
            run.append(chr(av))
            continue
        if run:
            consider(frozenset(["".join(run)]))
            run = []
        if op is _SUBPATTERN:
            consider(_required_literals(av[-1]))
        elif op is _BRANCH:
            branches = [_required_literals(branch) for branch in av[1]]
            if all(branches):
                consider(frozenset().union(*(b for b in branches if b)))
        elif op in _REPEATS and av[0] >= 1:
            consider(_required_literals(av[2]))
        # Anything else (a boundary, a class, a lookaround, an optional repeat) requires no
        # particular literal.
    if run:
        consider(frozenset(["".join(run)]))
    return best


@dataclass(frozen=True)
class _Gated:
    """A compiled regex that is only run when the text holds one of its required literals."""

    pattern: re.Pattern[str]
    literals: frozenset[str] | None

    @classmethod
    def of(cls, pattern: str | re.Pattern[str]) -> _Gated:
        compiled = re.compile(pattern) if isinstance(pattern, str) else pattern
        return cls(compiled, _required_literals(_sre_parse.parse(compiled.pattern)))

    def search(self, text: str) -> re.Match[str] | None:
        # On a short text the regex is quicker than looking for each literal.
        if (
            len(text) > _GATE_FROM
            and self.literals is not None
            and not any(lit in text for lit in self.literals)
        ):
            return None
        return self.pattern.search(text)


_GATE_FROM = 300
"""Texts longer than this (in characters) are checked for a regex's literals before it runs."""


# --------------------------------------------------------------------------------------------
# Building blocks (strings, combined into the compiled patterns below)
# --------------------------------------------------------------------------------------------

_NUM = (
    r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
    r"|fourteen|fifteen|sixteen|seventeen|few|xxage)"
)
# A child or young person, however the practitioner refers to them.
_CHILD = (
    r"(?:child(?:ren)?|kids?|kiddies|kiddos?|boys?|girls?|bab(?:y|ies)|infants?|newborns?"
    r"|toddlers?|teen(?:ager)?s?|young (?:person|people|man|woman|lad|girl|boy)|yp|pupils?"
    r"|students?|sons?|daughters?|lads?|youngsters?|little (?:one|boy|girl|lad)s?|siblings?"
    r"|step ?(?:son|daughter)s?|foster (?:child|kid)s?|minors?|nephews?|nieces?"
    r"|grand(?:child|son|daughter)s?|twins|schoolboy|schoolgirl"
    r"|(?:little|baby|younger|little baby) (?:brother|sister)s?|"
    + _NUM
    + r" ?(?:year|yr|month|mth|week|wk|day)s? ?olds?|(?:year|yr) ?(?:\d{1,2}|xxage)s?"
    r"|y(?:[1-9]|1[0-3])|xxname)"
)
# An adult who may pose the risk (or, in threats, the person threatening).
_ACTOR = (
    r"(?:he|she|they|dad|father|mum|mother|mums? (?:new )?(?:partner|boyfriend|bf|ex)"
    r"|dads? (?:new )?(?:partner|girlfriend|ex)|step (?:dad|mum|father|mother)"
    r"|(?:her|his|their|the|my) (?:new )?(?:partner|boyfriend|girlfriend|ex|husband|wife|dad"
    r"|mum|father|mother|step dad|uncle|carer|brother|sister|cousin)"
    r"|partner|boyfriend|girlfriend|ex|uncle|aunt(?:ie)?|grand(?:dad|pa|father|mother|ma|mum)"
    r"|brother|sister|cousin|man|woman|someone|somebody|perpetrator|suspect|offender"
    r"|neighbour|carer|lodger|adult a|adult|parents?|xxname)"
)
# A person who can be harmed.
_VICTIM = (
    r"(?:her|him|them|me|us|mum|mother|(?:the|his|her|their|my|a|an|this|that|our|both|all"
    r"|two|three|all the|the other) (?:\w+ ){0,2}?"
    + _CHILD
    + r"|"
    + _CHILD
    + r"|(?:his|her) (?:partner|wife|girlfriend|ex|mum|mother)|the family|everyone|xxname)"
)
_HARM_BASE = (
    r"(?:kill|murder|hurt|harm|stab|beat|batter|hit|strangle|smother|shake|burn|attack"
    r"|rape|punch|kick|throttle|choke|drown|suffocate|shoot|slap|smack|knife|torch|injure"
    r"|do (?:something|her in|him in|them in)|get (?:her|him|them)|finish (?:her|him|them) off"
    r"|take (?:the|her|his|their) (?:\w+ )?" + _CHILD + r" (?:away|from)"
    r"|shut (?:him|her|it|them) up (?:for good|permanently)"
    r"|come (?:for|after) (?:them|her|him|us|me|the \w+)"
    r"|take (?:him|her|them) away|take away (?:the|her|his|their) (?:\w+ )?"
    + _CHILD
    + r"|snatch|abduct)"
)
_ABUSE_TERMS = (
    r"(?:abus(?:e|ed|es|ing|ive)|hit(?:s|ting)?|beat(?:s|en|ing)?|punch\w*|kick\w*|slap\w*"
    r"|smack\w*|touch(?:es|ed|ing)|rap(?:e|ed|es|ing)|molest\w*|sexual\w*|hurt(?:s|ing)?"
    r"|harm(?:s|ed|ing)?|strangl\w*|chok(?:e|es|ed|ing)|burn(?:s|t|ed|ing)?|assault\w*"
    r"|belt(?:ed|s)?|whip\w*|locks? (?:her|him|them) in|locked (?:her|him|them) in|starv\w*"
    r"|groom\w*|exploit\w*|sex|violent|violence|scared|afraid|frightened|unsafe|not safe"
    r"|kill\w*|self harm\w*|suicid\w*|threat\w*|shak(?:e|es|ing)|shook"
    r"|(?:does|did|doing|done|do) (?:(?:bad|horrible|sexual|weird|rude|nasty|private|naughty"
    r"|funny) )?(?:things|stuff) to (?:her|him|them|me))"
)
_INJURY = (
    r"(?:bruis\w*|burns?|burn marks?|burnt|scald\w*|bleeding|blood(?:y|ied)?|fractur\w*"
    r"|broken (?:arm|leg|bones?|ribs?|wrist|nose|jaw|skull|collarbone|fingers?|ankle)"
    r"|head injur\w*|black eyes?|bite marks?|cuts|welts?|injur(?:y|ies|ed)|swollen|swelling"
    r"|lumps? on (?:his|her|their|the) head|unconscious|unresponsive|not breathing|floppy"
    r"|stopped breathing|turning blue|blue lips|choking"
    r"|fitting|seizures?|lacerations?|belt marks?|cigarette burns?|grip marks?"
    r"|finger ?tip marks?|petechia\w*|torn frenulum|bleed on the brain|brain bleed"
    r"|non accidental injur\w*|nai|marks? (?:on|around) (?:his|her|their|the) (?:\w+ )?"
    r"(?:neck|face|arms?|legs?|back|body|bottom|ears?|wrists?|cheeks?|head))"
)
_SELF = r"(?:him|her|them)sel(?:f|ves)|themself"
_DET = r"(?:a|an|this|that|one|my|our|the|her|his|their|two|three|some|these|those)"
# What a child "gets" done to them ("gets smacked", "keeps getting knocked about"): present and
# habitual, so it is a live concern without "disclosed" or "now". The plain verbs need no agent;
# the ambiguous ones ("hit", "beaten", "hurt") need one ("by his dad"), so "got hit by a car" and
# "got beaten at football" are not abuse.
_GETS = r"(?:gets?|getting|got)"
_GETS_ABUSE = (
    r"(?:thumped|smacked|slapped|punched|whacked|walloped|leathered|belted|strangled|choked"
    r"|beaten up|knocked (?:about|around)|abused|molested|starved|locked in|shut in|hit at home"
    r"|beaten at home|battered at home)"
)
_GETS_HARM_BY = (
    r"(?:hit|hurt|beaten|battered|kicked|pushed|shoved|thrown|dragged|burnt|burned|touched"
    r"|shaken|grabbed|bitten|bashed|pinned down)"
)
# Someone who poses a sexual (or serious violent) risk to children, by record or by conduct.
_RISK_TO_CHILDREN = (
    r"(?:(?:registered )?sex offenders?|on the (?:sex offenders? )?register|schedule (?:one|1)"
    r"|paedophiles?|pedophiles?|nonces?|indecent (?:images|photos|pictures)"
    r"|(?:child|children|sexual|sex|indecent) (?:sex )?offen[cs]es?"
    r"|(?:convicted|convictions?|charged|arrested|cautioned|jailed|imprisoned|in prison|in jail"
    r"|inside|did time|done time|doing time|served time|serving time|served|sentence|sentenced"
    r"|locked up) (?:\w+ ){0,3}?(?:for|of) (?:\w+ ){0,2}?(?:abus\w*|sexual\w*|sex|rap(?:e|ed|ing)"
    r"|indecent|touching|groom\w*|molest\w*|children|kids|child|minors|paedophil\w*)"
    r"|(?:poses?|posing|known|is|as) (?:a )?(?:\w+ )?risk to (?:children|kids|child|young people)"
    r"|(?:already )?had (?:a|an|two|three|his|her|their|(?:his|her|their) own) (?:\w+ )?(?:child"
    r"|children|kids?|baby|babies|son|daughter)s? (?:\w+ )?(?:removed|taken into care|taken"
    r" away|taken off (?:him|her|them)|placed for adoption|adopted))"
)
# The person is (or is about to be) in the household or caring for the child: present or
# future forms only, so "was living with the family" stays a past fact.
_HOME_ACCESS = (
    r"(?:(?<!was )(?<!were )(?:mov(?:e|es|ed|ing) (?:back )?in(?:to)?\b|stay(?:s|ing)?"
    r" (?:over|with|at|there|the night|on)|stop(?:s|ping)? over|sleep(?:s|ing)? (?:over|on|at"
    r"|in|there)|liv(?:e|es|ing) (?:with|there|at|in)|lodg(?:er|ers|es|ing)|babysit\w*"
    r"|look(?:s|ing)? after|mind(?:s|ing) (?:the|her|his|their)|car(?:es|ing) for"
    r"|spends? (?:the )?(?:time|weekends?|nights?) (?:with|at)|visits|visiting)"
    r"|let(?:s|ting)? (?:him|her|them) (?:stay|move|sleep|live|in|babysit|look after|mind)"
    r"|around the (?:kids|children|baby|house)|on (?:the|their|her|his) sofa|spare room)"
)

# --------------------------------------------------------------------------------------------
# Context markers
# --------------------------------------------------------------------------------------------

# Explicit present / imminent framing: time, place, "as we speak".
_STRONG_PRESENT = _Gated.of(
    r"\b(?:right now|just now|as we speak|as i (?:type|write|speak)|at (?:the|this) moment"
    r"|at present\b|currently|tonight|today|this (?:morning|afternoon|evening)|earlier today"
    r"|last night|yesterday|overnight|tomorrow|imminent(?:ly)?"
    r"|(?:an|one|half an|a few|two|\d+) (?:hours?|hrs?|mins?|minutes?) ago"
    r"|in front of me|with me (?:now|here|right now)|sat with me|sitting with me|here with me"
    r"|next to me\b|in my (?:office|room|classroom|car)\b|at the house i am at"
    r"|about to|at (?:my|the) (?:front )?door"
    r"|(?:act|call|ring|phone|contact|help|report|refer|respond|need \w+|someone)"
    r" (?:\w+ ){0,2}?now\b"
    r"|\bnow (?:he|she|they|dad|mum|(?:the|a|his|her|their|my) (?:\w+ )?" + _CHILD + r"|xxname)"
    r" (?:\w+ )?(?:is|are|has|have|says|keeps)\b"
    r"|(?<!had )just (?:\w+ )?(?:told|disclosed|said|found|seen|saw|come|came|arrived"
    r"|rang|called|phoned|messaged|texted|sent|heard|noticed|turned up|walked|left|run|ran)"
    r"|(?:i am|we are|i am currently|we are currently) (?:\w+ ){0,2}?(?:at|in|on|outside)"
    r" (?:a|an|the|their|his|her|this|my) (?:\w+ ){0,2}?(?:house|home|address|property|flat"
    r"|visit|scene|school|hospital|a&e|ward|clinic|incident|domestic|job|call|car|nursery)"
    r"|(?:is|are|am) (?:\w+ ){0,3}?now"
    r"(?=\s*(?:[.!?,;]|$| and\b| with\b| as\b| but\b| where\b| who\b))"
    r"|(?:is|are|am) (?:\w+ ){0,2}?in (?:\w+ )?danger)"
)
# Present-time markers in the grammar: "is being hit", "is still there", "are home alone". Like
# the explicit markers above they outweigh any retrospective marker.
_PRESENT_MARKER = _Gated.of(
    r"\b(?:is|are|am) (?:still |currently )?being \w+|\b(?:is|are) (?:still|currently) \w+"
    r"|\bstill (?:there|at the|in the house|with (?:him|her|them|the))"
    r"|\b(?:is|are) (?:home alone|alone|on (?:his|her|their) own|missing|bleeding|unconscious"
    r"|not breathing)\b"
)
# Present or future tense in the concern itself: "dad hits her", "she says she is scared", "has a
# bruise", "he will kill her". It outweighs a reference to the review or a general question (a
# practitioner may mention the briefing while reporting a live concern), but not a past anchor
# ("in a case last year ... says he will ...", reported speech) or an explicit conditional.
_PRESENT_TENSE = _Gated.of(
    r"\b(?:is|are|am|feels?|says (?:she|he|they) (?:is|are|feels?)) (?:\w+ )?(?:scared|afraid"
    r"|frightened|terrified|petrified|unsafe|not safe|in danger|suicidal|self harming|hungry"
    r"|starving|covered in)\b"
    r"|\b(?:hits|beats|punches|kicks|slaps|smacks|touches|rapes|abuses|hurts|burns|strangles"
    r"|chokes|starves|batters|molests|assaults|attacks|threatens|shakes|bites|whips|belts"
    r"|throws \w+ at|locks (?:her|him|them) in) (?:\w+ )?(?:her|him|them|me|us|mum|the|his"
    r"|their|my|a|xxname)\b"
    r"|\b(?:has|have) (?:got )?(?:a |an )?(?:\w+ ){0,2}?" + _INJURY + r"\b"
    r"|\b(?:says|saying|tells|telling) (?:me |us )?(?:that )?(?:she|he|they|dad|mum|xxname)"
    r" (?:is|are|will|wants|has|have|hits|keeps|does not want)\b"
    r"|\b(?:will|is going to|are going to|going to|about to) (?:\w+ )?(?:kill|hurt|harm|stab"
    r"|beat|hit|strangle|smother|shake|burn|attack|rape|punch|kick|choke|drown|suffocate"
    r"|shoot)\b"
    r"|\bwants? to die\b"
    r"|\b(?:gets|is getting|are getting|keeps? getting|still gets) (?:\w+ )?(?:"
    + _GETS_ABUSE
    + r"|"
    + _GETS_HARM_BY
    + r" (?:\w+ ){0,3}?by)\b"
)
# Anchors the events in the past ("in a case last year", "when I worked in MASH"): a concern
# described inside such a frame is a reflection unless something says it is happening now.
_PAST_ANCHOR = _Gated.of(
    r"\b(?:last year|(?:\w+ )?years? ago|years back|a (?:long )?while (?:ago|back)"
    r"|long time ago|some time ago|in (?:a|one|another|my|that) (?:\w+ )?case\b"
    r"|(?<!\bhave )(?<!\bgot )(?<!\bhold )(?<!\bholding )(?<!\bhas )a case(?! (?:i am|we are"
    r"|i have|i hold|i currently|on my|at the moment)) (?:where|in which|i|we|like)"
    r"|had (?:a|one|this) (?:\w+ )?case|on a case"
    r"|previously|(?<!\bis )(?<!\bare )(?<!\bam )(?<!\bget )(?<!\bgot )(?<!\bbe )used to"
    r"|when i (?:worked|was|used)|when we (?:worked|were|had)|back (?:then|in (?:19|20)\d\d"
    r"|in the day)"
    r"|at (?:the|that) time|in the past|historically|i once|we once"
    r"|(?:only |much )?later (?:on )?(?:learned|learnt|found out|discovered|realised|emerged)"
    r"|(?:learned|learnt|found out|discovered|realised|came out|emerged) (?:\w+ ){0,2}?later\b"
    r"|we had (?:a|one|this|another) (?:family|case|child|baby|boy|girl|young|mum|dad|teen)"
    r"|i had (?:a|one|this|another) (?:family|case|child|baby|boy|girl|young|mum|dad|teen)"
    r"|in (?:my|a|one|another|that) (?:last|previous|old|former|first|earlier|past|other)"
    r" (?:job|role|post|team|authority|school|force|trust|placement|career|life|service"
    r"|area|unit)|in (?:19|20)\d\d"
    # "an old case of mine", "one of my earliest families", "a previous case taught me"
    r"|(?:an?|one of (?:my|our)|my|our|that) (?:very )?(?:old|previous|former|earlier|earliest"
    r"|first ever|very first)(?: ever)? (?:cases?|famil(?:y|ies)(?! (?:court|proceedings))"
    r"|clients?|patients?|pupils?)\b"
    r"|(?:early|earlier) (?:on )?in my career|(?:start|beginning) of my career"
    r"|(?:in|during) my (?:asye|nqt year|nqsw year|first year|training)\b(?=[^.!?]{0,40}\b(?:i|we)"
    r" (?:had|was|were|saw|worked|met|dealt)\b)"
    r"|that was (?:back )?(?:in )?(?:19|20)\d\d)"
)
# Refers to the review or to reflection ("Child Z", "the briefing", "in hindsight"): usually a
# reflection, but present-tense grammar about a child still counts as a live concern.
_REVIEW_REFERENCE = _Gated.of(
    r"\b(?:looking back|in hindsight|with hindsight|on reflection|reflecting (?:on|back)"
    r"|(?:we|i|team|supervision) (?:have |had )?reflected\b|reflected on"
    r"|(?:could|should|would|might) have (?:\w+ )?(?:checked|known|asked|shared|told|seen|done"
    r"|picked|spotted|acted|referred|realised|noticed|been|found|looked)"
    r"|the review|this review|the lcspr|lcspr|the briefing|this briefing|learning briefing"
    r"|(?:great|good|useful|helpful|clear|excellent|interesting|powerful) (?:briefing|review)"
    r"|child z\b|adult a\b|i remember|in my experience|in (?:the|this) case\b)"
)
_PLURALS = (
    r"(?:children|kids|babies|infants|toddlers|young people|teenagers|parents|families|women"
    r"|fathers|dads|mums|men|victims)"
)
# Explicit conditionals and generic statements ("what do I do if a child discloses?", "children
# who are being abused often don't tell"): they describe no particular child, so they outweigh
# present-tense grammar, but not an explicit "tonight" / "right now".
_CONDITIONAL = _Gated.of(
    r"\bwhat (?:would|should|do|can|could|must|shall) (?:i|you|we|one|practitioners"
    r"|professionals|staff) do (?:if|when)\b|\bwhat if\b"
    r"|(?:^|[.!?] )(?:how|who|what|when|where|should|do|does|can|could|would|is|are|shall"
    r"|will)\b[^.!?]{0,50}\b(?:if|when) (?:a|an|any|the|there|someone|somebody|you|we|i"
    r"|children|kids|parents|families|young people|babies)\b"
    r"|\bif i (?:was|were|ever|am ever|had|should ever)\b"
    r"|\b(?:a|any) (?:man|woman|parent|partner|dad|mum|father|mother|child|baby|perpetrator"
    r"|adult|person) (?:who|that)\b[^.!?]{0,40}?\b(?:can|could|may|might|should|tends? to"
    r"|is (?:likely|also|still) (?:to|a)|poses?)\b"
    r"|(?:^|[.!?] )if (?:a|an|any|someone|somebody|you|we|children|kids|parents|families"
    r"|young people|babies|mum|dad|the|there|he|she|they)\b"
    r"|(?:^|[.!?] )when (?:a|an|any|children|kids|parents|families|young people|babies)\b"
    r"|\bhypothetical\w*|\bin theory\b|\bcase stud(?:y|ies)\b|\bvignettes?\b|\brole play\b"
    r"|\btraining (?:scenario|exercise|example)s?\b|\bin (?:the|a|our|this) scenario\b"
    r"|\bfictional\b|\bmade up (?:baby|child|toddler|family|case|scenario|example)\b"
    r"|\bsimulat(?:ion|ed)\b|\bmock (?:case|scenario|visit|strategy)\b"
    r"|\b(?:the|my|our|a|one|key) (?:\w+ )?(?:learning|lesson|message|takeaway|learning point)"
    r" (?:\w+ ){0,2}?(?:is|was|for me is) that\b"
    r"|\b(?:needs?|should|must) always\b|\balways (?:needs?|requires?|warrants?|be)\b"
    r"|\b(?:all|any|most|many|non mobile) (?:children|kids|babies|child|baby"
    r"|young people|infants|toddlers|teenagers|families|parents)\b"
    r"|\b(?=" + _PLURALS + r" (?:who|that|whose|where)\b)(?<!the )(?<!two )(?<!her )(?<!his )"
    r"(?<!their )(?<!my )(?<!our )(?<!these )(?<!those )" + _PLURALS
)
# General questions and statements ("how do I ...", "research tells us ..."): like a
# retrospective marker, they downgrade a concern only when nothing in the text is present-tense.
_GENERAL = _Gated.of(
    r"\bhow (?:do|does|should|can|could|would|might|did|to) (?:i|you|we|they|one|practitioners"
    r"|professionals|agencies|staff|teams|people|support|help|spot|recognise|tell|assess)\b"
    r"|\bin general\b|\bfor example|\bis there (?:a|an|any) (?:procedure|process|policy"
    r"|protocol|guidance|form|way|rule|law)\b"
    r"|\bwhat (?:counts|are the signs|is the (?:threshold|process|procedure|policy|guidance))"
    r"|\b(?:research|evidence|studies|guidance|procedures?|policy|page|website|manual"
    r"|working together) (?:shows?|says|said|tells|suggests|states|found|explains)"
    r"|(?:^|[.!?] )" + _PLURALS + r" (?:are|can|may|might|should|must|need|often|do|will|tend"
    r"|in general|usually|generally|sometimes)\b"
)
_CHILD_RE = _Gated.of(r"\b" + _CHILD + r"\b")
# A child by age alone ("she's only 14", "aged [AGE 1]"), for the families that need a child.
_CHILD_BY_AGE = _Gated.of(
    r"\b(?:she|he|they) (?:is|are) (?:only |just |barely )?(?:1[0-7]|[1-9]|xxage)\b"
    r"(?! (?:minutes|mins|hours|days|weeks|months|miles|percent|pounds|quid|stone|feet))"
    r"|\baged (?:only |just )?(?:1[0-7]|[1-9]|xxage)\b"
)
# A household a child may live in: a parent, a grandparent or a family counts.
_HOUSEHOLD_RE = _Gated.of(
    r"\b(?:mums?|dads?|mothers?|fathers?|parents?|nan|nanny|gran|grandparents?|famil(?:y|ies)"
    r"|household|carers?|step (?:dad|mum|father|mother))\b"
)


# --------------------------------------------------------------------------------------------
# The shape of a live concern without cue words
# --------------------------------------------------------------------------------------------
#
# A practitioner describing a family they are working with now rarely says "urgent": "I've got a
# mum on my caseload whose ex is out of prison and he's been round twice to see the baby". What
# makes it live is its shape: a *current, specific* child or family (my caseload, one of my
# families, a pupil I teach, "I've got a family where") plus a *present or future risk* (a risky
# adult living there or in contact, an injury, a child missing, no food, threats, an order
# breached), often with a *request* ("should I...", "who do I contact"). Each piece is a small
# bounded pattern; the decision in :func:`assess` combines them sentence by sentence, so a long
# message that starts as a reflection and turns to a family now is still caught.

_FAMILY_WORD = (
    r"(?:famil(?:y|ies)(?! (?:support|background|hub|centre|court|law|life|members?|history"
    r"|time|holiday|liaison|group|work|worker))|mums?|mothers?|dads?|fathers?|parents?|carers?|clients?|patients?"
    r"|service users?|cases?|women|woman|men|man|couple|household|" + _CHILD + r")"
)
# A current, specific child or family.
_CURRENT_CASE = _Gated.of(
    r"\b(?:on|in) (?:my|our) (?:caseload|case list|list|books|patch|register|tutor group"
    r"|class|form group|group|clinic list|ward)\b"
    r"|\b(?:one|some|two|three|a couple|a few) of (?:my|our) (?:\w+ )?(?:famil(?:y|ies)|mums"
    r"|dads|parents|pupils|patients|clients|children|kids|young people|students|cases"
    r"|service users|girls|boys|lads|babies|mothers|fathers|women|teenagers|ladies|mums to be"
    r"|expectant mums|tutees|mentees|families)\b"
    r"|(?:^|[.!?,;:] |\b(?:a|an|one|this|the|our) )(?:\w+ ){0,2}?"
    + _FAMILY_WORD
    + r" (?:who |that |whom )?"
    r"(?:i am|we are|i|we|i have been|we have been) (?:currently |still |now |really )?"
    r"(?:working with|supporting|visiting|holding|seeing|see|teach|teaching|support|visit"
    r"|hold|work with|look after|looking after|mentor|mentoring|am allocated|care for"
    r"|caring for|worried about|concerned about|uneasy about|unsure about|have got|have on"
    r"|tutor|tutoring|coach|coaching|key work|keywork|foster|fostering|nurse|treat|childmind"
    r"|involved with|am involved with"
    r"|have(?! (?:worked|been|had|seen|met|supported|visited|known|dealt|done|looked|taught"
    r"|cared|managed|held))|got|am holding|saw|visited|met)\b"
    r"|\b(?:i|we) (?:have|have got|got|currently have|do have|am holding|are holding|am seeing"
    r"|am working with|are working with|am supporting|are supporting|am visiting"
    r"|have been visiting|have been working with|have been supporting|support|work with|visit"
    r"|see|teach|tutor|mentor|look after|care for|hold|key work|foster) (?:a|an|one|this|two)"
    r" (?:\w+ ){0,2}?" + _FAMILY_WORD + r"\b"
    r"|(?:^|[.!?,;:-] |\band |\bbut )got (?:a|an|one) (?:\w+ ){0,2}?" + _FAMILY_WORD + r"\b"
    r"|(?:^|[.!?,;:-] )(?:my |our )?(?:client|pupil|patient|service user|student|mentee"
    r"|young person)\b(?!s)"
    r"|\b(?:i|we) (?:have|have got|got|am holding|hold|have a few|have some|am dealing with"
    r"|are dealing with|am handling|am working on|am seeing) (?:one|a few|some|a couple|two"
    r"|three|a family|a case|a child|something|a situation) (?:\w+ )?(?:like (?:this|that|it)"
    r"|similar|the same)\b"
    r"|\bmy (?:pupil|patient|client|student|service user|mentee|tutee|young person)\b(?!s)"
    r"|\b" + _FAMILY_WORD + r" of (?:mine|ours)\b"
    r"|\b(?:current|live|open|active|ongoing|new) (?:case|family|referral|allocation)\b"
    r"|\bwhy i am (?:actually |really |even )?(?:on )?here\b"
    r"|\b(?:literally|exactly|just) (?:like |the same as )?(?:my|one of my|a family i|a case i)\b"
    r"|\b(?:this|it) is (?:happening|going on) (?:with|to|in) (?:a|one|my)\b"
)
# Habitual or ongoing present ("keeps going back to him", "still has keys", "turned up again").
_ONGOING = _Gated.of(
    r"\b(?:keeps?|kept on|still) (?:\w+ )?(?:going back|letting|turning up|coming (?:round|back"
    r"|to)|ringing|calling|texting|messaging|contacting|seeing|having|asking|waiting|turning"
    r"|getting back|taking (?:him|her) back|has|have|got|lives|living|staying|visiting)\b"
    r"|\b(?:turned|turning|showed|shown|rocked) up (?:\w+ ){0,4}?again\b"
    r"|\bstill (?:sees|meets|talks to|speaks to|in contact|texts|calls|visits|seeing|meeting)\b"
    r"|\b(?:keeps?|kept on) (?:sending|giving|buying|following|watching|driving past|hanging"
    r" around|showing up|popping round|leaving|turning|phoning|writing)\b"
    r"|\b(?:will not|does not|would not|cannot|can not) (?:stop|leave (?:her|him|them) alone)\b"
    r"|\b(?:is|are) (?:back|still) (?:with|in|at|living|together|seeing)\b"
)
# Something about an adult that makes them a risk (a record, an order, prison, violence).
_RISKY_ADULT = _Gated.of(
    r"\b" + _RISK_TO_CHILDREN + r"\b"
    r"|\b(?:has|have|with|got|had) (?:a |some |got )?(?:\w+ )?(?:previous|record|criminal"
    r" record|convictions?|charges|cautions?|history|past|form)\b(?! (?:of|for) (?:\w+ )?"
    r"(?:depression|anxiety|asthma|illness|working|teaching|nursing))"
    r"|\b(?:been|was|is|just|spent time) (?:in|out of) (?:prison|jail|custody)\b"
    r"|\b(?:had|has had|have had) (?:her|his|their) (?:own )?(?:kids|children|baby|babies|child"
    r"|son|daughter) (?:taken|removed)\b"
    r"|\b(?:due for|up for) (?:release|parole)\b|\brelease date\b|\bgetting out\b"
    r"|\b(?:convicted|charged|arrested|investigated|cautioned|jailed|imprisoned|sentenced)"
    r" (?:\w+ )?(?:for|of|with|over)\b"
    r"|\b(?:his|her|their|partner|boyfriend|ex|dad|father) (?:criminal |police |offending )?"
    r"(?:record|history|convictions|previous|past|form)\b"
    r"|\bhistory of (?:\w+ ){0,2}?(?:violence|abuse|da|dv|domestic \w+|assault\w*|offending"
    r"|sexual \w+|stalking|harassment|coercive \w+)"
    r"|\b(?:da|dv|violent|abusive|offending|criminal|sexual) (?:history|past|record|partner|ex"
    r"|boyfriend|man|dad|father|husband)\b"
    r"|\b(?:sex offenders? register|registered sex offender|sex offender|rso|schedule (?:1|one)"
    r"|on licence|out on licence|on bail|bailed|released from (?:prison|custody|jail)|out of"
    r" (?:prison|jail|custody)|due out|being released|been released|just released|released"
    r" (?:last|this|on|early|yesterday|today)|dvpo|dvpn|non molestation order|protection order"
    r"|restraining order|injunction|court order|no contact order|not allowed (?:near|to see"
    r"|contact)|no contact|supervised contact only|gbh|abh|perpetrator|risky adult)\b"
)
# The risky adult is (or will be) near the child: moved in, staying, contact, turning up.
_ACCESS = _Gated.of(
    r"\b(?:moved|moving|move|moves) (?:back )?in\b"
    r"|\blet (?:him|her|them) (?:back |move )?in\b"
    r"|\bletting (?:him|her|them) (?:back )?in\b|\b(?:living|lives|live|staying|stays|stay"
    r"|sleeping|sleep|slept|stayed) (?:over|there|with|at|in)\b|\bback (?:home|in the house"
    r"|at the house"
    r"|living|at home|with (?:her|him|them|mum|dad|the))\b|\b(?:gone|going|went) back to"
    r" (?:him|her|them)\b|\b(?:looking|looks|look) after\b|\bbabysit\w*|\bminding\b"
    r"|\b(?:has|have|having|got|given|gets|get|granted|ordered|arranged|starting|start)"
    r" (?:\w+ )?(?:unsupervised |overnight |supervised )?(?:contact|access|overnights"
    r"|weekends|visits|handovers)\b|\bcontact (?:is |has been )?(?:arranged|starting|starts"
    r"|every|from|on|at|this)\b|\bhandovers?\b|\bseen at\b|\bat the (?:house|address|flat"
    r"|door|school|nursery|gate|school gate|home)\b|\boutside (?:the|her|his|their)\b"
    r"|\bturn(?:ed|ing|s)? up\b|\bbeen round\b|\bcom(?:e|ing) round\b|\bmessag\w* (?:her|him"
    r"|them|mum|dad|the)\b|\bwaiting (?:outside|for)\b|\bin the (?:house|home|flat)\b"
    r"|\bleft (?:\w+ )?(?:with|alone with|in the care of)\b|\b"
    + _HOME_ACCESS
    + r"|\binto the (?:family )?(?:home"
    r"|house|flat)\b|\blet (?:him|her|them) (?:come|move|stay|sleep|live)\b"
    r"|\b(?:come|coming|comes) (?:back )?home\b|\b(?:is|are) (?:\w+ )?around\b"
    r"|\baround (?:a lot|all the time|the house|the kids|the children|the baby)\b"
    r"|\b(?:has|have|having|gets|got|get) (?:the|his|her|their) (?:kids|children|baby|boys|girls"
    r"|son|daughter)\b"
    r"|\b(?:go|going|goes|discharged|sent|due to go|to go) home (?:with|to)\b"
    r"|\b(?:picking|pick|picked|picks) (?:\w+ ){0,2}?up\b|\bcollect\w*\b|\bsee the (?:kids|children"
    r"|baby|boys|girls)\b|\b(?:been|is|was|are) (?:\w+ )?(?:round|over) (?:at|to)\b"
)
# A risk to a child now (observed or reported): injury, missing, neglect, threats, fear,
# breach, leaving hospital against advice, exploitation, no checks done.
_RISK_NOW = _Gated.of(
    r"\b"
    + _GETS
    + r" (?:\w+ ){0,2}?(?:"
    + _GETS_ABUSE
    + r"|"
    + _GETS_HARM_BY
    + r" (?:\w+ ){0,3}?by "
    + _ACTOR
    + r")\b"
    r"|\b" + _INJURY + r"\b|\b(?:split|fat|bust) lip\b|\bhand ?print\b|\bmarks (?:on|to|around)"
    r"|\b(?:broke|broken|cracked) (?:her|his|their|mum|the) \w+\b"
    r"|\b(?:missing|absent) (?:since|for|from|overnight)\b|\b(?:going|goes|gone|went) missing\b"
    r"|\b(?:not|never) (?:been )?(?:seen|home|back|in school|in nursery|at school) (?:since"
    r"|for)\b|\bnot been (?:home|seen|in)\b|\bno answer (?:at|from)\b|\b(?:not|stopped)"
    r" (?:been )?answering\b|\b(?:will not|would not|refus\w* to) (?:say|tell (?:us|me)) where\b"
    r"|\bno (?:food|breakfast|electricity|heating|nappies|milk)\b|\bnothing to eat\b"
    r"|\b(?:losing|lost) weight\b|\bnot (?:being )?fed\b|\b(?:hungry|starving)\b"
    r"|\b(?:not|stopped|refus\w* to|will not|won't) (?:let|letting) (?:me|us|anyone|the \w+)"
    r" (?:in|see)\b|\b(?:will not|would not|refus\w* to) (?:open|answer) the door\b"
    r"|\bempty (?:flat|house|home)\b|\b(?:no one|nobody|noone) (?:has )?(?:picked|collected"
    r"|come for)\b|\b(?:drinking|using|drunk|high) (?:heavily )?(?:again|every day|all the time)\b"
    r"|\bthreat\w*\b|\b(?:scared|terrified|petrified|frightened|afraid) (?:of|to|for|that)\b"
    r"|\b(?:is|am|are|was) (?:\w+ )?(?:terrified|petrified)\b"
    r"|\bbreach\w*|\beven though (?:\w+ ){0,3}?(?:said|order|no contact|not allowed)"
    r"|\bself discharg\w*|\bdischarg\w* (?:him|her|them)sel\w*|\bagainst (?:medical )?advice\b"
    r"|\btake (?:him|her|them) home (?:before|against|now|today|tonight)\b"
    r"|\b(?:will not|would not|refus\w* to|not going to) take (?:him|her|them) to (?:a|the)"
    r" (?:doctor|gp|hospital|a&e)\b"
    r"|\bmade to (?:hold|carry|sell|move|deliver|run)\b|\bowes? (?:them |him |people )?money\b"
    r"|\bnew (?:phones?|trainers|clothes|money)\b|\bmet (?:him |her )?online\b"
    r"|\bolder (?:man|men|lads|boys|guy|guys)\b|\b(?:meeting|meets|meet) (?:him|them|up)\b"
    r"|\b(?:no|without any) (?:checks|risk assessment)\b|\bnot (?:been )?(?:checked|shared"
    r"|assessed|told)\b|\b(?:nobody|no one|noone) (?:has )?(?:checked|shared|done|told|assessed)\b"
    r"|\b(?:strangled|choked|kicks|kicked|punched|hits|hit|beat|beats|pushed|slapped|attacked"
    r"|assaulted|raped|touched|touches|hurt|hurts|hurting|hitting)\b"
    r"|\bsending (?:her|him|them) (?:\w+ )?(?:messages|pictures|photos)\b"
    r"|\b(?:coming|came|comes) into (?:the|her|his|their) (?:bathroom|bedroom|room)\b"
    r"|\bgun\b|\bknife\b|\bweapon\b|\bflinch\w*|\bcower\w*|\bwets (?:him|her|them)sel\w*"
    r"|\b(?:hide|hides|hiding|hid) (?:from|when|whenever)\b|\b(?:will not|would not|do not"
    r"|does not|cannot) (?:go|come|be) near (?:him|her|them)\b"
    r"|\b(?:losing|lost|lose) (?:\w+ ){0,3}?weight\b|\ba cut (?:on|above|to|under|across|in)\b"
    r"|\b(?:story|explanation|account|stories)\b[^.!?]{0,20}?\b(?:keeps? changing|changed"
    r"|changes|does not (?:add up|fit|match)|did not (?:add up|fit|match)|inconsistent)\b"
    r"|\b(?:shouting|screaming|yelling|swearing) at\b|\bhole in the (?:wall|door)\b"
    r"|\bsmashed\b|\b(?:not happy|uneasy|worried|uncomfortable|unhappy) (?:about )?leaving"
    r" (?:them|the \w+|her|him)\b"
    r"|\btak(?:e|ing) (?:the|her|his|their|my) (?:\w+ )?(?:children|kids|baby|son|daughter"
    r"|boys|girls) (?:abroad|away|out of the country)\b"
    r"|\b(?:sell|selling|sells|deal|dealing|deals|run|running|carry|carrying) (?:drugs|weed"
    r"|county lines|for (?:them|him|older))\b|\bcounty lines\b"
    r"|\bmeet (?:up|him|her|them)\b|\bsending (?:\w+ )?(?:pictures|photos|images|nudes|selfies)"
    r"|\b(?:a|an|the) (?:older )?(?:man|men|adult|guy|bloke) (?:\w+ ){0,2}?online\b"
    r"|\bunder (?:the )?water\b|\bhold(?:s|ing)? (?:his|her|their) head\b|\b(?:holds|held"
    r"|grabs|grabbed|shakes|drags|dragged|throws|threw|locks|locked|bites|bit|smacks|slaps"
    r"|whips|belts|chokes|pins|pinned|burns|burnt|scalded) (?:him|her|them|the \w+|his \w+"
    r"|her \w+)\b"
    r"|\b(?:stopped|not|never) (?:going|coming|been going|been coming) home\b|\bsofa surf\w*"
    r"|\b(?:will not|refus\w* to|does not|did not) (?:give|say|tell) (?:us |me |anyone )?"
    r"(?:an |the |her |his |their )?(?:address\w*|where)\b"
    r"|\btrying to (?:get in|get into|break in|force (?:his|her|their) way|get at)\b"
    r"|\b(?:snatch|abduct|take) (?:\w+ ){0,2}?(?:children|kids|baby|son|daughter)\b"
    r"|\b(?:scared|frightened|terrified|afraid|worried) (?:that )?(?:he|she|they|her ex|his ex"
    r"|dad|mum|the \w+) (?:will|is going to|might|would)\b"
    r"|\b(?:keep|keeping|keeps) (?:\w+ )?secrets?\b|\bour (?:little )?secret\b"
    r"|\ba mark (?:on|to|around|across|under|behind|above)\b|\bdifferent (?:stories|explanations"
    r"|accounts|versions)\b"
    r"|\bstaying out (?:all night|late|until|till)\b|\b(?:men|man|lads|guys|adults) (?:in (?:their"
    r"|his) (?:twenties|thirties|forties|20s|30s|40s)|much older)\b"
    r"|\b(?:looking after|caring for|in charge of|minding) (?:his |her |their |the |two |three "
    r"|four )?(?:younger |little |baby )?(?:siblings|brothers|sisters|brother|sister)\b"
    r"|\b(?:naked|nude|porn\w*|sexual (?:pictures|photos|videos|images|messages))\b"
    r"|\b(?:takes?|taking|took) (?:\w+ )?(?:photos|pictures|videos|pics) of (?:her|him|them)\b"
    r"|\bwants? to meet\b|\b(?:messaging|messages|messaged|contacting|contacted|talking to)"
    r" (?:her|him|them) (?:on|via|through|over) (?:tiktok|snapchat|instagram|facebook|whatsapp"
    r"|social media|online|the internet|discord|games?|xbox|playstation)\b"
)
# A request about what to do.
_REQUEST = _Gated.of(
    r"\b(?:should i|shall i|do i (?:need|have) to|do i (?:report|refer|tell|ring|call|flag)"
    r"|can i (?:tell|share|let|say|warn|ask|disclose|inform)|am i (?:allowed|able|ok) to"
    r"|who (?:do|should|would|can|shall|could) i (?:\w+ )?(?:contact|call|ring|phone|tell"
    r"|speak to|talk to|refer|report|go to|inform|escalate|speak with|talk with)"
    r"|what (?:do|should|can|shall|would) i do|what (?:should|do|would) i (?:advise|say|tell)"
    r"|not sure (?:what|who|how|if|whether)|(?:i do not|do not) know (?:what|who|whether|if)"
    r" (?:to do|i should|to tell)|is (?:this|it|that) (?:a referral|something|reportable"
    r"|a concern|enough|serious enough|a safeguarding|a cp|child protection)|does (?:that|this"
    r"|it) (?:matter|count|need)|is that a (?:worry|concern|problem)|what is the (?:process"
    r"|procedure|next step|protocol)|what are the next steps|need (?:some )?advice"
    r"|any advice|what now|is (?:it|that|this) a problem|is (?:it|that) (?:ok|okay|alright)"
    r"|should i be (?:worried|concerned))\b"
)
# Looks like the briefing's situation ("a family like this", "the same set up as Child Z").
_ANALOGY = _Gated.of(
    r"\b(?:like|similar to) (?:this|that|it|child z|the one in the review|what happened)\b"
    r"|\b(?:a|an|another|my own|our own|my very own|our very own|a real|a proper|a right"
    r"|a bit of a|a classic|a typical|a mini) child z\b"
    r"|\bchild z (?:all over again|over again|again|situation|scenario|set ?up|type|kind|style"
    r"|family|in the making|pattern)\b|\b(?:all over again|history repeating)\b"
    r"|\b(?:exactly|just|much|very much|a lot|a bit|bit|sounds|looks) like (?:a|one|my|this"
    r"|the|that|ours|mine)\b|\blike (?:one of (?:my|ours|mine)|a family i|a case i|my)\b"
    r"|\b(?:the )?(?:exact )?same (?:thing|situation|set up|setup|pattern|as|story)\b"
    r"|\bsimilar (?:thing|situation|case|set up|family)\b|\bthis situation\b"
    r"|\b(?:applies|apply|relevant|relates|relate|fits|rings true|rings a bell) (?:to|for)\b"
    r"|\b(?:sounds|sounding) (?:\w+ )?like\b|\bremind\w* me of (?:a|one|my) (?:\w+ )?"
    + _FAMILY_WORD
    + r"\b(?! (?:i|we) (?:had|worked|saw))"
)
# A particular family or child, named the way practitioners do ("mum", "her ex", "the baby",
# "there's a toddler", "[name]"), as against "a child" or "parents" in general.
_DEFINITE = _Gated.of(
    r"\b(?:mum|dad|mums|dads)\b|\b(?:the|this|that) (?:new )?(?:mum|dad|mother|father|baby|child"
    r"|boy|girl|family|partner|boyfriend|ex|kids|children|toddler|newborn|teenager|young person"
    r"|stepdad|step dad|girlfriend)\b"
    r"|\b(?:her|his|their) (?:new )?(?:ex|partner|boyfriend|girlfriend|husband|wife|dad|mum"
    r"|father|mother|step dad)\b"
    r"|\bthere (?:is|are) (?:a|an|two|three|this) (?:\w+ ){0,2}?" + _CHILD + r"\b"
    r"|xxname|\bthis (?:case|one)\b"
)
# Deictic request: "should I be ringing SPoA about this?", "do I need to tell someone?".
_REQUEST_ABOUT_THIS = _Gated.of(
    r"\b(?:should i|shall i|must i|do i (?:need|have) to|ought i to) (?:\w+ ){0,2}?(?:ring"
    r"|call|phone|report|refer|flag|let|inform|notify|alert|message|email"
    r"|tell|escalate|raise|contact|worry)\w* (?:\w+ ){0,2}?(?:about (?:this|it|them|her|him)"
    r"|this|it|spoa|mash|someone|anyone|somebody)\b"
    r"|\bis (?:this|it|that) (?:something|a referral|reportable|a concern|enough|a safeguarding"
    r"|a cp|a child protection|serious enough|a spoa|a mash)\b"
    r"|\bis (?:this|it|that) (?:one )?for (?:spoa|mash|social care|the front door|childrens"
    r" services|the police|the dsl|safeguarding)\b"
    r"|\bnot sure (?:whether|if) (?:to|i should|i need to) (?:ring|call|refer|report|contact"
    r"|tell|flag|escalate|phone|make)\b"
    r"|\bshould i (?:be )?(?:worried|concerned)\b"
)
# Markers that make a text general or hypothetical rather than about a child now.
_HYPOTHETICAL = _Gated.of(
    r"\bif i (?:ever|was|were|am ever|have ever|should ever|had|did)\b|\bever (?:have|had|get"
    r"|got|come across|see|saw|need)\b|\bhypothetical\w*|\bin theory\b|\bin general\b"
    r"|\bgeneral question\b|\bgenerally\b|\bjust asking\b|\basking (?:generally|in general"
    r"|for (?:a friend|future|my own|reference|interest))|\bfor future reference\b"
    r"|\bout of interest\b"
    r"|\bin (?:the )?training\b|\bon (?:the|a) course\b|\b(?:we|i) (?:were|was) asked\b"
    r"|\bwhat would (?:we|i|you|one) (?:do|have done)\b|\bwhat should (?:we|you|one) (?:do"
    r"|have done)\b|\bwhat (?:we|i|you) (?:would|should|could|might) (?:do|have done)\b"
    r"|\bi (?:\w+ )?wonder\w* (?:\w+ )?(?:if|whether|how)\b|\bwould i (?:recognise|spot|know"
    r"|notice|pick up)\b|\bwhether or not\b"
    r"|\bin (?:the )?(?:scenario|case study|exercise|role play)\b|\bwhat happens if\b"
    r"|\bcase stud(?:y|ies)\b|\bvignettes?\b|\btraining (?:scenario|exercise|example)s?\b"
    r"|\bwould (?:you|we|one|a practitioner) (?:need|have to|be expected|be allowed)\b"
    r"|\b(?:who is|whose job is it|who has) (?:responsible|the responsibility|meant|supposed)\b"
    r"|\bwhat (?:is|would be) the process (?:if|when)\b"
)
# Statements about practice in general ("we always refer", "babies who don't cruise").
_HABITUAL = _Gated.of(
    r"\b(?:always|all the time|constantly|every time|routinely|as standard|as a rule|by default"
    r"|no exceptions|as a matter of course)\b"
)
_GENERIC = _Gated.of(
    r"\b(?:we|i|you) (?:would|will|do|should) (?:always|normally|usually|routinely|automatically)\b"
    r"|\bin (?:our|my) (?:service|team|school|practice|trust|area|force|unit|setting|authority"
    r"|experience|organisation|agency|locality|ward)\b"
    r"|\b(?:any|all|every|most|many|lots of|a lot of) (?:of )?(?:my |our |the )?(?:\w+ )?"
    r"(?:bruis\w*|injur\w*|marks?"
    r"|child(?:ren)?|bab(?:y|ies)|disclosures?|concerns?|partners?|famil(?:y|ies)|parents?"
    r"|mums|dads|kids|cases|referrals|perpetrators|adults|men|women|practitioners)\b"
    r"|\b(?<!the )(?<!her )(?<!his )(?<!their )(?<!my )(?<!our )(?<!these )(?<!those )"
    r"(?<!both )(?<!two )(?<!three )(?<!four )(?<!mum )(?<!dad )(?<!your )(?<!all )"
    r"(?:babies|children|kids|parents|mums|dads|families|partners|men|women"
    r"|perpetrators|victims|teenagers|young people|abusers|fathers|mothers)"
    r" (?:still |also |often |usually |really |always )?(?:who|that"
    r"|often|usually|tend|can|may|might|will|do not|are|go|tell|need|should|in general)\b"
    r"|\b(?:we|you|practitioners|professionals|agencies|staff) (?:should|must|ought to|need to"
    r"|have to) (?:always |also |still |really )?(?:share|tell|ask|check|include|consider|think"
    r"|record|invite|refer|make sure|involve|assess|talk|speak|be|do|look|get|remember)\b"
    r"|\b(?:we|practitioners|professionals|agencies|teams|staff|services|everyone) (?:need|needs"
    r"|should|must|have|ought) to (?:get|be|do|look|think|consider|ask|check|make|remember"
    r"|improve|share|include|invite|record|weigh)\b"
    r"|\b(?:my|our|the) (?:reflection|takeaway|learning|view|policy|approach|practice) (?:is|was"
    r"|for me|here|would be)\b|\b(?:my|our) (?:team|teams) (?:view|reflection|agreed)\b"
    r"|\bas a team\b|\bdo not bruise\b|\bis a risk factor\b"
    r"|\b(?:partners|men|dads|fathers|adults|parents|perpetrators) with (?:a |an )?(?:\w+ ){0,2}?"
    r"(?:history|record|past|convictions)\b"
)
# A question (for choosing between the front door and a reflection).
_QUESTION = _Gated.of(
    r"\?|^(?:\w+ ){0,2}?(?:how|who|what|when|where|why|which|should|shall|can|could|would"
    r"|do|does|did|is|are|am|will|may|must)\b"
)
# The practitioner's own childhood or family history (distress, not a live concern).
_OWN_PAST = _Gated.of(
    r"\bwhen i was (?:a child|a kid|little|young|younger|a girl|a boy|a teenager|a teen|small"
    r"|growing up|in care|at school|\d{1,2}|[a-z]+teen)\b"
    r"|\b(?:as|since) a (?:child|kid|little girl|little boy|teenager|teen)\b(?! protection)"
    r"|\bi grew up\b(?! (?:in|round|around|near|on) (?:the area|this area|here|there|the same"
    r" area|the town|the city|the estate|the village|xxplace|xxlocation)\b| (?:locally|nearby"
    r"|round here|around here)\b)|\b(?:my|our) (?:own )?(?:childhood|upbringing)\b"
    r"|\bi (?:was|have been|had been) (?:\w+ )?(?:in care|in foster care|a looked after child"
    r"|looked after|fostered|adopted|abused|sexually abused|neglected|a victim|on a cp plan"
    r"|on a child protection plan|on the child protection register)\b(?!(?: child)?"
    r" (?:coordinator|team"
    r"|worker|nurse|review\w*|service|manager|social worker|officer|lead|specialist|placement"
    r"|cases|children|education))"
    r"|\bi was (?:\w+ ){0,6}?(?:myself|as a (?:child|kid))\b|\bmyself as a (?:child|kid)\b"
    r"|\b(?:i|me|my)\b[^.!?]{0,60}?\bgrowing up\b"
    r"|\bi was (?:\w+ ){0,2}?(?:hit|beaten|hurt|abused|assaulted|neglected|attacked) by (?:my|our)"
    r" (?:\w+ ){0,2}?(?:dad|mum|father|mother|step ?dad|step ?mum|partner|brother|sister|uncle"
    r"|grandad|parents|family)\b"
    r"|\b(?:happened|happen) to me\b|\bhappened in my (?:own )?family\b|\bin my (?:own )?family"
    r" when\b|\bgrowing up\b(?=[^.!?]{0,60}\b(?:i|me|my)\b)"
    r"|\bmy (?:own )?(?:dad|mum|father|mother|step ?dad|step ?mum|step (?:father|mother)"
    r"|parents|brother|sister|uncle|grandad|grandfather|mum partner|mums partner)"
    r"\b(?: \w+){0,2}? (?:used to|would|was|were) (?:\w+ )?(?:hit|beat|hurt|violent|abusive"
    r"|drink|drunk|abuse|attack|strangle|scream)\w*"
    r"|\bmy (?:own )?(?:dad|mum|father|mother|step ?dad|step ?mum)\b(?: \w+){0,3}?"
    r" (?:hit|beat|hurt|abused|attacked) (?:me|my mum|my dad|us)\b(?= as a| when i)"
    r"|\b(?:hit|beat|hurt|abused) me (?:as a (?:kid|child)|when i was)\b"
)


# --------------------------------------------------------------------------------------------
# Pattern families
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Family:
    """A named group of patterns; ``name`` is what :class:`SafetyAssessment.rule` reports."""

    name: str
    patterns: tuple[_Gated, ...]
    combined: _Gated
    needs_child: bool = False  # also needs a child mentioned somewhere in the message
    needs_strong_present: bool = False  # only counts with explicit "now" framing
    needs_household: bool = False  # a child, a parent or a family mentioned in the message


def _family(
    name: str,
    *patterns: str,
    needs_child: bool = False,
    needs_strong_present: bool = False,
    needs_household: bool = False,
) -> _Family:
    return _Family(
        name,
        tuple(_Gated.of(p) for p in patterns),
        _any_of(patterns),
        needs_child=needs_child,
        needs_strong_present=needs_strong_present,
        needs_household=needs_household,
    )


def _any_of(patterns: tuple[str, ...]) -> _Gated:
    """One regex that matches where any of ``patterns`` does.

    A family is asked one question ("does any of these match?"), so one search over the text
    does the work of several, without a Python call per pattern: most messages are short, and
    there the calls, not the scanning, are the cost.
    """
    return _Gated.of("|".join(f"(?:{p})" for p in patterns))


_URGENT_FAMILIES: tuple[_Family, ...] = (
    _family(
        "child_suicidal_or_self_harming",
        r"\b(?:kill\w*|hurt\w*|harm\w*|cut\w*|hang\w*|strangl\w*|burn\w*|drown\w*|poison\w*)"
        r" (?:" + _SELF + r")\b",
        r"\b(?:end\w*|take|taking|took|taken) (?:his|her|their) (?:own )?li(?:fe|ves)\b",
        r"\b(?:" + _CHILD + r"|he|she|they|who)\b[^.!?]{0,50}?\b(?:suicid\w*|self harm\w*"
        r"|wants? to die|wanted to die|wants? to be dead|(?:taken|took|take|taking|swallowed"
        r"|swallow) (?:an? |\d+ |some |lots of |loads of |a load of |a lot of |a handful of"
        r" |a packet of |a box of |a bottle of |all (?:her|his|their|the) )?(?:overdose|od|pills"
        r"|tablets|paracetamol)|overdos\w*"
        r"|jump(?:ing|ed|s)? (?:off|in front)|ligature|noose|saying goodbye|suicide note"
        r"|wish(?:es|ed)? (?:she|he|they|i) (?:was|were) (?:dead|not here|not alive|never born)"
        r"|stash(?:ed|ing)? (?:of |away )?(?:\w+ )?(?:pills|tablets|paracetamol|medication"
        r"|blades?|razors?)|(?:hidden|hid|hiding|hides) (?:a |some |her |his )?(?:blades?|razors?"
        r"|pills|tablets|paracetamol) (?:in|under|behind)"
        r"|(?:do|does|did) not want to (?:live|be alive|be here|wake up)|end(?:ing)? it all"
        r"|no (?:point|reason) (?:in )?(?:living|going on|being alive)|better off dead"
        r"|(?:started|been|back to) (?:\w+ )?cutting|cutting (?:again|(?:him|her|them)sel\w*)"
        r"|(?:want|wants|wanted|wish|wishes|rather) (?:\w+ ){0,2}?(?:to )?(?:not|never)"
        r" (?:wake|waking) up"
        r"|(?:saving|saved|stockpil\w*|hoard\w*) (?:up )?(?:\w+ )?(?:pills"
        r"|tablets|paracetamol)|(?:pills|tablets|paracetamol) (?:\w+ )?(?:saved|stockpiled"
        r"|stored|hoarded)|thoughts of (?:suicide|ending|killing|dying)|ways to (?:die|kill)"
        r"|(?:written|wrote|left) (?:a )?(?:goodbye |suicide )?(?:note|letter))",
        r"\bthreat\w* (?:to )?(?:suicide|self harm|jump|end it)",
    ),
    _family(
        "threat_to_harm",
        r"\bthreat(?:en(?:ed|ing|s)?|s)?\b[^.!?]{0,40}?\b(?:to |that )?(?:"
        + _HARM_BASE
        + r"|take (?:the|her|his|their|my) (?:\w+ )?"
        + _CHILD
        + r")\b",
        r"\b" + _ACTOR + r"\b(?: \w+){0,3}? (?:is |are |was |were |has |had )?(?:going to"
        r"|about to|will|would|wants to|want to|wanted to|intends to|intend to|plans to"
        r"|planning to|means to|threatening to|swore to|swears to|tried to|trying to|said he"
        r" would|said she would) (?:\w+ ){0,2}?" + _HARM_BASE + r"\b",
        r"\b(?:said|says|told|tells|texted|messaged|warned|threaten\w*)\b[^.!?]{0,60}?\bnone of"
        r" (?:them|us|you|the \w+) (?:will|would|is going to|are going to) be (?:around|here"
        r"|alive|left|breathing)\b",
        r"\b(?:shook|shaking|shaken|shakes|shake) (?:the|a|this|my|her|his|their) (?:\w+ )?"
        r"(?:baby|infant|newborn|child|toddler)\b(?! (?:rattle|toys?|bottle|buggy|pram|cot|seat"
        r"|chair|bag|coat|blanket)\b)",
        r"\b(?:baby|infant|newborn|toddler)\b(?: \w+){0,3}? (?:was |been |being |is |got )?"
        r"shaken\b",
        r"\b(?:knife|gun|weapon|machete|axe)\b[^.!?]{0,60}?\b" + _CHILD + r"\b",
        r"\b(?:with|has|got|carrying|holding|waving|pulled|brandishing) (?:a|an) (?:\w+ )?(?:knife"
        r"|gun|weapon|machete|axe|blade|firearm)\b",
        r"\b(?:stab\w*|shot|shooting|knifed|attack\w*|assault\w*|beaten up)\b[^.!?]{0,60}?\b"
        r"(?:victim|casualty|he|she|they)\b(?: \w+)? (?:is|aged) (?:only |just )?(?:aged )?"
        r"(?:[1-9]|1[0-7])\b",
        r"\bi\b(?: \w+){0,3}? (?:will|might|am going to|could|want to|would|feel like i will"
        r"|feel like i could) (?:\w+ )?(?:hurt|harm|kill|shake|hit|smother|drown|suffocate)"
        r" (?:(?:my|the|this) (?:\w+ )?" + _CHILD + r"|him|her|them)\b",
        r"\b" + _CHILD + r"\b[^.!?]{0,60}?\b(?:knife|gun|weapon|machete|axe)\b",
        # The practitioner intimidated by someone in a family now ("followed me to my car and
        # said he knows where I live"): their safety, and a sign of what the children live with.
        r"\b(?:followed|follows|following|waited for|waiting for|was waiting for|came after"
        r"|turned up at|cornered|stalking|stalked) me\b[^.!?]{0,60}?(?:\b(?:knows|know|found out"
        r"|find out|will find) where i (?:live|park|work)\b|\b(?:threat\w*|warned|said he would"
        r"|said she would|get me|sort me out|regret)\b)"
        r"|\b(?:he|she|they|dad|mum|partner|uncle|brother|xxname)\b(?: \w+){0,3}? (?:said|says"
        r"|told me|texted|messaged) (?:\w+ ){0,3}?(?:knows|know|has found out|found out)"
        r" where i (?:live|park)\b",
    ),
    _family(
        "abuse_disclosure",
        r"\b(?:disclos(?:ed|ing)|told me|tells me|telling me|told (?:staff|her teacher"
        r"|his teacher|the teacher|us|the nurse|my colleague|a colleague|the school)"
        r"|confided|confides|opened up|reported to me|said to me|says to me|(?:has|have|is)"
        r" alleg\w*|alleges|alleging|has told \w+)\b[^.!?]{0,80}?\b" + _ABUSE_TERMS + r"\b",
        r"\b(?:made|making|has made|just made|make) (?:a|an) (?!joint)(?!clares)(?!police)"
        r"(?:\w+ )?disclosure\b",
        r"\bdisclosure (?:of|about) (?:\w+ )?(?:abuse|rape|assault|sexual|violence|hitting)",
        r"\b(?:had|got|received|taken|took|have|just had) (?:a|an) (?!joint)(?:\w+ )?disclosure"
        r"\b(?! (?:process|scheme|framework|procedure|to (?:both )?(?:parents|mum|dad)))",
        r"\bdisclosure from (?:a|an|the|my|one|our) (?:\w+ )?" + _CHILD + r"\b",
        r"\b(?:told|tells|telling) (?:me|us|staff|her teacher|his teacher) (?:about )?something"
        r" (?:\w+ )?(?:serious|worrying|bad|awful|concerning|disturbing|upsetting|horrible|scary"
        r"|frightening)\b",
        r"\b(?:" + _CHILD + r"|she|he|they)\b (?:\w+ )?(?:has |have |just ){1,3}disclosed\b",
        r"\b(?:" + _CHILD + r")\b (?:\w+ ){0,3}?disclosed\b",
    ),
    _family(
        # A disclosure just received: "told me something about his uncle", "what's my first
        # step?", "someone at home is doing things to her".
        "fresh_disclosure",
        # "yr 8 just disclosed", "student just told me something re home": a pupil or young
        # person who has just disclosed, however briefly it is said.
        r"\b(?:(?:yr|year|y) ?\d{1,2}|(?:a|one of my|my|the|our) (?:student|pupil|kid|child|yp"
        r"|young person|girl|boy|lad|teen)s?|student|pupil|yp|child|kid)\b(?: \w+){0,2}?"
        r" (?:has )?(?:just |has just )?(?:disclosed|made a disclosure|told me something"
        r"|told me about|opened up)\b(?![^.!?]{0,40}\b(?:years ago|last year|in the past"
        r"|once|back then|at the time)\b)",
        r"\b(?:told|tells|telling|whispered to|said to|mentioned to|confided in|came to|came up"
        r" to|approached) (?:me|us|staff)\b[^.!?]{0,60}?\bsomething (?:\w+ ){0,2}?(?:about|to do"
        r" with|regarding) (?:(?:his|her|their|my|the) (?:\w+ ){0,2}?(?:uncle|dad|father|mum"
        r"|mother|step (?:dad|mum|father|mother)|brother|sister|cousin|grand\w+|nan|boyfriend"
        r"|girlfriend|partner|neighbour|babysitter|carer|family|lodger)|home|what (?:happens"
        r"|goes on|is happening) at home|someone at home)\b",
        r"\b(?:told|tells|telling|whispered|said|confided|disclosed|opened up|came to me"
        r"|came up to me)\b[^\n]{0,100}?\b(?:what(?: is)? (?:my|the) (?:very )?first steps?"
        r"|what (?:do|should|shall|must) i do (?:first|straight away)"
        r"|who (?:do|should) i (?:tell|call|ring|speak to|go to|inform|report (?:it|this) to)"
        r" first)\b",
        r"\b(?:someone|somebody|he|she|they|" + _ACTOR + r")\b(?: \w+){0,2}? (?:(?:is|are|has been"
        r"|have been|keeps|kept|has|have|still) )?(?:doing|done|does|did) (?:(?:bad|horrible"
        r"|sexual|weird|rude|nasty|private|naughty) )?(?:things|stuff) to (?:her|him|them|me)\b",
        needs_child=True,
    ),
    _family(
        "abuse_ongoing",
        r"\b(?:is|are|am|was|were|about|of|after|from) (?:still |currently )?being (?:\w+ )?"
        r"(?:abused|hit|beaten"
        r"|hurt|harmed|assaulted|attacked|raped|groomed|exploited|neglected|starved|locked"
        r"|tied|burned|burnt|strangled|choked|kicked|punched|slapped|smacked|molested|touched"
        r"|trafficked|forced|threatened|battered|shaken|whipped|belted|sold|pimped|filmed)\b",
        r"\b" + _ACTOR + r"\b(?: \w+){0,2}? (?:hits|beats|punches|kicks|slaps|smacks|touches"
        r"|rapes|abuses|hurts|burns|strangles|chokes|locks|starves|batters|molests|assaults"
        r"|attacks|whips|belts|throws|shakes|bites|drags|chokes|sexually \w+) (?:\w+ )?"
        + _VICTIM
        + r"\b",
        r"\b" + _ACTOR + r"\b(?: \w+){0,2}? (?:is|are|has been|have been|keeps|kept|was|were)"
        r" (?:\w+ )?(?:hitting|beating|punching|kicking|slapping|smacking|touching|raping"
        r"|abusing|hurting|burning|strangling|choking|locking|starving|battering|molesting"
        r"|assaulting|attacking|shaking|threatening|grooming|exploiting|whipping|throwing)"
        r" (?:\w+ )?" + _VICTIM + r"\b",
        r"\b" + _ACTOR + r"\b(?: \w+){0,2}? (?:hit|beat|punched|kicked|slapped|smacked"
        r"|touched|raped|abused|hurt|burned|burnt|strangled|choked|locked|starved|battered"
        r"|molested|assaulted|attacked|shook|whipped|belted|threw|bit|sexually \w+)"
        r" (?:\w+ )?" + _VICTIM + r"\b",
        r"\b(?:" + _CHILD + r"|he|she|they)\b(?: \w+){0,3}? (?:has|have|had) (?:just )?been"
        r" (?:\w+ )?(?:abused|hit|hurt|beaten|harmed|assaulted|raped|touched|molested|strangled"
        r"|stabbed|shot|knifed|slashed|glassed"
        r"|burned|burnt|shaken|kicked|punched|neglected|locked|starved|attacked|groomed"
        r"|exploited|trafficked|threatened|slapped|smacked|whipped|belted)\b",
        r"\b(?:hit|hits|hitting|beat|beats|beating|punch\w*|kick\w*|strangl\w*|chok\w*"
        r"|attack\w*|assault\w*|rap(?:e|ed|ing)|threaten\w*|stab\w*|fight\w*|smash\w*"
        r")\b[^.!?]{0,40}?\bin front of (?:the|her|his|their|our|my|both|all the|two"
        r"|three|a) (?:\w+ )?" + _CHILD + r"\b",
        r"\b" + _CHILD + r"\b(?: \w+){0,2}? (?:saw|watched|witnessed|heard|see|watch|witness)"
        r" (?:\w+ )?(?:it|him|her|this|everything|the (?:attack|assault|fight|violence|abuse"
        r"|stabbing))",
        r"\b(?:sex|sexual \w+) with (?:older|adult|grown|grown up|several|different) (?:\w+ )?"
        r"(?:men|man|women|adults)\b|\bforced to (?:have sex|sell|carry|deal|work|perform)"
        r"|\bcounty lines\b(?=[^.!?]{0,40}\b(?:is|are|has|have|been|being)\b)"
        r"|\bsexually abus\w* (?:me|her|him|them)",
        r"\b" + _ACTOR + r"\b(?: \w+){0,2}? (?:throws|threw|throwing|chucks|chucked|hurls"
        r"|hurled) (?:\w+ ){0,2}?at " + _VICTIM + r"\b",
        r"\b(?:makes|made|making|forces|forced|forcing|gets|got|shows|showed|showing|sends|sent"
        r"|sending) (?:" + _VICTIM + r") (?:to )?(?:watch |look at |send |see )?(?:\w+ ){0,2}?"
        r"(?:porn\w*|sexual \w+|naked \w+|nude\w*|sexy \w+|explicit \w+)",
        r"\b(?:makes|made|making|forces|forced|forcing) (?:" + _VICTIM + r") (?:to )?(?:have sex"
        r"|sleep with|do sexual|do things|touch (?:him|her|them))",
        r"\b(?:saw|seen|watched|witnessed|see|watch|can see)\b[^.!?]{0,30}?\b(?:hit|kick|punch"
        r"|slap|smack|shake|drag|throw|hurt|grab|strangle|choke|beat|hitting|kicking|punching"
        r"|slapping|smacking|shaking|dragging|throwing|hurting|grabbing|beating) (?:his|her"
        r"|their|a|the) (?:\w+ )?" + _CHILD + r"\b(?! (?:rattle|toys?|bottle|buggy|pram|cot|ball"
        r"|seat|chair|bag|coat)\b)",
        # Seen, filmed or photographed: "a video of dad dragging the toddler", "I watched a
        # dad yank his daughter", "a photo of him holding the baby upside down".
        r"\b(?:saw|seen|watched|witnessed|see|watch|can see|videos?|clips?|footage|photos?"
        r"|pictures?|recording|film\w*|recorded|cctv)\b[^.!?]{0,40}?\b(?:hit|hits|hitting"
        r"|kick\w*|punch\w*|slap\w*|smack\w*|shak(?:e|es|ing)|shook|drag\w*|throw\w*|threw"
        r"|hurt\w*|grab\w*|strangl\w*|chok\w*|beat\w*|yank\w*|shov\w*|stamp\w*|whack\w*"
        r"|thump\w*) (?:his|her|their|a|the) (?:\w+ )?" + _CHILD + r"\b(?! (?:rattle|toys?"
        r"|bottle|buggy|pram|cot|ball|seat|chair|bag|coat)\b)",
        r"\b(?:hold\w*|held|dangl\w*|swing\w*|swung|pull\w*|push\w*|lift\w*|carr(?:y|ies"
        r"|ying|ied)) (?:his|her|their|a|the) (?:\w+ )?" + _CHILD + r"\b (?:\w+ ){0,3}?"
        r"(?:upside down|by (?:the|one|his|her|their) (?:hair|arm|leg|ankle|neck|throat|ear"
        r"|scruff)s?|across the (?:floor|room|road)|against the wall|over the (?:balcony"
        r"|banister|edge|railing))\b",
        r"\b(?:is|are) (?:\w+ )?(?:shouting|screaming|yelling|swearing) at (?:the|a|his|her"
        r"|their) (?:\w+ )?(?:baby|infant|newborn|toddler)\b",
        r"\bshak(?:ing|es|e) (?:the|his|her|their) (?:cot|pram|buggy|moses basket|car seat)\b",
        r"\b" + _ACTOR + r"\b(?: \w+){0,2}? (?:comes|came|coming|gets|got|getting|climbs|climbed)"
        r" (?:into|in) (?:her|his|their|my|the \w+) (?:bed\b|(?:bed)?room at night)",
        r"\b(?:asked|asking|asks|made|making|makes) (?:her|him|them) (?:to )?(?:send|for)"
        r" (?:\w+ )?(?:nudes|naked|nude|sexual|explicit)",
        # "one of my lads gets thumped by his dad": what a child gets, not what an adult does.
        r"\b(?:"
        + _CHILD
        + r"|he|she|they)\b(?: \w+){0,4}? "
        + _GETS
        + r" (?:\w+ ){0,2}?"
        + _GETS_ABUSE
        + r"\b",
        r"\b(?:"
        + _CHILD
        + r"|he|she|they)\b(?: \w+){0,4}? "
        + _GETS
        + r" (?:\w+ ){0,2}?"
        + _GETS_HARM_BY
        + r" (?:\w+ ){0,3}?by "
        + _ACTOR
        + r"\b",
    ),
    _family(
        # Someone who poses a risk to children moving in, staying, babysitting: a mother or a
        # family is enough ("mum's new man is on the register and is moving in"), no child word.
        "risky_adult_in_household",
        r"\b" + _RISK_TO_CHILDREN + r"\b[^.!?]{0,80}?\b" + _HOME_ACCESS,
        r"\b" + _HOME_ACCESS + r"[^.!?]{0,80}?\b" + _RISK_TO_CHILDREN + r"\b",
        needs_household=True,
    ),
    _family(
        "exploitation_or_honour_based_abuse",
        r"\bfgm\b|\bfemale genital\b|\bforced (?:into )?marriage\b|\bmarried off\b"
        r"|\bhonou?r based (?:abuse|violence)\b"
        r"|\b(?:sent|taken|go|going|send|take|taking|sending) abroad\b[^.!?]{0,30}?\b(?:marr\w*"
        r"|wedding|fgm|cut|cutting|husband|wife)",
        r"\b(?:is|are|am|was|were) (?:still )?being (?:made|forced|told|pressured|paid|used)"
        r" to (?:carry|sell|deal|move|hold|store|have sex|sleep with|send|run|go)\b",
        r"\bsextortion\b|\bthreat\w*[^.!?]{0,30}?\b(?:share|post|send|leak|publish|expose)"
        r" (?:them|the|her|his|their|it|pictures|photos|images|videos|nudes)\b",
        r"\b(?:pregnant|sex|sexual|relationship|sleeping|going out) (?:by|with) (?:her|his|a|an)"
        r" (?:\w+ )?(?:(?:1[89]|[2-9]\d) ?(?:year|yr)s? old|older|adult|grown)\b",
        r"\b(?:boyfriend|partner|man|girlfriend)\b (?:who is|aged|is|of) (?:1[89]|[2-9]\d)\b",
        r"\b(?:(?:1[89]|[2-9]\d) ?(?:year|yr)s? old|older|adult|grown up) (?:boyfriend|man|men"
        r"|partner|girlfriend)\b",
        r"\b(?:sent|sending|send|sends|shared|sharing) (?:\w+ )?(?:nudes|naked (?:pictures|photos"
        r"|images|selfies)|nude (?:pictures|photos|images|selfies)|sexual (?:pictures|photos|images"
        r"|messages|videos))\b",
        # Exploitation by its signs: picked up by men in cars, given drugs or alcohol, gifts
        # from someone much older.
        r"\b(?:picked up|collected|driven (?:around|about|off|away)|taken (?:out|away|off)"
        r"|getting into cars?|gets? into (?:a |their )?cars?) (?:\w+ ){0,4}?by (?:(?:older|adult"
        r"|grown|unknown|different|strange|various|several) )?(?:men|males|guys|lads)\b",
        r"\b(?:men|males|lads|guys|adults) in (?:a |their |his |flash |fancy )?cars?\b",
        r"\b(?:given|giving|gives|give|buys|buying|bought|supplies|supplying|supplied|plies"
        r"|plying|plied|offers|offered) (?:her |him |them )?(?:with )?(?:\w+ )?(?:drugs|weed"
        r"|cannabis|alcohol|vodka|booze|cigarettes|fags|ket|ketamine|cocaine|coke|spice"
        r"|pills)\b",
        r"\b(?:twice|three times|double) (?:her|his|their) age\b",
        r"\b(?:older|adult|grown|much older)\b[^.!?]{0,60}?\b(?:giv|buy|bought|get|got)\w*"
        r" (?:her|him|them) (?:\w+ )?(?:phones?|trainers|cash|money|gifts|presents|clothes"
        r"|jewellery|lifts|takeaways?|top ups?)\b",
        # A child's age, then an adult's with a relationship word: "a 13 year old ... messaging
        # a 24 year old she calls her boyfriend", "pregnant ... her 35 year old manager". The
        # door turns ages into placeholders; two of those could be two teenagers, so they need
        # a relationship no peer has (a manager) or one the child gives it ("she calls her").
        r"\b(?:1[0-7]|[1-9]) ?(?:year|yr)s? old\b[^\n]{0,80}?\b(?:1[89]|[2-9]\d)"
        r" ?(?:year|yr)s? old\b(?: \w+){0,3}? (?:boyfriend|bf|partner|man|lover|manager|boss"
        r"|supervisor|landlord|employer|girlfriend)\b",
        r"\b(?:1[0-7]|[1-9]|xxage) ?(?:year|yr)s? old\b[^\n]{0,80}?\b(?:1[89]|[2-9]\d|xxage)"
        r" ?(?:year|yr)s? old\b(?: (?:(?:she|he) (?:calls|says is|describes as) (?:her|his)"
        r"|(?:\w+ )?(?:manager|boss|supervisor|landlord|employer)\b))",
        r"\b(?:1[89]|[2-9]\d|xxage) ?(?:year|yr)s? old (?:man|guy|bloke|adult)\b[^.!?]{0,60}?\b"
        r"(?:(?:her|his) (?:boyfriend|girlfriend|partner)|dating|going out with)\b",
        r"\b(?:much |a lot |far )?older (?:boss|manager|supervisor|landlord|employer|lodger)\b",
        # Asked for pictures: "keeps asking my 14 year old pupil for photos", "to send him
        # pictures of herself".
        r"\basking (?:her|him|them|(?:my|the|a|his|her|their) (?:\w+ ){0,2}?"
        + _CHILD
        + r"(?: \w+)?) for (?:\w+ )?(?:pictures|photos|pics|selfies|snaps|nudes|videos)\b",
        r"\bsend (?:him|her|them|me) (?:\w+ ){0,2}?(?:pictures|photos|pics|images|videos|selfies"
        r"|snaps) of (?:herself|himself|themselves|her body|his body)\b",
        r"\b(?:private|sexy|rude|naughty|intimate|revealing|topless) (?:pictures|photos|pics"
        r"|images|selfies|snaps)\b",
        # With adults she does not know: "a party with men she didn't know".
        r"\b(?:party|parties|flat|house|hotel|car|gathering)\b[^.!?]{0,30}?\bwith (?:\w+ )?(?:men"
        r"|adults|older (?:boys|lads|guys)|guys|blokes|males)\b",
        r"\b(?:men|adults|guys|lads|blokes|males) (?:she|he|they) (?:did not|does not|do not"
        r"|had never|has never|never) (?:know|knew|met|seen)\b",
        needs_child=True,
    ),
    _family(
        "allegation_against_adult_in_trust",
        r"\b(?:staff member|member of staff|teacher|colleague|coach|youth worker|foster carer"
        r"|carer|volunteer|tutor|priest|instructor|support worker|ta|teaching assistant"
        r"|childminder|nursery worker|babysitter)\b[^.!?]{0,40}?\b(?:messag\w*|text\w*"
        r"|snapchat\w*|groom\w*|touch\w*|sexual\w*|inappropriate\w*|hit|hits|hitting|hurt\w*"
        r"|abus\w*|relationship with|kiss\w*|alone with|gifts?|meet(?:ing)? up)\b",
        needs_child=True,
    ),
    _family(
        "neglect_now",
        r"\b(?:is|there is|has|have|with|there was|got) no (?:food|heating|electricity|water"
        r"|nappies|milk)\b|\bnothing to eat\b|\b(?:has|have|had) not (?:been fed|eaten)\b"
        r"|\bnot been fed\b|\b(?:is|are|was|were) (?:always |often |really |so )?(?:starving"
        r"|hungry|filthy|unwashed)\b",
        r"\b(?:mum|dad|parents?|carers?|mother|father|she|he|they)\b (?:has|have|had) (?:been )?"
        r"(?:gone|missing|disappeared|not been home|not come home|not been back|not come back)\b",
        needs_child=True,
    ),
    _family(
        "injury_now",
        r"\b(?:" + _CHILD + r"|he|she|they)\b[^.!?]{0,40}?\b(?:has|have|had|s got|has got"
        r"|got|with|covered in|showing|shows|presented with|presenting with|came in with"
        r"|come in with|turned up with|arrived with|brought in with|is|are|looks|appears|seems)"
        r"\b[^.!?]{0,25}?\b" + _INJURY + r"\b",
        r"\b" + _INJURY + r"\b[^.!?]{0,15}?\b(?:on|to|around|behind|across|in|under) (?:his|her"
        r"|their|the (?:\w+ )?" + _CHILD + r"s?|a (?:\w+ )?" + _CHILD + r"s?|" + _CHILD + r")\b",
        r"\b(?:i|we)(?: have| had| just| have just)? (?:seen|saw|noticed|notice|found|spotted"
        r"|can see|could see|see)\b[^.!?]{0,30}?\b" + _INJURY + r"\b",
        r"\bsuspected (?:fracture|nai|non accidental|abuse|head injury|shaking)",
        r"\b" + _CHILD + r"\b (?:\w+ ){0,2}?(?:not breathing|stopped breathing|unresponsive"
        r"|unconscious|turning blue|fitting|floppy|will not wake|would not wake|cannot wake)",
        r"\b(?:will not|would not|does not|did not|cannot|can not|is not) wak(?:e|ing) (?:up|her"
        r"|him|them)\b",
    ),
    _family(
        "child_alone_or_missing",
        r"\b" + _CHILD + r"\b[^.!?]{0,40}?\b(?<!felt )(?<!feel )(?<!feels )(?:home alone|alone"
        r"|on (?:his|her|their) own|by (?:him|her|them)sel(?:f|ves)|unattended|unsupervised"
        r"|without (?:an? )?(?:adult|parent|carer)|with no (?:adults?|one|parents?)"
        r"|with nobody)\b",
        r"\b(?:nowhere|no where|nowhere safe|no place) to (?:go|stay|sleep|live)\b",
        r"\b(?:no|not any|without any) (?:adults?|grown ups?|parents?|carers?|one) (?:around"
        r"|present"
        r"|there|at home|in the house|in the flat|with (?:him|her|them))\b",
        r"\bwander(?:ed|ing|s)? (?:\w+ ){0,2}?(?:out|off|away|onto|into|from)\b",
        r"\b(?:left|leaving|leaves|abandon\w*)\s(?:the |a |his |her |their |two |three )?"
        r"(?:\w+ )?" + _CHILD + r" (?:home )?(?:alone|on (?:his|her|their) own|unattended"
        r"|unsupervised|by (?:him|her|them)sel(?:f|ves)|in (?:a|the) car)\b",
        r"\bhome alone\b",
        r"\b(?:" + _CHILD + r"|he|she|they)\b[^.!?]{0,30}?\b(?:gone|went|is|are|been|reported"
        r"|go|going|goes) (?:\w+ )?missing\b(?! (?:out|the|a|an|information|opportunit\w*|some"
        r"|something|things|appointments|that|this|it|school|lessons)\b)"
        r"|\bmissing (?:from (?:care|home|school|the ward"
        r"|placement|hospital|nursery)|child|teen(?:ager)?|young person|toddler|baby|kid|boy"
        r"|girl|\d+ year old)\b",
        r"\b" + _CHILD + r"\b[^.!?]{0,30}?\b(?:has )?(?:run|ran|runs) away\b|\babscond\w*",
        r"\b(?:nobody|no one|noone|no body|(?:mum|dad|parents?|carers?) (?:has not|have not"
        r"|did not|has still not|still has not|not))\b[^.!?]{0,20}?\b(?:collect\w*"
        r"|pick\w* (?:\w+ )?up|come (?:back|home|to collect)|came (?:back|to collect)"
        r"|turned up|arrived|returned)",
        r"\babandon(?:ed|ing)\b[^.!?]{0,30}?\b"
        + _CHILD
        + r"\b|\b"
        + _CHILD
        + r"\b[^.!?]{0,30}?\babandon(?:ed|ing)\b",
        r"\b(?:wandering|found wandering|walking) (?:\w+ ){0,3}?(?:the street|the road|alone"
        r"|on (?:his|her|their) own|the streets)",
        r"\b(?:alone|unattended|left|locked) in (?:a|the|their|his|her) (?:locked )?car\b",
        r"\b(?:disappear\w*|vanish\w*|goes off|going off|stays? out) (?:\w+ )?(?:overnight"
        r"|for (?:days|nights|hours|the weekend)|all night|at night|every weekend)\b",
    ),
    _family(
        "child_alone_or_missing",
        r"\b(?:cannot|unable to|could not|can not) (?:find|locate|reach|contact|get hold of|trace)"
        r" (?:(?:the|a|my|his|her|their|any) (?:\w+ )?(?:" + _CHILD + r"|parents?|mum|dad|carers?"
        r"|family)\b|anyone|anybody)",
        needs_child=True,
    ),
    _family(
        "fear_of_going_home",
        r"\b(?:scared|afraid|frightened|terrified|petrified|fearful|worried|anxious|nervous"
        r"|not want|refus\w*|will not|reluctant|begg\w* not|plead\w* not|too scared)\b"
        r"(?:\s+\w+){0,3}?\s+(?:to |about )?(?:go|going|be sent|being sent|return|returning"
        r"|get|getting|went) (?:back )?home\b",
        r"\b(?:" + _CHILD + r"|he|she|they)\b[^.!?]{0,40}?\b(?:is|are|was|were|feels?|felt"
        r"|seems?|seemed|looks?|looked|says? (?:she|he|they) (?:is|are)|said (?:she|he|they)"
        r" (?:is|are|was|were))\s+(?:\w+ )?(?:scared|afraid|frightened|terrified|petrified"
        r"|fearful) (?:of|to)\b",
        r"\b(?:does not|do not|is not|are not|not|never|no longer) (?:feel )?safe (?:at home"
        r"|to go home|going home|with (?:dad|mum|him|her|them|his|her|their|the|step)"
        r"|at (?:dads|mums|home))",
        r"\b(?:feels?|is|are) unsafe (?:at home|with)\b",
    ),
    _family(
        "child_in_danger",
        r"\b(?:in|at) (?:immediate |imminent |serious |grave |real |great |significant "
        r"|mortal )?danger\b",
        r"\b(?:immediate|imminent|serious and immediate) (?:risk|danger|threat)\b",
        r"\b(?:a|this|the|my|one|our|that) (?:\w+ )?" + _CHILD + r"\b(?: \w+){0,3}? (?:is|are)"
        r" (?:\w+ )?at (?:\w+ )?risk\b",
        r"\b(?:" + _CHILD + r"|they|he|she)\b[^.!?]{0,20}?\b(?:is|are|is not|are not|feels?"
        r"|feel) (?:\w+ )?(?:unsafe|not safe)\b",
        r"\b" + _CHILD + r"\b[^.!?]{0,15}?\b(?:screaming|crying for help|sobbing uncontrollably"
        r"|cowering|hiding from)",
    ),
    _family(
        # Physical neglect of a baby or child now: losing weight, a freezing flat, a carer out of
        # it. Past-tense accounts are left to the timing (a past anchor makes them a reflection).
        "neglect_of_baby_now",
        r"\b(?:" + _CHILD + r"|he|she|his|her)\b(?: \w+){0,3}? (?:is|are|keeps?|still|has been"
        r"|have been|keeps on) (?:\w+ )?(?:losing|dropping|not gaining|not putting on|shedding)"
        r" (?:\w+ ){0,2}?(?:weight|centiles?|grams|ounces)\b",
        r"\b(?:" + _CHILD + r"|his|her)\b(?: \w+){0,2}? weight (?:\w+ )?(?:has|have|is|keeps)"
        r" (?:\w+ )?(?:dropped|dropping|fallen|falling|plummeted|crashed|gone down|going down)\b",
        r"\b(?:has|have|is|are|keeps?) (?:\w+ )?(?:dropped|dropping|fallen|falling) (?:off|through"
        r"|across) (?:\w+ ){0,2}?(?:centiles?|charts?)\b",
        r"\b(?:flat|house|home|room|bedroom|place) is (?:\w+ )?(?:freezing|ice cold|bitterly cold"
        r"|so cold|really cold|very cold|cold and damp|damp and cold)\b",
        r"\b(?:freezing (?:cold )?(?:flat|house|home|room)|no (?:heating|gas|electric|electricity"
        r"|hot water))\b[^\n]{0,100}?\b(?:should i|shall i|do i (?:need to )?(?:call|ring|phone"
        r"|report|refer)|who do i (?:call|ring|phone|tell))\b",
        r"\b(?:mum|dad|mother|father|parents?|carers?|she|he|they|partner|boyfriend|girlfriend"
        r"|grandma|nan|gran|step (?:dad|mum))\b[^.!?]{0,20}?\b(?:out of it|spaced out|slurring"
        r"|off (?:her|his|their) (?:face|head|nut|trolley)|comatose|unrousable|(?:could|can) not"
        r" be (?:woken|roused))\b",
        needs_child=True,
    ),
    _family(
        # A violent or risky adult released, or coming out, and going to live with or find the
        # children: "he's been given mum's address", "gets out on Friday and is moving back in".
        "risky_adult_released",
        r"\b(?:released(?! from (?:hospital|the ward|a&e|scbu|nicu))|(?:out|come out|comes out"
        r"|coming out|came out|gets out|getting out|got out|due out|let out) of (?:prison|jail"
        r"|custody)|(?:gets|getting|comes|coming|is due|due) out (?:next|on|this|tomorrow|in"
        r"|soon|today|tonight)|on licence|bailed|on bail)\b[^\n]{0,100}?\b(?:(?:given|has|got"
        r"|knows|found out|finds out|been told) (?:\w+ ){0,2}?(?:her|mum|mums|their|the|his)"
        r" (?:new )?address"
        r"|(?:move|moving|moves) (?:back )?in|(?:live|living|stay|staying) (?:with|there|at)"
        r"|go(?:ing)? (?:back )?(?:home|to live)|com(?:e|es|ing) (?:back )?home|back home"
        r"|knows where (?:she|they|mum|we|the (?:\w+ )?" + _CHILD + r")(?: and (?:the |her |his "
        r"|their )?(?:\w+ )?" + _CHILD + r")? (?:live|lives|are|is|are living|are staying))\b",
        needs_child=True,
    ),
    _family(
        # Children who cannot be seen or found now: the door not opened while they are inside,
        # no one has seen them for weeks, phones dead and not at nursery, whereabouts unknown,
        # a school place never taken up, "with a friend" for days, a family gone.
        "child_unseen",
        r"\b(?:(?:will|would|did|does|do) not|refus\w* to|never) (?:open (?:up(?! (?:to|about))"
        r"|the door)|answer the door|let (?:me|us|anyone|the \w+(?: \w+)?) in)\b[^\n]{0,100}?\b"
        + _CHILD
        + r"\b",
        r"\b(?:(?:refused|denied|no) (?:\w+ )?(?:entry|access)|not (?:allowed|let) in)\b"
        r"[^\n]{0,100}?\b" + _CHILD + r"\b",
        r"\b(?:no one|nobody|noone|not|never)\b (?:\w+ ){0,2}?(?:seen|sighted|laid eyes on"
        r"|set eyes on|clapped eyes on|had eyes on)\b(?! by (?:a |the |their |her |his )?(?:dentist"
        r"|gp|doctor|optician|consultant|specialist|paediatrician|clinic|hospital))"
        r"[^.!?]{0,60}?\b(?:since|for (?:\w+ )?(?:days|weeks|months|a week|a month|ages|a while"
        r"|a fortnight)|in (?:\w+ )?(?:days|weeks|months|ages))\b",
        r"\b(?:phones? (?:\w+ ){0,3}?(?:dead|off|switched off|disconnected|going (?:straight )?to"
        r" voicemail|unobtainable|not working)|no answer|not answering|(?:cannot|can not|could not"
        r"|unable to) (?:reach|contact|get hold of|get through to))\b[^\n]{0,100}?\b(?:(?:not"
        r"|never) (?:been )?(?:in|at|to|into) (?:school|nursery|college|preschool|class)"
        r"|off (?:the )?roll)\b",
        r"\b(?:(?:not|never) (?:been )?(?:in|at|to|into) (?:school|nursery|college|preschool"
        r"|class)|off (?:the )?roll)\b[^\n]{0,100}?\b(?:phones? (?:\w+ ){0,3}?(?:dead|off"
        r"|switched off|disconnected|going (?:straight )?to voicemail|unobtainable|not working)"
        r"|no answer|not answering|(?:cannot|can not|could not|unable to) (?:reach|contact"
        r"|get hold of|get through to))\b",
        r"\b(?:no idea|(?:do|does|did) not know|nobody knows|no one knows|not sure|unsure"
        r"|cannot find out) where (?:the|his|her|their|both|all|two|three|my|these) (?:\w+ )?(?:"
        + _CHILD
        + r"|famil(?:y|ies))s? (?:is|are|has gone|have gone|went|live|lives|is living"
        r"|are living|is staying|are staying|moved to|ended up)\b",
        r"\b(?:school|nursery|reception|college|year \d{1,2}) place (?:\w+ ){0,2}?(?:never|not)"
        r" (?:been )?taken up\b|\bnever (?:took|taken) up (?:\w+ ){0,2}?place\b",
        r"\b(?:(?:has|have) been|(?:is|are)(?: still)?(?: staying| stopping)?) (?:with|at)"
        r" (?:a |an |some |her |his |their )?(?:friend|friends|mate|mates|family friend|someone"
        r"|somebody)\b"
        r"(?: \w+){0,3}? (?:since|for (?:\w+ )?(?:days|nights|a week|the week|a few days))\b",
        r"\b(?:will not|would not|refus\w* to|does not|did not|cannot|can not|could not) (?:say"
        r"|tell (?:us|me|anyone|the \w+)) where (?:\w+ ){0,3}?(?:is|are|is staying|are staying"
        r"|has gone|have gone|went)\b",
        r"\b(?:whole |the )?famil(?:y|ies) (?:has |have |had )?(?:\w+ )?(?:vanished|disappeared"
        r"|gone missing|gone off the radar|dropped off the radar|done a (?:runner|flit)|fled"
        r"|absconded|gone to ground|left (?:the area |the country )?without (?:a trace|telling"
        r"|a forwarding|notice))\b",
        needs_child=True,
    ),
    _family(
        # A threat about the children, or the abuser at the door now: "you'll never see them
        # again", a photo with "say goodbye", the ex parked outside the refuge, a fight at the
        # handover with the children due back to him.
        "threat_about_children",
        r"\b(?:said|says|saying|told|tells|telling|texted|messaged|threaten\w*|warned|warns)\b"
        r"[^.!?]{0,40}?\b(?:will|would|is going to|are going to) (?:\w+ )?(?:be sorry|regret it"
        r"|pay for (?:it|this)|do something|make (?:her|them|you|mum) pay|see what happens)\b"
        r"[^.!?]{0,60}?\b(?:" + _CHILD + r")\b",
        r"\bnever (?:\w+ ){0,2}?sees? (?:them|him|her|(?:the|her|his|their|your|my|both|those)"
        r" (?:\w+ )?" + _CHILD + r")(?: \w+)? again\b",
        r"\b(?:photo|picture|pic|video|clip|message|text|snap|voicemail|voice note|post)s?\b"
        r"[^\n]{0,100}?\b(?:say (?:your )?goodbyes?|last time you (?:will )?see|you will regret"
        r"|see what happens|watch what happens|you have been warned|mark my words)\b",
        r"\b(?:ex|ex partner|ex husband|ex boyfriend|perpetrator|abuser|stalker|violent \w+)\b"
        r"[^.!?]{0,20}?\b(?:is|are) (?:\w+ ){0,2}?(?:outside|parked (?:up )?(?:outside|across"
        r"|down|near|by|at)|waiting (?:outside|at the|by the|for (?:her|them|mum))|banging on"
        r"|sat outside|sitting outside|at the (?:door|window|gate|refuge))\b",
        r"\b(?:found|knows? (?:where )?|turned up at|outside|tracked (?:\w+ )?(?:down )?to)"
        r" (?:the |her |their )?refuge\b",
        r"\b(?:fight|row|incident|assault\w*|attack\w*|punch\w*|hit|kick\w*|scuffle|kicked off"
        r"|kicking off|violence|violent|threat\w*|strangl\w*|push\w*|shov\w*)\b[^.!?]{0,40}?\b"
        r"(?:at|during|after) (?:the )?(?:contact )?(?:handover|hand over|contact|pick ?up"
        r"|drop ?off)\b[^\n]{0,100}?\b(?:due (?:back )?(?:to go|to be|at|with|to)|going (?:back )?"
        r"to (?:his|him|dad|her)|back (?:at|to|with) (?:his|him|dad|her|their dad)|next contact"
        r"|contact (?:is )?(?:this|tomorrow|on|at the weekend)|this weekend|tomorrow|tonight)\b",
        needs_child=True,
    ),
    _family(
        "child_heard_in_distress",
        r"\b(?:hear|hearing|heard|can hear)\b[^.!?]{0,60}?\b(?:scream\w*|shout\w*|yell\w*"
        r"|crying|cries|bang\w*|smash\w*)",
        needs_child=True,
    ),
    _family(
        "risky_adult_present",
        r"\b(?:drunk|intoxicated|stoned|off (?:his|her|their) (?:face|head)|under the influence"
        r"|smelling of (?:alcohol|drink|cannabis|weed)|smelt of (?:alcohol|drink)|on drugs"
        r"|wasted|smashed|hammered|paralytic|passed out|collapsed|overdosed|too drunk"
        r"|(?:is|was|are|were|seems|seemed|looks|looked|turned up|arrived|got|getting)"
        r" (?:really |very |completely )?high\b(?! (?:risk|level|threshold)))\b",
        r"\b(?:sex offender|rso|schedule (?:one|1) offender|paedophile|pedophile|convicted"
        r" (?:of|for) (?:\w+ ){0,3}?(?:abuse|rape|sexual|child|violence|assault|murder"
        r"|manslaughter)|violent (?:ex|partner|offender|man)|risky adult|known perpetrator"
        r"|perpetrator|offender)\b[^.!?]{0,60}?\b(?:living|lives|staying|stays|moved in"
        r"|moving in|moved back|moving back|back in the house|back home|babysit\w*|looking after"
        r"|looks after|caring for|cares for|has access"
        r"|unsupervised|alone with|in the house|at the house|at the address|in contact"
        r"|contact with|with the (?:\w+ )?"
        + _CHILD
        + r"|around the (?:\w+ )?"
        + _CHILD
        + r"|picking up|collect\w*)",
        r"\b(?:should not|is not allowed to|not allowed to|not supposed to|is banned from"
        r"|banned from"
        r"|barred from|is not to|must not) (?:be )?(?:near|around|have contact with|contact|see"
        r"|be with|be alone with|go near|approach)\b",
        r"\btrying to (?:collect|take|pick up|grab|get hold of|snatch|get to) (?:the |her |his "
        r"|their |my )?(?:\w+ )?" + _CHILD + r"\b",
        r"\b(?:living|staying|left|alone) with (?:a |an |the )?(?:registered |known |convicted )?"
        r"(?:sex offender|paedophile|pedophile|perpetrator|offender)",
        r"\b" + _CHILD + r"\b(?: \w+){0,4}? (?:with|alone with|left with) (?:a |an |the |her "
        r"|his |their )?(?:drunk|violent|known|risky|dangerous|convicted) (?:\w+ )?(?:man"
        r"|adult|partner|dad|father|mum|mother|boyfriend|ex|person|stranger|offender)",
        r"\b" + _ACTOR + r"\b (?:has |have |just ){1,3}(?!taken (?:\w+ ){0,3}?(?:to|out|into)\b)"
        r"(?:taken|snatched|grabbed|abducted|kidnapped|run off with|disappeared with)"
        r" (?:the|her|his|their|my|a|both) (?:\w+ )?" + _CHILD + r"\b",
        r"\b(?:snatched|abducted|kidnapped|ran off with|disappeared with) (?:the|her|his|their"
        r"|my|a|both) (?:\w+ )?" + _CHILD + r"\b",
        r"\b(?:will not|refus\w* to|not going to|does not want to) (?:bring|give|hand|send)"
        r" (?:\w+ ){0,2}?back\b",
        r"\b(?:attending|attended|at|on|called to|dealing with|on (?:my|our|the) way to|en route to"
        r"|responding to|on scene at|going to|just left) (?:a|an|the) (?:domestic|da"
        r"|dv)(?: incident| call"
        r"| job| abuse incident| violence incident)?\b",
        needs_child=True,
    ),
    _family(
        "risky_adult_present_now",
        r"\b(?:" + _ACTOR + r")\b[^.!?]{0,15}?\b(?:is|are) (?:\w+ ){0,3}?(?:with|at (?:the )?"
        r"(?:house|home|address|flat|school|nursery)|outside|here|there|back)\b",
        r"\b(?:" + _ACTOR + r")\b[^.!?]{0,15}?\b(?:turned up|arrived|shown up|showed up"
        r"|come round|came round|broken in|broke in|forced (?:his|her|their) way in"
        r"|kicked (?:the|in the) door|banging on the door|trying to get in)\b",
        needs_child=True,
        needs_strong_present=True,
    ),
    _family(
        "worried_about_child_now",
        r"\b(?:i am|we are|i|we|i am really|i am very)\b(?: (?!not\b|never\b)\w+){0,2}?"
        r" (?:worried|concerned"
        r"|scared|frightened|anxious|panicking|terrified|really worried) (?:about|for|that)"
        r" (?:" + _DET + r" |xxname )(?:\w+ ){0,2}?(?:" + _CHILD + r"|famil(?:y|ies)"
        r"|xxname)\b",
        r"\b(?:i|we)(?: have| have got| got)? (?:\w+ )?(?:concerns?|worries|a worry) (?:about"
        r"|for|regarding|re) " + _DET + r" (?:\w+ ){0,2}?(?:" + _CHILD + r"|famil(?:y|ies))\b",
        r"\b" + _CHILD + r"\b[^.!?]{0,30}?\b(?:in front of me|with me (?:now|here|right now)"
        r"|sat with me|sitting with me|here with me|next to me|in my (?:office|room|car))\b",
        r"\bsomething (?:\w+ )?(?:feels|is|seems|felt|was|looks|looked) (?:\w+ )?(?:off|wrong"
        r"|not right) (?:with|about|at) (?:"
        + _DET
        + r" )(?:\w+ ){0,2}?(?:"
        + _CHILD
        + r"|famil(?:y|ies)|house|home)\b",
        r"\b(?:i have|i have got|i got) (?:a|this|such a) (?:\w+ )?(?:bad|horrible|awful|sick"
        r"|gut|nasty|uneasy) feeling about (?:"
        + _DET
        + r" )(?:\w+ ){0,2}?(?:"
        + _CHILD
        + r"|famil(?:y|ies))\b",
        r"\bi have (?:a|an|this) (?:\w+ )?" + _CHILD + r" (?:here|with me|in front of me"
        r"|in my (?:office|room|car))",
        r"\bwhat (?:do|should|can|shall) i do\b[^.!?]{0,60}?\b"
        + _CHILD
        + r"\b[^.!?]{0,40}?\b(?:now|here|with me|in front of me|at the moment)\b",
    ),
    _family(
        "concern_now",
        r"\b(?:safeguarding|child protection|cp|welfare) (?:concern|issue|matter|worry)\b",
        r"\b" + _CHILD + r" (?:\w+ )?at (?:\w+ )?risk\b",
        r"\b(?:abuse|violence|assault|fight\w*|attack) (?:is )?(?:happening|going on|taking place"
        r"|ongoing)\b",
        r"\bsomething (?:really |very )?(?:serious|bad|wrong|awful|terrible|horrible)\b",
        needs_strong_present=True,
    ),
    _family(
        "urgent_referral_or_concern",
        r"\b(?:i|we)(?: have| have got| got)? (?:an? )?(?:urgent |immediate |live |current |new "
        r"|serious |real )?(?:child protection|cp|safeguarding|welfare) (?:concern|issue|worry"
        r"|matter|referral|disclosure)\b",
        r"\b(?:need|needs|have|got|want|must|going|trying|about) to (?:make|do|raise|report"
        r"|submit|send|log|put in|file|call in|phone in|escalate) (?:an? |this |the )?"
        r"(?:urgent |emergency |immediate |child protection |cp |safeguarding |mash |spoa "
        r"|s47 |section 47 ){1,4}(?:referral|concern|report|strategy discussion)\b",
        r"(?:^|\bi |\bwe )(?:need|needs|must|have|have got|got) to (?:make|do|raise|submit|send)"
        r" (?:a|an) (?:\w+ )?referral\b(?! (?:pathway|process|form|route|system))",
        r"(?:^|\bi |\bwe )(?:need|needs|must|have|want) to report (?:\w+ ){0,2}?(?:abuse"
        r"|an? assault"
        r"|violence|neglect|rape|a (?:\w+ )?(?:concern|disclosure|incident|crime)|a "
        + _CHILD
        + r")\b",
        r"\b(?:urgent|immediate|serious|live|current) (?:safeguarding |child protection |cp )?"
        r"(?:concern|worry|worries|concerns) (?:about|for|regarding|re) "
        + _DET
        + r" (?:\w+ ){0,2}?"
        r"(?:" + _CHILD + r"|famil(?:y|ies))\b",
        r"\b(?:safeguarding|child protection|cp) (?:emergency|urgency)\b",
        r"\b(?:i|we) (?:need|needs|must|have) to (?:refer|report) (?:this|a|the|my) (?:\w+ )?"
        r"(?:" + _CHILD + r"|family|concern|disclosure|incident)\b",
        r"\b(?:i|we) (?:need|needs|want) (?:some )?(?:urgent|immediate|emergency) (?:\w+ )?"
        r"(?:advice|help|support|guidance)\b",
        r"\b(?:i|we) (?:need|needs) to report (?:a|an) (?:\w+ )?(?:concern|disclosure"
        r"|incident)\b",
    ),
    _family(
        # Domestic abuse going on while the practitioner is there: "I'm at the flat and he's
        # shouting at her, the kids are in the bedroom".
        "domestic_abuse_witnessed_now",
        r"\b(?:i am (?:\w+ ){0,2}?(?:at|in|outside|inside)|(?:i am )?(?:sat|sitting|standing)"
        r" (?:in|outside|at)|(?:i am )?on (?:a|the|my) (?:home |joint )?visit|while i am"
        r" (?:here|there))\b[^.!?]{0,80}?\b(?:is|are|has started|have started|started|keeps"
        r"|can see (?:him|her|them)|i can hear (?:him|her|them)) (?:\w+ ){0,2}?(?:screaming"
        r"|shouting|yelling|swearing|throwing|pinning|hitting|punching|kicking|pushing|shoving"
        r"|grabbing|slapping|strangling|choking|smashing|threatening|dragging)\b",
        needs_child=True,
    ),
    _family(
        # A young child's disclosure of sexual abuse in a child's own words: "said the man
        # touches her privates", "uncle makes him touch his willy", "does rude things to me".
        "sexual_abuse_in_a_childs_words",
        r"\b(?:said|says|saying|told|tells|telling|disclosed|whispered|mentioned)\b[^.!?]{0,80}?"
        r"\b(?:touch\w*|show\w*|rub\w*|lick\w*|kiss\w*|play\w* with|puts? (?:his|her|their)"
        r" hands?|hands? (?:in|down)|look at|pull\w* down)\b[^.!?]{0,40}?\b(?:willy|willie"
        r"|winkie|privates|private (?:parts?|bits|places?)|front bottom|foof|fanny|minnie"
        r"|tuppence|noo noo|wee wee|knickers|down there)\b",
        r"\b(?:said|says|saying|told|tells|telling|disclosed|whispered)\b[^.!?]{0,80}?\b(?:does"
        r"|did|doing|do|plays?|played|playing) (?:\w+ )?(?:rude|naughty|secret|yucky|private)"
        r" (?:things|stuff|games)\b",
    ),
    _family(
        # Strong combinations that put a child at risk now: a meeting set up by someone met
        # online, drugged or spiked and waking somewhere unknown, a teenager living with a much
        # older controlling man, a partner hidden in the home from children's services.
        "child_at_risk_now",
        r"\b(?:met|meet|meeting|talking to|chatting to|messaging|speaking to)\b[^.!?]{0,30}?"
        r"\b(?:online|on (?:an? |the )?(?:app|apps|snapchat|snap|instagram|insta|tiktok|discord"
        r"|roblox|fortnite|whatsapp|facebook|game|gaming site|internet|social media|xbox"
        r"|playstation|dating app))\b[^.!?]{0,80}?\b(?:meet|meeting|meet up|pick\w* (?:her|him"
        r"|them) up|collect\w* (?:her|him|them)|come and get|coming to get|visit\w*|sent (?:her"
        r"|him) (?:a |the )?(?:train|bus|taxi|uber|money))\b",
        r"\b(?:spiked|drugged|given (?:a |some )?(?:drink|drinks|pill|pills|something|vodka"
        r"|alcohol)|gave (?:her|him|them) (?:a |some )?(?:drink|pill|something|vodka|alcohol))"
        r"\b[^.!?]{0,80}?\b(?:woke|wake|waking|woken|came round|come round)\b(?: up)?"
        r"[^.!?]{0,40}?\b(?:somewhere|in a|in an|at a|at an|in (?:someone|somebody)|with"
        r"|not knowing|did not know|does not know|no idea)\b",
        r"\b(?:living|lives|staying|stays|moved in|sleeping|sleeps) with (?:a|an|her|his|this)"
        r" (?:\w+ ){0,2}?(?:much older|older|(?:[2-6]\d|xxage) (?:year|yr) old) (?:man|woman"
        r"|boyfriend|girlfriend|partner|bloke)\b[^.!?]{0,60}?\b(?:control\w*|takes? (?:her|his)"
        r"|keeps? (?:her|him)|(?:will|does|would) not let|checks? (?:her|his)|locks?|tracks?"
        r"|coerc\w*|isolat\w*)",
        needs_child=True,
    ),
    _family(
        # A partner secretly back in the home while the family hides it from children's services.
        "partner_hidden_from_services",
        r"\b(?:partner|boyfriend|dad|father|he|ex|him|husband|step dad)\b[^.!?]{0,60}?\b(?:living"
        r"|staying|back|sleeping|moved|stopping)\b[^.!?]{0,80}?\b(?:hiding|hides|hidden|hid"
        r"|keeping|keeps|kept|conceal\w*|lying|lied)\b[^.!?]{0,30}?\b(?:from|to|about) (?:social"
        r" care|social services|social workers?|children s? services|childrens services|csc|us"
        r"|professionals|me|the sw|the school|the health visitor|the hv|everyone)\b",
        needs_household=True,
    ),
    _family(
        # Cuckooing or county lines in a family home now.
        "cuckooing_in_family_home",
        r"\bcuckoo\w*|\btaken over by (?:\w+ )?(?:dealers|gangs?|drug \w+|men|lads)\b"
        r"|\b(?:deal|dealing|deals|sell\w* drugs|selling) (?:drugs )?(?:from|out of) (?:the |her "
        r"|his |their |mums? |the family )?(?:flat|house|home|address|family home)\b"
        r"|\bstrange (?:men|people|adults|lads|cars) (?:\w+ )?coming and going\b"
        r"|\busing (?:the |her |his |their |mums? )?(?:family )?(?:flat|house|home|address)"
        r" (?:\w+ )?to (?:deal|sell|store|stash)\b",
        needs_child=True,
    ),
    _family(
        # Repeated police call-outs for domestic abuse where a child lives now.
        "repeated_domestic_call_outs",
        r"\b(?:second|third|fourth|fifth|sixth|another|repeat(?:ed)?|several|multiple"
        r"|\d{1,2}(?:st|nd|rd|th)?|twice|three times|four times)\b[^.!?]{0,40}?\b(?:call ?outs?"
        r"|callouts?|police call\w*|domestic (?:incident|call)s?|da (?:incident|call)s?"
        r"|dv (?:incident|call)s?)\b",
        r"\b(?:police|999)\b[^.!?]{0,30}?\bcalled\b[^.!?]{0,40}?\b(?:twice|three times|four times"
        r"|\w+ times|again|repeatedly)\b[^.!?]{0,40}?\b(?:domestic\w*|da|dv)\b"
        r"|\b(?:police|999)\b[^.!?]{0,30}?\bcalled\b[^.!?]{0,30}?\b(?:domestic\w*|da|dv)\b"
        r"[^.!?]{0,30}?\b(?:twice|three times|four times|again|repeatedly)\b",
        needs_child=True,
    ),
    _family(
        "child_live_clinical_or_visit",
        # A baby's head growing across centiles with vomiting, drowsiness or a bulging fontanelle.
        r"\bhead circumference\b[^\n]{0,100}?\b(?:vomit\w*|bulging|fontanelle|drowsy|floppy"
        r"|seizures?|fits?)\b|\b(?:vomit\w*|bulging|fontanelle|drowsy|floppy)\b[^\n]{0,100}?"
        r"\bhead circumference\b",
        # A little one who screams / freezes whenever a particular adult goes near.
        r"\b(?:screams?|screaming|cries|crying|flinch\w*|freezes|cowers|hides|shakes)\b"
        r" (?:\w+ ){0,2}?(?:every time|whenever|when) (?:his |her |their |the )?(?:dad|daddy"
        r"|father|stepdad|mum|mummy|mother|partner|boyfriend|uncle|grandad|xxname|he|she)\b"
        r" (?:\w+ ){0,2}?(?:goes|comes|gets|walks|is|moves) (?:near|close|over|in)\b",
        # A new partner who has had his own children removed, living with a baby or child.
        r"\b(?:partner|boyfriend|girlfriend|husband|he|she)\b[^.!?:]{0,40}?\bhad (?:his|her|their)"
        r" own (?:child|children|kids?|baby|babies|son|daughter)s? (?:\w+ )?removed\b",
        # A young person who says they have the means ready.
        r"\b(?:she|he|they|xxname) (?:has|have) (?:got )?(?:the |her |his |their |some )?"
        r"(?:pills|tablets|paracetamol|rope|blade|razor)\b[^.!?]{0,20}?\b(?:ready|saved up"
        r"|stockpiled|lined up|hidden)\b",
        needs_child=True,
    ),
)

# --------------------------------------------------------------------------------------------
# Distress and crisis (about the practitioner)
# --------------------------------------------------------------------------------------------

# First-person subject, for phrases that could equally describe someone else ("not coping").
_I = (
    r"(?:\bi(?: am| have been| have| feel like i am| feel| think i am| keep)?"
    r"|^(?:feeling|honestly|really|just|totally|i think)?)"
    r"(?: (?:just|really|honestly|so|totally|completely|still|not|kind of|sort of|a bit|feeling"
    r"|been|genuinely|literally|seriously|actually|absolutely)){0,4}"
)

# Speaker as subject of a phrase that has no pronoun of its own ("end it all", "no point in
# living"): "I ..." within a few words, or the start of a sentence with no he/she/they before it.
_SPEAKER = r"(?:\bi (?:\w+ ){0,4}?|(?:^|[.!?] )(?:(?!(?:he|she|they|xxname) )\w+ ){0,3}?)"

# Filler that may open a sentence before a subjectless first-person phrase ("honestly, just
# started cutting again"); any other opening word (she, my pupil) is someone else's risk, which
# the urgent families catch first.
_OPENER = (
    r"(?:\bi (?:\w+ ){0,5}?|(?:^|[.!?,;:] )(?:(?:and|but|so|just|honestly|tbh|really|sometimes"
    r"|lately|recently|still|now|some days|most days|at times|to be honest|if im honest"
    r"|if i am honest|keep|kept|been|ive|i have|have|even|already|also)\s){0,4})"
)

_HOPELESS = (
    r"\b(?:what is the point (?:of|in) (?:anything|any of it|it all|everything|trying|me)"
    r"|nothing (?:\w+ ){0,3}?matters|no future|no hope|(?:feel|feeling|it is|is) hopeless"
    r"|give up on (?:everything|life|it all))\b"
)
_CRISIS_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        # Lingering somewhere high or at the tracks "thinking about it"; despair with a plan.
        r"\b(?:sat|sitting|stood|standing|stopped|parked|waited|stayed)\b[^.!?]{0,30}?\b(?:bridge"
        r"|railway|train tracks?|tracks|cliff|platform|multi storey|the river|the water)\b"
        r"[^.!?]{0,60}?\bthinking about (?:it|doing it|jumping|ending it|it all)\b",
        r"\b(?:cannot|can not|do not want to) (?:keep|carry on|go on) (?:doing this|going"
        r"|like this)\b[^.!?]{0,40}?\b(?:i have|i have got|got|made) (?:a|the) plan\b",
        r"\b(?:kill\w*|hurt\w*|harm\w*|cut\w*|hang\w*|end\w*|poison\w*|drown\w*|burn\w*"
        r"|starv\w*) myself\b",
        r"\b(?:end|take|ending|taking|took) my (?:own )?life\b",
        _SPEAKER + r"(?:end(?:ing)? it all|no (?:point|reason) (?:in )?(?:living|going on"
        r"|to live|being alive|carrying on|being here|waking up))\b",
        r"\bi (?:am|feel|have been|have been feeling|am feeling|get|got|felt) (?:\w+ )?suicidal\b",
        r"(?:^|[.!?,;:] |\bi (?:\w+ ){0,4}?|\bmy )(?:(?:the|these|having|had|some|more|have"
        r"|been|getting|own)\s){0,4}suicidal (?:thoughts|feelings|ideation|urges)\b",
        r"(?:^|\bi )(?:\w+ )?(?:do not|no longer|never) want to (?:be here|live|be alive"
        r"|wake up|go on|exist|carry on)\b(?! (?:with|doing|reading|today|now|here))"
        r"|\bi (?:\w+ )?want to die\b|^(?:\w+ )?want to die\b",
        r"\bwish i (?:was|were) (?:dead|not here|not alive|gone)\b",
        r"\bbetter off (?:without me|if i (?:was|were|was not|were not|did not)\b)"
        r"|\bi (?:would|would be|am|will be) better off dead\b",
        r"\bi (?:just |really )?(?:cannot|can not) go on\b(?! with)",
        r"\bi (?:have been |have |am |keep |started |have started )?(?:self harming|self harm)\b",
        r"\bi (?:have )?(?:thought|been thinking|think|am thinking|keep thinking) about"
        r" (?:killing myself|suicide|ending (?:it|my life|things)|taking my (?:own )?life)",
        # self-harm resumed: "started cutting again"
        _OPENER + r"(?:started|starting|begun|began|gone back to|going back to|back to"
        r"|resorted to|been|keep|kept) (?:\w+ )?(?:cutting|self harming|harming myself"
        r"|hurting myself|burning myself)(?: myself)?(?: again)?\b",
        r"\b(?:cannot|can not|do not|no longer|struggle to|struggling to) see (?:the|any) point"
        r" (?:in|of) (?:carrying on|going on|living|anything|it all|life|being here|any of it"
        r"|getting up|waking up|continuing|me)\b",
        r"\b(?:thinking|think|thought|dream\w*|fantasi\w*) (?:\w+ ){0,3}?(?:about|of) (?:just )?"
        r"(?:not (?:waking|wake) up|going to sleep and not|never waking|not being (?:here|around"
        r"|alive))",
        r"\b(?:tablets|pills|paracetamol|medication|painkillers) (?:\w+ ){0,2}?(?:saved|stored"
        r"|put (?:aside|away|by)|stockpiled|hoarded|ready|stashed)\b"
        r"|\b(?:saved|saving|stockpil\w*|hoard\w*|stash\w*) (?:up )?(?:\w+ ){0,2}?(?:tablets|pills"
        r"|paracetamol|medication|painkillers)\b",
        r"\b(?:not sure|do not know if|unsure if|not certain) i (?:even |really )?want to"
        r" (?:be here|live|be alive|go on|carry on|exist|anyway)\b",
        r"\blive with myself\b[^.!?]{0,60}?\bnot sure i (?:even )?want to\b",
        r"\b(?:easier|better|simpler|best) (?:for everyone |for them )?if i (?:just )?(?:crashed"
        r"|crash|died|was dead|were dead|was not here|was not around|were not here|did not wake"
        r"|disappeared|was gone|were gone|ended it|drove off|walked into|jumped|stepped|was not"
        r" alive|was not in the picture)",
        r"\bi (?:\w+ ){0,5}?(?:crash|crashing|crashed|drive|driving|drove|swerve|swerving"
        r"|steer|steering) (?:\w+ ){0,3}?(?:into|off) (?:(?:a|the) )?(?:wall|tree|bridge|lorry"
        r"|river"
        r"|cliff|motorway|oncoming|central reservation|barrier|road)\b",
        r"\b(?:do not|dont) think i (?:will|would|am going to) be (?:around|here|alive)"
        r" (?:much |for )?(?:longer|long|next|by|for|tomorrow)\b(?![^.!?]{0,40}\b(?:leave"
        r"|holiday|away|off|course|training|conference|cover|job|role|team|post)\b)",
        r"\bi (?:will not|might not|may not) be (?:around|here|alive) (?:for )?(?:much )?(?:longer"
        r"|long|tomorrow)\b(?![^.!?]{0,40}\b(?:leave|holiday|away|off|course|training|job|role"
        r"|team|post)\b)",
        r"\b(?:thoughts|thinking|thought) (?:of|about) (?:suicide|killing myself|ending (?:it"
        r"|my life|things|it all)|dying|death|not being here|self harm\w*|taking my (?:own )?life"
        r"|overdos\w*|taking an overdose|hurting myself|harming myself)\b",
        r"\b(?:thinking|think|thought) (?:of|about) (?:taking|having) (?:an |a )?overdose\b",
        r"\bsuicide note\b|\bgoodbye (?:letters?|notes?|messages?)\b"
        r"|\b(?:written|wrote|writing|left|leave) (?:\w+ )?(?:letters?|notes?|messages?) (?:to"
        r"|for) (?:my|the) (?:family|kids|children|husband|wife|partner|mum|dad|parents|loved"
        r" ones|daughter|son|boys|girls)\b"
        r"|(?:^|\bi )(?:\w+ ){0,2}?(?:written|wrote|left) (?:a|my) (?:goodbye )?note\s*[.!]*$"
        r"|\bi (?:\w+ ){0,3}?saying (?:my )?goodbyes?\b",
        r"\b(?:stand|standing|stood|wait|waiting) (?:\w+ ){0,4}?(?:platform|edge|bridge|cliff"
        r"|roof|ledge|tracks)\b[^.!?]{0,40}?\b(?:step|stepping|jump|jumping|fall|falling|lean"
        r"|throw)",
        r"\bi (?:\w+ ){0,5}?(?:step|stepping|jump|jumping|throw myself|throwing myself|walk"
        r"|walking) (?:off|in front of|under|into) (?:a|the) (?:train|bridge|platform|cliff"
        r"|building|roof|bus|lorry|car|sea|river|traffic|road)\b",
        r"\bi (?:am|feel) not safe\b|\bi (?:do not|dont) feel safe (?:with|around|in) (?:myself|my"
        r" own (?:head|mind))\b|\b(?:cannot|can not|not able to|struggling to|unable to)"
        r" keep myself safe\b|\bnot safe (?:with|around) myself\b|\bscared (?:of )?what i"
        r" (?:might|will|could|may) do\b",
        r"\b(?:want|need|wish|wanting) (?:it all|everything|this|things|the pain|it) to (?:stop"
        r"|end),? (?:\w+ )?(?:permanently|for good|forever|for ever)\b",
        r"\bi (?:\w+ ){0,3}?disappear(?:ed)? (?:for good|forever|permanently)\b",
        r"\b(?:nobody|no one|noone) would (?:miss|notice|care about) me\b|\b(?:nobody|no one"
        r"|noone) would (?:miss|notice|care) if i\b",
        r"\b(?:looking up|looked up|researching|researched|googling|googled|searching|searched)"
        r" (?:\w+ ){0,2}?(?:ways|how) to (?:die|kill myself|end it|end my life|overdose)\b",
        r"\bi (?:\w+ ){0,2}?(?:want|wanted|going|plan|planning|need|have) to end it\b(?! with)"
        r"(?! (?:all )?with)",
        r"\b(?:doing|do|did) (?:everyone|them|my family|the world|people) a favour (?:if i|by"
        r" (?:going|dying|not being))\b|\bif i (?:was|were) (?:gone|dead|not here|not around"
        r"|not alive)\b",
        r"\b(?:to|and) (?:just )?(?:not|never) (?:wake|waking) up\b"
        r"|\b(?:i|me|myself)\b[^.!?]{0,40}?\b(?:not|never) (?:wake|waking) up\b(?! (?:in time"
        r"|early|on time|until))|\bbetter off (?:dead|gone|not (?:waking|being|here|alive))\b",
        r"\b(?:thinking|think|thought) (?:about|of) (?:taking|swallowing) (?:all |a load of |some "
        r"|loads of )?(?:my |the |of my )?(?:tablets|pills|meds|medication|paracetamol)\b",
        r"\bno way out\b(?=[^.!?]{0,20}\b(?:for me|i)\b)|\bi (?:\w+ ){0,3}?no way out\b"
        r"|^(?:there is |i see |i can see )?no way out\b",
        r"\b(?:want|wanting|wish) (?:\w+ )?(?:to not|not to|to stop|i did not|i didnt) (?:exist|be"
        r" here|be alive|be around)\b",
        r"\b(?:plan|planning|planned|going|decided|intend\w*) to end (?:things|it|it all|my life)\b"
        r"(?! with)",
        r"\b(?:looked|looking|look|searched|searching|googled|googling) (?:up )?how (?:many|much)"
        r" (?:\w+ ){0,2}?(?:tablets|pills|paracetamol|it would take|would kill|to take)\b",
        r"\b(?:relapsed|relapse|relapsing|slipped back) (?:\w+ ){0,2}?(?:self harm\w*|cutting"
        r"|hurting myself)\b",
        r"\b(?:do not|dont) think i (?:even |really )?want to (?:be here|live|be alive|go on"
        r"|carry on|exist)\b(?! (?:with|doing|reading|today|now|here))",
        r"\b(?:said|say|saying|started saying) (?:my )?goodbyes? to (?:my|the) (?:kids|family"
        r"|children|partner|husband|wife|boys|girls|son|daughter|mum|dad|parents)\b",
        r"\b(?:do not|dont|do not even) know (?:if|whether) i (?:even |really )?want to (?:be here"
        r"|live|be alive|go on|carry on|exist)\b",
        r"\b(?:do not|dont) deserve to (?:live|be alive|be here)\b|\b(?:would|had) rather (?:be"
        r" dead|die|not be alive|not be here|not wake up)\b",
        r"\bwhat is the point (?:of|in) (?:even )?(?:being alive|living|life|existing|being here"
        r"|waking up|going on|carrying on)\b|\b(?:tired|sick|weary) of (?:living|life|being alive"
        r"|existing)\b|\bdone with (?:life|living|being alive)\b",
        # Cannot go on, with hopelessness about life: "can't keep going, what's the point of
        # anything"; either alone is not a crisis ("can't do this any more" is distress).
        r"\b(?:cannot|can not) (?:do (?:this|it)(?: \w+)? any ?more|keep (?:doing this|going|on)"
        r"|go on|carry on|take (?:it|this|any more)|face (?:it|this|anything))\b.{0,80}?"
        + _HOPELESS
        + r"|"
        + _HOPELESS
        + r".{0,80}?\b(?:cannot|can not) (?:do (?:this|it)(?: \w+)? any ?more|keep (?:doing this"
        r"|going|on)|go on|carry on|take (?:it|this|any more)|face (?:it|this|anything))\b",
        # Said without the words for suicide. Each is the speaker's own: an "I", "me" or "my",
        # or a whole message, so "the point about bridges", "a train of thought" and "I'm done
        # with the questions for today" are not.
        r"\bwhat is the point (?:of|in) (?:me|my) (?:even )?(?:being here|being alive|living"
        r"|carrying on|going on|existing|getting up|being around)\b(?! (?:today|if|when|at (?:the"
        r"|this|these)|in (?:the|this|these)))|\b(?:no|any|not much|little) point (?:in|of|to)"
        r" (?:me|my) (?:even )?(?:being here|being alive|living|carrying on|going on|existing"
        r"|being around)\b(?! (?:today|if|when|at (?:the|this|these)|in (?:the|this|these)))"
        r"|\b(?:no|any|what is the) point (?:to|of|in) me(?: (?:anymore|any more|at all|now))?"
        r"(?=\s*(?:[.!?,]|$))",
        r"\bi (?:\w+ ){0,4}?(?:think|thinking|thought|picture|picturing|imagine|imagining|dream"
        r"|dreaming|fantasi[sz]e|fantasi[sz]ing) (?:\w+ ){0,2}?(?:about|of) (?:the|that|a)"
        r" (?:\w+ )?(?:bridge|train tracks|tracks|railway line|railway|train line|level crossing"
        r"|cliffs?|viaduct)\b(?=\s*(?:[.!,]|$)| (?:near|by|on|at|again|every|when|lately|a lot"
        r"|more|and|recently|too|over|in)\b)",
        r"\bi (?:\w+ ){0,4}?(?:think|thinking|thought|picture|picturing|imagine|imagining|tempted"
        r"|urge|wonder\w*) (?:\w+ ){0,2}?(?:about |of |to )?(?:crash(?:ing)? (?:the|my) (?:car|van)"
        r"|crashing(?! (?:out|at|on|with|in)\b)|driving (?:off|into)|swerving|steering into"
        r"|stepping (?:out )?in front of|walking in front of|jumping (?:off|in front of)"
        r"|stepping off)\b",
        # The same, with no "I": "thinking about jumping off the bridge on my way home",
        # "keep thinking about stepping off the platform". Opened by filler only, so "she keeps
        # thinking about jumping off" is not the practitioner's.
        r"(?:^|[.!?,;:] )(?:(?:and|but|so|just|honestly|tbh|really|sometimes|lately|recently"
        r"|still|been|keep|kept|ive|i have|have|even|also|kind of|sort of|often)\s){0,3}"
        r"(?:thinking|thought|thoughts|picturing|imagining|tempted|wondering) (?:\w+ ){0,2}?"
        r"(?:about |of |to )?(?:crash(?:ing)? (?:the|my) (?:car|van)|driving (?:off|into)"
        r"|swerving (?:off|into)|steering into|stepping (?:out )?in front of|walking in front of"
        r"|jumping (?:off|from|in front of)|stepping off|throwing myself)\b",
        # A plan, in a message of its own, or how "I'd do it".
        r"^(?:(?:honestly|and|but|so|i think|just|well|ok|okay|yes|yeah|anyway)[,.]? ){0,2}i"
        r" (?:have |had |have now |have already |already have )?(?:made |got |worked out |come up"
        r" with |sorted )?(?:a|my) plan(?: now| already| ready| sorted| for it)?\s*[.!]*$",
        r"\b(?:worked out|figured out|know|thought about|planned|decided|sorted out) (?:exactly )?"
        r"(?:how|when|where) i (?:would|will|am going to|could|might) do it\b(?=\s*(?:[.!,]|$)"
        r"| now\b| if\b| when\b)",
        r"\bthe only (?:thing|reason|one|person|people)s? (?:that is |that are |that has been |that"
        r" |which )?(?:keeping|keeps|kept|stopping|stops|holding) me (?:going|here|alive|from|on"
        r" this earth)\b(?![^.!?]{0,30}\b(?:coffee|tea|caffeine|biscuits?|chocolate|cake|wine"
        r"|gin|sugar|weekend|friday|holidays?|lunch|payday|half term|christmas|summer)\b)"
        r"|\bthe only reason i am (?:still )?(?:here|alive|going|carrying on|hanging on)\b(?!"
        r"[^.!?]{0,30}\b(?:job|pay|money|pension|mortgage|salary|module|course|training|meeting"
        r"|session)\b)",
        r"\b(?:it|that) should have been me\b(?=\s*(?:[.!]|$)| (?:that|who) (?:died|was killed"
        r"|got killed|passed)\b| instead\b|,? not (?:him|her|them|the \w+|xxname)\b)"
        r"|\bi should have died\b|\bwish (?:it had been|it was) me (?:that|who|instead)\b"
        r"|\bwish i had died\b",
        r"\bi am (?:\w+ ){0,2}?done (?:with )?(?:everything|all of it|it all|life|living|all this"
        r"|this life|everyone|being here|trying)\b(?=\s*(?:[.!]|$)|,? (?:honestly|i (?:cannot"
        r"|can not|am)|now|anymore|any more|really|completely|totally|seriously|literally)\b)"
        r"|^(?:(?:honestly|just|so|and|but)[,.]? ){0,2}(?:just )?done with (?:everything|all of it"
        r"|it all|life)\s*[.!]*$",
        r"(?:^|[.!?;:] |\bi (?:\w+ ){0,3}?(?:think|thinking|feel|reckon|know|believe|wonder if)"
        r"(?: that)? )(?:(?:honestly|just|really|tbh|sometimes|and|but|so)[,]? ){0,2}(?:everyone"
        r"|everybody|my (?:family|kids|children|partner|husband|wife|boys|girls|daughter|son"
        r"|team|colleagues)|the kids|they|people|the world|the family) (?:would|will)(?: \w+)?"
        r" be better off\b(?=\s*(?:[.!]|$)| (?:without me|if i|with(?:out)? my|anyway|honestly"
        r"|really|tbh)\b)",
        # "I won't be at work tomorrow or ever", "what's the point of any of it" (as a whole
        # message): the future closing down
        r"\bi (?:will not|won't|wont) be (?:at work|here|around|in) (?:\w+ ){0,2}?or ever\b"
        r"|^(?:(?:honestly|just|and|but|so|tbh)[,]? ){0,2}what is the point (?:of|in) (?:any of it"
        r"|anything|it all|any of this|going on|carrying on|me)\s*[.?!]*$",
        # "I just want it all to stop", "I want everything to end", "I want to stop existing"
        r"\bi (?:\w+ ){0,2}?(?:want|wish|need) (?:it all|everything|all of it|the pain|my life"
        r"|life|the world) to (?:stop|end|be over|go away)\b(?! (?:for a (?:bit|minute|moment"
        r"|while|second)|today|tonight|this week))"
        r"|\bi (?:\w+ ){0,3}?(?:stop|cease) (?:to )?exist(?:ing)?\b|\bi (?:\w+ )?(?:want|wish)"
        r" (?:i could |to |i did )?(?:disappear(?:ed)? for good|not exist|never wake up)\b"
        r"|\bi am (?:\w+ )?done[.!,]* (?:with )?(?:everything|all of it|it all|life)[.!,]*"
        r" (?:for good|forever|for ever)\b",
        r"\bmy life insurance\b[^.!?]{0,40}?\b(?:would|will|pay|pays|paid|payout|cover|covers"
        r"|better off|worth|if i|suicide|out)\b|\b(?:better off|looked after|sorted|fine"
        r"|provided for) (?:with|by|from) (?:my|the) life insurance\b|\bworth more dead\b",
        # Putting affairs in order, giving things away, "it feels like it's time".
        r"\b(?:putting|put|sorting|sorted|getting|got|have) (?:all )?my affairs in order\b"
        r"|\b(?:sorted|written|made|updated|done) my will\b[^.!?]{0,60}?\b(?:letters?|goodbye"
        r"|notes?)\b|\bwritten (?:goodbye )?(?:letters|notes) to (?:everyone|my (?:family|kids))\b",
        r"\b(?:giving|gave|given|give) (?:all )?my (?:things|stuff|belongings|possessions|bits)"
        r" away\b|\bgiv(?:e|ing|en) away (?:all )?my (?:things|stuff|belongings|possessions)\b",
        r"(?:^|[.!?,] |\bi |\bhonestly |\bjust )(?:\w+ ){0,3}?feels? like (?:it is|its)"
        r" (?:time|my time)\s*[.!]*$",
        r"\b(?:most painless|least painful|quickest|easiest|painless) way (?:to (?:go|die|end it"
        r"|do it|kill myself|end my life)\b(?! about| ahead| forward)|for me to (?:go|die)\b"
        r"|of (?:dying|ending it)\b)",
    )
)
_CRISIS = _family("practitioner_crisis", *(p.pattern for p in _CRISIS_PATTERNS))

# A short message that asks for a pause (the opener, then one phrase).
_PAUSE_OPENER = (
    r"(?:(?:sorry|honestly|ok|okay|um|erm|hmm|just|oh|god|gosh|right|actually|hang on|wait"
    r"|hold on|one sec|sorry but)[,.]? ){0,4}"
)
_PAUSE_PHRASE = (
    r"(?:"
    r"(?:i )?(?:need|needed|just need|want|could do with|could use) (?:a|a bit of a|some|5"
    r"|five|a few|a little|a quick) (?:minute|minutes|min|mins|moment|moments|sec|second"
    r"|break|breather|breathing space|pause|time out|time|space)"
    r"|give me (?:a|one) (?:sec|second|minute|moment|min)"
    r"|(?:can|could|may) i (?:just )?(?:have|take|get|grab) (?:a|a bit of a|some|5|five|ten"
    r"|10|a few|a little|a quick) (?:minute|minutes|min|mins|moment|moments|sec|second|break"
    r"|breather|pause)"
    r"|(?:i )?(?:need to |have to |am going to |will |must )?take (?:five|5|ten|10|a minute"
    r"|a moment|a break|a breather|a second|a sec|a few minutes|some time)"
    r"|(?:i )?(?:cannot|can not|could not) (?:do|face|cope with|manage|deal with|handle"
    r"|do any more of|look at|read) (?:this|it|that|any more|anymore|this one|any of this)"
    r"(?: (?:one|today|now|right now|at the moment|anymore|any more|just now)){0,3}"
    r"|not today[.!,]* i (?:cannot|can not)|(?:i )?(?:cannot|can not)"
    r"|sorry[,.]? (?:i )?(?:need|have|will have) to stop(?: (?:now|here|for now|for a bit"
    r"|for today|this))?|(?:i )?(?:need|have) to stop(?: (?:now|here|for now|for a bit"
    r"|for today|this))?[,.]? sorry"
    r"|(?:it is |this is |that is |its |it has been |all )?(?:all |just |a bit )?(?:too much"
    r"|(?:a bit|bit|a little|all a bit) much"
    r"|a lot|so much)(?: for me)?(?: (?:right now|today|at the moment))?"
    r"|(?:i )?need (?:to get )?(?:some )?(?:fresh )?air"
    r"|(?:i )?(?:cannot|can not) (?:today|now|right now|any more|anymore)"
    r"|(?:way |far |just |all )?(?:too much|too hard|too heavy)"
    r"|(?:i am |im )?(?:done in|done|finished|spent|wiped out)(?:,? (?:i )?(?:cannot|can not)"
    r" (?:face|do) (?:any more|anymore|more) (?:of )?(?:this|it))?"
    r"|(?:i )?need to (?:step away|get away|get some air|take a step back|leave this|leave it)"
    r"(?: from (?:this|it|here|the screen|the computer|the laptop|all this))?"
    r"(?: for (?:now|a bit|a minute|a while|a moment|today|the day))?"
    r"|(?:a |quite |very |too |so )?(?:bit |little )?raw(?: this| today)?"
    r")"
)

# The same thoughts in someone else's mouth: a young person (or a parent) on the caseload who
# "is messaging about wanting to die", "says everyone would be better off without her", "has
# made a plan". That is a live concern about them, never the practitioner's crisis: these spans
# are taken out before the crisis family reads the text, and they count as a suicidal child.
_SOMEONE_ELSE_AT_RISK = _Gated.of(
    r"\b(?:" + _FAMILY_WORD + r"|he|she|they|who)\b(?:(?!\b(?:i|me|myself)\b)[^.!?]){0,60}?"
    r"\b(?:wanting to (?:die|be dead|end it)|(?:does|do|did) not see (?:the|any) point\b"
    r"|(?:sees|see|seeing) no point\b|(?:has|have|had) (?:made |got |worked out )?a plan"
    r"(?=\s*(?:[.!]|$)| to (?:kill|end|die|hurt|harm|take)\b)|(?:is|are|was|were|has) (?:\w+ )?done"
    r" with (?:everything|it all|all of it|life|living)(?=\s*(?:[.!,]|$)| now\b| anymore\b)"
    r"|(?:says|said|saying|told \w+|texted|texting|messaged|messaging|writes|wrote|thinks"
    r"|believes) (?:that )?(?:everyone|everybody|the world|people|(?:his|her|their) (?:family"
    r"|kids|children|mum|dad|parents)) would (?:\w+ )?be better off\b)"
    r"|\b(?:no|any|what is the) point (?:in|of) (?:him|her|them) (?:even )?(?:being here"
    r"|being alive|living|going on|carrying on|existing)\b"
    r"|\bthe only (?:thing|reason)s? (?:\w+ ){0,2}?(?:keeping|keeps|stopping|stops) (?:him|her"
    r"|them) (?:going|here|alive)\b"
)
# Someone else's feelings, as the review or a colleague reports them ("the practitioner felt
# overwhelmed", "the social workers were overwhelmed and burnt out"): taken out before the
# distress families read the text, so quoting the review is not the practitioner's distress.
_FEELING = (
    r"(?:overwhelm\w*|burnout|stressed|exhausted|drained|upset|distressed|anxious|struggling"
    r"|not coping|traumati[sz]ed|tearful|shaken|out of (?:her|his|their) depth)\b"
)
_SOMEONE_ELSES_FEELINGS = _Gated.of(
    r"\b(?:(?:the|a|an|her|his|their|other|some|many|most|all|one|two|both|those|these)"
    r" (?:\w+ ){0,2}?(?:practitioners?|social workers?|workers?|professionals?|staff|teachers?"
    r"|nurses?|health visitors?|hvs?|officers?|colleagues?|managers?|team|panel|authors?"
    r"|reviewers?|mothers?|fathers?|mums?|dads?|parents?|carers?|family|families|child"
    r"|children)|she|he|they|adult [a-z]|child [a-z]|xxname) (?:\w+ ){0,2}?(?:felt|feels|feel"
    r"|was|were|is|are|seemed|seems|became|got|had been|has been|have been|appeared|looked"
    r"|described (?:being|feeling)|reported (?:being|feeling)) (?:\w+ ){0,2}?"
    + _FEELING
    + r"(?: (?:and|or) (?:\w+ )?"
    + _FEELING
    + r")?"
)

_DISTRESS_FAMILIES: tuple[_Family, ...] = (
    _family(
        "distress_brief",
        # A very short message that is only a feeling: "numb.", "just... heavy", "so tired".
        r"^(?:(?:just|so|feeling|feel|honestly|i am|i feel|really|very|and|but|all|bit|a bit)"
        r"[.,!]*\s*){0,3}(?:numb|heavy|hollow|empty|broken|flat|gutted|wrecked|drained"
        r"|shattered|done in|tired|exhausted|knackered|lost)\s*[.!]*$",
        # "crying in the car park", "sat in the car crying", "been in tears all morning"
        r"^(?:(?:i am|i have been|been|just|sat|sitting|currently|still)\s){0,3}(?:crying|sobbing"
        r"|in tears|welling up)\b(?: (?:in|at) (?:the |my )?(?:car|car park|toilets|office|loo"
        r"|kitchen))?(?: (?:again|all morning|all day|now))?\s*[.!]*$",
        # "don't think I can do this today", "not sure I can face today"
        r"\b(?:do not think|not sure|doubt|no idea how) i (?:can|could|will be able to)"
        r" (?:do|face|manage|cope with|get through) (?:this|it|today|any of (?:this|it)|work)"
        r"(?: (?:today|anymore|any more|this week))?\s*[.!]*$",
    ),
    _family(
        "distress_fraud_or_leaving",
        r"\bi (?:\w+ ){0,3}?(?:feel|felt|am|feeling) (?:\w+ ){0,2}?(?:like )?(?:a |an |such an? )?"
        r"(?:total |complete )?(?:fraud|imposter|impostor)\b",
        r"\bi (?:cannot|can not) keep (?:going|doing (?:this|it)|on)(?: like this)?\b"
        r"|\bhow (?:much )?(?:longer|long) i can (?:keep (?:going|doing (?:this|it))|carry on"
        r"|do this)\b",
    ),
    _family(
        "distress_daily_loss",
        r"\b(?:think|thought|thinking) (?:about|of) (?:\w+ ){1,6}?every (?:single )?day\b"
        r"|\bnot a day goes by\b|\bevery (?:single )?day i (?:still )?think (?:about|of)\b",
    ),
    _family(
        "distress_own_family_match",
        r"\b(?:welled up|welling up|tearing up|teared up|choked up|filled up|in tears|cried|crying"
        r"|had to stop|stopped|tearful)\b[^.!?]{0,60}?\b(?:same (?:age|name) as|just like"
        r"|exactly like|reminds? me of|like what happened (?:in|to))\b[^.!?]{0,30}?\bmy (?:own )?"
        r"(?:daughter|son|kids?|children|child|boy|girl|family|mum|mother|dad|father|brother"
        r"|sister|grand\w+|niece|nephew|baby)\b",
        r"\b(?:same (?:age|name) as|just like|exactly like) my (?:own )?(?:daughter|son|kids?"
        r"|children|child|boy|girl|family|mum|mother|dad|father|brother|sister|baby)\b"
        r"[^.!?]{0,60}?\b(?:welled up|welling up|tearing up|teared up|choked up|in tears|cried"
        r"|crying|had to stop|stopped)\b",
    ),
    _family(
        "distress_rumination",
        r"\b(?:cannot|can not|could not) (?:stop|stop myself) (?:thinking|crying|worrying"
        r"|going over|replaying|getting)",
        r"\b(?:haunt\w*)\b",
        r"\b(?:keep|kept|keeps) (?:thinking|going over|replaying|reliving|picturing|seeing)"
        r" (?:about )?(?:it|this|that|him|her|the|what)\b",
        r"\bflashbacks?\b|\bnightmares?\b",
        r"\b(?:replay\w*|going over|reliving|relive)\b[^.!?]{0,40}?\bin my (?:head|mind)\b",
        r"\b(?:keeps|kept|keep) (?:coming back|popping up|going round) (?:to me|in my head"
        r"|in my mind)\b",
        r"\b(?:stuck|stays|stayed|playing|preying|weighing) on (?:me|my mind)\b",
        # "has really stayed with me", "stuck with me ever since": not "that case stuck with me
        # and shaped how I practise", which is a reflection.
        r"\b(?:really|so|badly|deeply|properly|genuinely|horribly|awfully|truly|still) (?:\w+ )?"
        r"(?:stuck|stays|stayed|staying|sticks|sticking) with me\b"
        r"|\b(?:stuck|stays|stayed|staying) with me (?:ever since|since|all (?:day|week|night)"
        r"|every (?:day|night)|for (?:days|weeks)|and i (?:cannot|can not|keep))\b",
        r"\bcannot get (?:it|this|him|her|the \w+) out of my (?:head|mind)\b",
        r"\b(?:cannot|can not|could not|unable to|struggling to) (?:switch|turn) off\b",
    ),
    _family(
        "distress_affected",
        r"\b(?:got|gets|getting|get|has got|really got|really gets) to me\b",
        r"\b(?:really |deeply |quite |so |genuinely |badly )?(?:affected|upset|shaken|shook"
        r"|disturbed|distressed|traumati[sz]ed|triggered|rattled|hit) me\b",
        r"\b(?:hit|hits|hitting) (?:me )?(?:hard|harder|home|hardest)\b",
        r"\b(?:wrecked|destroyed|broken|gutted|floored|devastated|crushed|flattened|undone)"
        r" me\b",
        r"\b(?:hard|difficult|tough|painful|horrible|awful|harrowing|grim|heavy) (?:to read"
        r"|reading)"
        r"\b(?! but (?:\w+ ){0,2}?(?:important|worth|useful|necessary|helpful|valuable|essential"
        r"|needed|good|interesting|glad))",
        r"\bupsetting\b|\bdistressing\b|\bharrowing\b|\btraumati[sz]ing\b|\bheartbreaking\b"
        r"|\bgut ?wrenching\b",
        r"\b(?:makes|made|making) me (?:so |really |very |feel so |feel really )?(?:want to "
        r"|feel like )?(?:cry|sick|sad|angry and sad"
        r"|feel sick|feel awful|feel terrible|feel useless|feel low)\b",
        r"\b(?:want|wanted|wants) to cry\b|\b(?:keep|kept|been|started|start) crying\b"
        r"|\bin tears\b|\btearful\b|\bcried\b|\bin bits\b",
        r"(?:\bi (?:just |really |still |honestly |kind of |sort of |actually )?(?:am|feel"
        r"|have been|have been feeling|am feeling|keep feeling)|^(?:just |still )?feel(?:ing)?"
        r"|\bbeen feeling|\bfeeling) (?:(?!not |never |no )\w+ ){0,3}?(?:upset|shaken|distressed"
        r"|traumati[sz]ed"
        r"|triggered|emotional|down"
        r"|devastated|heartbroken|gutted|a mess|broken|numb|sad|low|awful|terrible|horrible"
        r"|shaking|trembling|sobbing|crying|wrecked|fragile|on edge"
        r"|dreadful|hopeless|helpless|useless|sick|anxious|stressed|panicky|shaky|wobbly"
        r"|shattered|emotional|raw|not ok(?:ay)?|not alright|not all right)\b",
        r"\b(?:this|it|that|the (?:case|review|briefing)) (?:is|was) (?:\w+ )?triggering\b",
        r"\btriggered\b(?=[^.!?]{0,80}\b(?:i|me|my)\b)",
        r"\b(?:cut|cuts) (?:me )?(?:really |so |very )?(?:deep|deeply|to the bone|to the quick)\b"
        r"|\bhit a (?:raw )?nerve\b|\b(?:hit|hits|hitting|struck|strikes) (?:\w+ ){0,2}?close to"
        r" home\b",
        r"\bmy mental health\b|\bpanic attacks?\b",
        # Sad, in a short message of its own: "just so sad", "that's so sad, I don't know what
        # to say" (not "it's so sad that nobody joined the dots", a remark about the case).
        r"^(?:(?:oh|god|gosh|honestly|just|wow|that is|this is|it is|all|um|erm)[,.]? ){0,3}"
        r"(?:so|really|just|incredibly|unbearably|terribly|awfully|too|very|utterly) (?:so )?sad"
        r"(?:[,.]? (?:i (?:do not|cannot) (?:know what to say|find the words|take it in)"
        r"|honestly|really|sorry))?\s*[.!]*$",
        # A crying face or a broken heart, alone or with a few words, and no laughter.
        "^(?!.{0,80}?(?:\\blol\\b|\\bhaha|\\blmao\\b|\U0001f602|\U0001f923))(?=.{0,80}$)"
        ".{0,80}?[\U0001f622\U0001f62d\U0001f494\U0001f97a\U0001f625\U0001f61e\U0001f614"
        "\U0001f613\U0001f63f\U0001f979\u2639]",
        # Shaken with no "I": "honestly a bit shaken after that", "quite rattled tbh".
        r"(?:^|[.!?] )(?:(?:honestly|tbh|just|still|feeling|oh|um|erm|ok|okay|god|and|but|so"
        r"|now|left)[,.]? ){0,3}(?:a (?:bit|little|touch) |bit |quite |really |so |pretty |very "
        r"|rather |all |properly )(?:shaken|shook|rattled|wobbly|teary|tearful|choked|emotional"
        r"|jittery)\b",
        # Anxious or low since a case, with no "I": "anxious all the time since that case".
        r"(?:^|[.!?] )(?:(?:honestly|just|still|been|feeling|so|really|and|but|always)\s){0,3}"
        r"(?:anxious|on edge|jumpy|panicky|tearful|teary|low|numb|stressed|jittery|a wreck"
        r"|a mess|not myself)(?: \w+){0,2}? (?:all the time|constantly|every day|every night"
        r"|since|ever since|for weeks|for months|lately|most days|all week)\b",
    ),
    _family(
        "distress_coping",
        _I + r" ?(?:not coping|not managing|struggling|drowning|falling apart"
        r"|breaking down|at breaking point|at the end of my tether|running on empty"
        r"|barely holding (?:it )?together)\b(?! to (?:engage|get|find|understand|see|know"
        r"|work|reach|identify|assess))",
        r"\b(?:cannot|can not|could not|struggling to|unable to) cope\b"
        r"|\b(?:do not|dont) think i am (?:really )?(?:coping|managing|ok|okay|doing (?:ok|okay"
        r"|well))\b|\bcannot face (?:any more|anymore|more) of (?:this|it)\b",
        r"\boverwhelm\w*",
        r"\b(?:too much|too hard|too heavy) for me\b|\bi cannot do this (?:anymore|any more"
        r"|job)\b",
        r"\bi (?:am|feel) (?:\w+ )?(?:exhausted|drained|burnout|fried|frazzled|spent)\b",
        # Burnout as a topic ("staff burnout", "is burnout covered?") is not the speaker's own.
        r"(?<!staff )(?<!workforce )(?<!about )(?<!on )(?<!is )(?<!of )\bburnout\b"
        r"|\bi (?:am|feel|think i am) (?:\w+ ){0,2}?(?:close to|near|on the edge of|at risk of"
        r"|heading for|on the verge of|on the brink of) burnout\b"
        r"|\bout of my depth\b(?![^.!?]{0,40}\b(?:training|course|learn\w*|more about)\b)",
        r"\bi (?:\w+ )?(?:dread|hate) (?:going (?:in|into|to|back)|work|my job|mondays"
        r"|the thought)",
        r"\b(?:cannot|can not|can|could) (?:\w+ )?(?:do|keep doing|carry on with|carry on doing)"
        r" (?:this|my|the) (?:job|work|role)(?: \w+)? (?:anymore|any more|any longer"
        r"|much longer)\b",
        r"\b(?:finding|find|found) (?:this|it|the case|this case|things|everything|work)"
        r" (?:really |very |so |quite |incredibly )?(?:hard|difficult|tough|heavy)"
        r"(?= emotionally| to (?:read|deal with|cope|process|take in|handle|get over"
        r"|stop thinking|switch off|talk about|breathe|focus|concentrate|sleep|stop crying"
        r"|keep going)|\s*[.!,]|\s*$)",
        r"\bin a (?:bad|dark|low|terrible|awful|horrible|right) (?:way|place|state)\b"
        r"|\bin a (?:bit of a |real )?state\b|\bthe last thing i needed\b",
        r"\bi (?:think i )?need (?:to talk to someone|to speak to someone|some support|support"
        r"|help)(?=\s*[.!,]|\s*$| with (?:this|how i)| about (?:this|it|how|my|what))",
        r"\bsigned off (?:sick|with stress|work|with anxiety|with depression)\b"
        r"|\boff sick with (?:stress|anxiety|depression)\b",
        r"\b(?:stressed|stress) (?:out )?(?:that |so )?i cannot\b",
        r"\btipped me over\b|\bpushed me over the edge\b",
        r"\b(?:too much|a lot|so much|too hard|the last straw|more than i can (?:take|handle"
        r"|cope with)) (?:\w+ ){0,2}?on top of (?:everything|all (?:of )?(?:this|that|the rest)"
        r"|what is going on|things at home|my own stuff)(?= else\s*(?:[.!,]|$)|\s*(?:[.!,]|$)"
        r"| (?:else )?(?:right now|at the moment|at home|going on|for me|in my life|lately))",
        r"\b(?:pull|pulling|get|getting|put|putting|piece|piecing) myself (?:back )?together\b"
        r"|\b(?:trying to|try to|struggling to|cannot|can not|barely|just about|only just)"
        r" (?:hold|keep|holding|keeping) (?:it|myself|things|everything) (?:all )?together\b",
        r"\b(?:wearing|wears|wore|worn|grinding|grinds|ground|getting|gets|got|dragging|drags"
        r"|dragged) me (?:right )?down\b(?! (?:to|there|here|the)\b)"
        r"|\bi (?:am|feel) (?:\w+ ){0,2}?(?:worn down|worn out|ground down|worn thin"
        r"|running on fumes)\b",
        r"\bi (?:have )?had (?:a|such a) (?:\w+ )?(?:hard|tough|rough|awful|horrible|difficult"
        r"|terrible|bad|heavy) (?:week|day|time|month|year|few weeks|few days|few months|months"
        r"|couple of weeks|couple of months|weeks|term|year at work)\b",
        r"\b(?:it|this|that|everything|work) (?:has been|is|was) (?:\w+ )?(?:a lot|too much"
        r"|so much|a struggle|really heavy|heavy going)(?=\s*[.!,]|\s*$| for me| to (?:take"
        r"|process|deal with)| honestly| lately| recently)",
    ),
    _family(
        "distress_guilt",
        r"\bblam\w* myself\b|\b(?:my|all my) fault\b|\bi (?:\w+ )?(?:feel|felt) (?:\w+ ){0,2}?"
        r"(?:guilty|responsible|ashamed)\b|\bguilt\b",
        r"\b(?:wonder|wondering|worry|worried|think|thinking|question\w*) (?:if|whether|that) i"
        r" (?:missed|could have|should have|failed|did enough|did the right|got it wrong"
        r"|let (?:\w+ )?down)",
        r"\bi (?:feel like i am |think i am |am |keep )?(?:failing|letting (?:\w+ ){0,3}?down)\b",
        r"\bi am (?:\w+ )?(?:scared|terrified|afraid|worried|frightened|anxious) (?:that )?i"
        r" (?:will|might|could|am going to|have) (?:\w+ )?(?:miss|get (?:it|something|things) wrong"
        r"|make a mistake|fail|mess)",
        r"\bi should have (?:done more|seen it|known|stopped it|saved)",
        r"\bi (?:feel like i |feel i |think i |know i )?(?:failed|let down) (?:a|the|that|this"
        r"|those|my|him|her|them)\b",
        r"\b(?:cannot|can not) forgive myself\b",
    ),
    _family(
        "distress_sleep",
        r"\b(?:cannot|can not|could not|have not been able to|not able to|struggling to"
        r"|unable to) (?:\w+ )?sleep\w*",
        r"\b(?:not|barely|hardly) (?:been )?sleep(?:ing)?\b|\bsleepless\b|\b(?:lying|lie|lay"
        r"|laying) awake\b"
        r"|\bawake at night\b|\binsomnia\b",
        r"(?:\bi (?:have |had )?|^(?:honestly |still |just )?(?:have |had )?)(?:not|never|barely"
        r"|hardly) (?:really |properly )?(?:slept|been sleeping)(?: (?:properly|right)\b"
        r"|\b[^.!?]{0,30}?\bsince\b)",
    ),
    _family(
        "distress_memories",
        r"\bbr(?:ought|ing|ings|inging) (?:back|up) (?:\w+ )?(?:memories|my own|things|stuff"
        r"|a lot|feelings|my childhood|what happened)",
        r"\bbrought (?:it )?(?:all )?back\b",
        r"\b(?:stirr\w*|stirs|stir|dredg\w*|churn\w*) (?:\w+ )?up (?:\w+ )?(?:memories|feelings"
        r"|emotions"
        r"|stuff|things|a lot|the past)\b|\bpainful memor\w*",
        r"\bmy own (?:experience|childhood|trauma|history|abuse|past|story|family)\b",
        r"\bhappened to me\b|\b(?:when|as) i was (?:a child|little|a kid|young)\b",
        r"\b(?:reminds|reminded) me of (?:my own|my childhood|what happened to me|my dad|my mum"
        r"|my (?:step ?)?(?:father|mother))\b",
        r"\b(?:all|it all|everything|memories|it|stuff|things) (?:has |have )?(?:come|came"
        r"|comes|coming|flood\w*) (?:\w+ )?back\b|\bflooding back\b"
        r"|\bbrought (?:it |this |that |everything |a lot )?(?:all )?(?:up|back up) (?:again|for"
        r" me)\b|\b(?:very|really|quite|so|a bit|too) personal\b",
        r"\b(?:opened|opening|opens|open|ripped|ripping|torn|tore|tearing|brought|bringing"
        r"|raked|raking|dragged|dragging|stirred|stirring) (?:it|this|that|everything|things"
        r"|stuff|all of it|a lot|old wounds|the wound|wounds)(?: all)?(?: right)? (?:back (?:up"
        r"|open)|(?:up|open) (?:again|all over again|for me))\b|\b(?:reopen\w*|re open\w*)"
        r" (?:\w+ )?(?:old )?(?:wounds?|it all|everything|the grief)\b|\bopened (?:up )?old"
        r" wounds\b",
        r"\btoo (?:close|near) to home\b|\b(?:very|really|a bit|quite|so|rather|bit) (?:close"
        r"|near) to home\b|\bclose to home for me\b",
    ),
    _family(
        # Short messages that ask for a pause: "I need a minute", "can't do this today",
        # "too much". Whole-message only, so "I need a minute to find the link" is not distress.
        "distress_needs_a_pause",
        r"^"
        + _PAUSE_OPENER
        + _PAUSE_PHRASE
        # up to three of them: "done. can't face any more of this"
        + r"(?:[,.!?;]{1,3} "
        + _PAUSE_OPENER
        + _PAUSE_PHRASE
        + r"){0,2}"
        + r"(?:[,.;]? (?:this|it|that) (?:is|was|has been|feels) (?:\w+ ){0,2}?(?:heavy|hard"
        r"|a lot|too much|grim|rough|tough|awful|brutal|raw))?"
        r"(?:[,.]? (?:sorry|please|thanks|ok)){0,3}\s*[.!?]*$",
        r"\b(?:knocked|knock|knocks) me (?:for six|sideways|back)\b|\bfloored me\b"
        r"|\b(?:shook|shaken) me up\b|\bwinded me\b",
        r"\bhad to (?:stop|put (?:it|my \w+|the \w+) down|close (?:it|the \w+|my \w+)|walk away"
        r"|step out|leave the room|go (?:and|for) (?:sit|a walk|cry)|take a (?:minute|moment"
        r"|break)|go and sit|sit (?:in|down))\b",
        r"\bnot in a (?:good|great|fit|right|great) (?:place|headspace|head space|state|way)\b"
        r"|\b(?:better|right|good) (?:headspace|head space|frame of mind)\b",
        r"\b(?:cannot|can not) concentrate\b|\b(?:keep|kept|keeps) seeing (?:the|his|her|their"
        r"|it|that|them)\b",
    ),
    _family(
        # A case that stays with the practitioner: "still think about him every day", "haven't
        # been right since", "never got over it".
        "distress_lasting",
        r"\bi (?:have not|never|had not) (?:really |quite |been )?(?:been|felt) (?:the same"
        r"|right|myself|ok|okay)\b|\bnot (?:been|felt) (?:the same|right|myself) since\b"
        r"|\bnever (?:really |quite )?(?:got|gotten|been able to get) over\b",
        r"\bstill (?:think|thinking|dream|dreaming|have nightmares|picture|see) (?:about |of )?"
        r"(?:it|him|her|them|that (?:baby|child|boy|girl|family|case|day))\b",
        r"\bstill (?:think|thinking|dream|dreaming) about (?:\w+ ){0,3}?(?:every|each) (?:single )?"
        r"(?:day|night)\b|\bstill (?:feel|felt|get) (?:\w+ )?(?:awful|terrible|sick|guilty"
        r"|responsible|dreadful|bad|horrible|upset|emotional|tearful)\b",
        r"\b(?:every|each) (?:single )?(?:day|night)\b[^.!?]{0,40}?\b(?:think|thinking|see|seeing"
        r"|dream)\b[^.!?]{0,20}?\b(?:him|her|them|it|that)\b",
    ),
    _family(
        "distress_own_past",
        _OWN_PAST.pattern.pattern,
        # The briefing mirrors the practitioner's own past: "that was my mum", "that was me as a
        # kid", "my dad was like the man in the review", "that girl could have been me". Kept
        # out of _OWN_PAST, which also downgrades a child concern: these say nothing of when.
        r"^(?:(?:honestly|god|wow|oh|yeah|and)[,.]? ){0,2}(?:that|this|it) (?:was|is|could have"
        r" been|sounds like) (?:literally |exactly |basically |just )?(?:me|us|my (?:mum|mother"
        r"|dad|father|step dad|step mum|childhood|family|house|home|life|upbringing|brother"
        r"|sister|nan))(?: (?:growing up|as a (?:kid|child|teenager)|when i was \w+|word for word"
        r"|to a t|exactly|all over|too))?(?=\s*(?:[.!,;-]|$))",
        r"\bmy (?:own )?(?:dad|mum|father|mother|step dad|step mum|step father|step mother"
        r"|brother|uncle|grandad|nan|parents|mum boyfriend|mum partner) (?:was|were|is|sounds)"
        r" (?:\w+ )?(?:like|the same as|another) (?:adult [a-z]|child [a-z]|the (?:dad|mum"
        r"|father|mother|man|step dad|partner|boyfriend|adult|parents?) in (?:this|the)"
        r" (?:review|briefing|case|report)|him|her|that)\b",
        r"\b(?:child [a-z]|that (?:child|little girl|little boy|girl|boy|kid|baby)) (?:could|might"
        r"|would) (?:easily )?(?:have been|be) me\b|\bi was (?:that|child [a-z])"
        r" (?:little |young )?(?:child|girl|boy|kid|teenager)?(?=\s*(?:[.!,;-]|$| once| myself"
        r"| too| growing up))",
    ),
    _family(
        # A case of the practitioner's own: "too close to one I had", "I lost a child on my
        # caseload", "I was the HV for a family where the baby died", "I worked with that
        # family, I can't do this", and a death they have never talked about.
        "distress_own_case",
        r"\btoo (?:close|near|similar|like|alike)(?: to)? (?:a|one|the|that) (?:\w+ ){0,2}?"
        r"(?:cases?|famil(?:y|ies)|child|kid|baby|boy|girl|one)(?: of (?:mine|ours)| (?:that )?"
        r"(?:i|we) (?:\w+ )?(?:had|have|worked|was|dealt|held|managed|lost|knew|supported))\b"
        r"|\btoo (?:close|near|similar|like|alike)(?: to)? (?:one|some) of (?:mine|ours"
        r"|my (?:own )?(?:cases|families))\b",
        r"\b(?:i|we|our team|my team)(?: \w+){0,2}? (?:lost (?:a|one|two|three|another|the)"
        r" (?:little |young )?(?:child|baby|boy|girl|young person|kid|teenager|toddler|infant)s?"
        r" (?:\w+ )?(?:on|from|in) (?:my|our) (?:caseload|case load|patch|books|list|school"
        r"|class|team)|had (?:a|one|two|three|another) (?:little |young )?(?:child|baby|boy|girl"
        r"|young person|kid|teenager|toddler|infant)s? (?:die|died|pass away|passed away"
        r"|killed))\b",
        r"\bi was (?:the|their|her|his|a|an) (?:\w+ ){0,2}?(?:hv|health visitor|social worker|sw"
        r"|school nurse|nurse|midwife|gp|teacher|dsl|key ?worker|case ?worker|lead professional"
        r"|family support worker|worker|practitioner|senco|officer) (?:for|to|on|with) (?:a|the"
        r"|that|this) (?:\w+ ){0,2}?(?:family|child|baby|boy|girl|young person|case|kid|toddler"
        r"|teenager|mum)\b[^.!?]{0,40}?\b(?:died|was killed|passed away|death)\b",
        r"\bi (?:\w+ )?(?:worked with|knew|know|supported|visited|worked on) (?:that|this|the same)"
        r" (?:family|child|baby|boy|girl|mum|case)\b(?=.{0,80}?\b(?:i (?:cannot|can not)|too much"
        r"|too hard|upset\w*|struggl\w*|stop|pause|break|cry|crying|a lot|heavy|close to home"
        r"|sick)\b)",
        r"\b(?:died|death|lost|killed|passed away|inquest)\b[^.!?]{0,80}?\b(?:still |never |not"
        r" |have not |have never |had not |never really )(?:\w+ )?(?:talked|spoken|told|opened up"
        r"|said anything)(?: to)? (?:anyone|anybody|someone|a soul|no one|my manager|my supervisor"
        r"|my team)\b"
        r"|\bkept (?:it|this|that|everything) (?:all )?to myself\b"
        r"|\bbottl\w* (?:it|this|that|things|everything|it all) up\b",
    ),
    _family(
        # What it does to the body and to the work: "stomach in knots", "brain fog, emotionally
        # done", "I dread opening my emails", "used to love this job", "carry every family home".
        "distress_body_and_work",
        r"(?:^|[.!?,;:] |\bi (?:\w+ ){0,3}?)(?:(?:just|so|honestly|feeling|feel|totally"
        r"|completely|am|and|but|have|got|constant|permanent)\s){0,3}(?:emotionally (?:done"
        r"|drained|exhausted|spent|wrecked|empty|numb|fried|shattered|battered|gone|on empty)"
        r"|brain fog\w*|nothing left(?: to give)?(?=\s*(?:[.!,]|$| in (?:me|the tank)))"
        r"|running on fumes)\b",
        r"\bmy (?:\w+ )?(?:stomach|tummy|gut) (?:\w+ ){0,3}?(?:knots|churning|somersaults"
        r"|turning)\b|\bstomach in knots\b|\bknots? in my (?:stomach|tummy|gut)\b",
        r"\bmy (?:chest|heart|stomach) (?:\w+ )?(?:goes|gets|went|tightens|tighten|pounds"
        r"|pounding|races|racing|sinks|sank|drops|dropped|lurches|flips|clenches)(?: tight\w*)?"
        r"\b[^.!?]{0,40}?\b(?:every time|whenever|when (?:i|my|the|an?))\b",
        r"\bi (?:\w+ )?(?:dread|am dreading|dreading) (?:opening|checking|reading|looking at"
        r"|logging (?:on|in)|switching on|turning on|answering|picking up|my (?:emails|inbox"
        r"|phone)|emails|the phone|sundays|sunday nights|the mornings|every (?:morning|day"
        r"|email|call))",
        r"\b(?:i )?used to love (?:this|my|the) (?:job|work|role|career)\b"
        r"|\bfallen out of love with (?:this|my|the) (?:job|work|role)\b",
        r"\b(?:carry|carrying|carried|take|taking|took|bring|bringing) (?:every|each|all) (?:of )?"
        r"(?:my |the |these |those )?(?:family|families|child|children|case|cases|kid|kids) home"
        r"\b|\b(?:carry|carrying|carried|take|taking|took) (?:them|these cases|my cases|the"
        r" cases|my families|the families|everything|it all|all of it) home with me\b",
    ),
    _family(
        "distress_body_and_blame",
        # A very short message made only of tiredness / struggling words: "tired. so tired."
        r"^(?=[^\n]{0,60}$)(?=[^\n]{0,60}?\b(?:tired|exhausted|knackered|drained|shattered|struggling"
        r"|wrecked|not coping)\b)(?:(?:just|so|really|very|honestly|ngl|tbh|totally|feeling|i am"
        r"|not|tired|exhausted|knackered|drained|shattered|struggling|wrecked|coping)[.,!]*\s*){1,8}$",
        # The body reacting: hands shaking, heart racing, chest tight, stomach churning.
        r"\bmy (?:hands?|legs?|voice) (?:are |is |was |were |keep |started )?(?:still )?"
        r"(?:shaking|trembling)\b",
        r"(?:^|\bmy )(?:heart|chest|stomach) (?:is |was |went |feels? )?(?:so |really )?(?:racing"
        r"|pounding|tight|churning|thumping|in knots)\b",
        r"(?:^|\bi )(?:just |honestly |really )?(?:can|could) (?:barely|hardly|not) (?:get|drag"
        r" myself) (?:up|out of bed)\b",
        r"(?:^|\bi (?:\w+ ){0,3}?|[,.;] )(?:just |totally |completely )?(?:felt|feel|feeling)"
        r" (?:nothing|numb)\b|^numb\b|\b(?:totally|completely) numb\b",
        r"\b(?:everyone|everybody|all my colleagues|all my team|the rest of (?:the team|them|my"
        r" team)|others) (?:else )?(?:\w+ ){0,2}?(?:copes?|manages?|handles? it|gets? on with it)"
        r"\b[^.!?]{0,30}?\bi (?:just )?(?:cannot|can not|am not|do not)\b",
        r"\bi am (?:so |completely |totally )?(?:done in|burnt out|burned out|at breaking point"
        r"|at the end of my tether|on my knees)\b",
        r"\b(?:feel|feeling|felt) (?:so |really )?guilty (?:going|leaving|switching off|logging"
        r" off|taking (?:a )?(?:break|leave|holiday))\b",
        # Blame and the practitioner's own past.
        r"\bi (?:\w+ ){0,4}?know (?:it was|it is) (?:me|my fault)\b|\b(?:it was|it is) (?:all )?"
        r"my fault\b",
        r"\b(?:me|i am|i was)\b[^.!?]{0,30}?\b(?:in|into) the (?:chronology|review|report)\b"
        r"[^.!?]{0,40}?\blike i\b|\b(?:i am|i was) (?:named|mentioned|criticised|blamed)\b"
        r"[^.!?]{0,40}?\b(?:chronology|review|report)\b",
        r"\bi (?:still )?(?:cannot|can not|avoid) (?:\w+ )?(?:drive|walk|go|look|travel) (?:down"
        r"|past|near|along|by|through)\b[^.!?]{0,20}?\b(?:that|the|their) (?:street|road|house"
        r"|estate|school|flat|address)\b",
        r"\bwhich (?:one )?of (?:mine|my (?:families|cases|kids|children|caseload)) (?:will be|is"
        r"|could be) next\b",
    ),
)

_OWN_CASE = next(f for f in _DISTRESS_FAMILIES if f.name == "distress_own_case")
# Another child in the family who may still be at risk keeps a loss a case to check.
_SIBLING = _Gated.of(
    r"\b(?:siblings?|brothers?|sisters?|twins?|other (?:children|kids|child)|new baby|unborn"
    r"|pregnant|expecting)\b"
)

# "..., but the learning is clear": the upset is about the material, not a person struggling.
_MITIGATED = _Gated.of(
    r"\bbut (?:\w+ ){0,4}?(?:important|worth|useful|necessary|helpful|valuable|essential|needed"
    r"|clear|glad|good|fair|interesting|learning|well written|balanced|love|enjoy|rewarding)\b"
)
# Says outright that it is not distress, or not about a particular child: "not upset, just
# frustrated", "I'm not worried about any one family", "a bit nervous, but that's healthy".
_REASSURED = _Gated.of(
    r"\bnot (?:\w+ ){0,2}?(?:worried|upset|distressed|anxious|bothered|sad|concerned|scared"
    r"|affected|triggered)(?: (?:about|by) (?:a|any|one|the|a particular|a specific|any particular"
    r"|any one|anyone|anything)\b|,| just\b| more\b| but\b| at all\b| really\b|\.|$)"
    r"|\bnot about (?:a|any|one) (?:particular|specific|real|actual|single)\b"
    r"|\b(?:good|great|clear|useful|helpful|excellent|well written|worthwhile) (?:summary|briefing"
    r"|read|resource|session|overview|reminder)\b"
    r"|\b(?:worried|concerned|anxious|nervous) (?:that |about )?(?:our|the) (?:budget|system"
    r"|training|process|procedure|capacity|resources|funding|policy|new procedure|service"
    r"|workload|caseloads|waiting lists?|presentation|meeting)\b"
    r"|\b(?:anxious|nervous|worried) about (?:presenting|speaking|talking|doing|running|leading"
    r"|chairing|delivering|writing|giving|taking|sharing) (?:this|it|the|a|my|our|at)\b"
    r"|\b(?:that is|it is|which is|thats|its) (?:probably |actually |quite )?(?:healthy|normal"
    r"|a good thing|how it should be|no bad thing)\b"
)
# A practitioner who wants to stop, combined with a sign of what it has cost them, is
# distressed; either alone is not ("I'll come back to this later, got a meeting").
_WANTS_TO_STOP = _Gated.of(
    r"\b(?:do not|would rather not|rather not|cannot|can not|not) (?:want to |face |bear to "
    r"|be able to |feel able to |able to |feel up to )?(?:do|answer|go through|carry on with"
    r"|continue with|look at|finish|think about|talk about|discuss|do any more of) (?:the "
    r"|these |this |any |any more |more )?(?:questions|discussion|points|rest|reflection"
    r"|reflections|briefing|it|this|one)\b"
    r"|\b(?:stop|leave it|pause|finish) (?:here|there|now|for now|for today|for a bit)\b"
    r"|\bleave (?:the |these )?(?:questions|discussion|rest|points)\b"
    r"|\bcome back (?:to (?:it|this) )?(?:later|another (?:day|time)|when|tomorrow)\b"
    r"|\b(?:can we|could we|i would like to|i want to|i need to|i will|i am going to)"
    r" (?:stop|pause|leave it|leave this|come back|take a break)\b"
)
_COST = _Gated.of(
    r"\b(?:still|every day|since the|personal|close to home|brought (?:it )?(?:all )?(?:up|back)"
    r"|back to me|a lot|hard|upset\w*|difficult|sad|heavy|raw|emotional|affected|lost (?:a|him"
    r"|her)|died|death|inquest|not the same|awful|terrible|struggl\w*|headspace|head space"
    r"|better place|overwhelm\w*|too much|painful|cry|crying|tears)\b"
)

# --------------------------------------------------------------------------------------------
# Round 5: a broad safety valve for live-looking reports
# --------------------------------------------------------------------------------------------
# A child or family member ("yr 8", "3 year old", "the baby", "one of our families"), a recent
# or present time or place ("this am", "just disclosed", "still there", "in the medical room")
# and any harm or risk word, with no past anchor or general frame: at least CHECK.
_LIVE_PERSON = _Gated.of(
    r"\b(?:" + _CHILD + r"|(?:year|yr) \d{1,2}s?|mum|mom|mother|dad|father|step ?(?:dad|mum)"
    r"|(?:one|some) of (?:our|my) (?:families|kids|children|pupils|students|young people)"
    r"|(?:our|my|a|this|the) family|looked after)\b"
)
_LIVE_RECENT = _Gated.of(
    r"\b(?:tonight|this (?:am|morning|afternoon|evening|lunch ?time|break ?time|week)|today"
    r"|last night|yesterday|just (?:now|disclosed|told|said|found|arrived|come in|turned up|seen)"
    r"|(?:has|have) (?:just )?disclosed|right now|at the moment|still (?:there|here|with me"
    r"|in the (?:house|home|flat)|at (?:home|the house))|i have (?:just )?left|found wandering"
    r"|with me (?:now|at the moment)|in the (?:medical room|office|toilets|playground)"
    r"|has not (?:come back|been (?:back|home)|returned)|not (?:been )?(?:back|home) for"
    r"|missing (?:for|since)|on the visit|at the visit|this visit)\b"
)
_LIVE_HARM = _Gated.of(
    r"\b(?:bruis\w*|marks?|bite|bites|bitten|bandag\w*|a&e|a and e|hospital|disclos\w*"
    r"|made (?:her|him|them|me) do|film\w*|drugs?|cash|phones|missing|wandering|da|domestic"
    r"|call ?out|police|sobbing|crying|flinch\w*|chok\w*|burns?|burnt|injur\w*|cuts?|hit|hits"
    r"|strangl\w*|scared|frightened|self harm\w*|nudes?|naked|images?|pictures|photos|exploit\w*"
    r"|cse|cce|hurt|sore|limp\w*|handprint|fracture\w*|bleed\w*|blood|alone|on (?:his|her) own"
    r"|abus\w*|assault\w*|touch\w*|grab\w*|slapp?\w*|punch\w*|kick\w*|smacked)\b"
)
# A settled outcome or a reflection frame keeps a past case a past case.
_LIVE_SETTLED = _Gated.of(
    r"\b(?:thriving|doing (?:really |so |very )?(?:well|great|fine|ok|okay) now|settled now"
    r"|(?:years|months|weeks) ago|last (?:year|month|term)|back (?:in|when)|used to|when i was"
    r"|in a previous|in my (?:last|old|first|previous)|we worked with (?:her|him|them) for"
    r"|case (?:was )?closed|what (?:is|does|would)|how (?:do|would|should) (?:you|we|i)"
    r"|(?:is|are) (?:now )?safe now|now safe|rehoused|we (?:never|always|often|should|rarely)"
    r"|i (?:realised|realized|learned|learnt))\b"
)
# The clearest combinations: URGENT.
_LIVE_URGENT: tuple[tuple[str, _Gated], ...] = (
    (
        "child_disclosure_just_made",
        _Gated.of(
            r"\b(?:has |have )?just (?:disclosed|told (?:me|us|her|him|a teacher|staff))\b"
            r"[^.!?]{0,80}?\b(?:makes?|made|touch\w*|hit\w*|hurt\w*|abus\w*|rap\w*|sex\w*|room"
            r"|bed|private|hits|beat\w*|kick\w*|punch\w*|burn\w*|strangl\w*|scared|does things"
            r"|did things)\b|\b(?:disclosed|has disclosed) (?:\w+ ){0,4}?(?:today|this (?:morning"
            r"|afternoon)|just now|a few minutes ago|earlier)\b"
        ),
    ),
    (
        "young_child_found_alone",
        _Gated.of(
            r"\bfound (?:\w+ ){0,6}?(?:wandering|alone|on (?:his|her|their) own|by (?:him|her)self"
            r"|unattended)\b|\b(?:wandering|alone|on (?:his|her) own|unattended) (?:\w+ ){0,8}?"
            r"(?:no adult|no one (?:with|around|about)|nobody (?:with|around|about)|no parent)\b"
        ),
    ),
    (
        "child_criminal_exploitation",
        _Gated.of(
            r"\b(?:carry\w*|deliver\w*|running|run|runs|sell\w*|hold\w*|moving|dealing|drop\w*)"
            r" (?:\w+ ){0,3}?drugs\b|\bcounty lines\b|\bcash and (?:\w+ ){0,2}?phones\b"
            r"[^.!?]{0,60}?\b(?:deliver\w*|drugs|running|older (?:boys|lads|men))\b"
        ),
    ),
    (
        "injured_child_with_practitioner",
        _Gated.of(
            r"\b(?:with me|in the medical room|in (?:front of|my office)|here with me|sat with me"
            r"|sitting with me|in my car)\b[^.!?]{0,60}?\b(?:bruis\w*|burn\w*|marks?|cuts?"
            r"|bite|bitten|injur\w*|handprint|bleed\w*|fracture\w*|swollen|swelling)\b"
        ),
    ),
    (
        "domestic_abuse_call_out_now",
        _Gated.of(
            r"\b(?:da|domestic|call ?out|police (?:were |got )?called)\b[^.!?]{0,80}?"
            r"\b(?:tonight|this evening|right now|just now|last night)\b[^.!?]{0,80}?\b(?:still"
            r" (?:there|in the (?:house|home|flat)|at (?:home|the house))|has not left|not left"
            r"|has not gone|not gone)\b"
            r"|\b(?:tonight|this evening|right now|just now)\b[^.!?]{0,40}?\b(?:da|domestic"
            r"|call ?out)\b[^.!?]{0,80}?\b(?:still (?:there|in the (?:house|home|flat)|at"
            r" (?:home|the house))|has not left|not left|has not gone|not gone)\b"
        ),
    ),
    (
        "looked_after_child_missing_cse",
        _Gated.of(
            r"\b(?:looked after|in (?:our |local authority )?care|lac|cla|foster\w*|childrens home"
            r"|children home|residential|placement)\b[^.!?]{0,100}?\b(?:cse|exploit\w*|groom\w*"
            r"|older (?:men|males|boys))\b"
        ),
    ),
    (
        "sexual_images_of_child_circulating",
        _Gated.of(
            r"\b(?:nudes?|naked|sexual|explicit|indecent|intimate|images?|pictures?|photos?"
            r"|videos?)\b[^.!?]{0,60}?\b(?:being (?:shared|sent|passed|posted)|going (?:round"
            r"|around)|circulat\w*|sent round|spread\w*|all over)\b"
        ),
    ),
)
_LIVE_MISSING = _Gated.of(
    r"\b(?:missing|has not (?:come back|been (?:back|home)|returned)|not (?:been )?(?:back|home)"
    r" for)\b"
)
_LIVE_SEXUAL = _Gated.of(r"\b(?:nudes?|naked|sexual|explicit|indecent|intimate)\b")


def _live_report(t: str) -> str:
    """A rule name when ``t`` looks like a live report; "" otherwise (the caller checks frames)."""
    if len(t) > 1500 or _LIVE_SETTLED.search(t) is not None:
        return ""
    if _LIVE_PERSON.search(t) is None or _LIVE_HARM.search(t) is None:
        return ""
    recent = _LIVE_RECENT.search(t) is not None
    for name, pattern in _LIVE_URGENT:
        if pattern.search(t) is None:
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


URGENT_RULES: frozenset[str] = frozenset(
    [f.name for f in _URGENT_FAMILIES]
    + ["current_case_at_risk", "risky_adult_with_child", "domestic_abuse_in_household"]
    + [name for name, _ in _LIVE_URGENT]
)
"""Every ``rule`` name an URGENT assessment can carry."""

DISTRESS_RULES: frozenset[str] = frozenset(
    [f.name for f in _DISTRESS_FAMILIES] + ["practitioner_crisis", "distress_wants_to_stop"]
)
"""Every ``rule`` name a DISTRESS assessment can carry."""

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
    ]
)
"""Every ``rule`` name a CHECK assessment can carry."""


def _first_match(
    families: tuple[_Family, ...], text: str, allowed: Callable[[_Family], bool]
) -> str:
    for family in families:
        if not allowed(family):
            continue
        if len(text) > _GATE_FROM:
            # A long text: each pattern on its own, each skipped unless its literals are there.
            if any(p.search(text) for p in family.patterns):
                return family.name
        elif family.combined.search(text):
            return family.name
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

_SENTENCE_BREAK = re.compile(r"(?<=[.!?;])\s+|\s*\n\s*")
# "Now" framing specific enough to stand for a current case ("today" alone is not: "we had
# training today").
_NOW_SPECIFIC = _Gated.of(
    r"\b(?:right now|as we speak|at the moment|at present|currently|tonight|this morning"
    r"|this afternoon|this evening|earlier today|just now|in front of me|with me now"
    r"|at the house i am at|(?:an|one|two|a few|\d+) (?:hours?|hrs?|mins?|minutes?) ago"
    r"|at (?:my|the) (?:front )?door|about to|as i (?:type|write|speak)|just (?:left|been"
    r"|come (?:back )?from|got back from|back from|finished|seen|visited|had a call|rung|called)"
    r"|back from (?:a|the|my) (?:home )?visit)\b"
)
# A family seen recently ("a mum I saw at clinic earlier", "attended an address this morning").
_SEEN_RECENTLY = _Gated.of(
    r"\b(?:saw|seen|visited|met|examined|assessed|attended|went to|called to|been to|was at)\b"
    r"[^.!?]{0,60}?\b(?:today|this morning|this afternoon|this evening|earlier|yesterday"
    r"|last night|just now|an hour ago|on (?:monday|tuesday|wednesday|thursday|friday))\b"
    r"|\b(?:today|this morning|this afternoon|this evening|earlier today|yesterday|last night)"
    r"\b[^.!?]{0,40}?\b(?:i|we) (?:saw|visited|met|examined|assessed|was at|were at|went to)\b"
    r"|\b(?:a|an|the|this) (?:\w+ ){0,3}?" + _FAMILY_WORD + r" (?:i|we) (?:saw|visited|met"
    r"|examined|assessed)\b|\bon (?:a|my|the|this) (?:home |joint |routine |new birth )?visit\b"
    r"|\b(?:in|on) (?:special care|scbu|nicu|picu|the ward|the unit|a&e|the children ward)\b"
    r"|\b(?:a|the|this|one) (?:\w+ ){0,2}?" + _FAMILY_WORD + r" (?:\w+ ){0,2}?(?:on|in) (?:the"
    r"|our|my) (?:ward|unit|clinic|caseload|list|class|group|nursery|school)\b"
    r"|\b(?:reception|nursery|year \d{1,2}|yr \d{1,2}) (?:child|pupil|boy|girl|kid|lad|student"
    r"|\d{1,2}s)\b|\bone of my (?:year|yr) \d{1,2}s?\b|\bone of (?:mine|ours)\b"
    r"|\b(?:a|one|the) (?:parent|pupil|child|family|mum|dad|boy|girl|baby) (?:at|in|from)"
    r" (?:our|my) (?:school|nursery|practice|service|class|setting|ward|clinic|surgery)\b"
    r"|\b(?:i|we) (?:have not|have not yet|still have not) (?:told|reported|referred|rung"
    r"|called|spoken to|shared) (?:this|it|anyone|anybody|spoa|mash|my manager|my dsl"
    r"|the dsl)\b"
)
# The risky adult is near the child now, in the present or present perfect ("he's moved in").
_ACCESS_NOW = _Gated.of(
    r"\b(?:has|have) (?:just |now |already |recently )?(?:moved|moving) (?:back )?in\b"
    r"|\b(?:is|are) (?:now |still |currently |back )?(?:moving|living|staying|sleeping"
    r"|stopping) (?:back )?(?:in|with|over|at|there)\b|\b(?:lives|stays|sleeps) (?:with|there"
    r"|at|over)\b|\b(?:has|have) (?:just |now )?let (?:him|her|them) (?:back |move )?in\b"
    r"|\b(?:is|are) (?:now )?(?:back home|back in|looking after|babysitting|minding|caring"
    r" for)\b|\b(?:has|have|is|are|been) (?:\w+ ){0,2}?(?:unsupervised |overnight )?(?:contact"
    r"|access|overnights|handovers) (?:with|from|every|this|starting|on)\b|\bcontact (?:is "
    r"|has been )?(?:arranged|starting|starts|from|every|this)\b|\bmoving in\b"
    r"|\b(?:is|are) (?:going|due|set|planning) (?:back )?to (?:live|move|stay|be living"
    r"|be staying)\b|\bwill be (?:living|staying|moving)\b"
)
# Conditionals about nobody in particular: "when a violent man moves in", "if a child says".
# Present framing inside a sentence that also mentions the past ("dad broke mum's jaw last year
# and he has just got bail"): the past anchor does not make that sentence a reflection.
_PRESENT_CUE = _Gated.of(
    r"\b(?:(?:has|have|is|are) (?:just|now|recently|only just)|now|currently"
    r"|at the moment|this week|these days|again)\b"
)
_INDEFINITE_CONDITIONAL = _Gated.of(
    r"\b(?:if|when|whenever|once|where) (?:a|an|any|someone|somebody|anyone|there is a"
    r"|parents|children|kids|mums|dads|families|people|practitioners|professionals|you|we"
    r"|one)\b"
    r"|\b(?:a|any) (?:man|woman|parent|partner|dad|mum|father|mother|child|baby|perpetrator"
    r"|adult|person) (?:who|that)\b[^.!?]{0,40}?\b(?:can|could|may|might|should|tends? to"
    r"|is (?:likely|also|still) (?:to|a)|poses?)\b"
)
_RISKY_ACTOR = _Gated.of(
    r"\b(?:ex|partner|boyfriend|girlfriend|him|he|perpetrator|abuser|husband|dad|father"
    r"|step dad|uncle|man)\b"
)
_PERSON_RE = _Gated.of(r"\b" + _FAMILY_WORD + r"\b")
# "There's a baby with a bruise": a particular child, even when asked as a process question.
_EXISTENTIAL = _Gated.of(
    r"\bthere (?:is|are) (?:a|an|two|three|this) (?:\w+ ){0,2}?" + _CHILD + r"\b"
)
# A question about the process in general ("is there a procedure for sharing a partner's record
# with mum?"): "mum" here is any mum, not one the practitioner is worried about.
_PROCESS_QUESTION = _Gated.of(
    r"\bwho (?:decides|is responsible|makes the decision|should decide)\b"
    r"|\bis there (?:a|an|any) (?:procedure|process|policy|protocol|guidance|form|rule|law"
    r"|framework)\b|\bwhat (?:is|are) the (?:threshold|process|procedure|policy|guidance|rules"
    r"|law|protocol)\b|\bhow (?:does|do) (?:the )?(?:process|procedure|clare|law)\b"
)
_CONCERN_CUE = _Gated.of(
    r"\b(?:wonder\w*|worr\w*|concern\w*|uneasy|uncomfortable|gut feeling|not sure about"
    r"|bother\w*|nagging|niggl\w*|(?:feels?|feeling|seems?|is|something) (?:off|wrong|not right)"
    r"|not right (?:about|with)"
    r"|unsure about|makes me think (?:of|about)|reminds me of)\b"
)
# Domestic abuse in a household now, stated as a fact ("dad is violent towards mum", "there's
# domestic abuse in the home"). Present tense only, and not inside an "if"/"when" clause, which
# is about nobody in particular ("when dad is violent, the children are harmed too").
_NOT_IN_A_CLAUSE = r"(?<!\bif )(?<!\bwhen )(?<!\bwhenever )(?<!\bwhere )(?<!\bonce )(?<!\bwhether )"
_DOMESTIC_ABUSE_NOW = _Gated.of(
    _NOT_IN_A_CLAUSE + r"\b" + _ACTOR + r"\b(?: \w+){0,2}? (?:is|are|gets|get|can be"
    r"|keeps being|has been|have been) (?:\w+ ){0,2}?(?:violent|abusive|aggressive|controlling"
    r"|coercive|threatening)\b"
    r"|" + _NOT_IN_A_CLAUSE + r"\b(?:there is|there are|there has been|there have been|ongoing"
    r"|current|regular) (?:\w+ ){0,2}?(?:domestic abuse|domestic violence|da|dv|violence)\b"
    r"|\b(?:domestic abuse|domestic violence|da|dv) (?:is )?(?:happening|going on|ongoing"
    r"|in the (?:home|house|household|flat))\b"
)
# The adults and children share a home now ("they live together", "the kids live with him").
_CO_RESIDENT = _Gated.of(
    r"(?<!was )(?<!were )\b(?:live|lives|living|stay|stays|staying|sleeps|sleeping)"
    r" (?:\w+ ){0,2}?(?:together|with (?:him|her|them|mum|dad|the|his|their)|there|at home"
    r"|in the (?:house|home|flat))\b"
    r"|\b(?:share|sharing|shares) (?:a|the|their) (?:house|home|flat)\b|\bunder the same roof\b"
    r"|\bin the (?:home|house|household|flat)\b|\b(?:moved|moving) (?:back )?in\b"
    r"|\b(?:still|back) together\b"
)
# A child reported as fine, in the past tense ("mum said the baby was fine at the visit"): a
# quoted or observed reassurance, which the classifier may read as a concern because of its
# words. Only counts when nothing else in the text is a risk or a worry.
_ALL_CLEAR = _Gated.of(
    r"\b(?:was|were|seemed|looked|appeared) (?:(?!not\b|never\b|hardly\b|far\b|no\b)\w+ ){0,2}?"
    r"(?:fine|well|safe|happy|settled|thriving|unharmed|unhurt|ok|okay|alright|all right"
    r"|content|healthy|well cared for)\b"
    r"|\bno (?:concerns|worries|issues|marks|injuries|bruises) (?:were |was )?(?:noted|seen"
    r"|found|raised|observed|identified)\b|\bnothing of concern\b"
)


# A terse note of a risk, the way a careful practitioner jots a case down ("non-mobile baby,
# bruise to cheek, no explanation", "HV refused entry, baby not seen for weeks", "stepdad with a
# previous for ABH, mum expecting, no checks"): no tense, no past anchor, no modal or condition.
# It may be a case now, so the bot asks (CHECK), never answers it as a reflection.
_NOTE_SIGN = _Gated.of(
    r"\b(?:non mobile (?:baby|infant)|no (?:explanation|account)|unexplained"
    r"|not (?:been )?seen (?:for|since)|refused (?:entry|access)|not (?:allowed|let) in"
    r"|known to (?:the )?police|previous for|no referral|not referred"
    r"|keeps? (?:seeing|noticing|finding|spotting) (?:\w+ )?(?:marks|bruis\w*|injur\w*|burns"
    r"|cuts)|sleeps? (?:in (?:the|a|their|his|her) car|rough|on the (?:floor|street|streets))"
    r"|sleeping (?:in (?:the|a) car|rough))\b"
)
_NOTE_INJURY = _Gated.of(r"\b" + _INJURY + r"\b")
# A terse statement of one weaker sign about a particular household, with or without "what if"
# ("a new boyfriend nobody knows anything about", "mum says they've split but his car is
# outside", "what would you do if mum won't let you see the baby"): the bot asks (CHECK).
_TERSE_RISK = _Gated.of(
    r"\bnew (?:boyfriend|partner|man|girlfriend|bloke)\b[^.!?]{0,60}?\b(?:nobody|no one|noone"
    r"|we do not|we know nothing|do not) (?:\w+ ){0,2}?know"
    r"|\b(?:nobody|no one|noone) knows (?:anything|a thing|much|nothing) about (?:the new"
    r" \w+|mums? new \w+|dads? new \w+)\b"
    r"|\b(?:say|says|said|claims?|claimed|insists?|insisted) (?:that )?(?:they|she|he) (?:have"
    r"|has|had|are|is) (?:\w+ )?(?:split|separated|broken up|not together)\b[^.!?]{0,60}?\bbut\b"
    r"|\b(?:will not|would not|refus\w* to|does not|did not) (?:let|allow) (?:me|us|you|anyone"
    r"|the \w+(?: \w+)?) (?:to )?(?:see|near|in|into|speak to|talk to)\b[^.!?]{0,30}?\b(?:"
    + _CHILD
    + r"|bedroom|upstairs)\b"
    r"|\b(?:dad|partner|he|boyfriend|ex|step dad|stepdad)\b[^.!?]{0,20}?\b(?:is|might be|could be"
    r"|may be) (?:\w+ )?(?:dangerous|violent|a risk|abusive)\b[^.!?]{0,60}?\b(?:mum|she|mother)"
    r"\b[^.!?]{0,20}?\b(?:does not|will not|would not|refuses to|cannot|can not|did not)"
    r" (?:\w+ )?(?:believe|accept|see)\b"
    r"|\bpolice (?:\w+ ){0,2}?(?:will not|did not|would not|have not|refus\w* to|are not|not)"
    r" (?:\w+ )?(?:share|sharing|tell|told|disclose|give|given)\b[^.!?]{0,40}?\b(?:partner"
    r"|boyfriend|dad|him|ex|man|record|history|checks)\b"
    r"|\b(?:chatting|talking|speaking|messaging) (?:to|with) (?:someone|somebody|a man|an adult"
    r"|a stranger|men|strangers|an older \w+)\b[^.!?]{0,30}?\b(?:online|on (?:an? |the )?app"
    r"|never met)\b"
    r"|\b(?:mum|dad|mother|father|parents?|carers?|partner|step dad|nan|gran)\b[^.!?]{0,20}?"
    r"\b(?:smelt|smelled|smells|smelling|stank|stinks|reeked|reeks) of (?:alcohol|drink|booze"
    r"|cannabis|weed|drugs)\b"
    r"|\b(?:comes?|came|coming|arrives?|arrived|arriving|turns? up|turned up) (?:in |into "
    r"|to )?(?:school |nursery |class )?(?:\w+ )?(?:hungry|starving|unkempt|filthy)\b"
)
# Past tense, modals, conditions, generalisations: a sentence, not a note.
_NOT_A_NOTE = _Gated.of(
    r"\b(?:was|were|had|did|went|came|said|told|saw|knew|found|became|happened|used to|if|when"
    r"|whenever|unless|always|never|should|must|ought|would|could|might|any|all|most|many"
    r"|often|usually|generally|typically|tends?|thanks|thank you|learning|lesson|reflection"
    r"|review|briefing|training|course|session|notes? from|think about|takeaway|reading|useful"
    r"|interesting|great|clear|helpful|the (?:part|bit|section) (?:on|about))\b"
)
_PREGNANCY = _Gated.of(r"\b(?:pregnant|expecting|unborn|baby on the way|due date)\b")
_NOTE_QUESTION = _Gated.of(
    r"\?|^(?:how|who|what|when|where|why|which|should|shall|can|could|would|do|does|did|is|are"
    r"|am|will|may|must)\b"
)
_CHILD_SETTING = _Gated.of(r"\b(?:nursery|school|preschool|childminder|class|health visitor)\b")
_NOTE_MAX_WORDS = 25


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


def _sentence(text: str) -> _Sentence:
    specific = (
        _CURRENT_CASE.search(text) is not None
        or _SEEN_RECENTLY.search(text) is not None
        or (_NOW_SPECIFIC.search(text) is not None and _PERSON_RE.search(text) is not None)
    )
    if not specific:
        return _Sentence(False, False, False, False, False, False, False)
    return _Sentence(
        specific=True,
        past=(_PAST_ANCHOR.search(text) is not None or _OWN_PAST.search(text) is not None)
        and _NOW_SPECIFIC.search(text) is None
        and _PRESENT_CUE.search(text) is None,
        hypothetical=_HYPOTHETICAL.search(text) is not None,
        risk_now=_RISK_NOW.search(text) is not None,
        risky_adult=_RISKY_ADULT.search(text) is not None,
        access=_ACCESS.search(text) is not None,
        weak=any(
            p.search(text) is not None
            for p in (_ONGOING, _REQUEST, _ANALOGY, _REQUEST_ABOUT_THIS, _CONCERN_CUE)
        ),
    )


def _flags(text: str) -> _Sentence:
    """The risk markers of a sentence that is not itself about a current case."""
    return _Sentence(
        specific=False,
        past=_PAST_ANCHOR.search(text) is not None or _OWN_PAST.search(text) is not None,
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


# A question about support for staff ("what's the EAP number?", "can my team have a debrief?").
_SUPPORT_TOPIC = _Gated.of(
    r"\b(?:eap|employee assistance|counsell?ing|counsell?or|occupational health|debrief\w*"
    r"|well ?being|vicarious trauma|secondary trauma|compassion fatigue|peer support|staff support"
    r"|support (?:for|available (?:for|to)) (?:me|staff|us|practitioners|workers|my team|the team"
    r"|professionals|colleagues|social workers|teachers|nurses|officers)|support (?:is )?there for"
    r" (?:me|us|staff)|supports? the supporters|look after (?:myself|my team|my staff|staff"
    r"|the team|my colleagues)|support (?:\w+ ){0,4}?(?:when|if|after|before|for|with)"
    r" (?:\w+ ){0,2}?(?:giv\w+|gave) evidence|(?:giving|give) evidence (?:\w+ ){0,5}?support)\b"
)
_ASKING = _Gated.of(
    r"\?|^(?:\w+ ){0,3}?(?:how|who|what|where|when|which|is|are|can|could|do|does|any|should"
    r"|would|i need|i would like|we need|please)\b"
)


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

    timing = _Timing.of(t)
    retrospective = timing.retrospective
    someone_else_at_risk = _SOMEONE_ELSE_AT_RISK.search(t) is not None
    own = _SOMEONE_ELSE_AT_RISK.pattern.sub(" ", t) if someone_else_at_risk else t
    crisis = bool(_first_match((_CRISIS,), own, lambda f: True))

    has_child = _CHILD_RE.search(t) is not None or _CHILD_BY_AGE.search(t) is not None
    household = has_child or _HOUSEHOLD_RE.search(t) is not None
    family = _first_match(
        _URGENT_FAMILIES,
        t,
        lambda f: (
            (has_child or not f.needs_child)
            and (household or not f.needs_household)
            and (timing.now or not f.needs_strong_present)
        ),
    ) or ("child_suicidal_or_self_harming" if someone_else_at_risk else "")
    family_current = bool(family) and timing.concern_is_current(t)
    if family_current:
        return SafetyAssessment(
            Signal.URGENT, family, retrospective=False, crisis=crisis, particular=True
        )

    sentences = [s for s in _SENTENCE_BREAK.split(t) if s]
    shape, current_case = _current_case(sentences)
    if shape in URGENT_RULES:
        return SafetyAssessment(
            Signal.URGENT, shape, retrospective=False, crisis=crisis, particular=True
        )

    hypothetical = (
        _HYPOTHETICAL.search(t) is not None or _INDEFINITE_CONDITIONAL.search(t) is not None
    )
    generic = _GENERIC.search(t) is not None or _HABITUAL.search(t) is not None
    past = retrospective or timing.past_anchor or timing.own_past
    definite = not (hypothetical or generic or past) and (
        _EXISTENTIAL.search(t) is not None
        or (_PROCESS_QUESTION.search(t) is None and _DEFINITE.search(t) is not None)
    )
    particular = current_case or definite
    if (
        definite
        and has_child
        and not timing.review_reference
        and _RISKY_ADULT.search(t) is not None
        and _ACCESS_NOW.search(t) is not None
    ):
        return SafetyAssessment(
            Signal.URGENT,
            "risky_adult_with_child",
            retrospective=False,
            crisis=crisis,
            particular=True,
        )

    household_violence = (
        _DOMESTIC_ABUSE_NOW.search(t) is not None
        and not (hypothetical or generic or past)
        and (current_case or not timing.review_reference)
        and _CONDITIONAL.search(t) is None
    )
    if household_violence and has_child and _CO_RESIDENT.search(t) is not None:
        return SafetyAssessment(
            Signal.URGENT,
            "domestic_abuse_in_household",
            retrospective=False,
            crisis=crisis,
            particular=True,
        )

    framed = (
        hypothetical
        or generic
        or past
        or timing.review_reference
        or _CONDITIONAL.search(t) is not None
        or _PROCESS_QUESTION.search(t) is not None
    )
    live = "" if framed else _live_report(t)
    if live in URGENT_RULES:
        return SafetyAssessment(
            Signal.URGENT, live, retrospective=False, crisis=crisis, particular=True
        )

    if crisis:
        return SafetyAssessment(
            Signal.DISTRESS, "practitioner_crisis", retrospective=retrospective, crisis=True
        )

    check = shape
    if not check and definite:
        if family:
            check = "check_particular_child"
        elif _REQUEST.search(t) and (
            _RISKY_ADULT.search(t) or _RISK_NOW.search(t) or _ONGOING.search(t)
        ):
            check = "check_request_about_risk"
        elif _ONGOING.search(t) and (_RISKY_ADULT.search(t) or _RISKY_ACTOR.search(t)):
            check = "check_ongoing_risk"
        elif has_child and _RISKY_ADULT.search(t) and (_PRESENT_CUE.search(t) or _ACCESS.search(t)):
            check = "check_risky_adult"
    if not check and household_violence and household:
        # "mum's partner is violent, they live together": a household with a child in it.
        check = "check_household_violence"
    if not check and not (hypothetical or generic or past) and _REQUEST_ABOUT_THIS.search(t):
        check = "check_request_about_this"
    if (
        not check
        and not (hypothetical or generic or past or timing.review_reference)
        and _risk_note(sentences, household)
    ):
        check = "check_risk_note"
    if (
        not check
        and not (generic or past or timing.review_reference)
        and _PROCESS_QUESTION.search(t) is None
        and _TERSE_RISK.search(t) is not None
    ):
        check = "check_terse_risk"
    if (
        check == "check_current_case"
        and _OWN_CASE.combined.search(own) is not None
        and _SIBLING.search(t) is None
        and not any(p.search(t) is not None for p in (_RISK_NOW, _RISKY_ADULT, _ACCESS, _REQUEST))
    ):
        # "a child died on my patch and I still haven't talked to anyone about it": the child
        # is the practitioner's loss, not a live case; they need support, not a risk check.
        check = ""
    if (
        not check
        and live
        and not (live == "check_live_report" and _first_match(_DISTRESS_FAMILIES, own, bool))
    ):
        # A distressed practitioner's own tears today are not a live report about a child.
        check = live
    if check:
        return SafetyAssessment(Signal.CHECK, check, retrospective=retrospective, particular=True)

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
            Signal.DISTRESS, rule, retrospective=retrospective, particular=particular
        )
    reassured = _REASSURED.search(t) is not None or _MITIGATED.search(t) is not None
    general = not particular and (
        hypothetical
        or generic
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
        retrospective=retrospective,
        general=general,
        reassured=reassured,
        particular=particular,
        all_clear=all_clear,
    )
