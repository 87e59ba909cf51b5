"""Layers 2-4: named organisations (schools, surgeries, hospitals), addresses, estates and places.

* Organisations: a capitalised phrase followed by a suffix ("Oakwood Primary", "St Mary's C of E
  School", "Meads Surgery", "Hastings Family Hub", "Conquest Hospital") becomes SCHOOL; so does a
  lower-case one after "at/to/from/attends" ("at hillside children's centre"), unless the words
  before the suffix are generic ("the local primary school", "at secondary school").
* Addresses: a house number (optionally "Flat 7,") + words + a street suffix ("14 Seaview Road",
  "67 Sedlescombe Road North"), a capitalised street without a number ("on Seaview Road"), and
  "Flat 3" on its own.
* Estates: "the Hollington estate" -> "the [PLACE 1] estate" (only the name is replaced).
* Places: the curated list in ``data/places.txt``. County- and country-level names are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from bot.anonymise.lexicon import lexicon, place_matchers
from bot.anonymise.spans import Candidate

__all__ = [
    "GENERIC_ORG_WORDS",
    "OPENERS",
    "find_locations",
    "is_sentence_start",
    "protected_ranges",
]

P_ADDRESS_NUMBERED = 78
P_SCHOOL = 65
P_ESTATE = 56
P_PLACE = 55
P_STREET = 52

# Words that start a sentence or clause and so may sit, capitalised, in front of a real name
# ("Visited Oakwood Primary", "On Seaview Road"): trimmed from the front of a matched phrase.
OPENERS = frozenset(
    """the a an at in on to from with by for of and but so or as if then when after before
    called rang phoned visited emailed spoke met attended contacted went moved our my their his
    her its this that these those yesterday today also both dear hi re per via near outside
    inside behind opposite around about into onto left lives lived live living reflecting
    reflection from during since until while whilst whereas attend attends attending""".split()
)

# Words that on their own do not make an organisation name specific ("the Primary School",
# "Best Practice", "the GP Surgery", "Children's Centre").
GENERIC_ORG_WORDS = frozenset(
    """the a an his her their our my your its this that same other another different new old
    local primary secondary junior juniors infant infants nursery special village grammar high
    boarding private independent state catholic church faith free day community mainstream big
    forest sunday home summer holiday breakfast after before each every any some no one two both
    nearest closest main general district teaching children's childrens children sixth form
    further education dental gp gps medical health maternity mental psychiatric feeder first
    middle upper lower previous current next last former school schools college hospital a&e
    accident emergency and or to at from in with of for on by alternative specialist residential
    outreach pupil referral unit eye reflective social work good best clinical safeguarding
    professional child family youth multi-agency multiagency nhs royal county city dance driving
    language music drama law art film night evening weekend swimming football riding training
    police nursing ballet beauty learning practice surgery academy nursery hub centre team
    service services partnership board review local's council county's national virtual
    hospital's designated named""".split()
)

_CAPW = r"(?:[A-Z][\w'’\-]*|St\.?|&)"
_CONNECT = r"(?:of|and|&|the|on|upon|by|de|la|le)"
_PREFIX = _CAPW + r"(?:\s+(?:" + _CONNECT + r"\s+)?" + _CAPW + r"){0,5}"
_ORG_SUFFIXES = [
    "Primary School",
    "Infant School",
    "Infants School",
    "Junior School",
    "Secondary School",
    "High School",
    "Grammar School",
    "Community School",
    "Special School",
    "Nursery School",
    "Day Nursery",
    "Primary Academy",
    "Medical Centre",
    "Medical Practice",
    "Health Centre",
    "Children's Centre",
    "Children’s Centre",
    "Childrens Centre",
    "Family Hub",
    "Family Centre",
    "Youth Centre",
    "Community Centre",
    "Leisure Centre",
    "Sixth Form",
    "Pupil Referral Unit",
    "School",
    "Academy",
    "Primary",
    "Infants",
    "Juniors",
    "Nursery",
    "Pre-School",
    "Pre-school",
    "Preschool",
    "Playgroup",
    "Surgery",
    "Practice",
    "College",
    "University",
    "Hospital",
    "DGH",
    "Clinic",
    "Church",
    "Mosque",
    "Gurdwara",
    "Synagogue",
]
_ORG_SUFFIX = "(?:" + "|".join(re.escape(s) for s in _ORG_SUFFIXES) + ")"
_ORG = re.compile(r"(?<![\w'’-])(" + _PREFIX + r")\s+(" + _ORG_SUFFIX + r")(?![\w-])")

