"""Session rollover: when it happens, what it writes, and that it keeps the conversation's place.

The end-to-end proof (every reply of a long conversation the same with and without rollover,
on the trained model) is tests/e2e/test_rollover.py; these tests check the pieces on hand-built
conversations with the project's domain, and derive from data/ and config.yml that the copy is
long enough for every rule and for memoization.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    Event,
    LoopInterrupted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from ruamel.yaml import YAML

from bot.rasa_ext import rollover
from bot.rasa_ext.rollover import KEEP_STATES, MEMO_STATES, plan, same_place
from bot.settings.config import PROJECT_ROOT
from bot.web.history import ROLLOVER_MARK

SENDER = "s_rollover-test"
THRESHOLD = 60


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(PROJECT_ROOT / "domain.yml")


class Clock:
    """Timestamps a little apart, as Rasa stamps events while it handles a message."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        self.now += 0.01
        return self.now


def _turn(
    clock: Clock, intent: str, *actions: str, memo: bool = False, **slots: Any
) -> list[Event]:
    """One message and what the processor appends while handling it, ending with a listen.

    ``memo``: the actions were predicted by a turn in the stories (memoization sees it), not by
    a rule-only turn.
    """
    events: list[Event] = [
        UserUttered(
            f"text for {intent}",
            {"name": intent, "confidence": 0.95},
            timestamp=clock(),
            metadata={"channel": "rest"},
        ),
        DefinePrevUserUtteredFeaturization(False, timestamp=clock()),
    ]
    for name in actions:
        events.append(
            ActionExecuted(name, "RulePolicy", 1.0, timestamp=clock(), hide_rule_turn=not memo)
        )
        events.append(BotUttered(f"{name} says so", {"buttons": []}, timestamp=clock()))
    events += [SlotSet(key, value, timestamp=clock()) for key, value in slots.items()]
    events.append(
        ActionExecuted(
            "action_listen", "RulePolicy", 1.0, timestamp=clock(), hide_rule_turn=not memo
        )
    )
    return events


def _start(clock: Clock) -> list[Event]:
    return [
        ActionExecuted("action_session_start", timestamp=clock()),
        SessionStarted(timestamp=clock()),
        ActionExecuted("action_listen", timestamp=clock()),
    ]


def _discussion(clock: Clock, turns: int) -> list[Event]:
    """A group session: the points, notes previewed and discarded, a saved reflection."""
    events = _start(clock)
    # Set once, long before any copy could start: only the rollover's place carries it.
    events += _turn(
        clock, "start_discussion", "action_show_discussion_point", discussion_status="in_progress"
    )
    for index in range(turns):
        point = index % 4 + 1
        kind = index % 5
        if kind == 0:
            events += _turn(clock, "next_point", "action_show_discussion_point", point_number=point)
        elif kind == 1:
            events += _turn(
                clock,
                "share_reflection",
                "action_capture_reflection",
                memo=True,
                reflection_draft=f"note {index}",
                draft_check="preview",
            )
        elif kind == 2:
            events += _turn(clock, "discard_reflection", "action_discard_reflection")
        elif kind == 3:
            events += _turn(clock, "repeat_point", "action_show_discussion_point")
        else:
            events += _turn(clock, "ask_key_learning", "action_show_key_learning", memo=True)
    return events


def _tracker(domain: Domain, events: list[Event]) -> DialogueStateTracker:
    """As the store loads it: from the serialised events."""
    dicts = [json.loads(json.dumps(event.as_dict())) for event in events]
    return DialogueStateTracker.from_dict(SENDER, dicts, domain.slots)


def _loaded(rolled: rollover.Rollover, domain: Domain) -> DialogueStateTracker:
    """What Rasa's SQL store loads after the rollover: from its session_started on."""
    return DialogueStateTracker.from_dict(SENDER, rolled.events[1:], domain.slots)


# --- the copy is long enough: derived from the training data and config.yml -----------------


def _rule_trackers() -> Iterator[tuple[DialogueStateTracker, Domain]]:
    from rasa.shared.core.generator import TrainingDataGenerator
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"),
        str(PROJECT_ROOT / "domain.yml"),
        [str(PROJECT_ROOT / "data")],
    )
    domain = importer.get_domain()
    generator = TrainingDataGenerator(importer.get_stories(), domain, augmentation_factor=0)
    yield from ((t, domain) for t in generator.generate() if t.is_rule_tracker)


def test_the_copy_keeps_more_states_than_the_longest_rule() -> None:
    # Each rule as Rasa trains it: a tracker whose states are the rule's, from its start.
    lengths = {
        tracker.sender_id: len(tracker.past_states(domain, omit_unset_slots=True))
        for tracker, domain in _rule_trackers()
    }
    longest = max(lengths, key=lambda name: lengths[name])

    assert len(lengths) > 50
    assert lengths[longest] <= KEEP_STATES, f"rule {longest!r} is {lengths[longest]} states"


