"""The discussion state machine: every command in every state, and slot round trips."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.content.schema import Pack
from bot.discussion.navigate import (
    Command,
    DiscussionState,
    Notice,
    navigate,
    normalise,
    slots_from_state,
    state_from_slots,
)

# Ids of the Child Z points, in order (checked against the pack below).
P1, P2, P3, P4 = (
    "risks-from-other-adults",
    "legacy-of-domestic-abuse",
    "fathers-and-significant-adults",
    "using-the-procedures",
)

NOT_STARTED = DiscussionState()
AT_FIRST = DiscussionState(current=1)
MIDDLE = DiscussionState(current=2, covered=(P1,))
LAST = DiscussionState(current=4, covered=(P1, P2), skipped=(P3,))
COMPLETE = DiscussionState(current=4, covered=(P1, P2, P3, P4), complete=True)

STATES = {
    "not-started": NOT_STARTED,
    "at-first": AT_FIRST,
    "middle": MIDDLE,
    "last": LAST,
    "complete": COMPLETE,
}


@dataclass(frozen=True)
class Expect:
    """The expected outcome of one command: the point shown (None for the summary) and state."""

    notice: Notice
    point: int | None
    state: DiscussionState


STARTED = Expect(Notice.STARTED, 1, DiscussionState(current=1))

EXPECTED: dict[tuple[str, Command], Expect] = {
    # Not started: every word starts at point 1.
    ("not-started", Command.START): STARTED,
    ("not-started", Command.NEXT): STARTED,
    ("not-started", Command.REPEAT): STARTED,
    ("not-started", Command.SKIP): STARTED,
    ("not-started", Command.BACK): STARTED,
    ("not-started", Command.RESUME): STARTED,
    # At point 1.
    ("at-first", Command.START): Expect(Notice.RESUMED, 1, AT_FIRST),
    ("at-first", Command.RESUME): Expect(Notice.RESUMED, 1, AT_FIRST),
    ("at-first", Command.NEXT): Expect(Notice.MOVED, 2, DiscussionState(current=2, covered=(P1,))),
    ("at-first", Command.SKIP): Expect(
        Notice.SKIPPED, 2, DiscussionState(current=2, skipped=(P1,))
    ),
    ("at-first", Command.REPEAT): Expect(Notice.REPEATED, 1, AT_FIRST),
    ("at-first", Command.BACK): Expect(Notice.FIRST_POINT, 1, AT_FIRST),
    # In the middle (point 2, point 1 covered).
    ("middle", Command.START): Expect(Notice.RESUMED, 2, MIDDLE),
    ("middle", Command.RESUME): Expect(Notice.RESUMED, 2, MIDDLE),
    ("middle", Command.NEXT): Expect(Notice.MOVED, 3, DiscussionState(current=3, covered=(P1, P2))),
    ("middle", Command.SKIP): Expect(
        Notice.SKIPPED, 3, DiscussionState(current=3, covered=(P1,), skipped=(P2,))
    ),
    ("middle", Command.REPEAT): Expect(Notice.REPEATED, 2, MIDDLE),
    ("middle", Command.BACK): Expect(Notice.MOVED, 1, DiscussionState(current=1, covered=(P1,))),
    # At the last point (1 and 2 covered, 3 skipped).
    ("last", Command.START): Expect(Notice.RESUMED, 4, LAST),
    ("last", Command.RESUME): Expect(Notice.RESUMED, 4, LAST),
    ("last", Command.NEXT): Expect(
        Notice.FINISHED,
        None,
        DiscussionState(current=4, covered=(P1, P2, P4), skipped=(P3,), complete=True),
    ),
    ("last", Command.SKIP): Expect(
        Notice.FINISHED,
        None,
        DiscussionState(current=4, covered=(P1, P2), skipped=(P3, P4), complete=True),
    ),
    ("last", Command.REPEAT): Expect(Notice.REPEATED, 4, LAST),
    ("last", Command.BACK): Expect(
        Notice.MOVED, 3, DiscussionState(current=3, covered=(P1, P2), skipped=(P3,))
    ),
    # Complete: resume shows the summary again, back/repeat reopen the last point, and
    # start/next/skip go round again from the beginning.
    ("complete", Command.START): STARTED,
    ("complete", Command.RESUME): Expect(Notice.FINISHED, None, COMPLETE),
    ("complete", Command.NEXT): STARTED,
    ("complete", Command.SKIP): STARTED,
    ("complete", Command.REPEAT): Expect(
        Notice.REPEATED, 4, DiscussionState(current=4, covered=(P1, P2, P3, P4))
    ),
    ("complete", Command.BACK): Expect(
        Notice.REPEATED, 4, DiscussionState(current=4, covered=(P1, P2, P3, P4))
    ),
}


def test_point_ids_match_the_pack(pack: Pack) -> None:
    assert [point.id for point in pack.discussion_points] == [P1, P2, P3, P4]


def test_the_table_covers_every_command_in_every_state() -> None:
    assert set(EXPECTED) == {(state, command) for state in STATES for command in Command}


@pytest.mark.parametrize(
    ("state_name", "command"), list(EXPECTED), ids=[f"{s}-{c.value}" for s, c in EXPECTED]
)
def test_navigate(pack: Pack, state_name: str, command: Command) -> None:
    expected = EXPECTED[(state_name, command)]

    move = navigate(pack, STATES[state_name], command)

    assert move.notice is expected.notice
    assert move.state == expected.state
    if expected.point is None:
        assert move.point is None
    else:
        assert move.point is pack.discussion_points[expected.point - 1]


def test_back_at_point_one_stays_and_says_so(pack: Pack) -> None:
    move = navigate(pack, AT_FIRST, Command.BACK)

    assert move.notice is Notice.FIRST_POINT
    assert move.state.current == 1
    assert move.point is not None and move.point.number == 1


def test_next_past_the_last_point_finishes(pack: Pack) -> None:
    move = navigate(pack, LAST, Command.NEXT)

    assert move.notice is Notice.FINISHED
    assert move.point is None
    assert move.state.complete
    assert not move.state.in_progress


def test_walking_every_point_covers_all_of_them(pack: Pack) -> None:
    state = NOT_STARTED
    move = navigate(pack, state, Command.START)
    shown = [move.point.number if move.point else None]
    while move.point is not None:
        move = navigate(pack, move.state, Command.NEXT)
        shown.append(move.point.number if move.point else None)

    assert shown == [1, 2, 3, 4, None]
    assert move.state.covered == (P1, P2, P3, P4)
    assert move.state.skipped == ()
    assert move.state.complete


def test_covering_a_skipped_point_moves_it_to_covered(pack: Pack) -> None:
    state = DiscussionState(current=3, covered=(P1, P2))
    state = navigate(pack, state, Command.SKIP).state  # skip 3, now at 4
    state = navigate(pack, state, Command.BACK).state  # back to 3
    state = navigate(pack, state, Command.NEXT).state  # discuss 3 after all

    assert state.current == 4
    assert state.covered == (P1, P2, P3)
    assert state.skipped == ()


def test_skipping_a_covered_point_moves_it_to_skipped(pack: Pack) -> None:
    state = navigate(pack, DiscussionState(current=1, covered=(P1,)), Command.SKIP).state

    assert state.covered == ()
    assert state.skipped == (P1,)


def test_covering_a_point_twice_records_it_once(pack: Pack) -> None:
    state = DiscussionState(current=2, covered=(P1,))
    state = navigate(pack, state, Command.BACK).state
    state = navigate(pack, state, Command.NEXT).state

    assert state.current == 2
    assert state.covered == (P1,)


def test_resume_when_complete_shows_the_summary_without_changing_state(pack: Pack) -> None:
    move = navigate(pack, COMPLETE, Command.RESUME)

    assert move.point is None
    assert move.notice is Notice.FINISHED
    assert move.state == COMPLETE


def test_in_progress() -> None:
    assert not NOT_STARTED.in_progress
    assert AT_FIRST.in_progress
    assert LAST.in_progress
    assert not COMPLETE.in_progress


# --- normalise ---


@pytest.mark.parametrize("current", [0, -1, 5, 99])
def test_normalise_discards_a_position_the_pack_does_not_have(pack: Pack, current: int) -> None:
    state = DiscussionState(current=current, covered=(P1,), skipped=(P2,))

    assert normalise(pack, state) == DiscussionState()


@pytest.mark.parametrize("state", list(STATES.values()), ids=list(STATES))
def test_normalise_keeps_a_valid_state(pack: Pack, state: DiscussionState) -> None:
    assert normalise(pack, state) == state


def test_navigate_from_a_stale_position_starts_again(pack: Pack) -> None:
    move = navigate(pack, DiscussionState(current=7, covered=(P1,)), Command.NEXT)

    assert move.notice is Notice.STARTED
    assert move.state == DiscussionState(current=1)


# --- slots ---


@pytest.mark.parametrize("state", list(STATES.values()), ids=list(STATES))
def test_slots_round_trip(state: DiscussionState) -> None:
    slots = slots_from_state(state)

    rebuilt = state_from_slots(
        point_number=slots["point_number"],
        covered=slots["points_covered"],
        skipped=slots["points_skipped"],
        status=slots["discussion_status"],
    )

    assert rebuilt == state


def test_slots_from_state_values() -> None:
    assert slots_from_state(NOT_STARTED) == {
        "point_number": None,
        "points_covered": [],
        "points_skipped": [],
        "discussion_status": None,
    }
    assert slots_from_state(MIDDLE) == {
        "point_number": 2,
        "points_covered": [P1],
        "points_skipped": [],
        "discussion_status": "in_progress",
    }
    assert slots_from_state(COMPLETE)["discussion_status"] == "complete"


@pytest.mark.parametrize(
    "point_number",
    [
        None,
        "2",
        "two",
        "",
        -1,
        0,
        0.5,
        [2],
        {"point": 2},
        float("nan"),
        float("inf"),
    ],
)
def test_state_from_slots_ignores_a_malformed_point_number(point_number: object) -> None:
    state = state_from_slots(point_number=point_number, covered=None, skipped=None, status=None)

    assert state == DiscussionState()


def test_state_from_slots_accepts_a_float_point_number() -> None:
    # JSON round trips can turn 2 into 2.0.
    state = state_from_slots(point_number=2.0, covered=[P1], skipped=[], status="in_progress")

    assert state == DiscussionState(current=2, covered=(P1,))


@pytest.mark.parametrize("value", [None, "", P1, 3, {"id": P1}, (P1,)])
def test_state_from_slots_ignores_malformed_id_lists(value: object) -> None:
    state = state_from_slots(point_number=1, covered=value, skipped=value, status="in_progress")

    assert state == DiscussionState(current=1)


@pytest.mark.parametrize("status", [None, "", "in_progress", "Complete", "done", 1, True])
def test_only_the_complete_status_means_complete(status: object) -> None:
    state = state_from_slots(point_number=4, covered=[], skipped=[], status=status)

    assert not state.complete


def test_garbage_slots_still_navigate(pack: Pack) -> None:
    state = state_from_slots(point_number="three", covered="x", skipped=-4, status="weird")

    move = navigate(pack, state, Command.NEXT)

    assert move.notice is Notice.STARTED
    assert move.state == DiscussionState(current=1)