_ORG_SUFFIXES_LOWER = [
    "primary school",
    "infant school",
    "junior school",
    "children's centre",
    "children’s centre",
    "childrens centre",
    "family hub",
    "medical centre",
    "health centre",
    "school",
    "primary",
    "academy",
    "nursery",
    "pre-school",
    "preschool",
    "surgery",
    "college",
    "hospital",
    "infants",
    "juniors",
]
_ORG_LOWER = re.compile(
    r"\b(?:at|to|from|attends|attended|attending|into|in|with)\s+"
    r"((?:[a-z][\w'’\-]*\s+){1,2}?)"
    r"(" + "|".join(re.escape(s) for s in _ORG_SUFFIXES_LOWER) + r")(?![\w-])"
)

_STREET_SUFFIXES = (
    "Road Rd Street St Avenue Ave Close Lane Way Drive Crescent Gardens Court Place Terrace Grove "
    "Hill Row Walk Mews Square Parade Rise View Vale Chase Green Park Gate Heights Meadow Meadows "
    "Path Wharf Quay Esplanade Promenade Boulevard Hollow Approach Broadway Yard Cl Ln Dr Cres "
    "Gdns Ct Pl Tce Sq"
).split()
_STREET_CORE_LOWER = (
    "road rd street st avenue ave close lane way drive crescent gardens court place terrace grove "
    "hill row walk mews square parade rise"
).split()
_DIRECTION = r"(?:\s+(?:North|South|East|West|Upper|Lower))?"
_FLAT = r"(?:(?:Flat|Apartment|Apt|Unit)\s+\d{1,4}[A-Za-z]?\s*,?\s*)"
_NUM = r"(?:\d{1,4}/)?\d{1,4}[A-Za-z]?"  # "14", "14a", "2/14" (flat 2 at number 14)
_ADDR_WORDS = r"[A-Za-z][\w'’\-]*(?:\s+[A-Za-z][\w'’\-]*){0,3}?"
_ADDRESS_NUMBERED = re.compile(
    r"(?<![\w/.])(?<!\d/)(" + _FLAT + r"?" + _NUM + r",?\s+(" + _ADDR_WORDS + r")\s+"
    r"((?:"
    + "|".join(_STREET_SUFFIXES)
    + r")|(?i:"
    + "|".join(_STREET_CORE_LOWER)
    + r"))"
    + _DIRECTION
    + r")(?![\w-])"
)
_FLAT_THEN_NUMBER = re.compile(
    r"\b(?:Flat|Apartment|Apt|Unit)\s+\d{1,4}[A-Za-z]?\s*,\s*\d{1,4}[A-Za-z]?\s+"
    r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}"
)
_TITLE_WORDS = frozenset(
    "mr mrs ms miss mx dr dc ds pc sgt cllr prof rev nurse sister father".split()
)
_ADDR_STOP = frozenset(
    """the a an and or of to in on at for with by from is was were his her their my our your
    more other times visits visit weeks days years months hours minutes mins minute hour mile
    miles year day week month fold percent point per people children kids adults step steps
    sponsored short long quick brisk different same few many several extra separate""".split()
)
# "Flat 7, Belmont House": a flat in a named building.
_BUILDING = re.compile(
    r"\b(?:Flat|flat|Apartment|apartment|Apt|Unit|Room)\s+\d{1,4}[A-Za-z]?,?\s+"
    r"(?:[A-Z][\w'’\-]*\s+){1,3}(?:House|Court|Lodge|Mansions|Tower|Towers|Point|Heights|Buildings"
    r"|Hall|Cottages?|Farm|Place|Close)\b"
)
_FLAT_ONLY = re.compile(r"\b(?:Flat|flat|Apartment|apartment|Apt)\s+\d{1,4}[A-Za-z]?\b")
_STREET = re.compile(
    r"(?<![\w'’-])((?:[A-Z][\w'’\-]*\s+){1,3})(" + "|".join(_STREET_SUFFIXES) + r")"
    r"(?![\w-])(?!\.?\s+[A-Z][a-z])(" + _DIRECTION + r")"
)
_STREET_GENERIC = frozenset(
    """family crown magistrates magistrates' high county youth supreme appeal coroner's coroners
    safe working early legal car play skate theme national country retail business industrial
    trailer holiday water the a an this that no one every each any some our my their his her
    royal courts court care""".split()
)
# A street in lower case without a number, after a preposition: "on cinder lane", "moved off
# kittiwake close". Only the unambiguous suffixes ("way", "place", "court", "hill" are too often
# the word: "on the way", "in place", "in court"); "close to mum", "walk to school" survive.
_STREET_LOWER = re.compile(
    r"\b(?:on|off|in|at|along|from|near|into|onto|up|down|past|round|around|via|opposite"
    r"|outside|towards)\s+((?:[a-z][a-z'’-]+\s+){1,2}?)(lane|road|street|close|walk"
    r"|avenue|drive|crescent|gardens|grove|terrace|mews|parade|way|rd|st|ave|cres|cl|ln|dr|gdns"
    r")(?![\w-])(?!\.\w)"
)
# Abbreviated street words that are no English word, so need no preposition: "elm rd".
_STREET_ABBREV = re.compile(r"(?<![\w'’-])([a-z][a-z'’-]{2,})\s+(rd|cres|ave|gdns)\.?(?![\w-])")
# A house number in words, then a street: "fourteen elm road", "twenty-two Oak Avenue".
_NUM_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy"
    r"|eighty|ninety|hundred)"
)
_ADDRESS_NUMBER_WORDS = re.compile(
    r"(?<![\w'’-])((?i:" + _NUM_WORD + r"(?:[\s-]+(?:and\s+)?" + _NUM_WORD + r"){0,2}))\s+"
    r"((?:[A-Za-z][a-z'’-]+\s+){1,2}?)((?i:" + "|".join(_STREET_CORE_LOWER) + r"|cres|cl|ln|dr"
    r"|gdns))(?![\w-])"
)
_NOT_STREET_NAME = _ADDR_STOP | frozenset(
    """tonight today tomorrow yesterday sharp am pm ish o'clock oclock hrs mins secs latest
    earliest""".split()
)
# A house number and a street name whose street word was left off, after a word for a home:
# "the house at 14 Elm", "lives at 3 Hazel".
_HOME_AT_NUMBER = re.compile(
    r"\b(?:house|home|flat|address|property|lives|lived|living|live|staying|stays|stayed|moved"
    r"|place)\s+(?:at|on|to)\s+(\d{1,4}[A-Za-z]?\s+(?:The\s+)?[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)?)"
    r"(?![\w'’-])"
)
_STREET_LOWER_NOT = frozenset(
    """quite very so too really fairly pretty more most less memory bus cycle fast slow main back
    side country private public dirt long short school nature sponsored dog night morning
    charity fun test high busy quiet ring slip toll dual open bumpy muddy nice lovely wrong right
    left same one two our his her their your my its this that these those a an the every each
    any some no another other which what whose test-drive own such similar positive negative
    kind certain various sensible safe proper normal usual easy hard good bad better worse best
    worst nicer helpful meaningful honest open structured different two-way one-way""".split()
)
# What may follow a street: the end, punctuation or a small word (not a noun: "close friends").
_STREET_LOWER_AFTER = re.compile(
    r"\s*(?:$|[.,;:!?)\]'\"\n]|(?:last|now|near|and|but|with|in|on|at|when|where|which|since|for"
    r"|from|by|is|was|has|had|yesterday|today|then|so|because|after|before|until|estate|area|flats"
    r"|again|or|all|this|that|who|into|onto|over|during|recently|previously|earlier|originally"
    r")\b)"
)
# A town or a postcode right after a street, with no comma: "acacia avenue hove BN3".
_TOWN_AFTER = re.compile(r"\s*([A-Za-z][\w'’-]*)(?:\s+([A-Za-z][\w'’-]*))?")
_POSTCODE_AFTER = re.compile(r"\s*[A-Za-z]{1,2}\d")
# A number, then "The" and a name, then a town or postcode: "7 The Drove, Peacehaven".
_NUMBER_THE_NAME = re.compile(
    r"(?<![\w/.])(\d{1,4}[A-Za-z]?,?\s+The\s+[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)?),?"
)
_ESTATE = re.compile(r"(?<![\w'’-])((?:[A-Z][\w'’\-]*\s+){1,3})(?:estate|Estate)\b")
# "the hollybush estate", "on hollybush farm", "the ridgeway park estate": a lower-case name that
# is no English word, after "the" or a preposition (the name and its "park"/"hill" go).
_ESTATE_LOWER = re.compile(
    r"\b(?:the|on|at|in|from|off|near|to|onto)\s+([a-z][\w\-]+"
    r"(?:\s+(?:park|hill|green|wood|vale|farm|manor))?)\s+(?:estate|farm)\b"
)
_ESTATE_GENERIC = frozenset(
    """council housing industrial trading business local social private new old real big same
    whole entire large small country landed""".split()
)
# "Child Z", "Adult A", "Parent B", "Sibling 2": the briefing's own pseudonymous labels.
_LABEL = re.compile(
    r"\b(?:Child|Adult|Parent|Sibling|Mother|Father|Baby|Person|Young Person|Family|Carer|Male"
    r"|Female|Man|Woman|Boy|Girl|Professional|Practitioner|Subject)\s+(?:[A-Z]|\d{1,2})(?![\w])"
)
_DATE_WORDS = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday mon tue tues wed thu thur thurs fri sat sun""".split()
)
_SENTENCE_END = ".!?:;\n•·"
_PLACE_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+(?:['’][^\W\d_]+)*)*")


# After a place, words that make it a kind of thing rather than where someone is.
_PLACE_AS_KIND = re.compile(
    r"\s+(?:landline|landlines|accent|accents|area\s+code|dialling\s+code)\b"
)


def _strip_possessive(word: str) -> str:
    """Drop a possessive: "Eastbourne's" -> "Eastbourne"."""
    if len(word) > 2 and word[-2] in "'’" and word[-1] in "sS":
        return word[:-2]
    return word


def is_sentence_start(text: str, index: int) -> bool:
    """True if ``index`` begins a sentence (after ``.!?:;``, a newline, a bullet, or at the start).

    Opening quotes and brackets are skipped, so ``"Reading...`` and ``(Reading...`` count as starts
    when the sentence does.
    """
    i = index - 1
    # Quotes, brackets and Markdown emphasis ("*Xanthe*", "**Pemberton**") are transparent; a
    # "*" or "-" bullet at the start of a line is reached through them as a line start.
    while i >= 0 and text[i] in " \t\"'‘“([*_~`":
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def protected_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges the names and places layers must leave alone.

    The allow-list phrases ("East Sussex", "Brighton and Hove", "Working Together") and the
    briefing's labels ("Child Z", "Adult A").
    """
    ranges = [(m.start(), m.end()) for m in place_matchers().keep_phrases.finditer(text)]
    ranges.extend((m.start(), m.end()) for m in _LABEL.finditer(text))
    return ranges


