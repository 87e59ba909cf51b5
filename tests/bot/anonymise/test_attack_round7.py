"""Round 7 of the black-box attack on the door: classes of identifiers that got through.

Each class has the attacker's sentences, variants written for the class (not the attacker's
strings), and near-misses that must stay as they are: spelled-out dates and Roman months,
spelled-out or partial addresses, lower-case names listed with a name, role words and titles
before a lower-case name, nicknames in quotes, and messages typed in capitals.
"""

from __future__ import annotations

import time

import pytest

from bot.anonymise import anonymise


def _out(text: str) -> str:
    return anonymise(text).text


def _gone(text: str, *leaked: str) -> None:
    out = _out(text)
    for word in leaked:
        assert word not in out.split() and word not in out, (text, out)


# --------------------------------------------------------------------------------------------
# 1. Dates of birth in words or with a Roman month
# --------------------------------------------------------------------------------------------
DATES = [
    ("The eldest was born on the third of april twenty fifteen", ("third", "april", "fifteen")),
    ("dob third april fifteen", ("third", "april", "fifteen")),
    ("born on the 3rd, april 2015", ("3rd", "2015")),
    ("3.IV.2015", ("IV.2015", "3.IV")),
    # variants
    ("She was born on the twenty-first of march two thousand and nine", ("twenty-first", "nine")),
    ("date of birth: first of june twenty twelve", ("first", "june", "twelve")),
    ("his birthday is the twelfth of october", ("twelfth", "october")),
    ("born second february nineteen ninety nine", ("second", "february", "ninety")),
    ("dob april the third 2015", ("april", "third", "2015")),
    ("Born on the thirtieth of november", ("thirtieth", "november")),
    ("born 3 april twenty fifteen", ("april", "fifteen")),
    ("DOB 14.XI.2019", ("14.XI.2019",)),
    ("dob 7-ii-16", ("7-ii-16",)),
    ("born on the 21st, September 2011", ("21st", "2011")),
    ("we met on the first of may", ("first", "may")),
    ("the baby was born in march twenty twenty", ("march", "twenty")),
    ("born on the Fifth of July, twenty eighteen", ("Fifth", "July", "eighteen")),
]


@pytest.mark.parametrize(("text", "leaked"), DATES)
def test_dates_in_words_or_roman_months_go(text: str, leaked: tuple[str, ...]) -> None:
    _gone(text, *leaked)
    assert "[DATE" in _out(text)


# --------------------------------------------------------------------------------------------
# 2. Addresses spelled out, lower case or cut short
# --------------------------------------------------------------------------------------------
ADDRESSES = [
    ("the flat on fourteen elm road", ("fourteen", "elm")),
    ("the family at fourteen elm road", ("fourteen", "elm")),
    ("the family home on elm rd", ("elm",)),
    ("elm rd", ("elm",)),
    ("the house at 14 Elm", ("Elm",)),
    # variants
    ("they live at twenty two oak avenue now", ("oak", "twenty")),
    ("she moved to cedar cres last year", ("cedar",)),
    ("we met on hazel way yesterday", ("hazel",)),
    ("the incident was on beech st", ("beech",)),
    ("they lived along rowan ln until march", ("rowan",)),
    ("the home at three willow close was cold", ("willow", "three")),
    ("mum lives at 7 Larkspur now", ("Larkspur",)),
    ("police attended at maple dr", ("maple",)),
    ("his address is poplar ave, next to the shop", ("poplar",)),
    ("staying at 22 Foxglove with her nan", ("Foxglove",)),
    ("a flat at ninety-one birch grove", ("birch", "ninety-one")),
]


@pytest.mark.parametrize(("text", "leaked"), ADDRESSES)
def test_spelled_out_and_partial_addresses_go(text: str, leaked: tuple[str, ...]) -> None:
    _gone(text, *leaked)
    assert "[ADDRESS" in _out(text)


# --------------------------------------------------------------------------------------------
# 3. Lower-case names listed with a name
# --------------------------------------------------------------------------------------------
LISTS = [
    ("We never asked amber, ruby or daisy what they wanted", ("ruby", "daisy")),
    ("We never asked amber, poppy or river what they wanted", ("poppy", "river")),
    ("We never asked jaxon or kaydence", ("kaydence",)),
    ("We never asked zbigniew or tiarnan", ("tiarnan",)),
    # variants
    ("nobody spoke to kyle, rose or holly about it", ("kyle", "rose", "holly")),
    ("we saw mia, and jasmine, or ivy at school", ("jasmine", "ivy")),
    ("she looks after tyler or brooke most days", ("brooke",)),
    ("either liam or kerensa would answer the door", ("kerensa",)),
    ("asked oskar, tymon or jo about home", ("tymon",)),
    ("ruby, daisy or kyle would know", ("ruby", "daisy")),
    ("spoke to harvey, summer and willow", ("summer", "willow")),
    ("the girls were chloe, autumn, and hazel", ("autumn", "hazel")),
    ("we never heard from callum or zaydan", ("zaydan",)),
    ("ask aiden or faith", ("faith",)),
]


@pytest.mark.parametrize(("text", "leaked"), LISTS)
def test_lower_case_names_listed_with_a_name_go(text: str, leaked: tuple[str, ...]) -> None:
    _gone(text, *leaked)


