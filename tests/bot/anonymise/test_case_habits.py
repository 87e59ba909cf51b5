"""Issue 10: how practitioners really write names, and the anonymiser classes that missed them.

Found by a blind set written by someone who had not seen the rules: surnames in capitals,
hyphenated first names, initials, collar numbers, ages glued to their unit, word-names at the
start of a sentence, lower-case names typed in a hurry. Every example here is our own.
"""

from __future__ import annotations

import pytest

from bot.anonymise import anonymise


def redacted(text: str) -> str:
    return anonymise(text).text


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("Dad is Gareth MORGAN and he still has contact.", "MORGAN"),
        ("Referral named Ms OKAFOR-BELL as the carer.", "OKAFOR-BELL"),
        ("The child was recorded as LILY-ANNE on the form.", "LILY-ANNE"),
        ("The older sister, ROSIE-MAE, stays with nan.", "ROSIE-MAE"),
        ("Mother: PATEL, Anjali. Father unknown.", "Anjali"),
        ("Mother: PATEL, Anjali. Father unknown.", "PATEL"),
        ("Carer: WOODS went to the meeting.", "WOODS"),
    ],
)
def test_names_in_capitals(text: str, gone: str) -> None:
    out = redacted(text)
    assert gone not in out, out
    assert "[NAME" in out


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("Mum (RT) said the partner had left.", "RT"),
        ("dad (GH) has supervised contact only", "GH"),
        ("M.P. was seen at clinic with the baby.", "M.P."),
        ("We only ever had R.J on the paperwork.", "R.J"),
        ("The allocated worker is L. Nowicka in the south team.", "Nowicka"),
        ("Minutes list the father as S GRANT and nobody checked.", "GRANT"),
        ("Mum was recorded as Donna K on the police log.", "Donna K"),
    ],
)
def test_initials(text: str, gone: str) -> None:
    out = redacted(text)
    assert gone not in out, out


@pytest.mark.parametrize(
    "text",
    [
        "We met at 9 a.m. and finished by 11.",
        "The UK guidance, e.g. Working Together, is clear.",
        "Mum's NI number was needed for the form.",
        "His DOB is on the system.",
        "N.B. the review is not yet published.",
        "A Smith fan club is not a safeguarding issue.",
    ],
)
def test_abbreviations_are_not_initials(text: str) -> None:
    assert redacted(text) == text


def test_collar_number_and_the_officer_s_name() -> None:
    out = redacted("DC 2093 PRICE took the statement.")
    assert "2093" not in out and "PRICE" not in out, out


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("Children: Kai 9yrs, Poppy 4yrs.", "9"),
        ("Leon 12yo was missing overnight.", "12"),
    ],
)
def test_ages_with_their_unit_glued_on(text: str, age: str) -> None:
    out = redacted(text)
    assert f" {age}" not in out, out
    assert "[AGE" in out


@pytest.mark.parametrize(
    "text",
    [
        "Sky was subdued in class and would not eat lunch.",
        "River said he did not want to go home.",
        "Heather at the school noticed the bruise first.",
        "Ivy has been on a CP plan since the spring.",
        "Blessing is the one who told the teacher.",
        "Storm is mum's new partner.",
        "Joy answered the door and would not let me in.",
        "Robin (paternal uncle) offered to have the children.",
    ],
)
def test_word_names_opening_a_sentence(text: str) -> None:
    first = text.split()[0]
    out = redacted(text)
    assert out.startswith("[NAME 1]"), out
    assert first not in out.split()[1:], out


@pytest.mark.parametrize(
    "text",
    [
        "Hope is not a strategy.",
        "Grace periods make things drift.",
        "Ruby slippers aside, separation rarely ends abuse.",
        "Amber rating was kept for too long.",
        "Summer is always the hardest time for attendance.",
        "Joy was missing from that house, as the guardian put it.",
        "Precious little was shared with the school.",
        "Drew up a safety plan with mum and the DSL.",
    ],
)
def test_word_openers_that_are_words_survive(text: str) -> None:
    assert redacted(text) == text


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("mum and glen were arguing again when i arrived", "glen"),
        ("hope said she was scared of the new boyfriend", "hope"),
        ("amira and her daughter were moved to a refuge", "amira"),
        ("spoke to jaydens mum at pick up", "jaydens"),
        ("nadia kovacz (mum) declined the referral", "kovacz"),
        ("shanice begum collects the children most days", "shanice"),
        ("tran van duc is the lodger", "van duc"),
    ],
)
def test_lower_case_names(text: str, gone: str) -> None:
    out = redacted(text)
    assert gone not in out, out


def test_a_month_after_a_name_of_the_same_word_stays_a_month() -> None:
    out = redacted("June said the family moved in June.")
    assert out == "[NAME 1] said the family moved in June.", out


def test_phone_written_digit_by_digit() -> None:
    out = redacted("he wrote it as 0 7 7 0 0 9 0 0 6 6 1 on the form")
    assert "6 6 1" not in out and "[PHONE 1]" in out, out