def _overlaps(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start < r_end and r_start < end for r_start, r_end in ranges)


def _trim_front(text: str, start: int, words: list[str]) -> tuple[int, list[str]]:
    """Drop leading opener words ("Visited", "The", "On") from a capitalised phrase.

    Returns:
        The new start offset and remaining words.
    """
    lex = lexicon()
    english = lex.english
    offset = start
    while words:
        low = words[0].lower()
        verbish = low in english and low.endswith(("ed", "ing")) and is_sentence_start(text, offset)
        # "11 Sept and Ninfield C of E Primary": a month or other keep word is not part of it
        if low in OPENERS or verbish or low in _DATE_WORDS or low in ("and", "&", "of"):
            nxt = text.find(words[1], offset + len(words[0])) if len(words) > 1 else -1
            if nxt < 0:
                return offset, []
            offset = nxt
            words = words[1:]
        else:
            break
    return offset, words


def _find_orgs(text: str, protected: list[tuple[int, int]]) -> Iterator[Candidate]:
    for m in _ORG.finditer(text):
        start, words = _trim_front(text, m.start(1), m.group(1).split())
        if not words or all(w.lower().strip("'’") in GENERIC_ORG_WORDS for w in words):
            continue
        if (
            m.group(2) == "Practice"
            and m.end() < len(text)
            and re.match(
                r"\s+(?:Review|Reviews|Guidance|Standards|Framework|Manual)\b", text[m.end() :]
            )
        ):
            continue  # "Child Safeguarding Practice Review"
        if _overlaps(start, m.end(), protected) and all(
            w.lower() in lexicon().keep_words or w.lower() in GENERIC_ORG_WORDS for w in words
        ):
            continue
        yield Candidate(start, m.end(), "SCHOOL", P_SCHOOL)
    for m in _ORG_LOWER.finditer(text):
        words = m.group(1).split()
        if any(w.lower() in GENERIC_ORG_WORDS or w.lower() in OPENERS for w in words):
            continue
        yield Candidate(m.start(1), m.end(2), "SCHOOL", P_SCHOOL - 3)


