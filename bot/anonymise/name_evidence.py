"""The context a word is judged in: its neighbours, and what after it is said of a person.

:class:`_Ctx` is one message's words with the lexicon, and the small questions the rules and the
passes ask of a word's neighbours ("a role word before?", :meth:`_Ctx.evidence_after`: "does what
follows read as said of a person?"). The functions after it answer a few more ("a surname
follows", "joined by 'and' to a name"), and :class:`_Word` is the word a rule is judging, with
each fact worked out once. The rules (``name_rules.py``) and the passes (``names.py``) share them.
"""

from __future__ import annotations

import re

from bot.anonymise.lexicon import Lexicon
from bot.anonymise.name_words import (
    _AFTER_KIN_NAME,
    _AFTER_OPENING_NAME,
    _AGE_AFTER,
    _APPOSITION_ROLE,
    _COLLAR_GAP,
    _COPULA,
    _COPULA_PERSON,
    _DASH_ROLE,
    _DETERMINERS,
    _FORM_LABELS,
    _HAS_DONE,
    _KIN,
    _LABEL_GAP,
    _MODAL_PERSON,
    _NOT_SURNAME,
    _NOUN_VERBS,
    _PERSON_AFTER,
    _ROLE_IN_BRACKETS,
    _SEASONS_AND_MONTHS,
    _VERB_CONTEXT,
    _VERB_TO,
    CONTEXT_WORDS,
    KIN_ADJECTIVES,
    NAME_VERBS_AFTER,
    STOPWORDS,
    TITLES,
    _compound_of_english,
    _edits1,
    _english_word,
    _parts,
    _Tok,
    typo_of_english,
)


