"""The name rules: :data:`NAME_RULES`, an ordered tuple of small named rules, decides each word.

Whether one word is (part of) a name is decided by an ordered list of small named rules: the
first rule with a verdict wins. A verdict is a priority (the word is a name), NOT_A_NAME (it is
not, and no later rule is asked), or None (no opinion: the next rule is asked). Rules that
look at the same kind of word sit in a group whose test runs once ("a lower-case function
word", "an acronym"); a group that ends in a NOT_A_NAME rule decides every word it takes.
:data:`NAME_RULES` lists them all in order, and the evaluator reports which one fired. Each rule's
docstring's first line says what it catches, with an example (the tests check each one fires on
it); the passes that follow the rules live in ``names.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.anonymise.name_evidence import (
    _CAPS_PREFIXED,
    _FAMILY_WORDS,
    _NOT_FAMILY_NAME,
    _bare_possessive,
    _comma_first_name,
    _Ctx,
    _family_label,
    _kin_then_name,
    _negated_word,
    _opens_as_name,
    _surname_follows,
    _Word,
)
from bot.anonymise.name_words import (
    _AFTER_KIN_NAME,
    _COPULA,
    _DETERMINERS,
    _FORM_LABELS,
    _INITIALS_ROLE,
    _KIN,
    _MODAL_AFTER,
    _MONTH_CONTEXT_BEFORE,
    _MONTH_NAMES,
    _NAMING_WORDS,
    _NOT_INITIALS,
    _NOT_PERSON_AFTER,
    _PLURAL_ACRONYM,
    _ROLE_AFTER_TITLE,
    _SEASON_AFTER,
    _SEASON_NAMES,
    _SHORT_FOR,
    _SPEAKERS,
    _VERBLIKE,
    _WEAK_BEFORE,
    _WEAK_TITLES,
    CONTEXT_WORDS,
    NAME_THEN_MODAL,
    NAME_VERBS_AFTER,
    PERSON_DOING,
    STOPWORDS,
    TITLES,
    _compound_of_english,
    _edits1,
    _Tok,
    typo_of_english,
)

__all__ = [
    "NAME_RULES",
    "NOT_A_NAME",
    "P_NAME",
    "P_NAME_CONTEXT",
    "NameRule",
    "Verdict",
]

#: A name's priority (a tie in :func:`~bot.anonymise.spans.merge` goes to the higher): after a
#: cue ("mum X", "Dr X"), or found otherwise. The passes in ``names.py`` use them too.
P_NAME_CONTEXT = 60
P_NAME = 45

#: The verdict of a rule that says the word is not a name (no later rule is asked).
NOT_A_NAME = 0

_AFTER_KIN_NAME_NOT_MODAL = _AFTER_KIN_NAME - _MODAL_AFTER
_MONTH_FOLLOWER = re.compile(r"\s*(?:\d|')")


Verdict = int | None
"""A priority (a name), :data:`NOT_A_NAME`, or ``None`` (no opinion: ask the next rule)."""


@dataclass(frozen=True)
class NameRule:
    """One named rule of the name decision (see :data:`NAME_RULES`).

    Attributes:
        name: Short and stable; what the evaluator reports ("after_title").
        decide: The rule: a priority if the word is a name, ``NOT_A_NAME`` if it is not, or
            ``None`` to leave the word to the next rule. Its docstring's first line says what it
            catches, with an example.
    """

    name: str
    decide: Callable[[_Word], Verdict]

    @property
    def why(self) -> str:
        """The first line of the rule's docstring: what it catches, with one example."""
        return (self.decide.__doc__ or "").strip().splitlines()[0]


# Any word.


def _too_short(w: _Word) -> Verdict:
    """One letter alone is not a name: "I", "a" (initials are found by the passes later)."""
    return NOT_A_NAME if len(w.tok.text) < 2 else None


# Lower-case function words ("will", "may"): only ambiguous names, in name context.


def _is_lower_stopword(w: _Word) -> bool:
    return w.low in STOPWORDS and not w.tok.cap


def _stopword_after_person_verb(w: _Word) -> Verdict:
    """A word-name after a verb that takes a person: "spoke to will", "checked who may was"."""
    return P_NAME_CONTEXT if w.low in w.ctx.lex.ambiguous and w.person_verb else None


def _stopword_after_naming_word(w: _Word) -> Verdict:
    """A word-name after a naming word: "the referral named will as the carer"."""
    named = w.prev is not None and w.prev.lower in _NAMING_WORDS
    return P_NAME_CONTEXT if w.low in w.ctx.lex.ambiguous and named else None


def _stopword_before_verb(w: _Word) -> Verdict:
    """A word-name before a reporting verb: "may said she was frightened" (no modal there)."""
    said = w.nxt is not None and w.nxt.lower in NAME_VERBS_AFTER
    return P_NAME if w.low in w.ctx.lex.ambiguous and said else None


_NOT_BEFORE_WORD_NAME = _DETERMINERS | {"his", "her", "free", "own", "good", "ill"}


