"""Round 8 of the black-box attack on the door: classes of identifiers that got through.

Each class has the attacker's sentences, variants written for the class (not the attacker's
strings), and near-misses that must stay as they are: a sentence in capitals inside a message in
ordinary case, one huge "word" (see ``test_patterns.py`` for its timing), a street with its town
and no comma, "The X" streets after a number, "treble" in a phone number, a spelled postcode,
a username spelled out, and names with digits for letters.
"""

from __future__ import annotations

import pytest

from bot.anonymise import anonymise


def _out(text: str) -> str:
    return anonymise(text).text


def _gone(text: str, *leaked: str) -> None:
    out = _out(text)
    for word in leaked:
        assert word not in out, (text, out)


# --------------------------------------------------------------------------------------------
# 1. A sentence (or a run of four or more words) in capitals inside a mixed-case message
# --------------------------------------------------------------------------------------------
CAPS_SENTENCES = [
    ("We did not share info. I THINK DAVE IS THE RISK.", ("DAVE",)),
    ("The review found gaps. DAVE WAS THE LODGER.", ("DAVE",)),
    (
        "The school rang. ALSO JOHN SMITH FROM ST MARY'S PRIMARY CALLED.",
        ("JOHN", "SMITH", "ST MARY'S"),
    ),
    ("The review found gaps. THE LODGERS WERE DAVE AND LIAM.", ("DAVE", "LIAM")),
    # variants
    ("Notes from today. MUM SAYS KYLE HAS NOT BEEN HOME.", ("KYLE",)),
    ("Thanks for this. PLEASE NOTE THAT CHLOE WAS PRESENT.", ("CHLOE",)),
    ("I rang back later! NOBODY TOLD US ABOUT GARY OR SHARON.", ("GARY", "SHARON")),
    ("Ok so the visit went fine. HOWEVER NATHAN REFUSED TO TALK", ("NATHAN",)),
    ("Quick update:\nTHE NEIGHBOUR SAW MOHAMMED LEAVE AT NIGHT", ("MOHAMMED",)),
    ("The meeting was tense; DAD SAID THAT JESSICA WAS LYING.", ("JESSICA",)),
    ("we spoke about it and then THE WORKER SAW ELLIE AND PAUL AGAIN", ("ELLIE", "PAUL")),
    ("Strategy meeting held. WE AGREED THAT KAREN WOULD ATTEND.", ("KAREN",)),
    ("Child seen. HIS BROTHER DANIEL WAS THERE TOO.", ("DANIEL",)),
    ("The plan is agreed. AMY WILL MOVE IN WITH HER NAN.", ("AMY",)),
]


@pytest.mark.parametrize(("text", "leaked"), CAPS_SENTENCES)
def test_names_in_a_sentence_in_capitals_go(text: str, leaked: tuple[str, ...]) -> None:
    _gone(text, *leaked)


CAPS_KEPT = [
    "WE DID NOT SHARE INFO.",
    "the review said THE RISK WAS MISSED",
    "The review found gaps. THE RISK WAS NOT SHARED WITH SCHOOL.",
    "Thanks. PLEASE READ THE MINUTES BEFORE FRIDAY.",
    "We met today. I THINK IT WENT WELL.",
    "The note said DO NOT SHARE WITHOUT CONSENT and we did not.",
    "Agreed actions: SEND THE REFERRAL TO MASH TODAY.",
    "She said NO ONE WAS LISTENING TO HER.",
]


@pytest.mark.parametrize("text", CAPS_KEPT)
def test_a_sentence_in_capitals_without_names_stays(text: str) -> None:
    assert _out(text) == text


def test_surnames_listed_in_capitals_keep_their_reading() -> None:
    out = _out("attendees: K. MENSAH (HV), P. DOYLE (DSL), S. ALI (police)")
    for word in ("MENSAH", "DOYLE", "ALI"):
        assert word not in out, out


def test_offsets_are_kept_when_a_sentence_is_read_in_sentence_case() -> None:
    text = "The review found gaps. DAVE WAS THE LODGER."
    out = _out(text)

    assert out == "The review found gaps. [NAME 1] WAS THE LODGER.", out