class _Ctx:
    """Per-call view of the tokens plus the lexicon, with the small predicates the rules use."""

    def __init__(self, text: str, toks: list[_Tok], lex: Lexicon) -> None:
        self.text = text
        self.toks = toks
        self.lex = lex

    def gap(self, i: int) -> str:
        """Text between token i-1 and token i."""
        return self.text[self.toks[i - 1].full_end : self.toks[i].start] if i > 0 else ""

    def joined(self, i: int, allow_comma: bool = False) -> bool:
        """Token i follows token i-1 with only spaces between.

        A comma is allowed when asked ("mum, Sarah"); a dot only after a title ("Mr. Smith").
        """
        if i <= 0:
            return False
        gap = self.gap(i)
        if allow_comma:
            gap = gap.replace(",", "", 1)
        if gap.startswith(".") and self.toks[i - 1].lower in TITLES:
            gap = gap[1:]
        return bool(gap) and gap.strip(" \t") == "" and "\n" not in gap

    def prev(self, i: int, allow_comma: bool = False) -> _Tok | None:
        return self.toks[i - 1] if self.joined(i, allow_comma) else None

    def next(self, i: int) -> _Tok | None:
        return self.toks[i + 1] if i + 1 < len(self.toks) and self.joined(i + 1) else None

    def is_first(self, word: str) -> bool:
        parts = _parts(word)
        return bool(parts) and all(p in self.lex.first_names for p in parts)

    def is_ambiguous(self, word: str) -> bool:
        parts = _parts(word)
        return all(p in self.lex.ambiguous for p in parts)

    def is_english(self, word: str) -> bool:
        parts = _parts(word.replace("’", "'"))
        return bool(parts) and all(_english_word(p, self.lex.english) for p in parts)

    def is_keep(self, word: str) -> bool:
        keep = self.lex.keep_words
        if word in keep or word.replace("’", "'") in keep:
            return True
        if "-" not in word:
            return False
        # "DVDS-type", "MASH-led": an allow-listed acronym joined to English words
        # ("Jan-Akin" is a name: no part may be a first name or surname)
        parts = _parts(word)
        return (
            len(parts) > 1
            and parts[0] in keep
            and all(_english_word(p, self.lex.english) for p in parts[1:])
            and not any(p in self.lex.first_names or p in self.lex.surnames for p in parts)
        )

    def is_surname(self, word: str) -> bool:
        return word in self.lex.surnames

    def name_like(self, tok: _Tok) -> bool:
        """A capitalised word that could be part of a name (for extending a full name)."""
        if tok.upper and len(tok.text) <= 4 and not self.is_surname(tok.lower):
            return False
        kept = self.is_keep(tok.lower) and not self.is_surname(tok.lower)  # "Aarav Islam"
        if kept or tok.lower in STOPWORDS or len(tok.text) < 2:
            return False
        if tok.cap:
            return (
                self.is_surname(tok.lower)
                or (self.is_first(tok.lower) and not self.is_ambiguous(tok.lower))
                or not self.is_english(tok.lower)
            )
        return self.is_surname(tok.lower) and not self.is_english(tok.lower)

    def surname_shaped(self, tok: _Tok) -> bool:
        """A capitalised word that reads as a surname after a first name ("Kevin Thorn").

        It may be an English word ("Sarah Wood", "Lee FLINT"), but not a keep word, a short
        acronym or a function word.
        """
        return (
            tok.cap
            and not (tok.upper and len(tok.text) <= 3)
            and len(tok.text) >= 2
            and tok.lower not in STOPWORDS
            and not self.is_keep(tok.lower)
            and tok.lower not in self.lex.places_lower
            and tok.lower not in _NOT_SURNAME
        )

    def known_as(self, i: int) -> bool:
        """After "known as" or "goes by" comes a name, whatever the word ("known as Stoney")."""
        p = self.prev(i)
        if p is None or i < 2:
            return False
        p2 = self.prev(i - 1)
        return p2 is not None and (
            (p.lower == "as" and p2.lower in ("known", "referred"))
            or (p.lower == "by" and p2.lower in ("goes", "go", "went"))
        )

    def context_before(self, i: int) -> bool:
        """A relationship/role word, "called"/"named", or a reporting verb just before token i.

        A form label with a colon counts too ("Mother: HUSSAIN", "Name - Kayleigh").
        """
        if self.label_before(i):
            return True
        p = self.prev(i, allow_comma=True)
        if p is None:
            return False
        if p.lower in CONTEXT_WORDS:
            # "Foster, perp": a capitalised context word mid-sentence is probably a surname.
            return not p.cap or p.upper or p.initial
        if p.lower in ("is", "was", "as") and i >= 2:
            p2 = self.prev(i - 1)
            if p2 is not None and p2.lower in ("name", "named", "called", "known"):
                return True
            # "nan is pat", "her dad was ricky"
            if p2 is not None and p2.lower in CONTEXT_WORDS and (not p2.cap or p2.initial):
                return True
        return False

    def title_before(self, i: int) -> _Tok | None:
        """The title just before token i ("Dr Okafor", "Mr. Smith", "PC 4471 HUGHES"), if any."""
        if i >= 2 and self.toks[i - 1].lower in _IRISH_O and self.joined(i):
            i -= 1  # "mr o brien": the "O" of "O'Brien" typed as a word of its own
        if i <= 0 or self.toks[i - 1].lower not in TITLES:
            return None
        if self.joined(i) or _COLLAR_GAP.fullmatch(self.gap(i)):
            return self.toks[i - 1]
        return None

    def kin_coordinated(self, i: int) -> bool:
        """Token i is joined by "and" to a kin word: "mum and ray", "rojda and her son"."""
        toks = self.toks
        if i >= 2 and toks[i - 1].lower in ("and", "&") and self.joined(i) and self.joined(i - 1):
            if toks[i - 2].lower in _KIN:
                return True
        j = i + 1
        if j < len(toks) and toks[j].lower in ("and", "&") and self.joined(j):
            k = j + 1
            if k < len(toks) and toks[k].lower in ("her", "his", "their") and self.joined(k):
                k += 1
            if (
                k + 1 < len(toks)
                and toks[k].lower in KIN_ADJECTIVES
                and toks[k + 1].lower in _KIN
                and self.joined(k + 1)
            ):
                k += 1  # "autumn and her little brother"
            return k < len(toks) and self.joined(k) and toks[k].lower in _KIN
        return False

    def label_before(self, i: int) -> bool:
        """A form label and a colon just before token i ("Mother: jack", "Name - Sam")."""
        if i <= 0 or not _LABEL_GAP.fullmatch(self.gap(i)):
            return False
        label = self.toks[i - 1].lower
        return label in _FORM_LABELS or label in CONTEXT_WORDS

    def who_is(self, i: int) -> bool:
        """Asking who a person is: "who X was", "who X Y was" ("nobody checked who Dean was")."""
        for first in (i, i - 1):
            if first < 1 or (first < i and not self.joined(i)):
                continue
            p = self.prev(first)
            if p is None or p.lower != "who":
                continue
            for last in (i, i + 1):
                if last < i or last >= len(self.toks) or (last > i and not self.joined(last)):
                    continue
                n = self.next(last)
                if n is not None and n.lower in _COPULA and (last - first) <= 1:
                    return True
        return False

    def verb_before(self, i: int) -> bool:
        """A verb that takes a person just before token i ("told kayden", "spoke to jo").

        A one-letter slip in the verb ("visted cairon") still counts.
        """
        p = self.prev(i)
        if p is None:
            return False
        if p.lower in _VERB_CONTEXT or (
            p.lower not in self.lex.english and _edits1(p.lower) & _VERB_CONTEXT
        ):
            return True
        if p.lower in ("to", "with") and i >= 2:
            p2 = self.prev(i - 1)
            return p2 is not None and p2.lower in _VERB_TO
        return False

    def evidence_after(self, i: int, strict: bool = False) -> bool:
        """What follows token i suggests a person: "said", "(mum)", ", 4,", "and I".

        With ``strict`` (for names that are also words), "is"/"was" count only when followed by
        something said of a person ("was 16", "was seen"), so "Hope is not a plan" survives.
        The checks run in a fixed order, the first that decides answering: the text straight
        after the token, then the next word as a verb or a surname, a copula, the company it
        keeps, and last "and" with another person.
        """
        if self._person_described_after(i):
            return True
        n = self.next(i)
        if n is None:
            return False
        if self._verb_or_surname_after(i, n):
            return True
        if n.lower in _COPULA:
            if not strict:
                return True
            # "Rose was 16", "Summer was seen by the GP" — but not "Hope is not a plan".
            after = self.text[n.full_end : n.full_end + 30]
            return bool(_COPULA_PERSON.match(after))
        if self._role_after(i, n):
            return True
        return self._and_person_after(i, n)

    def _person_described_after(self, i: int) -> bool:
        """The text right after token i describes a person: a role, an age, a place in a family."""
        tok = self.toks[i]
        rest = self.text[tok.full_end : tok.full_end + 40]
        if tok.poss or _ROLE_IN_BRACKETS.match(rest) or _AGE_AFTER.match(rest):
            return True
        if _PERSON_AFTER.match(rest):
            return True  # "Summer in Year 4", "Faith, in foster care"
        if self.kin_coordinated(i):
            return True  # "rojda and her son", "Amber and the baby" (below)
        if _APPOSITION_ROLE.match(rest):
            return True  # "Robin, the older brother's friend, has been staying over"
        # "Dawn - that's the SW", "May may be moving to her aunt's"
        return bool(_DASH_ROLE.match(rest) or _MODAL_PERSON.match(rest))

    def _verb_or_surname_after(self, i: int, n: _Tok) -> bool:
        """The next word ``n`` is something a person does, or a surname after a first name."""
        if n.lower in NAME_VERBS_AFTER:
            return True
        if n.lower == "used" and not self.text.startswith(" to", n.full_end):
            return True  # "Will used the contact to find her" (not "Summer used to be quiet")
        if (
            n.lower in ("has", "had")
            and self.toks[i].lower not in _SEASONS_AND_MONTHS
            and _HAS_DONE.match(self.text, n.full_end)
        ):
            return True  # "Bill has always brought the kids"
        # "Rahima Begum's ...", "Xiaoling Chen (16)"
        return n.cap and self.is_surname(n.lower) and not self.is_english(n.lower)

    def _role_after(self, i: int, n: _Tok) -> bool:
        """Token i is followed by its role or family ("the neighbour", "and the baby")."""
        if n.lower == "from" and i + 2 < len(self.toks) and self.toks[i + 2].lower == "the":
            return True
        if n.lower == "the" and i + 2 < len(self.toks) and self.toks[i + 2].lower in CONTEXT_WORDS:
            return True  # "Bill the neighbour rang"
        if n.lower in ("and", "&") and i + 3 < len(self.toks) and self.joined(i + 2):
            if self.toks[i + 2].lower in ("the", "her", "his") and self.toks[i + 3].lower in _KIN:
                return True  # "Amber and the baby were moved"
        return False

    def _and_person_after(self, i: int, n: _Tok) -> bool:
        """Token i is joined by "and" to "I", "me" or another name ("Amazon and Google" is not)."""
        if n.lower in ("and", "&") and i + 2 < len(self.toks) and self.joined(i + 2):
            m = self.toks[i + 2]
            if m.text in ("I", "me"):
                return True
            if self.is_keep(m.lower):
                return False  # "Amazon and Google"
            return (m.cap and (self.is_first(m.lower) or not self.is_english(m.lower))) or (
                self.is_first(m.lower) and not self.is_ambiguous(m.lower)
            )
        return False