def _stopword_said_of_person(w: _Word) -> Verdict:
    """A word-name before a second modal or what is said of a person: "will would protect them"."""
    if w.low not in w.ctx.lex.ambiguous or (
        w.prev is not None and w.prev.lower in _NOT_BEFORE_WORD_NAME
    ):
        return None
    tok = w.tok
    if NAME_THEN_MODAL.match(w.ctx.text, tok.full_end) or w.evidence_strict:
        return P_NAME
    return None


def _stopword_coordinated(w: _Word) -> Verdict:
    """A word-name joined by "and" to a name: "spoke to grace and will after school"."""
    return P_NAME if w.low in w.ctx.lex.ambiguous and w.coordinated else None


def _stopword_after_kin_copula(w: _Word) -> Verdict:
    """A word-name after a kin word and "is"/"was": "nan is may", "her dad was will"."""
    copula = w.prev is not None and w.prev.lower in ("is", "was")
    return P_NAME_CONTEXT if w.low in w.ctx.lex.ambiguous and copula and w.context else None


def _stopword_after_kin(w: _Word) -> Verdict:
    """A word-name between a kin word and a preposition: "spoke to mum may about the plan"."""
    follows = w.nxt is not None and w.nxt.lower in _AFTER_KIN_NAME_NOT_MODAL
    return P_NAME_CONTEXT if w.low in w.ctx.lex.ambiguous and w.context and follows else None


def _stopword_after_kin_and_i(w: _Word) -> Verdict:
    """A word-name after a role word, then "and I": "my colleague may and I"."""
    nxt = w.nxt
    if w.low not in w.ctx.lex.ambiguous or not w.context or nxt is None:
        return None
    after = w.ctx.next(w.i + 1)
    and_i = nxt.lower in ("and", "&") and after is not None and after.lower in ("i", "me")
    return P_NAME_CONTEXT if and_i else None


def _stopword_after_kin_surname(w: _Word) -> Verdict:
    """A word-name after a kin word, then a surname: "visited mum will bates at home"."""
    if (
        w.low in w.ctx.lex.ambiguous
        and w.context
        and w.nxt is not None
        and _surname_follows(w.ctx, w.i)
    ):
        return P_NAME_CONTEXT
    return None


def _stopword(w: _Word) -> Verdict:
    """Otherwise a lower-case function word is the word: "I will", "we may"."""
    return NOT_A_NAME


# Cues next to any other word: a title, "known as", a naming word or a form label before it, a
# family word after it. (The group's test is only a quick check that one of these is there.)

_CUES_BEFORE = TITLES | _NAMING_WORDS | _FORM_LABELS | CONTEXT_WORDS | {"as", "by"}


def _has_cue_next_to(w: _Word) -> bool:
    i, nxt, toks = w.i, w.nxt, w.ctx.toks
    if i > 1 and toks[i - 1].lower == "o" and toks[i - 2].lower in _CUES_BEFORE:
        return True  # "mr o brien"
    return (i > 0 and toks[i - 1].lower in _CUES_BEFORE) or (
        nxt is not None and nxt.lower in _FAMILY_WORDS
    )


def _after_title(w: _Word) -> Verdict:
    """A word after a title: "Dr Okafor", "mrs patel", "DC Smith", "PC 4471 HUGHES"."""
    title = w.ctx.title_before(w.i)
    if title is None:
        return None
    tok, low = w.tok, w.low
    if low in STOPWORDS and not (tok.cap and w.known):  # "Mrs MAY"
        return None
    known = w.known or not w.english
    strong = title.lower not in _WEAK_TITLES or title.cap
    acronym = tok.upper and len(tok.text) <= 4 and not known
    role = low in _ROLE_AFTER_TITLE  # "Nurse Practitioner"
    name = (tok.cap and not acronym and not role and (strong or known)) or (not tok.cap and known)
    return P_NAME_CONTEXT if name else None


def _known_as(w: _Word) -> Verdict:
    """A capitalised word after "known as"/"goes by": "a man known as Stoney", "goes by Big"."""
    if w.ctx.known_as(w.i) and w.low not in STOPWORDS and w.tok.cap and not w.ctx.is_keep(w.low):
        return P_NAME_CONTEXT
    return None


def _after_naming_word(w: _Word) -> Verdict:
    """A listed or unknown word after a naming word: "the referral named green", "called Islam"."""
    low = w.low
    if (
        w.prev is not None
        and w.prev.lower in _NAMING_WORDS
        and low not in STOPWORDS
        and low not in TITLES
        and (w.known or not w.english)
    ):
        return P_NAME_CONTEXT
    return None


def _after_form_label(w: _Word) -> Verdict:
    """A listed or unknown word after a form label: "Mother: jack", "Father: HASSAN"."""
    if (
        w.ctx.label_before(w.i)
        and not w.ctx.is_keep(w.low)
        and w.low not in TITLES
        and (w.known or not w.english)
    ):
        return P_NAME_CONTEXT
    return None


