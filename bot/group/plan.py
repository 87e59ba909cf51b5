"""The facilitation plan: how a session's minutes are shared between intro, points and actions.

Whole minutes that always add up to the time the lead has. Agreeing actions gets a generous
share on purpose: what separates good group supervision is the move from reflection to agreed
action (Bostock et al. 2019). The points share the rest evenly, the earlier points taking the
odd minutes; in a 7-minute briefing with more than five points some get less than a minute.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The durations a lead can choose, in minutes: the 7-minute briefing, then 30, 45 and 60.
DURATIONS: tuple[int, ...] = (7, 30, 45, 60)

#: Minutes for the introduction and for agreeing actions, by duration; the points share the rest.
_FRAME: dict[int, tuple[int, int]] = {7: (1, 1), 30: (3, 7), 45: (5, 10), 60: (5, 15)}

MAX_POINTS = 12


@dataclass(frozen=True)
class Plan:
    """Minutes for each part of one session, in order."""

    total: int
    intro: int
    points: tuple[int, ...]
    actions: int

    def point_minutes(self, number: int) -> int:
        """The share of point ``number`` (1-based)."""
        return self.points[number - 1]


def make_plan(total: int, point_count: int) -> Plan:
    """The plan for a session of ``total`` minutes over ``point_count`` discussion points.

    Raises:
        ValueError: for a duration not in :data:`DURATIONS`, or not 1 to 12 points.
    """
    if total not in _FRAME:
        raise ValueError(f"unknown duration {total!r}; expected one of {DURATIONS}")
    if not 1 <= point_count <= MAX_POINTS:
        raise ValueError(f"a plan covers 1 to {MAX_POINTS} points, not {point_count}")
    intro, actions = _FRAME[total]
    base, extra = divmod(total - intro - actions, point_count)
    points = tuple(base + (1 if index < extra else 0) for index in range(point_count))
    return Plan(total=total, intro=intro, points=points, actions=actions)