# --------------------------------------------------------------------------------------------
# 4. Role word, title or naming phrase before a lower-case name
# --------------------------------------------------------------------------------------------
CUES = [
    ("the worker, bill, did not visit", ("bill",)),
    ("mr o brien was never spoken to", ("brien",)),
    ("he is known locally as 'tank'", ("tank",)),
    # variants
    ("the social worker, mark, never rang back", ("mark",)),
    ("her teacher, ruby, raised it", ("ruby",)),
    ("the health visitor, pat, was worried", ("pat",)),
    ("his stepdad, rob, shouted", ("rob",)),
    ("mrs o sullivan was at the meeting", ("sullivan",)),
    ("ms o connor and dr o neill were told", ("connor", "neill")),
    ("known round here as 'smiler'", ("smiler",)),
    ("he is known to police as 'beast'", ("beast",)),
    ('she goes by "jinx" online', ("jinx",)),
    ("nicknamed 'bones' by his mates", ("bones",)),
    ("the lad known on the street as 'little k'", ("little",)),
]


@pytest.mark.parametrize(("text", "leaked"), CUES)
def test_role_title_and_nickname_cues_find_lower_case_names(
    text: str, leaked: tuple[str, ...]
) -> None:
    _gone(text, *leaked)


def test_mr_o_brien_loses_the_o_too() -> None:
    assert _out("mr o brien was never spoken to") == "mr [NAME 1] was never spoken to"


# --------------------------------------------------------------------------------------------
# 5. Messages typed in capitals
# --------------------------------------------------------------------------------------------
CAPITALS = [
    (
        "WE NEVER HEARD FROM KYLE OR HIS SISTER [NAME 1] ABOUT WHAT LIFE AT HOME WAS LIKE",
        ("KYLE",),
    ),
    # variants
    ("WE NEVER HEARD FROM KYLE OR HIS SISTER JADE ABOUT HOME", ("KYLE", "JADE")),
    ("I SPOKE TO JAXON AND HIS MUM ABOUT IT", ("JAXON",)),
    ("MUM TOLD ME THAT KAYDEN HAD NOT BEEN TO SCHOOL", ("KAYDEN",)),
    ("NOBODY ASKED CHLOE WHAT SHE WANTED", ("CHLOE",)),
    ("SPOKE TO QUENBY AND HER MUM AT HOME", ("QUENBY",)),
    ("WE VISITED MUM TRACEY AND HER PARTNER DEAN", ("TRACEY", "DEAN")),
    ("THE SCHOOL NEVER TOLD ALFIE'S DAD", ("ALFIE'S",)),
    ("HE SAID LEWIS WAS SCARED OF GOING HOME", ("LEWIS",)),
    ("WE NEVER ASKED AMBER, RUBY OR DAISY WHAT THEY WANTED", ("AMBER", "RUBY", "DAISY")),
    ("RE: OKAFOR FAMILY - MUM SAID KAYDEN WAS NOT AT SCHOOL", ("OKAFOR", "KAYDEN")),
    ("DAD MARCUS WAS NEVER SPOKEN TO BY ANYONE", ("MARCUS",)),
]


@pytest.mark.parametrize(("text", "leaked"), CAPITALS)
def test_names_in_a_message_typed_in_capitals_go(text: str, leaked: tuple[str, ...]) -> None:
    _gone(text, *leaked)


def test_words_in_capitals_are_not_taken_for_initials() -> None:
    # Read in capitals, "JAXON AND HIS" made "HIS" initials and "MUM ABOUT" a surname.
    assert (
        _out("I SPOKE TO JAXON AND HIS MUM ABOUT IT") == "I SPOKE TO [NAME 1] AND HIS MUM ABOUT IT"
    )


# --------------------------------------------------------------------------------------------
# Near-misses: ordinary words in the same places stay
# --------------------------------------------------------------------------------------------
KEPT = [
    "we read the ruby report",
    "the river was high",
    "a road traffic accident",
    "born in the spring",
    "the third of the recommendations",
    "WE NEVER HEARD FROM THE SCHOOL",
    "the first may be the last",
    "the second march through town",
    "the twenty first century",
    "the first of many concerns",
    "section 3 i 2015 of the guidance",
    "on the way home",
    "in a positive way",
    "at close range",
    "a two way street",
    "three close friends came",
    "the house at 3 pm",
    "we got home at 10 Tonight",
    "he was at school drive",
    "walked along the main road",
    "at the end of the road",
    "in our street",
    "the worker, bill payments, were late",
    "Mum keeps calling her 'honey' and won't set any boundaries.",
    "she was known as 'the boss'",
    "THE GP SAID THE RAG RATING WAS AMBER",
    "HOPE IS NOT A PLAN. WE SPOKE TO MASH AND CAMHS",
    "I said o well to mr o",
]


@pytest.mark.parametrize("text", KEPT)
def test_near_misses_stay(text: str) -> None:
    assert _out(text) == text


# A name, then ordinary words that only look like the next item of a list.
NAME_THEN_WORDS = [
    ("asked amber, then left", "[NAME 1], then left"),
    ("saw kyle, river levels were high", "[NAME 1], river levels were high"),
    ("kyle or the school", "[NAME 1] or the school"),
    ("kyle, mum and dad came", "[NAME 1], mum and dad came"),
]


@pytest.mark.parametrize(("text", "tail"), NAME_THEN_WORDS)
def test_a_list_needs_more_than_a_comma(text: str, tail: str) -> None:
    assert _out(text).endswith(tail)


# --------------------------------------------------------------------------------------------
# Speed: the new patterns stay linear on a message of one repeated unit
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "unit",
    [
        "ruby, ",
        "amber or ",
        "third of april ",
        "at fourteen elm road ",
        "known as 'tank' ",
        "mr o ",
        "elm rd ",
        "3.IV.",
        "RUBY OR ",
        "the worker, bill, ",
    ],
)
def test_repeated_units_stay_fast(unit: str) -> None:
    text = (unit * (5000 // len(unit) + 1))[:5000]
    anonymise("warm up")
    start = time.perf_counter()
    anonymise(text)
    assert time.perf_counter() - start < 1.0