def _family_label_rule(w: _Word) -> Verdict:
    """A surname labelling a family: "Re: OKAFOR family", "the MBEKI children"."""
    return P_NAME_CONTEXT if _family_label(w.ctx, w.i) else None


# Allow-listed words and titles.


def _is_kept(w: _Word) -> bool:
    return w.ctx.is_keep(w.low) or w.low in TITLES


def _kept_word_as_name(w: _Word) -> Verdict:
    """An allow-listed word that is also a name, used as one: "mum Jan", "dad Christian"."""
    lex = w.ctx.lex
    person = w.low in lex.first_names or w.low in lex.surnames
    if person and w.low not in CONTEXT_WORDS and (w.context or w.evidence_strict or w.person_verb):
        return P_NAME_CONTEXT
    return None


def _kept_word(w: _Word) -> Verdict:
    """Otherwise an allow-listed word or a title is not a name: "MASH", "Child", "Mrs"."""
    return NOT_A_NAME


# Acronym-shaped words: capitals of up to four letters, or a plural acronym ("GPs").


def _is_acronym_shaped(w: _Word) -> bool:
    tok = w.tok
    return (tok.upper and len(tok.text) <= 4) or bool(_PLURAL_ACRONYM.match(tok.text))


def _acronym_family(w: _Word) -> Verdict:
    """Capitals between "the" and "family" that family_label passed over: "the BIG family"."""
    nxt, prev = w.nxt, w.prev
    if nxt is not None and nxt.lower == "family" and prev is not None and prev.lower == "the":
        return P_NAME
    return None


def _initials_after_kin(w: _Word) -> Verdict:
    """Initials or a known name in capitals after a role word: "mum KT", "dad JB"."""
    tok = w.tok
    if not w.context or w.ctx.toks[w.i - 1].poss:  # not "Mum's NI number"
        return None
    initials = tok.upper and len(tok.text) <= 3
    return P_NAME_CONTEXT if w.known or initials or (tok.upper and not w.english) else None


def _capitals_known_name(w: _Word) -> Verdict:
    """A listed name in capitals with a person cue: "ABI said she was frightened", "JO's mum"."""
    return P_NAME if w.known and (w.tok.poss or w.evidence_strict or w.person_verb) else None


def _initials_coordinated(w: _Word) -> Verdict:
    """Initials joined by "and" to a name: "AB and CD were seen"."""
    return P_NAME if w.tok.upper and len(w.low) <= 3 and w.coordinated else None


def _initials_explained(w: _Word) -> Verdict:
    """Initials explained after them: "DJ (short for Darren-James)", "ST, older sister, says"."""
    tok = w.tok
    if not tok.upper or len(w.low) > 3 or w.low in _NOT_INITIALS:
        return None
    rest = w.ctx.text[tok.full_end : tok.full_end + 40]
    if bool(_SHORT_FOR.match(rest) or (tok.initial and _INITIALS_ROLE.match(rest))):
        return P_NAME
    return None


def _unknown_in_capitals(w: _Word) -> Verdict:
    """An unknown word in capitals with a person cue: "KAKA said she was frightened"."""
    cue = w.tok.upper and not w.english and (w.tok.poss or w.evidence_strict or w.person_verb)
    return P_NAME if cue else None


def _capitals_first_name_in_prose(w: _Word) -> Verdict:
    """A listed first name in capitals, not a word, among lower-case words: "MARY was the nurse".

    Four capitals look like an acronym, but a first name that is no English word ("JOHN",
    "MARY", "ADAM") in a message that is otherwise prose is a name typed in capitals (the
    issue-12 attack round: "JOHN SMITH was the nurse" reached the minutes). A message all in
    capitals (a shouted heading) gives no such contrast and keeps the acronym reading.
    """
    if not (w.first and not w.ambiguous and not w.english):
        return None
    return P_NAME if any(t.text.islower() and len(t.text) > 2 for t in w.ctx.toks) else None


def _acronym(w: _Word) -> Verdict:
    """Otherwise an acronym is not a name: "met the XYZ team", "the GPs"."""
    return NOT_A_NAME


# Listed first names.


def _known_first_name(w: _Word) -> Verdict:
    """A first name that is not also a word: "Chloe", "mum kayden" (higher after a cue)."""
    if w.first and not w.ambiguous:
        return P_NAME_CONTEXT if w.context else P_NAME
    return None


def _is_in_capitals(w: _Word) -> bool:
    return w.tok.upper or bool(_CAPS_PREFIXED.match(w.tok.text))


def _capitals_after_kin(w: _Word) -> Verdict:
    """A word in capitals after a role word: "dad BAKER" (not a first name that is a word)."""
    return P_NAME_CONTEXT if w.tok.upper and w.context and not w.ambiguous else None


def _capitals_comma_first_name(w: _Word) -> Verdict:
    """A surname in capitals, a comma, a first name: "BROWNE-SMITH, Kai - referral from A&E"."""
    caps = w.tok.upper or _CAPS_PREFIXED.match(w.tok.text)
    return P_NAME if bool(caps) and len(w.low) >= 3 and _comma_first_name(w.ctx, w.i) else None


