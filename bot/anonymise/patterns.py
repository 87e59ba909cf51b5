"""Layer 1: structured identifiers found by their shape.

Emails, URLs, social handles, NHS numbers, National Insurance numbers, postcodes, phone numbers,
dates, ages and reference numbers. The principle (ANONYMISATION_NOTES.md) is *shape over
validity*: a fictional, mistyped or Ofcom drama-range number must still go. Validators
(``phonenumbers``, the NHS mod-11 check from ``python-stdnum``) only *raise confidence*: they
decide the placeholder type when a digit run could be either a phone or an NHS number, never
whether it is redacted.

Every regex is compiled at import (cheap, no I/O). ``phonenumbers`` is imported lazily inside the
one function that uses it, so importing the package stays light.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from stdnum.gb import nhs as _nhs

from bot.anonymise.lexicon import lexicon
from bot.anonymise.spans import Candidate

__all__ = [
    "find_structured",
]

# --------------------------------------------------------------------------------------------
# Priorities (see spans.merge): more specific shapes win a tie on length.
# --------------------------------------------------------------------------------------------
P_EMAIL = 100
P_URL = 95
P_HANDLE = 90
P_NUMBER = 85  # NHS, NI, postcode, phone
P_REF_KEYWORD = 84
P_DATE = 80
P_AGE = 75
P_REF_SHAPE = 70
P_NAMED = 65  # a word introduced as a name: "the surname is Bishop", "initials ZQH"

# --------------------------------------------------------------------------------------------
# Emails, URLs, handles
# --------------------------------------------------------------------------------------------
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_TLDS = (
    r"(?:co\.uk|org\.uk|gov\.uk|nhs\.uk|sch\.uk|ac\.uk|police\.uk|net\.uk|me\.uk|ltd\.uk|com|org"
    r"|net|uk|io|ly|be|me|info|biz|tv|co|app|example)"
)
_URL = re.compile(
    r"(?:\bhttps?://|\bwww\.)[^\s<>\"']+"
    r"|(?<![\w@.-])(?:[A-Za-z0-9-]+\.)+" + _TLDS + r"(?:/[^\s<>\"']*)?(?![\w.-]*@)(?![\w])",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")
# A word introduced as someone's name, whatever the word: "the family surname is Bishop",
# "maiden name: Carpenter", "initials ZQH", "goes by the name of Rain".
_NAMED = re.compile(
    r"\b(?:surname|family name|last name|maiden name|first name|forename|middle name|initials"
    r"|goes by the name(?: of)?|by the name(?: of)?)"
    r"(?:\s+(?:is|was|are|were|of))?\s*[:=]?\s*"
    r"((?:[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?|[A-Z]{2,4}\b)(?:\s+[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?)?)"
)
# A username with a four-digit tag, as Discord and some games show them: "tabw#1234".
_HANDLE_TAGGED = re.compile(r"(?<![\w@.#])[A-Za-z0-9_.]{2,32}#\d{4}(?![\w#])")
# "instagram: kayz.2009", "on snapchat as lil_k_x": a platform word, then a username-shaped token
# (with a digit, underscore or dot, so "on snapchat as well" is not one).
_HANDLE_PLATFORM = re.compile(
    r"\b(?:instagram|insta|snapchat|snap|tiktok|twitter|facebook|fb|discord|xbox|psn|gamertag"
    r"|username|user\s+name|handle)\b(?:\s+(?:name|handle|account|id|user|username))?"
    r"\s*(?::|is|was|as|=)?\s*"
    r"@?((?=[A-Za-z0-9_.]*[\d_.])[A-Za-z][A-Za-z0-9_.]{2,29}(?<![.]))",
    re.IGNORECASE,
)
# "kezza_xx2010 on tiktok": a username-shaped token (a digit or underscore in it) before "on
# tiktok"; and any word joined by underscores, which ordinary prose never has ("babygirl_ruby07").
_HANDLE_BEFORE_PLATFORM = re.compile(
    r"(?<![\w@.])((?=[A-Za-z0-9_.]*[\d_])[A-Za-z][A-Za-z0-9_.]{2,29}(?<![.]))\s+(?:on|via)\s+"
    r"(?:instagram|insta|snapchat|snap|tiktok|twitter|facebook|fb|discord|xbox|psn)\b",
    re.IGNORECASE,
)
_HANDLE_UNDERSCORED = re.compile(
    r"(?<![\w@.])[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(?:_+[A-Za-z0-9]+)+_*(?![\w@])"
)
# A document's file name is no handle ("referral_Okafor2024_v3": only the name in it goes).
_FILE_NAME_PART = re.compile(
    r"(?i)(?:^|_)(?:v\d+|final|draft|copy|notes|report|minutes|plan|referral|assessment|review"
    r"|chronology|letter|form|doc|docx|pdf|scan|img|image|photo|screenshot)(?:_|$|\d)"
)

# An email written to dodge a filter: "kelly at example dot com", "kelly{at}gmail{dot}com",
# "kelly (at) hotmail.co.uk", "kelly@@gmail.com", "kelly@gmail" (no top-level domain).
_AT = r"(?:\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+|\s*@@+\s*|\s*@\s+|\s+@\s*|@(?=[A-Za-z0-9-]+\b))"
_DOT = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+|\.)"
# The local part is a run of [\w.+'-] holding a letter or digit, written so the regex can only
# read it one way (up to the first letter or digit, then the rest) and only from the run's start:
# "[\w.+'-]*[A-Za-z0-9][\w.+'-]*" from every start took cubic time on "o'o'o'..." (8.7 s for 1,600
# characters, the whole server waiting).
_EMAIL_OBFUSCATED = re.compile(
    r"(?<![\w.+'-])((?:(?![A-Za-z0-9])[\w.+'-])*[A-Za-z0-9][\w.+'-]*)" + _AT + r"([A-Za-z0-9-]+)"
    r"(?:" + _DOT + r"(?:com|org|net|co|uk|gov|nhs|sch|ac|police|io|me|info|edu|biz)\b)*"
    r"(?=[\s,.;:!?)]|$)",
    re.IGNORECASE,
)
_EMAIL_PROVIDERS = frozenset(
    """gmail googlemail hotmail outlook live yahoo icloud me aol btinternet sky virginmedia
    talktalk protonmail proton mail gmx ymail msn example nhs""".split()
)
# Characters spelled out one by one: "K.e.l.l.y", "9 4 3 4 7 6 5 9 1 9", "B-N-1-1-A-A".
_SPACED = re.compile(r"(?<![\w.-])(?:[A-Za-z0-9][ .\-]){3,}[A-Za-z0-9](?![\w])")
# Digits as words: "oh seven seven oh oh nine ...", "... nine hundred (and) one two three".
_DIGIT_WORD = (
    r"(?:zero|oh|o|one|two|three|four|five|six|seven|eight|nine|hundred(?:\s+and)?"
    r"|(?:double|treble|triple)\s+\w+)"
)
_DIGIT_WORDS = re.compile(
    r"\b" + _DIGIT_WORD + r"(?:[\s,-]+" + _DIGIT_WORD + r"){5,}\b", re.IGNORECASE
)
# A postcode whose outward number is spelled: "BN twenty five 1AB", "tn three four 2 XY". The
# area is in capitals, or a Sussex/Kent/Surrey area in any case; the inward code is as written.
_NUMBER_WORD = (
    r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
    r"|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty"
    r"|seventy|eighty|ninety)"
)
_POSTCODE_SPELLED = re.compile(
    r"(?<![\w'’-])(?:[A-Z]{1,2}|(?i:bn|tn|rh|po|gu|me|ct))[\s-]+((?i:"
    + _NUMBER_WORD
    + r"(?:[\s-]+"
    + _NUMBER_WORD
    + r")?))[\s-]+(?:\d\s?|(?i:"
    + _NUMBER_WORD
    + r")\s+)"
    r"(?!(?i:st|nd|rd|th)\b)[A-Za-z]\s?[A-Za-z](?![\w'’-])"
)
# A username spelled out: "lily dot rose underscore eleven", "j dash smith underscore 99". An
# "underscore" is enough; "dot" or "dash" alone only after a word for an account.
_HANDLE_SPELLED = re.compile(
    r"(?<![\w'’-])[A-Za-z0-9]+(?:\s+(?:underscore|dot|dash|hyphen|period)\s+[A-Za-z0-9]+)+"
    r"(?![\w'’-])",
    re.IGNORECASE,
)
_HANDLE_CUE = re.compile(
    r"\b(?:handle|username|user\s*name|insta|instagram|ig|snap|snapchat|tiktok|twitter|x|account"
    r"|gamertag|profile|discord|telegram|facebook|fb)\b\W*(?:\w+\W+){0,3}$",
    re.IGNORECASE,
)
# Letters written as digits inside a name: "J0hn Sm1th", "K3lly".
_LEET_TOKEN = re.compile(r"(?<![\w'’@$-])(?=[\w@$]*[A-Za-z])(?=[\w@$]*[0134578@$])[\w@$]{3,}")
_LEET = str.maketrans("013457 8@$", "oieast bas")
# Look-alike letters in a run of digits: "07700 9OO 123", "943 476 59l9".
_LOOKALIKE_DIGITS = re.compile(
    r"(?<![\w])(?=[0-9OoIlS ]*\d)(?:[0-9OoIl][ -]?){7,12}[0-9OoIl](?![\w])"
)
# UK vehicle registrations: "AB12 CDE".
_VEHICLE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}\s?[A-Z]{3}(?![A-Za-z0-9])")
# Any case next to a vehicle word: "a car reg ab12cde", "the van was gk15 rtd".
_VEHICLE_ANY_CASE = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}\s?[A-Za-z]{3}(?![A-Za-z0-9])", re.IGNORECASE
)
# Older formats next to a vehicle word: prefix "W12 XYZ", suffix "ABC 123D".
_VEHICLE_OLD = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Za-z]\d{1,3}\s?[A-Za-z]{3}|[A-Z]{3}\s?\d{1,3}[A-Z]?|[A-Z]{2,3}\s?\d{3,4}"
    r")(?![A-Za-z0-9])"
)
_VEHICLE_CUE = re.compile(
    r"\b(?:car|cars|van|vans|reg|registration|vrm|vehicle|vehicles|plate|plates|number\s*plate"
    r"|motorbike|motorcycle|moped|bike|scooter|taxi|lorry|truck|jeep|4x4)\b",
    re.IGNORECASE,
)

# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------
# UK numbers: 0 + 9-10 more digits, any grouping (spaces, hyphens, dots, brackets): "07700 900123",
# "(01632) 960222", "01632-960-099", "0808 157 0192"; and one digit too many, as typed in a hurry
# ("01323 555 0123" is still someone's number: issue 16 attack).
_PHONE_NATIONAL = re.compile(r"(?<![\w+])\(?0[ \-.]?\d(?:[ \-.)(]{0,2}\d){8,10}(?![\d])")
# +44 / 0044 with an optional "(0)": "+44 7700 900987", "+447700900111", "0044 7700 900321".
_PHONE_INTL_UK = re.compile(
    r"(?<![\w+])(?:\+\s?|00)44[ \-.]?(?:\(0\)[ \-.]?)?\(?\d(?:[ \-.)(]{0,2}\d){8,9}(?![\d])"
)
# Other countries' numbers written with a plus: "+48 512 345 678".
_PHONE_INTL = re.compile(r"(?<![\w+])\+\s?[1-9]\d{0,2}(?:[ \-.)(]{0,2}\d){6,12}(?![\d])")
# NHS numbers: 10 digits, "485 777 3456", "485-777-3456" or "4857773456", and any other
# grouping of exactly ten digits ("999 1234 570", "48 5777 3456"): typed as on a letter.
_NHS = re.compile(r"(?<![\w.])\d(?:[ -]?\d){9}(?![\w])")
# Ten digits in any grouping right after an NHS cue: "NHS no. 94 34 76 59 19", "NHS: 943 4765 919",
# "nhs number 9434 765 919", "NHS # 94347 65919".
_NHS_CUED = re.compile(
    r"\bNHS(?:\s*(?:number|num|no\.?|#|id))?\s*(?:[:#=-]|\bis\b|\bwas\b)?\s*"
    r"(\d(?:[ .\-]?\d){9})(?![\w])(?![ .\-]\d)",
    re.IGNORECASE,
)
# National Insurance numbers: two letters, six digits (optionally in pairs), optional A-D suffix.
_NI = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{2})(\s?)(\d{2})\s?(\d{2})\s?(\d{2})(?:\s?([A-Da-d]))?(?![A-Za-z0-9])"
)
# HMRC prefix rules (first letter not D F I Q U V; second not D F I O Q U V), plus the QQ
# prefix used in examples; applied only when the shape is loose (a gap and no suffix letter).
_NI_PREFIX = re.compile(r"^(?:[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]|QQ)$")
_SHORT_WORDS = frozenset(
    "is on at to in of by it an as be do go he if me my no or so up us we am".split()
)
# Full UK postcodes, any case, with or without the space: "BN21 4UG", "bn214ug", "SW1A 1AA".
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{1,2}\d[A-Za-z\d]?)[ -]{0,3}(\d ?[ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2})"
    r"(?![A-Za-z0-9])"
)
_ORDINAL = re.compile(r"^(?:1st|2nd|3rd|[1-9]th)$", re.IGNORECASE)
_SECTION = re.compile(r"^[sS]\d+$")  # s47, s17: a section of the Children Act, not a postcode
# Partial (outward-only) Sussex/Kent/Surrey postcodes written in capitals: "BN21", "TN34".
_OUTWARD = re.compile(r"(?<![A-Za-z0-9])(?:BN|TN|RH|PO|GU|ME|CT)\d{1,2}(?![A-Za-z0-9])")

# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:(?:19|20)\d{2}|'?\d{2})"
# "3rd March 2021", "3 Mar 21", "the 5th of June", "14th feb".
_DATE_DAY_MONTH = re.compile(
    r"\b" + _DAY + r"(?:\s+of)?\s+" + _MONTHS + r"(?:,?\s+" + _YEAR + r")?(?![\w])",
    re.IGNORECASE,
)
# "March 3rd", "March 3rd, 2021", "June 5".
_DATE_MONTH_DAY = re.compile(
    r"\b" + _MONTHS + r"\s+" + _DAY + r"(?:,?\s+(?:19|20)\d{2})?(?![\w:.]\d)(?![\w])",
    re.IGNORECASE,
)
# "March 2021", "Sept 2020" (month and year: specific enough to help re-identify an event).
_DATE_MONTH_YEAR = re.compile(
    r"\b" + _MONTHS + r",?\s+(?:(?:19|20)\d{2}\b|['’]\d{2}\b)", re.IGNORECASE
)
# "born 3 4 2019": day, month and year with spaces; "Christmas Day 2020", "Easter 2019".
_DATE_SPACED = re.compile(r"(?<![\w./-])(\d{1,2}) (\d{1,2}) ((?:19|20)\d{2})(?![\w/-])")
_DATE_HOLIDAY = re.compile(
    r"\b(?:Christmas|Boxing|New\s+Year['’]?s?|Easter|Halloween|Bonfire\s+Night|Valentine['’]?s)"
    r"(?:\s+(?:Day|Eve|Sunday|Monday|Night))?,?\s+(?:19|20)\d{2}\b",
    re.IGNORECASE,
)
# Dates in words: "the third of april twenty fifteen", "dob third april fifteen", "April the
# 3rd". A day in words is an ordinal ("third", "twenty-first"); a year in words is "twenty
# fifteen", "two thousand and fifteen", "nineteen ninety-nine", or one number word after the month.
_UNIT_ORD = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
_DAY_WORD = (
    r"(?:(?:twenty|thirty)[\s-]?" + _UNIT_ORD + r"|" + _UNIT_ORD + r"|tenth|eleventh|twelfth"
    r"|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth"
    r"|thirtieth)"
)
_UNIT_NUM = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_TEEN_NUM = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
_TENS_NUM = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_UPTO99 = (
    r"(?:"
    + _TENS_NUM
    + r"(?:[\s-]"
    + _UNIT_NUM
    + r")?|"
    + _TEEN_NUM
    + r"|(?:oh|o)[\s-]"
    + _UNIT_NUM
    + r")"
)
_YEAR_WORDS_LONG = (
    r"(?:(?:nineteen|twenty)[\s-]"
    + _UPTO99
    + r"|two\s+thousand(?:\s+and)?(?:\s+"
    + _UPTO99
    + r"|\s+"
    + _UNIT_NUM
    + r")?)"
)
# A year in words, or a bare number word ("third april fifteen").
_YEAR_WORDS = r"(?:" + _YEAR_WORDS_LONG + r"|" + _UPTO99 + r")"
_YEAR_ANY = r"(?:(?:19|20)\d{2}|'?\d{2}|" + _YEAR_WORDS + r")"
_DATE_WORD_DAY_MONTH = re.compile(
    r"\b(?:the\s+)?"
    + _DAY_WORD
    + r"(?:\s+of)?,?\s+"
    + _MONTHS
    + r"(?:,?\s+"
    + _YEAR_ANY
    + r")?(?![\w-])",
    re.IGNORECASE,
)
_DATE_MONTH_WORD_DAY = re.compile(
    r"\b" + _MONTHS + r"\s+(?:the\s+)?" + _DAY_WORD + r"(?:,?\s+" + _YEAR_ANY + r")?(?![\w-])",
    re.IGNORECASE,
)
# "3rd, april 2015": an ordinal day, a comma, then the month.
_DATE_DAY_COMMA_MONTH = re.compile(
    r"\b(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th),\s+"
    + _MONTHS
    + r"(?:,?\s+"
    + _YEAR_ANY
    + r")?(?![\w-])",
    re.IGNORECASE,
)
# "april twenty fifteen", "March two thousand and nine", "3 april twenty fifteen": a month and a
# year in words, with a day in digits before it or not.
_DATE_MONTH_YEAR_WORDS = re.compile(
    r"\b(?:" + _DAY + r"(?:\s+of)?,?\s+)?" + _MONTHS + r",?\s+" + _YEAR_WORDS_LONG + r"(?![\w-])",
    re.IGNORECASE,
)
# "3.IV.2015", "3 iv 15": a Roman-numeral month between a day and a year.
_DATE_ROMAN = re.compile(
    r"(?<![\w./-])(?:[12]\d|3[01]|0?[1-9])([./-])(?:XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I"
    r"|xii|xi|x|ix|viii|vii|vi|v|iv|iii|ii|i)\1(?:(?:19|20)\d{2}|\d{2})(?![\w/-])"
)
_LOWER_MODAL = re.compile(r"\b(?:may|mar)\b")
# A word day and "may"/"march" in lower case need "of" or a year: "the second march", "the
# first may be" are no dates.
_LOWER_MONTH_VERB = frozenset(("may", "march", "mar"))
_YEAR_AT_END = re.compile(
    r"(?:\d{2}|\b(?:" + _UNIT_NUM + r"|" + _TEEN_NUM + r"|" + _TENS_NUM + r"|thousand))$"
)
_ORDINAL_OR_YEAR = re.compile(r"\d(?:st|nd|rd|th)\b|\b(?:19|20)\d{2}\b|'\d{2}\b", re.IGNORECASE)
# 12/03/2019, 12.3.19, 21-01-2020, 2019-03-12.
_DATE_NUMERIC = re.compile(r"(?<![\w./-])(\d{1,4})([/.-])(\d{1,2})\2(\d{2,4})(?![\w/-]|\.\d)")
# 12/03 (day/month only); a two-part date needs a slash and a two-digit part, or "on/of" before.
_DATE_SHORT = re.compile(r"(?<![\w./-])(\d{1,2})/(\d{1,2})(?![\w/.]|\.\d)")
_DATE_SHORT_CONTEXT = re.compile(
    r"(?:\bon|\bof|\bdated|\bfrom|\buntil|\bsince|\bby|\bDOB|\bd\.o\.b\.?)\s*:?\s*$", re.IGNORECASE
)

# --------------------------------------------------------------------------------------------
# Ages (only the number is replaced: "aged [AGE 1]", "the [AGE 1]-year-old")
# --------------------------------------------------------------------------------------------
_NUMWORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)"
)
_AGE_NUM = r"(?:\d{1,2}|" + _NUMWORD + r")"
_AGE_AGED = re.compile(
    r"\b(?:aged|age|ages)\s+(" + _AGE_NUM + r"(?:\s*(?:,|and|&|or)\s*" + _AGE_NUM + r")*)\b",
    re.IGNORECASE,
)
_AGE_OLD = re.compile(
    r"\b(" + _AGE_NUM + r")(?:[\s-]*(?:years?|yrs?|months?|mths?|weeks?|wks?)[\s-]*old\b"
    r"|\s?(?:yo|y/o)\b)",
    re.IGNORECASE,
)
_AGE_NUMBER_IN = re.compile(r"\d{1,2}|\b" + _NUMWORD + r"\b", re.IGNORECASE)
# "Leo, 4, ..." / "Ava, 8." / "Joshua (3)" / "twins, 6, at" — a small number set off after a word.
_AGE_APPOSITION = re.compile(
    r"(?<![\w'’-])([A-Za-z][\w'’-]*)(?:,\s*|\s*\(\s*)(\d{1,2})"
    r"(?=\s*[,.;)]|\s+(?:and|at|is|was|who|lives|attends|has|had|in|with|but)\b)"
)
_NOT_AGE_BEFORE = frozenset(
    "point points section page paragraph para recommendation step stage year number no option "
    "item question part chapter level tier room flat unit visits visit times week weeks day days "
    "hours minutes months and or to of the between over under about around than".split()
)
# "Abdirahman is 14 and ...", "she was 13," — a small number after is/was with a person subject.
_AGE_IS = re.compile(
    r"\b(he|she|who|mum|dad|mother|father|brother|sister|son|daughter|baby|boyfriend|girlfriend"
    r"|partner|stepdad|stepmum|child|boy|girl|[A-Z][\w'’-]+)"
    r"(?:\s+(?:is|was|turned|turns)|['’]s)(?:\s+(?:now|only|just|nearly|almost))?"
    r"\s+(\d{1,2}|" + _NUMWORD + r")(?=\s*(?:[,.;)]|$)|\s+(?:and|when|at|now|yet|but|so|with|in"
    r"|years?|months?|himself|herself|themselves|then|herself|at\s+the\s+time)\b)"
)
# ", just 19,": an age set off after a person ("a young dad himself, just 19").
_AGE_JUST = re.compile(
    r"(?:,|-)\s*(?:just|only|aged|still|barely|nearly|almost|maybe|perhaps|about|around|roughly"
    r"|approx\.?|approximately|probably)\s+(\d{1,2})"
    r"(?=\s*(?:[,.;)]|$|and\b|when\b|at\b))"
)
# "baby 18mths", "her brother 7 y/o": a person word, then a number with an age unit.
_AGE_PERSON_UNIT = re.compile(
    r"\b(?:baby|babies|child|son|daughter|boy|girl|brother|sister|toddler|infant|twins?|sibling"
    r"|he's|she's|now|only|just)\s+(\d{1,2})\s?(?:mths|mnths|months?|wks|weeks?|yrs?|years?"
    r"|y/o|yo)\b(?!\s+(?:ago|later|before|after|earlier|since)\b)",
    re.IGNORECASE,
)
# "15 months and not walking": a child's age before a milestone not yet reached.
_AGE_MILESTONE = re.compile(
    r"\b(\d{1,2})\s*(?:months?|mths|mnths|years?|yrs?)\s+(?:old\s+)?(?:and|but)\s+(?:still\s+)?"
    r"(?:not|n't|isn't)\s+(?:yet\s+)?(?:walking|crawling|talking|sitting|babbling|rolling|weaning"
    r"|speaking|standing|toilet|potty|feeding|weight|gaining)",
    re.IGNORECASE,
)
_NOT_AGE_SUBJECT = frozenset(
    "it this that there what which score rating risk level it's here time answer case "
    "number".split()
)

# --------------------------------------------------------------------------------------------
# Reference numbers
# --------------------------------------------------------------------------------------------
_REF_KEYWORD = re.compile(
    r"\b(?:crime\s+(?:ref(?:erence)?|number|no)|ref(?:erence)?|CAD|incident|log|case|"
    r"LCS(?:\s+(?:ref|id|number|no))?|Mosaic(?:\s+(?:id|number|no))?|ID|URN|CRN|PNC(?:\s+id)?|"
    r"MRN|hospital\s+(?:number|no)|occurrence|serial|job|UPN|referral|DA|MARAC"
    r"|(?:collar|warrant|badge|staff|shoulder|payroll|employee)\s+(?:number|num|no\.?|#))"
    r"(?:\s*(?:number|num|no\.?|#|id|ref))?\s*(?:was|is|:|-|=)?\s*"
    r"(?=[A-Za-z]{0,4}[-/]?\d)([A-Za-z]{0,4}[-/]?\d[A-Za-z0-9/-]*\d)(?![\w/])",
    re.IGNORECASE,
)
# Alphanumeric codes: "CS-2021-0045", "DA/2021/00734", "RXC123456", "M-4417", "47/12345/21".
_REF_CODE = re.compile(
    r"(?<![\w@./-])(?=[A-Za-z0-9/-]*\d)[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)*(?![\w@/-])"
)
_NOT_CODE = re.compile(
    r"^(?:\d+(?:st|nd|rd|th|s|am|pm|mg|ml|kg|g|km|m|cm|mm|k|mph|hrs?|h|mins?|yo|yrs?|x|p|ft|lb|lbs)"
    r"|[A-Za-z]{1,3}\d{1,3}|\d{1,3}[A-Za-z]|(?:19|20)\d{2}[-/]\d{2}|\d{1,2}[-/]\d{1,2}"
    r"|covid-?19|[A-Za-z]+-\d{1,3})$",
    re.IGNORECASE,
)
_YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}$")
_LONG_DIGITS = re.compile(r"(?<![\w])\d{6,}(?![\w])")
# A police officer's collar number after the rank, or after the rank and the name: "PC 4471
# HUGHES", "DC 2093", "PC Okonjo 2281".
_COLLAR = re.compile(
    r"\b(?:PC|DC|DS|PS|PCSO|Sgt|Insp|DI|DCI|WPC)\.?\s*(?:[A-Z][\w'’-]+\s+)?(\d{2,6})\b"
)
_NUMBERED = re.compile(r"\b(?:number|num|no\.?|#)\s*[:=-]?\s*$|#\s*$", re.IGNORECASE)
# A number written in groups after a reference word: "crime ref 47230 118 442".
_REF_GROUPS = re.compile(
    r"\b(?:ref(?:erence)?|crime\s+(?:ref|number|no)|incident|log|case|CAD|occurrence|serial)"
    r"(?:\s*(?:number|no\.?|#))?\s*[:#-]?\s*(\d{2,6}(?:[ ./-]\d{2,6}){1,4})(?![\w])",
    re.IGNORECASE,
)
# "LCS 771234", "ESCC 4412093": a system's prefix typed with the number is part of the code (a cue
# word such as CAD, ID or NHS stays outside it).
_PREFIXED_CODE = re.compile(r"(?<![\w/-])([A-Z]{2,5}) (\d{5,})(?![\w/])")
_CUE_PREFIXES = frozenset(
    "CAD ID NHS DA URN CRN PNC MRN UPN MARAC REF NO NI DOB TEL MOB PH".split()
)
# "#40912", "No. 40912": a record number.
_HASH_NUMBER = re.compile(r"(?:#|\bNo\.\s?)(\d{3,})(?![\w])")


def _candidates(
    pattern: re.Pattern[str], text: str, kind: str, priority: int
) -> Iterator[Candidate]:
    """Yield one candidate per regex match (whole match)."""
    for m in pattern.finditer(text):
        yield Candidate(m.start(), m.end(), kind, priority)


def _strip_trailing(text: str, start: int, end: int) -> int:
    """Drop sentence punctuation that a greedy URL match swallowed ("see www.x.org.")."""
    while end > start and text[end - 1] in ".,;:!?)]}'\"":
        end -= 1
    return end


def _digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isdigit())


@lru_cache(maxsize=1)
def _phonenumbers() -> Any:
    """Import ``phonenumbers`` on first use (it loads sizeable metadata)."""
    import phonenumbers

    return phonenumbers


def _is_valid_uk_phone(raw: str) -> bool:
    """True if libphonenumber accepts ``raw`` as a valid GB number (confidence only)."""
    pn = _phonenumbers()
    try:
        return bool(pn.is_valid_number(pn.parse(raw, "GB")))
    except pn.NumberParseException:
        return False


def _ten_digit_type(raw: str, before: str) -> str:
    """Decide NHS_NUMBER vs PHONE vs REFERENCE for a 10-digit run; all of them are redacted.

    The type only changes the placeholder: a leading 0 or a valid GB number means PHONE, a
    passing NHS mod-11 check means NHS_NUMBER, a reference keyword just before means REFERENCE.
    """
    window = before[-30:].lower()
    digits = _digits(raw)
    if "nhs" in window:
        return "NHS_NUMBER"
    if re.search(r"\b(?:ref|reference|crime|cad|incident|case|log|id)\b", window):
        return "REFERENCE"
    if digits.startswith("0") or "phone" in window or "mobile" in window:
        return "PHONE"
    if _nhs.is_valid(digits):
        return "NHS_NUMBER"
    if _is_valid_uk_phone("0" + digits):
        # e.g. "7700 900123" written without its leading zero
        return "PHONE"
    return "NHS_NUMBER"


def _find_numbers(text: str) -> Iterator[Candidate]:
    """Phones, NHS numbers, NI numbers and postcodes."""
    for pat in (_PHONE_INTL_UK, _PHONE_NATIONAL, _PHONE_INTL):
        for m in pat.finditer(text):
            end = m.end()
            if text[m.start()] == "(" and ")" not in m.group():
                start = m.start() + 1
            else:
                start = m.start()
            yield Candidate(start, end, "PHONE", P_NUMBER)
    for m in _NHS.finditer(text):
        kind = _ten_digit_type(m.group(), text[: m.start()])
        yield Candidate(m.start(), m.end(), kind, P_NUMBER + (1 if kind != "PHONE" else 0))
    for m in _NHS_CUED.finditer(text):
        yield Candidate(m.start(1), m.end(1), "NHS_NUMBER", P_NUMBER + 2)
    for m in _NI.finditer(text):
        letters, gap, suffix = m.group(1), m.group(2), m.group(6)
        if (
            gap
            and not suffix
            and (letters.lower() in _SHORT_WORDS or not _NI_PREFIX.match(letters.upper()))
        ):
            continue  # "is 12 34 56", "ID 123456": not an NI number (the number is still a ref)
        yield Candidate(m.start(), m.end(), "NI_NUMBER", P_NUMBER + 1)
    for m in _POSTCODE.finditer(text):
        inward = m.group(2)
        if _ORDINAL.match(inward) and not inward.isupper() and _SECTION.match(m.group(1)):
            continue  # "s47 3rd visit"; but "bn2 4th" is a postcode
        yield Candidate(m.start(), m.end(), "POSTCODE", P_NUMBER)
    yield from _candidates(_OUTWARD, text, "POSTCODE", P_NUMBER - 5)


def _valid_day_month(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def _find_dates(text: str) -> Iterator[Candidate]:
    """Specific dates in numeric and written forms; weekdays, months and years alone are kept."""
    for m in _DATE_NUMERIC.finditer(text):
        a, b, c = m.group(1), m.group(3), m.group(4)
        if len(a) == 4:  # ISO 2019-03-12
            ok = a[:2] in ("19", "20") and _valid_day_month(int(c), int(b))
        else:
            ok = _valid_day_month(int(a), int(b)) or _valid_day_month(int(b), int(a))
            ok = ok and len(a) <= 2
        if ok:
            yield Candidate(m.start(), m.end(), "DATE", P_DATE)
    for m in _DATE_SHORT.finditer(text):
        a, b = m.group(1), m.group(2)
        if m.group() == "24/7" or not _valid_day_month(int(a), int(b)):
            continue
        if len(a) == 2 or len(b) == 2 or _DATE_SHORT_CONTEXT.search(text[: m.start()]):
            yield Candidate(m.start(), m.end(), "DATE", P_DATE - 1)
    for m in _DATE_SPACED.finditer(text):
        if _valid_day_month(int(m.group(1)), int(m.group(2))):
            yield Candidate(m.start(), m.end(), "DATE", P_DATE)
    yield from _candidates(_DATE_HOLIDAY, text, "DATE", P_DATE)
    for pat in (_DATE_DAY_MONTH, _DATE_MONTH_DAY, _DATE_MONTH_YEAR):
        for m in pat.finditer(text):
            if _LOWER_MODAL.search(m.group()) and not _ORDINAL_OR_YEAR.search(m.group()):
                continue  # "2 may attend", "may 2 of them": the verb, not the month
            yield Candidate(m.start(), m.end(), "DATE", P_DATE)
    yield from _dates_in_words(text)


def _dates_in_words(text: str) -> Iterator[Candidate]:
    """Dates written in words or with a Roman month: "the third of april twenty fifteen"."""
    for pat in (_DATE_WORD_DAY_MONTH, _DATE_MONTH_WORD_DAY):
        for m in pat.finditer(text):
            found = m.group()
            words = found.replace(",", " ").split()
            verbish = _LOWER_MONTH_VERB.intersection(words)
            if verbish and "of" not in words and not _YEAR_AT_END.search(found):
                continue  # "the first may be", "the second march": the verb or noun
            yield Candidate(m.start(), m.end(), "DATE", P_DATE)
    for pat in (_DATE_DAY_COMMA_MONTH, _DATE_MONTH_YEAR_WORDS, _DATE_ROMAN):
        for m in pat.finditer(text):
            if pat is _DATE_MONTH_YEAR_WORDS and _LOWER_MODAL.search(m.group()):
                continue  # "may twenty one": "may" is the verb more often than the month
            yield Candidate(m.start(), m.end(), "DATE", P_DATE)


def _find_ages(text: str) -> Iterator[Candidate]:
    """Ages of people: only the number becomes ``[AGE n]``."""
    for m in _AGE_AGED.finditer(text):
        base = m.start(1)
        for n in _AGE_NUMBER_IN.finditer(m.group(1)):
            yield Candidate(base + n.start(), base + n.end(), "AGE", P_AGE)
    for m in _AGE_OLD.finditer(text):
        yield Candidate(m.start(1), m.end(1), "AGE", P_AGE)
    for m in _AGE_APPOSITION.finditer(text):
        word = m.group(1).lower()
        if word in _NOT_AGE_BEFORE or int(m.group(2)) == 0:
            continue
        yield Candidate(m.start(2), m.end(2), "AGE", P_AGE - 5)
    for pat in (_AGE_PERSON_UNIT, _AGE_MILESTONE):
        for m in pat.finditer(text):
            yield Candidate(m.start(1), m.end(1), "AGE", P_AGE)
    for m in _AGE_JUST.finditer(text):
        yield Candidate(m.start(1), m.end(1), "AGE", P_AGE - 5)
    for m in _AGE_IS.finditer(text):
        if m.group(1).lower() in _NOT_AGE_SUBJECT:
            continue
        between = text[m.end(1) : m.start(2)]
        if m.group(2).lower() == "one" and between[:1] in "'’":
            continue  # "the baby's one": the baby's thing, not an age
        yield Candidate(m.start(2), m.end(2), "AGE", P_AGE - 5)


def _find_references(text: str) -> Iterator[Candidate]:
    """Case, crime, incident and system reference numbers."""
    for m in _REF_KEYWORD.finditer(text):
        token = m.group(1)
        numbered = _NUMBERED.search(text, m.start(), m.start(1)) is not None  # "crime no 77"
        if (len(token) < 3 and not numbered) or _YEAR_ONLY.match(token):
            continue  # "log 24 hours", "the DA 2019 incident"
        yield Candidate(m.start(1), m.end(1), "REFERENCE", P_REF_KEYWORD)
    for m in _REF_CODE.finditer(text):
        token = m.group()
        digits = sum(ch.isdigit() for ch in token)
        letters = sum(ch.isalpha() for ch in token)
        if _NOT_CODE.match(token):
            continue
        if (letters and digits >= 3 and len(token) >= 5) or (
            not letters and ("-" in token or "/" in token) and digits >= 6
        ):
            yield Candidate(m.start(), m.end(), "REFERENCE", P_REF_SHAPE)
    yield from _candidates(_LONG_DIGITS, text, "REFERENCE", P_REF_SHAPE - 1)
    for m in _COLLAR.finditer(text):
        yield Candidate(m.start(1), m.end(1), "REFERENCE", P_REF_KEYWORD)
    for m in _REF_GROUPS.finditer(text):
        yield Candidate(m.start(1), m.end(1), "REFERENCE", P_REF_KEYWORD)
    for m in _HASH_NUMBER.finditer(text):
        yield Candidate(m.start(), m.end(), "REFERENCE", P_REF_SHAPE)
    english = lexicon().english
    for m in _PREFIXED_CODE.finditer(text):
        if m.group(1) not in _CUE_PREFIXES and m.group(1).lower() not in english:
            yield Candidate(m.start(), m.end(), "REFERENCE", P_REF_KEYWORD + 1)


def _find_disguised(text: str) -> Iterator[Candidate]:
    """Identifiers written to get past a filter, or typed oddly.

    Obfuscated emails, characters spelled out one by one, digits as words or with look-alike
    letters, vehicle registrations.
    """
    yield from _obfuscated_emails(text)
    yield from _spelled_out(text)
    yield from _vehicle_registrations(text)


def _obfuscated_emails(text: str) -> Iterator[Candidate]:
    """Emails written "name at gmail dot com", or with an "@" but no domain ending."""
    for m in _EMAIL_OBFUSCATED.finditer(text):
        found = m.group(0)
        domain = m.group(2).lower()
        if re.match(r"[\w.-]*/", text[m.end() : m.end() + 80]):
            continue  # "a page at example.com/..." is a web address
        tld = re.search(r"(?:\.|\bdot\b|[\[({<]\s*dot)", found[m.end(1) - m.start() :], re.I)
        plain_at = "@" in found and "@@" not in found and " " not in found
        if plain_at:
            if "." in found.split("@")[-1]:
                continue  # an ordinary email: the EMAIL pattern has it
            yield Candidate(m.start(), m.end(), "EMAIL", P_EMAIL - 1)  # "zq77x@gmail"
        elif domain in _EMAIL_PROVIDERS or tld:
            yield Candidate(m.start(), m.end(), "EMAIL", P_EMAIL - 1)


def _spelled_out(text: str) -> Iterator[Candidate]:
    """Characters spaced out one by one, digits as words, digits with look-alike letters."""
    for m in _SPACED.finditer(text):
        token = re.sub(r"[ .\-]", "", m.group())
        if len(token) >= 5 or (token.isdigit() and len(token) >= 4):
            kind = "REFERENCE" if any(c.isdigit() for c in token) else "NAME"
            yield Candidate(m.start(), m.end(), kind, P_REF_SHAPE)
    for m in _DIGIT_WORDS.finditer(text):
        yield Candidate(m.start(), m.end(), "PHONE", P_REF_SHAPE)
    for m in _LOOKALIKE_DIGITS.finditer(text):
        if any(ch in "OoIl" for ch in m.group()) and sum(c.isdigit() for c in m.group()) >= 5:
            yield Candidate(m.start(), m.end(), "PHONE", P_REF_SHAPE)
    for m in _POSTCODE_SPELLED.finditer(text):
        yield Candidate(m.start(), m.end(), "POSTCODE", P_REF_SHAPE)
    for m in _HANDLE_SPELLED.finditer(text):
        if re.search(r"(?i)\bunderscore\b", m.group()) or _HANDLE_CUE.search(text, 0, m.start()):
            yield Candidate(m.start(), m.end(), "HANDLE", P_REF_SHAPE)
    yield from _leet_names(text)


def _leet_names(text: str) -> Iterator[Candidate]:
    """A listed first name or surname with digits for letters ("J0hn Sm1th", "k3lly")."""
    lex = lexicon()
    for m in _LEET_TOKEN.finditer(text):
        token = m.group().lower()
        letters = sum(ch.isalpha() for ch in token)
        if not token[0].isalpha() or "_" in token or letters <= len(token) - letters:
            continue  # "1am", "P45", "a_1": a time, a form, a username
        for reading in {token.translate(_LEET), token.replace("1", "l").translate(_LEET)}:
            if (
                reading.isalpha()
                and (reading in lex.first_names or reading in lex.surnames)
                and reading not in lex.keep_words
            ):
                yield Candidate(m.start(), m.end(), "NAME", P_REF_SHAPE)
                break


def _vehicle_registrations(text: str) -> Iterator[Candidate]:
    """Number plates: current ones in capitals, others only near a word about a vehicle."""
    for m in _VEHICLE.finditer(text):
        yield Candidate(m.start(), m.end(), "REFERENCE", P_REF_SHAPE)
    for m in _VEHICLE_ANY_CASE.finditer(text):
        window = text[max(0, m.start() - 40) : m.end() + 25]
        if not m.group().isupper() and _VEHICLE_CUE.search(window):
            yield Candidate(m.start(), m.end(), "REFERENCE", P_REF_SHAPE)
    for m in _VEHICLE_OLD.finditer(text):
        letters = "".join(ch for ch in m.group() if ch.isalpha()).lower()
        if letters in lexicon().keep_words:
            continue  # "a CSE 2019 sticker on the car": an acronym and a year
        if _VEHICLE_CUE.search(text[max(0, m.start() - 40) : m.end() + 25]):
            yield Candidate(m.start(), m.end(), "REFERENCE", P_REF_SHAPE)


# Part of an identifier, typed over two messages or only in part (issue-12 attack round: "NHS
# number begins 485 777", then "ends 3456"). A cue names the identifier, and the digits after
# it are part of it however few; a message that only continues one ("ends 3456", "and ends
# 4GT", "321 is the rest") is the rest of it.
_PARTIAL_CUED = re.compile(
    r"\b(?:(?P<nhs>nhs)(?:\s+(?:number|num|no\.?))?|(?P<phone>phone|mobile|mob|tel|landline)"
    r"(?:\s+(?:number|num|no\.?))?|(?P<ref>ni|national\s+insurance|reference|ref|case)"
    r"\s+(?:number|num|no\.?))\s*(?:[:#=-]\s*)?(?:(?:is|was)\s+)?(?:(?:it\s+)?(?:begins|starts"
    r"|starting|beginning|ends|ending|finishes)\s+(?:with\s+|in\s+|on\s+)?)?"
    r"(?P<digits>\d(?:[ .\-]?\d){2,})(?![\w])",
    re.IGNORECASE,
)
_PARTIAL_REST = re.compile(
    r"^\s*(?:(?:and|then|but|so)\s+)?(?:it\s+|the\s+(?:rest|end|last\s+\w+)\s+(?:is\s+)?)?"
    r"(?:ends|ending|finishes|continues|then)?\s*(?:with\s+|in\s+|on\s+)?"
    r"(?P<rest>\d(?:[ .\-]?\d){2,}|\d[A-Za-z]{2})(?![\w])"
    r"(?=\s*(?:[.!?]|$|is\s+the\s+rest\b|at\s+the\s+end\b))",
    re.IGNORECASE,
)


def _find_partial_identifiers(text: str) -> Iterator[Candidate]:
    """Digits after a cue that names an identifier, and a message that is only the rest of one."""
    for m in _PARTIAL_CUED.finditer(text):
        kind = "NHS_NUMBER" if m.group("nhs") else "PHONE" if m.group("phone") else "REFERENCE"
        yield Candidate(m.start("digits"), m.end("digits"), kind, P_REF_KEYWORD)
    rest = _PARTIAL_REST.match(text)
    if rest is not None:
        token = rest.group("rest")
        kind = "POSTCODE" if token[1:].isalpha() else "REFERENCE"
        yield Candidate(rest.start("rest"), rest.end("rest"), kind, P_REF_SHAPE)


def find_structured(text: str) -> list[Candidate]:
    """Run every shape-based detector over ``text``.

    Args:
        text: The original user text.

    Returns:
        Candidate spans (possibly overlapping; :func:`bot.anonymise.spans.merge` resolves them).
    """
    out: list[Candidate] = []
    out.extend(_candidates(_EMAIL, text, "EMAIL", P_EMAIL))
    for m in _URL.finditer(text):
        end = _strip_trailing(text, m.start(), m.end())
        out.append(Candidate(m.start(), end, "URL", P_URL))
    out.extend(_candidates(_HANDLE, text, "HANDLE", P_HANDLE))
    out.extend(_candidates(_HANDLE_TAGGED, text, "HANDLE", P_HANDLE))
    for m in _NAMED.finditer(text):
        out.append(Candidate(m.start(1), m.end(1), "NAME", P_NAMED))
    for m in _HANDLE_PLATFORM.finditer(text):
        out.append(Candidate(m.start(1), m.end(1), "HANDLE", P_HANDLE))
    for m in _HANDLE_BEFORE_PLATFORM.finditer(text):
        out.append(Candidate(m.start(1), m.end(1), "HANDLE", P_HANDLE))
    if "_" in text:
        for m in _HANDLE_UNDERSCORED.finditer(text):
            if not _FILE_NAME_PART.search(m.group()):
                out.append(Candidate(m.start(), m.end(), "HANDLE", P_HANDLE))
    out.extend(_find_disguised(text))
    if any(ch.isdigit() for ch in text):
        out.extend(_find_numbers(text))
        out.extend(_find_dates(text))
        out.extend(_find_ages(text))
        out.extend(_find_references(text))
        out.extend(_find_partial_identifiers(text))
    else:
        out.extend(_find_ages(text))  # "aged seven"
        out.extend(_dates_in_words(text))  # "the third of april twenty fifteen"
    return out
