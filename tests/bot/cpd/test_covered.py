from __future__ import annotations

from typing import Any

import pytest

from bot.content.schema import Pack
from bot.cpd.covered import (
    MAX_SAVED_REFLECTIONS,
    Covered,
    SavedReflection,
    add_saved_reflection,
    add_section,
    covered_from_slots,
)
from tests.bot.cpd.conftest import REFLECTIONS, conversation_slots


def test_a_conversations_slots_say_what_was_covered(pack: Pack) -> None:
    covered = covered_from_slots(**conversation_slots(pack))

    points = pack.discussion_points
    assert covered == Covered(
        sections=("about", "key_learning"),  # in the briefing's reading order
        points_discussed=(points[0].id, points[2].id),
        points_skipped=(points[1].id,),
        reflections=(SavedReflection(1, REFLECTIONS[0]), SavedReflection(3, REFLECTIONS[1])),
    )


def test_empty_slots_cover_nothing() -> None:
    assert (
        covered_from_slots(
            sections_read=None, points_covered=None, points_skipped=None, reflections_saved=None
        )
        == Covered()
    )


@pytest.mark.parametrize(
    "junk",
    [None, 3, "about", {"about": 1}, [None, 7, {"x": 1}, [], ""], b"about", 1.5, True],
)
def test_malformed_slot_values_are_ignored_never_raised(junk: Any) -> None:
    covered = covered_from_slots(
        sections_read=junk, points_covered=junk, points_skipped=junk, reflections_saved=junk
    )

    assert covered == Covered()


def test_malformed_items_are_dropped_one_by_one() -> None:
    covered = covered_from_slots(
        sections_read=["about", "not-a-section", 5, "about", "procedures"],
        points_covered=["p1", None, "p1", ""],
        points_skipped=["p2", "p1", {"id": "p3"}],
        reflections_saved=[
            {"point": "2", "text": "  kept with its point as digits  "},
            {"point": "two", "text": "kept without a point"},
            {"point": True, "text": "a bool is not a point"},
            {"point": -1, "text": "nor is a negative number"},
            {"point": 1, "text": ""},
            {"point": 1},
            {"text": 42},
            "just text",
        ],
    )

    assert covered.sections == ("about", "procedures")
    assert covered.points_discussed == ("p1",)
    assert covered.points_skipped == ("p2",)  # discussed after all: counted as discussed
    assert covered.reflections == (
        SavedReflection(2, "kept with its point as digits"),
        SavedReflection(None, "kept without a point"),
        SavedReflection(None, "a bool is not a point"),
        SavedReflection(None, "nor is a negative number"),
    )


def test_a_section_is_added_once_in_the_order_first_read() -> None:
    read = add_section(None, "key_learning")
    read = add_section(read, "about")
    read = add_section(read, "key_learning")

    assert read == ["key_learning", "about"]
    assert add_section(read, "not-a-section") == ["key_learning", "about"]
    assert add_section("garbage", "about") == ["about"]


def test_a_saved_reflection_is_added_as_point_and_text() -> None:
    saved = add_saved_reflection(None, point_number=2, text="First.")
    saved = add_saved_reflection(saved, point_number=None, text="Second.")

    assert saved == [{"point": 2, "text": "First."}, {"point": None, "text": "Second."}]


def test_the_same_text_on_the_same_point_is_kept_once() -> None:
    saved = add_saved_reflection(None, point_number=1, text="Same words.")
    saved = add_saved_reflection(saved, point_number=2, text="Same words.")
    saved = add_saved_reflection(saved, point_number=1, text="Same words.")

    assert saved == [{"point": 2, "text": "Same words."}, {"point": 1, "text": "Same words."}]


def test_only_the_newest_reflections_are_kept() -> None:
    saved: list[dict[str, object]] = []
    for number in range(MAX_SAVED_REFLECTIONS + 5):
        saved = add_saved_reflection(saved, point_number=1, text=f"Reflection {number}.")

    assert len(saved) == MAX_SAVED_REFLECTIONS
    assert saved[0] == {"point": 1, "text": "Reflection 5."}
    assert saved[-1] == {"point": 1, "text": f"Reflection {MAX_SAVED_REFLECTIONS + 4}."}


def test_adding_to_a_malformed_slot_starts_afresh() -> None:
    assert add_saved_reflection({"oops": 1}, point_number="x", text="Kept.") == [
        {"point": None, "text": "Kept."}
    ]