# Ambiguous first names (also words: "Will", "Hope", "Grace", "May", "Summer", "Jade").


def _is_ambiguous(w: _Word) -> bool:
    return w.ambiguous


def _month(w: _Word) -> Verdict:
    """A month after a date word or before a number: "in May", "May 2021", "June '19"."""
    if w.low not in _MONTH_NAMES:
        return None
    prev = w.prev
    if prev is not None and (prev.lower in _MONTH_CONTEXT_BEFORE or prev.text.isdigit()):
        return NOT_A_NAME
    rest = w.ctx.text[w.tok.full_end : w.tok.full_end + 6]
    return NOT_A_NAME if _MONTH_FOLLOWER.match(rest) else None


def _season(w: _Word) -> Verdict:
    """A season before a school-year word: "summer term", "Spring half-term"."""
    season = w.low in _SEASON_NAMES and w.nxt is not None and w.nxt.lower in _SEASON_AFTER
    return NOT_A_NAME if season else None


def _fixed_phrase(w: _Word) -> Verdict:
    """A word-name in a fixed phrase that is not a person: "Sky News", "Hope Centre"."""
    phrase = w.nxt is not None and w.nxt.lower in _NOT_PERSON_AFTER.get(w.low, frozenset())
    return NOT_A_NAME if phrase else None


def _lower_possessive(w: _Word) -> Verdict:
    """A lower-case word-name with a possessive, no determiner before: "grace's mum"."""
    return P_NAME if not w.tok.cap and w.tok.poss and not w.after_determiner else None


def _lower_with_kin(w: _Word) -> Verdict:
    """A lower-case word-name joined by "and" to a kin word: "mum and ray had been shouting"."""
    return P_NAME if not w.tok.cap and w.ctx.kin_coordinated(w.i) else None


def _lower_before_verb(w: _Word) -> Verdict:
    """A lower-case word-name before a reporting verb: "mark rang back at 4", "hope said"."""
    said = w.nxt is not None and w.nxt.lower in NAME_VERBS_AFTER
    return P_NAME if not w.tok.cap and said and not w.after_determiner else None


def _is_lower_verblike(w: _Word) -> bool:
    return not w.tok.cap and w.low in _VERBLIKE


def _verblike_after_person_verb(w: _Word) -> Verdict:
    """A verb-like name after a verb that takes a person: "told mark", "asked who rob was"."""
    if _is_lower_verblike(w) and (w.person_verb or (w.context and w.evidence)):
        return P_NAME_CONTEXT
    return None


def _verblike_kin_surname(w: _Word) -> Verdict:
    """A verb-like name between a kin word and a surname: "visited mum rob barnes at home"."""
    if _is_lower_verblike(w) and w.context and _surname_follows(w.ctx, w.i):
        return P_NAME_CONTEXT
    return None


def _verblike_after_kin(w: _Word) -> Verdict:
    """A verb-like name between a kin word and a preposition: "spoke to mum jack about it"."""
    follows = w.nxt is not None and w.nxt.lower in _AFTER_KIN_NAME_NOT_MODAL
    return P_NAME_CONTEXT if _is_lower_verblike(w) and w.context and follows else None


def _verblike_after_kin_copula(w: _Word) -> Verdict:
    """A verb-like name after a kin word and "is"/"was": "nan is pat"."""
    copula = w.prev is not None and w.prev.lower in ("is", "was")
    return P_NAME_CONTEXT if _is_lower_verblike(w) and w.context and copula else None


def _verblike_appositive(w: _Word) -> Verdict:
    """A verb-like name between commas after a role word: "the worker, bill, did not visit"."""
    return P_NAME_CONTEXT if _is_lower_verblike(w) and w.appositive else None


def _lower_pair(w: _Word) -> Verdict:
    """Word-names joined by "and", then a verb, about people: "mum said river and sky were fine"."""
    ctx, i = w.ctx, w.i
    if w.tok.cap:
        return None
    nxt, before = w.nxt, w.prev
    if nxt is not None and nxt.lower == "and" and ctx.joined(i + 1) and i + 2 < len(ctx.toks):
        other = ctx.toks[i + 2]
        return P_NAME if _pair_then_verb(ctx, i + 2, other) else None
    if before is not None and before.lower == "and" and i >= 2 and ctx.joined(i):
        other = ctx.toks[i - 2]
        return P_NAME if _pair_then_verb(ctx, i, other) else None
    return None


def _pair_then_verb(ctx: _Ctx, last: int, other: _Tok) -> bool:
    """The other half of a pair is a word-name, a verb follows, and the message is about people.

    A kin or role word must come before the pair: "grace and patience are needed with families
    but not at the expense of the child's safety" is not two people.
    """
    after = ctx.next(last)
    return (
        not other.cap
        and other.lower in ctx.lex.ambiguous
        and after is not None
        and after.lower in _PAIR_VERBS
        and any(t.lower in CONTEXT_WORDS or t.lower in _KIN for t in ctx.toks[: last - 2])
    )


