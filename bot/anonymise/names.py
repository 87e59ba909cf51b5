"""Layer 5: names of people, from word lists plus context: :func:`find_names` and its passes.

No NER model is available offline under Rasa 3.6's pins, so names come from:

* a curated first-name list (case-insensitive: "spoke to chloe"), with an *ambiguous* sub-list of
  names that are also ordinary words ("will", "hope", "grace", "may") that need name context;
* titles ("Mr", "Mrs", "DC", "Dr", "Cllr"...) before any word ("spoke to mrs patel", "DC Smith");
* relationship and role context before a word ("mum Aaliyah", "my colleague jo", "baby Kayden",
  "a man called Kai");
* shape: a capitalised mid-sentence word that is not an English word, not on the allow-list and
  not an acronym ("Okonkwo", "Zbigniew"); a possessive ("Kayden's"); a following verb of
  reporting ("Xanthe said");
* a surname list to extend a first name into one full-name span ("Kelly Adams", "tom harris").

Ambiguous names are redacted when capitalised mid-sentence (except months: "in May"), after a
context word, in a possessive, coordinated with another name ("Grace and Will", "jade and kyle"),
or sentence-initial with a following reporting verb ("Rose was 16 when..."). "I will", "a rose",
"Grace period", "Frank discussion", "May I suggest" survive.

Each word is judged by :data:`NAME_RULES`, an ordered tuple of small named rules (the first with
a verdict wins); :data:`NAME_PASSES` then extend and add names. ``find_names(..., trace=[])``
records which rule or pass decided each word, for the evaluator's ``--rules`` report.

Read in this order: ``name_words.py`` (the word lists, the tokeniser, English-word tests),
``name_evidence.py`` (a word's context: what is around it, what after it is said of a person),
``name_rules.py`` (the rules), then this module (the passes and :func:`find_names`). Each imports
only the ones before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.anonymise.lexicon import lexicon
from bot.anonymise.name_evidence import _CAPS_PREFIXED, _bare_word_is_a_name, _Ctx, _unknown_surname
from bot.anonymise.name_rules import (
    NAME_RULES,
    NOT_A_NAME,
    P_NAME,
    P_NAME_CONTEXT,
    NameRule,
    _decide,
)
from bot.anonymise.name_words import (
    _NAMING_WORDS,
    _NOT_INITIALS,
    _PARTICLES,
    _ROLE_AFTER_TITLE,
    _VERBLIKE,
    CONTEXT_WORDS,
    NAME_VERBS_AFTER,
    STOPWORDS,
    TITLES,
    _Tok,
    _tokenise,
    typo_of_english,
)
from bot.anonymise.spans import Candidate

# Also here for the modules and tests that import them from this one: the rules, and the word
# lists core.py, memory.py and the passes below share (they live in name_words.py).
__all__ = [
    "CONTEXT_WORDS",
    "NAME_PASSES",
    "NAME_RULES",
    "NAME_VERBS_AFTER",
    "NOT_A_NAME",
    "STOPWORDS",
    "TITLES",
    "NameRule",
    "RuleHit",
    "find_names",
    "typo_of_english",
]


@dataclass(frozen=True)
class RuleHit:
    """One decision of the name finder on ``text[start:end]``, and the rule or pass that made it.

    Attributes:
        start: Start offset of the word (or span) judged.
        end: End offset (a possessive "'s" is not part of the name).
        rule: The rule's name (:data:`NAME_RULES`) or the pass's (:data:`NAME_PASSES`).
        name: True if it was judged a name, False if a rule ruled it out.
    """

    start: int
    end: int
    rule: str
    name: bool


class _Found:
    """What the passes of :func:`find_names` share: the words, the mask and the names so far."""

    __slots__ = ("comma_joined", "ctx", "found", "mask", "todo", "toks")

    def __init__(self, ctx: _Ctx, mask: bytearray, todo: list[int]) -> None:
        self.ctx = ctx
        self.toks = ctx.toks
        self.mask = mask  # 1 = allow-listed or already an email/URL/handle
        self.todo = todo
        self.found: dict[int, int] = {}  # token index -> priority
        self.comma_joined: set[int] = set()

    def blocked(self, tok: _Tok) -> bool:
        return 1 in self.mask[tok.start : tok.end]


_JOINERS = frozenset(("and", "&", "or"))


def _judge(st: _Found, i: int, decided: dict[int, tuple[int, str]] | None) -> None:
    verdict = _decide(st.ctx, i, st.found)
    if verdict is not None:
        if verdict[0]:
            st.found[i] = verdict[0]
        if decided is not None:
            decided[i] = verdict


def _apply_rules(st: _Found, decided: dict[int, tuple[int, str]] | None) -> None:
    """Ask :data:`NAME_RULES` about every word that could be a name, then again beside "and"."""
    toks = st.toks
    for i in st.todo:
        if not st.blocked(toks[i]):
            _judge(st, i, decided)
    # Second look for words joined by "and" (or listed) to a name found later ("Ruby and
    # Jade", "ruby, daisy or kyle").
    for i in reversed(st.todo):
        if i in st.found or st.blocked(toks[i]):
            continue
        if (i >= 1 and toks[i - 1].lower in _JOINERS) or (
            i + 1 < len(toks) and (toks[i + 1].lower in _JOINERS or "," in st.ctx.gap(i + 1))
        ):
            _judge(st, i, decided)


def _listed_initials(st: _Found) -> None:
    """Initials listed before found initials: "RB, LB and baby FB"."""
    toks, found, ctx = st.toks, st.found, st.ctx
    # Right to left, so a chain of them follows the one that was found.
    for i in reversed(st.todo):
        tok = toks[i]
        if (
            i in found
            or not tok.upper
            or len(tok.text) > 3
            or i + 1 not in found
            or ctx.gap(i + 1).strip() != ","
            or st.blocked(tok)
            or ctx.is_keep(tok.lower)
            or tok.lower in _NOT_INITIALS
        ):
            continue
        listed = toks[i + 1]
        if listed.upper and len(listed.text) <= 3:
            found[i] = P_NAME


def _bare_words(st: _Found) -> None:
    """A message of a word or three that is a name on its own: "Hollis", "kaydensmith"."""
    # Ordinary words, role words, commands and their typos ("skp", "mnu") are not.
    if len(st.toks) > 3:
        return
    for i, tok in enumerate(st.toks):
        if i in st.found or st.blocked(tok) or _bare_word_is_a_name(st.ctx, tok) is False:
            continue
        st.found[i] = P_NAME


def _extends_name(ctx: _Ctx, j: int, cur: _Tok, nxt: _Tok) -> bool:
    """Whether ``nxt`` (token j+1) continues the name that ends with ``cur`` (token j)."""
    solid = cur.cap and ctx.is_first(cur.lower) and not ctx.is_ambiguous(cur.lower)
    lower_surname = (
        (
            not nxt.cap
            and not cur.cap
            and not ctx.is_english(nxt.lower)
            and (ctx.is_surname(nxt.lower) or _unknown_surname(ctx, cur, nxt))
        )
        or (  # "kayden smith", "Kayden smith": a surname after a first name not a word
            not nxt.cap
            and ctx.is_surname(nxt.lower)
            and ctx.is_first(cur.lower)
            and not ctx.is_ambiguous(cur.lower)
            and nxt.lower not in STOPWORDS
        )
        or (  # "mum anh green": after kin and a first name, a surname that is a word
            not nxt.cap
            and (ctx.context_before(j) or ctx.verb_before(j) or ctx.who_is(j))
            and (
                ctx.is_surname(nxt.lower)
                or (
                    not ctx.is_english(nxt.lower)
                    and len(nxt.text) >= 3
                    and nxt.lower not in STOPWORDS
                    and not ctx.is_keep(nxt.lower)
                )
            )
        )
    )
    glued = ctx.text[nxt.full_end : nxt.full_end + 1].isdigit()  # "BN27": a postcode
    caps_pair = (  # "AARAV KAKA", "Cai KAKA": a surname in capitals, short too
        (cur.upper or cur.cap)
        and not glued
        and nxt.upper
        and len(nxt.text) >= 2
        and not ctx.is_keep(nxt.lower)
        and (ctx.is_surname(nxt.lower) or not ctx.is_english(nxt.lower))
    )
    after = ctx.next(j + 1)
    surname_then_verb = (  # "duc bird said": a surname that is a word, then a verb
        ctx.is_surname(nxt.lower) and after is not None and after.lower in NAME_VERBS_AFTER
    )
    return bool(
        ctx.name_like(nxt)
        or lower_surname
        or caps_pair
        or surname_then_verb
        or (solid and ctx.surname_shaped(nxt))
    )


def _surnames_after(st: _Found) -> None:
    """Surname-like words after a found name join it: "spoke to Kelly Thorn today"."""
    toks, found, ctx = st.toks, st.found, st.ctx
    for i in sorted(found):
        j = i
        while j in found and not toks[j].poss:
            nxt = ctx.next(j)
            if nxt is None or j + 1 in found or st.blocked(nxt):
                break
            if not _extends_name(ctx, j, toks[j], nxt):
                break
            found[j + 1] = found[i]
            j += 1


def _first_name_before(ctx: _Ctx, i: int, j: int) -> bool:
    """Whether token j, just before the found token i, is its first name."""
    lex = ctx.lex
    toks = ctx.toks
    before = toks[j]
    word = before.lower
    kin_name = ctx.is_first(word) and ctx.context_before(j)  # "mum may abdi"
    verb = ctx.next(i)
    said = (  # "Will Kaka said ..." (but "Will Kaka come?" asks about Kaka)
        ctx.is_first(word) and verb is not None and verb.lower in NAME_VERBS_AFTER
    )
    if (word in STOPWORDS and not (kin_name or said)) or ctx.is_keep(word):
        return False
    if word in TITLES or word in _ROLE_AFTER_TITLE:
        return False  # "Dr Okafor": the title stays
    caps_name = (  # "DEN KAKA", "KAKA HUNT": a whole name in capitals
        before.upper and toks[i].upper and (ctx.is_first(word) or not ctx.is_english(word))
    )
    if before.upper and len(word) <= 4 and not (kin_name or caps_name):
        return False
    first_before = ctx.is_first(word) and (
        before.cap
        or before.initial
        or not ctx.is_ambiguous(word)
        or word not in _VERBLIKE  # "kit abdi", not "will abdi come"
        or ctx.context_before(j)
        or ctx.verb_before(j)
    )
    unknown = before.cap and not ctx.is_english(word) and (len(word) >= 2 or caps_name)
    unknown_lower = (  # "kakaka kaka said"
        not before.cap
        and len(word) >= 3
        and not ctx.is_english(word)
        and not typo_of_english(word, lex.english)
        and (before.initial or ctx.context_before(j) or ctx.verb_before(j))
    )
    found_word = toks[i].lower
    return bool(
        (first_before or unknown or unknown_lower)
        and (not ctx.is_english(found_word) or ctx.is_surname(found_word))
    )


def _first_names_before(st: _Found) -> None:
    """A first name just before a found surname: "akin abdi said", "Will OKAFOR" (once)."""
    toks, found, ctx = st.toks, st.found, st.ctx
    for i in sorted(found):
        j = i - 1
        if j < 0 or j in found or st.blocked(toks[j]) or not ctx.joined(i) or toks[j].poss:
            continue
        if _first_name_before(ctx, i, j):
            found[j] = found[i]


def _particles(st: _Found) -> None:
    """Name particles between two name words: "tran van minh", "Maria da Silva"."""
    toks, found, ctx = st.toks, st.found, st.ctx
    for i in sorted(found):
        # "mr o brien": the "O" of "O'Brien", typed apart after a title, is part of the name
        if (
            i >= 2
            and i - 1 not in found
            and toks[i - 1].lower == "o"
            and ctx.joined(i)
            and ctx.title_before(i) is not None
        ):
            found[i - 1] = found[i]
        if (
            i + 2 in found
            and i + 1 not in found
            and toks[i + 1].lower in _PARTICLES
            and ctx.joined(i + 1)
            and ctx.joined(i + 2)
            and not toks[i].poss
        ):
            found[i + 1] = found[i]


def _surname_comma_first_name(st: _Found) -> None:
    """A surname in capitals, a comma, then the first name, as one name: "HUSSAIN, Rukhsana"."""
    toks, found, ctx = st.toks, st.found, st.ctx
    for i in sorted(found):
        if (
            i + 1 in found
            and (toks[i].upper or _CAPS_PREFIXED.match(toks[i].text))
            and not toks[i].poss
            and ctx.gap(i + 1).strip() == ","
            and ctx.is_first(toks[i + 1].lower)
        ):
            found[i] = max(found[i], found[i + 1])
            st.comma_joined.add(i + 1)


# The passes after the rules, in order, over the words found so far.
_PASSES: tuple[tuple[str, Callable[[_Found], None]], ...] = (
    ("listed_initials", _listed_initials),
    ("bare_word", _bare_words),
    ("surname_after_name", _surnames_after),
    ("first_name_before_surname", _first_names_before),
    ("name_particle", _particles),
    ("surname_comma_first_name", _surname_comma_first_name),
)


def _run_pass(
    st: _Found, name: str, run: Callable[[_Found], None], trace: list[RuleHit] | None
) -> None:
    if trace is None:
        run(st)
        return
    before, joined = set(st.found), set(st.comma_joined)
    run(st)
    toks = st.toks
    added = (st.found.keys() - before) | (st.comma_joined - joined)  # words found, or joined
    trace.extend(RuleHit(toks[j].start, toks[j].end, name, True) for j in sorted(added))


def _name_spans(st: _Found) -> list[Candidate]:
    """Adjacent name words become one span."""
    toks, found, ctx = st.toks, st.found, st.ctx
    out: list[Candidate] = []
    run_start = run_end = -1
    run_prio = 0
    last = -2
    for i in sorted(found):
        tok = toks[i]
        if (
            i == last + 1
            and (ctx.gap(i).strip() == "" or i in st.comma_joined)
            and not toks[last].poss
            and "\n" not in ctx.gap(i)
        ):
            run_end = tok.end
            run_prio = max(run_prio, found[i])
        else:
            if run_start >= 0:
                out.append(Candidate(run_start, run_end, "NAME", run_prio))
            run_start, run_end, run_prio = tok.start, tok.end, found[i]
        last = i
    if run_start >= 0:
        out.append(Candidate(run_start, run_end, "NAME", run_prio))
    return out


def find_names(
    text: str,
    protected: list[tuple[int, int]],
    covered: list[tuple[int, int]],
    trace: list[RuleHit] | None = None,
) -> list[Candidate]:
    """Find names of people.

    Args:
        text: The original user text.
        protected: Allow-listed ranges ("Child Z", "East Sussex") that must survive.
        covered: Ranges already claimed by structured identifiers (emails, URLs...), skipped.
        trace: If given, every decision is appended to it as a :class:`RuleHit`: each word a
            rule had a verdict on, and each word or span a later pass added (the evaluator's
            ``--rules`` report). ``None`` (the door) records nothing.

    Returns:
        NAME candidates; a first name and the surname-like words after it form one span.
    """
    if _all_capitals(text):
        # In a message typed in capitals a capital is no evidence: read it as if typed in
        # sentence case, so "WE NEVER HEARD FROM KYLE" is judged as "We never heard from kyle"
        # (and "JAXON AND HIS MUM" does not make "HIS" initials).
        return _find_names_in(_sentence_case(text), protected, covered, trace)
    return _find_names_in(_caps_runs_in_sentence_case(text), protected, covered, trace)


# A sentence's first letter, and the pronoun "i", when a message in capitals is read again.
_SENTENCE_OPENING = re.compile(r"(?:^|[.!?:;\n•]\s*)[\"'‘“(\[]*([a-z])|\bi\b")


def _all_capitals(text: str) -> bool:
    """A message typed in capitals: four or more words, nine in ten of them in capitals."""
    words: list[str] = _CAPS_WORD.findall(text)
    if len(words) < 4:
        return False
    return sum(w.isupper() for w in words) >= 0.9 * len(words)


_CAPS_WORD = re.compile(r"[A-Za-z]{2,}")


# A word as the capitals test sees it: letters, with apostrophes inside ("MARY'S").
_RUN_WORD = re.compile(r"[A-Za-z](?:[A-Za-z'’]*[A-Za-z])?")
# Between two words of one run of capitals: spaces, digits, sentence stops, apostrophes. A comma
# or a bracket ends a run: "K. MENSAH (HV), P. DOYLE (DSL)" lists surnames in capitals.
_RUN_GAP = re.compile(r"[\s\d.!?:;'’\"-]*")
_PRONOUN_I = re.compile(r"I\b")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\n•][\"'‘“(\[\s]*)$")


def _caps_runs_in_sentence_case(text: str) -> str:
    """``text`` with each run of four or more words in capitals read in sentence case.

    A mixed-case message can still carry a sentence typed in capitals ("We did not share info.
    I THINK DAVE IS THE RISK."): there, as in a message typed in capitals, a capital is no
    evidence, so the run is judged as "I think dave is the risk." Offsets are kept; a message
    without such a run is returned as it is.
    """
    runs: list[tuple[int, int]] = []
    start = end = -1
    count = 0
    for m in _RUN_WORD.finditer(text):
        word = m.group()
        if word.isupper() and start >= 0 and _RUN_GAP.fullmatch(text, end, m.start()):
            end, count = m.end(), count + (len(word) > 1)
            continue
        if count >= 4:
            runs.append((start, end))
        start, end, count = m.start(), m.end(), len(word) > 1
        if not word.isupper():
            start, count = -1, 0
    if count >= 4:
        runs.append((start, end))
    if not runs:
        return text
    out = list(text)
    for run_start, run_end in runs:
        cased = _sentence_case(text[run_start:run_end])
        if not _SENTENCE_END.search(text, 0, run_start) and not _PRONOUN_I.match(cased):
            cased = cased[:1].lower() + cased[1:]  # mid-sentence: "said THE RISK WAS MISSED"
        out[run_start:run_end] = cased
    return "".join(out)


def _sentence_case(text: str) -> str:
    """``text`` in lower case with each sentence's first letter (and "I") a capital.

    Offsets are kept: a character whose lower case is longer (as "İ") stays as it is.
    """
    lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return _SENTENCE_OPENING.sub(lambda m: m.group().upper(), lowered)


def _find_names_in(
    text: str,
    protected: list[tuple[int, int]],
    covered: list[tuple[int, int]],
    trace: list[RuleHit] | None,
) -> list[Candidate]:
    """:func:`find_names` on one reading of the text."""
    lex = lexicon()
    toks = _tokenise(text)
    ctx = _Ctx(text, toks, lex)
    mask = bytearray(len(text))  # 1 = allow-listed or already an email/URL/handle
    for s, e in protected + covered:
        mask[s:e] = b"\x01" * (e - s)

    # Lower-case English words that are neither names nor surnames can never be names by any
    # rule: skip them up front (most of every message), which keeps a call well under 1 ms.
    english, first, sur = lex.english, lex.first_names, lex.surnames
    todo = [
        i
        for i, tok in enumerate(toks)
        if tok.cap
        or tok.poss
        or tok.lower not in english
        or tok.lower in first
        or tok.lower in sur
        or tok.lower[:-1] in first  # "jacks mum": a possessive typed without its apostrophe
    ]
    st = _Found(ctx, mask, todo)
    decided: dict[int, tuple[int, str]] | None = None if trace is None else {}
    _apply_rules(st, decided)
    if trace is not None and decided is not None:
        trace.extend(
            RuleHit(toks[i].start, toks[i].end, rule, verdict != NOT_A_NAME)
            for i, (verdict, rule) in sorted(decided.items())
        )
    for name, run in _PASSES:
        _run_pass(st, name, run, trace)
    return _with_initials(text, ctx, mask, _name_spans(st), trace)


# "J.S.", "K.T.", "T.J": initials written with dots.
_DOTTED_INITIALS = re.compile(r"(?<![\w.])(?:[A-Z]\.\s?){1,3}[A-Z](?:\.|(?![\w.]))")
# "P. Kowalski", "D WHITE", "J Bloggs": an initial, then a surname.
_INITIAL_SURNAME = re.compile(r"(?<![\w.'’])([A-Z])(\.\s?|\s)([A-Z][A-Za-z'’-]+)")
# "Mum (KT)", "dad (Ajay)": initials or a name in brackets after a family or role word.
_ROLE_INITIALS = re.compile(
    r"\b(?:"
    + "|".join(sorted((CONTEXT_WORDS | {"perpetrator", "victim", "ex"}) - _NAMING_WORDS, key=len))
    + r")(?:'s)?\s*\(\s*"
    r"([A-Za-z][A-Za-z'-]{1,30}(?:\s+[A-Za-z][A-Za-z'-]{1,30}){0,2})\s*\)",
    re.IGNORECASE,
)
# A nickname after a naming phrase, a capitalised word before it too: "everyone calls him Big
# Mo", "the lads call him Tiny", "aka Scouse Rob", "goes by Tank"; in quotes, any case: "known
# locally as 'tank'".
_CALLS_HIM = r"\bcall(?:s|ed|ing)?\s+(?:him|her|them|me|himself|herself)\s+"
_NAMING_PHRASE = (
    r"\b(?:known\s+(?:locally\s+"
    r"|round\s+here\s+|around\s+here\s+|on\s+the\s+streets?\s+|to\s+(?:everyone|friends|police"
    r"|us|them|the\s+police)\s+)?as|aka|a\.k\.a\.?|goes\s+by|go\s+by|went\s+by|going\s+by"
    r"|nicknamed|nickname\s+(?:is|was))\s+"
)
_NICKNAME = re.compile(
    r"(?:"
    + _CALLS_HIM
    + r"|"
    + _NAMING_PHRASE
    + r")['‘\"“]?([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})"
)
# Quoted and in lower case, only after a naming phrase: "calls her 'honey'" is an endearment.
_NICKNAME_QUOTED = re.compile(
    _NAMING_PHRASE + r"['‘\"“]([A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){0,2})['’\"”]"
)
# "Kelly A": a single capital after a name (not the pronoun I), then no more letters.
_TRAILING_INITIAL = re.compile(r"\s([A-HJ-Z])\.?(?![\w'’&/])")


def _free(mask: bytearray, start: int, end: int) -> bool:
    return 1 not in mask[start:end]


def _acronym_letters(ctx: _Ctx, letters: str) -> bool:
    return ctx.is_keep(letters.lower()) or letters.lower() in _NOT_INITIALS


def _dotted_initials(
    text: str, ctx: _Ctx, mask: bytearray, names: list[Candidate]
) -> list[Candidate]:
    """Two or more dotted letters are someone's initials: "M.P.", "K.T." (not "N.B.")."""
    out = []
    for m in _DOTTED_INITIALS.finditer(text):
        letters = re.sub(r"[^A-Z]", "", m.group())
        abbreviation = letters.lower() in _NOT_INITIALS or (
            len(letters) > 2 and _acronym_letters(ctx, letters)
        )
        if len(letters) >= 2 and _free(mask, m.start(), m.end()) and not abbreviation:
            out.append(Candidate(m.start(), m.end(), "NAME", P_NAME))
    return out


def _initial_surnames(
    text: str, ctx: _Ctx, mask: bytearray, names: list[Candidate]
) -> list[Candidate]:
    """An initial, then a surname: "P. Kowalski", "D WHITE", "J Bloggs"."""
    out = []
    for m in _INITIAL_SURNAME.finditer(text):
        letter, gap, word = m.group(1), m.group(2), m.group(3)
        if letter in "AI" and "." not in gap:
            continue  # "A Smith fan", "I Will" are not initials
        low = word.lower()
        surname = (
            ctx.is_surname(low) or not ctx.is_english(low) or (word.isupper() and len(word) >= 3)
        )
        if surname and not ctx.is_keep(low) and low not in STOPWORDS and _free(mask, *m.span()):
            out.append(Candidate(m.start(), m.end(), "NAME", P_NAME))
    return out


def _kept_in_brackets(ctx: _Ctx, word: str, low: str, single: bool) -> bool:
    """A bracketed word that rules out a name: "Mum (the)", "Dad (SW)" (not "Dad (WILL)")."""
    person = ctx.is_first(low) or ctx.is_surname(low)  # "Dad (Jun)", "Mum (Islam)"
    alone = single and low in ctx.lex.ambiguous  # "Dad (WILL)"
    return (low in STOPWORDS and not alone) or (_acronym_letters(ctx, word) and not person)


def _role_initials(
    text: str, ctx: _Ctx, mask: bytearray, names: list[Candidate]
) -> list[Candidate]:
    """Initials or a name in brackets after a family or role word: "Mum (KT)", "dad (Ajay)"."""
    out = []
    for m in _ROLE_INITIALS.finditer(text):
        words = m.group(1).split()
        lows = [w.lower() for w in words]
        single = len(words) == 1
        if not _free(mask, *m.span(1)) or any(
            _kept_in_brackets(ctx, w, low, single) for w, low in zip(words, lows, strict=True)
        ):
            continue
        initials = len(words) == 1 and words[0].isupper() and len(words[0]) <= 3
        if initials or any(
            ctx.is_first(low) or ctx.is_surname(low) or not ctx.is_english(low) for low in lows
        ):
            out.append(Candidate(m.start(1), m.end(1), "NAME", P_NAME_CONTEXT))
    return out


def _nicknames(text: str, ctx: _Ctx, mask: bytearray, names: list[Candidate]) -> list[Candidate]:
    """A nickname after a naming phrase: "everyone calls him Big Mo", "goes by Tank"."""
    out = []
    for m in [*_NICKNAME.finditer(text), *_NICKNAME_QUOTED.finditer(text)]:
        words = m.group(1).split()
        lows = [w.lower() for w in words]
        if (
            lows[0] in STOPWORDS
            or lows[0] in _NOT_INITIALS
            or all(ctx.is_keep(low) or low in CONTEXT_WORDS or low in TITLES for low in lows)
        ):
            continue  # "calls him Dad", "known as The ..."
        if _free(mask, *m.span(1)):
            out.append(Candidate(m.start(1), m.end(1), "NAME", P_NAME_CONTEXT))
    return out


def _trailing_initials(
    text: str, ctx: _Ctx, mask: bytearray, names: list[Candidate]
) -> list[Candidate]:
    """A single capital that finishes a name found: "Kelly A"."""
    out = []
    for cand in names:
        trailing = _TRAILING_INITIAL.match(text, cand.end)
        if trailing and _free(mask, *trailing.span(1)):
            out.append(Candidate(cand.start, trailing.end(), "NAME", cand.priority))
    return out


_InitialFinder = Callable[[str, _Ctx, bytearray, list[Candidate]], list[Candidate]]
# The passes over the text after the words, in order.
_INITIAL_FINDERS: tuple[tuple[str, _InitialFinder], ...] = (
    ("dotted_initials", _dotted_initials),
    ("initial_surname", _initial_surnames),
    ("role_initials", _role_initials),
    ("nickname", _nicknames),
    ("trailing_initial", _trailing_initials),
)

#: The passes that run after :data:`NAME_RULES`, in order: over the words found (extending a
#: name over its surname...), then over the text (initials, nicknames). Names as in
#: :class:`RuleHit`.
NAME_PASSES: tuple[tuple[str, str], ...] = tuple(
    (name, (run.__doc__ or "").strip().splitlines()[0]) for name, run in _PASSES + _INITIAL_FINDERS
)


def _with_initials(
    text: str, ctx: _Ctx, mask: bytearray, names: list[Candidate], trace: list[RuleHit] | None
) -> list[Candidate]:
    """Add names written as initials, and initials that finish a name ("Kelly A")."""
    out = list(names)
    for rule, finder in _INITIAL_FINDERS:
        found = finder(text, ctx, mask, names)
        out.extend(found)
        if trace is not None:
            trace.extend(RuleHit(c.start, c.end, rule, True) for c in found)
    return out
