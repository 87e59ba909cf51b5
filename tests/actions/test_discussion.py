"""Discussion actions: the exact slot events and messages for each navigation word."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.discussion import (
    ActionResetDiscussion,
    ActionShowDiscussionPoint,
    ActionStopDiscussion,
)
from bot.content.schema import Pack
from tests.conftest import TrackerFactory

pytestmark = pytest.mark.usefixtures("action_settings")

P1, P2, P3, P4 = (
    "risks-from-other-adults",
    "legacy-of-domestic-abuse",
    "fathers-and-significant-adults",
    "using-the-procedures",
)
POINT_BUTTONS = [
    "/add_reflection",
    "/next_point",
    "/repeat_point",
    "/skip_point",
    "/previous_point",
    "/stop_discussion",
]


def slots(
    point: int | None,
    covered: list[str] | None = None,
    skipped: list[str] | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    """Discussion slots as the tracker holds them."""
    return {
        "point_number": point,
        "points_covered": covered or [],
        "points_skipped": skipped or [],
        "discussion_status": status,
    }


def slot_events(
    point: int | None,
    covered: list[str] | None = None,
    skipped: list[str] | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """The four SlotSet events that persist a discussion state, in order."""
    return [SlotSet(name, value) for name, value in slots(point, covered, skipped, status).items()]


def show(
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
    intent: str | None,
    current: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    tracker = tracker_factory(slots=current or {}, intent=intent, text=intent or "")
    return ActionShowDiscussionPoint().run(dispatcher, tracker, {})


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [message["text"] for message in dispatcher.messages]


def test_names() -> None:
    assert ActionShowDiscussionPoint().name() == "action_show_discussion_point"
    assert ActionStopDiscussion().name() == "action_stop_discussion"
    assert ActionResetDiscussion().name() == "action_reset_discussion"


def test_start(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = show(tracker_factory, dispatcher, "start_discussion")

    assert events == slot_events(1, status="in_progress")
    intro, point = texts(dispatcher)
    assert intro.startswith(pack.discussion_invitation)
    assert point.startswith("**Point 1 of 4**")
    assert pack.discussion_points[0].question in point
    assert [b["payload"] for b in dispatcher.messages[1]["buttons"]] == POINT_BUTTONS


def test_start_with_no_slots_set_at_all(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(intent="start_discussion")

    events = ActionShowDiscussionPoint().run(dispatcher, tracker, {})

    assert events == slot_events(1, status="in_progress")


def test_next_from_point_one(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = show(tracker_factory, dispatcher, "next_point", slots(1, status="in_progress"))

    assert events == [
        SlotSet("point_number", 2),
        SlotSet("points_covered", [P1]),
        SlotSet("points_skipped", []),
        SlotSet("discussion_status", "in_progress"),
    ]
    (point,) = texts(dispatcher)
    assert point.startswith("**Point 2 of 4**")
    assert pack.discussion_points[1].question in point


def test_skip(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = show(tracker_factory, dispatcher, "skip_point", slots(2, [P1], status="in_progress"))

    assert events == slot_events(3, [P1], [P2], "in_progress")
    notice, point = texts(dispatcher)
    assert notice == "Skipped. Here's the next one."
    assert point.startswith("**Point 3 of 4**")


def test_back(tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    events = show(
        tracker_factory, dispatcher, "previous_point", slots(3, [P1, P2], status="in_progress")
    )

    assert events == slot_events(2, [P1, P2], status="in_progress")
    (point,) = texts(dispatcher)
    assert point.startswith("**Point 2 of 4**")


def test_back_at_point_one(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = show(tracker_factory, dispatcher, "previous_point", slots(1, status="in_progress"))

    assert events == slot_events(1, status="in_progress")
    notice, point = texts(dispatcher)
    assert notice == "This is the first point."
    assert point.startswith("**Point 1 of 4**")


def test_repeat(tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    events = show(tracker_factory, dispatcher, "repeat_point", slots(3, [P1], [P2], "in_progress"))

    assert events == slot_events(3, [P1], [P2], "in_progress")
    (point,) = texts(dispatcher)
    assert point.startswith("**Point 3 of 4**")


@pytest.mark.parametrize("intent", ["resume_discussion", "affirm", "start_discussion"])
def test_resume(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher, intent: str
) -> None:
    events = show(tracker_factory, dispatcher, intent, slots(2, [P1], status="in_progress"))

    assert events == slot_events(2, [P1], status="in_progress")
    notice, point = texts(dispatcher)
    assert notice == "Welcome back. Carrying on where you left off."
    assert point.startswith("**Point 2 of 4**")


@pytest.mark.parametrize("intent", [None, "express_distress", "greet"])
def test_an_unmapped_intent_resumes(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher, intent: str | None
) -> None:
    events = show(tracker_factory, dispatcher, intent, slots(4, [P1, P2, P3], status="in_progress"))

    assert events == slot_events(4, [P1, P2, P3], status="in_progress")
    assert texts(dispatcher)[0].startswith("Welcome back.")


def test_resume_when_not_started_starts(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = show(tracker_factory, dispatcher, "resume_discussion")

    assert events == slot_events(1, status="in_progress")
    assert texts(dispatcher)[0].startswith(pack.discussion_invitation)


def test_complete(
    pack: Pack, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = show(
        tracker_factory, dispatcher, "next_point", slots(4, [P1, P3], [P2], "in_progress")
    )

    assert events == slot_events(4, [P1, P3, P4], [P2], "complete")
    (summary,) = texts(dispatcher)
    assert summary.startswith("That's all 4 points. Discussed: 1, 3, 4. Skipped: 2.")
    assert pack.discussion_invitation in summary
    # The end of the discussion offers the CPD record (both layouts) and the follow-up.
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == [
        "/start_discussion",
        '/ask_cpd_record{"cpd_variant":"swe"}',
        '/ask_cpd_record{"cpd_variant":"nmc"}',
        "/opt_in_followup",
        "/show_menu",
        "/goodbye",
    ]


def test_resume_when_complete_shows_the_summary(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    done = slots(4, [P1, P2, P3, P4], status="complete")

    events = show(tracker_factory, dispatcher, "resume_discussion", done)

    assert events == slot_events(4, [P1, P2, P3, P4], status="complete")
    (summary,) = texts(dispatcher)
    assert "Discussed: 1, 2, 3, 4. Skipped: none." in summary


def test_start_when_complete_goes_round_again(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    done = slots(4, [P1, P2, P3, P4], status="complete")

    events = show(tracker_factory, dispatcher, "start_discussion", done)

    assert events == slot_events(1, status="in_progress")


@pytest.mark.parametrize(
    "garbage",
    [
        {"point_number": "2", "points_covered": "x", "points_skipped": None},
        {"point_number": -3, "discussion_status": "in_progress"},
        {"point_number": 42, "points_covered": [P1], "discussion_status": "in_progress"},
    ],
    ids=["strings", "negative", "beyond-the-pack"],
)
def test_malformed_slots_start_afresh(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher, garbage: dict[str, Any]
) -> None:
    events = show(tracker_factory, dispatcher, "next_point", garbage)

    assert events == slot_events(1, status="in_progress")


# --- stop ---


def test_stop_in_progress(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(slots=slots(2, [P1], status="in_progress"), intent="stop_discussion")

    events = ActionStopDiscussion().run(dispatcher, tracker, {})

    assert events == []
    (message,) = dispatcher.messages
    assert message["text"].startswith("Stopped at point 2 of 4. Your place is saved")
    assert [b["payload"] for b in message["buttons"]] == ["/show_menu", "/goodbye"]


def test_stop_when_not_started(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(slots=slots(None), intent="stop_discussion")

    events = ActionStopDiscussion().run(dispatcher, tracker, {})

    assert events == []
    (message,) = dispatcher.messages
    assert message["text"] == "You haven't started the discussion points yet."
    assert [b["payload"] for b in message["buttons"]] == ["/start_discussion", "/show_menu"]


def test_stop_when_complete_shows_the_menu(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(
        slots=slots(4, [P1, P2, P3, P4], status="complete"), intent="stop_discussion"
    )

    events = ActionStopDiscussion().run(dispatcher, tracker, {})

    assert events == []
    (message,) = dispatcher.messages
    assert message["response"] == "utter_menu"
    assert message["text"] is None


# --- reset ---


def test_reset_empties_the_four_slots(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(slots=slots(3, [P1], [P2], "in_progress"), intent="start_over")

    events = ActionResetDiscussion().run(dispatcher, tracker, {})

    assert events == [
        SlotSet("point_number", None),
        SlotSet("points_covered", []),
        SlotSet("points_skipped", []),
        SlotSet("discussion_status", None),
    ]
    assert dispatcher.messages == []