_PAIR_VERBS = frozenset("were said told had both".split())


def _lower_with_doing(w: _Word) -> Verdict:
    """A lower-case word-name after "with", doing what a carer does: "with mark looking after"."""
    prev, nxt = w.prev, w.nxt
    with_ = prev is not None and prev.lower == "with"
    doing = nxt is not None and nxt.lower in PERSON_DOING
    return P_NAME if not w.tok.cap and with_ and doing else None


def _lower_qualifies_noun(w: _Word) -> Verdict:
    """A lower-case word-name before a plural noun it qualifies is the word: "saw amber flags"."""
    nxt = w.nxt
    if w.tok.cap or w.context or nxt is None or nxt.cap or not w.ctx.joined(w.i + 1):
        return None
    low = nxt.lower
    plural_noun = (
        low.endswith("s")
        and not low.endswith("ss")
        and low not in STOPWORDS
        and low not in NAME_VERBS_AFTER
        and low not in _PAIR_VERBS
        and w.ctx.is_english(low)
    )
    return NOT_A_NAME if plural_noun else None


def _verblike_word(w: _Word) -> Verdict:
    """Otherwise a lower-case verb-like name is the word: "please mark it as done"."""
    return NOT_A_NAME if _is_lower_verblike(w) else None


def _lower_after_cue(w: _Word) -> Verdict:
    """A lower-case word-name after a kin word or person verb: "mum jade", "who jade was"."""
    return P_NAME_CONTEXT if not w.tok.cap and (w.context or w.person_verb) else None


def _lower_evidence_after(w: _Word) -> Verdict:
    """A lower-case word-name before what is said of a person: "summer was never seen alone"."""
    return P_NAME if not w.tok.cap and w.evidence_strict and not w.after_determiner else None


def _lower_coordinated(w: _Word) -> Verdict:
    """A lower-case word-name joined by "and" to a name before it: "kyle and jade were late"."""
    return P_NAME if not w.tok.cap and w.coordinated else None


def _lower_listed(w: _Word) -> Verdict:
    """A lower-case word-name listed with a name: "asked amber, ruby or daisy", "poppy or river"."""
    return P_NAME if not w.tok.cap and w.listed else None


def _lower_word(w: _Word) -> Verdict:
    """Otherwise a lower-case word-name is the word: "a rose", "grace period"."""
    return NOT_A_NAME if not w.tok.cap else None


def _possessive(w: _Word) -> Verdict:
    """A capitalised word-name with a possessive, no determiner before: "Grace's mum"."""
    return P_NAME if w.tok.poss and not w.after_determiner else None


def _after_cue(w: _Word) -> Verdict:
    """A capitalised word-name after a role or kin word: "mum Grace", "colleague Will"."""
    return P_NAME_CONTEXT if w.context else None


def _capitals_name_shape(w: _Word) -> Verdict:
    """A word-name in capitals, hyphenated or before a name: "AMBER-ROSE", "JADE SMITH"."""
    nxt = w.nxt
    if w.tok.upper and (
        "-" in w.tok.text or (nxt is not None and nxt.upper and w.ctx.name_like(nxt))
    ):
        return P_NAME
    return None


def _capitals_cue(w: _Word) -> Verdict:
    """A word-name in capitals with a person cue: "AMBER said", "told JADE"."""
    return P_NAME if w.tok.upper and (w.tok.poss or w.evidence_strict or w.person_verb) else None


def _capitals_word(w: _Word) -> Verdict:
    """Otherwise a word-name in capitals is the word: "RAG rating AMBER"."""
    return NOT_A_NAME if w.tok.upper else None


def _after_determiner(w: _Word) -> Verdict:
    """A capitalised word-name mid-sentence after a determiner is the word: "the Amber alert"."""
    return NOT_A_NAME if not w.tok.initial and w.after_determiner else None


def _mid_sentence(w: _Word) -> Verdict:
    """A capitalised word-name mid-sentence: "spoke to Grace today"."""
    return P_NAME if not w.tok.initial else None


def _opener_not_a_word(w: _Word) -> Verdict:
    """A sentence opens with a word-name that is not a word itself: "Ed rang twice"."""
    return P_NAME if not w.english else None


def _opener_with_evidence(w: _Word) -> Verdict:
    """A sentence opens with a word-name said of a person: "Rose was 16", "Grace and Will"."""
    return P_NAME if w.evidence_strict or w.coordinated else None


def _opener_then_surname(w: _Word) -> Verdict:
    """A sentence opens with a word-name and a capitalised surname: "Grace Baker is the carer"."""
    nxt = w.nxt
    return P_NAME if nxt is not None and nxt.cap and w.ctx.is_surname(nxt.lower) else None


def _opener_then_verb(w: _Word) -> Verdict:
    """A sentence opens with a word-name that seldom opens as a word: "Heather at the nursery"."""
    return P_NAME if w.low not in w.ctx.lex.openers and _opens_as_name(w.ctx, w.i) else None


