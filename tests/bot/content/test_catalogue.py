"""Which briefings are offered, and which one a message names (bot/content/catalogue.py)."""

from __future__ import annotations

import dataclasses

import pytest

from bot.content.catalogue import Catalogue, CatalogueError, load_catalogue, select_offered
from bot.content.schema import Pack
from tests.conftest import SECOND_PACK_ID, SEVERAL_PACKS_DIR


@pytest.fixture
def catalogue(pack: Pack, second_pack: Pack) -> Catalogue:
    return Catalogue([pack, second_pack], pack.id)


def test_the_default_is_offered_first_and_both_can_be_got(
    catalogue: Catalogue, pack: Pack, second_pack: Pack
) -> None:
    assert catalogue.offered() == (pack, second_pack)
    assert catalogue.default is pack
    assert catalogue.several
    assert catalogue.get(SECOND_PACK_ID) is second_pack


@pytest.mark.parametrize("pack_id", ["no-such-pack", "", None, 3, ["esscp-child-z"]])
def test_anything_but_an_offered_id_gets_nothing(catalogue: Catalogue, pack_id: object) -> None:
    assert catalogue.get(pack_id) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I want the Child Q briefing", SECOND_PACK_ID),
        ("change to the neglect review", SECOND_PACK_ID),  # a pack-level alias
        ("CHILD-Q, please!", SECOND_PACK_ID),  # case and punctuation do not matter
        ("Child Q: learning from a rapid review", SECOND_PACK_ID),  # the full title
        ("switch to northmoor-child-q", SECOND_PACK_ID),  # the id
        ("back to child z", "esscp-child-z"),
        ("the Child Z LCSPR learning briefing please", "esscp-child-z"),
    ],
)
def test_find_by_title_alias_or_id(catalogue: Catalogue, text: str, expected: str) -> None:
    found = catalogue.find(text)

    assert found is not None and found.id == expected


@pytest.mark.parametrize(
    "text",
    [
        "show me the other briefings",
        "childq",  # not word-bounded
        "the neglected garden",  # "neglect" is not an alias of the pack, and not a whole word
        "Child Q and Child Z",  # a tie names neither
        "2",  # a number only counts just after the list
    ],
)
def test_find_nothing(catalogue: Catalogue, text: str) -> None:
    assert catalogue.find(text) is None


def test_the_longest_name_wins(pack: Pack, second_pack: Pack) -> None:
    # Both packs answer to "review", but "the neglect review" is longer.
    first = dataclasses.replace(pack, aliases=("review",))
    catalogue = Catalogue([first, second_pack], first.id)

    found = catalogue.find("the neglect review")

    assert found is second_pack


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", SECOND_PACK_ID),
        ("the second one", SECOND_PACK_ID),
        ("number 1", "esscp-child-z"),
        ("the 2nd one please", SECOND_PACK_ID),
        ("first", "esscp-child-z"),
    ],
)
def test_a_number_just_after_the_list(catalogue: Catalogue, text: str, expected: str) -> None:
    found = catalogue.find(text, listed=True)

    assert found is not None and found.id == expected


@pytest.mark.parametrize("text", ["3", "0", "I have 2 questions about the first point", "1 or 2"])
def test_a_number_that_is_not_a_choice(catalogue: Catalogue, text: str) -> None:
    assert catalogue.find(text, listed=True) is None


def test_front_doors_one_per_partnership_default_first(pack: Pack, second_pack: Pack) -> None:
    same_area = dataclasses.replace(second_pack, id="esscp-child-y", partnership=pack.partnership)
    catalogue = Catalogue([second_pack, same_area, pack], pack.id)

    assert catalogue.front_doors() == (pack, second_pack)


def test_one_pack_is_no_choice(pack: Pack) -> None:
    catalogue = Catalogue([pack], pack.id)

    assert not catalogue.several
    assert catalogue.front_doors() == (pack,)


def test_the_default_must_be_offered(pack: Pack, second_pack: Pack) -> None:
    with pytest.raises(CatalogueError, match=r"^DEFAULT_PACK_ID 'esscp-child-z' is not offered"):
        Catalogue([second_pack], pack.id)


def test_nothing_offered_or_twice(pack: Pack) -> None:
    with pytest.raises(CatalogueError, match="no briefing"):
        Catalogue([], pack.id)
    with pytest.raises(CatalogueError, match="twice"):
        Catalogue([pack, pack], pack.id)


def test_select_offered_keeps_the_settings_order(pack: Pack, second_pack: Pack) -> None:
    packs = {pack.id: pack, second_pack.id: second_pack}

    assert select_offered(packs, (), pack.id).offered() == (pack, second_pack)
    assert select_offered(packs, (SECOND_PACK_ID, pack.id), pack.id).offered() == (
        second_pack,
        pack,
    )
    assert select_offered(packs, (pack.id,), pack.id).offered() == (pack,)


def test_select_offered_refuses_an_unknown_id(pack: Pack) -> None:
    with pytest.raises(CatalogueError, match=r"^OFFERED_PACKS names child-x, which is not a pack"):
        select_offered({pack.id: pack}, (pack.id, "child-x"), pack.id)


def test_load_catalogue_reads_the_directory() -> None:
    catalogue = load_catalogue(SEVERAL_PACKS_DIR, (), "esscp-child-z")

    assert [p.id for p in catalogue.offered()] == ["esscp-child-z", SECOND_PACK_ID]
