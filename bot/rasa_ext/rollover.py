"""Session rollover: keep a long conversation's current session short, in Rasa's own events.

A Teams group chat is one Rasa conversation, and Rasa rebuilds the tracker from every event of
the current session on every message (``SQLTrackerStore._event_query`` loads from the latest
``session_started``); the policies then walk all of them again (``tracker.past_states``, about
9 microseconds per event per call, several calls per message). Measured before this module,
one conversation's median went from 25 ms at message 10 to 300 ms at message 500.

When the current session holds more than ``TRACKER_ROLLOVER_EVENTS`` events and the last one is
``action_listen`` (a turn boundary), :class:`bot.rasa_ext.tracker_store.LeanSQLTrackerStore`
appends, in the same insert as the turn's events, a new session made only of events stock Rasa
understands and writes itself:

1. ``ActionExecuted(action_session_start)`` and ``SessionStarted`` (marked, see below), as
   ``ActionSessionStart`` writes them;
2. the place *as it was where the copied turns begin*: ``SlotSet`` for every slot that had been
   set (its ``has_been_set`` is part of what the rule policy sees), ``ActiveLoop`` if a form was
   active, and ``LoopInterrupted`` / ``ActionExecutionRejected`` if it was in that state;
3. a copy of the last few turns, from an ``action_listen`` to the last ``action_listen``,
   verbatim (policy, ``hide_rule_turn``, parse data) except for new timestamps, each marked.

Replaying the copied turns from that starting point ends exactly where the conversation is, and
gives the policies the same recent states. Rasa 3.6 needs nothing older for the next prediction:
``RulePolicy._get_possible_keys`` treats every state further back than a rule is long as a match
(the longest rule here is 9 states: tests/bot/rasa_ext/test_rollover.py derives it from
data/rules), ``MemoizationPolicy`` looks at ``max_history`` (3) states, the two-stage fallback
at the last three user messages, and the processor's action limit at the current turn.

Rather than trust that argument, every rollover is *checked before it is written*: the tracker
the store would load next without the rollover and the one it will load with it are both built
from the serialised events, and must have the same slots (values and ``has_been_set``), form
state, latest action, message and bot utterance, follow-up action, pause, last three user
intents, and the same last :data:`KEEP_STATES` states as the rule policy builds them and last
:data:`MEMO_STATES` as memoization builds them (rule-only turns left out). If anything differs,
a longer copy is tried; if none fits, nothing is written and the conversation carries on
unchanged. One difference is accepted: the form's ``trigger_message``, which neither Rasa 3.6,
rasa_sdk nor our actions read. And while a form is running (a group session takes every message
through ``group_form``) the policies' states are not compared, only the place: Rasa folds each
happy-path turn of a form out of the states (``applied_events``), so they still show the
message that started the form, which no copy can reproduce, and memoization leaves out the
form's rule-only turns, so its states reach back to before it. The next turn is decided by the
form (the loop's happy path) or an unhappy-path rule keyed on the next message and the active
loop, both in what is compared. Without this a group session never rolled over, and its 300th
message took 2.4 s (issue-12 attack round); tests/e2e/test_group.py shows a session carrying on
across rollovers.

Timestamps: Rasa orders a session's rows by id but finds the session by the *largest*
``session_started`` timestamp, so the rollover's timestamps follow the conversation's latest one
a microsecond apart, and must not pass the clock (the next message's events must come after).
A copy is stamped anew, so it would outlive its original under ``TRACKER_RETENTION_DAYS``; only
turns from the last :data:`MAX_COPY_AGE_S` seconds are copied, so never by more than a day.

The marks: the rollover's ``SessionStarted`` and every copied event carry ``metadata``
``{"reflect_rollover": true}`` (:data:`bot.web.history.ROLLOVER_MARK`). The widget's history reads
all sessions and skips both, so nobody sees a message twice; "Forget this conversation" deletes
every row of the conversation, copies included.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    Event,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.web.history import ROLLOVER_MARK

logger = logging.getLogger(__name__)

#: Rule-policy states at the end of the conversation a rollover keeps identical: at least the
#: longest rule (tests/bot/rasa_ext/test_rollover.py derives it from data/rules and fails if
#: a rule outgrows this).
KEEP_STATES = 10
#: Memoization states (rule-only turns left out) kept identical: ``max_history`` + 1 (config.yml;
#: the test checks it).
MEMO_STATES = 4
#: User messages a copy holds at least: the two-stage fallback looks back at three.
KEEP_USER_MESSAGES = 3
#: Longer copies tried when the shortest one does not keep the place (each twice as long).
ATTEMPTS = 3
#: The oldest event a rollover copies, in seconds (see the module docstring: retention).
MAX_COPY_AGE_S = 24 * 3600.0
#: Gap between the rollover's timestamps: a microsecond is 4 float steps at today's epoch.
STEP_S = 1e-6
#: The longest the store waits for the clock to pass the rollover's last timestamp.
MAX_WAIT_S = 0.01


@dataclass(frozen=True)
class Rollover:
    """What to append: the new session's events, serialised; and what they replace."""

    events: list[dict[str, Any]]
    replaced: int