def _ambiguous_word(w: _Word) -> Verdict:
    """Otherwise a word-name opening a sentence is the word: "Hope is not a plan"."""
    return NOT_A_NAME


# Surnames, families and unknown capitalised words.


def _surname_not_a_word(w: _Word) -> Verdict:
    """A listed surname that is no English word: "spoke to okafor", "Kowalczyk"."""
    return P_NAME if w.surname and not w.english else None


def _is_after_the_or_before_family(w: _Word) -> bool:
    prev, nxt = w.prev, w.nxt
    return (prev is not None and prev.lower == "the") or (nxt is not None and nxt.lower == "family")


def _surname_plural(w: _Word) -> Verdict:
    """A family by its surname, after "the": "the Smiths", "the Okafors", "the dobsons"."""
    low, prev = w.low, w.prev
    surname = w.ctx.is_surname(low[:-1]) or (low.endswith("es") and w.ctx.is_surname(low[:-2]))
    if prev is None or prev.lower != "the" or not low.endswith("s") or not surname:
        return None
    # In lower case only a plural that is no English word: "the okafors", not "the smiths".
    return P_NAME if w.tok.cap or not w.english else None


def _capitalised_family(w: _Word) -> Verdict:
    """A capitalised word before "family", mid-sentence: "we visited Baker family at home"."""
    tok, nxt = w.tok, w.nxt
    if (
        tok.cap
        and nxt is not None
        and nxt.lower == "family"
        and not tok.initial
        and w.low not in _NOT_FAMILY_NAME
    ):
        return P_NAME
    return None


def _the_family(w: _Word) -> Verdict:
    """A surname or unknown word between "the" and "family": "the smith family"."""
    nxt, prev = w.nxt, w.prev
    if (
        nxt is not None
        and nxt.lower == "family"
        and prev is not None
        and prev.lower == "the"
        and (w.surname or not w.english)
    ):
        return P_NAME
    return None


def _is_capitalised_non_word(w: _Word) -> bool:
    return w.tok.cap and not w.english


def _capitalised_non_word(w: _Word) -> Verdict:
    """A capitalised non-word mid-sentence or with a cue: "spoke to Quenby today"."""
    tok = w.tok
    if tok.cap and not w.english and (not tok.initial or tok.poss or w.context or w.evidence):
        return P_NAME
    return None


def _opening_non_word(w: _Word) -> Verdict:
    """Otherwise a capitalised non-word opening a sentence is not a name: "Gonzo journalism"."""
    return NOT_A_NAME if w.tok.cap and not w.english else None


def _is_capitalised(w: _Word) -> bool:
    return w.tok.cap


def _word_surname_after_kin(w: _Word) -> Verdict:
    """A capitalised surname that is a word, after a role word: "mum Bull", "dad Price"."""
    return P_NAME_CONTEXT if w.tok.cap and w.context and w.known else None


def _word_surname_with_cue(w: _Word) -> Verdict:
    """A capitalised surname that is a word, with a person cue: "Bull said", "Price's car"."""
    tok = w.tok
    if (
        tok.cap
        and w.surname
        and (tok.poss or w.evidence_strict or w.person_verb)
        and not (w.english and tok.initial and _negated_word(w.ctx, w.i))
    ):
        return P_NAME
    return None


def _word_after_naming_word(w: _Word) -> Verdict:
    """A capitalised word mid-sentence after a naming word: "a man called Bear"."""
    tok, p = w.tok, w.prev
    naming = p is not None and p.lower in _NAMING_WORDS and not p.cap
    if tok.cap and w.english and not tok.initial and w.low not in STOPWORDS and naming:
        return P_NAME_CONTEXT
    return None


def _is_lower_listed_word(w: _Word) -> bool:
    return not w.tok.cap and w.english and w.known


def _lower_surname_after_kin(w: _Word) -> Verdict:
    """A lower-case surname that is a word, after kin: "spoke to mum bull about it"."""
    if not w.tok.cap and w.english and w.known and (_kin_then_name(w.ctx, w.i) or w.who_is):
        return P_NAME_CONTEXT
    return None


def _lower_surname_opens_before_verb(w: _Word) -> Verdict:
    """A sentence opens with a lower-case surname, then a verb: "bull said she was scared"."""
    nxt = w.nxt
    said = nxt is not None and nxt.lower in NAME_VERBS_AFTER
    return P_NAME if not w.tok.cap and w.english and w.known and w.tok.initial and said else None


# Unknown lower-case words of three letters or more.


def _is_lower_unknown(w: _Word) -> bool:
    return not w.tok.cap and not w.english and len(w.low) >= 3


def _unknown_after_cue(w: _Word) -> Verdict:
    """An unknown lower-case word after a cue: "mum zorvan", "told leyton", "who tymon was"."""
    cue = w.context or w.verb_before or w.tok.poss or w.ctx.kin_coordinated(w.i) or w.who_is
    return P_NAME_CONTEXT if cue else None


def _bare_possessive_rule(w: _Word) -> Verdict:
    """A first name with a possessive s and no apostrophe: "jaydens mum", "re tobis school"."""
    return P_NAME if _bare_possessive(w.ctx, w.low) else None