_NEGATED_AUX = frozenset(
    """isn't wasn't doesn't didn't hasn't hadn't won't wouldn't can't couldn't""".split()
)


def _negated_word(ctx: _Ctx, i: int) -> bool:
    """A word opening a sentence before a negated auxiliary, with nothing said of a person after.

    "Price isn't the issue", "Cost wasn't discussed": the word; "Price isn't engaging" is not
    told apart, but "Price wasn't seen" is (what follows is said of a person).
    """
    nxt = ctx.next(i)
    if nxt is None or nxt.lower.replace("’", "'") not in _NEGATED_AUX:
        return False
    return not _COPULA_PERSON.match(ctx.text, nxt.full_end)


def _opens_as_name(ctx: _Ctx, i: int) -> bool:
    """A sentence opens with this word-name and what follows reads as its verb or its company.

    Only for word-names that do not open sentences as ordinary words (see lexicon.openers): a
    bare count noun rarely starts a sentence, so "River was found" is about a person, while
    "Ruby slippers" and "Amber rating" (a noun follows) are not.
    """
    nxt = ctx.next(i)
    if nxt is None or nxt.cap:
        return False
    if nxt.lower in _AFTER_OPENING_NAME or nxt.lower in NAME_VERBS_AFTER:
        return True
    return nxt.lower.endswith("ed") and ctx.is_english(nxt.lower)


