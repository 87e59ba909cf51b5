"""The lead's filters are read strictly: a closed set or a tight shape, scoped to the account."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.loader import get_pack
from bot.content.schema import Pack
from bot.portal.filters import FilterError, agency_choices, in_scope, parse_filters, parse_week
from bot.portal.model import NO_AGENCY, Scope
from bot.settings.config import DEFAULT_PACK_DIR

ALL = Scope(partnership=None)
ESSCP = Scope(partnership="esscp")
POLICE = Scope(partnership="ESSCP", agency="police")


@pytest.fixture(scope="module")
def pack() -> Pack:
    return get_pack(DEFAULT_PACK_DIR, "esscp-child-z")


def test_no_filters_give_the_first_pack_and_everything(pack: Pack) -> None:
    filters = parse_filters({}, [pack], ALL)
    assert (filters.pack_id, filters.week_from, filters.agency, filters.team) == (
        pack.id,
        None,
        None,
        None,
    )


def test_every_filter_is_read_and_normalised(pack: Pack) -> None:
    filters = parse_filters(
        {
            "pack": pack.id,
            "version": "1.0",
            "from": "2026-W05",
            "to": "2026-W49",
            "agency": "health",
            "team": "abc-12",
        },
        [pack],
        ESSCP,
    )
    assert filters.week_from == "2026-W05"
    assert filters.week_to == "2026-W49"
    assert filters.agency == "health"
    assert filters.team == "ABC-12"
    assert filters.pack_version == "1.0"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ({"pack": "someone-elses"}, "no such briefing"),
        ({"from": "2026-W54"}, "has no week 54"),
        ({"from": "2026-13"}, "ISO week"),
        ({"from": "2026-W40", "to": "2026-W10"}, "after the last"),
        ({"agency": "mi5"}, "no such agency"),
        ({"team": "'; drop table"}, "team code"),
        ({"version": "../../etc"}, "version"),
    ],
)
def test_bad_filters_are_refused_with_a_sentence(
    pack: Pack, args: dict[str, str], says: str
) -> None:
    with pytest.raises(FilterError, match=says):
        parse_filters(args, [pack], ALL)


def test_a_lead_of_one_agency_sees_only_it(pack: Pack) -> None:
    assert parse_filters({}, [pack], POLICE).agency == "police"
    assert parse_filters({"agency": "police"}, [pack], POLICE).agency == "police"
    with pytest.raises(FilterError, match="own agency"):
        parse_filters({"agency": "health"}, [pack], POLICE)
    assert agency_choices(POLICE) == [("police", "Police")]


def test_agency_choices_include_not_given() -> None:
    keys = [key for key, _ in agency_choices(ALL)]
    assert keys[-1] == NO_AGENCY
    assert "childrens_social_care" in keys


def test_packs_are_scoped_by_partnership(pack: Pack) -> None:
    assert in_scope(pack, ESSCP)
    assert in_scope(pack, ALL)
    assert not in_scope(pack, Scope(partnership="OTHER"))
    other = dataclasses.replace(pack, id="other-pack", partnership_short="OTHER")
    with pytest.raises(FilterError, match="no such briefing"):
        parse_filters({"pack": other.id}, [pack], ESSCP)


def test_an_account_without_packs_is_told(pack: Pack) -> None:
    with pytest.raises(FilterError, match="no briefings"):
        parse_filters({}, [], ESSCP)


def test_the_api_must_name_its_pack(pack: Pack) -> None:
    with pytest.raises(FilterError, match="which briefing"):
        parse_filters({}, [pack], ALL, require_pack=True)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_any_week_text_is_a_real_week_or_a_filter_error(raw: str) -> None:
    try:
        week = parse_week(raw, "From week")
    except FilterError:
        return
    assert len(week) == 8 and week[4:6] == "-W"