# --------------------------------------------------------------------------------------------
# 2. One huge "word": never a name nor a word, answered at once (timing in test_patterns.py)
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("unit", ["a", "aA", "o'", "é", "a'"])
def test_one_huge_word_is_left_as_it_was(unit: str) -> None:
    text = unit * (5_000 // len(unit))
    assert anonymise(text).counts == {}


def test_an_identifier_inside_a_huge_word_is_still_redacted() -> None:
    out = _out("a" * 3000 + " BN21 4UG " + "b" * 3000)

    assert "BN21" not in out and "[POSTCODE 1]" in out


# --------------------------------------------------------------------------------------------
# 3. Words and odd formats
# --------------------------------------------------------------------------------------------
ODD_FORMATS = [
    # a street typed in lower case, then the town with no comma
    ("lived at forty two acacia avenue hove", ("forty", "acacia")),
    ("she lives on cinder lane brighton", ("cinder",)),
    ("the flat at twelve rowan close eastbourne", ("twelve", "rowan")),
    ("they moved to nine beech road lewes last year", ("nine", "beech")),
    ("seen at three willow walk hastings", ("three", "willow")),
    ("they lived along sandy lane crawley", ("sandy",)),
    ("dad is at elm rd worthing", ("elm",)),
    ("the address is twenty oak avenue bexhill", ("twenty", "oak")),
    ("mum lives at maple crescent bn3 4ab", ("maple",)),
    # "The X" after a house number
    ("They lived at 7 The Drove, Peacehaven.", ("Drove",)),
    ("the house at 12 The Paddocks was cold", ("Paddocks",)),
    ("mum lives at 3 The Meadows, Lewes", ("Meadows",)),
    ("the flat is at 9 The Old Forge, Hove", ("Old Forge",)),
    ("address 14 The Crescent, Brighton", ("Crescent",)),
    ("we went to 21 The Spinney, Crawley today", ("Spinney",)),
    ("moved to 5 The Rookery BN7 2AB", ("Rookery",)),
    ("staying at 2 The Willows with nan", ("Willows",)),
    # "treble" and "triple" in a phone number
    ("oh seven seven treble oh nine double one two three", ("treble", "seven")),
    ("ring her on oh one two seven three triple four five six", ("triple", "seven")),
    ("his mobile is zero seven nine treble eight one two oh oh four", ("treble", "nine")),
    ("call oh seven treble seven double nine one two one", ("treble",)),
    ("number: oh one two treble three four five six seven", ("treble",)),
    ("nan's number is oh one two seven three treble two one nine", ("treble",)),
    ("text oh seven eight eight treble one double two oh", ("treble",)),
    ("landline oh one four treble four double five six", ("treble",)),
    # a postcode with its number spelled
    ("BN twenty five 1AB", ("twenty", "1AB")),
    ("postcode TN thirty four 2XY", ("thirty", "2XY")),
    ("the family moved to bn three 4ab", ("three", "4ab")),
    ("she is in RH sixteen 1QQ now", ("sixteen", "1QQ")),
    ("BN two one 4UG is the address", ("two", "4UG")),
    ("it was SW eleven 3RT", ("eleven", "3RT")),
    ("tn thirty eight 9 PL", ("thirty",)),
    ("the flat in GU nineteen 5AS", ("nineteen", "5AS")),
    ("her postcode BN forty one 7EX", ("forty", "7EX")),
    # a username spelled out
    ("lily dot rose underscore eleven", ("lily", "rose", "eleven")),
    ("his insta is jay dot k dot ninety nine", ("jay",)),
    ("she added kayla underscore xo on snap", ("kayla",)),
    ("the account is big underscore mo underscore 7", ("big", "mo")),
    ("username tom dot harris dot 2009", ("tom", "harris")),
    ("her tiktok is sophie dot dances", ("sophie", "dances")),
    ("gamertag dark underscore knight underscore 12", ("dark", "knight")),
    ("he goes by lil underscore dre on there", ("dre",)),
    ("snapchat: rosie dash lou", ("rosie", "lou")),
    # names with digits for letters
    ("J0hn Sm1th came round", ("J0hn", "Sm1th")),
    ("the boy K3lly mentioned", ("K3lly",)),
    ("messages from D4ve last night", ("D4ve",)),
    ("Ch1oe was at the park", ("Ch1oe",)),
    ("she calls herself L1ly", ("L1ly",)),
    ("M0hammed and his cousin", ("M0hammed",)),
    ("a man called J4mes Br0wn", ("J4mes", "Br0wn")),
    ("s0phie did not attend", ("s0phie",)),
    ("R0b3rt was seen", ("R0b3rt",)),
]


@pytest.mark.parametrize(("text", "leaked"), ODD_FORMATS)
def test_words_and_odd_formats_go(text: str, leaked: tuple[str, ...]) -> None:
    _gone(text, *leaked)


KEPT = [
    "we read the drove report",
    "three times a week",
    "the handle on the door",
    "a treble clef",
    "he scored a treble last season",
    "the girl drove to the shop with her aunt",
    "I left at 7 The kids were asleep",
    "at 10 The Police came",
    "page 4 The Guardian article",
    "we walked down the lane to school",
    "the school is on a busy road near the park",
    "put a dot on the map",
    "she was one of two children",
    "the sessions run twice a week at five",
    "a 4x4 was parked outside",
    "he was 2nd in the race, then 3rd",
    "the door handle was broken",
    "meet at 1pm, 3pm or 5pm",
    "the Y7 and Y8 pupils",
    "we read section 47 and section 17",
]


@pytest.mark.parametrize("text", KEPT)
def test_near_misses_stay(text: str) -> None:
    assert _out(text) == text
