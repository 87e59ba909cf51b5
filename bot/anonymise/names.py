"""Layer 5: names of people, from word lists plus context.

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
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.anonymise.lexicon import Lexicon, lexicon
from bot.anonymise.locations import is_sentence_start
from bot.anonymise.spans import Candidate

__all__ = [
    "NAME_PASSES",
    "NAME_RULES",
    "NOT_A_NAME",
    "NameRule",
    "RuleHit",
    "find_names",
]

P_NAME_CONTEXT = 60
P_NAME = 45

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+(?:['’][^\W\d_]+)*)*")

TITLES = frozenset(
    """mr mrs ms miss mx dr dc ds di dci dsi dsu det pc pcso sgt sergeant insp inspector cllr
    councillor prof professor nurse rev revd reverend judge sir dame constable detective""".split()
)
# "Nurse Practitioner", "PC Support": role words after a title-like word are not surnames.
_ROLE_AFTER_TITLE = frozenset(
    """practitioner practitioners specialist specialists manager managers lead leads consultant
    consultants advisor adviser assistant assistants officer officers support team teams
    training manual""".split()
)
# Titles that are also everyday words: a title only before a capitalised or known name.
_WEAK_TITLES = frozenset({"miss", "nurse", "judge", "sir", "dame", "pc", "ds", "di", "det"})

CONTEXT_WORDS = frozenset(
    """mum mummy mother mom dad daddy father stepdad stepmum stepfather stepmother step-dad
    step-mum brother sister son daughter baby child boy girl toddler infant twin sibling
    stepbrother stepsister half-brother half-sister colleague manager supervisor worker teacher
    tutor head headteacher senco dsl pupil student nan nana nanny grandma grandad granddad
    grandpa granny grandmother grandfather gran aunt auntie aunty uncle cousin niece nephew
    partner boyfriend girlfriend husband wife ex ex-partner fiance fiancé fiancee friend mate
    neighbour carer nurse midwife visitor officer interpreter paediatrician doctor consultant
    practitioner lead chair advocate mentor coordinator co-ordinator therapist psychologist
    counsellor receptionist caseworker called named nicknamed aka foster guardian lodger
    landlord landlady housemate flatmate childminder keyworker key-worker grandson
    granddaughter godmother godfather""".split()
)
# "told kayden", "spoke to kayden", "asked jo": a lower-case unknown word after these is a name.
_VERB_CONTEXT = frozenset(
    """told asked rang phoned called emailed texted messaged met visited contacted tell ask ring
    phone email text message visit contact visiting seeing saw""".split()
)
_VERB_TO = frozenset(
    """spoke speak speaking spoken talked talk talking met meeting chatted chat worked working
    sat sitting""".split()
)
_COPULA = frozenset({"is", "was", "has", "had", "'s"})
_COPULA_PERSON = re.compile(
    r"\s+(?:never\s+|not\s+|n't\s+)?(?:been\s+)?(?:only\s+|just\s+|now\s+|nearly\s+|almost\s+"
    r"|about\s+|very\s+|really\s+|quite\s+|so\s+|always\s+|often\s+|still\s+|never\s+)?"
    # "Summer is doing better at school"
    r"(?:\d|aged\b|doing\s+(?:really\s+|much\s+|so\s+|a\s+lot\s+|quite\s+)?(?:well|better|worse"
    r"|ok|okay|fine|great|badly|brilliantly|amazingly|alright|good)\b|(?:one|two|three|four|"
    r"five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    r"eighteen|nineteen|twenty)\b|born\b|seen\b|taken\b|removed\b|placed\b|referred\b|"
    r"excluded\b|living\b|staying\b|crying\b|upset\b|scared\b|frightened\b|withdrawn\b|"
    r"absent\b|hit\b|hurt\b|injured\b|bruised\b|told\b|asked\b|arrested\b|charged\b|"
    r"known\b|in\s+year\b|a\s+(?:baby|boy|girl|toddler|child|teenager|pupil)\b|"
    r"in\s+(?:foster\s+|residential\s+|kinship\s+)?care\b|on\s+a\s+(?:cp|cin|child\s+protection)\b|"
    r"looked\s+after\b|pregnant\b|in\s+hospital\b|subject\s+to\b|"
    # how a person is described in a case note ("Sky was quiet", "Frank was frank with me")
    r"(?:quiet|tearful|anxious|angry|happy|sad|tired|hungry|late|subdued|unkempt|aggressive"
    r"|hostile|guarded|defensive|evasive|polite|rude|calm|drunk|intoxicated|honest|open|frank"
    r"|cooperative|chatty|shy|clingy|distressed|agitated|worried|off\s+school|on\s+the\s+cp"
    r"|on\s+a\s+plan|spoken\s+to|seen\s+alone|heard|listened\s+to|asked)\b"
    r"|\w+\s+with\s+(?:me|us|staff|the\s+(?:sw|hv|worker|teacher))\b|"
    # an injury on someone, someone somewhere in a home ("Precious had a graze", "Storm was in
    # the room during the argument")
    r"(?:a|an)\s+(?:\w+\s+)?(?:graze|cut|bruise|bruises|mark|marks|burn|scratch|injury"
    r"|nosebleed|black\s+eye|split\s+lip|lump|bump|rash)\b|"
    r"in\s+(?:the|her|his|their)\s+(?:room|bedroom|house|flat|car|kitchen|garden|lounge"
    r"|classroom|class|bath|cot|pushchair)\b|"
    # "Blessing is the one who disclosed", "Ray is mum's new partner", "Sam is her eldest"
    r"the\s+one\s+(?:who|that)\b|(?:mum|dad|mother|father|her|his|their|my|our|the)(?:'s)?"
    r"\s+(?:new\s+|ex\s+|older\s+|younger\s+|eldest\s+|youngest\s+|oldest\s+|middle\s+|best\s+"
    r"|closest\s+|close\s+|old\s+|school\s+|family\s+)?"
    r"(?:partner|boyfriend|girlfriend|husband|wife|son|daughter|child|brother|sister|dad|mum"
    r"|father|mother|ex|friend|cousin|uncle|aunt|carer|neighbour|eldest|youngest|oldest)\b)",
    re.IGNORECASE,
)
# After "has"/"had" and an adverb, what a person has done ("Bill has always brought the kids");
# not for months and seasons ("Summer has always brought more referrals").
_HAS_DONE = re.compile(
    r"\s+(?:always\s+|never\s+|often\s+|just\s+|already\s+|usually\s+|sometimes\s+"
    r"|regularly\s+|recently\s+|also\s+)+(?:brought|collected|picked|dropped|cared|looked\s+after"
    r"|supported|used|lived|stayed|visited|attended|missed|refused|denied|admitted|disclosed|said"
    r"|told|wanted|hated|loved|liked|rung|phoned|texted|called|hit|shouted|protected|minded"
    r"|babysat|fed|bathed|taken|come|gone|turned\s+up|shown\s+up|engaged|struggled)\b",
    re.IGNORECASE,
)
# A modal, then what a person may do: "May may be moving to her aunt's", "Will might stay".
_MODAL_PERSON = re.compile(
    r"\s+(?:may|might|will|would|could|should|can|must)\s+(?:not\s+|now\s+|still\s+|also\s+)?"
    r"(?:be\s+(?:moving|staying|living|going|coming|returning|visiting|starting|placed|taken"
    r"|removed|discharged|excluded|released|collected|seen|back|home|pregnant)"
    r"|(?:move|stay|live|go|come|return)\s+(?:to|with|in|back|home|into|at)|have\s+(?:moved"
    r"|left|gone|told|said))\b",
    re.IGNORECASE,
)
# "Dawn - that's the SW", "Jade - mum's friend": a dash, then who the person is.
_DASH_ROLE = re.compile(
    r"\s*[-–—]\s*(?:(?:that's|that\s+is|she's|he's|she\s+is|he\s+is|who's|who\s+is)\s+)?"
    r"(?:the|our|my|her|his|their|mum's|dad's)\s+(?:[\w'’-]+\s+){0,2}?"
    r"(?:sw|hv|dsl|gp|senco|iro|pcso|isva|idva|social\s+worker|health\s+visitor|"
    + "|".join(
        sorted(CONTEXT_WORDS - {"called", "named", "nicknamed", "aka"}, key=len, reverse=True)
    )
    + r")\b",
    re.IGNORECASE,
)
NAME_VERBS_AFTER = frozenset(
    """said says told tells disclosed went came asked lives lived attends
    attended moved wants wanted refused left stayed stays started ran cried shouted hit showed
    seemed rang phoned called texted messaged emailed admitted denied explained reported
    confirmed agreed arrived turned kept got gets became felt feels thinks thought knew knows
    works worked does did didn't doesn't isn't wasn't hasn't hadn't won't wouldn't can't
    couldn't goes lied hid hides saw sees looks looked mentioned answered noticed collected
    dropped picked missed returned shouted screamed laughed smiled hugged pushed grabbed kicked
    slapped threatened presented engaged declined accepted needs loves likes hates believes
    wrote sent spoke talked visited walked sleeps eats plays appeared remains remained
    drew draws starts started hides hid sleeps slept cries watches watched
    struggles struggled tried tries opened closed answers""".split()
)
STOPWORDS = frozenset(
    """the a an and or but of to in on at for with by from is was were be been are has had have
    do did this that these those it its he she they them his her their my our your we i you me
    us him who which what when where why how not no so as if then than there here all any some
    every each very just also only about after before over under again will would can could
    should may might must shall said told yes ok okay please thanks thank""".split()
)
# Capitalised words that often follow a first name in title-case text but are not surnames.
_NOT_SURNAME = frozenset(
    """primary school academy nursery surgery practice college hospital centre hub team house
    road street lane close avenue way drive said told and or but""".split()
)
_PLURAL_ACRONYM = re.compile(r"^[A-Z]{2,}s$")  # "ATMs", "GPs", "DSLs"
# Words before an unknown lower-case word that weakly suggest a person follows.
_WEAK_BEFORE = frozenset(
    """with and see saw seen seeing visited visiting met meeting asked tell told called""".split()
)
_NAMING_WORDS = frozenset({"called", "named", "nicknamed", "aka", "calls"})
_DETERMINERS = frozenset("the a an our their your my its every each".split())
_MONTH_NAMES = frozenset({"may", "april", "june", "august"})
_MONTH_CONTEXT_BEFORE = frozenset(
    """in of since until till during by from last next this early late mid end beginning start
    throughout before after""".split()
)
_SEASON_NAMES = frozenset({"summer", "autumn", "spring"})
_SEASONS_AND_MONTHS = frozenset(
    """summer autumn spring winter january february march april may june july august september
    october november december""".split()
)
_SEASON_AFTER = frozenset(
    "term terms holiday holidays half-term half break fair camp school club".split()
)
# Capitalised words that follow an ambiguous name in fixed phrases that are not people.
_NOT_PERSON_AFTER = {
    "sky": frozenset({"news", "tv", "sports", "broadband", "high"}),
    "hope": frozenset({"centre", "house", "project", "trust"}),
}
_ROLE_IN_BRACKETS = re.compile(
    r"\s*\(\s*(?:(?:maternal|paternal|step|great|older|younger|elder|eldest|youngest|family"
    r"|big|little|half|ex|new)[\s-]+)?(?:mum|dad|mother|father|stepdad|stepmum|nan|nana|gran"
    r"|grandmother|grandfather|grandma|grandad|brother|sister|partner|boyfriend|girlfriend|child"
    r"|baby|son|daughter|aunt|auntie|uncle|cousin|friend|neighbour|carer|sibling|niece|nephew"
    r"|ex|ex-partner|husband|wife|sw|hv|dsl|worker|teacher)\s*\)",
    re.IGNORECASE,
)
# Said of a person straight after a name: a school year, care status.
_PERSON_AFTER = re.compile(
    r",?\s+(?:(?:is|was)\s+)?(?:in|from|starts|started)\s+(?:year\s+\d|reception\b|nursery\b"
    r"|(?:foster\s+|residential\s+|kinship\s+)?care\b)",
    re.IGNORECASE,
)
_AGE_AFTER = re.compile(
    r"\s*(?:,\s*|\(\s*)(?:aged\s+)?\d{1,2}(?:\s?(?:yrs?|yo|y/o|years?|mths?|months?|wks?|weeks?))?\b|\s+\d{1,2}(?=\s*(?:[,.;)]|$|and\b|&))"
    r"|\s+\d{1,2}\s?(?:yrs?|yo|y/o|years?|mths?|months?)\b"
)
# ", the older brother's friend", ", our neighbour,": a person described after a comma.
_APPOSITION_ROLE = re.compile(
    r",\s+(?:the|her|his|their|our|my|mum's|dad's)\s+(?:[\w'’-]+\s+){0,2}?(?:"
    + "|".join(sorted(CONTEXT_WORDS - _NAMING_WORDS, key=len))
    + r")(?:'s)?\b",
    re.IGNORECASE,
)
# Words that can follow a name at the start of a sentence: "Sky was quiet", "Heather at the
# nursery noticed", "Amber and the baby", "River who is 4".
_AFTER_OPENING_NAME = frozenset(
    """is was has had at from with who will would could can should did does didn't
    doesn't isn't wasn't hasn't hadn't won't can't couldn't also still never always then now
    just only often""".split()
)
# Kin words that coordinate with a name ("mum and ray", "rojda and her son").
_KIN = frozenset(
    """mum dad mother father nan nana gran grandma grandad granny grandmother grandfather
    brother sister son daughter baby partner boyfriend girlfriend husband wife aunt auntie uncle
    cousin stepdad stepmum sibling siblings children kids child twins niece nephew""".split()
)
# "DJ (short for Darren-James)", "KT (aka Katie)": initials explained in brackets.
_SHORT_FOR = re.compile(
    r"\s*\(\s*(?:short\s+for|aka|a\.k\.a\.?|known\s+as|full\s+name|real\s+name)\b", re.IGNORECASE
)
# "ST, older sister (15), says": initials opening a line, then who the person is.
_INITIALS_ROLE = re.compile(
    r",\s+(?:(?:older|younger|big|little|eldest|youngest|oldest|middle|half|step|maternal"
    r"|paternal|elder|twin|baby)[\s-]+)?(?:mum|dad|mother|father|brother|sister|son|daughter"
    r"|sibling|nan|gran|grandma|grandad|aunt|auntie|uncle|cousin|partner|boyfriend|girlfriend"
    r"|stepdad|stepmum|friend|neighbour|carer|baby|child)\b",
    re.IGNORECASE,
)
# Dotted letters that are abbreviations, not someone's initials.
_NOT_INITIALS = frozenset(
    """uk us usa eu nb ps am pm eg ie ok dob nfa aka ba ma bsc msc phd re rsvp etc asap""".split()
)
# Words that join two parts of one name ("tran van minh", "Maria da Silva", "Omar bin Laden").
_PARTICLES = frozenset(
    "van von de da di del der den du la le ter bin bint binti ibn abu al el thi ni nic ui".split()
)
_LABEL_GAP = re.compile(r"\s*[:\-]\s*")
_COLLAR_GAP = re.compile(r"\.?\s+\d{2,6}\s+")  # "PC 4471 HUGHES": a collar number
_AFTER_KIN_NAME = frozenset(
    "about at on to from with for who is was has had says said will would did does".split()
)
# Who else says things: a one-letter slip of one of these before "said" is not a name.
_SPEAKERS = frozenset(
    "the they she he we mum dad you it this that who someone everyone nobody staff".split()
)
_NOUN_VERBS = frozenset("contact phone email text message ring visit call".split())
_MODAL_AFTER = frozenset({"will", "would", "did", "does", "is", "was", "has", "had"})
# Form labels before a name: "Mother: HUSSAIN, Rukhsana", "Name - Kayleigh".
_FORM_LABELS = frozenset(
    """name names surname surnames forename forenames mother father mum dad child children
    sibling siblings partner carer alleged perpetrator victim subject""".split()
)
# Modal-like ambiguous names: lower case they are almost always the word ("mum will", "dad may").
_VERBLIKE = frozenset(
    """will may mark hope pat rob sue ray chase grant drew guy bill jack frank sandy art""".split()
)


@dataclass(slots=True)
class _Tok:
    """One word of the text, with the facts the rules need."""

    start: int
    end: int  # end of the base word (a possessive 's is not part of the name)
    full_end: int
    text: str
    lower: str
    cap: bool
    upper: bool
    poss: bool
    initial: bool


def _tokenise(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    for m in _WORD.finditer(text):
        word = m.group()
        poss = len(word) > 2 and word[-2] in "'’" and word[-1] in "sS"
        base = word[:-2] if poss else word
        toks.append(
            _Tok(
                start=m.start(),
                end=m.start() + len(base),
                full_end=m.end(),
                text=base,
                lower=base.lower(),
                cap=base[0].isupper(),
                upper=len(base) > 1 and base.isupper(),
                poss=poss,
                initial=is_sentence_start(text, m.start()),
            )
        )
    return toks


_DERIVATIONAL = frozenset(
    {"al", "ally", "ness", "ment", "ments", "ity", "ities", "ist", "ists", "ism"}
)
_CONTRACTION = re.compile(r"^[a-z]+'(?:m|re|ve|ll|d|s|t)$|^[a-z]+n't$")


def _english_word(word: str, english: frozenset[str]) -> bool:
    """An English word, allowing contractions ("wasn't") and regular inflections ("messaged")."""
    if word in english or _CONTRACTION.match(word):
        return True
    for suffix, repl in (
        ("ies", "y"),
        ("ied", "y"),
        ("es", ""),
        ("s", ""),
        ("ed", ""),
        ("ed", "e"),
        ("ing", ""),
        ("ing", "e"),
        # derivational endings that names almost never have ("Motivational", "readiness")
        ("al", ""),
        ("ally", ""),
        ("ness", ""),
        ("ment", ""),
        ("ments", ""),
        ("ity", ""),
        ("ities", "y"),
        ("ist", ""),
        ("ists", ""),
        ("ism", ""),
    ):
        min_stem = 5 if suffix in _DERIVATIONAL else 3
        if word.endswith(suffix) and len(word) - len(suffix) >= min_stem:
            stem = word[: len(word) - len(suffix)] + repl
            if stem in english:
                return True
            if suffix in ("ed", "ing") and len(stem) >= 4 and stem[-1] == stem[-2]:
                if stem[:-1] in english:  # "stopped" -> "stop"
                    return True
    return False


_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def _edits1(word: str) -> set[str]:
    """Every string one edit (delete, swap, replace, insert) away from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {left + right[1:] for left, right in splits if right}
    out |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    out |= {left + ch + right[1:] for left, right in splits if right for ch in _ALPHABET}
    out |= {left + ch + right for left, right in splits for ch in _ALPHABET}
    return out