def _bare_word_is_a_name(ctx: _Ctx, tok: _Tok) -> bool:
    """In a message of a word or three, whether this word is a name standing alone."""
    low = tok.lower
    if len(low) < 3 or low in STOPWORDS or ctx.is_keep(low) or low in TITLES:
        return False
    if ctx.is_ambiguous(low) or low in CONTEXT_WORDS:
        return False  # "Grace", "Will", "mum" alone are too likely to be the word
    if ctx.is_first(low) or all(ctx.is_surname(part) for part in _parts(low)):
        return not ctx.is_english(low) or tok.cap
    if tok.upper and len(low) <= 5:
        return False  # an acronym ("GDPR", "CAMHS")
    return (
        not ctx.is_english(low)
        and low not in ctx.lex.places_lower
        and (tok.cap or not typo_of_english(low, ctx.lex.english))  # not "skp", "hlep"
        and not _compound_of_english(low, ctx.lex.english)  # "nevermind"
        and not _affixed_english(low, ctx.lex.english)  # "unsubmit", "redisplay"
        and _pronounceable(low)  # not "asdfghjkl", "jfjfjf"
    )


_PREFIXES = ("un", "re", "dis", "non", "pre", "mis", "over", "under", "out", "co")
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "mnbvcxz", "lkjhgfdsa", "poiuytrewq")


def _affixed_english(word: str, english: frozenset[str]) -> bool:
    """An English word with a common prefix ("unsubmit", "redisplay", "noncompliant")."""
    return any(
        word.startswith(prefix) and _english_word(word[len(prefix) :], english)
        for prefix in _PREFIXES
        if len(word) - len(prefix) >= 4
    )


