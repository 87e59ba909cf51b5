"""Choosing the CPD record layout from a button, typed words or the earlier choice."""

from __future__ import annotations

import pytest

from bot.cpd.variant import choose_variant


@pytest.mark.parametrize("entity", ["swe", "nmc"])
def test_a_button_entity_wins(entity: str) -> None:
    text = "my NMC revalidation" if entity == "swe" else "for Social Work England"

    assert choose_variant(entity=entity, text=text, remembered=None) == entity


@pytest.mark.parametrize(
    "text",
    [
        "can I have it for my NMC revalidation",
        "I'm revalidating next month",
        "a reflective account for my nursing portfolio",
        "I'm a midwife, can I get a copy",
        "as a nurse I need a record",
    ],
)
def test_nurses_words_pick_the_nmc_layout(text: str) -> None:
    assert choose_variant(entity=None, text=text, remembered=None) == "nmc"


@pytest.mark.parametrize(
    "text", ["my CPD record please", "for Social Work England", "a copy for my SWE log", ""]
)
def test_anything_else_is_social_work_england(text: str) -> None:
    assert choose_variant(entity=None, text=text, remembered=None) == "swe"


def test_the_earlier_choice_is_kept_when_the_request_names_neither() -> None:
    assert choose_variant(entity=None, text="my CPD record again", remembered="nmc") == "nmc"
    assert choose_variant(entity=None, text="for Social Work England", remembered="nmc") == "swe"


@pytest.mark.parametrize("junk", ["hcpc", 3, ["nmc"], {"v": "nmc"}])
def test_an_unknown_entity_or_slot_value_is_ignored(junk: object) -> None:
    assert choose_variant(entity=junk, text="my record", remembered=junk) == "swe"