@pytest.mark.parametrize("word", ["Mandarin", "Kurmanji", "landline", "gamertag"])
def test_languages_and_everyday_words_survive(word: str) -> None:
    text = f"Dad mentioned {word} twice in the meeting."
    assert redacted(text) == text


def test_a_postcode_after_a_town_stays_a_postcode() -> None:
    """Letters glued to digits ("BN27") are a postcode's, never a surname in capitals."""
    out = redacted("They lived at 14 Seaview Road, Hailsham BN27 3QT with mum.")
    assert out == "They lived at [ADDRESS 1], [PLACE 1] [POSTCODE 1] with mum.", out


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        # classes found by the second blind set (first run 0.923; examples here are our own)
        ("The flat is Flat 9, 22 Harbourside, Hastings.", "Harbourside"),
        ("They moved to 3/17 Tower Road last week.", "Tower Road"),
        ("Incident ref 4411 902 3 was raised by the school.", "4411 902"),
        ("The CPOMS log #77120 has the detail.", "77120"),
        ("PC Adeyemi 3391 took the first account.", "3391"),
        ("OKAFOR-BELL, Tia - seen in clinic for a burn.", "OKAFOR-BELL"),
        ("School nurse (JM) and the teacher both noticed.", "JM"),
        ("We agreed a plan with the KAPOOR family.", "KAPOOR"),
        ("mum is Kerry STONE, dad Paul STONE, both at the meeting", "STONE"),
        ("Rowan had a bruise on her arm at drop-off.", "Rowan"),
        ("Sky was in the bedroom when it happened.", "Sky"),
        ("Jordan, her older brother's friend, sleeps over a lot.", "Jordan"),
        ("ana maria da costa rang back about the meeting", "costa"),
        ("the grandad is a young dad himself, only 17, and lives nearby", "17"),
        ("postcode on the form is TN34  1AB with two spaces", "1AB"),
    ],
)
def test_second_blind_run_classes(text: str, gone: str) -> None:
    out = redacted(text)
    assert gone not in out, out


@pytest.mark.parametrize(
    "text",
    [
        "The baby slept in a Moses basket by the bed.",
        "Contact is on Saturdays and Sundays only.",
        "The Star Hobson review was published in 2022.",
    ],
)
def test_second_blind_run_words_that_survive(text: str) -> None:
    assert redacted(text) == text


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("crime no 77 is still open", "77"),
        ("case # 40 went to conference", "40"),
        ("GH and JK were seen at school", "JK"),
    ],
)
def test_short_numbered_references_and_coordinated_initials(text: str, gone: str) -> None:
    out = redacted(text)
    assert gone not in out, out


def test_a_short_number_without_a_numbering_word_is_not_a_reference() -> None:
    assert redacted("we keep a log 24 hours a day") == "we keep a log 24 hours a day"


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        # classes an attacker found on the running stack (examples our own)
        ("In the notes *Zenobia* was never heard and **Ashcombe** was the risk", "Zenobia"),
        ("In the notes *Zenobia* was never heard and **Ashcombe** was the risk", "Ashcombe"),
        ("the lesson is ryan cooper was never seen", "cooper"),
        ("we worked with the jones family for years", "jones"),
        ("you can reach her at dee99 at gmail dot com", "dee99"),
        ("her email is dee99{at}hotmail{dot}co{dot}uk", "dee99"),
        ("mailbox dee99@@yahoo.com bounced", "dee99"),
        ("she wrote D.e.e.N.i.c.h.o.l.l.s on the form", "N.i.c"),
        ("NHS 9 9 9 1 2 3 4 5 6 7 on the letter", "9 9 9 1"),
        ("postcode T-N-3-4-1-A-B", "T-N-3"),
        ("ring oh seven seven oh oh nine oh oh eight eight one", "eight eight one"),
        ("his number is 07700 9OO 881", "881"),
        ("the car was VK21 XYZ", "XYZ"),
        ("born 12 6 2018 at the DGH", "2018"),
        ("she was born in May '19", "'19"),
        ("his insta user is dazzler77", "dazzler77"),
        ("known as Tiny, he was the risk", "Tiny"),
        ("summer was never spoken to alone", "summer"),
    ],
)
def test_attack_classes(text: str, gone: str) -> None:
    out = redacted(text)
    assert gone not in out, out


@pytest.mark.parametrize("word", ["Pemberton", "Kelly-Jones", "Tymoteusz", "kaydensmith"])
def test_a_name_sent_on_its_own_is_a_name(word: str) -> None:
    assert redacted(word) == "[NAME 1]"


@pytest.mark.parametrize(
    "word",
    ["menu", "skp", "hlep", "GDPR", "asdfghjkl", "nevermind", "unsubmit", "cheers", "Police"],
)
def test_a_command_typo_acronym_or_mash_on_its_own_survives(word: str) -> None:
    assert redacted(word) == word