# "St Aldric's", "st aldrics": a saint's name on its own is a school, church or hospital (a
# saint's town such as St Leonards is a place; "St Patrick's Day" is a date word).
_SAINT = re.compile(
    r"(?<![\w'’-])(?:St|st|ST|Saint|saint)\.?\s+([A-Za-z][a-z]+(?:['’]s|s|['’]))(?![\w'’-])"
    r"(?!\s+(?:Day|day|Eve|eve|Night|night|Cross|cross|flag|Flag|Road|Street|Lane|Close|Avenue"
    r"|Way|Drive|Place|Square|Park|Hill|Gardens|Terrace|Crescent|Walk)\b)"
)


def _find_saints(text: str, protected: list[tuple[int, int]]) -> Iterator[Candidate]:
    places = lexicon().places_lower
    for m in _SAINT.finditer(text):
        name = m.group(1).rstrip("'’").lower()
        stem = name[:-2] if name.endswith(("'s", "’s")) else name
        if {f"st {stem}", f"st {name}", f"st {stem.rstrip('s')}"} & places:
            continue
        if not _overlaps(m.start(), m.end(), protected):
            yield Candidate(m.start(), m.end(), "SCHOOL", P_SCHOOL - 4)


def _find_addresses(text: str, protected: list[tuple[int, int]]) -> Iterator[Candidate]:
    """Every address shape, in a fixed order: numbered, building or flat, lower-case, named.

    Each shape has its own exclusions, so each is a helper; the order of the candidates is kept
    because equal-priority ties are settled by it.
    """
    yield from _numbered_addresses(text)
    yield from _buildings_and_flats(text)
    yield from _lower_case_streets(text)
    yield from _named_streets(text, protected)


