"""The words names are judged by: cue word lists, what is said of a person, English words.

Word lists (titles, role and kin words, reporting verbs, stopwords...), the patterns of what
follows a person in a case note ("was 16", "(mum)", ", the neighbour"), the tokeniser that gives
each word the facts the rules need (:class:`_Tok`), and the tests for an English word, a typo of
one, or two run together. Plain data and small functions: nothing here knows about a rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.anonymise.locations import is_sentence_start

__all__ = [
    "CONTEXT_WORDS",
    "NAME_VERBS_AFTER",
    "STOPWORDS",
    "TITLES",
    "typo_of_english",
]

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
    r"|father|mother|ex|friend|cousin|uncle|aunt|carer|neighbour|eldest|youngest|oldest"
    r"|stepdad|stepmum|stepfather|stepmother|nan|gran|grandad|grandma|lodger)\b)",
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
    + r"|eldest|youngest|oldest)(?:'s)?\b",
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
    "about at on to from with for who is was were has had says said will would did does".split()
)
# A word-name followed by a second modal or a past auxiliary is a person: "will would protect
# the kids", "may had gone" (two modals in a row are not English).
NAME_THEN_MODAL = re.compile(
    r"\s+(?:would|could|should|might|must|had|has|was|wasn't|wouldn't|couldn't|didn't|did)\s+(?!be\b)\w",
    re.IGNORECASE,
)
# Adjectives between a possessive and a kin word: "her little brother", "his older sister".
KIN_ADJECTIVES = frozenset(
    "little big older younger elder eldest youngest baby half twin new middle".split()
)
# What someone does while minding a child: "fine with mark looking after them".
PERSON_DOING = frozenset(
    """looking staying living babysitting minding caring watching visiting sleeping""".split()
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


# Longer than any English word or name (the longest in the word lists has 18 letters; a test
# checks none exceeds this): the per-word tests answer such a token at once.
LONGEST_WORD = 40


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

    A word longer than :data:`LONGEST_WORD` plus one is no edit away from any word: it is answered
    at once, so one 5,000-letter "word" costs nothing instead of half a second (the test builds
    every one-edit string, quadratic in the word's length, and the server is single-threaded).
    """
    if len(word) > LONGEST_WORD + 1:
        return False
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
    """True if ``word`` is two English words of 4+ letters run together ("landline").

    The first word is at most :data:`LONGEST_WORD` letters, so only so many splits are tried
    (each split copies the word: trying them all is quadratic in its length).
    """
    return any(
        word[:i] in english and _english_word(word[i:], english)
        for i in range(4, min(len(word) - 3, LONGEST_WORD + 1))
    )


def _parts(word: str) -> list[str]:
    return [p for p in word.split("-") if p]