def plan(
    tracker: DialogueStateTracker,
    domain: Domain,
    *,
    threshold: int,
    now: float | None = None,
) -> Rollover | None:
    """The rollover to append after ``tracker``'s events, or ``None`` if none is due or fits.

    Due when the current session (from the last ``session_started``) holds more than
    ``threshold`` events and the last event is ``action_listen``; ``threshold`` 0 turns it off.
    """
    if threshold <= 0:
        return None
    events = list(tracker.events)
    start = _session_start(events)
    if len(events) - start <= threshold or not _is_listen(events[-1]):
        return None
    now = time.time() if now is None else now
    # While a form runs (a group session's every message), the rule policy decides every turn
    # (the loop's happy path, or an unhappy-path rule, both ahead of memoization), and rule-only
    # turns never count for memoization, whose states then reach back to before the form: no
    # copy could hold them. So memoization's states are compared only when no form is active.
    memo = not tracker.active_loop_name
    windows = _windows(events[start:], memo=memo)
    if not windows:
        return None
    dicts = [json.loads(json.dumps(event.as_dict())) for event in events[start:]]
    for window in windows:
        if not _young_enough(dicts[window:], now):
            return None
        rollover = _build(tracker.sender_id, dicts, window, domain, memo=memo)
        if rollover is not None:
            return rollover
    if windows:
        logger.info("session rollover declined: no copy of the last turns keeps the place")
    return None


def _session_start(events: Sequence[Event]) -> int:
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], SessionStarted):
            return index
    return 0


def _is_listen(event: Event) -> bool:
    return isinstance(event, ActionExecuted) and event.action_name == ACTION_LISTEN_NAME


