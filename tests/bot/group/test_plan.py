from __future__ import annotations

import pytest

from bot.group.plan import DURATIONS, Plan, make_plan


@pytest.mark.parametrize("points", range(1, 9))
@pytest.mark.parametrize("total", DURATIONS)
def test_every_plan_adds_up_in_whole_minutes(total: int, points: int) -> None:
    plan = make_plan(total, points)

    assert plan.intro + sum(plan.points) + plan.actions == total
    assert len(plan.points) == points
    assert all(isinstance(share, int) and share >= 0 for share in plan.points)
    assert max(plan.points) - min(plan.points) <= 1  # shared evenly
    assert list(plan.points) == sorted(plan.points, reverse=True)  # odd minutes go first
    assert plan.actions >= plan.intro  # agreeing actions is never squeezed


@pytest.mark.parametrize("points", range(1, 9))
def test_the_seven_minute_briefing(points: int) -> None:
    plan = make_plan(7, points)

    assert (plan.intro, sum(plan.points), plan.actions) == (1, 5, 1)
    if points <= 5:
        assert min(plan.points) >= 1


@pytest.mark.parametrize(
    ("total", "points", "expected"),
    [
        (7, 4, Plan(7, 1, (2, 1, 1, 1), 1)),
        (30, 4, Plan(30, 3, (5, 5, 5, 5), 7)),
        (45, 4, Plan(45, 5, (8, 8, 7, 7), 10)),
        (60, 4, Plan(60, 5, (10, 10, 10, 10), 15)),
        (30, 12, Plan(30, 3, (2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1), 7)),
    ],
)
def test_plans_for_the_child_z_pack_and_the_largest(
    total: int, points: int, expected: Plan
) -> None:
    assert make_plan(total, points) == expected


def test_point_minutes_is_one_based() -> None:
    plan = make_plan(45, 4)

    assert [plan.point_minutes(n) for n in range(1, 5)] == [8, 8, 7, 7]


@pytest.mark.parametrize(("total", "points"), [(20, 4), (90, 4), (30, 0), (30, 13)])
def test_other_durations_and_point_counts_are_refused(total: int, points: int) -> None:
    with pytest.raises(ValueError):
        make_plan(total, points)
