"""The cached action-reply validator accepts and refuses exactly what Rasa's own does."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions import action
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.utils.common import all_subclasses

from bot.rasa_ext import speedups

GOOD: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "point_number", "value": 2}], "responses": []},
    {"responses": [{"text": "Point 2 of 4", "buttons": [{"title": "Next", "payload": "/n"}]}]},
    {},
]
BAD: list[Any] = [
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": "not a list"},
    {"events": [{"event": "slot"}]},
]


@pytest.fixture
def cached(monkeypatch: pytest.MonkeyPatch) -> action.RemoteAction:
    """Rasa's RemoteAction with the cached validator (the original restored afterwards)."""
    monkeypatch.setattr(
        action.RemoteAction,
        "_validate_action_result",
        action.RemoteAction._validate_action_result,
    )
    speedups.cache_action_result_validator()
    return action.RemoteAction("action_x", None)


def original(result: Any) -> bool | ValidationError:
    try:
        return bool(
            action.RemoteAction.__dict__["_validate_action_result"](
                action.RemoteAction("action_x", None), result
            )
        )
    except ValidationError as error:
        return error


@pytest.mark.parametrize("result", GOOD)
def test_a_valid_reply_passes(cached: action.RemoteAction, result: dict[str, Any]) -> None:
    assert cached._validate_action_result(result) is True


@pytest.mark.parametrize("result", BAD)
def test_an_invalid_reply_fails_with_the_same_error_as_rasa(result: Any) -> None:
    expected = original(result)
    assert isinstance(expected, ValidationError)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            action.RemoteAction,
            "_validate_action_result",
            action.RemoteAction._validate_action_result,
        )
        speedups.cache_action_result_validator()
        with pytest.raises(ValidationError) as raised:
            action.RemoteAction("action_x", None)._validate_action_result(result)

    assert raised.value.message == expected.message
    assert "Failed to validate Action server response from API" in raised.value.message
    assert list(raised.value.path) == list(expected.path)


def test_the_cached_validator_is_not_rasas(cached: action.RemoteAction) -> None:
    assert action.RemoteAction._validate_action_result.__module__ == "bot.rasa_ext.speedups"


def test_install_is_idempotent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        action.RemoteAction,
        "_validate_action_result",
        action.RemoteAction._validate_action_result,
    )
    monkeypatch.setattr(speedups, "_INSTALLED", [])

    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    every = ["action_result_validator", "event_classes"]

    assert speedups.install() == every
    first = action.RemoteAction._validate_action_result
    assert speedups.install() == every
    assert action.RemoteAction._validate_action_result is first


@pytest.fixture
def cached_events(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    speedups.cache_event_classes()


@pytest.mark.parametrize(
    "name", ["user", "bot", "action", "slot", "session_started", "active_loop", "restart"]
)
def test_event_classes_are_the_same_as_rasas(cached_events: None, name: str) -> None:
    expected = next(c for c in all_subclasses(Event) if c.type_name == name)

    assert Event.resolve_by_type(name) is expected
    assert Event.resolve_by_type(name) is expected  # the remembered answer


def test_unknown_event_names_still_fail_or_default(cached_events: None) -> None:
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=UserUttered) is UserUttered
    assert Event.resolve_by_type("topic") is None


def test_a_stored_conversation_deserialises_the_same(cached_events: None) -> None:
    stored = [
        {"event": "action", "name": "action_session_start"},
        {"event": "user", "text": "hello", "parse_data": {"intent": {"name": "greet"}}},
        {"event": "slot", "name": "point_number", "value": 2},
        {"event": "bot", "text": "Point 2 of 4"},
    ]
    events = [Event.from_parameters(dict(e)) for e in stored]

    assert [type(e).__name__ for e in events] == [
        "ActionExecuted",
        "UserUttered",
        "SlotSet",
        "BotUttered",
    ]
