from __future__ import annotations

import pytest

from bot.reflections.agencies import AGENCY_WORDS, Mention, find_agency, mentions
from bot.storage.models import AGENCIES


def test_every_agency_has_words_and_no_other_keys() -> None:
    assert tuple(AGENCY_WORDS) == AGENCIES
    assert all(AGENCY_WORDS[agency] for agency in AGENCIES)


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("police", "police"),
        ("two police officers", "police"),
        ("our teachers", "education"),
        ("social workers", "childrens_social_care"),
        ("the school nurse", "health"),  # the longer phrase wins
        ("midwives", "health"),
        ("a health visitor at the school", "health"),  # the first category wins
        ("my mother", None),  # "other" only as a word
        ("the DCS", None),  # no plural of a short abbreviation ("dc")
        ("", None),
    ],
)
def test_find_agency(text: str, agency: str | None) -> None:
    assert find_agency(text) == agency


def test_mentions_are_in_order_with_their_spans() -> None:
    text = "4 social care, 2 police, a health visitor"

    assert mentions(text) == [
        Mention(2, 13, "childrens_social_care"),
        Mention(17, 23, "police"),
        Mention(27, 41, "health"),
    ]


def test_curly_apostrophes_are_read_as_straight_ones() -> None:
    [mention] = mentions("Children’s Social Care")

    assert (mention.start, mention.end, mention.agency) == (0, 22, "childrens_social_care")


def test_another_word_table_can_be_used() -> None:
    words = {**AGENCY_WORDS, "none": ("prefer not",)}

    assert find_agency("I'd prefer not", words) == "none"