def typo_of_english(word: str, english: frozenset[str]) -> bool:
    """True if one edit (delete, swap, replace, insert) turns ``word`` into an English word.

    Lets the weak name cues skip misspellings ("becuase", "freind") while still catching
    unknown names ("leyton", "tymon"). Only run on rare, unknown lower-case words.
    """
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    for left, right in splits:
        if right and left + right[1:] in english:
            return True
        if len(right) > 1 and left + right[1] + right[0] + right[2:] in english:
            return True
        for ch in _ALPHABET:
            if right and left + ch + right[1:] in english:
                return True
            if left + ch + right in english:
                return True
    return False


def _compound_of_english(word: str, english: frozenset[str]) -> bool:
    """True if ``word`` is two English words of 4+ letters run together ("landline")."""
    return any(
        word[:i] in english and _english_word(word[i:], english) for i in range(4, len(word) - 3)
    )


def _parts(word: str) -> list[str]:
    return [p for p in word.split("-") if p]


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


# --- The name rules ---------------------------------------------------------------------------
#
# Whether one word is (part of) a name is decided by an ordered list of small named rules: the
# first rule with a verdict wins. A verdict is a priority (the word is a name), NOT_A_NAME (it is
# not, and no later rule is asked), or None (no opinion: the next rule is asked). Rules that
# look at the same kind of word sit in a group whose test runs once ("a lower-case function
# word", "an acronym"); a group that ends in a NOT_A_NAME rule decides every word it takes.
# :data:`NAME_RULES` lists them all in order, and the evaluator reports which one fired.

