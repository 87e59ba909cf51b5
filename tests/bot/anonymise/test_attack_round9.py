"""Round 9 of the black-box attack: word-names about people, plural families, handles, collars.

Each class: the attacker's inputs, variants of our own, and near-misses that must stay unchanged.
"""

from __future__ import annotations

import pytest

from bot.anonymise import anonymise

WORD_NAMES_ABOUT_PEOPLE = [
    ("we all assumed will would protect the kids. he was the stepdad", "will"),
    ("autumn and her little brother bill were the ones who paid", "autumn"),
    ("autumn and her little brother bill were the ones who paid", "bill"),
    ("jacks mum said river and sky were fine with mark looking after them", "jacks"),
    ("jacks mum said river and sky were fine with mark looking after them", "river"),
    ("jacks mum said river and sky were fine with mark looking after them", "sky"),
    ("jacks mum said river and sky were fine with mark looking after them", "mark"),
    ("ruby, the eldest, said nothing", "ruby"),
    ("Ruby, the eldest, said nothing.", "Ruby"),
    ("Will was the stepdad", "Will"),
    ("her sister india", "india"),
    ("may could not say where she was", "may"),
    ("will had gone by the time we came", "will"),
    ("we think will was the stepdad", "will"),
    ("hope and her older sister were at home", "hope"),
    ("summer and his baby brother were seen", "summer"),
    ("daisy, the youngest, was upset", "daisy"),
    ("grace, the oldest, spoke up", "grace"),
    ("his younger brother rob were both there", "rob"),
    ("marks dad rang the office", "marks"),
    ("the kids stayed with pat looking after them", "pat"),
    ("mum said poppy and ivy were both at nursery", "poppy"),
    ("mum said poppy and ivy were both at nursery", "ivy"),
    ("Bill was her stepdad", "Bill"),
]

FAMILIES = [
    ("the okafors and the dobsons were both known to us", "okafors"),
    ("the okafors and the dobsons were both known to us", "dobsons"),
    ("we visited the kowalskis last week", "kowalskis"),
    ("the Okafors were at home", "Okafors"),
    ("the begums moved in", "begums"),
    ("concerns about the nowaks remain", "nowaks"),
    ("the mbekis did not answer", "mbekis"),
    ("the patels have moved", "patels"),
]

ESTATES = [
    ("the family lived on the hollybush estate, number fourteen", "hollybush"),
    ("the family lived on hollybush estate", "hollybush"),
    ("lives on hollybush farm", "hollybush"),
    ("up at the ridgeway park estate", "ridgeway"),
    ("at the whitehawk estate", "whitehawk"),
    ("they moved off the kingsmere estate last year", "kingsmere"),
    ("the kids hang about near the moulsecoomb estate", "moulsecoomb"),
    ("from the bevendean estate", "bevendean"),
]

HANDLES_AND_COLLARS = [
    ("kezza_xx2010 on tiktok", "kezza_xx2010"),
    ("babygirl_ruby07", "babygirl_ruby07"),
    ("babygirl_jessica07 on insta", "babygirl_jessica07"),
    ("lily2009 on snap", "lily2009"),
    ("she posts as x_princess_x", "x_princess_x"),
    ("mum found lily_rose_2011 in her phone", "lily_rose_2011"),
    ("jay_b_11 via instagram", "jay_b_11"),
    ("messages from tom_smith_99 again", "tom_smith_99"),
    ("oh seven seven double oh nine hundred one two three", "hundred"),
    ("call oh one two seven three nine hundred and four five six", "five"),
    ("ring her on oh seven nine hundred one one two three four", "hundred"),
    ("collar number is 4471", "4471"),
    ("his warrant no. 55123", "55123"),
    ("staff number: 9921", "9921"),
    ("badge number 3310 was on the form", "3310"),
]

NEAR_MISSES = [
    "the river was high",
    "will you call me",
    "we'll mark it as done",
    "the sky news report",
    "amber flags",
    "we saw amber flags",
    "the ruby wedding",
    "the eldest was not seen",
    "the park estate agents",
    "a hundred times",
    "one or two hundred people came",
    "nine hundred and ninety nine",
    "I will never go back",
    "her will was strong",
    "the smiths were in",
    "salt and pepper were on the table",
    "we met on tiktok",
    "she is on insta a lot",
    "the staff number was wrong",
    "the kids mum was there",
    "she went to India in May",
    "we may have to wait",
    "havnt",
    "grace and patience are needed with families",
    "faith and hope were all she had",
    "saved as referral_final_v3 on the drive",
    "the estate was quiet",
    "the council estate",
    "went to the farm",
    "lives on a farm",
    "in real estate",
]


@pytest.mark.parametrize(("text", "word"), WORD_NAMES_ABOUT_PEOPLE + FAMILIES)
def test_names_about_people_go(text: str, word: str) -> None:
    out = anonymise(text).text
    assert word not in out.split() and f"{word}," not in out, out


@pytest.mark.parametrize(("text", "word"), ESTATES)
def test_lower_case_estates_go_in_the_message_itself(text: str, word: str) -> None:
    assert word not in anonymise(text).text


@pytest.mark.parametrize(("text", "word"), HANDLES_AND_COLLARS)
def test_handles_and_collar_numbers_go(text: str, word: str) -> None:
    assert word not in anonymise(text).text


def test_a_partly_masked_handle_is_one_handle() -> None:
    out = anonymise("babygirl_jessica07 on insta").text
    assert out == "[HANDLE 1] on insta"


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_stay(text: str) -> None:
    assert anonymise(text).text == text
