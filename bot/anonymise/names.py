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
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.anonymise.lexicon import Lexicon, lexicon
from bot.anonymise.locations import is_sentence_start
from bot.anonymise.spans import Candidate

__all__ = [
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
        """
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
        if _DASH_ROLE.match(rest) or _MODAL_PERSON.match(rest):
            return True  # "Dawn - that's the SW", "May may be moving to her aunt's"
        n = self.next(i)
        if n is None:
            return False
        if n.lower in NAME_VERBS_AFTER:
            return True
        if n.lower == "used" and not self.text.startswith(" to", n.full_end):
            return True  # "Will used the contact to find her" (not "Summer used to be quiet")
        if (
            n.lower in ("has", "had")
            and tok.lower not in _SEASONS_AND_MONTHS
            and _HAS_DONE.match(self.text, n.full_end)
        ):
            return True  # "Bill has always brought the kids"
        if n.cap and self.is_surname(n.lower) and not self.is_english(n.lower):
            return True  # "Rahima Begum's ...", "Xiaoling Chen (16)"
        if n.lower in _COPULA:
            if not strict:
                return True
            # "Rose was 16", "Summer was seen by the GP" — but not "Hope is not a plan".
            after = self.text[n.full_end : n.full_end + 30]
            return bool(_COPULA_PERSON.match(after))
        if n.lower == "from" and i + 2 < len(self.toks) and self.toks[i + 2].lower == "the":
            return True
        if n.lower == "the" and i + 2 < len(self.toks) and self.toks[i + 2].lower in CONTEXT_WORDS:
            return True  # "Bill the neighbour rang"
        if n.lower in ("and", "&") and i + 3 < len(self.toks) and self.joined(i + 2):
            if self.toks[i + 2].lower in ("the", "her", "his") and self.toks[i + 3].lower in _KIN:
                return True  # "Amber and the baby were moved"
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


def _decide(ctx: _Ctx, i: int, found: dict[int, int]) -> int | None:
    """Return a priority if token i is (part of) a name, else None."""
    tok = ctx.toks[i]
    low = tok.lower
    if len(tok.text) < 2:
        return None
    if low in STOPWORDS and not tok.cap:
        # "spoke to will", "talked to may", "mum may about the plan": a modal cannot stand
        # there, so it is a name.
        if low in ctx.lex.ambiguous and (ctx.verb_before(i) or ctx.who_is(i)):
            return P_NAME_CONTEXT  # "spoke to will", "checked who may was"
        named = ctx.prev(i)
        if low in ctx.lex.ambiguous and named is not None and named.lower in _NAMING_WORDS:
            return P_NAME_CONTEXT  # "the referral named will as the carer"
        nxt = ctx.next(i)
        if low in ctx.lex.ambiguous and nxt is not None and nxt.lower in NAME_VERBS_AFTER:
            return P_NAME  # "may said she was frightened": no modal before "said"
        if low in ctx.lex.ambiguous and _coordinated(ctx, i, found):
            return P_NAME  # "spoke to grace and will after school"
        copula = ctx.prev(i)
        if (
            low in ctx.lex.ambiguous
            and copula is not None
            and copula.lower in ("is", "was")
            and ctx.context_before(i)
        ):
            return P_NAME_CONTEXT  # "nan is may", "her dad was will"
        if low in ctx.lex.ambiguous and ctx.context_before(i) and nxt is not None:
            if nxt.lower in _AFTER_KIN_NAME - _MODAL_AFTER:
                return P_NAME_CONTEXT
            after = ctx.next(i + 1)
            if nxt.lower in ("and", "&") and after is not None and after.lower in ("i", "me"):
                return P_NAME_CONTEXT  # "my colleague may and I"
            if _surname_follows(ctx, i):
                return P_NAME_CONTEXT  # "visited mum will bates at home"
        return None
    prev = ctx.prev(i)

    # Titles: "Dr Okafor", "mrs patel", "DC Smith", "Nurse Adjei", "PC 4471 HUGHES".
    title = ctx.title_before(i)
    person = ctx.is_first(low) or ctx.is_surname(low)
    if title is not None and (low not in STOPWORDS or (tok.cap and person)):  # "Mrs MAY"
        known = ctx.is_first(low) or ctx.is_surname(low) or not ctx.is_english(low)
        strong = title.lower not in _WEAK_TITLES or title.cap
        acronym = tok.upper and len(tok.text) <= 4 and not known
        role = low in _ROLE_AFTER_TITLE
        if (tok.cap and not acronym and not role and (strong or known)) or (not tok.cap and known):
            return P_NAME_CONTEXT

    if ctx.known_as(i) and low not in STOPWORDS and tok.cap and not ctx.is_keep(low):
        return P_NAME_CONTEXT  # "a man known as Stoney", "goes by Big Dave"
    named = ctx.prev(i)
    if (
        named is not None
        and named.lower in _NAMING_WORDS
        and low not in STOPWORDS
        and low not in TITLES
        and (ctx.is_first(low) or ctx.is_surname(low) or not ctx.is_english(low))
    ):
        return P_NAME_CONTEXT  # "the referral named green", "a man called Islam"
    if ctx.label_before(i) and not ctx.is_keep(low) and low not in TITLES:
        if ctx.is_first(low) or ctx.is_surname(low) or not ctx.is_english(low):
            return P_NAME_CONTEXT  # "Mother: jack", "Father: HASSAN"
    if _family_label(ctx, i):
        return P_NAME_CONTEXT  # "Re: OKAFOR family", "the MBEKI children", "O'NEILL-WARD family"
    if ctx.is_keep(low) or low in TITLES:
        # "mum Jan", "dad Christian", "mum Sun": a kept word that is also a first name or
        # surname, used as one.
        person = low in ctx.lex.first_names or low in ctx.lex.surnames
        if person and low not in CONTEXT_WORDS:
            cues = ctx.context_before(i) or ctx.evidence_after(i, strict=True)
            if cues or ctx.verb_before(i) or ctx.who_is(i):
                return P_NAME_CONTEXT
        return None
    if (tok.upper and len(tok.text) <= 4) or _PLURAL_ACRONYM.match(tok.text):
        # Acronyms (MASH, DSL, LADO...) are not names, unless a context word says so: "mum KT",
        # "Father: ALI" (initials recorded in capitals are a name).
        family = ctx.next(i)
        before_the = ctx.prev(i)
        if (
            family is not None
            and family.lower == "family"
            and before_the is not None
            and before_the.lower == "the"
        ):
            return P_NAME  # "the WARD family"
        if ctx.context_before(i) and not ctx.toks[i - 1].poss:  # not "Mum's NI number"
            initials = tok.upper and len(tok.text) <= 3
            known = ctx.is_first(low) or ctx.is_surname(low)
            if known or initials or (tok.upper and not ctx.is_english(low)):
                return P_NAME_CONTEXT
        person_cue = tok.poss or ctx.evidence_after(i, strict=True)
        if (ctx.is_first(low) or ctx.is_surname(low)) and (
            person_cue or ctx.verb_before(i) or ctx.who_is(i)
        ):
            return P_NAME  # "ABI said she was frightened", "JO's mum"
        if tok.upper and len(low) <= 3 and _coordinated(ctx, i, found):
            return P_NAME  # "AB and CD were seen": initials beside initials
        if tok.upper and len(low) <= 3 and low not in _NOT_INITIALS:
            rest = ctx.text[tok.full_end : tok.full_end + 40]
            if _SHORT_FOR.match(rest) or (tok.initial and _INITIALS_ROLE.match(rest)):
                return P_NAME  # "DJ (short for Darren-James)", "ST, older sister (15), says"
        if (
            tok.upper
            and not ctx.is_english(low)
            and (person_cue or ctx.verb_before(i) or ctx.who_is(i))
        ):
            return P_NAME  # "KAKA said she was frightened", "I met KAKA": unknown, in capitals
        return None

    is_first = ctx.is_first(low)
    is_amb = is_first and ctx.is_ambiguous(low)
    english = ctx.is_english(low)
    context = ctx.context_before(i)

    if is_first and not is_amb:
        return P_NAME_CONTEXT if context else P_NAME
    if tok.upper and context and not is_amb:
        return P_NAME_CONTEXT  # "Carer: WOODS", "dad BAKER": a surname recorded in capitals
    caps = tok.upper or _CAPS_PREFIXED.match(tok.text)
    if caps and len(low) >= 3 and _comma_first_name(ctx, i):
        return P_NAME  # "BROWNE-SMITH, Kai - referral from A&E": surname, then first name

    if is_amb:
        return _decide_ambiguous(ctx, i, found, context)

    if ctx.is_surname(low) and not english:
        return P_NAME
    # "the Smiths", "the Okafors": a family by its surname
    if (
        tok.cap
        and prev is not None
        and prev.lower == "the"
        and low.endswith("s")
        and (ctx.is_surname(low[:-1]) or (low.endswith("es") and ctx.is_surname(low[:-2])))
    ):
        return P_NAME
    # the Mensah family / the Baker family / the smith family
    nxt = ctx.next(i)
    if (
        tok.cap
        and nxt is not None
        and nxt.lower == "family"
        and not tok.initial
        and low not in _NOT_FAMILY_NAME
    ):
        return P_NAME
    if (
        nxt is not None
        and nxt.lower == "family"
        and prev is not None
        and prev.lower == "the"
        and (ctx.is_surname(low) or not english)
    ):
        return P_NAME  # "the smith family", "the hollis family"

    if tok.cap and not english:
        if not tok.initial or tok.poss or context or ctx.evidence_after(i):
            return P_NAME
        return None
    if tok.cap and context and (ctx.is_surname(low) or is_first):
        return P_NAME_CONTEXT  # "mum Bull", "dad Price": a surname that is also a word
    if (
        tok.cap
        and ctx.is_surname(low)
        and (tok.poss or ctx.evidence_after(i, strict=True) or ctx.verb_before(i) or ctx.who_is(i))
        and not (english and tok.initial and _negated_word(ctx, i))
    ):
        return P_NAME  # "Bull said she was frightened", "Price's car", "I met Cook"
    if tok.cap and english and not tok.initial and low not in STOPWORDS:
        # "a man called Hunter", "known as Bear": naming verbs make even a word a name. (Role
        # words are not enough: "Child Safeguarding", "mum Said".)
        p = ctx.prev(i)
        if p is not None and p.lower in _NAMING_WORDS and not p.cap:
            return P_NAME_CONTEXT
    if (
        not tok.cap
        and english
        and (ctx.is_surname(low) or is_first)
        and (_kin_then_name(ctx, i) or ctx.who_is(i))
    ):
        return P_NAME_CONTEXT  # "spoke to mum bull about it", "dad price rang", "who gates was"
    if not tok.cap and english and (ctx.is_surname(low) or is_first) and tok.initial:
        nxt = ctx.next(i)
        if nxt is not None and nxt.lower in NAME_VERBS_AFTER:
            return P_NAME  # "bull said she was frightened": a sentence opens with a surname
    if not tok.cap and not english and len(low) >= 3:
        if context or ctx.verb_before(i) or tok.poss or ctx.kin_coordinated(i) or ctx.who_is(i):
            return P_NAME_CONTEXT
        if _bare_possessive(ctx, low):
            return P_NAME  # "re tobis school place", "jaydens mum"
        before = ctx.prev(i)
        if before is not None and ctx.is_first(before.lower) and ctx.context_before(i - 1):
            return P_NAME_CONTEXT  # "visited mum chase kaka": kin, first name, then this
        after = ctx.next(i)
        if (
            after is not None
            and not after.cap
            and ctx.is_surname(after.lower)
            and not typo_of_english(low, ctx.lex.english)
        ):
            verb = ctx.next(i + 1)
            if not ctx.is_english(after.lower) or (
                verb is not None and verb.lower in NAME_VERBS_AFTER
            ):
                return P_NAME  # "rahima begum", "kaka day said": an unknown word, a surname
        nxt = ctx.next(i)
        before_word = ctx.prev(i)
        if (
            nxt is not None
            and nxt.lower in ("said", "told", "says", "tells")
            and (before_word is None or before_word.lower not in _DETERMINERS)
            and not _compound_of_english(low, ctx.lex.english)
        ):
            if not _edits1(low) & _SPEAKERS:
                return P_NAME  # "then kaze said", "kaze said she was frightened" ("thye said": no)
        if _coordinated(ctx, i, found):
            return P_NAME  # "bronwen and ceri"
        # Weaker cues ("went to see leyton", "with tymon", "leyton was crying") redact an
        # unknown lower-case word unless it looks like a typo of an English word ("teh").
        prev = ctx.prev(i)
        weak = (prev is not None and prev.lower in _WEAK_BEFORE) or (
            nxt is not None and (nxt.lower in NAME_VERBS_AFTER or nxt.lower in _COPULA)
        )
        if (
            weak
            and len(low) >= 4
            and not typo_of_english(low, ctx.lex.english)
            and not _compound_of_english(low, ctx.lex.english)
        ):
            return P_NAME
    return None


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


def _decide_ambiguous(ctx: _Ctx, i: int, found: dict[int, int], context: bool) -> int | None:
    """Names that are also words: "Will", "Hope", "Grace", "May", "Summer", "Jade"."""
    tok = ctx.toks[i]
    low = tok.lower
    prev = ctx.prev(i)
    nxt = ctx.next(i)
    # Months: "in May", "on 4th May", "May 2021" — dates are handled by the patterns layer.
    if low in _MONTH_NAMES:
        if prev is not None and (prev.lower in _MONTH_CONTEXT_BEFORE or prev.text.isdigit()):
            return None
        rest = ctx.text[tok.full_end : tok.full_end + 6]
        if re.match(r"\s*(?:\d|')", rest):
            return None
    if low in _SEASON_NAMES and nxt is not None and nxt.lower in _SEASON_AFTER:
        return None
    if nxt is not None and nxt.lower in _NOT_PERSON_AFTER.get(low, frozenset()):
        return None
    if not tok.cap:
        if tok.poss and (prev is None or prev.lower not in _DETERMINERS):
            return P_NAME
        if ctx.kin_coordinated(i):
            return P_NAME  # "mum and ray had been shouting"
        if (
            nxt is not None
            and nxt.lower in NAME_VERBS_AFTER
            and (prev is None or prev.lower not in _DETERMINERS)
        ):
            return P_NAME  # "mark rang back at 4", "hope said she felt safe", "june said"
        if low in _VERBLIKE:
            # "mum will be there" vs "nan pat said", "nan is pat", "spoke to will": a verb-like
            # name needs a naming context or a verb that takes a person before it.
            if ctx.verb_before(i) or ctx.who_is(i) or (context and ctx.evidence_after(i)):
                return P_NAME_CONTEXT
            if prev is not None and prev.lower in _NAMING_WORDS:
                return P_NAME_CONTEXT  # "the referral named jack", "a man called will"
            if context and _surname_follows(ctx, i):
                return P_NAME_CONTEXT  # "visited mum rob barnes at home"
            if context and nxt is not None and nxt.lower in _AFTER_KIN_NAME - _MODAL_AFTER:
                return P_NAME_CONTEXT  # "spoke to mum jack about it" (not "mum will be")
            p = ctx.prev(i)
            if context and p is not None and p.lower in ("is", "was"):
                return P_NAME_CONTEXT
            return None
        if context or ctx.verb_before(i) or ctx.who_is(i):
            return P_NAME_CONTEXT  # "mum jade", "I met akin", "spoke to ruby", "who jade was"
        if ctx.evidence_after(i, strict=True) and (prev is None or prev.lower not in _DETERMINERS):
            return P_NAME  # "summer was never spoken to alone", "ruby (9)"
        return P_NAME if _coordinated(ctx, i, found) else None
    # Capitalised
    if tok.poss and (prev is None or prev.lower not in _DETERMINERS):
        return P_NAME
    if context:
        return P_NAME_CONTEXT
    if tok.upper:
        # Capitals: "AMBER-ROSE", "JADE SMITH", "AMBER said" are names; "RAG rating AMBER" is
        # not.
        if "-" in tok.text or (nxt is not None and nxt.upper and ctx.name_like(nxt)):
            return P_NAME
        if tok.poss or ctx.evidence_after(i, strict=True) or ctx.verb_before(i) or ctx.who_is(i):
            return P_NAME
        return None
    if not tok.initial:
        if prev is not None and prev.lower in _DETERMINERS:
            return None  # "the Amber warning"
        return P_NAME
    # Sentence-initial: a short name that is not a word ("Bex", "Dom") is a name; a word-name
    # needs evidence ("Rose was 16", "Dawn from the school rang").
    if not ctx.is_english(low):
        return P_NAME
    if ctx.evidence_after(i, strict=True) or _coordinated(ctx, i, found):
        return P_NAME
    if nxt is not None and nxt.cap and ctx.is_surname(nxt.lower):
        return P_NAME
    if low not in ctx.lex.openers and _opens_as_name(ctx, i):
        return P_NAME  # "Sky was quiet at school", "Joy answered the door"
    return None


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


def find_names(
    text: str, protected: list[tuple[int, int]], covered: list[tuple[int, int]]
) -> list[Candidate]:
    """Find names of people.

    Args:
        text: The original user text.
        protected: Allow-listed ranges ("Child Z", "East Sussex") that must survive.
        covered: Ranges already claimed by structured identifiers (emails, URLs...), skipped.

    Returns:
        NAME candidates; a first name and the surname-like words after it form one span.
    """
    lex = lexicon()
    toks = _tokenise(text)
    ctx = _Ctx(text, toks, lex)
    mask = bytearray(len(text))  # 1 = allow-listed or already an email/URL/handle
    for s, e in protected + covered:
        mask[s:e] = b"\x01" * (e - s)

    def is_blocked(tok: _Tok) -> bool:
        return 1 in mask[tok.start : tok.end]

    # Lower-case English words that are neither names nor surnames can never be names by any
    # rule below: skip them up front (most of every message), which keeps a call well under 1 ms.
    english, first, sur = lex.english, lex.first_names, lex.surnames
    todo = [
        i
        for i, tok in enumerate(toks)
        if tok.cap or tok.poss or tok.lower not in english or tok.lower in first or tok.lower in sur
    ]
    found: dict[int, int] = {}
    comma_joined: set[int] = set()
    for i in todo:
        if not is_blocked(toks[i]):
            prio = _decide(ctx, i, found)
            if prio is not None:
                found[i] = prio
    # Second look for words joined by "and" to a name found later ("Ruby and Jade").
    for i in todo:
        if i in found or is_blocked(toks[i]):
            continue
        if (i >= 1 and toks[i - 1].lower in ("and", "&")) or (
            i + 1 < len(toks) and toks[i + 1].lower in ("and", "&")
        ):
            prio = _decide(ctx, i, found)
            if prio is not None:
                found[i] = prio

    # Initials listed before found initials: "RB, LB and baby FB" (right to left, so a chain
    # of them follows the one that was found).
    for i in reversed(todo):
        tok = toks[i]
        if (
            i in found
            or not tok.upper
            or len(tok.text) > 3
            or i + 1 not in found
            or ctx.gap(i + 1).strip() != ","
            or is_blocked(tok)
            or ctx.is_keep(tok.lower)
            or tok.lower in _NOT_INITIALS
        ):
            continue
        listed = toks[i + 1]
        if listed.upper and len(listed.text) <= 3:
            found[i] = P_NAME

    # A message of a word or three with nothing else: a name on its own ("Hollis", "Kelly-Jones",
    # "kaydensmith") is still a name. Ordinary words, role words, commands and their typos
    # ("skp", "mnu") are not.
    if len(toks) <= 3:
        for i, tok in enumerate(toks):
            if i in found or is_blocked(tok) or _bare_word_is_a_name(ctx, tok) is False:
                continue
            found[i] = P_NAME

    # Extend a name over following surname-like words: "Kelly Adams", "tom harris".
    for i in sorted(found):
        j = i
        while j in found and not toks[j].poss:
            nxt = ctx.next(j)
            if nxt is None or j + 1 in found or is_blocked(nxt):
                break
            cur = toks[j]
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
            if (
                ctx.name_like(nxt)
                or lower_surname
                or caps_pair
                or surname_then_verb
                or (solid and ctx.surname_shaped(nxt))
            ):
                found[j + 1] = found[i]
                j += 1
            else:
                break

    # A first name just before a found surname: "akin abdi said", "Will OKAFOR" (backwards, once).
    for i in sorted(found):
        j = i - 1
        if j < 0 or j in found or is_blocked(toks[j]) or not ctx.joined(i) or toks[j].poss:
            continue
        before = toks[j]
        word = before.lower
        kin_name = ctx.is_first(word) and ctx.context_before(j)  # "mum may abdi"
        verb = ctx.next(i)
        said = (  # "Will Kaka said ..." (but "Will Kaka come?" asks about Kaka)
            ctx.is_first(word) and verb is not None and verb.lower in NAME_VERBS_AFTER
        )
        if (word in STOPWORDS and not (kin_name or said)) or ctx.is_keep(word):
            continue
        if word in TITLES or word in _ROLE_AFTER_TITLE:
            continue  # "Dr Okafor": the title stays
        caps_name = (  # "DEN KAKA", "KAKA HUNT": a whole name in capitals
            before.upper and toks[i].upper and (ctx.is_first(word) or not ctx.is_english(word))
        )
        if before.upper and len(word) <= 4 and not (kin_name or caps_name):
            continue
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
        if (first_before or unknown or unknown_lower) and (
            not ctx.is_english(found_word) or ctx.is_surname(found_word)
        ):
            found[j] = found[i]

    # Name particles between two name words: "tran van minh", "Maria da Silva".
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
    # "HUSSAIN, Rukhsana": a surname in capitals, a comma, then the first name.
    for i in sorted(found):
        if (
            i + 1 in found
            and (toks[i].upper or _CAPS_PREFIXED.match(toks[i].text))
            and not toks[i].poss
            and ctx.gap(i + 1).strip() == ","
            and ctx.is_first(toks[i + 1].lower)
        ):
            found[i] = max(found[i], found[i + 1])
            comma_joined.add(i + 1)

    # Adjacent name words become one span.
    out: list[Candidate] = []
    run_start = run_end = -1
    run_prio = 0
    last = -2
    for i in sorted(found):
        tok = toks[i]
        if (
            i == last + 1
            and (ctx.gap(i).strip() == "" or i in comma_joined)
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
    return _with_initials(text, ctx, mask, out)


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


def _with_initials(
    text: str, ctx: _Ctx, mask: bytearray, names: list[Candidate]
) -> list[Candidate]:
    """Add names written as initials, and initials that finish a name ("Kelly A")."""
    out = list(names)

    def free(start: int, end: int) -> bool:
        return 1 not in mask[start:end]

    def acronym(letters: str) -> bool:
        return ctx.is_keep(letters.lower()) or letters.lower() in _NOT_INITIALS

    for m in _DOTTED_INITIALS.finditer(text):
        letters = re.sub(r"[^A-Z]", "", m.group())
        # Two dotted letters are someone's initials ("M.P.") unless an abbreviation ("N.B.").
        abbreviation = letters.lower() in _NOT_INITIALS or (len(letters) > 2 and acronym(letters))
        if len(letters) >= 2 and free(m.start(), m.end()) and not abbreviation:
            out.append(Candidate(m.start(), m.end(), "NAME", P_NAME))
    for m in _INITIAL_SURNAME.finditer(text):
        letter, gap, word = m.group(1), m.group(2), m.group(3)
        if letter in "AI" and "." not in gap:
            continue  # "A Smith fan", "I Will" are not initials
        low = word.lower()
        surname = (
            ctx.is_surname(low) or not ctx.is_english(low) or (word.isupper() and len(word) >= 3)
        )
        if surname and not ctx.is_keep(low) and low not in STOPWORDS and free(*m.span()):
            out.append(Candidate(m.start(), m.end(), "NAME", P_NAME))
    for m in _ROLE_INITIALS.finditer(text):
        words = m.group(1).split()
        lows = [w.lower() for w in words]
        single = len(words) == 1

        def kept(word: str, low: str, single: bool = single) -> bool:
            person = ctx.is_first(low) or ctx.is_surname(low)  # "Dad (Jun)", "Mum (Islam)"
            alone = single and low in ctx.lex.ambiguous  # "Dad (WILL)"
            return (low in STOPWORDS and not alone) or (acronym(word) and not person)

        if not free(*m.span(1)) or any(kept(w, low) for w, low in zip(words, lows, strict=True)):
            continue
        initials = len(words) == 1 and words[0].isupper() and len(words[0]) <= 3
        if initials or any(
            ctx.is_first(low) or ctx.is_surname(low) or not ctx.is_english(low) for low in lows
        ):
            out.append(Candidate(m.start(1), m.end(1), "NAME", P_NAME_CONTEXT))
    for m in _NICKNAME.finditer(text):
        words = m.group(1).split()
        lows = [w.lower() for w in words]
        if (
            lows[0] in STOPWORDS
            or lows[0] in _NOT_INITIALS
            or all(ctx.is_keep(low) or low in CONTEXT_WORDS or low in TITLES for low in lows)
        ):
            continue  # "calls him Dad", "known as The ..."
        if free(*m.span(1)):
            out.append(Candidate(m.start(1), m.end(1), "NAME", P_NAME_CONTEXT))
    for cand in names:
        trailing = _TRAILING_INITIAL.match(text, cand.end)
        if trailing and free(*trailing.span(1)):
            out.append(Candidate(cand.start, trailing.end(), "NAME", cand.priority))
    return out
