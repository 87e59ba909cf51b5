from __future__ import annotations

import json
from datetime import date

import pytest

from bot.content.schema import Pack
from bot.cpd.covered import Covered
from bot.cpd.record import OwnReflection, PointDone, Record, build_record, is_empty
from tests.bot.cpd.conftest import REFLECTIONS

TODAY = date(2026, 12, 7)


def test_the_record_holds_the_briefing_what_was_covered_and_the_reflections(
    pack: Pack, covered: Covered
) -> None:
    record = build_record(pack, covered, variant="swe", today=TODAY)

    points = pack.discussion_points
    assert (record.title, record.partnership, record.version, record.published) == (
        pack.title,
        pack.partnership,
        pack.version,
        pack.published,
    )
    assert record.produced_on == TODAY
    assert record.sections == ("about", "key_learning")
    assert record.discussed == (
        PointDone(1, points[0].question),
        PointDone(3, points[2].question),
    )
    assert record.skipped == (PointDone(2, points[1].question),)
    assert record.reflections == (
        OwnReflection(1, REFLECTIONS[0]),
        OwnReflection(3, REFLECTIONS[1]),
    )


def test_the_learning_is_what_the_discussed_points_rest_on_in_pack_order(
    pack: Pack, covered: Covered
) -> None:
    record = build_record(pack, covered, variant="swe", today=TODAY)

    # Point 1 rests on learning 4 and 2, point 3 on 3 and 4.
    assert [item.number for item in record.learning] == [2, 3, 4]
    assert record.learning[0].summary == pack.key_learning[1].summary


def test_with_no_point_discussed_the_learning_is_all_of_it(pack: Pack) -> None:
    record = build_record(pack, Covered(sections=("about",)), variant="nmc", today=TODAY)

    assert [item.number for item in record.learning] == [1, 2, 3, 4]


def test_point_ids_the_pack_does_not_know_are_left_out(pack: Pack) -> None:
    covered = Covered(points_discussed=("gone-in-a-new-version",), points_skipped=("also-gone",))

    record = build_record(pack, covered, variant="swe", today=TODAY)

    assert record.discussed == () and record.skipped == ()


def test_the_record_survives_json(pack: Pack, covered: Covered) -> None:
    record = build_record(pack, covered, variant="nmc", today=TODAY)

    assert Record.from_dict(json.loads(json.dumps(record.to_dict()))) == record


@pytest.mark.parametrize("change", [{"schema": 2}, {"variant": "hcpc"}])
def test_another_schema_or_variant_is_refused(
    pack: Pack, covered: Covered, change: dict[str, object]
) -> None:
    stored = {**build_record(pack, covered, variant="swe", today=TODAY).to_dict(), **change}

    with pytest.raises(ValueError):
        Record.from_dict(stored)


def test_nothing_covered_is_empty(covered: Covered) -> None:
    assert is_empty(Covered())
    assert not is_empty(covered)
    assert not is_empty(Covered(points_skipped=("p",)))
