"""Walking a team through a briefing's points for discussion, one at a time.

Plain state-machine logic with no Rasa in it: the action reads the state from slots, asks
:func:`navigate` what to do, and writes the new state back. Because the state lives in slots, the
tracker store keeps it, so a practitioner can stop and carry on where they left off days later.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import Enum

from bot.content.schema import DiscussionPoint, Pack


class Command(str, Enum):
    """What the practitioner asked for."""

    START = "start"
    NEXT = "next"
    REPEAT = "repeat"
    SKIP = "skip"
    BACK = "back"
    RESUME = "resume"


class Notice(str, Enum):
    """Why the point is being shown, so the bot can say so (wording: bot/content/messages.yml)."""

    STARTED = "started"
    MOVED = "moved"
    REPEATED = "repeated"
    SKIPPED = "skipped"
    FIRST_POINT = "first_point"
    RESUMED = "resumed"
    FINISHED = "finished"


@dataclass(frozen=True)
class DiscussionState:
    """Where a practitioner is: the current point (1-based) and what they covered or skipped."""

    current: int | None = None
    covered: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    complete: bool = False

    @property
    def in_progress(self) -> bool:
        """Started and not yet finished: the state "carry on where you left off" resumes."""
        return self.current is not None and not self.complete


@dataclass(frozen=True)
class Move:
    """The outcome of one command: the new state and the point to show (None when finished)."""

    state: DiscussionState
    point: DiscussionPoint | None
    notice: Notice


def _with(items: tuple[str, ...], item: str) -> tuple[str, ...]:
    return items if item in items else (*items, item)


def _without(items: tuple[str, ...], item: str) -> tuple[str, ...]:
    return tuple(value for value in items if value != item)


def _start(pack: Pack) -> Move:
    state = DiscussionState(current=1)
    return Move(state, pack.discussion_points[0], Notice.STARTED)


def _show(pack: Pack, state: DiscussionState, notice: Notice) -> Move:
    assert state.current is not None
    return Move(state, pack.discussion_points[state.current - 1], notice)


def _advance(pack: Pack, state: DiscussionState, *, skip: bool) -> Move:
    current = state.current
    assert current is not None
    point_id = pack.discussion_points[current - 1].id
    if skip:
        state = replace(
            state, skipped=_with(state.skipped, point_id), covered=_without(state.covered, point_id)
        )
    else:
        state = replace(
            state, covered=_with(state.covered, point_id), skipped=_without(state.skipped, point_id)
        )
    if current >= len(pack.discussion_points):
        return Move(replace(state, complete=True), None, Notice.FINISHED)
    state = replace(state, current=current + 1)
    return _show(pack, state, Notice.SKIPPED if skip else Notice.MOVED)


def normalise(pack: Pack, state: DiscussionState) -> DiscussionState:
    """Discard a stored position the pack no longer has (a newer pack version with fewer points)."""
    total = len(pack.discussion_points)
    if state.current is not None and not 1 <= state.current <= total:
        return DiscussionState()
    return state


def navigate(pack: Pack, state: DiscussionState, command: Command) -> Move:
    """Apply one command to the discussion state.

    Every command is meaningful in every state (e.g. "next" before starting starts), so the
    conversation never dead-ends on a navigation word.
    """
    state = normalise(pack, state)
    if command is Command.START:
        return _show(pack, state, Notice.RESUMED) if state.in_progress else _start(pack)
    if command is Command.RESUME:
        if state.in_progress:
            return _show(pack, state, Notice.RESUMED)
        if state.complete:
            return Move(state, None, Notice.FINISHED)
        return _start(pack)
    if state.current is None:
        return _start(pack)
    if state.complete:
        if command is Command.BACK or command is Command.REPEAT:
            last = len(pack.discussion_points)
            return _show(pack, replace(state, current=last, complete=False), Notice.REPEATED)
        return _start(pack)
    if command is Command.REPEAT:
        return _show(pack, state, Notice.REPEATED)
    if command is Command.BACK:
        if state.current == 1:
            return _show(pack, state, Notice.FIRST_POINT)
        return _show(pack, replace(state, current=state.current - 1), Notice.MOVED)
    return _advance(pack, state, skip=command is Command.SKIP)


def state_from_slots(
    *, point_number: object, covered: object, skipped: object, status: object
) -> DiscussionState:
    """Rebuild the state from tracker slots, tolerating missing or malformed values."""
    current: int | None = None
    if isinstance(point_number, (int, float)) and math.isfinite(point_number) and point_number >= 1:
        current = int(point_number)

    def ids(value: object) -> tuple[str, ...]:
        return tuple(str(item) for item in value) if isinstance(value, list) else ()

    return DiscussionState(
        current=current,
        covered=ids(covered),
        skipped=ids(skipped),
        complete=status == "complete",
    )


def slots_from_state(state: DiscussionState) -> dict[str, object]:
    """The slot values that persist a state in the tracker store."""
    status = "complete" if state.complete else ("in_progress" if state.in_progress else None)
    return {
        "point_number": state.current,
        "points_covered": list(state.covered),
        "points_skipped": list(state.skipped),
        "discussion_status": status,
    }
