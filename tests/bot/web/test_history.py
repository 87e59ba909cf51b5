"""History for a resumed widget session, from the tracker store's events (Rasa's own shapes)."""

from __future__ import annotations

import time
from typing import Any

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.rollover import plan
from bot.reflections.receipts import receipt_placeholder
from bot.settings.config import PROJECT_ROOT
from bot.web.history import history_messages, without_receipts
from tests.bot.rasa_ext.test_rollover import Clock, _discussion, _turn

TOKEN = "0123456789abcdef01234567"
# Shown where a receipt code was (history_receipt_note in bot/content/messages.yml), word for word.
RECEIPT_NOTE = "(shown once, not kept)"
BUTTONS = [
    {"title": "Discuss and reflect", "payload": "/start_discussion"},
    {"title": "Police", "payload": '/choose_agency{"agency":"police"}'},
]


def _dicts(*events: Event) -> list[dict[str, Any]]:
    return [event.as_dict() for event in events]


def _bot(text: str | None, buttons: list[dict[str, Any]] | None = None) -> BotUttered:
    data: dict[str, Any] = {"elements": None, "quick_replies": None, "buttons": buttons}
    return BotUttered(text, data=data)


def test_user_and_bot_messages_in_order_with_buttons() -> None:
    events = _dicts(
        ActionExecuted("action_listen"),
        UserUttered("hello", intent={"name": "greet"}),
        _bot("Hi! What would you like to do?", BUTTONS),
        UserUttered("I spoke to [PERSON 1] on [PHONE 1]", intent={"name": "share"}),
        _bot("Thanks."),
    )

    assert history_messages(events) == [
        {"sender": "user", "text": "hello", "buttons": []},
        {"sender": "bot", "text": "Hi! What would you like to do?", "buttons": BUTTONS},
        {"sender": "user", "text": "I spoke to [PERSON 1] on [PHONE 1]", "buttons": []},
        {"sender": "bot", "text": "Thanks.", "buttons": []},
    ]


def test_a_button_payload_is_shown_by_its_title() -> None:
    events = _dicts(
        _bot("Which agency?", BUTTONS),
        UserUttered('/choose_agency{"agency":"police"}', intent={"name": "choose_agency"}),
        _bot("Point 1 of 4", [{"title": "Next", "payload": "/next_point"}]),
        UserUttered("/next_point", intent={"name": "next_point"}),
    )

    users = [m["text"] for m in history_messages(events) if m["sender"] == "user"]
    assert users == ["Police", "Next"]


def test_a_payload_no_button_offered_is_left_out() -> None:
    events = _dicts(
        UserUttered("/greet", intent={"name": "greet"}),  # the widget's hidden greeting
        _bot("Hello!"),
        UserUttered("/unknown_payload", intent={"name": "x"}),
    )

    assert history_messages(events) == [{"sender": "bot", "text": "Hello!", "buttons": []}]


def test_bot_text_is_split_as_the_socket_sends_it_with_buttons_on_the_last_part() -> None:
    events = _dicts(_bot("First paragraph.\n\nSecond paragraph.\n\n", BUTTONS))

    assert history_messages(events) == [
        {"sender": "bot", "text": "First paragraph.", "buttons": []},
        {"sender": "bot", "text": "Second paragraph.", "buttons": BUTTONS},
    ]


def test_buttons_without_text_still_show() -> None:
    assert history_messages(_dicts(_bot(None, BUTTONS))) == [
        {"sender": "bot", "text": "", "buttons": BUTTONS}
    ]


def test_quick_replies_are_read_as_buttons() -> None:
    event = BotUttered("pick", data={"quick_replies": [{"title": "A", "payload": "/a"}]})

    assert history_messages(_dicts(event))[0]["buttons"] == [{"title": "A", "payload": "/a"}]


def test_malformed_buttons_are_dropped() -> None:
    event = BotUttered(
        "pick",
        data={"buttons": [{"title": "A"}, "B", {"title": 1, "payload": "/x"}, BUTTONS[0]]},
    )

    assert history_messages(_dicts(event))[0]["buttons"] == [BUTTONS[0]]


def test_receipt_tokens_are_replaced_by_a_note_never_a_code() -> None:
    text = (
        f"Saved, thank you. Your receipt code is **{receipt_placeholder(TOKEN)}**.\n\n"
        "Keep it if you may want to withdraw this reflection."
    )
    (first, second) = history_messages(_dicts(_bot(text)))

    assert first["text"] == f"Saved, thank you. Your receipt code is {RECEIPT_NOTE}."
    assert TOKEN not in first["text"] and "receipt:" not in first["text"]
    assert second["text"] == "Keep it if you may want to withdraw this reflection."


def test_without_receipts_handles_bare_and_several_tokens() -> None:
    text = f"a {receipt_placeholder(TOKEN)} b `{receipt_placeholder('f' * 24)}`"

    assert without_receipts(text) == f"a {RECEIPT_NOTE} b {RECEIPT_NOTE}"


def test_only_the_current_session_is_shown() -> None:
    events = _dicts(
        UserUttered("old", intent={"name": "x"}),
        _bot("old reply"),
        ActionExecuted("action_session_start"),
        SessionStarted(),
        SlotSet("point_index", 2),
        ActionExecuted("action_listen"),
        UserUttered("new", intent={"name": "x"}),
        _bot("new reply"),
    )

    assert [m["text"] for m in history_messages(events)] == ["new", "new reply"]


def test_nothing_before_a_restart_is_shown() -> None:
    events = _dicts(UserUttered("before", intent={"name": "x"}), Restarted(), _bot("after"))

    assert [m["text"] for m in history_messages(events)] == ["after"]


def test_at_most_the_last_hundred_messages() -> None:
    events = _dicts(*[_bot(f"message {n}") for n in range(250)])

    messages = history_messages(events)

    assert len(messages) == 100
    assert messages[0]["text"] == "message 150" and messages[-1]["text"] == "message 249"
    assert [m["text"] for m in history_messages(events, limit=2)] == ["message 248", "message 249"]
    assert history_messages(events, limit=0) == []


def test_empty_or_odd_events_give_nothing() -> None:
    odd: list[dict[str, Any]] = [
        {},
        {"event": "user"},
        {"event": "user", "text": None},
        {"event": "user", "text": "   "},
        {"event": "bot", "text": None, "data": None},
        {"event": "bot", "text": "   ", "data": {"buttons": "nope"}},
        {"event": "slot", "name": "x", "value": 1},
    ]

    assert history_messages([]) == []
    assert history_messages(odd) == []


def test_a_rollover_is_the_same_session_and_its_copies_are_not_shown_twice() -> None:
    # The tracker store's rollover (bot/rasa_ext/rollover.py) as it really writes it.
    domain = Domain.load(PROJECT_ROOT / "domain.yml")
    clock = Clock(time.time() - 600)
    earlier = _dicts(UserUttered("an older session", intent={"name": "x"}), _bot("old reply"))
    session = _discussion(clock, 20)
    tracker = DialogueStateTracker.from_dict("s_x", _dicts(*session), domain.slots)
    rolled = plan(tracker, domain, threshold=40)
    assert rolled is not None
    after = _dicts(*_turn(clock, "next_point", "action_show_discussion_point"))
    without = [*earlier, *_dicts(*session), *after]
    with_rollover = [*earlier, *_dicts(*session), *rolled.events, *after]

    shown = history_messages(with_rollover, limit=1000)

    assert shown == history_messages(without, limit=1000)
    assert len(shown) == 2 * 22 and shown[-1]["text"] == "action_show_discussion_point says so"
    assert "an older session" not in str(shown)