def _pronounceable(word: str) -> bool:
    """Shaped like a name: a vowel, no letter or short unit repeated, no keyboard row."""
    if not any(ch in "aeiouy" for ch in word):
        return False
    if len(set(word)) <= 2 or re.fullmatch(r"(.{1,3})\1{2,}.?", word):
        return False  # "aaaaaaa", "jfjfjf", "lkjlkj"
    return not any(word[:4] in row for row in _KEYBOARD_ROWS)


# "McALISTER", "MacDONALD", "O'NEILL": a surname in capitals after its prefix.
_CAPS_PREFIXED = re.compile(r"^(?:Mc|Mac|O['’]|Fitz|D['’])[A-Z]{2,}(?:['’-][A-Z]+)*$")
# What a surname labels: "the OKAFOR family", "the MBEKI children", "BROWN household".
_FAMILY_WORDS = frozenset(
    "family families children kids household siblings twins boys girls brothers sisters".split()
)
# Words that describe a family rather than name it ("the WHOLE family", "the foster children").
_NOT_FAMILY_NAME = frozenset(
    """whole entire extended foster birth wider same new other host nuclear blended adoptive step
    kinship royal big large young older younger both all two three four five several many local
    poor vulnerable affected looked after other's every each your whose which""".split()
)


def _family_label(ctx: _Ctx, i: int) -> bool:
    """A surname in capitals labelling a family: "Re: OKAFOR family", "the MBEKI children".

    Capitals (or a Mc/Mac/O' prefix before capitals) say it is a name even when it is an
    English word ("the GREEN family") or opens the line; title case counts after "the" or
    "Re" and mid-sentence (the older rule). Acronyms on the allow-list stay ("the CP family").
    """
    tok = ctx.toks[i]
    nxt = ctx.next(i)
    if nxt is None or nxt.lower not in _FAMILY_WORDS or tok.poss:
        return False
    low = tok.lower
    if low in STOPWORDS or low in _NOT_FAMILY_NAME or low in TITLES or len(low) < 2:
        return False
    if ctx.is_keep(low) and not ctx.is_surname(low):
        return False
    if tok.upper or _CAPS_PREFIXED.match(tok.text):
        return len(low) >= 3 or ctx.toks[i - 1].lower == "the" if i > 0 else len(low) >= 3
    prev = ctx.prev(i)
    return tok.cap and prev is not None and prev.lower in ("the", "re")


def _comma_first_name(ctx: _Ctx, i: int) -> bool:
    """Token i is followed by a comma and a known first name: "SURNAME, Firstname"."""
    if i + 1 >= len(ctx.toks) or ctx.gap(i + 1).strip() != ",":
        return False
    first = ctx.toks[i + 1]
    return first.cap and ctx.is_first(first.lower) and not ctx.is_keep(ctx.toks[i].lower)


def _surname_follows(ctx: _Ctx, i: int) -> bool:
    """A surname follows token i, and then what follows a person (or it is no English word).

    "mum will bates at home", "my colleague will miles and I": the word-name is a first name
    because a surname comes next; "mum will price it up" is not.
    """
    nxt = ctx.next(i)
    if nxt is None or not ctx.is_surname(nxt.lower):
        return False
    if not ctx.is_english(nxt.lower):
        return True
    after = ctx.next(i + 1)
    if after is None:
        rest = ctx.text[nxt.full_end : nxt.full_end + 2].lstrip()
        return not rest or rest[0] in ".,;:!?)"
    if after.lower in ("and", "&"):
        speaker = ctx.next(i + 2)
        return speaker is not None and speaker.lower in ("i", "me")
    return after.lower in _AFTER_KIN_NAME or after.lower in NAME_VERBS_AFTER