def _numbered_addresses(text: str) -> Iterator[Candidate]:
    """A house number and a street ("14 Seaview Road"), unless the words read as something else."""
    for m in _ADDRESS_NUMBERED.finditer(text):
        if _numbered_street_ok(text, m):
            yield Candidate(m.start(1), m.end(1), "ADDRESS", P_ADDRESS_NUMBERED)


def _numbered_street_ok(text: str, m: re.Match[str]) -> bool:
    """Whether a numbered-address match is a street, not "aged 7 attends St Mary's"."""
    words = m.group(2).split()
    suffix = m.group(3)
    if words and words[0] == "The":
        words = words[1:]  # "3 The Drive"
    if any(w.lower() in _ADDR_STOP for w in words):
        return False
    if suffix[0].isupper() and not all(w[0].isupper() or w in ("of", "on") for w in words):
        return False  # "aged 7 attends St Mary's": a capitalised suffix needs a capitalised street
    # "St Mary's", "Dr Okafor" after a number are a saint or a person, not the street's suffix.
    return not (suffix in ("St", "Dr") and re.match(r"\.?\s+[A-Z][a-z]", text[m.end(3) :]))


def _buildings_and_flats(text: str) -> Iterator[Candidate]:
    """Named buildings and flats: their shapes need no exclusions."""
    for m in _BUILDING.finditer(text):
        yield Candidate(m.start(), m.end(), "ADDRESS", P_ADDRESS_NUMBERED)
    for m in _FLAT_ONLY.finditer(text):
        yield Candidate(m.start(), m.end(), "ADDRESS", P_ADDRESS_NUMBERED - 2)
    for m in _FLAT_THEN_NUMBER.finditer(text):
        # "Flat 2, 41 Seaside": after a flat, a number and a capitalised name are its street.
        yield Candidate(m.start(), m.end(), "ADDRESS", P_ADDRESS_NUMBERED - 1)