def _windows(session: Sequence[Event], *, memo: bool = True) -> list[int]:
    """Where copies may start (an ``action_listen``), shortest first; each twice the last.

    The shortest holds more than :data:`KEEP_STATES` actions, more than :data:`MEMO_STATES`
    of them predicted other than by a rule-only turn (memoization skips those), and at least
    :data:`KEEP_USER_MESSAGES` user messages. A copy longer than half the session is not worth
    writing.
    """
    found: list[int] = []
    actions = ml_actions = users = 0
    need = KEEP_STATES
    last = len(session) - 1
    for index in range(last, len(session) // 2 - 1, -1):
        event = session[index]
        if isinstance(event, ActionExecuted):
            actions += 1
            ml_actions += not event.hide_rule_turn
        elif isinstance(event, UserUttered):
            users += 1
        if (
            index < last
            and _is_listen(event)
            and actions > need
            and (not memo or ml_actions > MEMO_STATES * need // KEEP_STATES)
            and users >= KEEP_USER_MESSAGES
        ):
            found.append(index)
            if len(found) == ATTEMPTS:
                break
            need *= 2
    return found


def _young_enough(copied: Sequence[dict[str, Any]], now: float) -> bool:
    stamps = [d["timestamp"] for d in copied if isinstance(d.get("timestamp"), (int, float))]
    return bool(stamps) and min(stamps) >= now - MAX_COPY_AGE_S


def _build(
    sender_id: str, dicts: list[dict[str, Any]], window: int, domain: Domain, *, memo: bool = True
) -> Rollover | None:
    """Replay the session, note the place at ``window``, write and check the rollover."""
    unchanged = DialogueStateTracker(sender_id, domain.slots)
    head: list[dict[str, Any]] = []
    for index, serialised in enumerate(dicts):
        if index == window:
            head = _place_events(unchanged)
        event = Event.from_parameters(serialised)
        if event is not None:  # as Rasa's deserialise_events skips what it cannot read
            unchanged.update(event)
    stamps = _timestamps(dicts, len(head) + len(dicts) - window)
    if not head or stamps is None:
        return None
    events = [{**d, "timestamp": stamp} for d, stamp in zip(head, stamps, strict=False)]
    events += [
        _copy(d, stamp) for d, stamp in zip(dicts[window:], stamps[len(head) :], strict=True)
    ]
    # As the store will load it: from the rollover's session_started on.
    rolled = DialogueStateTracker.from_dict(sender_id, events[1:], domain.slots)
    if not same_place(unchanged, rolled, domain, memo=memo):
        return None
    # The next message's events must come after all of these (see the module docstring);
    # building took milliseconds, so this wait is almost never more than nothing. A clock that
    # is behind the conversation's (another machine's) declines rather than waits.
    ahead = stamps[-1] - time.time()
    if ahead > MAX_WAIT_S:
        return None
    if ahead >= 0:
        time.sleep(ahead + STEP_S)
    return Rollover(events=events, replaced=len(dicts))


def _place_events(tracker: DialogueStateTracker) -> list[dict[str, Any]]:
    """The new session's start and the place ``tracker`` is at, serialised, untimed."""
    mark = {ROLLOVER_MARK: True}
    head: list[Event] = [
        ActionExecuted(ACTION_SESSION_START_NAME),
        SessionStarted(metadata=mark),
    ]
    head += [SlotSet(name, slot.value) for name, slot in tracker.slots.items() if slot.has_been_set]
    loop = tracker.active_loop
    if loop is not None and loop.name:
        head.append(ActiveLoop(loop.name))
        if loop.is_interrupted:
            head.append(LoopInterrupted(True))
        if loop.rejected:
            head.append(ActionExecutionRejected(loop.name))
    return [json.loads(json.dumps(event.as_dict())) for event in head]


def _copy(event: dict[str, Any], stamp: float) -> dict[str, Any]:
    metadata = event.get("metadata")
    return {
        **event,
        "timestamp": stamp,
        "metadata": {**(metadata if isinstance(metadata, dict) else {}), ROLLOVER_MARK: True},
    }


def _timestamps(dicts: Sequence[dict[str, Any]], count: int) -> list[float] | None:
    """``count`` strictly increasing timestamps after the latest one in ``dicts``."""
    stamps = [d["timestamp"] for d in dicts if isinstance(d.get("timestamp"), (int, float))]
    if not stamps:
        return None
    out: list[float] = []
    last = float(max(stamps))
    for _ in range(count):
        last = max(last + STEP_S, math.nextafter(last, math.inf))
        out.append(last)
    return out


def same_place(
    original: DialogueStateTracker,
    rolled: DialogueStateTracker,
    domain: Domain,
    *,
    memo: bool = True,
) -> bool:
    """Whether Rasa would predict and act the same on ``rolled`` as on ``original``.

    See the module docstring for what is compared and why that is enough; with ``memo`` False
    (a form is running, see :func:`plan`) the states are not compared.
    """
    if _snapshot(original) != _snapshot(rolled):
        return False
    if _user_intents(original) != _user_intents(rolled):
        return False
    if not memo:
        # A running form: Rasa folds the form's turns out of the states (applied_events undoes
        # each happy-path turn), so the states still show the message that started the form,
        # which no copy can reproduce. What decides the next turn is the form itself (the
        # loop's happy path) or an unhappy-path rule keyed on the next message and the active
        # loop, both in the snapshot compared above.
        return True
    for kwargs, keep in (({}, KEEP_STATES), ({"ignore_rule_only_turns": True}, MEMO_STATES)):
        theirs = original.past_states(domain, **kwargs)
        ours = rolled.past_states(domain, **kwargs)
        # Longer than what is compared: the rolled session's first state (a session start)
        # must lie beyond anything a rule or the memo can look at.
        if len(ours) <= keep or len(theirs) < keep or ours[-keep:] != theirs[-keep:]:
            return False
    return True


def _snapshot(tracker: DialogueStateTracker) -> tuple[Any, ...]:
    loop = tracker.active_loop
    message = tracker.latest_message
    bot = tracker.latest_bot_utterance
    return (
        {name: (slot.value, slot.has_been_set) for name, slot in tracker.slots.items()},
        (loop.name, loop.is_interrupted, loop.rejected) if loop is not None else None,
        tracker.latest_action,
        (message.text, message.parse_data, message.input_channel) if message else None,
        (bot.text, bot.data) if bot else None,
        tracker.followup_action,
        tracker.is_paused(),
    )


def _user_intents(tracker: DialogueStateTracker) -> list[Any]:
    """The last three user messages' intents, as the two-stage fallback reads them."""
    found: list[Any] = []
    for event in reversed(tracker.events):
        if isinstance(event, Restarted):
            break
        if isinstance(event, UserUttered):
            found.append(event.intent_name)
        elif isinstance(event, UserUtteranceReverted):
            found.append("reverted")
        if len(found) == KEEP_USER_MESSAGES:
            break
    return found