def _word_possessive_before_kin(w: _Word) -> Verdict:
    """A word-name with a possessive s, no apostrophe, before a kin word: "jacks mum"."""
    low, nxt, prev = w.low, w.nxt, w.prev
    if w.tok.cap or len(low) < 4 or not low.endswith("s") or nxt is None or nxt.lower not in _KIN:
        return None
    if prev is not None and (
        prev.lower in _DETERMINERS or prev.lower in STOPWORDS - {"and", "said"}
    ):
        return None
    return P_NAME if w.ctx.is_ambiguous(low[:-1]) else None


def _unknown_after_kin_name(w: _Word) -> Verdict:
    """An unknown word after a kin word and a first name: "visited mum chase kaka"."""
    before = w.prev
    if before is not None and w.ctx.is_first(before.lower) and w.ctx.context_before(w.i - 1):
        return P_NAME_CONTEXT
    return None


def _unknown_then_surname(w: _Word) -> Verdict:
    """An unknown word, then a lower-case surname: "rahima begum", "kaka day said"."""
    after = w.nxt
    ctx = w.ctx
    if (
        after is None
        or after.cap
        or not ctx.is_surname(after.lower)
        or typo_of_english(w.low, ctx.lex.english)
    ):
        return None
    verb = ctx.next(w.i + 1)
    said = verb is not None and verb.lower in NAME_VERBS_AFTER
    return P_NAME if not ctx.is_english(after.lower) or said else None


def _unknown_said(w: _Word) -> Verdict:
    """An unknown word before "said"/"told": "then kaze said" (not a slip: "thye said")."""
    nxt, before = w.nxt, w.prev
    lex = w.ctx.lex
    if (
        nxt is not None
        and nxt.lower in ("said", "told", "says", "tells")
        and (before is None or before.lower not in _DETERMINERS)
        and not _compound_of_english(w.low, lex.english)
        and not _edits1(w.low) & _SPEAKERS
    ):
        return P_NAME
    return None


def _unknown_coordinated(w: _Word) -> Verdict:
    """An unknown word joined by "and" to a name: "Sarah and keela were late"."""
    return P_NAME if w.coordinated else None


def _unknown_listed(w: _Word) -> Verdict:
    """An unknown word (no typo) listed with a name: "jaxon or kaydence", "ali, tymon or jo"."""
    if not w.listed or typo_of_english(w.low, w.ctx.lex.english):
        return None  # (the list first: the typo test is the slow one)
    return P_NAME


def _unknown_weak_cue(w: _Word) -> Verdict:
    """An unknown word (no typo) with a weaker cue: "went to see leyton", "leyton was crying"."""
    prev, nxt = w.prev, w.nxt
    weak = (prev is not None and prev.lower in _WEAK_BEFORE) or (
        nxt is not None and (nxt.lower in NAME_VERBS_AFTER or nxt.lower in _COPULA)
    )
    english = w.ctx.lex.english
    if (
        weak
        and len(w.low) >= 4
        and not typo_of_english(w.low, english)
        and not _compound_of_english(w.low, english)
    ):
        return P_NAME
    return None


def _rules(*pairs: tuple[str, Callable[[_Word], Verdict]]) -> tuple[NameRule, ...]:
    return tuple(NameRule(name, decide) for name, decide in pairs)