#: The verdict of a rule that says the word is not a name (no later rule is asked).
NOT_A_NAME = 0

_AFTER_KIN_NAME_NOT_MODAL = _AFTER_KIN_NAME - _MODAL_AFTER
_MONTH_FOLLOWER = re.compile(r"\s*(?:\d|')")


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
    def coordinated(self) -> bool:
        """Joined by "and" to a name ("jade and kyle")."""
        return _coordinated(self.ctx, self.i, self.found)


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
    i, nxt = w.i, w.nxt
    return (i > 0 and w.ctx.toks[i - 1].lower in _CUES_BEFORE) or (
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
    """A family by its surname, after "the": "the Smiths", "the Okafors"."""
    low, prev = w.low, w.prev
    surname = w.ctx.is_surname(low[:-1]) or (low.endswith("es") and w.ctx.is_surname(low[:-2]))
    if w.tok.cap and prev is not None and prev.lower == "the" and low.endswith("s") and surname:
        return P_NAME
    return None


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
            ("acronym", _acronym),
        ),
    ),
    (None, _rules(("known_first_name", _known_first_name))),
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
            ("verblike_word", _verblike_word),
            ("ambiguous_lower_after_cue", _lower_after_cue),
            ("ambiguous_lower_evidence_after", _lower_evidence_after),
            ("ambiguous_lower_coordinated", _lower_coordinated),
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
    # Second look for words joined by "and" to a name found later ("Ruby and Jade").
    for i in st.todo:
        if i in st.found or st.blocked(toks[i]):
            continue
        if (i >= 1 and toks[i - 1].lower in ("and", "&")) or (
            i + 1 < len(toks) and toks[i + 1].lower in ("and", "&")
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
        if tok.cap or tok.poss or tok.lower not in english or tok.lower in first or tok.lower in sur
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
# Mo", "the lads call him Tiny", "aka Scouse Rob", "goes by Tank".
_NICKNAME = re.compile(
    r"\b(?:call(?:s|ed|ing)?\s+(?:him|her|them|me|himself|herself)|known\s+as|aka|a\.k\.a\.?"
    r"|goes\s+by|go\s+by|went\s+by|going\s+by|nicknamed|nickname\s+(?:is|was))\s+['‘\"“]?"
    r"([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})"
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
    for m in _NICKNAME.finditer(text):
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