def _policies() -> list[dict[str, Any]]:
    config = YAML(typ="safe").load((PROJECT_ROOT / "config.yml").read_text())
    return list(config["policies"])


def test_memoization_looks_no_further_back_than_the_copy_keeps() -> None:
    memo = [p for p in _policies() if p["name"] == "MemoizationPolicy"]

    assert memo and all(p["max_history"] + 1 <= MEMO_STATES for p in memo)


def test_no_policy_reads_the_whole_history() -> None:
    # TED or UnexpecTED (unbounded max_history) would see the rollover; only these are checked.
    assert {p["name"] for p in _policies()} <= {"MemoizationPolicy", "RulePolicy"}


# --- when a rollover is due ------------------------------------------------------------------


@pytest.fixture
def long_events() -> list[Event]:
    clock = Clock(time.time() - 600)
    events = _discussion(clock, 20)
    assert len(events) > THRESHOLD
    return events


def test_a_long_session_at_a_turn_boundary_rolls_over(
    domain: Domain, long_events: list[Event]
) -> None:
    rolled = plan(_tracker(domain, long_events), domain, threshold=THRESHOLD)

    assert rolled is not None
    assert rolled.replaced == len(long_events) - 1  # the session, from its session_started
    assert len(rolled.events) < rolled.replaced / 2


@pytest.mark.parametrize("threshold", [0, 10_000])
def test_off_or_a_short_session_does_not(
    domain: Domain, long_events: list[Event], threshold: int
) -> None:
    assert plan(_tracker(domain, long_events), domain, threshold=threshold) is None


def test_not_in_the_middle_of_a_turn(domain: Domain, long_events: list[Event]) -> None:
    middle = long_events[:-1]  # the last action_listen not yet there

    assert plan(_tracker(domain, middle), domain, threshold=THRESHOLD) is None


def test_turns_older_than_a_day_are_not_copied(domain: Domain) -> None:
    # Each copy is stamped anew and would outlive the original under the retention period.
    clock = Clock(time.time() - 2 * 24 * 3600)
    events = _discussion(clock, 20)

    assert plan(_tracker(domain, events), domain, threshold=THRESHOLD) is None


def test_a_conversation_ahead_of_this_clock_is_not_rolled_over(domain: Domain) -> None:
    # Its next message would be stamped before the rollover's session start, and lost from it.
    clock = Clock(time.time() + 60)
    events = _discussion(clock, 20)

    started = time.monotonic()
    assert plan(_tracker(domain, events), domain, threshold=THRESHOLD, now=clock.now) is None
    assert time.monotonic() - started < 5


# --- what it writes --------------------------------------------------------------------------


def test_what_it_writes_is_a_session_start_the_place_and_the_last_turns(
    domain: Domain, long_events: list[Event]
) -> None:
    tracker = _tracker(domain, long_events)
    rolled = plan(tracker, domain, threshold=THRESHOLD)
    assert rolled is not None
    kinds = [event["event"] for event in rolled.events]

    assert kinds[:2] == ["action", "session_started"]
    assert rolled.events[0]["name"] == "action_session_start"
    assert rolled.events[1]["metadata"] == {ROLLOVER_MARK: True}
    head = kinds.index("action", 2)
    assert set(kinds[2:head]) == {"slot"}
    # The copy: verbatim from an action_listen to the last one, each event marked.
    copied = rolled.events[head:]
    original = [e.as_dict() for e in list(tracker.events)[-len(copied) :]]
    assert copied[0]["name"] == copied[-1]["name"] == "action_listen"
    for copy, event in zip(copied, original, strict=True):
        assert copy["metadata"].pop(ROLLOVER_MARK) is True
        assert {k: v for k, v in copy.items() if k not in {"timestamp", "metadata"}} == {
            k: v
            for k, v in json.loads(json.dumps(event)).items()
            if k not in {"timestamp", "metadata"}
        }
    user = [c for c in copied if c["event"] == "user"]
    assert len(user) >= rollover.KEEP_USER_MESSAGES
    assert all(c["metadata"] == {"channel": "rest"} for c in user)


def _untimed(event: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in event.items() if k not in {"timestamp", "metadata"}}


def test_its_timestamps_follow_the_conversation_and_do_not_pass_the_clock(
    domain: Domain, long_events: list[Event]
) -> None:
    rolled = plan(_tracker(domain, long_events), domain, threshold=THRESHOLD)
    assert rolled is not None
    stamps = [event["timestamp"] for event in rolled.events]

    assert all(a < b for a, b in itertools.pairwise(stamps))
    assert stamps[0] > max(event.timestamp for event in long_events)
    assert stamps[-1] < time.time()