def _kin_then_name(ctx: _Ctx, i: int) -> bool:
    """A kin word or a person verb, this word, then a verb, a preposition or the clause's end.

    "mum bull about the plan", "dad price rang", "I met cook at the core group": a surname that
    is also a word reads as a name between a kin word (or "met", "told", "spoke to") and what
    follows a person; "mum white british", "dad black eye", "met young people" do not.
    """
    prev = ctx.prev(i)
    if prev is None or prev.poss:
        return False
    # Verbs that are also nouns ("contact page", "phone number", "email address") don't count.
    person_verb = ctx.verb_before(i) and prev.lower not in _NOUN_VERBS
    if not (prev.lower in _KIN or prev.lower in CONTEXT_WORDS or person_verb):
        return False
    tok = ctx.toks[i]
    rest = ctx.text[tok.full_end : tok.full_end + 2]
    if not rest.strip() or rest.lstrip()[:1] in ".,;:!?)":
        return True
    nxt = ctx.next(i)
    if nxt is not None and nxt.lower in ("and", "&"):
        speaker = ctx.next(i + 1)  # "my colleague day and I"
        return speaker is not None and speaker.lower in ("i", "me", "her", "him")
    return nxt is not None and (nxt.lower in NAME_VERBS_AFTER or nxt.lower in _AFTER_KIN_NAME)


def _unknown_surname(ctx: _Ctx, cur: _Tok, nxt: _Tok) -> bool:
    """After a lower-case first name, an unknown lower-case word is its surname ("drita hoxha").

    Not an English word or a typo of one, not a chat word or a role word, at least 3 letters.
    """
    low = nxt.lower
    return (
        ctx.is_first(cur.lower)
        and not ctx.is_ambiguous(cur.lower)
        and len(low) >= 3
        and low not in STOPWORDS
        and not ctx.is_keep(low)
        and low not in ctx.lex.places_lower
        and not typo_of_english(low, ctx.lex.english)
    )


def _bare_possessive(ctx: _Ctx, low: str) -> bool:
    """A first name with a possessive "s" but no apostrophe ("jaydens", "tobis")."""
    if not low.endswith("s") or len(low) < 5:
        return False
    stem = low[:-1]
    return (
        stem in ctx.lex.first_names
        and stem not in ctx.lex.ambiguous
        and not _english_word(stem, ctx.lex.english)
    )


def _coordinated(ctx: _Ctx, i: int, found: dict[int, int]) -> bool:
    """Token i is joined by "and" to a word already judged a name ("jade and kyle")."""
    toks = ctx.toks
    if i >= 2 and toks[i - 1].lower in ("and", "&") and ctx.joined(i) and ctx.joined(i - 1):
        if (i - 2) in found:
            return True
    if i + 2 < len(toks) and toks[i + 1].lower in ("and", "&") and ctx.joined(i + 1):
        if ctx.joined(i + 2):
            other = toks[i + 2]
            if ctx.is_first(other.lower) and not ctx.is_ambiguous(other.lower):
                return True
            if other.cap and not ctx.is_english(other.lower) and not ctx.is_keep(other.lower):
                return True
    return False


_LIST_JOINERS = frozenset(("and", "or", "&"))
_IRISH_O = frozenset(("o",))


def _list_step(ctx: _Ctx, a: int, b: int) -> bool:
    """Tokens a < b are next to each other in a list: "amber, ruby", "ruby or daisy", "x, or y".

    Across a bare comma, the list must go on after b ("amber, ruby or ..."), so that "asked
    amber, then left" or "saw kyle, river levels were high" read as no list.
    """
    toks = ctx.toks
    if b == a + 2 and toks[a + 1].lower in _LIST_JOINERS:
        return ctx.joined(b) and ctx.joined(a + 1, allow_comma=True)
    if b != a + 1 or ctx.gap(b).strip() != "," or "\n" in ctx.gap(b):
        return False
    n = b + 1
    if n >= len(toks):
        return False
    if ctx.gap(n).strip() == ",":
        return True
    return toks[n].lower in _LIST_JOINERS and ctx.joined(n) and n + 1 < len(toks)


def _listed(ctx: _Ctx, i: int, found: dict[int, int]) -> bool:
    """Token i is in a list with a word already judged a name: "amber, ruby or daisy"."""
    for j in (i - 1, i - 2):
        if j >= 0 and j in found and _list_step(ctx, j, i):
            return True
    return any(j in found and _list_step(ctx, i, j) for j in (i + 1, i + 2))