def _lower_case_streets(text: str) -> Iterator[Candidate]:
    """A street typed in lower case, only where what follows reads as an address."""
    for m in _STREET_LOWER.finditer(text):
        words = m.group(1).split()
        if any(w in _STREET_LOWER_NOT or w in _ADDR_STOP or w in OPENERS for w in words):
            continue
        if not _street_ends(text, m.end()):
            continue  # "on close terms", "off road parking"
        yield Candidate(m.start(1), m.end(), "ADDRESS", P_STREET)
    yield from _streets_without_cue(text)
    yield from _numbered_the_streets(text)


def _streets_without_cue(text: str) -> Iterator[Candidate]:
    """Streets no preposition announces: "elm rd", "fourteen elm road", "the house at 14 Elm"."""
    keep = lexicon().keep_words
    for m in _STREET_ABBREV.finditer(text):
        word = m.group(1)
        if word in _STREET_LOWER_NOT or word in _ADDR_STOP or word in OPENERS:
            continue
        if _street_ends(text, m.end()):
            yield Candidate(m.start(1), m.end(), "ADDRESS", P_STREET)
    for m in _ADDRESS_NUMBER_WORDS.finditer(text):
        words = [w.lower() for w in m.group(2).split()]
        if any(w in _STREET_LOWER_NOT or w in _ADDR_STOP or w in OPENERS for w in words):
            continue
        if "way" in words or not _street_ends(text, m.end()):
            continue  # "a two way street", "three close friends"
        yield Candidate(m.start(), m.end(), "ADDRESS", P_STREET)
    for m in _HOME_AT_NUMBER.finditer(text):
        words = [w.lower() for w in m.group(1).split()[1:]]
        words = words[1:] if words[0] == "the" and len(words) > 1 else words  # "at 7 The Drove"
        if any(w in _DATE_WORDS or w in keep or w in _NOT_STREET_NAME for w in words):
            continue  # "moved on 14 March" is a date, "home at 10 Tonight" a time
        yield Candidate(m.start(1), m.end(1), "ADDRESS", P_STREET)


def _street_ends(text: str, end: int) -> bool:
    """Whether what follows a street typed without capitals reads as the rest of an address.

    Punctuation or a joining word ("on cinder lane, then", "elm rd now"), or a town or postcode
    with no comma between ("forty two acacia avenue hove", "elm rd bn3 4ab").
    """
    if _STREET_LOWER_AFTER.match(text, end) or _POSTCODE_AFTER.match(text, end):
        return True
    return _town_at(text, end)