def test_the_next_message_after_it_finds_the_same_place(
    domain: Domain, long_events: list[Event]
) -> None:
    original = _tracker(domain, long_events)
    rolled = plan(original, domain, threshold=THRESHOLD)
    assert rolled is not None
    loaded = _loaded(rolled, domain)

    assert loaded.current_slot_values() == original.current_slot_values()
    assert loaded.get_slot("point_number") == 4
    assert loaded.get_slot("discussion_status") == "in_progress"
    # And it stays the same place as the conversation goes on.
    clock = Clock(rolled.events[-1]["timestamp"])
    for event in _turn(clock, "next_point", "action_show_discussion_point", point_number=1):
        original.update(event)
        loaded.update(event)
    assert same_place(original, loaded, domain)
    assert len(loaded.events) < len(original.events) / 2


def test_a_form_in_progress_is_carried_over(domain: Domain) -> None:
    clock = Clock(time.time() - 600)
    events = _discussion(clock, 18)
    events += _turn(clock, "add_reflection", "action_start_reflection", "reflection_form")
    events[-1:-1] = [
        ActiveLoop("reflection_form", timestamp=clock()),
        SlotSet("requested_slot", "reflection_text", timestamp=clock()),
    ]
    for _ in range(4):  # the practitioner goes off and comes back to the form
        events += _turn(clock, "ask_key_learning", "action_show_key_learning", "reflection_form")
    tracker = _tracker(domain, events)
    assert tracker.active_loop_name == "reflection_form"

    rolled = plan(tracker, domain, threshold=THRESHOLD)

    assert rolled is not None
    loaded = _loaded(rolled, domain)
    assert loaded.active_loop_name == "reflection_form"
    assert loaded.get_slot("requested_slot") == "reflection_text"


@pytest.mark.parametrize(("interrupted", "rejected"), [(False, False), (True, False), (True, True)])
def test_the_place_replays_the_form_state(
    domain: Domain, interrupted: bool, rejected: bool
) -> None:
    tracker = DialogueStateTracker(SENDER, domain.slots)
    for event in (
        SlotSet("point_number", 3),
        SlotSet("reflection_text", None),
        ActiveLoop("withdraw_form"),
        LoopInterrupted(interrupted),
        *([ActionExecutionRejected("withdraw_form")] if rejected else []),
    ):
        tracker.update(event)

    head = rollover._place_events(tracker)
    replayed = DialogueStateTracker.from_dict(SENDER, head, domain.slots)

    assert replayed.current_slot_values() == tracker.current_slot_values()
    assert {n for n, s in replayed.slots.items() if s.has_been_set} == {
        "point_number",
        "reflection_text",
    }
    assert replayed.active_loop is not None and tracker.active_loop is not None
    assert replayed.active_loop.is_interrupted == interrupted
    assert replayed.active_loop.rejected == rejected


# --- it checks itself ------------------------------------------------------------------------


def test_a_rollover_that_would_lose_the_place_is_not_written(
    domain: Domain, long_events: list[Event], monkeypatch: pytest.MonkeyPatch
) -> None:
    def without_slots(tracker: DialogueStateTracker) -> list[dict[str, Any]]:
        return [e for e in original(tracker) if e["event"] != "slot"]

    original = rollover._place_events
    monkeypatch.setattr(rollover, "_place_events", without_slots)

    assert plan(_tracker(domain, long_events), domain, threshold=THRESHOLD) is None
    monkeypatch.undo()
    assert plan(_tracker(domain, long_events), domain, threshold=THRESHOLD) is not None


def test_same_place_sees_a_slot_set_to_its_initial_value(domain: Domain) -> None:
    # has_been_set is part of what the rule policy sees (omit_unset_slots), so it counts.
    clock = Clock(1000.0)
    events = _discussion(clock, 12)
    a = _tracker(domain, events)
    b = _tracker(
        domain, [*events[:-1], SlotSet("concern_now", None, timestamp=clock()), events[-1]]
    )

    assert same_place(a, a, domain)
    assert not same_place(a, b, domain)


def test_same_place_sees_a_different_form_state(domain: Domain) -> None:
    clock = Clock(1000.0)
    events = _discussion(clock, 12)
    a = _tracker(domain, events)
    b = _tracker(domain, [*events[:-1], ActiveLoop("withdraw_form", timestamp=clock()), events[-1]])

    assert not same_place(a, b, domain)


def test_same_place_needs_the_recent_states_not_just_the_slots(domain: Domain) -> None:
    clock = Clock(1000.0)
    events = _discussion(clock, 12)
    shorter = _start(Clock(999.0)) + events[-8:]

    assert not same_place(_tracker(domain, events), _tracker(domain, shorter), domain)