class _Word:
    """Token i, being judged, with the facts several rules ask about, each worked out once."""

    __slots__ = (
        "_context",
        "_english",
        "_evidence",
        "_evidence_strict",
        "_first",
        "_verb_before",
        "_who_is",
        "ctx",
        "found",
        "i",
        "low",
        "nxt",
        "prev",
        "tok",
    )

    def __init__(self, ctx: _Ctx, i: int, found: dict[int, int]) -> None:
        self.ctx = ctx
        self.i = i
        self.found = found
        self.tok = ctx.toks[i]
        self.low = self.tok.lower
        self.prev = ctx.prev(i)
        self.nxt = ctx.next(i)
        self._first: bool | None = None
        self._english: bool | None = None
        self._context: bool | None = None
        self._evidence: bool | None = None
        self._evidence_strict: bool | None = None
        self._verb_before: bool | None = None
        self._who_is: bool | None = None

    @property
    def first(self) -> bool:
        """On the first-name list ("chloe", "Jan-Akin")."""
        if self._first is None:
            self._first = self.ctx.is_first(self.low)
        return self._first

    @property
    def ambiguous(self) -> bool:
        """A first name that is also a word ("Will", "Hope", "Summer")."""
        return self.first and self.ctx.is_ambiguous(self.low)

    @property
    def english(self) -> bool:
        """An English word, inflections and contractions included."""
        if self._english is None:
            self._english = self.ctx.is_english(self.low)
        return self._english

    @property
    def context(self) -> bool:
        """A role or kin word, a naming word or a form label just before ("mum X")."""
        if self._context is None:
            self._context = self.ctx.context_before(self.i)
        return self._context

    @property
    def evidence(self) -> bool:
        """What follows reads as said of a person ("X said", "X (mum)")."""
        if self._evidence is None:
            self._evidence = self.ctx.evidence_after(self.i)
        return self._evidence

    @property
    def evidence_strict(self) -> bool:
        """As :attr:`evidence`, with "is"/"was" counting only before what is said of a person."""
        if self._evidence_strict is None:
            self._evidence_strict = self.ctx.evidence_after(self.i, strict=True)
        return self._evidence_strict

    @property
    def verb_before(self) -> bool:
        """A verb that takes a person just before ("told X", "spoke to X")."""
        if self._verb_before is None:
            self._verb_before = self.ctx.verb_before(self.i)
        return self._verb_before

    @property
    def who_is(self) -> bool:
        """Asked who the person is ("who X was")."""
        if self._who_is is None:
            self._who_is = self.ctx.who_is(self.i)
        return self._who_is

    @property
    def person_verb(self) -> bool:
        """A verb that takes a person before it, or a "who ... was" question around it."""
        return self.verb_before or self.who_is

    @property
    def surname(self) -> bool:
        """On the surname list."""
        return self.low in self.ctx.lex.surnames

    @property
    def known(self) -> bool:
        """On the first-name or the surname list."""
        return self.first or self.low in self.ctx.lex.surnames

    @property
    def after_determiner(self) -> bool:
        """Just after "the", "a", "our"... ("the Amber warning")."""
        return self.prev is not None and self.prev.lower in _DETERMINERS

    @property
    def appositive(self) -> bool:
        """Between commas after a role word: "the worker, bill, did not visit"."""
        ctx, i = self.ctx, self.i
        p = ctx.prev(i, allow_comma=True)
        return (
            p is not None
            and p.lower in CONTEXT_WORDS
            and "," in ctx.gap(i)
            and i + 1 < len(ctx.toks)
            and ctx.gap(i + 1).strip() == ","
        )

    @property
    def listed(self) -> bool:
        """In a list ("," "or" "and") with a name: "amber, ruby or daisy", "jaxon or kaydence"."""
        return _listed(self.ctx, self.i, self.found)

    @property
    def coordinated(self) -> bool:
        """Joined by "and" to a name ("jade and kyle")."""
        return _coordinated(self.ctx, self.i, self.found)