def _town_at(text: str, pos: int) -> bool:
    """Whether a listed town (one or two words, any case) starts after spaces at ``pos``."""
    m = _TOWN_AFTER.match(text, pos)
    if not m:
        return False
    places = lexicon().places_lower
    one = m.group(1).lower()
    return one in places or (m.group(2) is not None and f"{one} {m.group(2).lower()}" in places)


def _numbered_the_streets(text: str) -> Iterator[Candidate]:
    """A number and "The Name" before a town or postcode: "7 The Drove, Peacehaven"."""
    for m in _NUMBER_THE_NAME.finditer(text):
        if _town_at(text, m.end()) or _POSTCODE_AFTER.match(text, m.end()):
            yield Candidate(m.start(1), m.end(1), "ADDRESS", P_STREET)


def _named_streets(text: str, protected: list[tuple[int, int]]) -> Iterator[Candidate]:
    """A capitalised street with no number, unless it is generic, a person or protected."""
    for m in _STREET.finditer(text):
        start, words = _trim_front(text, m.start(1), m.group(1).split())
        if not words or words[0].lower() in _STREET_GENERIC:
            continue
        if words[0].lower().rstrip(".") in _TITLE_WORDS:
            continue  # "Mr Green", "Dr Hill": a person (the names layer), not a street
        if _overlaps(start, m.end(), protected):
            continue
        yield Candidate(start, m.end(), "ADDRESS", P_STREET)


def _find_estates(text: str, protected: list[tuple[int, int]]) -> Iterator[Candidate]:
    english = lexicon().english
    for m in _ESTATE.finditer(text):
        start, words = _trim_front(text, m.start(1), m.group(1).split())
        if not words or all(w.lower() in _ESTATE_GENERIC for w in words):
            continue
        end = m.start(1) + len(m.group(1).rstrip())
        if not _overlaps(start, end, protected):
            yield Candidate(start, end, "PLACE", P_ESTATE)
    for m in _ESTATE_LOWER.finditer(text):
        word = m.group(1).split()[0]
        if word not in english and word not in _ESTATE_GENERIC:
            yield Candidate(m.start(1), m.end(1), "PLACE", P_ESTATE)


def _find_places(text: str, protected: list[tuple[int, int]]) -> Iterator[Candidate]:
    index = place_matchers().by_first_word
    words = [
        (m.start(), m.start() + len(_strip_possessive(m.group())), _strip_possessive(m.group()))
        for m in _PLACE_WORD.finditer(text)
    ]
    i = 0
    while i < len(words):
        entries = index.get(words[i][2].lower())
        matched = 0
        for entry in entries or ():
            n = len(entry.words)
            window = words[i : i + n]
            if len(window) < n or any(
                w[2].lower() != e for w, e in zip(window, entry.words, strict=True)
            ):
                continue
            if any(text[a[1] : b[0]].strip(" .") for a, b in pairwise(window)):
                continue  # words must be adjacent ("St. Leonards", not "St, Leonards")
            if entry.exact is not None:
                # "Reading this made me think", "a battle": only "Battle" mid-sentence counts.
                if tuple(w[2] for w in window) != entry.exact or is_sentence_start(
                    text, window[0][0]
                ):
                    continue
            start, end = window[0][0], window[-1][1]
            if _PLACE_AS_KIND.match(text, end):
                matched = n
                break  # "a london landline", "a Brighton accent": a kind of thing, not where
            if not _overlaps(start, end, protected):
                yield Candidate(start, end, "PLACE", P_PLACE)
            matched = n
            break
        i += max(matched, 1)


def find_locations(text: str, protected: list[tuple[int, int]]) -> list[Candidate]:
    """Run the organisation, address, estate and place layers.

    Args:
        text: The original user text.
        protected: Ranges from :func:`protected_ranges` that must survive.

    Returns:
        Candidate spans.
    """
    out: list[Candidate] = []
    out.extend(_find_orgs(text, protected))
    out.extend(_find_saints(text, protected))
    out.extend(_find_addresses(text, protected))
    out.extend(_find_estates(text, protected))
    out.extend(_find_places(text, protected))
    return out