# Groups of rules in order: (which words the group looks at, or None for any; its rules).
_GROUPS: tuple[tuple[Callable[[_Word], bool] | None, tuple[NameRule, ...]], ...] = (
    (None, _rules(("too_short", _too_short))),
    (
        _is_lower_stopword,
        _rules(
            ("stopword_after_person_verb", _stopword_after_person_verb),
            ("stopword_after_naming_word", _stopword_after_naming_word),
            ("stopword_before_verb", _stopword_before_verb),
            ("stopword_coordinated", _stopword_coordinated),
            ("stopword_after_kin_copula", _stopword_after_kin_copula),
            ("stopword_after_kin", _stopword_after_kin),
            ("stopword_after_kin_and_i", _stopword_after_kin_and_i),
            ("stopword_after_kin_surname", _stopword_after_kin_surname),
            ("stopword_said_of_person", _stopword_said_of_person),
            ("stopword", _stopword),
        ),
    ),
    (
        _has_cue_next_to,
        _rules(
            ("after_title", _after_title),
            ("known_as", _known_as),
            ("after_naming_word", _after_naming_word),
            ("after_form_label", _after_form_label),
            ("family_label", _family_label_rule),
        ),
    ),
    (
        _is_kept,
        _rules(("kept_word_as_name", _kept_word_as_name), ("kept_word", _kept_word)),
    ),
    (
        _is_acronym_shaped,
        _rules(
            ("acronym_family", _acronym_family),
            ("initials_after_kin", _initials_after_kin),
            ("capitals_known_name", _capitals_known_name),
            ("initials_coordinated", _initials_coordinated),
            ("initials_explained", _initials_explained),
            ("unknown_in_capitals", _unknown_in_capitals),
            ("capitals_first_name_in_prose", _capitals_first_name_in_prose),
            ("acronym", _acronym),
        ),
    ),
    (None, _rules(("known_first_name", _known_first_name))),
    (None, _rules(("word_possessive_before_kin", _word_possessive_before_kin))),
    (
        _is_in_capitals,
        _rules(
            ("capitals_after_kin", _capitals_after_kin),
            ("capitals_comma_first_name", _capitals_comma_first_name),
        ),
    ),
    (
        _is_ambiguous,
        _rules(
            ("month", _month),
            ("season", _season),
            ("fixed_phrase", _fixed_phrase),
            ("ambiguous_lower_possessive", _lower_possessive),
            ("ambiguous_lower_with_kin", _lower_with_kin),
            ("ambiguous_lower_before_verb", _lower_before_verb),
            ("verblike_after_person_verb", _verblike_after_person_verb),
            ("verblike_kin_surname", _verblike_kin_surname),
            ("verblike_after_kin", _verblike_after_kin),
            ("verblike_after_kin_copula", _verblike_after_kin_copula),
            ("verblike_appositive", _verblike_appositive),
            ("ambiguous_lower_pair", _lower_pair),
            ("ambiguous_lower_with_doing", _lower_with_doing),
            ("ambiguous_lower_qualifies_noun", _lower_qualifies_noun),
            ("verblike_word", _verblike_word),
            ("ambiguous_lower_after_cue", _lower_after_cue),
            ("ambiguous_lower_evidence_after", _lower_evidence_after),
            ("ambiguous_lower_coordinated", _lower_coordinated),
            ("ambiguous_lower_listed", _lower_listed),
            ("ambiguous_lower_word", _lower_word),
            ("ambiguous_possessive", _possessive),
            ("ambiguous_after_cue", _after_cue),
            ("ambiguous_capitals_name_shape", _capitals_name_shape),
            ("ambiguous_capitals_cue", _capitals_cue),
            ("ambiguous_capitals_word", _capitals_word),
            ("ambiguous_after_determiner", _after_determiner),
            ("ambiguous_mid_sentence", _mid_sentence),
            ("ambiguous_opener_not_a_word", _opener_not_a_word),
            ("ambiguous_opener_with_evidence", _opener_with_evidence),
            ("ambiguous_opener_then_surname", _opener_then_surname),
            ("ambiguous_opener_then_verb", _opener_then_verb),
            ("ambiguous_word", _ambiguous_word),
        ),
    ),
    (None, _rules(("surname_not_a_word", _surname_not_a_word))),
    (
        _is_after_the_or_before_family,
        _rules(
            ("surname_plural", _surname_plural),
            ("capitalised_family", _capitalised_family),
            ("the_family", _the_family),
        ),
    ),
    (
        _is_capitalised_non_word,
        _rules(
            ("capitalised_non_word", _capitalised_non_word),
            ("opening_non_word", _opening_non_word),
        ),
    ),
    (
        _is_capitalised,
        _rules(
            ("word_surname_after_kin", _word_surname_after_kin),
            ("word_surname_with_cue", _word_surname_with_cue),
            ("word_after_naming_word", _word_after_naming_word),
        ),
    ),
    (
        _is_lower_listed_word,
        _rules(
            ("lower_surname_after_kin", _lower_surname_after_kin),
            ("lower_surname_opens_before_verb", _lower_surname_opens_before_verb),
        ),
    ),
    (
        _is_lower_unknown,
        _rules(
            ("unknown_after_cue", _unknown_after_cue),
            ("bare_possessive", _bare_possessive_rule),
            ("unknown_after_kin_name", _unknown_after_kin_name),
            ("unknown_then_surname", _unknown_then_surname),
            ("unknown_said", _unknown_said),
            ("unknown_coordinated", _unknown_coordinated),
            ("unknown_listed", _unknown_listed),
            ("unknown_weak_cue", _unknown_weak_cue),
        ),
    ),
)

#: Every name rule, in the order they are asked; the first with a verdict wins.
NAME_RULES: tuple[NameRule, ...] = tuple(rule for _, rules in _GROUPS for rule in rules)
# The same, as plain pairs for the hot loop in :func:`_decide` (every word of every message).
_STEPS = tuple(
    (applies, tuple((rule.decide, rule.name) for rule in rules)) for applies, rules in _GROUPS
)


def _decide(ctx: _Ctx, i: int, found: dict[int, int]) -> tuple[int, str] | None:
    """The first verdict of :data:`NAME_RULES` on token i, with its rule's name.

    Returns:
        ``(priority, rule)`` for a name, ``(NOT_A_NAME, rule)`` for a word a rule ruled out, or
        ``None`` when no rule had a verdict (not a name).
    """
    w = _Word(ctx, i, found)
    for applies, rules in _STEPS:
        if applies is None or applies(w):
            for decide, name in rules:
                verdict = decide(w)
                if verdict is not None:
                    return verdict, name
    return None
